"""Reads that need more than one line."""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django_countries import countries

from editions import selectors as edition_selectors
from editions.models import Call

from . import eligibility
from .models import (
    CompanyRole,
    Cut,
    Director,
    Document,
    EventKind,
    Project,
    ProjectCompany,
    ProjectEvent,
    ProjectStatus,
    Still,
)

# --- Producers --------------------------------------------------------------------------


def producer_projects(user):
    """The producer's projects across calls, newest first, with what the dashboard shows
    (programme, edition, call, selected session) in one query."""
    return (
        Project.objects.owned_by(user)
        .select_related("call__edition__programme", "selected_session")
        .order_by("-updated_at", "-pk")
    )


def open_calls_not_applied(user, *, moment=None):
    """Open public calls the producer has no project in yet."""
    moment = moment or timezone.now()
    return edition_selectors.open_calls(moment=moment).exclude(projects__owner=user)


def producer_events(project):
    """The project's history as its producer sees it: staff-only entries (the screening
    reason…) are left out."""
    return (
        ProjectEvent.objects.filter(project=project, visible_to_producer=True)
        .exclude(kind=EventKind.SCREENING)
        .order_by("created_at", "pk")
    )


# --- Festival staff ---------------------------------------------------------------------
# The staff list, the project page and the CSV export. Lists read a page of projects and
# everything eligibility.check_project needs in a fixed number of queries, so that the
# check runs in memory for each row.

ELIGIBLE = "eligible"
INCOMPLETE = "incomplete"
INELIGIBLE = "ineligible"

# Sort keys offered to staff, each with the ordering it stands for; "-" reverses.
STAFF_SORTS = {
    "title": ("title_key", "pk"),
    "submitted": ("submitted_at", "pk"),
    "country": ("producer_country", "title_key", "pk"),
    "budget": ("total_budget", "pk"),
    "missing": ("missing_amount", "pk"),
}


def eligibility_state(items) -> str:
    """Eligible when every item passes; ineligible when a rule fails (the film does not fit
    the call as it stands); incomplete when only something still to fill in is missing."""
    failed = [item for item in items if item.failed]
    if not failed:
        return ELIGIBLE
    if any(item.blocking for item in failed):
        return INELIGIBLE
    return INCOMPLETE


def _producer_company():
    return ProjectCompany.objects.filter(
        project=OuterRef("pk"), role=CompanyRole.PRODUCER
    ).order_by("position", "pk")


def staff_applications(
    *,
    edition,
    status="",
    include_drafts=False,
    call=None,
    country="",
    any_company=False,
    genre="",
    director_gender="",
    screening="",
    search="",
    sort="-submitted",
):
    """The edition's applications (every call) matching the filters, ordered. Drafts are
    left out unless asked for, or unless the status asked for is draft. The country is the
    producing company's, or any company's with `any_company`."""
    projects = Project.objects.filter(call__edition=edition)
    if status:
        projects = projects.filter(status=status)
    elif not include_drafts:
        projects = projects.submitted()
    if call is not None:
        projects = projects.filter(call=call)
    if country:
        companies = ProjectCompany.objects.filter(project=OuterRef("pk"), country=country)
        if not any_company:
            companies = companies.filter(role=CompanyRole.PRODUCER)
        projects = projects.filter(Exists(companies))
    if genre:
        projects = projects.filter(genre=genre)
    if director_gender:
        projects = projects.filter(
            Exists(Director.objects.filter(project=OuterRef("pk"), gender=director_gender))
        )
    if screening:
        projects = projects.filter(screening=screening)
    if search:
        projects = projects.filter(
            Q(original_title__icontains=search)
            | Q(english_title__icontains=search)
            | Q(owner__full_name__icontains=search)
            | Q(owner__email__icontains=search)
        )
    projects = projects.annotate(
        title_key=Lower(Coalesce(NullIf("original_title", Value("")), "english_title")),
        producer_country=Subquery(_producer_company().values("country")[:1]),
        missing_amount=F("total_budget") - Coalesce("secured_amount", Value(Decimal("0"))),
    )
    descending = sort.startswith("-")
    fields = STAFF_SORTS.get(sort.lstrip("-"), STAFF_SORTS["submitted"])
    ordering = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in fields
    ]
    return projects.order_by(*ordering)


# The rows eligibility.check_project reads, fetched in bulk for lists.
BULK_RELATIONS = ("companies", "directors", "cuts", "stills", "documents")


class _Rows:
    """A relation fetched in bulk, read as check_project reads it: `.all()`."""

    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = rows

    def all(self):
        return self.rows


