"""Public pages (programmes, editions, archive), the staff pages where festival teams
configure them, and the staff's view of the mail outbox. Views are thin: forms validate,
services write, selectors read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from outbox import services as outbox_services
from outbox.models import MailStatus

from . import activity, mail_templates, selectors, services
from .files import serve_file
from .forms import (
    ActivityFilterForm,
    CallForm,
    EditionForm,
    EditionStateForm,
    MailTemplateForm,
    OutboxFilterForm,
    ProgrammeForm,
    SessionForm,
)
from .mixins import (
    EditionTimeZoneMixin,
    ManagedEditionMixin,
    ManagedEditionPartMixin,
    ManagedProgrammeMixin,
    StaffAreaMixin,
    SuperuserAreaMixin,
)
from .models import Call, Edition, MailTemplate, Programme, Session
from .permissions import can_create_programme, can_manage_edition, can_manage_programme

# --- Public pages ---------------------------------------------------------------------------


class ProgrammeListView(ListView):
    template_name = "editions/programme_list.html"
    context_object_name = "programmes"

    def get_queryset(self):
        return selectors.programmes_with_current_editions()


class ProgrammeDetailView(ListView):
    """A programme, its coming editions and its past editions (the paginated list)."""

    template_name = "editions/programme_detail.html"
    context_object_name = "past_editions"
    paginate_by = 12

    def get(self, request, *args, **kwargs):
        self.programme = get_object_or_404(Programme, slug=kwargs["programme"])
        self.is_programme_staff = can_manage_programme(request.user, self.programme)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.with_sessions(selectors.past_editions(programme=self.programme))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programme=self.programme,
            coming_editions=selectors.coming_editions(
                programme=self.programme, include_drafts=self.is_programme_staff
            ),
            is_programme_staff=self.is_programme_staff,
            **kwargs,
        )


class EditionDetailView(DetailView):
    template_name = "editions/edition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        edition = (
            selectors.edition_with_details(Edition.objects.all())
            .filter(programme__slug=self.kwargs["programme"], slug=self.kwargs["edition"])
            .first()
        )
        if edition is None:
            raise Http404
        self.is_programme_staff = can_manage_edition(self.request.user, edition)
        if not edition.is_public and not self.is_programme_staff:
            raise Http404
        return edition

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_programme_staff=self.is_programme_staff, **kwargs)


class ArchiveView(ListView):
    """Past editions of every programme, optionally of one."""

    template_name = "editions/archive.html"
    context_object_name = "editions"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.programmes = list(Programme.objects.only("name", "slug").order_by("name"))
        wanted = request.GET.get("programme", "")
        self.selected = next((p for p in self.programmes if p.slug == wanted), None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.with_sessions(selectors.past_editions(programme=self.selected))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programmes=self.programmes,
            selected_programme=self.selected,
            filter_query=f"programme={self.selected.slug}&" if self.selected else "",
            **kwargs,
        )


@require_safe
def programme_logo(request, programme):
    """Logos are public, but uploaded files are never served from a media URL."""
    programme = get_object_or_404(Programme, slug=programme)
    return serve_file(programme.logo)


# --- Staff area --------------------------------------------------------------------------


class ServiceFormMixin:
    """form_valid() calls one service; a ValidationError it raises (a rule checked only
    when saving) goes back to the form instead of becoming a 500."""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def get_success_message(self):
        return _("Saved.")


class StaffHomeView(StaffAreaMixin, TemplateView):
    template_name = "editions/staff/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programmes=selectors.managed_programmes(user=self.request.user),
            can_create_programme=can_create_programme(self.request.user),
            **kwargs,
        )


class ProgrammeCreateView(SuperuserAreaMixin, ServiceFormMixin, CreateView):
    model = Programme
    form_class = ProgrammeForm
    template_name = "editions/staff/programme_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def perform(self, form):
        return services.save_programme(
            programme=form.instance, team=form.team, by=self.request.user
        )

    def get_success_message(self):
        return _("Programme “%(name)s” created.") % {"name": self.object}

    def get_success_url(self):
        return reverse("editions:staff_editions", kwargs={"programme": self.object.slug})


class ProgrammeEditView(ManagedProgrammeMixin, ServiceFormMixin, UpdateView):
    form_class = ProgrammeForm
    template_name = "editions/staff/programme_form.html"

    def get_object(self, queryset=None):
        # A copy: the form changes the instance it is given, the page header must not.
        return Programme.objects.get(pk=self.programme.pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def perform(self, form):
        return services.save_programme(
            programme=form.instance, team=form.team, by=self.request.user
        )

    def get_success_message(self):
        return _("Programme “%(name)s” saved.") % {"name": self.object}

    def get_success_url(self):
        return reverse("editions:staff_editions", kwargs={"programme": self.object.slug})


class StaffEditionListView(ManagedProgrammeMixin, ListView):
    template_name = "editions/staff/edition_list.html"
    context_object_name = "editions"
    paginate_by = 50

    def get_queryset(self):
        return selectors.editions_with_counts(programme=self.programme)


class EditionCreateView(ManagedProgrammeMixin, ServiceFormMixin, CreateView):
    form_class = EditionForm
    template_name = "editions/staff/edition_form.html"

    def get_form_kwargs(self):
        # The programme is set before validation so that its unique rules are checked.
        return {**super().get_form_kwargs(), "instance": Edition(programme=self.programme)}

    def get_initial(self):
        year = timezone.localdate().year + 1
        latest = self.programme.editions.order_by("-number").first()
        initial = {"year": year, "slug": str(year), "number": latest.number + 1 if latest else 1}
        if latest:
            initial["time_zone"] = latest.time_zone
        return initial

    def perform(self, form):
        return services.save_edition(edition=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Edition “%(name)s” created as a draft: only staff see it for now.") % {
            "name": self.object
        }

    def get_success_url(self):
        return reverse("editions:staff_edition", kwargs={"pk": self.object.pk})


class StaffEditionDetailView(ManagedEditionMixin, TemplateView):
    template_name = "editions/staff/edition_detail.html"

    def get_context_data(self, **kwargs):
        edition = selectors.edition_with_details(Edition.objects.filter(pk=self.edition.pk)).get()
        return super().get_context_data(
            edition=edition,
            next_states=services.allowed_edition_states(edition),
            **kwargs,
        )


class EditionStateView(ManagedEditionMixin, FormView):
    """POST only: move the edition to another state, through the service."""

    form_class = EditionStateForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            edition = services.set_edition_state(
                edition=self.edition, state=form.cleaned_data["state"], by=self.request.user
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(
                self.request,
                _("“%(name)s” is now: %(state)s.")
                % {"name": edition, "state": edition.get_state_display()},
            )
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        messages.error(self.request, _("Choose one of the states offered."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("editions:staff_edition", kwargs={"pk": self.edition.pk})


class EditionEditView(ManagedEditionMixin, ServiceFormMixin, UpdateView):
    form_class = EditionForm
    template_name = "editions/staff/edition_form.html"

    def get_object(self, queryset=None):
        # A copy: the form changes the instance it is given, the page header must not.
        return Edition.objects.select_related("programme").get(pk=self.edition.pk)

    def perform(self, form):
        return services.save_edition(edition=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Edition “%(name)s” saved.") % {"name": self.object}

    def get_success_url(self):
        return reverse("editions:staff_edition", kwargs={"pk": self.object.pk})


class EditionPartSuccessMixin:
    def get_success_url(self):
        return reverse("editions:staff_edition", kwargs={"pk": self.edition.pk})


class SessionCreateView(ManagedEditionMixin, ServiceFormMixin, EditionPartSuccessMixin, CreateView):
    form_class = SessionForm
    template_name = "editions/staff/session_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Session(edition=self.edition)}

    def perform(self, form):
        return services.save_session(session=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Session “%(name)s” added.") % {"name": self.object}


class SessionEditView(
    ManagedEditionPartMixin, ServiceFormMixin, EditionPartSuccessMixin, UpdateView
):
    model = Session
    form_class = SessionForm
    template_name = "editions/staff/session_form.html"

    def perform(self, form):
        return services.save_session(session=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Session “%(name)s” saved.") % {"name": self.object}


class SessionDeleteView(ManagedEditionPartMixin, EditionPartSuccessMixin, DeleteView):
    model = Session
    template_name = "editions/staff/session_confirm_delete.html"
    context_object_name = "session"

    def form_valid(self, form):
        name = str(self.object)
        services.delete_session(session=self.object, by=self.request.user)
        messages.success(self.request, _("Session “%(name)s” deleted.") % {"name": name})
        return HttpResponseRedirect(self.get_success_url())


class CallCreateView(
    ManagedEditionMixin,
    EditionTimeZoneMixin,
    ServiceFormMixin,
    EditionPartSuccessMixin,
    CreateView,
):
    form_class = CallForm
    template_name = "editions/staff/call_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Call(edition=self.edition)}

    def get_initial(self):
        return {"title": _("Call for works in progress %(year)s") % {"year": self.edition.year}}

    def perform(self, form):
        return services.save_call(call=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Call “%(name)s” created.") % {"name": self.object}


class CallEditView(
    ManagedEditionPartMixin,
    EditionTimeZoneMixin,
    ServiceFormMixin,
    EditionPartSuccessMixin,
    UpdateView,
):
    model = Call
    form_class = CallForm
    template_name = "editions/staff/call_form.html"
    context_object_name = "call"

    def perform(self, form):
        return services.save_call(call=form.instance, by=self.request.user)

    def get_success_message(self):
        return _("Call “%(name)s” saved.") % {"name": self.object}


# --- The outbox ------------------------------------------------------------------------------

OUTBOX_PAGE_SIZE = 50


class StaffOutboxView(StaffAreaMixin, TemplateView):
    """The mails the portal sent or is sending, with filters: superusers see every one,
    festival staff the mails about the programmes they run."""

    template_name = "editions/staff/outbox.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        programmes = list(Programme.objects.managed_by(user).only("name").order_by("name"))
        form = OutboxFilterForm(
            self.request.GET,
            kinds=selectors.outbox_kinds(user=user),
            programmes=programmes,
            include_unscoped=user.is_superuser,
        )
        mails = selectors.outbox_mails(user=user, **form.filters())
        page = Paginator(mails, OUTBOX_PAGE_SIZE).get_page(self.request.GET.get("page"))
        by_scope = {selectors.programme_mail_scope(p.pk): p for p in programmes}
        counts = selectors.outbox_status_counts(user=user)
        return super().get_context_data(
            form=form,
            rows=[{"mail": mail, "programme": by_scope.get(mail.scope)} for mail in page],
            page_obj=page,
            paginator=page.paginator,
            status_counts=[
                {"status": status, "label": label, "count": counts.get(status, 0)}
                for status, label in MailStatus.choices
            ],
            total=sum(counts.values()),
            **kwargs,
        )


class StaffMailMixin(StaffAreaMixin):
    """Sets self.mail from the `pk` in the URL, among the mails the person sees: any other
    answers 404."""

    def load_scope(self):
        self.mail = get_object_or_404(
            selectors.mails_seen_by(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_success_url(self):
        return reverse("editions:staff_mail", kwargs={"pk": self.mail.pk})


class StaffMailDetailView(StaffMailMixin, TemplateView):
    """One mail as it was stored. Its HTML part is shown as source text, never rendered."""

    template_name = "editions/staff/mail_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mail=self.mail,
            programme=selectors.programme_of_mail(self.mail),
            can_retry=self.mail.status in outbox_services.RETRYABLE,
            can_discard=self.mail.status in outbox_services.DISCARDABLE,
            **kwargs,
        )


class MailRetryView(StaffMailMixin, View):
    """POST only: send a failed or discarded mail again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        was = self.mail.status
        mail = outbox_services.retry_mail(mail=self.mail, by=request.user)
        if was in outbox_services.RETRYABLE and mail.status != was:
            messages.success(request, _("The mail is queued to be sent again."))
        else:
            messages.error(
                request,
                _("Only a failed or discarded mail can be sent again. This one is: %(status)s.")
                % {"status": mail.get_status_display()},
            )
        return HttpResponseRedirect(self.get_success_url())


