"""Selection dossiers: the PDF catalogue of a session's selected films, or of the whole
edition's session by session, with a ZIP of the PDF and the full-size stills.

Each build is a version of its scope (a session, or the edition when `session` is empty)
and goes queued → building → ready or failed, through these functions only. A failed
build removes its own files and leaves the previous versions as they were. Staff download
any version; guests download the scope's latest ready version through a link that
expires; anyone downloads a version staff made public once the selection is published.

The PDF is drawn by dossier_pdf.py from plain data gathered here."""

import io
import logging
import re
import secrets
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Max, Prefetch, Q
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image

from editions.models import Edition, Session
from submissions.models import ProcessingStatus, Still

from . import builds, dossier_pdf
from .models import (
    Dossier,
    DossierLink,
    DossierStatus,
    Placement,
    PlacementKind,
    Selection,
    SessionPublication,
    dossier_path,
)
from .permissions import can_manage_jury
from .services import hash_token

logger = logging.getLogger(__name__)

# A build not finished this long after it was started is taken as interrupted (its worker
# died): it may be claimed again, and a new build of its scope may start. Well above the
# task's time limit.
STALE_AFTER = builds.STALE_AFTER
# Progress is written when it moved by at least this many points.
PROGRESS_STEP = 5
RUNNING = builds.RUNNING
LINK_DAYS_MAX = 365


# --- Scopes -----------------------------------------------------------------------------


def _scope(edition, session=None) -> Q:
    if session is None:
        return Q(edition=edition, session__isnull=True)
    return Q(edition=edition, session=session)


def scope_title(edition, session=None) -> str:
    if session is not None:
        return session.display_name
    return _("Catalogue of the selection")


def selected_placements(edition, session=None):
    """The films of a dossier: the selected films of the session in their order, or of
    every session, session by session. The waitlists are not in it."""
    placements = Placement.objects.filter(
        selection__edition=edition, kind=PlacementKind.SELECTED
    ).order_by("session__starts_on", "session__city", "session_id", "position", "pk")
    if session is not None:
        placements = placements.filter(session=session)
    return placements


def is_published(edition, session=None) -> bool:
    """A session's selection is out once its publication happened; an edition's once
    every one of its sessions' is."""
    published = SessionPublication.objects.filter(published_at__isnull=False)
    if session is not None:
        return published.filter(session=session).exists()
    sessions = Session.objects.filter(edition=edition)
    return sessions.exists() and not sessions.exclude(pk__in=published.values("session")).exists()


def latest_ready(edition, session=None) -> Dossier | None:
    return (
        Dossier.objects.filter(_scope(edition, session), status=DossierStatus.READY)
        .select_related("edition__programme", "session")
        .order_by("-version")
        .first()
    )


def public_dossier(edition, session=None) -> Dossier | None:
    """The version of a scope anyone may download, if staff made one public and the
    selection is still published."""
    if not edition.is_public or not is_published(edition, session):
        return None
    return (
        Dossier.objects.filter(_scope(edition, session), status=DossierStatus.READY, is_public=True)
        .select_related("edition__programme", "session")
        .order_by("-version")
        .first()
    )


def is_stale(dossier: Dossier, *, moment=None) -> bool:
    return builds.is_stale(dossier, moment=moment)


def download_stem(dossier: Dossier) -> str:
    """E.g. films-in-progress-2027-toulouse-v3: the name of its files when downloaded."""
    edition = dossier.edition
    scope = dossier.session.display_name if dossier.session_id else _("catalogue")
    return slugify(f"{edition.display_title} {scope} v{dossier.version}") or "dossier"


# --- Starting a build -------------------------------------------------------------------


