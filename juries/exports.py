"""Staff exports of an edition: its applications, a round's reviews and scores, a round's
ranking and the selection, each as a CSV or an XLSX file.

The lines of each export (the header first) come from the same functions as the CSV
pages stream: submissions.views.staff.application_lines(), ranking.ranking_csv_rows()
and ranking.reviews_csv_rows(); the selection's from selection_lines() here. Their cells
are plain values; scores and moments read as text and carry their number or datetime
(submissions.views.staff.Number and LocalTime), so that a CSV shows "7.50" and a
spreadsheet keeps 7.5 as a number.

Each build is a row of Export and goes queued → building → ready or failed through these
functions only: start_export() queues it and a Celery task runs build_export() once it
commits. A build is claimed by one conditional UPDATE, so a task delivered twice builds
once; a failed build records its error, removes its own file and leaves the previous
builds as they were. The file is stored under a random name outside any public address
and served only by the staff's download view.

Who may export is who may see the ranking page: festival staff of the edition's
programme (the views check it, and start_export() again). A juror, even the president of
the jury, never may."""

import itertools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from editions.models import Edition
from submissions import selectors as submission_selectors
from submissions.models import Genre, ProjectCompany, ProjectStatus
from submissions.views.staff import (
    FORMULA_STARTS,
    LocalTime,
    Number,
    application_lines,
    csv_lines,
    local_time,
    number,
)

from . import builds, ranking, selectors
from .models import (
    ROUND_EXPORTS,
    Answer,
    Export,
    ExportFormat,
    ExportKind,
    ExportStatus,
    Placement,
    PlacementKind,
    ResultNotice,
    Round,
    export_path,
)
from .permissions import can_manage_jury

logger = logging.getLogger(__name__)

RUNNING = builds.RUNNING
# A build not finished this long after it was requested is taken as interrupted (its
# worker died): it may be claimed again, and a new build of the same export may start.
# Well above the task's time limit.
STALE_AFTER = builds.STALE_AFTER
# Progress is written this many times in a build of at least as many lines (fewer in a
# smaller one), whatever its size: one query each.
PROGRESS_STEPS = 19
# The latest ready files kept of each export (an edition's kind, format and round);
# older ones are deleted with their rows: they hold personal data.
KEEP_READY = 5
RECENT_SHOWN = 30

# XLSX: the most characters a cell holds, the lines read ahead to size the columns, and
# the narrowest and widest a column is made.
XLSX_TEXT_MAX = 32767
XLSX_WIDTH_SAMPLE = 200
XLSX_WIDTH_MIN, XLSX_WIDTH_MAX = 8, 60
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- The lines of each export ----------------------------------------------------------


@dataclass
class Table:
    """An export's lines, the header first, and how many lines follow it (read before
    they are produced, for the progress)."""

    lines: Iterator[list]
    total: int


def applications_table(edition, round_=None) -> Table:
    """Every application of the edition (drafts left out), as the staff's list exports
    them without filters, newest first."""
    projects = submission_selectors.with_eligibility_data(
        submission_selectors.staff_applications(edition=edition)
    )
    return Table(lines=application_lines(edition, projects), total=projects.count())


def reviews_table(edition, round_: Round) -> Table:
    """Every review the round's ranking counts, by project then juror."""
    return Table(
        lines=ranking.reviews_csv_rows(round_), total=ranking.counted_reviews(round_).count()
    )


def ranking_table(edition, round_: Round) -> Table:
    """The round's ranking in its default order (calibrated score)."""
    rows = ranking.rank_round(round_)
    return Table(lines=ranking.ranking_csv_rows(rows), total=len(rows))


def selection_placements(edition):
    return Placement.objects.filter(selection__edition=edition).order_by(
        "session__starts_on", "session__city", "session_id", "kind", "position", "pk"
    )


def selection_table(edition, round_=None) -> Table:
    return Table(lines=selection_lines(edition), total=selection_placements(edition).count())


