"""Staff exports: the content of each export in CSV and XLSX (read back), formulas
neutralised, who may see, start and download them, a task delivered twice, a failed build,
old files pruned, the page, and query counts at two sizes."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from editions.tests.factories import EditionFactory, SessionFactory
from juries import exports
from juries.models import (
    Answer,
    Export,
    ExportKind,
    ExportStatus,
    Placement,
    PlacementKind,
    Recommendation,
    ResultNotice,
    ResultOutcome,
    Review,
    RoundKind,
    Selection,
)
from juries.tasks import task_build_export
from juries.tests.factories import (
    AssignmentFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    ScoreFactory,
)
from submissions.models import CompanyRole, Project, ProjectStatus
from submissions.tests.factories import DirectorFactory, ProjectCompanyFactory, ProjectFactory
from submissions.tests.test_staff_list import applied
from submissions.views.staff import Number, csv_cell, export_header

pytestmark = pytest.mark.django_db

UTC = dt.UTC
EVIL_TITLE = '=HYPERLINK("http://evil.example","x")'


def review(round_, member, project, total, *, session=None, note="", feedback="", **kwargs):
    assignment = AssignmentFactory(round=round_, member=member, project=project)
    return ReviewFactory(
        assignment=assignment,
        total=Decimal(total),
        session_preference=session,
        note=note,
        producer_feedback=feedback,
        submitted_at=dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        **kwargs,
    )


@pytest.fixture
def sessions(edition):
    return [
        SessionFactory(edition=edition, city="Toulouse"),
        SessionFactory(
            edition=edition,
            city="Lima",
            starts_on=dt.date(edition.year, 8, 10),
            ends_on=dt.date(edition.year, 8, 12),
        ),
    ]


@pytest.fixture
def jury(edition, call, sessions):
    """A final round: "Alba" reviewed 8 and 6 (Toulouse preferred), "Bruma" 5 and 4; Alba
    is selected in Toulouse (its result sent and confirmed), Bruma waitlisted there."""
    round_ = RoundFactory(edition=edition, kind=RoundKind.FINAL, name="Final round")
    story = CriterionFactory(edition=edition, name="Story", position=0)
    ana = JuryMemberFactory(edition=edition, user__full_name="Ana Uno")
    beto = JuryMemberFactory(edition=edition, user__full_name="Beto Dos")
    alba = applied(call, "Alba", day=1)
    bruma = applied(call, "Bruma", day=2)
    first = review(
        round_,
        ana,
        alba,
        "8.000",
        session=sessions[0],
        recommendation=Recommendation.SELECT,
        note="Strong second act.",
        feedback="Tighten the opening.",
    )
    ScoreFactory(review=first, criterion=story, value=8)
    second = review(round_, beto, alba, "6.000", session=sessions[0])
    ScoreFactory(review=second, criterion=story, value=6)
    review(round_, ana, bruma, "5.000", recommendation=Recommendation.DISCUSS)
    review(round_, beto, bruma, "4.000", recommendation=Recommendation.DECLINE)
    selection = Selection.objects.create(edition=edition)
    Placement.objects.create(
        selection=selection,
        project=alba,
        session=sessions[0],
        kind=PlacementKind.SELECTED,
        position=0,
        reason="Unanimous.",
    )
    Placement.objects.create(
        selection=selection, project=bruma, session=sessions[0], kind=PlacementKind.WAITLIST
    )
    ResultNotice.objects.create(
        edition=edition,
        project=alba,
        outcome=ResultOutcome.SELECTED,
        session=sessions[0],
        sent_at=dt.datetime(2027, 3, 2, 16, 30, tzinfo=UTC),
        answer=Answer.CONFIRMED,
    )
    return {"round": round_, "alba": alba, "bruma": bruma, "members": (ana, beto)}


def build(capture, edition, kind, fmt, by, round_=None, language="en"):
    """Start an export and run its task (queued on commit), as a worker would."""
    with capture(execute=True):
        export = exports.start_export(
            edition=edition, kind=kind, fmt=fmt, by=by, round_=round_, language=language
        )
    export.refresh_from_db()
    return export


def csv_rows(export) -> list[list[str]]:
    with export.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def workbook(export):
    with export.file.open("rb") as handle:
        data = handle.read()
    return openpyxl.load_workbook(io.BytesIO(data)), data


def sheet_rows(export):
    book, _data = workbook(export)
    return list(book.active.iter_rows())


def values(row):
    return [cell.value for cell in row]


def as_dict(header, row):
    return dict(zip(header, row, strict=True))


def stream(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- Content ----------------------------------------------------------------------------


def test_applications_csv_holds_what_the_list_exports(
    staff, staff_client, edition, jury, django_capture_on_commit_callbacks
):
    export = build(django_capture_on_commit_callbacks, edition, "applications", "csv", staff)

    assert export.status == ExportStatus.READY
    assert export.progress == 100
    assert export.row_count == 2
    assert export.finished_at is not None
    rows = csv_rows(export)
    header, *lines = rows
    assert header == export_header(zone="Europe/Paris")
    alba = as_dict(header, next(line for line in lines if line[1] == "Alba"))
    assert alba["ID"] == str(jury["alba"].pk)
    assert alba["Producing company"] == "Alba Films AR"
    assert alba["Total budget"] == "100000.00"
    assert alba["Financing missing"] == "10000.00"
    assert alba["Submitted (Europe/Paris time)"] == "2026-01-01 13:00"
    # The same rows, from the same functions, as the list's CSV export streams.
    url = reverse("submissions:staff_export", kwargs={"edition_pk": edition.pk})
    assert stream(staff_client.get(url)) == rows


def test_applications_xlsx_types_numbers_and_dates(
    staff, edition, jury, django_capture_on_commit_callbacks
):
    export = build(django_capture_on_commit_callbacks, edition, "applications", "xlsx", staff)

    assert export.status == ExportStatus.READY
    assert export.file.name.startswith("exports/")
    assert export.file.name.endswith(".xlsx")
    assert Path(export.file.name).stem not in ("applications", "export")
    book, _data = workbook(export)
    sheet = book.active
    assert sheet.title == "Applications"
    assert sheet.freeze_panes == "A2"
    header_row, *lines = list(sheet.iter_rows())
    header = values(header_row)
    assert header == export_header(zone="Europe/Paris")
    assert all(cell.font.b for cell in header_row)
    assert len(lines) == 2
    alba = as_dict(header, next(line for line in lines if line[1].value == "Alba"))
    assert alba["ID"].value == jury["alba"].pk
    assert alba["ID"].data_type == "n"
    assert alba["Total budget"].value == 100000
    assert alba["Total budget"].data_type == "n"
    assert alba["Total budget"].number_format == "0.00"
    assert alba["Financing secured"].value == 90000
    assert alba["Runtime of the current cut (minutes)"].value == 92
    assert alba["Submitted (Europe/Paris time)"].value == dt.datetime(2026, 1, 1, 13, 0)
    assert alba["Submitted (Europe/Paris time)"].is_date
    assert alba["Producing company's country"].value == "Argentina"
    # Columns sized to their content, within bounds.
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == exports.XLSX_WIDTH_MIN
    assert widths["B"] == len("Original title") + 2


def test_reviews_export_in_both_formats(staff, edition, jury, django_capture_on_commit_callbacks):
    round_ = jury["round"]
    as_csv = build(django_capture_on_commit_callbacks, edition, "reviews", "csv", staff, round_)
    as_xlsx = build(django_capture_on_commit_callbacks, edition, "reviews", "xlsx", staff, round_)

    header, *lines = csv_rows(as_csv)
    assert header == [
        "ID",
        "Original title",
        "English title",
        "Juror",
        "Story",
        "Weighted score (0–10)",
        "Recommendation",
        "Best suited to the session",
        "Note for the jury",
        "Feedback for the producer",
        "Submitted (Europe/Paris time)",
    ]
    assert len(lines) == 4 == as_csv.row_count
    assert lines[0] == [
        str(jury["alba"].pk),
        "Alba",
        "Alba (EN)",
        "Ana Uno",
        "8",
        "8.000",
        "Select",
        "Toulouse",
        "Strong second act.",
        "Tighten the opening.",
        "2027-03-01 10:00",
    ]

    header_row, *rows = sheet_rows(as_xlsx)
    assert values(header_row) == header
    first = as_dict(header, rows[0])
    assert first["Juror"].value == "Ana Uno"
    assert first["Story"].value == 8
    assert first["Weighted score (0–10)"].value == 8
    assert first["Weighted score (0–10)"].data_type == "n"
    assert first["Weighted score (0–10)"].number_format == "0.000"
    assert first["Submitted (Europe/Paris time)"].value == dt.datetime(2027, 3, 1, 10, 0)
    assert [as_dict(header, row)["Juror"].value for row in rows] == [
        "Ana Uno",
        "Beto Dos",
        "Ana Uno",
        "Beto Dos",
    ]


def test_ranking_export_in_both_formats(
    staff, staff_client, edition, jury, django_capture_on_commit_callbacks
):
    round_ = jury["round"]
    as_csv = build(django_capture_on_commit_callbacks, edition, "ranking", "csv", staff, round_)
    as_xlsx = build(django_capture_on_commit_callbacks, edition, "ranking", "xlsx", staff, round_)

    rows = csv_rows(as_csv)
    url = reverse("juries:staff_ranking_csv", kwargs={"pk": round_.pk})
    assert stream(staff_client.get(url)) == rows
    header, alba, bruma = rows
    alba = as_dict(header, alba)
    assert alba["Position"] == "1"
    assert alba["Original title"] == "Alba"
    assert alba["Mean"] == "7.00"
    assert alba["Highest − lowest"] == "2.00"
    assert alba["Preferred session"] == "Toulouse"
    assert as_dict(header, bruma)["Mean"] == "4.50"

    header_row, first, second = sheet_rows(as_xlsx)
    assert values(header_row) == header
    first = as_dict(header, first)
    assert first["Position"].value == 1
    assert first["Reviews"].value == 2
    assert first["Mean"].value == pytest.approx(7.0)
    assert first["Mean"].data_type == "n"
    assert first["Standard deviation"].value == pytest.approx(1.0)
    assert first["Rank by mean"].value == 1
    assert first["Select"].value == 2
    assert as_dict(header, second)["Mean"].value == pytest.approx(4.5)


def test_selection_export_in_both_formats(
    staff, edition, jury, sessions, django_capture_on_commit_callbacks
):
    # A second session's waitlist, to see the order session by session.
    lima_film = applied(jury["alba"].call, "Ceniza", day=3)
    Placement.objects.create(
        selection=edition.selection,
        project=lima_film,
        session=sessions[1],
        kind=PlacementKind.WAITLIST,
    )
    as_csv = build(django_capture_on_commit_callbacks, edition, "selection", "csv", staff)
    as_xlsx = build(django_capture_on_commit_callbacks, edition, "selection", "xlsx", staff)

    header, *lines = csv_rows(as_csv)
    assert header[:4] == ["Session", "Placed as", "Position", "ID"]
    assert "Result sent (Europe/Paris time)" in header
    assert [(line[0], line[1], line[2], line[4]) for line in lines] == [
        ("Toulouse", "Selected", "1", "Alba"),
        ("Toulouse", "Waitlist", "1", "Bruma"),
        ("Lima", "Waitlist", "1", "Ceniza"),
    ]
    alba = as_dict(header, lines[0])
    assert alba["Producer"] == "Ana Aplicante"
    assert alba["Producer's email"] == "applicant@example.org"
    assert alba["Countries of the companies"] == "AR"
    assert alba["Reviews"] == "2"
    assert alba["Mean"] == "7.00"
    assert alba["Rank by calibrated score"] == "1"
    assert alba["Result sent (Europe/Paris time)"] == "2027-03-02 17:30"
    assert alba["Answer"] == "Confirmed"
    assert alba["Why"] == "Unanimous."
    ceniza = as_dict(header, lines[2])
    assert ceniza["Reviews"] == "0"
    assert ceniza["Mean"] == ""
    assert ceniza["Answer"] == ""

    header_row, *rows = sheet_rows(as_xlsx)
    assert values(header_row) == header
    alba = as_dict(header, rows[0])
    assert alba["Position"].value == 1
    assert alba["ID"].value == jury["alba"].pk
    assert alba["Mean"].value == pytest.approx(7.0)
    assert alba["Mean"].data_type == "n"
    assert alba["Result sent (Europe/Paris time)"].value == dt.datetime(2027, 3, 2, 17, 30)
    assert as_dict(header, rows[2])["Mean"].value is None


def test_labels_follow_the_language_asked_for(
    staff, edition, jury, django_capture_on_commit_callbacks
):
    export = build(
        django_capture_on_commit_callbacks, edition, "applications", "xlsx", staff, language="es"
    )

    header_row, *_rows = sheet_rows(export)
    assert values(header_row)[1] == "Título original"
    assert export.language == "es"


# --- Formulas and awkward text ----------------------------------------------------------


@pytest.fixture
def evil(edition, call, jury):
    """Text a spreadsheet would compute, in a title, a company and a juror's note."""
    project = jury["alba"]
    Project.objects.filter(pk=project.pk).update(original_title=EVIL_TITLE, english_title="+1+1")
    project.companies.update(name="-2+3")
    Review.objects.filter(project=project, member=jury["members"][0]).update(note="@SUM(A1)")
    return project


