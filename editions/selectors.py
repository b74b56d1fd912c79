"""Reads that need more than one line."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from outbox.models import Mail, MailStatus

from . import activity
from .models import ActivityLog, Call, Edition, EditionState, Programme, Session

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


# --- The outbox, as festival staff see it ------------------------------------------------

PROGRAMME_SCOPE_PREFIX = "programme:"


def programme_mail_scope(programme_id: int) -> str:
    """The outbox scope of a mail about a programme, which its staff see. The apps that
    send mails write it (`scope=f"programme:{edition.programme_id}"`). It holds the
    programme's id rather than its slug: a slug can be changed, then taken by another
    programme, whose staff would see the first one's mails."""
    return f"{PROGRAMME_SCOPE_PREFIX}{programme_id}"


def mails_seen_by(*, user):
    """The mails a person sees in the staff outbox: every one for a superuser (mails about
    an account alone included), otherwise those scoped to the programmes they run."""
    mails = Mail.objects.select_related("recipient")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return mails
    scopes = (
        Programme.objects.managed_by(user)
        .annotate(mail_scope=Concat(Value(PROGRAMME_SCOPE_PREFIX), Cast("pk", CharField())))
        .values("mail_scope")
    )
    return mails.filter(scope__in=scopes)


def programme_of_mail(mail: Mail) -> Programme | None:
    """The programme a mail's scope names, if it still exists."""
    programme_id = mail.scope.removeprefix(PROGRAMME_SCOPE_PREFIX)
    if mail.scope == programme_id or not programme_id.isdigit():
        return None
    return Programme.objects.filter(pk=int(programme_id)).only("name").first()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def outbox_mails(
    *,
    user,
    status: str = "",
    kind: str = "",
    search: str = "",
    programme_id: int | None = None,
    unscoped: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """The mails of the staff outbox matching the filters, newest first, without their
    bodies. `since` and `until` are days (both included) in the current time zone;
    `unscoped` keeps the mails about no programme."""
    mails = mails_seen_by(user=user)
    if status:
        mails = mails.filter(status=status)
    if kind:
        mails = mails.filter(kind=kind)
    if unscoped:
        mails = mails.filter(scope="")
    elif programme_id is not None:
        mails = mails.filter(scope=programme_mail_scope(programme_id))
    if search:
        mails = mails.filter(
            Q(to__icontains=search)
            | Q(recipient__full_name__icontains=search)
            | Q(subject__icontains=search)
        )
    if since:
        mails = mails.filter(created_at__gte=_start_of(since))
    if until:
        mails = mails.filter(created_at__lt=_start_of(until + dt.timedelta(days=1)))
    return mails.defer("body_text", "body_html").order_by("-created_at", "-pk")


def outbox_status_counts(*, user) -> dict[str, int]:
    """How many of the mails a person sees are in each status, in one query."""
    rows = mails_seen_by(user=user).order_by().values_list("status").annotate(count=Count("pk"))
    return dict(rows)


def outbox_kinds(*, user) -> list[str]:
    """The kinds of mail a person sees, for the outbox's filter."""
    return list(mails_seen_by(user=user).order_by("kind").values_list("kind", flat=True).distinct())


# --- The activity log ------------------------------------------------------------------

PORTAL = "portal"  # the actor filter's value for what the portal did on its own


def _activity():
    return ActivityLog.objects.select_related("actor", "subject_type")


def edition_activity(
    *,
    edition,
    action: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    project_id: int | None = None,
):
    """An edition's activity matching the filters, newest first. `since` and `until` are
    days (both included) in the edition's time zone; `actor` is a person's id or PORTAL;
    `action` is an action's code, or activity.MAIL_SENT / MAIL_FAILED for the mails the
    outbox sent or failed to send."""
    entries = _activity().filter(edition=edition)
    if action in (activity.MAIL_SENT, activity.MAIL_FAILED):
        status = MailStatus.SENT if action == activity.MAIL_SENT else MailStatus.FAILED
        entries = entries.filter(
            action=activity.MAIL_QUEUED,
            subject_id__in=Mail.objects.filter(status=status).values("pk"),
        )
    elif action:
        entries = entries.filter(action=action)
    if actor == PORTAL:
        entries = entries.filter(actor__isnull=True, actor_name="")
    elif actor:
        entries = entries.filter(actor_id=actor)
    if project_id is not None:
        entries = entries.filter(project_id=project_id)
    tz = edition.tz
    if since:
        entries = entries.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        entries = entries.filter(
            created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return entries.order_by("-created_at", "-pk")


def activity_actors(*, edition) -> list:
    """The people who appear in an edition's activity, for its filter: one query."""
    return list(
        get_user_model()
        .objects.filter(
            pk__in=ActivityLog.objects.filter(edition=edition, actor__isnull=False).values("actor")
        )
        .order_by("full_name", "email")
    )


def project_activity(*, project_id: int, limit: int | None = None):
    """Everything recorded about a project, newest first."""
    entries = _activity().filter(project_id=project_id).order_by("-created_at", "-pk")
    return entries[:limit] if limit else entries
