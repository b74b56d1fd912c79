"""Selection dossiers: building (versions, the PDF read back, the ZIP, placeholders and
warnings, failures, idempotency, progress), making one public, guests' links, and the
pages. Denials first among the pages: only staff of the edition's programme."""

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editions.tests.factories import CallFactory, EditionFactory, SessionFactory
from juries import dossier_pdf, dossiers
from juries.models import (
    Dossier,
    DossierLink,
    DossierStatus,
    Placement,
    PlacementKind,
    Selection,
    SessionPublication,
)
from juries.tasks import task_build_dossier
from juries.tests.factories import submitted_project
from juries.tests.test_dossier_pdf import pdf_pages, render_page
from submissions.models import ProcessingStatus, ProjectStatus
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    PostProductionItemFactory,
    ProducerProfileFactory,
    ProjectCompanyFactory,
    StillFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


def make_film(call, title, *, still="ok", english_title=""):
    project = submitted_project(
        call=call,
        original_title=title,
        english_title=english_title,
        status=ProjectStatus.SELECTED,
    )
    ProducerProfileFactory(user=project.owner, contact_person="Paula Productora")
    ProjectCompanyFactory(project=project, name="Cine Sur Producciones", country="AR")
    DirectorFactory(
        project=project,
        name=f"Directora de {title}",
        photo=ContentFile(jpeg_bytes(400, 500), name="photo.jpg"),
    )
    PostProductionItemFactory(project=project)
    CutFactory(project=project, number=1)
    if still == "ok":
        StillFactory(
            project=project,
            web=ContentFile(jpeg_bytes(1600, 900), name="web.jpg"),
            large=ContentFile(jpeg_bytes(2400, 1350), name="large.jpg"),
        )
    elif still == "broken":
        StillFactory(
            project=project,
            web=ContentFile(b"not a jpeg", name="web.jpg"),
            large=ContentFile(b"not a jpeg either", name="large.jpg"),
        )
    elif still == "truncated":
        StillFactory(
            project=project,
            web=ContentFile(jpeg_bytes(1600, 900)[:-400], name="web.jpg"),
            large=ContentFile(jpeg_bytes(2400, 1350)[:-400], name="large.jpg"),
        )
    elif still == "processing":
        StillFactory(project=project, status=ProcessingStatus.PROCESSING)
    return project


def place(selection, session, projects, kind=PlacementKind.SELECTED):
    for position, project in enumerate(projects):
        Placement.objects.create(
            selection=selection, project=project, session=session, kind=kind, position=position
        )


@pytest.fixture
def sessions(edition):
    return [
        SessionFactory(
            edition=edition,
            city="Toulouse",
            starts_on=dt.date(edition.year, 3, 20),
            ends_on=dt.date(edition.year, 3, 22),
        ),
        SessionFactory(
            edition=edition,
            city="Lima",
            country="PE",
            venue="Centro Cultural PUCP",
            starts_on=dt.date(edition.year, 8, 10),
            ends_on=dt.date(edition.year, 8, 12),
        ),
    ]


@pytest.fixture
def selection(edition):
    return Selection.objects.create(edition=edition, locked_at=timezone.now())


@pytest.fixture
def films(edition, sessions, selection):
    """Three films in Toulouse (placed in another order than made), one on its waitlist,
    two in Lima."""
    call = CallFactory(edition=edition)
    toulouse, lima = sessions
    first = make_film(call, "Canción del niño", english_title="The Boy’s Song")
    second = make_film(call, "Coração de pedra")
    third = make_film(call, "Élodie et l’hiver")
    waiting = make_film(call, "Película en espera")
    place(selection, toulouse, [second, first, third])
    place(selection, toulouse, [waiting], kind=PlacementKind.WAITLIST)
    place(selection, lima, [make_film(call, "Ñandú"), make_film(call, "La última luz")])
    return {"toulouse": [second, first, third], "waiting": waiting}


def build(edition, session=None, *, by, capture):
    with capture(execute=True):
        dossier = dossiers.start_dossier(edition=edition, session=session, by=by)
    dossier.refresh_from_db()
    return dossier


def file_bytes(file) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


def stored_dossier_files(settings):
    folder = settings.MEDIA_ROOT / "dossiers"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def publish(session):
    now = timezone.now()
    return SessionPublication.objects.create(session=session, publish_at=now, published_at=now)