class BulkProject:
    """A project whose companies, directors, cuts, stills and documents were fetched in
    bulk into lists (`Prefetch(..., to_attr="bulk_<relation>")`), seen as
    eligibility.check_project reads a project. Django's prefetch into related managers
    builds a filtered queryset for every project and relation (about 0.1 ms each): at
    2,000 applications that alone took more than half a second. Every other attribute
    is the project's own."""

    current_cut = Project.current_cut

    def __init__(self, project):
        self.project = project
        for name in BULK_RELATIONS:
            setattr(self, name, _Rows(getattr(project, f"bulk_{name}")))

    def __getattr__(self, name):
        return getattr(self.project, name)


class BulkCall:
    """A call as check_project reads it for many projects: the lists of its rules (the
    eligible countries, the accepted stages and subtitles in words) made once, not once
    per project. Every other attribute is the call's own."""

    def __init__(self, call):
        self.call = call
        self.eligible_countries = list(call.eligible_countries)
        self._stages = call.get_accepted_stages_display()
        self._subtitles = call.get_accepted_subtitles_display()

    def get_accepted_stages_display(self):
        return self._stages

    def get_accepted_subtitles_display(self):
        return self._subtitles

    def __getattr__(self, name):
        return getattr(self.call, name)


class CallCache(dict):
    """One BulkCall per call id, for checking the projects of a list."""

    def __missing__(self, call):
        self[call] = value = BulkCall(call)
        return value


def bulk_view(project):
    """The project as check_project should read it: through its bulk-fetched lists when
    it has them, else itself (its managers, prefetched or not)."""
    return BulkProject(project) if hasattr(project, "bulk_companies") else project


# The columns of each relation that the rows of the list and the export, and
# check_project, read. Ordered by project id, not by the models' default ordering (which
# starts with "project" and so would join the projects again only to sort).
BULK_QUERYSETS = {
    "companies": lambda: ProjectCompany.objects.only(
        "project_id", "name", "country", "role", "share", "position"
    ).order_by("project_id", "position", "pk"),
    "directors": lambda: Director.objects.only(
        "project_id", "name", "nationality", "gender", "photo", "position"
    ).order_by("project_id", "position", "pk"),
    "cuts": lambda: Cut.objects.only(
        "project_id", "number", "runtime", "stage", "subtitles", "screener_url"
    ).order_by("project_id", "-number"),
    "stills": lambda: Still.objects.only("project_id").order_by("project_id", "position", "pk"),
    "documents": lambda: Document.objects.only("project_id", "kind").order_by("project_id", "kind"),
}


def _bulk_prefetches():
    return [
        Prefetch(relation, queryset=queryset(), to_attr=f"bulk_{relation}")
        for relation, queryset in BULK_QUERYSETS.items()
    ]


def with_eligibility_data(projects):
    """What a row of the list or the export (and eligibility.check_project, through
    bulk_view) reads, in a fixed number of queries whatever the number of projects."""
    return projects.select_related("call", "owner", "selected_session").prefetch_related(
        *_bulk_prefetches()
    )


def _lean_eligibility_queryset(projects):
    """The projects with only the columns the eligibility check reads: for computing the
    state of every application of an edition at once."""
    fields = {name for names in eligibility.REQUIRED_FIELDS.values() for name in names}
    fields |= {"call_id", "premiere_status", "total_budget", "secured_amount", "screening"}
    return projects.only(*sorted(fields)).prefetch_related(*_bulk_prefetches())


def pks_with_eligibility(projects, *, state: str, edition) -> list[int]:
    """The pks of `projects`, in their order, whose computed eligibility is `state`. The
    check runs in memory over bulk-fetched rows: a fixed number of queries, time in
    proportion to the number of applications (see bench/bench_submissions.py)."""
    calls = {call.pk: BulkCall(call) for call in edition.calls.all()}
    return [
        project.pk
        for project in _lean_eligibility_queryset(projects)
        if eligibility_state(
            eligibility.check_project(BulkProject(project), call=calls[project.call_id])
        )
        == state
    ]


def edition_countries(*, edition) -> list[str]:
    """The countries of the companies of the edition's applications, sorted by name in
    the active language: the choices of the list's country filter."""
    codes = (
        ProjectCompany.objects.filter(project__call__edition=edition)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(codes, key=lambda code: countries.name(code))


def status_counts(*, edition) -> dict[str, int]:
    """How many applications of the edition are in each status, in one query."""
    counts = dict(
        Project.objects.filter(call__edition=edition)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in ProjectStatus.values}


def staff_project_events(project):
    """The project's whole history for staff, staff-only entries included."""
    return (
        ProjectEvent.objects.filter(project=project)
        .select_related("by")
        .order_by("created_at", "pk")
    )


def carry_over_calls(project):
    """The other calls of the project's programme a project may be carried over to."""
    return (
        Call.objects.filter(edition__programme_id=project.call.edition.programme_id)
        .exclude(pk=project.call_id)
        .select_related("edition")
        .order_by("-closes_at")
    )
