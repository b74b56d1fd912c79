"""The festival staff's pages: an edition's applications with filters, their CSV export,
a project's full page with the screening and the other actions on it, and projects
entered on a producer's behalf. Festival staff only (others get 403); projects and
editions of programmes the person does not run answer 404."""

import csv
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from editions.files import as_download
from editions.mixins import StaffAreaMixin
from editions.models import Edition, ProductionStage

from .. import eligibility, selectors, services
from ..forms.staff import (
    ApplicationFilterForm,
    CarryOverForm,
    InviteForm,
    MessageForm,
    ReopenForm,
    RequestCutForm,
    ScreeningForm,
)
from ..mixins import StaffProjectMixin
from ..models import (
    CompanyRole,
    Gender,
    Genre,
    ProducerProfile,
    Project,
    ProjectStatus,
    Screening,
)

PAGE_SIZE = 50
# One chunk holds a large edition's applications: the export then reads them in six
# queries (the projects, then their companies, directors, cuts, stills and documents),
# whatever their number up to this size; beyond it, five more per further chunk.
EXPORT_CHUNK_SIZE = 2000

STATE_LABELS = {
    selectors.ELIGIBLE: gettext_lazy("Eligible"),
    selectors.INCOMPLETE: gettext_lazy("Incomplete"),
    selectors.INELIGIBLE: gettext_lazy("Ineligible"),
}


def add_service_error(form, error: ValidationError):
    """A service's ValidationError at the form's field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class StaffEditionMixin(StaffAreaMixin):
    """The edition from `edition_pk`, among those of the programmes the person runs."""

    def load_scope(self):
        self.edition = get_object_or_404(
            Edition.objects.managed_by(self.request.user).select_related("programme"),
            pk=self.kwargs["edition_pk"],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)

    def filter_form(self):
        return ApplicationFilterForm(self.request.GET, edition=self.edition)


def application_row(project, *, calls=None):
    """What a row of the list or the export shows about a project whose companies,
    directors, cuts, stills and documents were prefetched. `calls`, a
    selectors.CallCache, shares the reading of each call's rules between rows."""
    view = selectors.bulk_view(project)
    call = calls[project.call] if calls is not None else project.call
    items = eligibility.check_project(view, call=call)
    companies = list(view.companies.all())
    producing = next((c for c in companies if c.role == CompanyRole.PRODUCER), None)
    state = selectors.eligibility_state(items)
    return {
        "project": project,
        "items": items,
        "failures": eligibility.failures(items),
        "state": state,
        "state_label": STATE_LABELS[state],
        "producing_company": producing,
        "companies": companies,
        "directors": list(view.directors.all()),
        "cut": view.current_cut(),
    }


# --- The list of applications -----------------------------------------------------------


class StaffListView(StaffEditionMixin, TemplateView):
    template_name = "submissions/staff/list.html"

    def get_context_data(self, **kwargs):
        form = self.filter_form()
        filters = form.filters()
        state = filters.pop("eligibility")
        projects = selectors.staff_applications(edition=self.edition, **filters)
        calls = selectors.CallCache()
        if state:
            # Eligibility is computed, not stored: it is checked in memory over the
            # filtered applications, then the page is read in full.
            pks = selectors.pks_with_eligibility(projects, state=state, edition=self.edition)
            page = Paginator(pks, PAGE_SIZE).get_page(self.request.GET.get("page"))
            by_pk = selectors.with_eligibility_data(Project.objects.filter(pk__in=page.object_list))
            by_pk = {project.pk: project for project in by_pk}
            rows = [application_row(by_pk[pk], calls=calls) for pk in page.object_list]
        else:
            projects = selectors.with_eligibility_data(projects)
            page = Paginator(projects, PAGE_SIZE).get_page(self.request.GET.get("page"))
            rows = [application_row(project, calls=calls) for project in page.object_list]
        counts = selectors.status_counts(edition=self.edition)
        return super().get_context_data(
            form=form,
            rows=rows,
            page_obj=page,
            paginator=page.paginator,
            status_counts=[
                {"status": status, "label": label, "count": counts[status]}
                for status, label in ProjectStatus.choices
            ],
            total=sum(counts.values()),
            **kwargs,
        )


