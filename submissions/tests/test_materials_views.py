"""The materials step: stills, director photos and documents, uploaded and deleted through
the views, and every refusal with the database and the storage unchanged."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editions.models import Material
from submissions import uploads
from submissions.images import process_still
from submissions.models import Director, Document, ProcessingStatus, ProjectStatus, Still
from submissions.tests.factories import (
    PDF_BYTES,
    CutFactory,
    DirectorFactory,
    DocumentFactory,
    ProjectFactory,
    StillFactory,
    jpeg_bytes,
)
from submissions.tests.test_uploads import image_bytes, png_claiming, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, producer):
    return ProjectFactory(call=call, owner=producer)


@pytest.fixture
def submitted(call, producer):
    return ProjectFactory(
        call=call, owner=producer, status=ProjectStatus.SUBMITTED, submitted_at=timezone.now()
    )


@pytest.fixture
def other_client(client, db):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(email="other-producer@example.org"))
    return client


def url(name, pk):
    return reverse(f"submissions:{name}", kwargs={"pk": pk})


def stored(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def post_stills(client, project, *files, **data):
    return client.post(url("still_upload", project.pk), {"images": list(files), **data})


# --- The page -----------------------------------------------------------------------------


def test_materials_page_shows_everything(producer_client, draft):
    still = process_still(StillFactory(project=draft, caption="The mother at the border"))
    StillFactory(project=draft, status=ProcessingStatus.PROCESSING)
    director = DirectorFactory(project=draft, name="Ana Quispe")
    DocumentFactory(project=draft, kind=Material.CHAIN_OF_TITLE, original_name="derechos.pdf")
    CutFactory(project=draft, number=1, runtime=80)
    CutFactory(project=draft, number=2, runtime=88)
    response = producer_client.get(url("materials", draft.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 of 6 stills" in content
    assert reverse("submissions:still_file", args=[still.pk, "thumb"]) in content
    assert "The mother at the border" in content
    assert "Processing" in content
    assert reverse("submissions:still_upload", args=[draft.pk]) in content
    assert 'type="file" name="images"' in content and "multiple" in content
    assert "Ana Quispe" in content
    assert reverse("submissions:director_photo", args=[director.pk]) in content
    assert "derechos.pdf" in content
    # The budget (required by the call) comes before the optional documents.
    assert content.index("Budget (PDF)") < content.index("Chain of title (PDF)")
    assert content.index("Cut 2") < content.index("Cut 1")
    assert content.count("Current cut") == 1
    assert reverse("submissions:cut_add", args=[draft.pk]) in content


def test_materials_page_after_submission_offers_only_a_new_cut(client, submitted, producer):
    still = StillFactory(project=submitted)
    cut = CutFactory(project=submitted, number=1)
    client.force_login(producer)
    content = client.get(url("materials", submitted.pk)).content.decode()
    assert reverse("submissions:still_delete", args=[still.pk]) not in content
    assert reverse("submissions:still_upload", args=[submitted.pk]) not in content
    assert reverse("submissions:cut_edit", args=[cut.pk]) not in content
    assert reverse("submissions:cut_add", args=[submitted.pk]) in content


def test_materials_page_other_producer_404(other_client, draft):
    assert other_client.get(url("materials", draft.pk)).status_code == 404


def test_materials_page_anonymous_sent_to_sign_in(client, draft):
    response = client.get(url("materials", draft.pk))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_materials_page_query_count_same_at_two_sizes(client, call):
    counts = []
    for size in (1, 5):
        project = ProjectFactory(call=call)
        for _ in range(size):
            StillFactory(project=project)
            DirectorFactory(project=project)
            CutFactory(project=project)
        DocumentFactory(project=project, kind=Material.BUDGET)
        client.force_login(project.owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("materials", project.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Stills -------------------------------------------------------------------------------


def test_still_upload_several_stored_and_processed(
    producer_client, draft, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stills(
            producer_client,
            draft,
            upload(jpeg_bytes(1600, 900), "one.jpg"),
            upload(image_bytes(2000, 1400, "PNG"), "two.png", "image/png"),
            caption="Night scene",
        )
    assert response.status_code == 302
    assert response["Location"] == url("materials", draft.pk) + "#stills"
    stills = list(draft.stills.order_by("position"))
    assert [(s.width, s.height, s.caption, s.position) for s in stills] == [
        (1600, 900, "Night scene", 0),
        (2000, 1400, "Night scene", 1),
    ]
    assert all(s.status == ProcessingStatus.READY for s in stills)
    assert all(s.web and s.thumbnail and s.large for s in stills)
    assert len(stored(settings)) == 8
    assert messages_of(response) == [
        "2 stills uploaded. Their web and print versions are being made."
    ]


HOSTILE = {
    "text renamed .jpg": (b"Dear festival, here are my notes.\n" * 30, "still.jpg", "not an image"),
    "truncated jpeg": (jpeg_bytes(1600, 900)[:3000], "still.jpg", "not an image"),
    "decompression bomb": (png_claiming(20000, 20000), "bomb.png", "too many pixels"),
    "bomb in warning range": (png_claiming(10000, 9500), "bomb.png", "too many pixels"),
    "4-pixel image": (image_bytes(2, 2, "PNG"), "tiny.png", "2 × 2 pixels"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_still_upload_hostile_file_refused(producer_client, draft, settings, case):
    content, name, message = HOSTILE[case]
    response = post_stills(producer_client, draft, upload(content, name))
    assert response.status_code == 200
    errors = field_errors(response, "images")
    assert len(errors) == 1
    assert name in errors[0] and message in errors[0]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_over_size_limit_refused(producer_client, draft, settings, monkeypatch):
    monkeypatch.setattr(uploads, "STILL_MAX_BYTES", 10_000)
    response = post_stills(producer_client, draft, upload(jpeg_bytes(1600, 900)))
    assert response.status_code == 200
    assert "the limit is 9.8" in field_errors(response, "images")[0]
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_60_mb_refused(producer_client, draft, settings):
    big = upload(b"\xff\xd8" + b"\0" * (60 * 1024 * 1024), "huge.jpg")
    response = post_stills(producer_client, draft, big)
    assert response.status_code == 200
    assert "the limit is 30.0" in field_errors(response, "images")[0]
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_whole_request_over_limit_refused_unread(
    producer_client, call, producer, settings, monkeypatch
):
    call.max_stills = 1
    call.save()
    project = ProjectFactory(call=call, owner=producer)
    monkeypatch.setattr(uploads, "STILL_MAX_BYTES", 5_000)
    monkeypatch.setattr(uploads, "REQUEST_OVERHEAD_BYTES", 0)
    response = post_stills(producer_client, project, upload(jpeg_bytes(1600, 900)))
    assert response.status_code == 413
    assert "at most 4.9" in field_errors(response, "images")[0]
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_one_bad_file_saves_none(producer_client, draft, settings):
    response = post_stills(
        producer_client,
        draft,
        upload(jpeg_bytes(), "good.jpg"),
        upload(b"<html></html>", "bad.jpg"),
    )
    errors = field_errors(response, "images")
    assert len(errors) == 1 and "bad.jpg" in errors[0]
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_over_call_maximum_refused(producer_client, call, producer, settings):
    call.max_stills = 2
    call.save()
    project = ProjectFactory(call=call, owner=producer)
    StillFactory(project=project)
    before = stored(settings)
    response = post_stills(producer_client, project, upload(jpeg_bytes()), upload(jpeg_bytes()))
    assert response.status_code == 200
    assert field_errors(response, "images") == [
        "The call accepts at most 2 stills; this project has 1, so you can add 1 more."
    ]
    assert project.stills.count() == 1
    assert stored(settings) == before


def test_still_upload_without_file_asks_for_one(producer_client, draft):
    response = producer_client.post(url("still_upload", draft.pk), {"caption": "kept"})
    assert field_errors(response, "images") == ["This field is required."]
    assert response.context["form"]["caption"].value() == "kept"


def test_still_upload_after_submission_refused(client, producer, submitted, settings):
    client.force_login(producer)
    response = post_stills(client, submitted, upload(jpeg_bytes()))
    assert response.status_code == 302
    assert response["Location"] == url("materials", submitted.pk) + "#stills"
    assert "can no longer be changed" in messages_of(response)[0]
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_other_producer_404(other_client, draft, settings):
    response = post_stills(other_client, draft, upload(jpeg_bytes()))
    assert response.status_code == 404
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_other_staff_404(client, other_staff, draft):
    client.force_login(other_staff)
    assert post_stills(client, draft, upload(jpeg_bytes())).status_code == 404
    assert not Still.objects.exists()


def test_still_upload_juror_404(client, juror, draft):
    client.force_login(juror)
    assert post_stills(client, draft, upload(jpeg_bytes())).status_code == 404
    assert not Still.objects.exists()


def test_still_upload_staff_after_submission_allowed(
    staff_client, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stills(staff_client, submitted, upload(jpeg_bytes()))
    assert response.status_code == 302
    assert response["Location"] == url("staff_project", submitted.pk) + "#stills"
    assert submitted.stills.get().status == ProcessingStatus.READY


def test_still_upload_page_renders(producer_client, draft):
    response = producer_client.get(url("still_upload", draft.pk))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_still_delete_confirms_then_deletes(
    producer_client, draft, settings, django_capture_on_commit_callbacks
):
    still = StillFactory(project=draft)
    confirm = producer_client.get(url("still_delete", still.pk))
    assert confirm.status_code == 200
    assert Still.objects.filter(pk=still.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = producer_client.post(url("still_delete", still.pk))
    assert response.status_code == 302
    assert not Still.objects.filter(pk=still.pk).exists()
    assert stored(settings) == []


def test_still_delete_after_submission_refused(client, producer, submitted, settings):
    still = StillFactory(project=submitted)
    client.force_login(producer)
    response = client.post(url("still_delete", still.pk))
    assert response.status_code == 302
    assert "can no longer be changed" in messages_of(response)[0]
    assert Still.objects.filter(pk=still.pk).exists()
    assert len(stored(settings)) == 1


def test_still_delete_other_producer_404(other_client, draft):
    still = StillFactory(project=draft)
    assert other_client.post(url("still_delete", still.pk)).status_code == 404
    assert Still.objects.filter(pk=still.pk).exists()


# --- Director photos ----------------------------------------------------------------------


def test_director_photo_saved(producer_client, draft, django_capture_on_commit_callbacks):
    director = DirectorFactory(project=draft)
    with django_capture_on_commit_callbacks(execute=True):
        response = producer_client.post(
            url("director_photo", director.pk), {"photo": upload(jpeg_bytes(800, 1000))}
        )
    assert response.status_code == 302
    assert response["Location"] == url("materials", draft.pk) + "#directors"
    director.refresh_from_db()
    assert director.photo.name.startswith("directors/") and director.photo.name.endswith(".jpg")


def test_director_photo_too_small_refused(producer_client, draft, settings):
    director = DirectorFactory(project=draft)
    response = producer_client.post(
        url("director_photo", director.pk), {"photo": upload(jpeg_bytes(300, 300))}
    )
    assert "at least 400 pixels" in field_errors(response, "photo")[0]
    director.refresh_from_db()
    assert not director.photo
    assert stored(settings) == []


def test_director_photo_after_submission_refused(client, producer, submitted, settings):
    director = DirectorFactory(project=submitted)
    client.force_login(producer)
    response = client.post(url("director_photo", director.pk), {"photo": upload(jpeg_bytes())})
    assert response.status_code == 302
    assert not Director.objects.get(pk=director.pk).photo
    assert stored(settings) == []


def test_director_photo_other_producer_404(other_client, draft):
    director = DirectorFactory(project=draft)
    response = other_client.post(
        url("director_photo", director.pk), {"photo": upload(jpeg_bytes())}
    )
    assert response.status_code == 404
    assert not Director.objects.get(pk=director.pk).photo


# --- Documents ----------------------------------------------------------------------------


def pdf(content=PDF_BYTES, name="Presupuesto.pdf"):
    return upload(content, name, "application/pdf")


def test_document_upload_stored(producer_client, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = producer_client.post(
            url("document_upload", draft.pk), {"kind": Material.BUDGET, "file": pdf()}
        )
    assert response.status_code == 302
    assert response["Location"] == url("materials", draft.pk) + "#documents"
    document = draft.documents.get()
    assert (document.kind, document.original_name, document.size) == (
        Material.BUDGET,
        "Presupuesto.pdf",
        len(PDF_BYTES),
    )
    assert messages_of(response) == ["Budget (PDF): uploaded."]


def test_document_upload_again_replaces(
    producer_client, draft, settings, django_capture_on_commit_callbacks
):
    DocumentFactory(project=draft, kind=Material.BUDGET)
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(
            url("document_upload", draft.pk),
            {"kind": Material.BUDGET, "file": pdf(name="Budget v2.pdf")},
        )
    document = draft.documents.get()
    assert document.original_name == "Budget v2.pdf"
    assert stored(settings) == [settings.MEDIA_ROOT / document.file.name]


def test_document_upload_html_renamed_pdf_refused(producer_client, draft, settings):
    html = b"<!doctype html><html><script>document.cookie</script></html>"
    response = producer_client.post(
        url("document_upload", draft.pk), {"kind": Material.BUDGET, "file": pdf(html, "b.pdf")}
    )
    assert response.status_code == 200
    assert field_errors(response, "file") == [
        "“b.pdf” is not a PDF file. Export the document as PDF and upload it again."
    ]
    assert response.context["form"]["kind"].value() == Material.BUDGET
    assert not Document.objects.exists()
    assert stored(settings) == []


def test_document_upload_too_large_refused(producer_client, draft, settings, monkeypatch):
    monkeypatch.setattr(uploads, "DOCUMENT_MAX_BYTES", 100)
    response = producer_client.post(
        url("document_upload", draft.pk),
        {"kind": Material.BUDGET, "file": pdf(PDF_BYTES + b" " * 200)},
    )
    assert "the limit is 100" in field_errors(response, "file")[0]
    assert not Document.objects.exists()
    assert stored(settings) == []


def test_document_upload_unknown_kind_refused(producer_client, draft):
    response = producer_client.post(
        url("document_upload", draft.pk), {"kind": "passport", "file": pdf()}
    )
    assert field_errors(response, "kind")
    assert not Document.objects.exists()


def test_document_upload_after_submission_refused(client, producer, submitted, settings):
    client.force_login(producer)
    response = client.post(
        url("document_upload", submitted.pk), {"kind": Material.BUDGET, "file": pdf()}
    )
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored(settings) == []


def test_document_upload_other_producer_404(other_client, draft):
    response = other_client.post(
        url("document_upload", draft.pk), {"kind": Material.BUDGET, "file": pdf()}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_document_upload_page_preselects_kind(producer_client, draft):
    response = producer_client.get(url("document_upload", draft.pk) + "?kind=chain_of_title")
    assert response.context["form"]["kind"].value() == "chain_of_title"


def test_document_delete_removes_row_and_file(
    producer_client, draft, settings, django_capture_on_commit_callbacks
):
    document = DocumentFactory(project=draft)
    assert producer_client.get(url("document_delete", document.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(url("document_delete", document.pk))
    assert not Document.objects.exists()
    assert stored(settings) == []


def test_document_delete_after_submission_refused(client, producer, submitted):
    document = DocumentFactory(project=submitted)
    client.force_login(producer)
    client.post(url("document_delete", document.pk))
    assert Document.objects.filter(pk=document.pk).exists()


def test_document_delete_staff_after_submission_allowed(
    staff_client, submitted, django_capture_on_commit_callbacks
):
    document = DocumentFactory(project=submitted)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url("document_delete", document.pk))
    assert response["Location"] == url("staff_project", submitted.pk) + "#documents"
    assert not Document.objects.exists()


# --- CSRF: upload views check it themselves, after the request's length -------------------


def test_still_upload_without_csrf_token_refused(draft, producer, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    response = post_stills(client, draft, upload(jpeg_bytes()))
    assert response.status_code == 403
    assert not Still.objects.exists()
    assert stored(settings) == []


def test_still_upload_with_csrf_token_accepted(draft, producer, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    page = client.get(url("still_upload", draft.pk))
    token = page.context["csrf_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("still_upload", draft.pk),
            {"images": [upload(jpeg_bytes())], "csrfmiddlewaretoken": str(token)},
        )
    assert response.status_code == 302
    assert draft.stills.count() == 1


def test_still_delete_without_csrf_token_refused(draft, producer):
    still = StillFactory(project=draft)
    client = Client(enforce_csrf_checks=True)
    client.force_login(producer)
    assert client.post(url("still_delete", still.pk)).status_code == 403
    assert Still.objects.filter(pk=still.pk).exists()
