"""Secrets stay secret: the canary values of tests/security/world.py (a screener's
password, an unselected application's budget, a producer's postal address) appear in no
mail, public catalogue or error page for anyone not entitled to them. The permission
matrix searches every page, file and log line the same way."""

import io
import zipfile

import pypdfium2
import pytest
from django.core import mail as django_mail
from django.test import Client, TestCase

from juries import results
from juries.models import Dossier
from outbox.models import Mail
from submissions import services as submission_services

from .world import CANARIES

pytestmark = pytest.mark.django_db


def leaked(text: str, role: str) -> list[str]:
    return [
        name
        for name, (entitled, pattern) in CANARIES.items()
        if role not in entitled and pattern.search(text)
    ]


def role_of(world, address: str) -> str:
    for role, person in world.people.items():
        if person.email == address:
            return role
    return "anonymous"  # anyone else: a guest, an invitee


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_no_mail_carries_a_secret_to_someone_not_entitled(in_world, figure):
    staff = in_world.staff
    with TestCase.captureOnCommitCallbacks(execute=True):
        results.send_results(edition=in_world.edition, by=staff)
        submission_services.send_message(
            project=in_world.quiet, by=staff, message="We are reading your application."
        )
        submission_services.send_message(
            project=in_world.other_project, by=staff, message="Your new cut arrived."
        )
    rows = list(Mail.objects.all())
    assert len(rows) >= 6
    problems = []
    for row in rows:
        role = role_of(in_world, row.to)
        for name in leaked(f"{row.subject}\n{row.body_text}\n{row.body_html}", role):
            problems.append(f"{row.kind} to {role}: the {name}")
    for message in django_mail.outbox:
        role = role_of(in_world, message.to[0])
        bodies = [message.subject, message.body]
        bodies += [content for content, _type in getattr(message, "alternatives", [])]
        for name in leaked("\n".join(bodies), role):
            problems.append(f"sent {message.subject!r} to {role}: the {name}")
    figure("canaries: mails searched", len(rows) + len(django_mail.outbox))
    assert problems == []


def test_the_public_catalogue_holds_no_secret(in_world, figure):
    dossier = Dossier.objects.get(pk=in_world.dossier.pk)
    with dossier.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Canción del niño" in text  # the text layer is read
    problems = [f"the PDF shows the {name}" for name in leaked(text, "anonymous")]
    with dossier.archive.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
        for name in names:
            if name.endswith(".pdf"):
                inner = pdf_text(archive.read(name))
                problems += [f"{name} shows the {found}" for found in leaked(inner, "anonymous")]
        problems += [f"a file name shows the {found}" for found in leaked("\n".join(names), "")]
    figure("canaries: catalogue pages searched", 1)
    assert problems == []


def test_an_error_page_shows_nothing_of_the_request(in_world, monkeypatch, caplog):
    """A view that fails while it holds the project: the visitor gets the portal's 500
    page, which shows nothing of it, and the log names the error without the values."""
    from juries.views import juror

    def failing(self, **kwargs):
        raise RuntimeError("the page could not be drawn")

    monkeypatch.setattr(juror.ReviewView, "get_context_data", failing)
    client = Client(raise_request_exception=False)
    client.force_login(in_world.assigned_juror)
    response = client.get(f"/en/jury/assignments/{in_world.assignment.pk}/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "the page could not be drawn" not in page
    assert leaked(page, "anonymous") == []
    assert "RuntimeError: the page could not be drawn" in caplog.text
    assert leaked(caplog.text, "anonymous") == []
    # …in the visitor's language.
    response = client.get(f"/es/jury/assignments/{in_world.assignment.pk}/")
    assert response.status_code == 500
    assert 'lang="es"' in response.content.decode()


def test_the_archive_opens(in_world):
    """The catalogue test reads the archive: it is a real one."""
    dossier = Dossier.objects.get(pk=in_world.dossier.pk)
    with dossier.archive.open("rb") as handle:
        data = handle.read()
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
