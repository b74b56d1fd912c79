"""The selected producer's answer to their place, on their project's page: confirm or
decline by the deadline. Only the project's producer (anyone else gets 404, anonymous
people are sent to sign in); only while the place waits for an answer."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from editions import typed
from submissions.panels import Panel

from .. import results
from ..forms.results import AnswerForm
from ..models import Answer, ResultNotice


def participation_panel(request, project):
    """The panel on the producer's project page: their place to confirm, or their
    answer. Nothing before the result is sent."""
    notice = (
        ResultNotice.objects.filter(project=project, sent_at__isnull=False, outcome="selected")
        .select_related("session", "edition")
        .first()
    )
    if notice is None or request.user != project.owner:
        return None
    return Panel(
        "juries/results/_participation.html",
        {
            "notice": notice,
            "can_answer": results.can_answer(notice) and project.status == "selected",
            "form": AnswerForm(),
        },
    )


class AnswerView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = get_object_or_404(
            ResultNotice.objects.select_related("project", "edition"),
            pk=pk,
            project__owner=request.user,
        )
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Confirm or decline the place."))
            typed.keep(request, "note")
            return HttpResponseRedirect(notice.project.get_absolute_url())
        try:
            notice = results.answer_place(
                notice=notice,
                by=request.user,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            typed.keep(request, "note")
        else:
            if notice.answer == Answer.CONFIRMED:
                messages.success(request, _("Thank you: your participation is confirmed."))
            else:
                messages.success(request, _("Your answer is recorded: you declined the place."))
        return HttpResponseRedirect(notice.project.get_absolute_url())