def selection_lines(edition) -> Iterator[list]:
    """The selection session by session: its selected films in order, then its waitlist
    in order, each with the figures of the round the selection is decided from and the
    result sent to its producer. Nine queries at most, whatever the number of films: the
    placements, the companies' countries, the deciding round, its ranking (four) and the
    result notices."""
    tz = edition.tz
    yield [
        _("Session"),
        _("Placed as"),
        _("Position"),
        _("ID"),
        _("Original title"),
        _("English title"),
        _("Producer"),
        _("Producer's email"),
        _("Countries of the companies"),
        _("Genre"),
        _("Status"),
        _("Reviews"),
        _("Mean"),
        _("Calibrated score"),
        _("Rank by calibrated score"),
        _("Result sent (%(zone)s time)") % {"zone": edition.time_zone},
        _("Answer"),
        _("Why"),
    ]
    placements = list(selection_placements(edition).select_related("session", "project__owner"))
    project_ids = [placement.project_id for placement in placements]
    countries: dict[int, list[str]] = defaultdict(list)
    for project_id, country in (
        ProjectCompany.objects.filter(project__in=project_ids)
        .order_by("project_id", "position", "pk")
        .values_list("project_id", "country")
    ):
        if country not in countries[project_id]:
            countries[project_id].append(country)
    round_ = selectors.deciding_round(edition) if placements else None
    rows = {row.project_id: row for row in ranking.round_rows(round_)} if round_ else {}
    notices = {
        project_id: (sent_at, answer)
        for project_id, sent_at, answer in ResultNotice.objects.filter(
            edition=edition, project__in=project_ids
        ).values_list("project_id", "sent_at", "answer")
    }
    kinds = {code: str(label) for code, label in PlacementKind.choices}
    genres = {code: str(label) for code, label in Genre.choices}
    statuses = {code: str(label) for code, label in ProjectStatus.choices}
    answers = {code: str(label) for code, label in Answer.choices if code}
    positions: dict[tuple, int] = defaultdict(int)
    for placement in placements:
        project, session = placement.project, placement.session
        positions[(session.pk, placement.kind)] += 1
        row = rows.get(project.pk)
        sent_at, answer = notices.get(project.pk, (None, ""))
        yield [
            session.display_name,
            kinds.get(placement.kind, placement.kind),
            positions[(session.pk, placement.kind)],
            project.pk,
            project.original_title,
            project.english_title,
            project.owner.full_name,
            project.owner.email,
            ", ".join(countries.get(project.pk, ())),
            genres.get(project.genre, project.genre),
            statuses.get(project.status, project.status),
            row.n_reviews if row else 0,
            number(row.mean if row else None),
            number(row.calibrated if row else None),
            (row.calibrated_rank or "") if row else "",
            local_time(sent_at, tz),
            answers.get(answer, ""),
            placement.reason,
        ]


TABLES: dict[str, Callable[..., Table]] = {
    ExportKind.APPLICATIONS: applications_table,
    ExportKind.REVIEWS: reviews_table,
    ExportKind.RANKING: ranking_table,
    ExportKind.SELECTION: selection_table,
}


# --- Writers ----------------------------------------------------------------------------


def write_csv(lines: Iterable[list], path: Path) -> int:
    """Write the lines to a UTF-8 CSV file with a byte-order mark, as the staff's CSV
    pages stream them (csv_lines: every cell a spreadsheet would take for a formula
    neutralised); the number of lines after the header."""
    count = -1
    with path.open("w", encoding="utf-8", newline="") as handle:
        for text in csv_lines(lines):
            handle.write(text)
            count += 1
    return max(count, 0)


def _xlsx_text(value) -> str:
    """Text a workbook can hold: without the control characters XML refuses, cut to the
    most a cell holds."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_TEXT_MAX]


def _xlsx_cell(sheet, value):
    """A cell of the sheet: numbers as numbers with their decimals, moments as dates and
    times, text as text. Text a spreadsheet would take for a formula is written as a
    string with a quote prefix: shown as typed, never computed, even once edited."""
    if isinstance(value, Number):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = "0." + "0" * value.places if value.places else "0"
        return cell
    if isinstance(value, LocalTime):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = _xlsx_text(value)
    if not text:
        return None
    if text.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return text


def _width(value) -> int:
    """The characters a cell shows on its longest line."""
    return max((len(part) for part in str(value).splitlines()), default=0)


def write_xlsx(lines: Iterable[list], path: Path, *, title: str) -> int:
    """Write the lines to an XLSX file, one sheet, in openpyxl's write-only mode (rows go
    to disk as they come, so memory does not grow with the export): the header bold and
    frozen, columns sized to the header and the first lines. The number of lines after
    the header."""
    lines = iter(lines)
    header = [str(label) for label in next(lines)]
    sample = []
    for line in lines:
        sample.append(line)
        if len(sample) >= XLSX_WIDTH_SAMPLE:
            break
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    for index, label in enumerate(header):
        widest = max([len(label), *(_width(line[index]) for line in sample if index < len(line))])
        width = min(max(widest + 2, XLSX_WIDTH_MIN), XLSX_WIDTH_MAX)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(label))
        cell.data_type = "s"  # a criterion's name, say, is never a formula
        cell.quotePrefix = label.startswith(FORMULA_STARTS)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for line in itertools.chain(sample, lines):
        sheet.append([_xlsx_cell(sheet, value) for value in line])
        count += 1
    workbook.save(path)
    return count


_SHEET_UNSAFE = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(title: str) -> str:
    """A sheet's name: 31 characters at most, none of those a workbook refuses."""
    return (title.translate(_SHEET_UNSAFE).strip() or "Export")[:31]