# --- Building ---------------------------------------------------------------------------


def test_start_refuses_a_selection_that_is_not_locked(edition, sessions, films, selection, staff):
    Selection.objects.filter(pk=selection.pk).update(locked_at=None)
    with pytest.raises(ValidationError) as error:
        dossiers.start_dossier(edition=edition, session=sessions[0], by=staff)
    assert error.value.code == "not_locked"
    assert Dossier.objects.count() == 0


def test_start_refuses_a_session_without_selected_films(edition, films, selection, staff):
    empty = SessionFactory(edition=edition, city="Guanajuato")
    with pytest.raises(ValidationError) as error:
        dossiers.start_dossier(edition=edition, session=empty, by=staff)
    assert error.value.code == "empty"
    assert Dossier.objects.count() == 0


def test_start_refuses_a_session_of_another_edition(edition, films, staff):
    other = SessionFactory(edition=EditionFactory())
    with pytest.raises(ValidationError):
        dossiers.start_dossier(edition=edition, session=other, by=staff)
    assert Dossier.objects.count() == 0


def test_a_session_dossier_is_built_on_commit_with_its_films_in_order(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    assert (dossier.status, dossier.progress, dossier.version) == (DossierStatus.READY, 100, 1)
    assert dossier.finished_at is not None
    assert dossier.warnings == []
    assert dossier.pages == 1 + 1 + 2 * 3
    pages = pdf_pages(file_bytes(dossier.pdf))
    assert len(pages) == dossier.pages
    assert "Toulouse" in pages[0]
    assert "Cinémathèque de Toulouse" in pages[0]
    contents = pages[1]
    assert contents.index("Coração de pedra") < contents.index("Canción del niño")
    assert contents.index("Canción del niño") < contents.index("Élodie et l’hiver")
    assert "Película en espera" not in "".join(pages)  # the waitlist is not in it
    assert "Ñandú" not in "".join(pages)  # another session
    song = pages[4]
    assert "Canción del niño" in song
    assert "The Boy’s Song" in song
    assert "A mother crosses the Andes to bring her son home." in song
    about = pages[5]
    assert "Directora de Canción del niño" in about
    assert "Paula Productora" in about
    assert "USD 450,000" in about  # the budget
    assert "USD 70,000" in about  # the financing still missing
    assert "Colour grading" in about
    image = render_page(file_bytes(dossier.pdf), 4)
    assert image.getpixel((image.width // 2, 70)) != (255, 255, 255)


def test_the_files_have_random_names(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    for file in (dossier.pdf, dossier.archive):
        assert re.fullmatch(r"dossiers/[0-9a-f]{32}\.(pdf|zip)", file.name), file.name


def test_the_zip_holds_the_pdf_and_the_full_size_stills_named_by_title(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    stem = dossiers.download_stem(dossier)
    with zipfile.ZipFile(io.BytesIO(file_bytes(dossier.archive))) as archive:
        names = archive.namelist()
        assert names == [
            f"{stem}/{stem}.pdf",
            f"{stem}/stills/01 Coração de pedra.jpg",
            f"{stem}/stills/02 Canción del niño.jpg",
            f"{stem}/stills/03 Élodie et l’hiver.jpg",
        ]
        assert archive.read(names[0]) == file_bytes(dossier.pdf)
        still = films["toulouse"][0].stills.get()
        assert archive.read(names[1]) == file_bytes(still.large)


def test_the_edition_catalogue_has_every_session_in_turn(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, None, by=staff, capture=django_capture_on_commit_callbacks)
    assert dossier.session is None
    assert dossier.pages == 1 + 1 + 2 * 5
    pages = pdf_pages(file_bytes(dossier.pdf))
    assert "Catalogue of the selection" in pages[0]
    contents = pages[1]
    assert contents.index("Toulouse") < contents.index("Coração de pedra")
    assert contents.index("Élodie et l’hiver") < contents.index("Lima") < contents.index("Ñandú")
    assert "Película en espera" not in "".join(pages)
    with zipfile.ZipFile(io.BytesIO(file_bytes(dossier.archive))) as archive:
        stills = [name.split("/", 2)[2] for name in archive.namelist()[1:]]
    assert stills == [
        "Toulouse/01 Coração de pedra.jpg",
        "Toulouse/02 Canción del niño.jpg",
        "Toulouse/03 Élodie et l’hiver.jpg",
        "Lima/04 Ñandú.jpg",
        "Lima/05 La última luz.jpg",
    ]


def test_versions_count_per_scope(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert build(edition, sessions[0], by=staff, capture=capture).version == 1
    assert build(edition, sessions[0], by=staff, capture=capture).version == 2
    assert build(edition, None, by=staff, capture=capture).version == 1
    assert build(edition, sessions[1], by=staff, capture=capture).version == 1
    latest = dossiers.latest_ready(edition, sessions[0])
    assert latest.version == 2


def test_missing_broken_and_unprocessed_stills_get_a_placeholder_and_a_warning(
    edition, sessions, selection, staff, django_capture_on_commit_callbacks
):
    call = CallFactory(edition=edition)
    projects = [
        make_film(call, "Sin foto", still=None),
        make_film(call, "Foto rota", still="broken"),
        make_film(call, "Foto en proceso", still="processing"),
        make_film(call, "Foto cortada", still="truncated"),
        make_film(call, "Con foto"),
    ]
    place(selection, sessions[0], projects)
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    assert dossier.status == DossierStatus.READY
    assert dossier.pages == 1 + 1 + 2 * 5
    assert [(w["code"], w["title"]) for w in dossier.warnings] == [
        ("still_missing", "Sin foto"),
        ("still_broken", "Foto rota"),
        ("still_processing", "Foto en proceso"),
        ("still_broken", "Foto cortada"),
    ]
    assert dossiers.warning_messages(dossier)[0] == (
        "“Sin foto” has no still: a placeholder is printed instead."
    )
    pages = pdf_pages(file_bytes(dossier.pdf))
    for index in range(4):
        assert "No still available" in pages[2 + 2 * index]
    assert "No still available" not in pages[2 + 2 * 4]
    with zipfile.ZipFile(io.BytesIO(file_bytes(dossier.archive))) as archive:
        assert [name.rsplit("/", 1)[1] for name in archive.namelist()[1:]] == ["05 Con foto.jpg"]


def test_a_broken_director_photo_is_left_out_with_a_warning(
    edition, sessions, selection, staff, django_capture_on_commit_callbacks
):
    project = make_film(CallFactory(edition=edition), "Retrato")
    project.directors.update(photo="directors/missing.jpg")
    place(selection, sessions[0], [project])
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    assert dossier.status == DossierStatus.READY
    assert dossier.warnings == [
        {"code": "photo_broken", "title": "Retrato", "name": "Directora de Retrato"}
    ]


def test_a_failed_build_keeps_the_previous_version_and_removes_its_files(
    edition, sessions, films, staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from reportlab.platypus.doctemplate import LayoutError

    capture = django_capture_on_commit_callbacks
    first = build(edition, sessions[0], by=staff, capture=capture)
    files_before = stored_dossier_files(settings)

    def broken_layout(catalogue, output, *, progress=None, work_dir=None):
        raise LayoutError("Flowable too large on page 3")

    monkeypatch.setattr(dossier_pdf, "write_dossier", broken_layout)
    failed = build(edition, sessions[0], by=staff, capture=capture)
    assert failed.status == DossierStatus.FAILED
    assert failed.error == "LayoutError: Flowable too large on page 3"
    assert failed.finished_at is not None
    assert not failed.pdf and not failed.archive
    assert dossiers.latest_ready(edition, sessions[0]) == first
    assert stored_dossier_files(settings) == files_before
    first.refresh_from_db()
    assert (first.status, first.pdf.name) == (DossierStatus.READY, first.pdf.name)


def test_a_build_failing_after_its_pdf_is_saved_removes_the_pdf(
    edition, sessions, films, staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = build(edition, sessions[0], by=staff, capture=capture)
    files_before = stored_dossier_files(settings)

    def disk_full(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    failed = build(edition, sessions[0], by=staff, capture=capture)
    assert failed.status == DossierStatus.FAILED
    assert "No space left on device" in failed.error
    assert stored_dossier_files(settings) == files_before
    assert dossiers.latest_ready(edition, sessions[0]) == first


def test_building_twice_builds_once(
    edition, sessions, films, staff, settings, django_capture_on_commit_callbacks
):
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    names = (dossier.pdf.name, dossier.archive.name)
    assert dossiers.build_dossier(dossier_id=dossier.pk) == DossierStatus.READY
    assert task_build_dossier(dossier_id=dossier.pk) == DossierStatus.READY
    dossier.refresh_from_db()
    assert (dossier.pdf.name, dossier.archive.name) == names
    assert len(stored_dossier_files(settings)) == 2


def test_a_build_another_worker_is_running_is_left_to_it(edition, sessions, films, staff, settings):
    dossier = Dossier.objects.create(
        edition=edition, session=sessions[0], version=1, status=DossierStatus.BUILDING
    )
    assert dossiers.build_dossier(dossier_id=dossier.pk) == DossierStatus.BUILDING
    dossier.refresh_from_db()
    assert (dossier.status, dossier.pdf.name) == (DossierStatus.BUILDING, "")
    assert stored_dossier_files(settings) == []


def test_a_build_interrupted_long_ago_is_claimed_again(edition, sessions, films, staff):
    dossier = Dossier.objects.create(
        edition=edition, session=sessions[0], version=1, status=DossierStatus.BUILDING
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        created_at=timezone.now() - dossiers.STALE_AFTER - dt.timedelta(seconds=1)
    )
    assert dossiers.build_dossier(dossier_id=dossier.pk) == DossierStatus.READY


def test_the_task_returns_quietly_when_the_dossier_is_gone():
    assert task_build_dossier(dossier_id=987654) == "missing"


def test_progress_is_written_as_the_build_goes(edition, sessions, films, staff):
    dossier = Dossier.objects.create(edition=edition, session=sessions[0], version=1)
    with CaptureQueriesContext(connection) as queries:
        dossiers.build_dossier(dossier_id=dossier.pk)
    written = [
        int(value)
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "juries_dossier"')
        for value in re.findall(r'"progress" = (\d+)', query["sql"])
    ]
    assert written[0] == 0  # claimed
    assert written[-1] == 100  # ready
    steps = written[1:-1]
    assert len(steps) >= 5
    assert steps == sorted(steps)
    assert all(0 < step < 100 for step in steps)


def test_a_second_build_cannot_start_while_one_runs(edition, sessions, films, staff):
    with pytest.raises(ValidationError) as error:
        # Not committed: the first stays queued.
        dossiers.start_dossier(edition=edition, session=sessions[0], by=staff)
        dossiers.start_dossier(edition=edition, session=sessions[0], by=staff)
    assert error.value.code == "running"


def test_a_build_started_long_ago_is_given_up_when_another_starts(edition, sessions, films, staff):
    old = Dossier.objects.create(edition=edition, session=sessions[0], version=1)
    Dossier.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dossiers.STALE_AFTER - dt.timedelta(minutes=1)
    )
    new = dossiers.start_dossier(edition=edition, session=sessions[0], by=staff)
    old.refresh_from_db()
    assert old.status == DossierStatus.FAILED
    assert new.version == 2


def test_a_dossier_is_drawn_in_the_language_of_who_started_it(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    staff.language = "es"
    staff.save(update_fields=["language"])
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    about = pdf_pages(file_bytes(dossier.pdf))[3]
    assert "Corrección de color" in about
    assert "Colour grading" not in about


def test_staff_choose_the_language_of_the_catalogue(
    edition, sessions, films, staff, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
            {"session": sessions[0].pk, "language": "es"},
        )
    dossier = Dossier.objects.get()
    assert dossier.language == "es"
    assert staff.language == "en"
    about = pdf_pages(file_bytes(dossier.pdf))[3]
    assert "Corrección de color" in about


def test_an_unknown_catalogue_language_is_refused(edition, sessions, films, staff_client):
    response = staff_client.post(
        reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
        {"session": sessions[0].pk, "language": "xx"},
        follow=True,
    )
    assert not Dossier.objects.exists()
    assert "xx" in response.content.decode()  # "Select a valid choice. xx is not one…"


# --- Public -----------------------------------------------------------------------------


def test_a_dossier_is_made_public_only_once_its_session_is_published(
    client, edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)
    url = reverse("juries:dossier_public_session", args=[sessions[0].pk, "pdf"])
    with pytest.raises(ValidationError) as error:
        dossiers.make_public(dossier=dossier, by=staff)
    assert error.value.code == "not_published"
    SessionPublication.objects.create(session=sessions[0], publish_at=timezone.now())
    with pytest.raises(ValidationError):
        dossiers.make_public(dossier=dossier, by=staff)  # announced, not yet out
    assert client.get(url).status_code == 404
    SessionPublication.objects.filter(session=sessions[0]).update(published_at=timezone.now())
    dossiers.make_public(dossier=dossier, by=staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == file_bytes(dossier.pdf)
    dossiers.make_private(dossier=dossier, by=staff)
    assert client.get(url).status_code == 404


def test_only_one_version_of_a_scope_is_public(
    edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    publish(sessions[0])
    first = build(edition, sessions[0], by=staff, capture=capture)
    second = build(edition, sessions[0], by=staff, capture=capture)
    dossiers.make_public(dossier=first, by=staff)
    dossiers.make_public(dossier=second, by=staff)
    first.refresh_from_db()
    assert (first.is_public, Dossier.objects.get(pk=second.pk).is_public) == (False, True)
    assert dossiers.public_dossier(edition, sessions[0]) == second


def test_the_edition_catalogue_is_public_once_every_session_is_published(
    client, edition, sessions, films, staff, django_capture_on_commit_callbacks
):
    dossier = build(edition, None, by=staff, capture=django_capture_on_commit_callbacks)
    publish(sessions[0])
    with pytest.raises(ValidationError):
        dossiers.make_public(dossier=dossier, by=staff)
    publish(sessions[1])
    dossiers.make_public(dossier=dossier, by=staff)
    response = client.get(reverse("juries:dossier_public_edition", args=[edition.pk, "zip"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_version_not_ready_cannot_be_public(edition, sessions, films, staff):
    publish(sessions[0])
    dossier = Dossier.objects.create(edition=edition, session=sessions[0], version=1)
    with pytest.raises(ValidationError) as error:
        dossiers.make_public(dossier=dossier, by=staff)
    assert error.value.code == "not_ready"


# --- Links for guests -------------------------------------------------------------------


@pytest.fixture
def ready(edition, sessions, films, staff, django_capture_on_commit_callbacks):
    return build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)


def test_a_link_stores_only_the_hash_of_its_secret(edition, sessions, staff):
    expires = timezone.now() + dt.timedelta(days=7)
    link, token = dossiers.create_link(
        edition=edition,
        session=sessions[0],
        label=" Agente de ventas ",
        expires_at=expires,
        by=staff,
    )
    link.refresh_from_db()
    assert link.label == "Agente de ventas"
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(DossierLink.objects.values()))
    assert dossiers.link_for_token(token) == link


def test_a_link_refuses_an_expiry_in_the_past_or_too_far(edition, staff):
    for expires in (timezone.now(), timezone.now() + dt.timedelta(days=400)):
        with pytest.raises(ValidationError):
            dossiers.create_link(edition=edition, label="Guest", expires_at=expires, by=staff)
    assert DossierLink.objects.count() == 0


def test_a_link_expires_at_its_exact_second(edition, staff):
    expires = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    link, token = dossiers.create_link(edition=edition, label="Guest", expires_at=expires, by=staff)
    assert dossiers.link_for_token(token, moment=expires - dt.timedelta(microseconds=1)) == link
    assert dossiers.link_for_token(token, moment=expires) is None


def test_a_guest_downloads_the_latest_ready_version_and_it_is_counted(
    client, edition, sessions, staff, ready
):
    _link, token = dossiers.create_link(
        edition=edition,
        session=sessions[0],
        label="Sales agent",
        expires_at=timezone.now() + dt.timedelta(days=3),
        by=staff,
    )
    page = client.get(reverse("juries:dossier_guest", args=[token]))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    content = page.content.decode()
    assert reverse("juries:dossier_guest_file", args=[token, "pdf"]) in content
    assert reverse("juries:dossier_guest_file", args=[token, "zip"]) in content
    response = client.get(reverse("juries:dossier_guest_file", args=[token, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{dossiers.download_stem(ready)}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == file_bytes(ready.pdf)
    b"".join(
        client.get(reverse("juries:dossier_guest_file", args=[token, "zip"])).streaming_content
    )
    assert DossierLink.objects.get().downloads == 2


def test_staff_trying_a_guest_link_are_not_counted(client, edition, sessions, staff, ready):
    link, token = dossiers.create_link(
        edition=edition,
        session=sessions[0],
        label="Sales agent",
        expires_at=timezone.now() + dt.timedelta(days=3),
        by=staff,
    )
    client.force_login(staff)
    response = client.get(reverse("juries:dossier_guest_file", args=[token, "pdf"]))
    assert b"".join(response.streaming_content) == file_bytes(ready.pdf)
    link.refresh_from_db()
    assert link.downloads == 0


def test_a_guest_link_to_a_dossier_not_built_yet_says_so(client, edition, sessions, staff):
    _link, token = dossiers.create_link(
        edition=edition,
        session=sessions[0],
        label="Guest",
        expires_at=timezone.now() + dt.timedelta(days=3),
        by=staff,
    )
    page = client.get(reverse("juries:dossier_guest", args=[token]))
    assert page.status_code == 200
    assert "being prepared" in page.content.decode()
    assert client.get(reverse("juries:dossier_guest_file", args=[token, "pdf"])).status_code == 404
    assert DossierLink.objects.get().downloads == 0


def test_unknown_expired_and_revoked_links_answer_404(
    client, edition, sessions, staff, ready, monkeypatch
):
    expires = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    link, token = dossiers.create_link(
        edition=edition, session=sessions[0], label="Guest", expires_at=expires, by=staff
    )
    urls = [
        reverse("juries:dossier_guest", args=[token]),
        reverse("juries:dossier_guest_file", args=[token, "pdf"]),
        reverse("juries:dossier_guest_file", args=[token, "zip"]),
    ]
    for url in urls:
        assert client.get(url.replace(token, "x" + token[1:])).status_code == 404
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: expires)
    for url in urls:
        assert client.get(url).status_code == 404, url
    monkeypatch.setattr(timezone, "now", real_now)
    assert client.get(urls[0]).status_code == 200
    dossiers.revoke_link(link=link, by=staff)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert DossierLink.objects.get().downloads == 0


# --- Staff pages ------------------------------------------------------------------------


@pytest.fixture
def objects(edition, sessions, films, staff, ready):
    link, _token = dossiers.create_link(
        edition=edition,
        session=sessions[0],
        label="Agente",
        expires_at=timezone.now() + dt.timedelta(days=3),
        by=staff,
    )
    return edition, ready, link


def page_urls(edition, dossier, link):
    return [
        reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_dossier_status", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "pdf"}),
        reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "zip"}),
    ]


def action_urls(edition, dossier, link):
    return [
        reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_dossier_link_create", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_dossier_public", kwargs={"pk": dossier.pk}),
        reverse("juries:staff_dossier_private", kwargs={"pk": dossier.pk}),
        reverse("juries:staff_dossier_link_revoke", kwargs={"pk": link.pk}),
    ]


def snapshot():
    return (
        list(Dossier.objects.values_list("pk", "status", "is_public", "version")),
        list(DossierLink.objects.values_list("pk", "revoked_at", "downloads")),
    )


def test_anonymous_people_are_sent_to_sign_in(client, objects):
    for url in page_urls(*objects):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_producers_and_jurors_get_403_and_change_nothing(client, objects, producer, juror):
    before = snapshot()
    for user in (producer, juror):
        client.force_login(user)
        for url in page_urls(*objects):
            assert client.get(url).status_code == 403, url
        for url in action_urls(*objects):
            response = client.post(url, {"session": "", "label": "x", "days": "3"})
            assert response.status_code == 403, url
    assert snapshot() == before


def test_staff_of_another_programme_get_404_and_change_nothing(client, objects, other_staff):
    before = snapshot()
    client.force_login(other_staff)
    for url in page_urls(*objects):
        assert client.get(url).status_code == 404, url
    for url in action_urls(*objects):
        assert client.post(url, {"session": "", "label": "x", "days": "3"}).status_code == 404
    assert snapshot() == before


def test_action_addresses_refuse_get(staff_client, objects):
    before = snapshot()
    for url in action_urls(*objects):
        assert staff_client.get(url).status_code == 405, url
    assert snapshot() == before


def test_posts_without_the_csrf_token_are_refused(objects, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = snapshot()
    for url in action_urls(*objects):
        assert client.post(url, {"session": "", "label": "x", "days": "3"}).status_code == 403
    assert snapshot() == before


def test_the_staff_page_lists_every_scope_with_its_versions(staff_client, objects, sessions):
    edition, dossier, _link = objects
    response = staff_client.get(reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk}))
    content = response.content.decode()
    for text in ("Catalogue of the selection", "Toulouse", "Lima", "Agente", "v1", "Ready"):
        assert text in content, text
    assert reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "pdf"}) in content
    assert reverse("juries:staff_dossier_link_revoke", kwargs={"pk": _link.pk}) in content
    assert 'data-dossier-status-url="' in content
    assert "Make public" not in content  # nothing is published yet


def test_the_staff_page_shows_warnings_and_failures(staff_client, edition, sessions, films, staff):
    Dossier.objects.create(
        edition=edition,
        session=sessions[0],
        version=1,
        status=DossierStatus.FAILED,
        error="LayoutError: too large",
    )
    Dossier.objects.create(
        edition=edition,
        session=sessions[1],
        version=1,
        status=DossierStatus.READY,
        warnings=[{"code": "still_missing", "title": "Ñandú"}],
    )
    content = staff_client.get(
        reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert "LayoutError: too large" in content
    assert "has no still: a placeholder is printed instead." in content


def test_the_staff_page_makes_the_same_queries_whatever_the_amounts(
    staff_client, edition, sessions, films, staff
):
    url = reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk})

    def add(count):
        for _ in range(count):
            for session in [None, *sessions]:
                scope = Dossier.objects.filter(edition=edition, session=session)
                Dossier.objects.create(
                    edition=edition,
                    session=session,
                    version=scope.count() + 1,
                    status=DossierStatus.READY,
                    warnings=[{"code": "still_missing", "title": "X"}],
                    started_by=staff,
                )
                dossiers.create_link(
                    edition=edition,
                    session=session,
                    label="Guest",
                    expires_at=timezone.now() + dt.timedelta(days=1),
                    by=staff,
                )

    add(1)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    add(3)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(url).status_code == 200
    assert len(large) == len(small)


def test_staff_start_a_build_from_the_page(
    staff_client, edition, sessions, films, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
            {"session": sessions[1].pk},
        )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.session, dossier.status) == (sessions[1], DossierStatus.READY)
    page = staff_client.get(response["Location"]).content.decode()
    assert "Version 1 of the dossier of Lima is on its way." in page


def test_starting_before_the_lock_shows_the_reason(
    staff_client, edition, sessions, films, selection
):
    Selection.objects.filter(pk=selection.pk).update(locked_at=None)
    response = staff_client.post(
        reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
        {"session": ""},
        follow=True,
    )
    assert "Lock the selection before building its dossier" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_starting_with_a_session_of_another_edition_changes_nothing(staff_client, edition, films):
    other = SessionFactory(edition=EditionFactory())
    response = staff_client.post(
        reverse("juries:staff_dossier_start", kwargs={"edition_pk": edition.pk}),
        {"session": other.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_the_status_address_reports_progress_of_this_editions_builds(
    staff_client, edition, sessions, films
):
    dossier = Dossier.objects.create(
        edition=edition, session=sessions[0], version=1, status=DossierStatus.BUILDING, progress=45
    )
    elsewhere = Dossier.objects.create(edition=EditionFactory(), version=1)
    response = staff_client.get(
        reverse("juries:staff_dossier_status", kwargs={"edition_pk": edition.pk}),
        {"id": [dossier.pk, elsewhere.pk, "nonsense"]},
    )
    assert response.json() == {
        "dossiers": [
            {
                "id": dossier.pk,
                "status": "building",
                "label": "Being built",
                "progress": 45,
                "running": True,
            }
        ]
    }


def test_the_page_marks_a_running_build_for_the_script(staff_client, edition, sessions, films):
    dossier = Dossier.objects.create(
        edition=edition, session=sessions[0], version=1, status=DossierStatus.BUILDING, progress=45
    )
    content = staff_client.get(
        reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert f'data-dossier="{dossier.pk}" data-dossier-running' in content
    assert 'value="45"' in content
    assert "<script>" not in content and 'style="' not in content


def test_staff_download_a_version_as_an_attachment(staff_client, objects):
    _edition, dossier, _link = objects
    response = staff_client.get(
        reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "zip"})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{dossiers.download_stem(dossier)}.zip"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"PK"
    wrong = reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "exe"})
    assert staff_client.get(wrong).status_code == 404


def test_a_version_not_ready_has_nothing_to_download(staff_client, edition, sessions, films):
    dossier = Dossier.objects.create(edition=edition, session=sessions[0], version=1)
    url = reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": "pdf"})
    assert staff_client.get(url).status_code == 404


def test_staff_make_a_published_sessions_dossier_public_and_private(
    staff_client, objects, sessions
):
    edition, dossier, _link = objects
    url = reverse("juries:staff_dossier_public", kwargs={"pk": dossier.pk})
    response = staff_client.post(url, follow=True)
    assert "not published yet" in response.content.decode()
    assert not Dossier.objects.get(pk=dossier.pk).is_public
    publish(sessions[0])
    staff_client.post(url)
    assert Dossier.objects.get(pk=dossier.pk).is_public
    content = staff_client.get(
        reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert reverse("juries:dossier_public_session", args=[sessions[0].pk, "pdf"]) in content
    staff_client.post(reverse("juries:staff_dossier_private", kwargs={"pk": dossier.pk}))
    assert not Dossier.objects.get(pk=dossier.pk).is_public


def test_a_new_link_is_shown_once(staff_client, edition, sessions, ready):
    url = reverse("juries:staff_dossier_link_create", kwargs={"edition_pk": edition.pk})
    response = staff_client.post(url, {"session": sessions[0].pk, "label": "Agente", "days": "10"})
    # Post, redirect, get: reloading the page that shows the link creates nothing.
    assert response.status_code == 302
    response = staff_client.get(response["Location"])
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    link_url = re.search(r'id="new-link" type="text" readonly value="([^"]+)"', content).group(1)
    token = link_url.rstrip("/").rsplit("/", 1)[1]
    link = DossierLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.session == sessions[0]
    assert abs(link.expires_at - (timezone.now() + dt.timedelta(days=10))) < dt.timedelta(minutes=1)
    assert link_url.startswith("http://testserver/")
    again = staff_client.get(reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk}))
    assert token not in again.content.decode()
    assert DossierLink.objects.count() == 1
    assert Client().get(link_url.removeprefix("http://testserver")).status_code == 200


def test_a_link_with_bad_input_keeps_what_was_typed(staff_client, edition, sessions):
    url = reverse("juries:staff_dossier_link_create", kwargs={"edition_pk": edition.pk})
    response = staff_client.post(url, {"session": sessions[0].pk, "label": "Agente", "days": "0"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in content
    assert 'value="Agente"' in content
    response = staff_client.post(url, {"session": "", "label": "", "days": "5"})
    assert "This field is required." in response.content.decode()
    assert DossierLink.objects.count() == 0


def test_staff_revoke_a_link(staff_client, objects):
    _edition, _dossier, link = objects
    staff_client.post(reverse("juries:staff_dossier_link_revoke", kwargs={"pk": link.pk}))
    assert DossierLink.objects.get().revoked_at is not None


def test_the_selection_page_links_to_the_dossiers(staff_client, edition):
    content = staff_client.get(
        reverse("juries:staff_selection", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert reverse("juries:staff_dossiers", kwargs={"edition_pk": edition.pk}) in content


def test_a_build_removes_the_working_folders_killed_workers_left(
    edition, sessions, films, staff, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker killed in the middle of a build leaves its temporary folder; the next
    build removes those older than any build can run, and leaves recent ones alone."""
    import os
    import tempfile
    import time

    from juries import builds

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    abandoned = tmp_path / "wip-dossier-abandoned"
    (abandoned / "pdf-x").mkdir(parents=True)
    (abandoned / "pdf-x" / "still.jpg").write_bytes(b"x" * 100)
    old = time.time() - builds.ABANDONED_AFTER.total_seconds() - 60
    os.utime(abandoned, (old, old))
    running = tmp_path / "wip-export-running"
    running.mkdir()
    elsewhere = tmp_path / "someone-else"
    elsewhere.mkdir()
    os.utime(elsewhere, (old, old))

    dossier = build(edition, sessions[0], by=staff, capture=django_capture_on_commit_callbacks)

    assert dossier.status == "ready"
    assert not abandoned.exists()
    assert running.exists() and elsewhere.exists()
    assert [path.name for path in tmp_path.glob("wip-dossier-*")] == []
