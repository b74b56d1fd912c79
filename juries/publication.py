"""Publication of a session's selection: now, or at an announced moment (an embargo).

A publication is a `SessionPublication` row. While its `published_at` is empty the
selection is under embargo and the public pages show nothing of it; `publish_due()` sets
it once `publish_at` has come, and is the only place that does. Celery runs it at the
exact moment (a task with an ETA, queued when staff schedule) and every minute (beat),
in case the broker lost the first one; running it twice changes nothing.

The reads of the public pages and the feed are here too: what a published session shows
of each selected film, and nothing else (no budget, screener, contact or score)."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from editions import activity
from editions.models import Edition, EditionState, Session
from submissions.models import (
    Cut,
    Director,
    PostProductionItem,
    PostProductionNeed,
    ProcessingStatus,
    ProjectCompany,
    Still,
)

from .models import Placement, PlacementKind, Selection, SessionPublication

PUBLIC_EDITION_STATES = [EditionState.PUBLIC, EditionState.ARCHIVED]

# How far ahead a task may wait for its moment in the broker. A Redis broker hands a task
# that waited longer than its visibility timeout to another worker as well, so moments
# further away are left to the beat run, which queues their task once they come close.
ETA_LEAD = dt.timedelta(minutes=2)


def _eta_horizon() -> dt.timedelta:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    timeout = options.get("visibility_timeout", 3600)
    return dt.timedelta(seconds=max(timeout * 0.8, ETA_LEAD.total_seconds()))


def local_moment(moment: dt.datetime, edition: Edition) -> str:
    """A moment as the festival announces it: in the edition's time zone, with its name."""
    local = timezone.localtime(moment, edition.tz)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({edition.time_zone})"


# --- Services ---------------------------------------------------------------------------


def _refuse_unless_publishable(session: Session):
    selection = Selection.objects.filter(edition_id=session.edition_id).first()
    if selection is None or not selection.is_locked:
        raise ValidationError(
            _(
                "The selection of this edition is not locked yet: lock it before publishing "
                "a session's films."
            ),
            code="not_locked",
        )
    if not Placement.objects.filter(
        selection=selection, session=session, kind=PlacementKind.SELECTED
    ).exists():
        raise ValidationError(
            _("No film is selected for %(session)s: there is nothing to publish.")
            % {"session": session.display_name},
            code="empty",
        )


def _refuse_if_published(publication: SessionPublication | None, session: Session):
    if publication is not None and publication.is_published:
        raise ValidationError(
            _("The selection of %(session)s has been public since %(moment)s.")
            % {
                "session": session.display_name,
                "moment": local_moment(publication.published_at, session.edition),
            },
            code="published",
        )


def _queue_publication_task(moment: dt.datetime):
    from .tasks import task_publish_due_sessions

    task_publish_due_sessions.apply_async(kwargs={"plan_ahead": False}, eta=moment)


@transaction.atomic
def schedule_publication(*, session: Session, by, at: dt.datetime | None = None):
    """Publish a session's selection now (`at` empty or already past) or at `at`.
    Refused while the edition's selection is not locked, and once the session is public.
    Scheduling again before the moment changes the moment."""
    # Lock the session: two staff scheduling its first publication at once write one row.
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("edition").get(pk=session.pk)
    )
    _refuse_unless_publishable(session)
    publication = SessionPublication.objects.select_for_update().filter(session=session).first()
    _refuse_if_published(publication, session)
    now = timezone.now()
    was = publication.publish_at if publication is not None else None
    if publication is None:
        publication = SessionPublication(session=session)
    publication.publish_at = now if at is None or at <= now else at
    publication.scheduled_by = by
    publication.full_clean(exclude=["session"], validate_unique=False)
    publication.save()
    if publication.publish_at <= now:
        _publish(publication, now, by=by)
    else:
        if publication.publish_at - now <= _eta_horizon():
            moment = publication.publish_at
            transaction.on_commit(lambda: _queue_publication_task(moment))
        _record_publication(session, "publication.scheduled", by, [was, publication.publish_at])
    return publication


def _record_publication(session: Session, action: str, by, publish_at: list):
    activity.record(
        edition=session.edition_id,
        action=action,
        by=by,
        subject=session,
        label=session.display_name,
        changes={"publish_at": publish_at},
    )


@transaction.atomic
def cancel_publication(*, session: Session, by) -> None:
    """Call off a scheduled publication, before its moment. A public selection stays."""
    session = Session.objects.select_related("edition").get(pk=session.pk)
    publication = SessionPublication.objects.select_for_update().filter(session=session).first()
    if publication is None:
        raise ValidationError(
            _("No publication of %(session)s is scheduled.") % {"session": session.display_name},
            code="not_scheduled",
        )
    _refuse_if_published(publication, session)
    publication.delete()
    _record_publication(session, "publication.cancelled", by, [publication.publish_at, None])