# --- CSV export ---------------------------------------------------------------------------


class _Echo:
    """A file-like object csv.writer writes to, giving each line back."""

    def write(self, value):
        return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The lines of an export hold plain values: text, whole numbers, and these two, which read
# as the text a CSV shows and carry the value a spreadsheet keeps (a number, a date).


class Number(str):
    """A number with a fixed number of decimals: "7.50" as text, `value` the number."""

    def __new__(cls, value, places: int = 2):
        cell = super().__new__(cls, f"{value:.{places}f}")
        cell.value, cell.places = value, places
        return cell


class LocalTime(str):
    """A moment in a time zone: "2026-01-02 13:00" as text, `value` the local (naive)
    datetime."""

    def __new__(cls, moment, tz):
        local = timezone.localtime(moment, tz).replace(tzinfo=None)
        cell = super().__new__(cls, local.strftime("%Y-%m-%d %H:%M"))
        cell.value = local
        return cell


def number(value, places: int = 2):
    """A Number, or "" for no value."""
    return "" if value is None else Number(value, places)


def local_time(moment, tz):
    """A LocalTime, or "" for no moment."""
    return "" if moment is None else LocalTime(moment, tz)


def csv_cell(value) -> str:
    """A cell as text. One a spreadsheet would take for a formula gets a leading apostrophe
    (a film titled "=HYPERLINK(…)" must stay a title); a number never does, negative or
    not."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, Number | int | float | Decimal):
        return text
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(lines):
    """Lines (lists of cells) as CSV text, the first with a byte-order mark (so that
    spreadsheet programs read accents right), every cell through csv_cell. The staff's
    CSV pages stream it, and the exports' CSV files are written with it."""
    writer = csv.writer(_Echo())
    for index, line in enumerate(lines):
        text = writer.writerow([csv_cell(cell) for cell in line])
        yield ("\ufeff" + text) if index == 0 else text


def _amount(value):
    return number(value, 2)


def _share(value: Decimal) -> str:
    return f"{value.normalize():f}"


def export_header(*, zone: str):
    return [
        _("ID"),
        _("Original title"),
        _("English title"),
        _("Status"),
        _("Call"),
        _("Producer"),
        _("Producer's email"),
        _("Producing company"),
        _("Producing company's country"),
        _("Companies (country, share %)"),
        _("Directors (nationality, gender)"),
        _("Genre"),
        _("Stage of the current cut"),
        _("Runtime of the current cut (minutes)"),
        _("Total budget"),
        _("Financing secured"),
        _("Financing missing"),
        _("Currency"),
        _("Submitted (%(zone)s time)") % {"zone": zone},
        _("Eligibility"),
        _("What is missing or ineligible"),
        _("Screening"),
        _("Screening reason"),
    ]


class ExportLabels:
    """Labels in the export's language, looked up once per export rather than once per
    cell (a get_FOO_display() call translates every choice of the field)."""

    def __init__(self):
        self.status = {code: str(label) for code, label in ProjectStatus.choices}
        self.genre = {code: str(label) for code, label in Genre.choices}
        self.stage = {code: str(label) for code, label in ProductionStage.choices}
        self.gender = {code: str(label) for code, label in Gender.choices}
        self.screening = {code: str(label) for code, label in Screening.choices}
        self.states = {code: str(label) for code, label in STATE_LABELS.items()}
        self._countries = {}

    def country(self, country) -> str:
        if country.code not in self._countries:
            self._countries[country.code] = str(country.name)
        return self._countries[country.code]


