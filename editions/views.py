from django.views.generic import DetailView, ListView, TemplateView

from .models import Edition, Programme


class ProgrammeListView(ListView):
    model = Programme


class ProgrammeDetailView(DetailView):
    model = Programme
    slug_url_kwarg = "programme"


class EditionDetailView(DetailView):
    model = Edition

    def get_object(self, queryset=None):
        return Edition.objects.get(
            programme__slug=self.kwargs["programme"], slug=self.kwargs["edition"]
        )


class StaffHomeView(TemplateView):
    template_name = "editions/staff/home.html"