class MailDiscardView(StaffMailMixin, View):
    """POST only: stop a pending or failed mail; it is not sent unless retried."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        was = self.mail.status
        mail = outbox_services.discard_mail(mail=self.mail, by=request.user)
        if was in outbox_services.DISCARDABLE and mail.status != was:
            messages.success(request, _("The mail is discarded: it will not be sent."))
        else:
            messages.error(
                request,
                _("Only a pending or failed mail can be discarded. This one is: %(status)s.")
                % {"status": mail.get_status_display()},
            )
        return HttpResponseRedirect(self.get_success_url())


# --- Mail templates -------------------------------------------------------------------------


class MailTemplateListView(ManagedEditionMixin, TemplateView):
    """Every mail staff may word for the edition, in every language: the default, or the
    edition's own wording and who last changed it."""

    template_name = "editions/staff/mail_templates.html"

    def get_context_data(self, **kwargs):
        custom = {
            (template.kind, template.language): template
            for template in MailTemplate.objects.filter(edition=self.edition).select_related(
                "updated_by"
            )
        }
        rows = [
            {
                "kind": kind,
                "languages": [
                    {"code": code, "name": name, "custom": custom.get((kind.code, code))}
                    for code, name in mail_templates.languages()
                ],
            }
            for kind in mail_templates.kinds()
        ]
        return super().get_context_data(edition=self.edition, rows=rows, **kwargs)


