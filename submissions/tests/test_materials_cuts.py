"""Cuts: added at any time until the application is closed, corrected by the producer
while it is a draft and by staff always; screener links must be https."""

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.models import Cut, EventKind, ProjectStatus
from submissions.tests.factories import CutFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, producer):
    return ProjectFactory(call=call, owner=producer)


@pytest.fixture
def submitted(call, producer):
    return ProjectFactory(
        call=call, owner=producer, status=ProjectStatus.SUBMITTED, submitted_at=timezone.now()
    )


def url(name, pk):
    return reverse(f"submissions:{name}", kwargs={"pk": pk})


def cut_data(**overrides):
    data = {
        "stage": "fine_cut",
        "runtime": "94",
        "cut_date": "2026-03-14",
        "subtitles": "en",
        "screener_url": "https://vimeo.com/987654321",
        "screener_password": "andes-2026",
        "changes": "Tightened the second act; new music.",
    }
    return {**data, **overrides}


def errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_cut_add_creates_current_cut(producer_client, draft):
    CutFactory(project=draft, number=1)
    response = producer_client.post(url("cut_add", draft.pk), cut_data())
    assert response.status_code == 302
    assert response["Location"] == url("materials", draft.pk) + "#cuts"
    current = draft.current_cut()
    assert (current.number, current.runtime, current.stage) == (2, 94, "fine_cut")
    assert current.screener_url == "https://vimeo.com/987654321"
    assert str(current.cut_date) == "2026-03-14"


def test_cut_add_page_prefills_from_current_cut(producer_client, draft):
    CutFactory(project=draft, number=1, stage="fine_cut", subtitles="fr")
    form = producer_client.get(url("cut_add", draft.pk)).context["form"]
    assert (form["stage"].value(), form["subtitles"].value()) == ("fine_cut", "fr")
    assert form["screener_url"].value() is None


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("http://vimeo.com/1", "Enter a secure link starting with https://."),
        ("javascript:alert(document.cookie)", "Enter a valid URL."),
        ("ftp://example.org/film.mov", "Enter a secure link starting with https://."),
    ],
)
def test_cut_add_insecure_link_refused(producer_client, draft, link, message):
    response = producer_client.post(url("cut_add", draft.pk), cut_data(screener_url=link))
    assert response.status_code == 200
    assert message in errors(response, "screener_url")
    assert response.context["form"]["changes"].value() == "Tightened the second act; new music."
    assert not Cut.objects.exists()


def test_cut_add_link_without_scheme_becomes_https(producer_client, draft):
    producer_client.post(url("cut_add", draft.pk), cut_data(screener_url="vimeo.com/55"))
    assert draft.cuts.get().screener_url == "https://vimeo.com/55"


def test_cut_add_date_in_wrong_format_refused(producer_client, draft):
    response = producer_client.post(url("cut_add", draft.pk), cut_data(cut_date="14/03/2026x"))
    assert errors(response, "cut_date") == ["Enter a valid date."]
    assert not Cut.objects.exists()


def test_cut_add_after_submission_allowed_and_recorded(client, producer, submitted):
    CutFactory(project=submitted, number=1)
    client.force_login(producer)
    response = client.post(url("cut_add", submitted.pk), cut_data())
    assert response.status_code == 302
    assert submitted.cuts.count() == 2
    event = submitted.events.get(kind=EventKind.CUT_ADDED)
    assert event.message == "Tightened the second act; new music."


def test_cut_add_withdrawn_refused(client, producer, call):
    project = ProjectFactory(
        call=call, owner=producer, status=ProjectStatus.WITHDRAWN, submitted_at=timezone.now()
    )
    client.force_login(producer)
    response = client.post(url("cut_add", project.pk), cut_data())
    assert response.status_code == 302
    assert not Cut.objects.exists()


def test_cut_add_other_producer_404(client, draft):
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post(url("cut_add", draft.pk), cut_data()).status_code == 404
    assert not Cut.objects.exists()


def test_cut_add_other_staff_404(client, other_staff, draft):
    client.force_login(other_staff)
    assert client.post(url("cut_add", draft.pk), cut_data()).status_code == 404
    assert not Cut.objects.exists()


def test_cut_add_anonymous_sent_to_sign_in(client, draft):
    response = client.post(url("cut_add", draft.pk), cut_data())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Cut.objects.exists()


def test_cut_edit_draft_saved(producer_client, draft):
    cut = CutFactory(project=draft, number=1)
    response = producer_client.post(url("cut_edit", cut.pk), cut_data(screener_password="new-pass"))
    assert response.status_code == 302
    cut.refresh_from_db()
    assert (cut.number, cut.screener_password, cut.runtime) == (1, "new-pass", 94)


def test_cut_edit_insecure_link_refused(producer_client, draft):
    cut = CutFactory(project=draft, number=1)
    response = producer_client.post(
        url("cut_edit", cut.pk), cut_data(screener_url="http://x.org/1")
    )
    assert errors(response, "screener_url") == ["Enter a secure link starting with https://."]
    cut.refresh_from_db()
    assert cut.screener_url == "https://vimeo.com/123456789"


def test_cut_edit_after_submission_refused_for_producer(client, producer, submitted):
    cut = CutFactory(project=submitted, number=1)
    client.force_login(producer)
    response = client.post(url("cut_edit", cut.pk), cut_data(runtime="20"))
    assert response.status_code == 302
    cut.refresh_from_db()
    assert cut.runtime == 92


def test_cut_edit_after_submission_allowed_for_staff(staff_client, submitted):
    cut = CutFactory(project=submitted, number=1)
    response = staff_client.post(url("cut_edit", cut.pk), cut_data(screener_password="fixed"))
    assert response["Location"] == url("staff_project", submitted.pk) + "#cuts"
    cut.refresh_from_db()
    assert cut.screener_password == "fixed"


def test_cut_edit_other_producer_404(client, draft):
    from accounts.tests.factories import UserFactory

    cut = CutFactory(project=draft, number=1)
    client.force_login(UserFactory())
    assert client.get(url("cut_edit", cut.pk)).status_code == 404
    assert client.post(url("cut_edit", cut.pk), cut_data(runtime="20")).status_code == 404
    cut.refresh_from_db()
    assert cut.runtime == 92


def test_cut_edit_juror_404(client, juror, draft):
    cut = CutFactory(project=draft, number=1)
    client.force_login(juror)
    assert client.post(url("cut_edit", cut.pk), cut_data(runtime="20")).status_code == 404