# --- Scope and names --------------------------------------------------------------------


def export_title(export: Export) -> str:
    """E.g. "Ranking · Final round"."""
    title = export.get_kind_display()
    if export.round_id:
        title = f"{title} · {export.round.name}"
    return str(title)


def download_name(export: Export) -> str:
    """E.g. films-in-progress-2027-round-2-ranking-20270301-1000.xlsx: the programme, the
    edition, the round, the export and when it was requested (the edition's time)."""
    edition = export.edition
    parts = [edition.programme.slug, edition.slug]
    if export.round_id:
        parts.append(f"round-{export.round.number}")
    parts.append(export.kind)
    parts.append(timezone.localtime(export.created_at, edition.tz).strftime("%Y%m%d-%H%M"))
    stem = slugify("-".join(str(part) for part in parts)) or "export"
    return f"{stem}.{export.format}"


def _scope(edition, kind, fmt, round_) -> Q:
    return Q(edition=edition, kind=kind, format=fmt) & (
        Q(round=round_) if round_ is not None else Q(round__isnull=True)
    )


def is_stale(export: Export, *, moment=None) -> bool:
    return builds.is_stale(export, moment=moment)


# --- Starting a build -------------------------------------------------------------------


@transaction.atomic
def start_export(*, edition, kind: str, fmt: str, by, round_=None, language: str = "") -> Export:
    """A new build of an export, queued; it is built once this commits. Only staff of
    the edition's programme may; a round is needed for the reviews and the ranking (and
    ignored for the others); refused while the same export is being built."""
    if not can_manage_jury(by, edition):
        raise PermissionDenied
    if kind not in ExportKind.values:
        raise ValidationError({"kind": _("Choose an export.")})
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Choose CSV or XLSX.")})
    if kind in ROUND_EXPORTS:
        if round_ is None or round_.edition_id != edition.pk:
            raise ValidationError({"round": _("Choose a round of this edition.")})
    else:
        round_ = None
    # One start at a time per edition: two clicks make one build.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    now = timezone.now()
    scope = Export.objects.filter(_scope(edition, kind, fmt, round_))
    builds.fail_interrupted(scope, moment=now)
    if scope.filter(status__in=RUNNING).exists():
        raise ValidationError(
            _("This export is already being built: wait until it is ready."), code="running"
        )
    languages = {code for code, _name in settings.LANGUAGES}
    language = language if language in languages else settings.LANGUAGE_CODE
    export = Export(
        edition=edition, round=round_, kind=kind, format=fmt, language=language, requested_by=by
    )
    export.full_clean()
    export.save()
    _enqueue(export.pk)
    return export


def _enqueue(export_id: int):
    from .tasks import task_build_export

    transaction.on_commit(lambda: task_build_export.delay(export_id=export_id))


# --- Building ---------------------------------------------------------------------------


def claim_export(*, export_id: int, moment=None) -> bool:
    return builds.claim(Export, pk=export_id, file_field="file", moment=moment)