class MailTemplateEditView(ManagedEditionMixin, FormView):
    """Word one mail in one language, preview it filled from a real project of the
    edition (or example values), save it, or go back to the default."""

    template_name = "editions/staff/mail_template_form.html"
    form_class = MailTemplateForm

    def load_scope(self):
        super().load_scope()
        self.kind = mail_templates.get_kind(self.kwargs["kind"])
        self.language = self.kwargs["language"]
        if self.kind is None or self.language not in dict(mail_templates.languages()):
            raise Http404
        self.custom = MailTemplate.objects.filter(
            edition=self.edition, kind=self.kind.code, language=self.language
        ).first()
        self.preview = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kind"] = self.kind
        kwargs["preview_choices"] = self.kind.preview_choices(self.edition)
        return kwargs

    def get_initial(self):
        subject, body = mail_templates.wording(self.edition, self.kind, self.language)
        return {"subject": subject, "body": body}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        initial = self.get_initial()
        self.preview = self.render_preview(form, initial["subject"], initial["body"], key="")
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "reset":
            services.reset_mail_template(
                edition=self.edition, code=self.kind.code, language=self.language, by=request.user
            )
            messages.success(request, _("This mail is back to its default wording."))
            return HttpResponseRedirect(request.path)
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            self.preview = self.render_preview(
                form, data["subject"], data["body"], key=data["preview_with"]
            )
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.save_mail_template(
                edition=self.edition,
                code=self.kind.code,
                language=self.language,
                subject=data["subject"],
                body=data["body"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(request, _("The mail's wording is saved."))
        return HttpResponseRedirect(
            reverse("editions:staff_mail_templates", args=[self.edition.pk])
        )

    def render_preview(self, form, subject, body, *, key):
        values = None
        if key:
            with translation.override(self.language):
                values = self.kind.preview_values(self.edition, key)
            if values is None:
                form.add_error("preview_with", _("Choose one from the list."))
        if values is None:
            values = self.kind.examples()
        with translation.override(self.language):
            subject, text, _html = mail_templates.render(
                edition=self.edition,
                code=self.kind.code,
                language=self.language,
                values=values,
                subject=subject,
                body=body,
            )
        return {"subject": subject, "text": text}

    def get_context_data(self, **kwargs):
        with translation.override(self.language):
            placeholders = [
                {"name": p.name, "help": str(p.help), "example": str(p.example)}
                for p in self.kind.placeholders
            ]
        return super().get_context_data(
            edition=self.edition,
            kind=self.kind,
            language=self.language,
            language_name=dict(mail_templates.languages())[self.language],
            custom=self.custom,
            placeholders=placeholders,
            preview=self.preview,
            **kwargs,
        )


# --- The activity log -------------------------------------------------------------------------

ACTIVITY_PAGE_SIZE = 50


class EditionActivityView(ManagedEditionMixin, TemplateView):
    """Everything recorded about an edition, newest first, with filters: who did what,
    when (in the edition's time zone) and what changed; the mails with their current
    status in the outbox. The edition's staff only."""

    template_name = "editions/staff/activity.html"

    def get_context_data(self, **kwargs):
        edition = self.edition
        form = ActivityFilterForm(
            self.request.GET, actors=selectors.activity_actors(edition=edition)
        )
        filters = form.filters()
        entries = selectors.edition_activity(edition=edition, **filters)
        page = Paginator(entries, ACTIVITY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            lines=activity.lines(page, edition.tz),
            page_obj=page,
            paginator=page.paginator,
            project_id=filters["project_id"],
            **kwargs,
        )
