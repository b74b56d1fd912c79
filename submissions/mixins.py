"""View mixins: which project a person may open, and the context every step of the
application form shares."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property

from editions.mixins import StaffAreaMixin
from editions.models import Programme

from . import eligibility
from .models import Project
from .permissions import can_edit_project


def project_queryset():
    return Project.objects.select_related("call__edition__programme", "owner").prefetch_related(
        "companies", "directors", "cuts", "stills", "documents", "post_production"
    )


class OwnProjectMixin(LoginRequiredMixin):
    """The producer's own project from the `pk` in the URL; anyone else's answers 404,
    whether it exists or not."""

    project_url_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = get_object_or_404(
            project_queryset().filter(owner=request.user), pk=kwargs[self.project_url_kwarg]
        )
        return super().dispatch(request, *args, **kwargs)


class ProjectWizardMixin(OwnProjectMixin):
    """Context shared by the steps of the application form: the steps with their
    progress, and the eligibility items."""

    step = ""

    @cached_property
    def eligibility_items(self):
        return eligibility.check_project(self.project, call=self.project.call)

    def step_url(self, step):
        return step_url(self.project, step)

    def get_context_data(self, **kwargs):
        done = eligibility.step_status(self.eligibility_items)
        steps = [
            {
                "code": code,
                "label": label,
                "number": number,
                "url": self.step_url(code),
                "done": done[code],
                "current": code == self.step,
            }
            for number, (code, label) in enumerate(eligibility.STEPS, start=1)
        ]
        kwargs.update(
            project=self.project,
            call=self.project.call,
            edition=self.project.call.edition,
            steps=steps,
            eligibility_items=self.eligibility_items,
            eligibility_failures=eligibility.failures(self.eligibility_items),
            can_edit=can_edit_project(self.request.user, self.project),
            current_step=self.step,
        )
        return super().get_context_data(**kwargs)


def step_url(project, step):
    if step == eligibility.STEP_MATERIALS:
        return reverse("submissions:materials", kwargs={"pk": project.pk})
    if step == eligibility.STEP_REVIEW:
        return reverse("submissions:review", kwargs={"pk": project.pk})
    return reverse("submissions:step", kwargs={"pk": project.pk, "step": step})


class StaffProjectMixin(StaffAreaMixin):
    """A project of a programme the person runs; others answer 404."""

    def load_scope(self):
        managed = Programme.objects.managed_by(self.request.user)
        self.project = get_object_or_404(
            project_queryset().filter(call__edition__programme__in=managed), pk=self.kwargs["pk"]
        )
        self.edition = self.project.call.edition

    def get_context_data(self, **kwargs):
        kwargs.setdefault("project", self.project)
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)
