"""A project's files reach a juror only through an assignment they may open: the same
check as the review page, and the file must belong to the assignment's project."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from juries.models import ConflictStatus, JuryMember, Phase
from juries.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    JuryMemberFactory,
    RoundFactory,
    submitted_project,
)
from submissions.images import process_still
from submissions.models import ProjectStatus
from submissions.tests.factories import (
    PDF_BYTES,
    DirectorFactory,
    DocumentFactory,
    StillFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(juror, edition):
    return JuryMember.objects.get(user=juror, edition=edition)


@pytest.fixture
def round_(edition, member):
    return RoundFactory(edition=edition, phase=Phase.SCORING, members=[member])


@pytest.fixture
def project(call, producer):
    return submitted_project(call=call, owner=producer, original_title="La Cordillera")


@pytest.fixture
def assignment(round_, member, project):
    return AssignmentFactory(round=round_, member=member, project=project)


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


@pytest.fixture
def juror_client(client, juror):
    client.force_login(juror)
    return client


def body(response):
    # Reading the whole stream closes the file through the test client's wrapper; calling
    # response.close() here would send request_finished, which closes the database
    # connection of the test's transaction on PostgreSQL.
    return b"".join(response.streaming_content)


def status_of(client, url):
    """The status of a GET, its file (if any) read to the end and so closed."""
    response = client.get(url)
    if response.streaming:
        body(response)
    return response.status_code


def still_url(assignment, still, version):
    return reverse("juries:still_file", args=[assignment.pk, still.pk, version])


def document_url(assignment, document):
    return reverse("juries:document_file", args=[assignment.pk, document.pk])


def photo_url(assignment, director):
    return reverse("juries:director_photo_file", args=[assignment.pk, director.pk])


def every_file(assignment, still, document, director):
    return [
        *[still_url(assignment, still, version) for version in ("thumb", "web", "large")],
        still_url(assignment, still, "original"),
        document_url(assignment, document),
        photo_url(assignment, director),
    ]


@pytest.mark.parametrize("version", ["thumb", "web", "large", "original"])
def test_still_served_inline_to_the_assigned_juror_but_the_original(
    juror_client, assignment, still, version
):
    response = juror_client.get(still_url(assignment, still, version))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The original is the file as it was uploaded: it downloads.
    disposition = "attachment;" if version == "original" else "inline;"
    assert response["Content-Disposition"].startswith(disposition)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert f"la-cordillera-still-{still.pk}-{version}.jpg" in response["Content-Disposition"]
    field = {"thumb": "thumbnail"}.get(version, version)
    with getattr(still, field).open("rb") as handle:
        assert body(response) == handle.read()


def test_still_unknown_version_404(juror_client, assignment, still):
    assert juror_client.get(still_url(assignment, still, "raw")).status_code == 404


def test_still_not_processed_yet_404_but_original(juror_client, assignment, project):
    still = StillFactory(project=project)
    assert status_of(juror_client, still_url(assignment, still, "web")) == 404
    assert status_of(juror_client, still_url(assignment, still, "original")) == 200


def test_document_served_as_attachment(juror_client, assignment, document):
    response = juror_client.get(document_url(assignment, document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Presupuesto 2026.pdf" in response["Content-Disposition"]
    assert body(response) == PDF_BYTES


def test_director_photo_served_inline(juror_client, assignment, director):
    response = juror_client.get(photo_url(assignment, director))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert body(response)[:2] == b"\xff\xd8"


def test_director_without_photo_404(juror_client, assignment, project):
    director = DirectorFactory(project=project)
    assert juror_client.get(photo_url(assignment, director)).status_code == 404


def test_files_of_another_project_404_through_this_assignment(
    juror_client, assignment, call, round_, member
):
    """Another project's files, even one the juror is assigned too, are not reached
    through this assignment."""
    other = submitted_project(call=call, original_title="Otra")
    AssignmentFactory(round=round_, member=member, project=other)
    still = process_still(StillFactory(project=other))
    document = DocumentFactory(project=other)
    director = DirectorFactory(project=other, photo=ContentFile(jpeg_bytes(), name="p.jpg"))
    for url in every_file(assignment, still, document, director):
        assert juror_client.get(url).status_code == 404, url


def test_files_signed_out_go_to_sign_in(client, assignment, still, document, director):
    for url in every_file(assignment, still, document, director):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_files_refuse_post(juror_client, assignment, document):
    assert juror_client.post(document_url(assignment, document)).status_code == 405


def assert_no_file(client, assignment, still, document, director):
    for url in every_file(assignment, still, document, director):
        assert status_of(client, url) == 404, url


def test_files_404_for_the_producer_through_the_jury(
    producer_client, assignment, still, document, director
):
    """The producer has their own addresses for their files; the jury's answer 404."""
    assert_no_file(producer_client, assignment, still, document, director)


def test_files_404_for_an_unassigned_juror(
    client, edition, assignment, still, document, director, round_
):
    outsider = JuryMemberFactory(edition=edition)
    round_.members.add(outsider)
    client.force_login(outsider.user)
    assert_no_file(client, assignment, still, document, director)


def test_files_404_for_a_juror_of_another_round(
    client, edition, call, assignment, still, document, director
):
    other = JuryMemberFactory(edition=edition)
    other_round = RoundFactory(edition=edition, members=[other])
    AssignmentFactory(round=other_round, member=other, project=submitted_project(call=call))
    client.force_login(other.user)
    assert_no_file(client, assignment, still, document, director)


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_files_404_in_conflict(
    juror_client, member, project, assignment, still, document, director, status
):
    ConflictFactory(member=member, project=project, status=status)
    assert_no_file(juror_client, assignment, still, document, director)


def test_files_after_a_dismissed_conflict(juror_client, member, project, assignment, document):
    ConflictFactory(member=member, project=project, status=ConflictStatus.DISMISSED)
    assert status_of(juror_client, document_url(assignment, document)) == 200


def test_files_404_before_the_assignments_are_published(
    juror_client, round_, assignment, still, document, director
):
    round_.assignments_published_at = None
    round_.save()
    assert_no_file(juror_client, assignment, still, document, director)


def test_files_404_once_the_project_is_withdrawn(
    juror_client, project, assignment, still, document, director
):
    project.status = ProjectStatus.WITHDRAWN
    project.save()
    assert_no_file(juror_client, assignment, still, document, director)
