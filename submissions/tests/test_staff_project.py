"""The staff page of a project, its actions (screening, reopening, messages, a new cut,
carrying over) and invited projects: outcomes, refusals and denials."""

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail as django_mail
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode

from accounts.models import User
from editions.tests.factories import CallFactory, EditionFactory
from outbox.models import Mail
from submissions import services
from submissions.models import EventKind, Project, ProjectEvent, ProjectStatus, Screening
from submissions.tests.factories import complete_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(call, producer):
    """A complete application, submitted."""
    project = complete_project(call=call, owner=producer, original_title="La montaña")
    return services.submit_project(project=project, by=producer)


def url(name, project):
    return reverse(f"submissions:{name}", kwargs={"pk": project.pk})


def snapshot(project):
    project = Project.objects.get(pk=project.pk)
    return (
        project.status,
        project.screening,
        project.screening_reason,
        project.new_cut_requested_at,
        ProjectEvent.objects.filter(project=project).count(),
        Project.objects.count(),
        Mail.objects.count(),
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- The page -------------------------------------------------------------------------------


def test_project_page_shows_everything(staff_client, staff, project):
    services.send_message(project=project, by=staff, message="Hello from staff")
    services.screen_project(
        project=project,
        by=staff,
        decision=Screening.OVERRULED_INELIGIBLE,
        reason="Premiered on television in 2025.",
    )
    response = staff_client.get(url("staff_project", project))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "La montaña",
        project.english_title,
        project.logline,
        "Cine Sur Producciones",
        "Argentina",
        "https://vimeo.com/123456789",
        "secret-screener-pass",  # staff see the screener password
        "Budget (PDF)",
        "Hello from staff",
        "Premiered on television in 2025.",  # the staff-only screening entry
        "Staff only",
        "Declared ineligible by staff",
        "The current cut runs 92 minutes",  # an eligibility item
        "producer@example.org",
    ):
        assert text in content, text
    still = project.stills.get()
    document = project.documents.get()
    assert reverse("submissions:still_file", kwargs={"pk": still.pk, "version": "thumb"}) in content
    assert reverse("submissions:document_file", kwargs={"pk": document.pk}) in content
    for action in ("staff_screen", "staff_message", "staff_reopen", "staff_request_cut"):
        assert url(action, project) in content
    assert url("staff_carry_over", project) not in content  # only for projects not selected


def test_project_page_query_count_does_not_grow_with_rows(
    staff_client, staff, project, django_assert_max_num_queries
):
    for number in range(5):
        services.send_message(project=project, by=staff, message=f"Message {number}")
    with django_assert_max_num_queries(25):
        assert staff_client.get(url("staff_project", project)).status_code == 200


ACTIONS = {
    "staff_screen": {"decision": "confirmed"},
    "staff_reopen": {"message": "Fix the budget."},
    "staff_message": {"message": "Hello"},
    "staff_request_cut": {"message": "With the new sound mix."},
    "staff_carry_over": {"call": ""},
}