def export_line(row, *, tz, labels: ExportLabels) -> list:
    project = row["project"]
    producing = row["producing_company"]
    cut = row["cut"]
    submitted = local_time(project.submitted_at, tz)
    return [
        project.pk,
        project.original_title,
        project.english_title,
        labels.status.get(project.status, project.status),
        project.call.title,
        project.owner.full_name,
        project.owner.email,
        producing.name if producing else "",
        labels.country(producing.country) if producing else "",
        "; ".join(
            f"{company.name} ({company.country.code}, {_share(company.share)} %)"
            for company in row["companies"]
        ),
        "; ".join(
            f"{director.name} ({director.nationality.code}, "
            f"{labels.gender.get(director.gender, director.gender)})"
            for director in row["directors"]
        ),
        labels.genre.get(project.genre, project.genre),
        labels.stage.get(cut.stage, cut.stage) if cut else "",
        cut.runtime if cut else "",
        _amount(project.total_budget),
        _amount(project.secured_amount),
        _amount(project.financing_missing),
        project.currency,
        submitted,
        labels.states[row["state"]],
        "; ".join(item.message for item in row["failures"]),
        labels.screening.get(project.screening, project.screening),
        project.screening_reason,
    ]


class StaffExportView(StaffEditionMixin, View):
    """Every application matching the list's filters, one row each, streamed as CSV in
    UTF-8 with a byte-order mark (so that spreadsheet programs read accents right). The
    screener's link and password are never in it."""

    def get(self, request, *args, **kwargs):
        filters = self.filter_form().filters()
        state = filters.pop("eligibility")
        projects = selectors.with_eligibility_data(
            selectors.staff_applications(edition=self.edition, **filters)
        )
        language = translation.get_language()
        response = StreamingHttpResponse(
            self.lines(projects, state=state, language=language),
            content_type="text/csv; charset=utf-8",
        )
        name = f"{self.edition.programme.slug}-{self.edition.slug}-applications.csv"
        return as_download(response, name)

    def lines(self, projects, *, state, language):
        with translation.override(language):
            yield from csv_lines(application_lines(self.edition, projects, state=state))


def application_lines(edition, projects, *, state=""):
    """The lines of the applications' export, the header first: a line per project of
    `projects` (read with selectors.with_eligibility_data) whose eligibility is `state`
    (any when empty). Labels are read as the lines are produced: iterate inside
    translation.override(language)."""
    tz = edition.tz
    labels = ExportLabels()
    calls = selectors.CallCache()
    yield export_header(zone=edition.time_zone)
    for project in projects.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        row = application_row(project, calls=calls)
        if state and row["state"] != state:
            continue
        yield export_line(row, tz=tz, labels=labels)


# --- A project --------------------------------------------------------------------------


class StaffProjectPageMixin(StaffProjectMixin):
    """The project's page with its action forms; an action that fails shows its bound
    form with the errors at their fields."""

    template_name = "submissions/staff/project.html"

    def page_context(self, **forms):
        project = self.project
        row = application_row(project)
        carry_calls = selectors.carry_over_calls(project)
        forms.setdefault("screening_form", ScreeningForm(initial={"decision": project.screening}))
        forms.setdefault("reopen_form", ReopenForm())
        forms.setdefault("message_form", MessageForm())
        forms.setdefault("request_cut_form", RequestCutForm())
        forms.setdefault("carry_over_form", CarryOverForm(calls=carry_calls))
        return {
            "row": row,
            "items": row["items"],
            "profile": ProducerProfile.objects.filter(user_id=project.owner_id).first(),
            "events": selectors.staff_project_events(project),
            "cuts": sorted(project.cuts.all(), key=lambda cut: cut.number, reverse=True),
            "company_total": sum((c.share for c in row["companies"]), Decimal("0")),
            "post_production_total": sum(
                (item.amount for item in project.post_production.all()), Decimal("0")
            ),
            "can_reopen": ProjectStatus.DRAFT in services.allowed_statuses(project.status),
            "can_carry_over": project.status
            in (ProjectStatus.NOT_SELECTED, ProjectStatus.WAITLISTED),
            "can_request_cut": project.status
            not in (ProjectStatus.WITHDRAWN, ProjectStatus.NOT_SELECTED),
            "carried_over_to": list(project.carried_over_to.select_related("call__edition")),
            "Screening": Screening,
            **forms,
        }