@pytest.mark.parametrize(
    ("kind", "column", "text"),
    [
        ("applications", "Original title", EVIL_TITLE),
        ("applications", "English title", "+1+1"),
        ("applications", "Producing company", "-2+3"),
        ("reviews", "Note for the jury", "@SUM(A1)"),
        ("ranking", "Original title", EVIL_TITLE),
        ("selection", "Original title", EVIL_TITLE),
    ],
)
def test_formulas_are_neutralised_in_both_formats(
    staff, edition, jury, evil, kind, column, text, django_capture_on_commit_callbacks
):
    round_ = jury["round"] if kind in ("reviews", "ranking") else None
    as_csv = build(django_capture_on_commit_callbacks, edition, kind, "csv", staff, round_)
    as_xlsx = build(django_capture_on_commit_callbacks, edition, kind, "xlsx", staff, round_)

    header, *lines = csv_rows(as_csv)
    assert "'" + text in [as_dict(header, line)[column] for line in lines]

    book, data = workbook(as_xlsx)
    header_row, *rows = list(book.active.iter_rows())
    cells = [as_dict(values(header_row), row)[column] for row in rows]
    cell = next(cell for cell in cells if cell.value == text)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_a_negative_number_is_not_taken_for_a_formula():
    assert csv_cell(Number(-0.5)) == "-0.50"
    assert csv_cell("-0.5") == "'-0.5"


