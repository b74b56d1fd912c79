"""Stored files are served only to the project's producer and its programme's staff."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from submissions.images import process_still
from submissions.tests.factories import (
    PDF_BYTES,
    DirectorFactory,
    DocumentFactory,
    ProjectFactory,
    StillFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(call, producer):
    return ProjectFactory(call=call, owner=producer, original_title="La Cordillera")


@pytest.fixture
def still(project):
    return process_still(StillFactory(project=project))


@pytest.fixture
def document(project):
    return DocumentFactory(project=project, original_name="Presupuesto 2026.pdf")


@pytest.fixture
def director(project):
    return DirectorFactory(
        project=project, photo=ContentFile(jpeg_bytes(600, 800), name="photo.jpg")
    )


def body(response):
    return b"".join(response.streaming_content)


def files_of(still, document, director):
    return {
        "thumb": reverse("submissions:still_file", args=[still.pk, "thumb"]),
        "web": reverse("submissions:still_file", args=[still.pk, "web"]),
        "large": reverse("submissions:still_file", args=[still.pk, "large"]),
        "original": reverse("submissions:still_file", args=[still.pk, "original"]),
        "document": reverse("submissions:document_file", args=[document.pk]),
        "photo": reverse("submissions:director_photo_file", args=[director.pk]),
    }


@pytest.mark.parametrize("version", ["thumb", "web", "large", "original"])
def test_still_file_owner_gets_it_inline_but_the_original(producer_client, still, version):
    response = producer_client.get(reverse("submissions:still_file", args=[still.pk, version]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The original is the file as it was uploaded: it downloads.
    disposition = "attachment;" if version == "original" else "inline;"
    assert response["Content-Disposition"].startswith(disposition)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert f"la-cordillera-still-{still.pk}-{version}.jpg" in response["Content-Disposition"]
    assert body(response)[:2] == b"\xff\xd8"


def test_still_file_thumbnail_is_the_thumbnail(producer_client, still):
    response = producer_client.get(reverse("submissions:still_file", args=[still.pk, "thumb"]))
    with still.thumbnail.open("rb") as handle:
        assert body(response) == handle.read()


def test_still_file_unknown_version_404(producer_client, still):
    response = producer_client.get(reverse("submissions:still_file", args=[still.pk, "raw"]))
    assert response.status_code == 404


def test_still_file_not_processed_yet_404(producer_client, project):
    still = StillFactory(project=project)
    response = producer_client.get(reverse("submissions:still_file", args=[still.pk, "web"]))
    assert response.status_code == 404


def test_document_file_owner_downloads_with_its_name(producer_client, document):
    response = producer_client.get(reverse("submissions:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Presupuesto" in response["Content-Disposition"]
    assert body(response) == PDF_BYTES


def test_director_photo_file_owner_gets_it(producer_client, director):
    response = producer_client.get(reverse("submissions:director_photo_file", args=[director.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response)[:2] == b"\xff\xd8"


def test_files_staff_of_the_programme_get_them(staff_client, still, document, director):
    for name, address in files_of(still, document, director).items():
        response = staff_client.get(address)
        assert response.status_code == 200, name
        assert len(body(response)) > 0


def test_files_other_producer_404(client, still, document, director):
    client.force_login(UserFactory(email="rival@example.org"))
    for name, address in files_of(still, document, director).items():
        assert client.get(address).status_code == 404, name


def test_files_staff_of_another_programme_404(client, other_staff, still, document, director):
    client.force_login(other_staff)
    for name, address in files_of(still, document, director).items():
        assert client.get(address).status_code == 404, name


def test_files_juror_404(client, juror, still, document, director):
    client.force_login(juror)
    for name, address in files_of(still, document, director).items():
        assert client.get(address).status_code == 404, name


def test_files_anonymous_sent_to_sign_in(client, still, document, director):
    for name, address in files_of(still, document, director).items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert reverse("accounts:login") in response["Location"]


def test_files_missing_objects_404(producer_client):
    assert (
        producer_client.get(reverse("submissions:still_file", args=[999, "web"])).status_code == 404
    )
    assert producer_client.get(reverse("submissions:document_file", args=[999])).status_code == 404
    assert (
        producer_client.get(reverse("submissions:director_photo_file", args=[999])).status_code
        == 404
    )


def test_director_photo_file_without_photo_404(producer_client, project):
    director = DirectorFactory(project=project)
    response = producer_client.get(reverse("submissions:director_photo_file", args=[director.pk]))
    assert response.status_code == 404


def test_files_post_not_allowed(producer_client, document):
    response = producer_client.post(reverse("submissions:document_file", args=[document.pk]))
    assert response.status_code == 405