class _Progress:
    """The build's progress, written as it moves so staff see it while it runs: up to
    95 % while the lines are written, then 100 % once the file is saved."""

    def __init__(self, export_id: int, total: int):
        self.export_id = export_id
        self.total = max(total, 1)
        self.step = 0

    def counted(self, lines: Iterable[list]) -> Iterator[list]:
        """The lines, the progress moving as they are taken (the header does not count)."""
        for index, line in enumerate(lines):
            yield line
            step = min(PROGRESS_STEPS, index * PROGRESS_STEPS // self.total)
            if step > self.step:
                self.step = step
                Export.objects.filter(pk=self.export_id, status=ExportStatus.BUILDING).update(
                    progress=95 * step // PROGRESS_STEPS
                )


def build_export(*, export_id: int) -> str:
    """Build a queued export into its file, saved under a random name; the row becomes
    ready with its row count, or failed with the error (its file removed). Building an
    export another worker has, or that is done, does nothing. Returns the row's status
    afterwards."""
    if not claim_export(export_id=export_id):
        status = Export.objects.filter(pk=export_id).values_list("status", flat=True).first()
        return status or "missing"
    export = Export.objects.select_related("edition__programme", "round").get(pk=export_id)
    name = ""
    try:
        with (
            translation.override(export.language or settings.LANGUAGE_CODE),
            builds.work_folder("export") as work,
        ):
            table = TABLES[export.kind](export.edition, export.round)
            progress = _Progress(export.pk, table.total)
            lines = progress.counted(table.lines)
            path = Path(work) / f"export.{export.format}"
            if export.format == ExportFormat.XLSX:
                rows = write_xlsx(lines, path, title=str(export.get_kind_display()))
            else:
                rows = write_csv(lines, path)
            with path.open("rb") as handle:
                name = default_storage.save(export_path(export, path.name), File(handle))
    except Exception as error:  # any failure is recorded on the row (and logged)
        logger.exception("Export %s could not be built", export.pk)
        if name:
            default_storage.delete(name)
        Export.objects.filter(pk=export.pk, status=ExportStatus.BUILDING).update(
            status=ExportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return ExportStatus.FAILED
    finished = Export.objects.filter(pk=export.pk, status=ExportStatus.BUILDING, file="").update(
        status=ExportStatus.READY,
        progress=100,
        file=name,
        row_count=rows,
        error="",
        finished_at=timezone.now(),
    )
    if not finished:
        # Another worker finished it first, or it was given up meanwhile: keep theirs.
        default_storage.delete(name)
        return Export.objects.filter(pk=export.pk).values_list("status", flat=True).first()
    _prune(export)
    return ExportStatus.READY


def _prune(export: Export):
    """Delete the ready builds of the same export beyond the KEEP_READY latest, files
    first."""
    older = list(
        Export.objects.filter(
            _scope(export.edition_id, export.kind, export.format, export.round_id),
            status=ExportStatus.READY,
        ).order_by("-created_at", "-pk")[KEEP_READY:]
    )
    for old in older:
        if old.file:
            default_storage.delete(old.file.name)
        old.delete()


# --- The staff's page -------------------------------------------------------------------


def export_board(edition) -> dict:
    """The exports page: each export that can be made (the edition's applications and
    selection, each round's reviews and ranking) with its latest ready file per format,
    and the recent builds. Three queries."""
    rounds = list(Round.objects.filter(edition=edition).order_by("number"))
    latest: dict[tuple, Export] = {}
    for export in (
        Export.objects.filter(edition=edition, status=ExportStatus.READY)
        .select_related("round")
        .order_by("-created_at", "-pk")
    ):
        latest.setdefault((export.kind, export.round_id, export.format), export)
    now = timezone.now()
    recent = list(
        Export.objects.filter(edition=edition)
        .select_related("round", "requested_by")
        .order_by("-created_at", "-pk")[:RECENT_SHOWN]
    )
    running = set()
    for export in recent:
        export.stale = is_stale(export, moment=now)
        export.title = export_title(export)
        if export.status in RUNNING and not export.stale:
            running.add((export.kind, export.round_id, export.format))

    def offer(kind, round_=None):
        key = round_.pk if round_ is not None else None
        return {
            "kind": kind,
            "label": ExportKind(kind).label,
            "round": round_,
            "formats": [
                {
                    "format": fmt,
                    "label": label,
                    "latest": latest.get((kind, key, fmt)),
                    "running": (kind, key, fmt) in running,
                }
                for fmt, label in ExportFormat.choices
            ],
        }

    return {
        "edition_offers": [offer(ExportKind.APPLICATIONS), offer(ExportKind.SELECTION)],
        "round_offers": [
            {
                "round": round_,
                "offers": [offer(ExportKind.REVIEWS, round_), offer(ExportKind.RANKING, round_)],
            }
            for round_ in rounds
        ],
        "recent": recent,
        "keep_ready": KEEP_READY,
    }
