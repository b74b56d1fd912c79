"""Reads that need more than one line."""

from django.utils import timezone

from editions import selectors as edition_selectors

from .models import EventKind, Project, ProjectEvent

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