@transaction.atomic
def start_dossier(*, edition, session=None, by, language: str = "") -> Dossier:
    """A new version of the scope's dossier, queued; it is built once this commits.
    Refused while the selection is not locked, when the scope has no selected film, and
    while another build of the scope is under way."""
    if session is not None and session.edition_id != edition.pk:
        raise ValidationError({"session": _("Choose a session of this edition.")})
    # One start at a time per edition: version numbers follow each other.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    selection = Selection.objects.filter(edition=edition).first()
    if selection is None or not selection.is_locked:
        raise ValidationError(
            _("Lock the selection before building its dossier: it must not change any more."),
            code="not_locked",
        )
    if not selected_placements(edition, session).exists():
        raise ValidationError(
            _("No film is selected for %(scope)s.") % {"scope": scope_title(edition, session)},
            code="empty",
        )
    now = timezone.now()
    scope = Dossier.objects.filter(_scope(edition, session))
    builds.fail_interrupted(scope, moment=now)
    if scope.filter(status__in=RUNNING).exists():
        raise ValidationError(
            _("This dossier is already being built: wait until it is ready."), code="running"
        )
    version = (scope.aggregate(last=Max("version"))["last"] or 0) + 1
    language = language or getattr(by, "language", "") or settings.LANGUAGE_CODE
    dossier = Dossier(
        edition=edition, session=session, version=version, started_by=by, language=language
    )
    dossier.full_clean()
    dossier.save()
    _enqueue(dossier.pk)
    return dossier


def _enqueue(dossier_id: int):
    from .tasks import task_build_dossier

    transaction.on_commit(lambda: task_build_dossier.delay(dossier_id=dossier_id))


# --- Building ---------------------------------------------------------------------------


def claim_dossier(*, dossier_id: int, moment=None) -> bool:
    return builds.claim(Dossier, pk=dossier_id, file_field="pdf", moment=moment)


class _Progress:
    """The build's progress, written as it moves so staff see it while it runs."""

    def __init__(self, dossier_id: int):
        self.dossier_id = dossier_id
        self.value = 0

    def set(self, value: float):
        value = max(0, min(99, int(value)))
        if value < self.value + PROGRESS_STEP:
            return
        self.value = value
        Dossier.objects.filter(pk=self.dossier_id, status=DossierStatus.BUILDING).update(
            progress=value
        )


@dataclass
class _Film:
    """A film as gathered for the PDF, with what goes into the ZIP beside it."""

    entry: dossier_pdf.FilmEntry
    section: str
    full_stills: list = field(default_factory=list)  # its ready stills, in order