def test_control_characters_do_not_break_a_workbook(
    staff, edition, jury, django_capture_on_commit_callbacks
):
    Review.objects.filter(project=jury["alba"], member=jury["members"][0]).update(
        note="Bell\x07 and tab\x0bhere"
    )

    export = build(
        django_capture_on_commit_callbacks, edition, "reviews", "xlsx", staff, jury["round"]
    )

    assert export.status == ExportStatus.READY
    notes = [values(row)[8] for row in sheet_rows(export)[1:]]
    assert "Bell and tabhere" in notes


# --- Permissions ------------------------------------------------------------------------


@pytest.fixture
def ready(staff, edition, jury, django_capture_on_commit_callbacks):
    """A ready XLSX of the ranking, and one of another programme's edition."""
    mine = build(
        django_capture_on_commit_callbacks, edition, "ranking", "xlsx", staff, jury["round"]
    )
    other_edition = EditionFactory()
    other_staff_member = UserFactory()
    other_edition.programme.team.add(other_staff_member)
    theirs = build(
        django_capture_on_commit_callbacks,
        other_edition,
        "applications",
        "csv",
        other_staff_member,
    )
    return mine, theirs


def addresses(edition, export):
    return {
        "page": ("get", reverse("juries:staff_exports", kwargs={"edition_pk": edition.pk})),
        "status": (
            "get",
            reverse("juries:staff_export_status", kwargs={"edition_pk": edition.pk})
            + f"?id={export.pk}",
        ),
        "start": ("post", reverse("juries:staff_export_start", kwargs={"edition_pk": edition.pk})),
        "file": ("get", reverse("juries:staff_export_file", kwargs={"pk": export.pk})),
    }