@pytest.mark.parametrize("name", ["staff_project", *ACTIONS])
def test_project_denials(client, producer, juror, other_staff, project, name):
    before = snapshot(project)
    target = url(name, project)
    send = client.get if name == "staff_project" else client.post
    response = send(target, ACTIONS.get(name, {}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    for user, status in ((producer, 403), (juror, 403), (other_staff, 404)):
        client.force_login(user)
        assert send(target, ACTIONS.get(name, {})).status_code == status
    assert snapshot(project) == before


def test_other_programme_project_is_404_for_staff(staff_client, other_staff):
    other_call = CallFactory()
    other_call.edition.programme.team.add(other_staff)
    foreign = complete_project(call=other_call)
    assert staff_client.get(url("staff_project", foreign)).status_code == 404


def test_action_get_not_allowed(staff_client, project):
    assert staff_client.get(url("staff_reopen", project)).status_code == 405


# --- Screening ---------------------------------------------------------------------------


def test_screening_confirm(staff_client, staff, project):
    response = staff_client.post(url("staff_screen", project), {"decision": "confirmed"})
    assert response.status_code == 302
    assert response["Location"] == url("staff_project", project)
    project.refresh_from_db()
    assert project.screening == Screening.CONFIRMED
    assert project.screened_by == staff
    event = project.events.get(kind=EventKind.SCREENING)
    assert not event.visible_to_producer


def test_screening_overrule_with_reason_kept(staff_client, project):
    staff_client.post(
        url("staff_screen", project),
        {"decision": "overruled_ineligible", "reason": "Shown on television."},
    )
    project.refresh_from_db()
    assert project.screening == Screening.OVERRULED_INELIGIBLE
    assert project.screening_reason == "Shown on television."


@pytest.mark.parametrize("decision", ["overruled_eligible", "overruled_ineligible"])
def test_screening_overrule_without_reason_refused(staff_client, project, decision):
    before = snapshot(project)
    response = staff_client.post(
        url("staff_screen", project), {"decision": decision, "reason": " "}
    )
    assert response.status_code == 200
    form = response.context["screening_form"]
    assert form.errors["reason"] == ["Write why you overrule the computed eligibility."]
    assert "Write why you overrule the computed eligibility." in response.content.decode()
    assert snapshot(project) == before


def test_screening_unknown_decision_refused(staff_client, project):
    before = snapshot(project)
    response = staff_client.post(url("staff_screen", project), {"decision": "pending"})
    assert response.status_code == 200
    assert "decision" in response.context["screening_form"].errors
    assert snapshot(project) == before


# --- Reopen, message, new cut ----------------------------------------------------------------


def test_reopen_makes_a_draft_with_message_and_mail(
    staff_client, project, producer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url("staff_reopen", project), {"message": "The budget PDF is the wrong one."}
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    mail = Mail.objects.get(kind="submissions.reopened")
    assert mail.recipient == producer
    assert "The budget PDF is the wrong one." in mail.body_text
    # The producer sees the message on their project.
    event = project.events.get(kind=EventKind.STATUS, to_status=ProjectStatus.DRAFT)
    assert event.visible_to_producer
    assert event.message == "The budget PDF is the wrong one."
    page = staff_client.get(url("staff_project", project)).content.decode()
    assert "The budget PDF is the wrong one." in page
    staff_client.force_login(producer)
    own_page = staff_client.get(url("project", project)).content.decode()
    assert "The budget PDF is the wrong one." in own_page


def test_reopen_without_message_refused(staff_client, project):
    before = snapshot(project)
    response = staff_client.post(url("staff_reopen", project), {"message": ""})
    assert response.status_code == 200
    assert response.context["reopen_form"].errors["message"]
    assert snapshot(project) == before


def test_reopen_of_a_draft_refused_with_message(staff_client, project):
    services.reopen_project(project=project, by=None, message="First reopening.")
    before = snapshot(project)
    response = staff_client.post(url("staff_reopen", project), {"message": "Again"})
    assert response.status_code == 200
    assert response.context["reopen_form"].non_field_errors()
    assert snapshot(project) == before


def test_message_to_producer(staff_client, project, producer):
    response = staff_client.post(url("staff_message", project), {"message": "See you in Toulouse"})
    assert response.status_code == 302
    event = project.events.get(kind=EventKind.MESSAGE)
    assert event.message == "See you in Toulouse"
    assert Mail.objects.get(kind="submissions.message").recipient == producer
    assert "Message sent to the producer." in messages_of(staff_client.get(response["Location"]))


def test_request_new_cut(staff_client, project):
    response = staff_client.post(url("staff_request_cut", project), {"message": "With sound."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.new_cut_requested_at is not None
    assert Mail.objects.filter(kind="submissions.cut_requested").count() == 1


def test_request_new_cut_without_message_refused(staff_client, project):
    before = snapshot(project)
    response = staff_client.post(url("staff_request_cut", project), {"message": ""})
    assert response.status_code == 200
    assert response.context["request_cut_form"].errors["message"]
    assert snapshot(project) == before


# --- Carry over --------------------------------------------------------------------------


@pytest.fixture
def not_selected(project, staff):
    services.set_project_status(project=project, status=ProjectStatus.NOT_SELECTED, by=staff)
    project.refresh_from_db()
    return project


def test_carry_over_to_next_edition(staff_client, not_selected, programme):
    next_call = CallFactory(edition=EditionFactory(programme=programme), title="Next year")
    page = staff_client.get(url("staff_project", not_selected)).content.decode()
    assert "Next year" in page
    response = staff_client.post(url("staff_carry_over", not_selected), {"call": next_call.pk})
    copy = Project.objects.get(call=next_call)
    assert response["Location"] == url("staff_project", copy)
    assert copy.carried_over_from == not_selected
    assert copy.status == ProjectStatus.DRAFT
    assert copy.cuts.count() == 1


def test_carry_over_to_another_programme_call_refused(staff_client, not_selected):
    foreign = CallFactory()
    before = snapshot(not_selected)
    response = staff_client.post(url("staff_carry_over", not_selected), {"call": foreign.pk})
    assert response.status_code == 200
    assert response.context["carry_over_form"].errors["call"]
    assert snapshot(not_selected) == before


def test_carry_over_of_submitted_project_refused(staff_client, project, programme):
    next_call = CallFactory(edition=EditionFactory(programme=programme))
    before = snapshot(project)
    response = staff_client.post(url("staff_carry_over", project), {"call": next_call.pk})
    assert response.status_code == 200
    assert response.context["carry_over_form"].non_field_errors() == [
        "Only a project that was not selected can be carried over."
    ]
    assert snapshot(project) == before


# --- Invited projects -------------------------------------------------------------------


def invite_url(edition):
    return reverse("submissions:staff_invite", kwargs={"edition_pk": edition.pk})


def invite_data(call, **overrides):
    data = {
        "call": call.pk,
        "original_title": "El río",
        "english_title": "The River",
        "full_name": "Rosa Río",
        "email": "Rosa@Example.org",
        "language": "es",
    }
    data.update(overrides)
    return data


def test_invite_creates_user_project_and_mail(
    staff_client, staff, call, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(invite_url(edition), invite_data(call))
    user = User.objects.get(email="rosa@example.org")
    assert user.full_name == "Rosa Río"
    assert user.language == "es"
    assert not user.email_confirmed
    assert not user.has_usable_password()
    project = Project.objects.get(owner=user)
    assert response["Location"] == url("staff_project", project)
    assert project.original_title == "El río"
    assert project.invited_by == staff
    assert project.status == ProjectStatus.DRAFT
    mail = Mail.objects.get(kind="submissions.invited")
    assert mail.recipient == user
    assert mail.language == "es"
    # The link to choose a password, in the producer's language, with a valid token.
    match = re.search(
        r"/es/accounts/password/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/", mail.body_text
    )
    assert match is not None
    assert urlsafe_base64_decode(match["uid"]).decode() == str(user.pk)
    assert default_token_generator.check_token(user, match["token"])
    assert "/es/submissions/projects/" in mail.body_text
    assert "El río" in mail.subject
    assert len(django_mail.outbox) == 1


def test_invite_same_email_reuses_the_user(staff_client, call, edition):
    staff_client.post(invite_url(edition), invite_data(call))
    staff_client.post(
        invite_url(edition), invite_data(call, email="rosa@example.org", original_title="Otra")
    )
    assert User.objects.filter(email__iexact="rosa@example.org").count() == 1
    user = User.objects.get(email="rosa@example.org")
    assert sorted(user.projects.values_list("original_title", flat=True)) == ["El río", "Otra"]
    assert Mail.objects.filter(kind="submissions.invited").count() == 2


def test_invite_existing_producer_keeps_password_and_gets_sign_in_mail(
    staff_client, call, edition, producer
):
    staff_client.post(invite_url(edition), invite_data(call, email="PRODUCER@example.org"))
    producer.refresh_from_db()
    assert producer.has_usable_password()
    assert producer.projects.get().invited_by is not None
    mail = Mail.objects.get(kind="submissions.invited")
    assert "password/reset" not in mail.body_text
    assert "Sign in" in mail.body_text


def test_invite_after_deadline_allowed(staff_client, edition):
    closed = CallFactory(
        edition=edition,
        opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
    )
    response = staff_client.post(invite_url(edition), invite_data(closed))
    assert response.status_code == 302
    assert Project.objects.get().call == closed


def test_invite_bad_input_refused_and_kept(staff_client, call, edition):
    users = User.objects.count()
    response = staff_client.post(
        invite_url(edition), invite_data(call, email="not-an-address", original_title="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "original_title"}
    assert 'value="Rosa Río"' in response.content.decode()
    assert Project.objects.count() == 0
    assert User.objects.count() == users
    assert Mail.objects.count() == 0


def test_invite_call_of_another_edition_refused(staff_client, edition, programme):
    other = CallFactory(edition=EditionFactory(programme=programme))
    response = staff_client.post(invite_url(edition), invite_data(other))
    assert response.status_code == 200
    assert response.context["form"].errors["call"]
    assert Project.objects.count() == 0


def test_invite_post_denied_for_others(client, producer, other_staff, call, edition):
    for user, status in ((producer, 403), (other_staff, 404)):
        client.force_login(user)
        assert client.post(invite_url(edition), invite_data(call)).status_code == status
    assert Project.objects.count() == 0
    assert not User.objects.filter(email="rosa@example.org").exists()


def test_edition_staff_page_links_to_applications(staff_client, edition):
    page = staff_client.get(reverse("editions:staff_edition", kwargs={"pk": edition.pk}))
    assert (
        reverse("submissions:staff_list", kwargs={"edition_pk": edition.pk})
        in page.content.decode()
    )