def build_dossier(*, dossier_id: int) -> str:
    """Build a queued dossier: the PDF, then the ZIP, saved under random names; the row
    becomes ready with its page count, or failed with the error (its files removed).
    Building a dossier another worker has, or that is done, does nothing. Returns the
    row's status afterwards."""
    if not claim_dossier(dossier_id=dossier_id):
        status = Dossier.objects.filter(pk=dossier_id).values_list("status", flat=True).first()
        return status or "missing"
    dossier = Dossier.objects.select_related("edition__programme", "session", "started_by").get(
        pk=dossier_id
    )
    progress = _Progress(dossier.pk)
    written: list[str] = []
    language = dossier.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language), builds.work_folder("dossier") as work:
            images = _LocalImages(Path(work))
            films, build_warnings = _gather(dossier, progress, images)
            catalogue = _catalogue(dossier, [film.entry for film in films], images)
            pdf_path = Path(work) / "dossier.pdf"
            pages = dossier_pdf.write_dossier(
                catalogue,
                str(pdf_path),
                progress=lambda page, total: progress.set(40 + 45 * page / total),
                work_dir=work,
            )
            with pdf_path.open("rb") as handle:
                pdf_name = default_storage.save(dossier_path(dossier, "dossier.pdf"), File(handle))
            written.append(pdf_name)
            progress.set(88)
            archive_name = _write_archive(dossier, pdf_path, films, progress)
            written.append(archive_name)
    except Exception as error:  # any failure is recorded on the row (and logged)
        logger.exception("Dossier %s could not be built", dossier.pk)
        _delete(written)
        Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.BUILDING).update(
            status=DossierStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return DossierStatus.FAILED
    finished = Dossier.objects.filter(pk=dossier.pk, status=DossierStatus.BUILDING, pdf="").update(
        status=DossierStatus.READY,
        progress=100,
        pdf=pdf_name,
        archive=archive_name,
        pages=pages,
        warnings=build_warnings,
        error="",
        finished_at=timezone.now(),
    )
    if not finished:
        # Another worker finished it first, or it was given up meanwhile: keep theirs.
        _delete(written)
        return Dossier.objects.filter(pk=dossier.pk).values_list("status", flat=True).first()
    return DossierStatus.READY


def _delete(names):
    for name in names:
        if name:
            default_storage.delete(name)


def _gather(dossier: Dossier, progress: _Progress, images) -> tuple[list[_Film], list[dict]]:
    placements = list(
        selected_placements(dossier.edition, dossier.session)
        .select_related("session", "project__owner__producer_profile")
        .prefetch_related(
            "project__directors",
            "project__companies",
            "project__post_production",
            "project__cuts",
            Prefetch("project__stills", queryset=Still.objects.order_by("position", "pk")),
        )
    )
    films, found = [], []
    for index, placement in enumerate(placements):
        film, film_warnings = _film(placement, images)
        films.append(film)
        found += film_warnings
        progress.set(2 + 38 * (index + 1) / len(placements))
    return films, found


def _read_image(file) -> bytes | None:
    """The bytes of a stored JPEG or PNG that looks whole, or None (missing, unreadable,
    cut short). Its header is read and its end marker checked, without decoding it: the
    portal made these files itself (submissions.images), so what can go wrong is a file
    gone, replaced or truncated."""
    if not file:
        return None
    try:
        with file.storage.open(file.name, "rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
    except Exception:  # noqa: BLE001 - any unreadable file is reported as broken
        return None
    whole = {
        "JPEG": data.rstrip(b"\x00").endswith(b"\xff\xd9"),
        "PNG": b"IEND" in data[-16:],
    }.get(kind, False)
    return data if whole and width > 0 and height > 0 else None


class _LocalImages:
    """Copies of the stored images a PDF shows, checked, in the build's temporary folder:
    the layout reads them from there, so a catalogue's images are never all in memory."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    def copy(self, file) -> Path | None:
        data = _read_image(file)
        if data is None:
            return None
        self.count += 1
        suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
        path = self.folder / f"{self.count}{suffix}"
        path.write_bytes(data)
        return path


def _money(amount, currency: str) -> str:
    if amount is None:
        return ""
    value = number_format(amount, decimal_pos=0, force_grouping=True)
    return f"{currency} {value}".strip()


def _film(placement: Placement, images: _LocalImages) -> tuple[_Film, list[dict]]:
    project, session = placement.project, placement.session
    title = str(project.display_title)
    found = []

    stills = list(project.stills.all())
    ready = [still for still in stills if still.status == ProcessingStatus.READY]
    still_data, caption = None, ""
    for still in ready:
        still_data = images.copy(still.web) or images.copy(still.large)
        if still_data:
            caption = still.caption
            break
    if still_data is None:
        if not stills:
            code = "still_missing"
        elif any(still.status == ProcessingStatus.PROCESSING for still in stills):
            code = "still_processing"
        else:
            code = "still_broken"
        found.append({"code": code, "title": title})

    directors = []
    for director in project.directors.all():
        photo = images.copy(director.photo)
        if director.photo and photo is None:
            found.append({"code": "photo_broken", "title": title, "name": director.name})
        if director.previous_features:
            previous = ngettext(
                "%(count)s feature before this one",
                "%(count)s features before this one",
                director.previous_features,
            ) % {"count": director.previous_features}
        else:
            previous = _("First feature")
        directors.append(
            dossier_pdf.DirectorEntry(
                name=director.name,
                details=" · ".join(part for part in (director.nationality.name, previous) if part),
                biography=director.biography,
                photo=photo,
            )
        )

    companies = list(project.companies.all())
    countries = []
    for company in companies:
        if company.country.name and company.country.name not in countries:
            countries.append(company.country.name)
    cut = project.current_cut()
    runtime = project.expected_runtime or (cut.runtime if cut else None)
    details = [
        project.get_genre_display() if project.genre else "",
        _("%(minutes)s min") % {"minutes": runtime} if runtime else "",
        ", ".join(countries),
        project.languages,
    ]

    profile = getattr(project.owner, "producer_profile", None)
    contacts = [
        profile.contact_person if profile else project.owner.full_name,
        profile.company if profile else "",
        project.owner.email,
        profile.phone if profile else "",
        profile.website if profile else "",
    ]

    currency = project.currency
    facts = [
        (_("Expected runtime"), _("%(minutes)s min") % {"minutes": runtime} if runtime else ""),
        (
            _("Current cut"),
            _("%(stage)s, %(minutes)s min")
            % {"stage": cut.get_stage_display(), "minutes": cut.runtime}
            if cut
            else "",
        ),
        (
            _("Expected completion"),
            date_format(project.expected_completion, "YEAR_MONTH_FORMAT")
            if project.expected_completion
            else "",
        ),
        (_("Total budget"), _money(project.total_budget, currency)),
        (_("Financing secured"), _money(project.secured_amount, currency)),
        (_("Financing still missing"), _money(project.financing_missing, currency)),
    ]
    post_production = [
        (
            item.get_need_display(),
            " — ".join(part for part in (_money(item.amount, currency), item.details) if part),
        )
        for item in project.post_production.all()
    ]
    entry = dossier_pdf.FilmEntry(
        title=title,
        english_title=project.english_title,
        section=session.display_name,
        details=" · ".join(part for part in details if part),
        logline=project.logline,
        synopsis=project.long_synopsis or project.short_synopsis,
        still=still_data,
        still_caption=caption,
        directors=tuple(directors),
        statement=project.director_statement,
        production=tuple(
            " · ".join(
                (
                    f"{company.name} ({company.country.name})",
                    company.get_role_display(),
                    f"{number_format(company.share, decimal_pos=0)} %",
                )
            )
            for company in companies
        ),
        contacts=tuple(line for line in contacts if line),
        facts=tuple((label, value) for label, value in facts if value),
        post_production=tuple(post_production),
    )
    return _Film(entry=entry, section=session.display_name, full_stills=ready), found


def _date_range(start, end) -> str:
    if start == end:
        return date_format(start, "DATE_FORMAT")
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def _catalogue(dossier: Dossier, films: list, images: _LocalImages) -> dossier_pdf.Catalogue:
    edition, session = dossier.edition, dossier.session
    if session is not None:
        place = ", ".join(part for part in (session.city, session.country.name) if part)
        lines = [_date_range(session.starts_on, session.ends_on), place]
        if session.venue:
            lines.append(session.venue)
    else:
        lines = [
            f"{item.display_name}: {_date_range(item.starts_on, item.ends_on)}"
            for item in Session.objects.filter(edition=edition).order_by("starts_on", "city")
        ]
    built = timezone.localdate(timezone.now(), edition.tz)
    return dossier_pdf.Catalogue(
        programme=edition.programme.name,
        edition=edition.display_title,
        scope=scope_title(edition, session),
        cover_lines=tuple(line for line in lines if line),
        organisers=edition.programme.organisers,
        version_line=_("Version %(version)s · %(date)s")
        % {"version": dossier.version, "date": date_format(built, "DATE_FORMAT")},
        logo=images.copy(edition.programme.logo),
        films=tuple(films),
        grouped=session is None,
    )


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _file_part(text: str) -> str:
    """A title as part of a file name: readable, accents kept, nothing a file system
    refuses."""
    cleaned = " ".join(_UNSAFE.sub(" ", text).split()).strip(". ")
    return cleaned[:80].strip() or "film"


def _full_size(still: Still):
    """The print version of a still, or its web version when that one cannot be read."""
    for file in (still.large, still.web):
        data = _read_image(file)
        if data is not None:
            return file, data
    return None, None


def _write_archive(dossier: Dossier, pdf: Path, films: list[_Film], progress) -> str:
    """The ZIP: the PDF and every film's full-size stills that can be read, named by
    title, in a folder named like the download (a folder per session in an edition's
    catalogue). Written to a temporary file, one still at a time."""
    stem = download_stem(dossier)
    moment = timezone.localtime(timezone.now(), dossier.edition.tz)
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    total = sum(len(film.full_stills) for film in films) or 1
    done = 0
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
            # Stored as they are: the PDF's streams and the JPEGs are compressed already.
            info = zipfile.ZipInfo(f"{stem}/{stem}.pdf", date_time=stamp)
            with pdf.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            for index, film in enumerate(films, start=1):
                folder = f"{stem}/stills"
                if dossier.session_id is None:
                    folder += f"/{_file_part(film.section)}"
                for number, still in enumerate(film.full_stills, start=1):
                    done += 1
                    progress.set(88 + 11 * done / total)
                    file, data = _full_size(still)
                    if data is None:
                        continue  # unreadable: the build's warnings name the film's still
                    name = f"{index:02d} {_file_part(film.entry.title)}"
                    if len(film.full_stills) > 1:
                        name += f" {number}"
                    suffix = PurePath(file.name).suffix.lower() or ".jpg"
                    info = zipfile.ZipInfo(f"{folder}/{name}{suffix}", date_time=stamp)
                    archive.writestr(info, data)
        handle.seek(0)
        return default_storage.save(dossier_path(dossier, "dossier.zip"), File(handle))


def warning_messages(dossier: Dossier) -> list[str]:
    """The build's warnings in the language of the page."""
    messages = {
        "still_missing": _("“%(title)s” has no still: a placeholder is printed instead."),
        "still_processing": _(
            "“%(title)s”: its stills are still being processed; a placeholder is printed instead."
        ),
        "still_broken": _(
            "“%(title)s”: its still could not be read; a placeholder is printed instead."
        ),
        "photo_broken": _("“%(title)s”: the photo of %(name)s could not be read and is left out."),
    }
    found = []
    for warning in dossier.warnings or []:
        template = messages.get(warning.get("code"))
        if template:
            found.append(template % {"title": warning.get("title", ""), **warning})
    return found


# --- Public ---------------------------------------------------------------------------


@transaction.atomic
def make_public(*, dossier: Dossier, by) -> Dossier:
    """Anyone may download this version, once the selection it shows is published. It
    replaces the scope's public version, if there was one."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("session").get(pk=dossier.pk)
    )
    if not dossier.is_ready:
        raise ValidationError(_("Only a ready dossier can be made public."), code="not_ready")
    if not is_published(dossier.edition, dossier.session):
        raise ValidationError(
            _(
                "The selection of %(scope)s is not published yet: its dossier can be made "
                "public once it is."
            )
            % {"scope": scope_title(dossier.edition, dossier.session)},
            code="not_published",
        )
    if dossier.is_public:
        return dossier
    Dossier.objects.filter(_scope(dossier.edition, dossier.session), is_public=True).exclude(
        pk=dossier.pk
    ).update(is_public=False)
    dossier.is_public = True
    dossier.save(update_fields=["is_public"])
    return dossier


@transaction.atomic
def make_private(*, dossier: Dossier, by) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.is_public:
        dossier.is_public = False
        dossier.save(update_fields=["is_public"])
    return dossier


# --- Links for guests -------------------------------------------------------------------


@transaction.atomic
def create_link(*, edition, session=None, label: str, expires_at, by) -> tuple[DossierLink, str]:
    """A link for an industry guest to the scope's latest ready dossier, until
    `expires_at`. Returns the link and its secret, which is not stored (only its hash):
    show it once."""
    if session is not None and session.edition_id != edition.pk:
        raise ValidationError({"session": _("Choose a session of this edition.")})
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError({"expires_at": _("Choose a moment in the future.")})
    if expires_at > now + timedelta(days=LINK_DAYS_MAX):
        raise ValidationError(
            {"expires_at": _("A link lasts %(days)s days at most.") % {"days": LINK_DAYS_MAX}}
        )
    token = secrets.token_urlsafe(32)
    link = DossierLink(
        edition=edition,
        session=session,
        label=label.strip(),
        token_hash=hash_token(token),
        expires_at=expires_at,
        created_by=by,
    )
    link.full_clean()
    link.save()
    return link, token


@transaction.atomic
def revoke_link(*, link: DossierLink, by) -> DossierLink:
    link = DossierLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def link_for_token(token: str, *, moment=None) -> DossierLink | None:
    """The link a guest holds, while it is valid: not revoked, and before the second it
    expires."""
    if not token or len(token) > 100:
        return None
    moment = moment or timezone.now()
    return (
        DossierLink.objects.select_related("edition__programme", "session")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=moment)
        .first()
    )


def record_download(*, link: DossierLink, by=None):
    """Count a guest's download; the edition's own staff trying the link are not guests."""
    if by is not None and can_manage_jury(by, link.edition):
        return
    DossierLink.objects.filter(pk=link.pk).update(downloads=F("downloads") + 1)


# --- The staff's page -------------------------------------------------------------------


@dataclass
class DossierScope:
    session: Session | None
    title: str
    films: int
    published: bool
    # The whole edition's: some sessions are published, not all.
    partly_published: bool = False
    versions: list = field(default_factory=list)  # newest first
    latest_ready: Dossier | None = None
    running: Dossier | None = None
    public: Dossier | None = None
    links: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"session-{self.session.pk}" if self.session else "edition"


def dossier_board(edition) -> list[DossierScope]:
    """The edition's catalogue and each session, with their versions, the build under
    way, and the guests' links. A fixed number of queries, whatever the amounts."""
    now = timezone.now()
    sessions = list(
        Session.objects.filter(edition=edition)
        .select_related("publication")
        .order_by("starts_on", "city")
    )
    counts = dict(
        selected_placements(edition)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values_list("session", "count")
    )
    published = {
        session.pk
        for session in sessions
        if getattr(session, "publication", None) and session.publication.published_at
    }
    scopes = [
        DossierScope(
            session=None,
            title=scope_title(edition),
            films=sum(counts.values()),
            published=bool(sessions) and len(published) == len(sessions),
            partly_published=0 < len(published) < len(sessions),
        )
    ] + [
        DossierScope(
            session=session,
            title=scope_title(edition, session),
            films=counts.get(session.pk, 0),
            published=session.pk in published,
        )
        for session in sessions
    ]
    by_session = {scope.session.pk if scope.session else None: scope for scope in scopes}
    for dossier in (
        Dossier.objects.filter(edition=edition)
        .select_related("started_by")
        .order_by("-version", "-pk")
    ):
        scope = by_session.get(dossier.session_id)
        if scope is None:
            continue
        dossier.stale = is_stale(dossier, moment=now)
        dossier.warning_messages = warning_messages(dossier)
        scope.versions.append(dossier)
        if dossier.is_ready and scope.latest_ready is None:
            scope.latest_ready = dossier
        if dossier.status in RUNNING and not dossier.stale and scope.running is None:
            scope.running = dossier
        if dossier.is_ready and dossier.is_public and scope.public is None:
            scope.public = dossier
    for link in DossierLink.objects.filter(edition=edition).select_related("created_by"):
        scope = by_session.get(link.session_id)
        if scope is not None:
            link.is_valid = link.revoked_at is None and link.expires_at > now
            scope.links.append(link)
    return scopes