@transaction.atomic
def withdraw_publication(*, session: Session, by) -> None:
    """Take a published selection down from the public pages (a mistake, a film that
    must not be announced yet). Its public dossiers, and the whole edition's, become
    private with it; the selection itself does not change and can be published again."""
    from .models import Dossier

    session = Session.objects.select_related("edition").get(pk=session.pk)
    publication = SessionPublication.objects.select_for_update().filter(session=session).first()
    if publication is None or not publication.is_published:
        raise ValidationError(
            _("The selection of %(session)s is not public.") % {"session": session.display_name},
            code="not_published",
        )
    publication.delete()
    Dossier.objects.filter(
        Q(session=session) | Q(edition=session.edition, session__isnull=True), is_public=True
    ).update(is_public=False)
    _record_publication(session, "publication.withdrawn", by, [publication.published_at, None])


def _publish(publication: SessionPublication, moment: dt.datetime, by=None):
    """The one door to a published selection. At its moment, the portal publishes it
    (`by` empty); now, the person who asked."""
    publication.published_at = moment
    publication.save(update_fields=["published_at"])
    _record_publication(publication.session, "publication.published", by, [None, moment])


@transaction.atomic
def publish_due(*, moment: dt.datetime | None = None) -> int:
    """Publish every scheduled selection whose moment has come; returns how many. Those
    already published are left as they are, so it can run as often as wished."""
    moment = moment or timezone.now()
    due = (
        SessionPublication.objects.select_for_update(of=("self",))
        .filter(
            published_at__isnull=True,
            publish_at__lte=moment,
            session__edition__selection__locked_at__isnull=False,
        )
        .order_by("publish_at", "pk")
    )
    count = 0
    for publication in due:
        _publish(publication, moment)
        count += 1
    return count


def coming_moments(*, moment: dt.datetime | None = None, within=ETA_LEAD) -> list[dt.datetime]:
    """The moments of the publications scheduled within `within` from now, for tasks to
    wait for them."""
    moment = moment or timezone.now()
    return sorted(
        set(
            SessionPublication.objects.filter(
                published_at__isnull=True, publish_at__gt=moment, publish_at__lte=moment + within
            ).values_list("publish_at", flat=True)
        )
    )


# --- Reads ------------------------------------------------------------------------------


def published_publications():
    """Publications that are out, of editions the public sees."""
    return SessionPublication.objects.filter(
        published_at__isnull=False, session__edition__state__in=PUBLIC_EDITION_STATES
    )


def published_session(*, programme: str, edition: str, session_pk: int) -> Session | None:
    """The session at a public address, if its selection is out; None otherwise."""
    return (
        Session.objects.filter(
            pk=session_pk,
            edition__slug=edition,
            edition__programme__slug=programme,
            edition__state__in=PUBLIC_EDITION_STATES,
            publication__published_at__isnull=False,
        )
        .select_related("edition__programme", "publication")
        .first()
    )


def published_sessions_of(*, programme: str, edition: str) -> list[Session]:
    return list(
        Session.objects.filter(
            edition__slug=edition,
            edition__programme__slug=programme,
            edition__state__in=PUBLIC_EDITION_STATES,
            publication__published_at__isnull=False,
        )
        .select_related("edition__programme", "publication")
        .order_by("starts_on", "city", "pk")
    )


@dataclass
class PublicFilm:
    """What the public may know of a selected film: nothing private is copied here."""

    project_id: int
    position: int
    original_title: str
    english_title: str
    directors: list[str]
    countries: list[str]
    runtime: int | None
    logline: str
    synopsis: str
    needs: list[str] = field(default_factory=list)
    still_id: int | None = None

    @property
    def title(self) -> str:
        return self.original_title or self.english_title

    def need_labels(self) -> list[str]:
        labels = dict(PostProductionNeed.choices)
        return [str(labels.get(need, need)) for need in self.needs]


def public_stills():
    """Stills whose web version is ready, in the producer's order."""
    return (
        Still.objects.filter(status=ProcessingStatus.READY)
        .exclude(web="")
        .order_by("position", "pk")
    )


def _selected_placements(sessions, *, locked_only: bool):
    placements = Placement.objects.filter(session__in=sessions, kind=PlacementKind.SELECTED)
    if locked_only:
        placements = placements.filter(selection__locked_at__isnull=False)
    return placements.order_by("session", "position", "pk")