def call_address(client, method, url):
    if method == "post":
        return client.post(url, {"kind": "applications", "format": "csv"})
    return client.get(url)


def test_anonymous_people_are_sent_to_sign_in(client, edition, ready):
    count = Export.objects.count()
    for method, url in addresses(edition, ready[0]).values():
        response = call_address(client, method, url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]
    assert Export.objects.count() == count


def test_producers_and_jurors_get_403_even_the_president_of_the_jury(
    client, edition, ready, producer, juror
):
    president = JuryMemberFactory(edition=edition, is_president=True).user
    count = Export.objects.count()
    for user in (producer, juror, president):
        client.force_login(user)
        for name, (method, url) in addresses(edition, ready[0]).items():
            assert call_address(client, method, url).status_code == 403, (user, name)
    assert Export.objects.count() == count


def test_staff_of_another_programme_get_404(client, edition, ready, other_staff):
    count = Export.objects.count()
    client.force_login(other_staff)
    for name, (method, url) in addresses(edition, ready[0]).items():
        assert call_address(client, method, url).status_code == 404, name
    assert Export.objects.count() == count


def test_staff_download_only_their_own_programmes_files(staff_client, edition, ready):
    mine, theirs = ready
    response = staff_client.get(reverse("juries:staff_export_file", kwargs={"pk": mine.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "films-in-progress-" in disposition
    assert f"-round-{mine.round.number}-ranking-" in disposition
    assert disposition.endswith('.xlsx"')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"PK")
    with mine.file.open("rb") as handle:
        assert body == handle.read()

    url = reverse("juries:staff_export_file", kwargs={"pk": theirs.pk})
    assert staff_client.get(url).status_code == 404
    status_url = reverse("juries:staff_export_status", kwargs={"edition_pk": edition.pk})
    response = staff_client.get(f"{status_url}?id={mine.pk}&id={theirs.pk}")
    assert [row["id"] for row in response.json()["dossiers"]] == [mine.pk]
    assert response["Cache-Control"] == "no-store"


def test_a_build_not_ready_cannot_be_downloaded(staff_client, staff, edition):
    queued = Export.objects.create(
        edition=edition, kind="applications", format="csv", requested_by=staff
    )
    url = reverse("juries:staff_export_file", kwargs={"pk": queued.pk})
    assert staff_client.get(url).status_code == 404


def test_the_service_refuses_anyone_but_the_programmes_staff(edition, jury, juror, other_staff):
    president = JuryMemberFactory(edition=edition, is_president=True).user
    for user in (juror, president, other_staff):
        with pytest.raises(PermissionDenied):
            exports.start_export(edition=edition, kind="applications", fmt="csv", by=user)
    assert not Export.objects.exists()


def test_a_round_export_needs_a_round_of_the_edition(staff, edition, jury):
    other_round = RoundFactory(edition=EditionFactory(programme=edition.programme))
    for round_ in (None, other_round):
        with pytest.raises(ValidationError) as caught:
            exports.start_export(
                edition=edition, kind="ranking", fmt="csv", by=staff, round_=round_
            )
        assert "round" in caught.value.error_dict
    with pytest.raises(ValidationError):
        exports.start_export(edition=edition, kind="scores", fmt="csv", by=staff)
    with pytest.raises(ValidationError):
        exports.start_export(edition=edition, kind="applications", fmt="pdf", by=staff)
    assert not Export.objects.exists()


# --- Building ---------------------------------------------------------------------------


def stored_exports() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_task_delivered_twice_builds_once(
    staff, edition, jury, django_capture_on_commit_callbacks, monkeypatch
):
    export = build(django_capture_on_commit_callbacks, edition, "applications", "xlsx", staff)
    assert export.status == ExportStatus.READY
    written = []
    monkeypatch.setattr(exports, "write_xlsx", lambda *args, **kwargs: written.append(1))

    assert task_build_export(export_id=export.pk) == ExportStatus.READY
    assert exports.build_export(export_id=export.pk) == ExportStatus.READY

    assert written == []
    again = Export.objects.get(pk=export.pk)
    assert (again.file.name, again.finished_at) == (export.file.name, export.finished_at)
    assert len(stored_exports()) == 1
    assert task_build_export(export_id=999999) == "missing"


def test_of_two_workers_exactly_one_claims_a_build(staff, edition):
    export = Export.objects.create(
        edition=edition, kind="applications", format="csv", requested_by=staff
    )
    assert exports.claim_export(export_id=export.pk) is True
    assert exports.claim_export(export_id=export.pk) is False
    # Long after, the build is taken as interrupted and may be claimed again.
    later = timezone.now() + exports.STALE_AFTER + dt.timedelta(minutes=1)
    assert exports.claim_export(export_id=export.pk, moment=later) is True


def test_a_failed_build_is_marked_failed_and_keeps_the_previous_file(
    staff, staff_client, edition, jury, django_capture_on_commit_callbacks, monkeypatch
):
    previous = build(django_capture_on_commit_callbacks, edition, "applications", "csv", staff)
    assert previous.status == ExportStatus.READY

    def broken(edition, round_=None):
        def lines():
            yield ["ID"]
            yield [1]
            raise RuntimeError("the database went away")

        return exports.Table(lines=lines(), total=2)

    monkeypatch.setitem(exports.TABLES, ExportKind.APPLICATIONS, broken)
    failed = build(django_capture_on_commit_callbacks, edition, "applications", "csv", staff)

    assert failed.status == ExportStatus.FAILED
    assert failed.error == "RuntimeError: the database went away"
    assert not failed.file
    assert failed.finished_at is not None
    previous.refresh_from_db()
    assert previous.status == ExportStatus.READY
    assert stored_exports() == [Path(settings.MEDIA_ROOT) / previous.file.name]
    response = staff_client.get(reverse("juries:staff_export_file", kwargs={"pk": previous.pk}))
    assert response.status_code == 200
    with previous.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    page = staff_client.get(reverse("juries:staff_exports", kwargs={"edition_pk": edition.pk}))
    assert "RuntimeError: the database went away" in page.content.decode()


def test_one_build_at_a_time_and_an_interrupted_one_gives_way(staff, edition):
    running = exports.start_export(edition=edition, kind="applications", fmt="csv", by=staff)
    with pytest.raises(ValidationError) as caught:
        exports.start_export(edition=edition, kind="applications", fmt="csv", by=staff)
    assert caught.value.code == "running"
    # Another format or kind is another export.
    exports.start_export(edition=edition, kind="applications", fmt="xlsx", by=staff)
    exports.start_export(edition=edition, kind="selection", fmt="csv", by=staff)

    Export.objects.filter(pk=running.pk).update(
        created_at=timezone.now() - exports.STALE_AFTER - dt.timedelta(minutes=1)
    )
    exports.start_export(edition=edition, kind="applications", fmt="csv", by=staff)
    running.refresh_from_db()
    assert running.status == ExportStatus.FAILED
    assert "Interrupted" in running.error


def test_only_the_latest_files_of_an_export_are_kept(
    staff, edition, jury, django_capture_on_commit_callbacks
):
    built = [
        build(django_capture_on_commit_callbacks, edition, "selection", "csv", staff)
        for _ in range(exports.KEEP_READY + 2)
    ]
    other_format = build(django_capture_on_commit_callbacks, edition, "selection", "xlsx", staff)

    kept = Export.objects.filter(kind="selection", format="csv")
    assert sorted(kept.values_list("pk", flat=True)) == [e.pk for e in built[2:]]
    assert Export.objects.filter(pk=other_format.pk).exists()
    assert len(stored_exports()) == exports.KEEP_READY + 1


# --- The page ---------------------------------------------------------------------------


def test_the_page_offers_every_export_and_lists_the_builds(
    staff_client, staff, edition, jury, django_capture_on_commit_callbacks
):
    url = reverse("juries:staff_exports", kwargs={"edition_pk": edition.pk})
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    start = reverse("juries:staff_export_start", kwargs={"edition_pk": edition.pk})
    assert content.count(f'action="{start}"') == 2 * (2 + 2)  # 2 formats × 4 exports, 1 round
    assert f'name="round" value="{jury["round"].pk}"' in content
    assert "No export built yet." in content
    assert 'data-dossier-status-url="' in content

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            start, {"kind": "ranking", "format": "xlsx", "round": jury["round"].pk}
        )
    assert response.status_code == 302
    assert response["Location"] == url
    export = Export.objects.get()
    assert export.status == ExportStatus.READY
    assert export.round == jury["round"]
    assert export.requested_by == staff
    content = staff_client.get(url).content.decode()
    assert "Ranking · Final round (XLSX) is on its way" in content
    assert reverse("juries:staff_export_file", kwargs={"pk": export.pk}) in content


def test_the_page_shows_a_build_under_way_for_the_script(staff_client, staff, edition):
    export = exports.start_export(edition=edition, kind="applications", fmt="xlsx", by=staff)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.BUILDING, progress=40)

    content = staff_client.get(
        reverse("juries:staff_exports", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert f'data-dossier="{export.pk}" data-dossier-running' in content
    assert 'value="40" data-dossier-progress' in content
    status_url = reverse("juries:staff_export_status", kwargs={"edition_pk": edition.pk})
    rows = staff_client.get(f"{status_url}?id={export.pk}").json()["dossiers"]
    assert rows == [
        {
            "id": export.pk,
            "status": "building",
            "label": "Being built",
            "progress": 40,
            "running": True,
        }
    ]


def test_a_start_the_service_refuses_comes_back_as_a_message(staff_client, edition):
    start = reverse("juries:staff_export_start", kwargs={"edition_pk": edition.pk})
    response = staff_client.post(start, {"kind": "ranking", "format": "csv"}, follow=True)
    assert "Choose a round of this edition." in response.content.decode()
    assert staff_client.get(start).status_code == 405
    assert not Export.objects.exists()


def test_a_page_in_spanish_builds_a_spanish_export(
    client, staff, edition, jury, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with translation.override("es"):
        start = reverse("juries:staff_export_start", kwargs={"edition_pk": edition.pk})
    assert start.startswith("/es/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start, {"kind": "applications", "format": "csv"})
    export = Export.objects.get()
    assert export.language == "es"
    assert csv_rows(export)[0][1] == "Título original"


def test_the_staff_edition_page_links_to_the_exports(staff_client, edition):
    response = staff_client.get(reverse("editions:staff_edition", kwargs={"pk": edition.pk}))
    url = reverse("juries:staff_exports", kwargs={"edition_pk": edition.pk})
    assert f'href="{url}"' in response.content.decode()


# --- Query counts -----------------------------------------------------------------------


def light_applications(call, count, *, start=0):
    owner = UserFactory()
    for number in range(start, start + count):
        project = ProjectFactory(call=call, owner=owner, original_title=f"Film {number:03d}")
        ProjectCompanyFactory(project=project, role=CompanyRole.PRODUCER)
        DirectorFactory(project=project)
    Project.objects.filter(call=call).update(
        status=ProjectStatus.SUBMITTED, submitted_at=dt.datetime(2026, 1, 5, tzinfo=UTC)
    )


def build_queries(edition, kind, fmt, by, round_=None) -> tuple[int, Export]:
    export = Export.objects.create(
        edition=edition, kind=kind, format=fmt, round=round_, requested_by=by
    )
    with CaptureQueriesContext(connection) as queries:
        assert exports.build_export(export_id=export.pk) == ExportStatus.READY
    export.refresh_from_db()
    return len(queries), export


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_building_the_applications_reads_in_a_fixed_number_of_queries(staff, edition, call, fmt):
    """Whatever the number of applications, from 30 to 200: the claim, the export's row,
    the count, the applications and their related lists (one query each), the progress
    (PROGRESS_STEPS writes once there are at least as many lines) and the result."""
    light_applications(call, 30)
    small, export = build_queries(edition, "applications", fmt, staff)
    assert export.row_count == 30

    light_applications(call, 170, start=30)
    large, export = build_queries(edition, "applications", fmt, staff)
    assert export.row_count == 200

    assert large == small
    assert small <= 15 + exports.PROGRESS_STEPS


def test_building_the_selection_reads_in_a_fixed_number_of_queries(staff, edition, call, jury):
    selection, session = edition.selection, SessionFactory(edition=edition, places=100)

    def place(count, start):
        for number in range(start, start + count):
            project = ProjectFactory(call=call, original_title=f"Placed {number}")
            ProjectCompanyFactory(project=project)
            Placement.objects.create(
                selection=selection,
                project=project,
                session=session,
                kind=PlacementKind.SELECTED,
                position=number,
            )

    place(20, 0)
    small, export = build_queries(edition, "selection", "xlsx", staff)
    assert export.row_count == 22
    place(40, 20)
    large, export = build_queries(edition, "selection", "xlsx", staff)
    assert export.row_count == 62
    assert large == small