class StaffProjectView(StaffProjectPageMixin, TemplateView):
    # The project's latest activity shown on its page; the edition's activity has it all.
    activity_shown = 30

    def get_context_data(self, **kwargs):
        from editions import activity
        from editions import selectors as edition_selectors

        entries = edition_selectors.project_activity(
            project_id=self.project.pk, limit=self.activity_shown + 1
        )
        lines = activity.lines(entries, self.edition.tz)
        return super().get_context_data(
            **self.page_context(),
            activity_lines=lines[: self.activity_shown],
            activity_more=len(lines) > self.activity_shown,
            **kwargs,
        )


class StaffActionView(StaffProjectPageMixin, FormView):
    """POST only: one form of the project's page, one service, a message, back to the
    page."""

    http_method_names = ["post"]
    form_name = ""

    def perform(self, form):
        raise NotImplementedError

    def success_message(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        messages.error(self.request, _("Please correct the fields marked below."))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(**{self.form_name: context["form"]}))
        return context

    def get_success_url(self):
        return reverse("submissions:staff_project", kwargs={"pk": self.project.pk})


class StaffScreenView(StaffActionView):
    form_class = ScreeningForm
    form_name = "screening_form"

    def perform(self, form):
        return services.screen_project(
            project=self.project,
            by=self.request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )

    def success_message(self):
        return _("Screening recorded: %(decision)s.") % {
            "decision": self.result.get_screening_display()
        }


class StaffReopenView(StaffActionView):
    form_class = ReopenForm
    form_name = "reopen_form"

    def perform(self, form):
        return services.reopen_project(
            project=self.project, by=self.request.user, message=form.cleaned_data["message"]
        )

    def success_message(self):
        return _("The application is a draft again; the producer has been told what to correct.")


class StaffMessageView(StaffActionView):
    form_class = MessageForm
    form_name = "message_form"

    def perform(self, form):
        return services.send_message(
            project=self.project, by=self.request.user, message=form.cleaned_data["message"]
        )

    def success_message(self):
        return _("Message sent to the producer.")


class StaffRequestCutView(StaffActionView):
    form_class = RequestCutForm
    form_name = "request_cut_form"

    def perform(self, form):
        return services.request_new_cut(
            project=self.project, by=self.request.user, message=form.cleaned_data["message"]
        )

    def success_message(self):
        return _("New cut requested from the producer.")


class StaffCarryOverView(StaffActionView):
    form_class = CarryOverForm
    form_name = "carry_over_form"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "calls": selectors.carry_over_calls(self.project)}

    def perform(self, form):
        return services.carry_over_project(
            project=self.project, call=form.cleaned_data["call"], by=self.request.user
        )

    def success_message(self):
        return _("Carried over to “%(call)s” as a draft.") % {"call": self.result.call}

    def get_success_url(self):
        return reverse("submissions:staff_project", kwargs={"pk": self.result.pk})


# --- Invited projects -------------------------------------------------------------------


class StaffInviteView(StaffEditionMixin, FormView):
    template_name = "submissions/staff/invite.html"
    form_class = InviteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edition": self.edition}

    def get_initial(self):
        return {"language": translation.get_language()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.project = services.invite_project(
                call=data["call"],
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                by=self.request.user,
                original_title=data["original_title"],
                english_title=data["english_title"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” is entered and %(email)s is invited to complete it.")
            % {"title": self.project.display_title, "email": self.project.owner.email},
        )
        return HttpResponseRedirect(
            reverse("submissions:staff_project", kwargs={"pk": self.project.pk})
        )

    def form_invalid(self, form):
        messages.error(self.request, _("Please correct the fields marked below."))
        return super().form_invalid(form)
