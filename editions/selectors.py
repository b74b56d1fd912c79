"""Reads that need more than one line."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Call, Edition, EditionState, Programme, Session

PUBLIC_STATES = [EditionState.PUBLIC, EditionState.ARCHIVED]


def open_calls(*, moment=None):
    moment = moment or timezone.now()
    return (
        Call.objects.public()
        .open_at(moment)
        .select_related("edition__programme")
        .order_by("closes_at")
    )


def coming_sessions(*, today=None, limit=12):
    today = today or timezone.localdate()
    return (
        Session.objects.filter(edition__state=EditionState.PUBLIC, ends_on__gte=today)
        .select_related("edition__programme")
        .order_by("starts_on")[:limit]
    )


def edition_with_details(queryset):
    """Editions with their sessions and calls, fetched in a fixed number of queries."""
    return queryset.select_related("programme").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_on")),
        Prefetch("calls", queryset=Call.objects.order_by("closes_at")),
    )


def past_editions(*, programme=None, today=None):
    today = today or timezone.localdate()
    editions = Edition.objects.public().filter(ends_on__lt=today)
    if programme is not None:
        editions = editions.filter(programme=programme)
    return editions.select_related("programme").order_by("-year", "-number")


def programmes_with_current_editions(*, today=None):
    """Every programme with `coming_editions` (public, not yet over, soonest first, with
    their calls) and `past_count`, in three queries whatever their number."""
    today = today or timezone.localdate()
    coming = (
        Edition.objects.public()
        .filter(ends_on__gte=today)
        .order_by("starts_on")
        .prefetch_related(Prefetch("calls", queryset=Call.objects.order_by("closes_at")))
    )
    return Programme.objects.annotate(
        past_count=Count(
            "editions",
            filter=Q(editions__state__in=PUBLIC_STATES, editions__ends_on__lt=today),
        )
    ).prefetch_related(Prefetch("editions", queryset=coming, to_attr="coming_editions"))


def coming_editions(*, programme, include_drafts=False, today=None):
    """The programme's editions that are not over yet, soonest first, with sessions and
    calls; drafts only when asked (for the programme's staff)."""
    today = today or timezone.localdate()
    editions = Edition.objects.filter(programme=programme, ends_on__gte=today)
    if not include_drafts:
        editions = editions.public()
    return edition_with_details(editions).order_by("starts_on", "number")


def with_sessions(editions):
    """Add the sessions of a list of editions in one query (for cards showing cities)."""
    return editions.prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("starts_on"))
    )


def managed_programmes(*, user, editions_shown=5):
    """The programmes this person runs, each with its latest editions and how many there
    are: three queries whatever their number."""
    latest = Edition.objects.order_by("-year", "-number")[:editions_shown]
    return (
        Programme.objects.managed_by(user)
        .annotate(edition_count=Count("editions"))
        .prefetch_related(Prefetch("editions", queryset=latest, to_attr="latest_editions"))
        .order_by("name")
    )


def _count_of(model):
    """How many rows of `model` point at the outer edition, as a correlated subquery: the
    database counts only for the page of editions shown, not for every edition first."""
    rows = (
        model.objects.filter(edition=OuterRef("pk"))
        .order_by()
        .values("edition")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def editions_with_counts(*, programme):
    """A programme's editions with how many sessions and calls each has, in one query."""
    return (
        Edition.objects.filter(programme=programme)
        .select_related("programme")
        .annotate(session_count=_count_of(Session), call_count=_count_of(Call))
        .order_by("-year", "-number")
    )
