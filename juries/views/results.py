"""The results: staff read the drafted result of every applicant, choose whether the
jury's feedback goes with it, send them, and follow the selected producers' answers and
the places offered from the waiting lists. Festival staff of the edition's programme only
(others 403, another programme's edition 404).

The producer's answer to their place is in participation.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from editions.models import Session
from submissions.views.staff import add_service_error

from .. import results
from ..forms.results import ConfirmDaysForm, NoticeForm, ResultFilterForm, SendResultsForm
from ..models import ResultNotice, Selection
from .staff import ActionView, JuryEditionMixin, JuryObjectMixin, managed_editions

PAGE_SIZE = 100


class ResultsMixin(JuryEditionMixin):
    def results_url(self):
        return reverse("juries:staff_results", kwargs={"edition_pk": self.edition.pk})

    success_url = results_url


class ResultsView(ResultsMixin, TemplateView):
    template_name = "juries/results/staff.html"

    def get_context_data(self, **kwargs):
        selection = Selection.objects.filter(edition=self.edition).first()
        form = ResultFilterForm(self.request.GET or None)
        rows = results.notices(self.edition, **form.filters())
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            selection=selection,
            locked=bool(selection and selection.is_locked),
            board=results.board(self.edition),
            places=results.free_places(self.edition),
            filter_form=form,
            send_form=SendResultsForm(prefix="send"),
            confirm_form=ConfirmDaysForm(instance=selection) if selection else None,
            page_obj=page,
            paginator=page.paginator,
            filter_query=f"{query.urlencode()}&" if query else "",
            **kwargs,
        )


class SendResultsView(ResultsMixin, ActionView):
    def act(self):
        form = SendResultsForm(self.request.POST, prefix="send")
        outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
        count = results.queue_sending(edition=self.edition, by=self.request.user, outcome=outcome)
        return ngettext(
            "%(count)s result is being sent. The list shows each one as it goes.",
            "%(count)s results are being sent. The list shows each one as it goes.",
            count,
        ) % {"count": count}


class IncludeFeedbackView(ResultsMixin, ActionView):
    def act(self):
        include = self.request.POST.get("include") == "1"
        count = results.include_all_feedback(
            edition=self.edition, include=include, by=self.request.user
        )
        if include:
            return ngettext(
                "The jury's feedback will go with %(count)s “not selected” result.",
                "The jury's feedback will go with %(count)s “not selected” results.",
                count,
            ) % {"count": count}
        return _("No “not selected” result will carry the jury's feedback.")


class ConfirmDaysView(ResultsMixin, ActionView):
    def act(self):
        selection = Selection.objects.filter(edition=self.edition).first()
        form = ConfirmDaysForm(self.request.POST, instance=selection)
        if selection is None or not form.is_valid():
            raise ValidationError(
                [error for errors in form.errors.values() for error in errors]
                or [_("Lock the selection first: the results are drafted from it.")]
            )
        results.set_confirm_days(
            edition=self.edition, days=form.cleaned_data["confirm_days"], by=self.request.user
        )
        days = form.cleaned_data["confirm_days"]
        return ngettext(
            "Selected producers now have %(days)s day to confirm.",
            "Selected producers now have %(days)s days to confirm.",
            days,
        ) % {"days": days}


class OfferPlaceView(ResultsMixin, ActionView):
    def load_scope(self):
        self.session = get_object_or_404(
            Session.objects.filter(edition__in=managed_editions(self.request.user)),
            pk=self.kwargs["session_pk"],
        )
        self.edition = self.session.edition

    def act(self):
        notice = results.offer_place(session=self.session, by=self.request.user)
        return _("The place in %(session)s is offered to “%(title)s”; its producer is told.") % {
            "session": self.session.display_name,
            "title": notice.project.display_title,
        }


class NoticeMixin(JuryObjectMixin):
    model = ResultNotice

    def load_scope(self):
        super().load_scope()
        self.notice = self.object

    def notice_url(self):
        return reverse("juries:staff_result", kwargs={"pk": self.notice.pk})

    def results_url(self):
        return reverse("juries:staff_results", kwargs={"edition_pk": self.edition.pk})


class NoticeView(NoticeMixin, FormView):
    """One result: the mail as it will go (or went), and the feedback a draft carries."""

    template_name = "juries/results/notice.html"
    form_class = NoticeForm

    def get_initial(self):
        return {
            "feedback": self.notice.feedback,
            "include_feedback": self.notice.include_feedback,
        }

    def form_valid(self, form):
        try:
            results.save_notice(
                notice=self.notice,
                feedback=form.cleaned_data["feedback"],
                include_feedback=form.cleaned_data["include_feedback"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The draft is saved."))
        return super().form_valid(form)

    def get_success_url(self):
        return self.notice_url()

    def get_context_data(self, **kwargs):
        notice = ResultNotice.objects.select_related(
            "project__owner", "session", "mail", "sent_by", "edition__programme"
        ).get(pk=self.notice.pk)
        subject = text = ""
        if not notice.is_sent:
            subject, text = results.preview(notice)
        return super().get_context_data(
            notice=notice, subject=subject, text=text, project=notice.project, **kwargs
        )


class SendNoticeView(NoticeMixin, ActionView):
    def act(self):
        if not results.send_notice(notice_id=self.notice.pk, by=self.request.user):
            raise ValidationError(_("This result is already sent."))
        return _("The result is sent to the producer.")

    def success_url(self):
        return self.notice_url()


class GiveUpPlaceView(NoticeMixin, ActionView):
    def act(self):
        notice = results.give_up_place(notice=self.notice, by=self.request.user)
        return _(
            "The place of “%(title)s” is given up and its producer told. Offer it to the "
            "waiting list when you are ready."
        ) % {"title": notice.project.display_title}

    def success_url(self):
        return self.results_url()
