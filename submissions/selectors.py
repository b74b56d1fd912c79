"""Reads that need more than one line."""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

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


def with_eligibility_data(projects):
    """What a row of the list (and eligibility.check_project) reads, in a fixed number of
    queries whatever the number of projects."""
    return projects.select_related("call", "owner").prefetch_related(
        "companies", "directors", "cuts", "stills", "documents"
    )


def _lean_eligibility_queryset(projects):
    """The projects with only the columns the eligibility check reads: for computing the
    state of every application of an edition at once."""
    fields = {name for names in eligibility.REQUIRED_FIELDS.values() for name in names}
    fields |= {"call_id", "premiere_status", "total_budget", "secured_amount", "screening"}
    return projects.only(*sorted(fields)).prefetch_related(
        Prefetch(
            "companies",
            queryset=ProjectCompany.objects.only("project_id", "country", "role", "share"),
        ),
        Prefetch("directors", queryset=Director.objects.only("project_id", "photo")),
        Prefetch(
            "cuts",
            queryset=Cut.objects.only(
                "project_id", "number", "runtime", "stage", "subtitles", "screener_url"
            ),
        ),
        Prefetch("stills", queryset=Still.objects.only("project_id")),
        Prefetch("documents", queryset=Document.objects.only("project_id", "kind")),
    )


def pks_with_eligibility(projects, *, state: str, edition) -> list[int]:
    """The pks of `projects`, in their order, whose computed eligibility is `state`. The
    check runs in memory over bulk-fetched rows: a fixed number of queries, time in
    proportion to the number of applications (see bench/bench_submissions.py)."""
    calls = {call.pk: call for call in edition.calls.all()}
    return [
        project.pk
        for project in _lean_eligibility_queryset(projects)
        if eligibility_state(eligibility.check_project(project, call=calls[project.call_id]))
        == state
    ]


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