def films_by_session(sessions, *, locked_only: bool = True) -> dict[int, list[PublicFilm]]:
    """Each session's selected films as the public sees them, in the order of the
    selection, in six queries whatever their number. `locked_only=False` is for staff's
    preview of a selection still being made."""
    sessions = list(sessions)
    if not sessions:
        return {}
    placements = (
        _selected_placements(sessions, locked_only=locked_only)
        .select_related("project")
        .only(
            "session",
            "position",
            "project__id",
            "project__original_title",
            "project__english_title",
            "project__expected_runtime",
            "project__logline",
            "project__short_synopsis",
        )
        .prefetch_related(
            Prefetch(
                "project__directors",
                queryset=Director.objects.only("project", "name", "position").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "project__companies",
                queryset=ProjectCompany.objects.only("project", "country", "position").order_by(
                    "position", "pk"
                ),
            ),
            Prefetch(
                "project__post_production",
                queryset=PostProductionItem.objects.only("project", "need").order_by("pk"),
            ),
            Prefetch("project__stills", queryset=public_stills().only("project", "position")),
            Prefetch(
                "project__cuts",
                queryset=Cut.objects.only("project", "number", "runtime").order_by("number"),
            ),
        )
    )
    films: dict[int, list[PublicFilm]] = {session.pk: [] for session in sessions}
    for placement in placements:
        project = placement.project
        countries = []
        for company in project.companies.all():
            if company.country.code not in countries:
                countries.append(company.country.code)
        stills = list(project.stills.all())
        cut = project.current_cut()
        films[placement.session_id].append(
            PublicFilm(
                project_id=project.pk,
                position=len(films[placement.session_id]) + 1,
                original_title=project.original_title,
                english_title=project.english_title,
                directors=[director.name for director in project.directors.all()],
                countries=countries,
                runtime=project.expected_runtime or (cut.runtime if cut else None),
                logline=project.logline,
                synopsis=project.short_synopsis,
                needs=[item.need for item in project.post_production.all()],
                still_id=stills[0].pk if stills else None,
            )
        )
    return films


def session_films(session: Session, *, locked_only: bool = True) -> list[PublicFilm]:
    return films_by_session([session], locked_only=locked_only)[session.pk]


def public_still(*, session: Session, still_pk: int) -> Still | None:
    """The still a published session's page shows for one of its films, or None: only
    the first ready still of a film selected in it is public."""
    still = (
        public_stills()
        .filter(
            pk=still_pk,
            project__placements__session=session,
            project__placements__kind=PlacementKind.SELECTED,
            project__placements__selection__locked_at__isnull=False,
        )
        .first()
    )
    if still is None or public_stills().filter(project_id=still.project_id).first() != still:
        return None
    return still


def session_url(session: Session) -> str:
    edition = session.edition
    return reverse(
        "selections:session",
        kwargs={
            "programme": edition.programme.slug,
            "edition": edition.slug,
            "session_pk": session.pk,
        },
    )


def still_url(session: Session, still_id: int) -> str:
    edition = session.edition
    return reverse(
        "selections:still",
        kwargs={
            "programme": edition.programme.slug,
            "edition": edition.slug,
            "session_pk": session.pk,
            "still_pk": still_id,
        },
    )


def published_summaries(items) -> dict[int, dict]:
    """For editions or sessions: each of their sessions whose selection is out, with its
    films' titles and the address of its page, keyed by the session's id. Two queries
    whatever their number (one when none is out)."""
    items = list(items)
    edition_ids = [item.pk for item in items if isinstance(item, Edition)]
    session_ids = [item.pk for item in items if isinstance(item, Session)]
    if not edition_ids and not session_ids:
        return {}
    publications = list(
        published_publications()
        .filter(Q(session__edition__in=edition_ids) | Q(session__in=session_ids))
        .select_related("session__edition__programme")
    )
    if not publications:
        return {}
    sessions = [publication.session for publication in publications]
    titles: dict[int, list[dict]] = {session.pk: [] for session in sessions}
    rows = (
        _selected_placements(sessions, locked_only=True)
        .select_related("project")
        .only("session", "position", "project__original_title", "project__english_title")
    )
    for placement in rows:
        titles[placement.session_id].append(
            {
                "original_title": placement.project.original_title,
                "english_title": placement.project.english_title,
            }
        )
    return {
        publication.session_id: {
            "session": publication.session,
            "published_at": publication.published_at,
            "url": session_url(publication.session),
            "films": titles[publication.session_id],
        }
        for publication in publications
    }


def publication_board(edition: Edition) -> dict:
    """The staff's page: whether the selection is locked, and per session its
    publication (none, scheduled, out) and how many films are selected in it."""
    selection = Selection.objects.filter(edition=edition).first()
    sessions = list(
        edition.sessions.annotate(
            selected_count=Count(
                "placements",
                filter=Q(placements__kind=PlacementKind.SELECTED),
            )
        ).order_by("starts_on", "city", "pk")
    )
    publications = {
        publication.session_id: publication
        for publication in SessionPublication.objects.filter(session__in=sessions).select_related(
            "scheduled_by"
        )
    }
    return {
        "selection": selection,
        "locked": bool(selection and selection.is_locked),
        "sessions": [
            {"session": session, "publication": publications.get(session.pk)}
            for session in sessions
        ],
    }


def next_scheduled_moment(*, moment: dt.datetime | None = None) -> dt.datetime | None:
    """When the next selection comes out, for caches to expire then."""
    moment = moment or timezone.now()
    return (
        SessionPublication.objects.filter(published_at__isnull=True, publish_at__gt=moment)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
