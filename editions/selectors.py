"""Reads that need more than one line."""

from django.db.models import Prefetch
from django.utils import timezone

from .models import Call, Edition, EditionState, Session


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
