"""Jurors' pages: the invitation, "My reviews", a round's projects (conflicts and
interest), the review page with the discussion, and every way of not seeing a project."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from editions.models import Material
from editions.tests.factories import CallFactory, EditionFactory, SessionFactory
from juries import services
from juries.models import (
    Comment,
    Conflict,
    ConflictStatus,
    Interest,
    InterestLevel,
    Invitation,
    InvitationStatus,
    JuryMember,
    Phase,
    Review,
    ReviewStatus,
    Score,
)
from juries.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    CriterionFactory,
    InterestFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    RoundProjectFactory,
    ScoreFactory,
    submitted_project,
)
from outbox.models import Mail
from submissions.models import CompanyRole, PostProductionNeed, ProjectStatus
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    DocumentFactory,
    PostProductionItemFactory,
    ProjectCompanyFactory,
    StillFactory,
)

pytestmark = pytest.mark.django_db

OTHER_NOTE = "Olga's reading: the mountain scenes carry the whole film."
OTHER_FEEDBACK = "Olga's private advice on the sound mix."
OTHER_TOTAL = Decimal("8.765")  # shown as 8.77


def html(response):
    return response.content.decode()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture
def member(juror, edition):
    return JuryMember.objects.get(user=juror, edition=edition)


@pytest.fixture
def criteria(edition):
    return [
        CriterionFactory(
            edition=edition,
            name="Artistic quality",
            description="Writing, direction, images and sound.",
            weight=2,
            scale_min=1,
            scale_max=10,
            position=1,
        ),
        CriterionFactory(
            edition=edition,
            name="Feasibility",
            description="Can it be finished?",
            scale_min=1,
            scale_max=5,
            position=2,
        ),
    ]


@pytest.fixture
def round_(edition, member, criteria):
    return RoundFactory(
        edition=edition,
        name="Final round",
        phase=Phase.SCORING,
        deadline=timezone.now() + dt.timedelta(days=7),
        members=[member],
    )


def project_with_materials(call, producer, *, title="La Cordillera", stills=1, documents=1):
    project = submitted_project(
        call=call,
        owner=producer,
        original_title=title,
        english_title="The Range",
        logline="A mother crosses the Andes to bring her son home.",
        short_synopsis="Short synopsis of the crossing.",
        director_statement="Why I film the mountains.",
        previous_festivals="Bolivia Lab 2025",
    )
    ProjectCompanyFactory(project=project, name="Andes Films", country="PE", share=60)
    ProjectCompanyFactory(
        project=project,
        name="Lumière du Sud",
        country="FR",
        role=CompanyRole.CO_PRODUCER,
        share=40,
        position=1,
    )
    DirectorFactory(project=project, name="Rosa Quispe", biography="Born in Cusco in 1988.")
    CutFactory(
        project=project,
        number=1,
        screener_url="https://vimeo.com/111",
        screener_password="old-password",
    )
    CutFactory(
        project=project,
        number=2,
        screener_url="https://vimeo.com/222",
        screener_password="cordillera-2027",
    )
    PostProductionItemFactory(project=project, need=PostProductionNeed.COLOUR, amount=25000)
    for _number in range(stills):
        StillFactory(project=project)
    kinds = [
        Material.BUDGET,
        Material.FINANCING_PLAN,
        Material.CHAIN_OF_TITLE,
        Material.POST_PRODUCTION_PLAN,
        Material.DIRECTOR_FILMOGRAPHY,
    ]
    for kind in kinds[:documents]:
        DocumentFactory(project=project, kind=kind)
    return project


@pytest.fixture
def project(call, producer, round_):
    project = project_with_materials(call, producer)
    RoundProjectFactory(round=round_, project=project)
    return project


@pytest.fixture
def assignment(round_, member, project):
    return AssignmentFactory(round=round_, member=member, project=project)


@pytest.fixture
def juror_client(client, juror):
    client.force_login(juror)
    return client


def other_juror_review(round_, project, criteria, *, name="Olga Otrajurado", note=OTHER_NOTE):
    other = JuryMemberFactory(edition=round_.edition, user=UserFactory(full_name=name))
    other_assignment = AssignmentFactory(round=round_, member=other, project=project)
    review = ReviewFactory(
        assignment=other_assignment,
        note=note,
        producer_feedback=OTHER_FEEDBACK,
        total=OTHER_TOTAL,
    )
    ScoreFactory(review=review, criterion=criteria[0], value=9)
    ScoreFactory(review=review, criterion=criteria[1], value=4)
    return review


@pytest.fixture
def other_review(round_, project, criteria):
    return other_juror_review(round_, project, criteria)


def submit_own(assignment, juror, criteria, **kwargs):
    return services.save_review(
        assignment=assignment,
        by=juror,
        scores={criteria[0].pk: 6, criteria[1].pk: 3},
        note=kwargs.get("note", "My own note for the jury."),
        producer_feedback=kwargs.get("producer_feedback", "My feedback."),
        recommendation="discuss",
        submit=True,
    )


def review_url(assignment):
    return reverse("juries:review", kwargs={"pk": assignment.pk})


def review_post(criteria, **values):
    data = {
        f"score_{criteria[0].pk}": "7",
        f"score_{criteria[1].pk}": "4",
        "note": "A strong, personal film; the second half needs work.",
        "producer_feedback": "Tighten the second act.",
        "recommendation": "select",
        "session_preference": "",
    }
    data.update(values)
    return data


# --- The invitation ---------------------------------------------------------------------


@pytest.fixture
def invite(edition, session, staff, django_capture_on_commit_callbacks):
    """A pending invitation and the secret of its link, read from the mail."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_juror(
            edition=edition,
            email="Ines.Invitada@example.org",
            full_name="Inés Invitada",
            by=staff,
            language="es",
            session=session,
            is_president=True,
            message="We would love to have your eye on this year's films.",
        )
    token = re.search(r"/jury/invitation/([^/]+)/", mail.outbox[-1].body).group(1)
    mail.outbox.clear()
    return invitation, token


def invitation_url(token):
    return reverse("juries:invitation", kwargs={"token": token})


def test_invitation_page_shows_the_invitation(client, invite, edition, session):
    _invitation, token = invite
    response = client.get(invitation_url(token))
    assert response.status_code == 200
    page = html(response)
    assert "Films in Progress" in page
    assert edition.display_title in page
    assert session.display_name in page
    assert "President of the jury" in page
    assert "We would love to have your eye on this year&#x27;s films." in page
    assert 'value="decline"' in page
    assert "Sign in to accept" in page
    assert f"{reverse('accounts:login')}?next=" in page
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    form = response.context["signup_form"]
    assert form["full_name"].value() == "Inés Invitada"
    assert form["email"].value() == "ines.invitada@example.org"
    assert form.fields["email"].disabled
    assert form["language"].value() == "es"


def test_invitation_opening_changes_nothing(client, invite):
    invitation, token = invite
    client.get(invitation_url(token))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert (
        not JuryMember.objects.filter(edition=invitation.edition)
        .exclude(user__email="juror@example.org")
        .exists()
    )


def test_invitation_unknown_token_404(client, invite):
    response = client.get(invitation_url("not-the-token"))
    assert response.status_code == 404
    assert "This invitation link does not work" in html(response)
    assert response["Referrer-Policy"] == "strict-origin"


def test_invitation_accept_signed_in(client, invite):
    invitation, token = invite
    person = UserFactory(email="ines.otra@example.org", full_name="Inés Invitada")
    client.force_login(person)
    response = client.post(invitation_url(token), {"action": "accept"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("juries:home")
    member = JuryMember.objects.get(edition=invitation.edition, user=person)
    assert member.is_president
    assert member.session == invitation.session
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.member == member
    assert any("Welcome to the jury" in message for message in messages_of(response))
    assert "My reviews" in html(response)


def test_invitation_accept_signed_out_goes_to_sign_in(client, invite):
    invitation, token = invite
    response = client.post(invitation_url(token), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_sign_up_makes_a_confirmed_account_and_accepts(
    client, invite, password, django_capture_on_commit_callbacks
):
    invitation, token = invite
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invitation_url(token),
            {
                "action": "signup",
                "full_name": "Inés Invitada Paz",
                "email": "someone.else@example.org",  # not editable: ignored
                "password1": password,
                "password2": password,
                "language": "fr",
                "accept_data_use": "on",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/fr/jury/"
    user = User.objects.get(email="ines.invitada@example.org")
    assert user.full_name == "Inés Invitada Paz"
    assert user.language == "fr"
    assert user.email_confirmed
    assert user.check_password(password)
    assert not User.objects.filter(email="someone.else@example.org").exists()
    assert int(client.session[SESSION_KEY]) == user.pk
    # The invitation's link proved the address: no mail asks to confirm it.
    assert not Mail.objects.filter(recipient=user).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.member.user == user
    assert {tuple(message.to) for message in mail.outbox} <= {("ines.invitada@example.org",)}


def test_invitation_sign_up_refused_when_the_address_has_an_account(client, invite, password):
    invitation, token = invite
    UserFactory(email="ines.invitada@example.org", full_name="Inés de antes")
    page = client.get(invitation_url(token))
    assert "already exists" in html(page)
    assert "signup_form" not in page.context
    response = client.post(
        invitation_url(token),
        {
            "action": "signup",
            "full_name": "Inés Invitada",
            "password1": password,
            "password2": password,
            "language": "es",
            "accept_data_use": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["signup_form"].errors["email"]
    assert "An account with this email address already exists" in errors[0]
    assert "Sign in to accept" in html(response)
    assert User.objects.filter(email__iexact="ines.invitada@example.org").count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_sign_up_weak_password_refused_keeps_what_was_typed(client, invite):
    invitation, token = invite
    response = client.post(
        invitation_url(token),
        {
            "action": "signup",
            "full_name": "Inés Tecleado",
            "password1": "12345",
            "password2": "12345",
            "language": "es",
            "accept_data_use": "on",
        },
    )
    assert response.status_code == 200
    form = response.context["signup_form"]
    assert "password2" in form.errors
    assert 'value="Inés Tecleado"' in html(response)
    assert not User.objects.filter(email="ines.invitada@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_decline(client, invite):
    invitation, token = invite
    response = client.post(invitation_url(token), {"action": "decline"}, follow=True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    page = html(response)
    assert "This invitation was declined" in page
    assert 'value="accept"' not in page
    assert 'value="decline"' not in page
    assert "signup_form" not in response.context


@pytest.mark.parametrize("status", [InvitationStatus.ACCEPTED, InvitationStatus.WITHDRAWN])
def test_invitation_answered_shows_its_state_without_buttons(client, invite, status):
    invitation, token = invite
    Invitation.objects.filter(pk=invitation.pk).update(status=status, answered_at=timezone.now())
    response = client.get(invitation_url(token))
    page = html(response)
    assert response.status_code == 200
    assert 'value="accept"' not in page
    assert 'value="decline"' not in page
    assert 'value="signup"' not in page
    if status == InvitationStatus.ACCEPTED:
        assert "This invitation was accepted" in page
    else:
        assert "withdrew this invitation" in page


def test_invitation_accept_withdrawn_refused(client, invite):
    invitation, token = invite
    services.withdraw_invitation(invitation=invitation, by=None)
    person = UserFactory()
    client.force_login(person)
    response = client.post(invitation_url(token), {"action": "accept"}, follow=True)
    assert "This invitation is no longer open." in messages_of(response)
    assert not JuryMember.objects.filter(user=person).exists()


# --- My reviews -------------------------------------------------------------------------


def test_home_signed_out_goes_to_sign_in(client):
    response = client.get(reverse("juries:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_lists_rounds_with_progress_and_assignments(
    juror_client, juror, round_, assignment, call, producer, member, criteria
):
    second = project_with_materials(call, producer, title="El Segundo")
    AssignmentFactory(round=round_, member=member, project=second)
    ReviewFactory(assignment=assignment)
    round_.deadline = dt.datetime(2030, 3, 1, 13, 30, tzinfo=dt.UTC)  # 14:30 in Paris
    round_.save()
    response = juror_client.get(reverse("juries:home"))
    page = html(response)
    assert response.status_code == 200
    assert "Final round" in page
    assert "Blind scoring" in page
    assert "1 of 2 reviews submitted" in page
    assert "March 1, 2030, 2:30 p.m. (Europe/Paris time)" in page
    assert reverse("juries:review", kwargs={"pk": assignment.pk}) in page
    assert "La Cordillera" in page
    assert "El Segundo" in page
    assert "Not started" in page
    assert f'href="{reverse("juries:home")}"' in page  # the navigation link


def test_home_setup_round_links_to_its_projects(juror_client, edition, member):
    setup = RoundFactory(
        edition=edition, phase=Phase.SETUP, assignments_published_at=None, members=[member]
    )
    page = html(juror_client.get(reverse("juries:home")))
    assert reverse("juries:round_projects", kwargs={"pk": setup.pk}) in page


def test_home_without_round_yet(juror_client, edition):
    page = html(juror_client.get(reverse("juries:home")))
    assert "has not opened a round of reviewing yet" in page


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_home_leaves_out_conflicted_projects(juror_client, assignment, member, project, status):
    ConflictFactory(member=member, project=project, status=status)
    page = html(juror_client.get(reverse("juries:home")))
    assert "La Cordillera" not in page
    assert review_url(assignment) not in page
    assert "0 of 1" not in page


def test_home_leaves_out_unpublished_assignments(juror_client, assignment, round_):
    round_.assignments_published_at = None
    round_.save()
    page = html(juror_client.get(reverse("juries:home")))
    assert "La Cordillera" not in page
    assert "once the festival team publishes the assignment" in page


def test_home_producer_sees_no_jury(producer_client, assignment):
    page = html(producer_client.get(reverse("juries:home")))
    assert "You are not on a jury" in page
    assert "La Cordillera" not in page
    assert 'href="/en/jury/"' not in page


def home_queries(client, django_assert_max_num_queries, queries):
    with django_assert_max_num_queries(queries) as captured:
        response = client.get(reverse("juries:home"))
    assert response.status_code == 200
    return len(captured)


def test_home_query_count_does_not_grow(
    juror_client, juror, round_, assignment, member, call, producer, django_assert_max_num_queries
):
    small = home_queries(juror_client, django_assert_max_num_queries, 8)
    for number in range(3):
        other = project_with_materials(call, producer, title=f"Another {number}")
        ReviewFactory(assignment=AssignmentFactory(round=round_, member=member, project=other))
    edition = EditionFactory()
    other_member = JuryMemberFactory(edition=edition, user=juror)
    other_round = RoundFactory(edition=edition, members=[other_member])
    AssignmentFactory(
        round=other_round,
        member=other_member,
        project=submitted_project(call=CallFactory(edition=edition)),
    )
    assert home_queries(juror_client, django_assert_max_num_queries, 8) == small


# --- A round's projects -----------------------------------------------------------------


@pytest.fixture
def setup_round(edition, member, criteria):
    return RoundFactory(
        edition=edition,
        name="Pre-selection",
        phase=Phase.SETUP,
        assignments_published_at=None,
        members=[member],
    )


@pytest.fixture
def listed(setup_round, call, producer):
    project = project_with_materials(call, producer)
    RoundProjectFactory(round=setup_round, project=project)
    return project


def projects_url(round_, **query):
    url = reverse("juries:round_projects", kwargs={"pk": round_.pk})
    return f"{url}?page={query['page']}" if query else url


def test_round_projects_lists_what_recognises_a_conflict(juror_client, setup_round, listed):
    response = juror_client.get(projects_url(setup_round))
    page = html(response)
    assert response.status_code == 200
    assert "La Cordillera" in page
    assert "The Range" in page
    assert "A mother crosses the Andes" in page
    assert "Fiction" in page
    assert "Andes Films (Peru)" in page
    assert "Lumière du Sud (France)" in page
    assert "Rosa Quispe" in page
    assert "vimeo.com" not in page
    assert "cordillera-2027" not in page
    assert "/stills/" not in page
    assert "/documents/" not in page
    assert "Declare a conflict" in page
    assert f'name="interest_{listed.pk}"' in page


def test_round_projects_leaves_out_staff_conflicts_and_marks_declared(
    juror_client, setup_round, listed, member, call, producer
):
    confirmed = project_with_materials(call, producer, title="Confirmada")
    suggested = project_with_materials(call, producer, title="Sugerida")
    dismissed = project_with_materials(call, producer, title="Descartada")
    for project in (confirmed, suggested, dismissed):
        RoundProjectFactory(round=setup_round, project=project)
    ConflictFactory(member=member, project=confirmed, status=ConflictStatus.CONFIRMED)
    ConflictFactory(member=member, project=suggested, status=ConflictStatus.SUGGESTED)
    ConflictFactory(member=member, project=dismissed, status=ConflictStatus.DISMISSED)
    ConflictFactory(
        member=member, project=listed, status=ConflictStatus.DECLARED, reason="My cousin"
    )
    response = juror_client.get(projects_url(setup_round))
    page = html(response)
    assert "Confirmada" not in page
    assert "Sugerida" not in page
    assert "Descartada" in page
    assert "Conflict declared" in page
    assert "My cousin" in page
    assert f'name="interest_{listed.pk}"' not in page
    assert response.context["paginator"].count == 2


def test_round_projects_leaves_out_withdrawn_projects(juror_client, setup_round, listed):
    listed.status = ProjectStatus.WITHDRAWN
    listed.save()
    assert "La Cordillera" not in html(juror_client.get(projects_url(setup_round)))


def test_round_projects_signed_out_goes_to_sign_in(client, setup_round):
    response = client.get(projects_url(setup_round))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_round_projects_producer_404(producer_client, setup_round, listed):
    assert producer_client.get(projects_url(setup_round)).status_code == 404


def test_round_projects_juror_not_in_the_round_404(client, setup_round, listed, edition):
    outsider = JuryMemberFactory(edition=edition)
    client.force_login(outsider.user)
    assert client.get(projects_url(setup_round)).status_code == 404


def test_round_projects_juror_of_another_edition_404(client, setup_round, listed):
    stranger = JuryMemberFactory()
    RoundFactory(edition=stranger.edition, phase=Phase.SETUP, members=[stranger])
    client.force_login(stranger.user)
    assert client.get(projects_url(setup_round)).status_code == 404


def test_round_projects_after_setup_sends_to_home_with_message(juror_client, round_):
    response = juror_client.get(projects_url(round_), follow=True)
    assert response.redirect_chain[-1][0] == reverse("juries:home")
    assert any("open only before the assignment" in m for m in messages_of(response))


def test_round_projects_saves_changed_interest(
    juror_client, setup_round, listed, member, call, producer
):
    second = project_with_materials(call, producer, title="Zeta")
    RoundProjectFactory(round=setup_round, project=second)
    InterestFactory(member=member, project=second, level=InterestLevel.NEUTRAL)
    response = juror_client.post(
        projects_url(setup_round),
        {f"interest_{listed.pk}": "interested", f"interest_{second.pk}": "neutral"},
        follow=True,
    )
    assert "Your interest in one project is saved." in messages_of(response)
    assert dict(Interest.objects.filter(member=member).values_list("project", "level")) == {
        listed.pk: InterestLevel.INTERESTED,
        second.pk: InterestLevel.NEUTRAL,
    }
    assert 'value="interested" checked' in html(response)


def test_round_projects_unknown_interest_refused(juror_client, setup_round, listed, member):
    response = juror_client.post(projects_url(setup_round), {f"interest_{listed.pk}": "very"})
    assert response.status_code == 200
    assert "Nothing was saved" in messages_of(response)[0]
    assert f"interest_{listed.pk}" in response.context["interest_form"].errors
    assert not Interest.objects.exists()


def test_round_projects_interest_of_a_staff_conflict_ignored(
    juror_client, setup_round, listed, member
):
    ConflictFactory(member=member, project=listed, status=ConflictStatus.CONFIRMED)
    juror_client.post(projects_url(setup_round), {f"interest_{listed.pk}": "interested"})
    assert not Interest.objects.exists()


def round_conflict_url(round_, project):
    return reverse(
        "juries:round_declare_conflict", kwargs={"pk": round_.pk, "project_pk": project.pk}
    )


def test_round_projects_declare_conflict(juror_client, setup_round, listed, member, juror):
    response = juror_client.post(
        round_conflict_url(setup_round, listed),
        {f"conflict-{listed.pk}-reason": "I co-produced her first film."},
        follow=True,
    )
    conflict = Conflict.objects.get(member=member, project=listed)
    assert conflict.status == ConflictStatus.DECLARED
    assert conflict.reason == "I co-produced her first film."
    assert conflict.created_by == juror
    assert "Conflict declared" in html(response)
    assert any("you will not be asked to review" in m for m in messages_of(response))


def test_round_projects_declare_conflict_needs_a_reason(juror_client, setup_round, listed):
    response = juror_client.post(
        round_conflict_url(setup_round, listed), {f"conflict-{listed.pk}-reason": "  "}
    )
    assert response.status_code == 200
    row = next(row for row in response.context["rows"] if row["project"] == listed)
    assert row["conflict_open"]
    assert row["conflict_form"].errors["reason"] == ["Say briefly why, for the festival's records."]
    assert not Conflict.objects.exists()


def test_round_projects_declare_conflict_on_a_project_not_listed_404(
    juror_client, setup_round, listed, member, call, producer
):
    hidden = project_with_materials(call, producer, title="Escondida")
    RoundProjectFactory(round=setup_round, project=hidden)
    ConflictFactory(member=member, project=hidden, status=ConflictStatus.SUGGESTED)
    elsewhere = project_with_materials(call, producer, title="Fuera")
    for project in (hidden, elsewhere):
        response = juror_client.post(
            round_conflict_url(setup_round, project), {f"conflict-{project.pk}-reason": "x"}
        )
        assert response.status_code == 404
    assert list(Conflict.objects.values_list("project", "status")) == [
        (hidden.pk, ConflictStatus.SUGGESTED)
    ]


def test_round_projects_paginated(juror_client, setup_round, call, producer):
    for _number in range(51):
        RoundProjectFactory(round=setup_round, project=submitted_project(call=call))
    first = juror_client.get(projects_url(setup_round))
    second = juror_client.get(projects_url(setup_round, page=2))
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1


def round_queries(client, round_, django_assert_max_num_queries):
    with django_assert_max_num_queries(13) as captured:
        response = client.get(projects_url(round_))
    assert response.status_code == 200
    return len(captured)


def test_round_projects_query_count_does_not_grow(
    juror_client, setup_round, listed, member, call, producer, django_assert_max_num_queries
):
    small = round_queries(juror_client, setup_round, django_assert_max_num_queries)
    for number in range(4):
        project = project_with_materials(call, producer, title=f"Más {number}")
        RoundProjectFactory(round=setup_round, project=project)
        InterestFactory(member=member, project=project)
    ConflictFactory(member=member, project=project, status=ConflictStatus.DECLARED)
    assert round_queries(juror_client, setup_round, django_assert_max_num_queries) == small


# --- The review page --------------------------------------------------------------------


def test_review_page_shows_the_project_its_materials_and_the_screener(
    juror_client, assignment, project, criteria
):
    response = juror_client.get(review_url(assignment))
    page = html(response)
    assert response.status_code == 200
    for text in [
        "La Cordillera",
        "The Range",
        "A mother crosses the Andes to bring her son home.",
        "Short synopsis of the crossing.",
        "Why I film the mountains.",
        "Bolivia Lab 2025",
        "Spanish, Quechua",
        "Andes Films",
        "Lumière du Sud",
        "60&nbsp;%",
        "40&nbsp;%",
        "Rosa Quispe",
        "Born in Cusco in 1988.",
        "Colour grading",
        "25,000.00",
        "450,000.00",
        "380,000.00",
        "70,000.00",
        "Bolivia Lab 2025",
        "Not shown in public anywhere",
        "Cut 2",
        "https://vimeo.com/222",
        "cordillera-2027",
        "92 minutes",
    ]:
        assert text in page, text
    assert "https://vimeo.com/111" not in page
    still = project.stills.get()
    document = project.documents.get()
    thumb = reverse("juries:still_file", args=[assignment.pk, still.pk, "thumb"])
    web = reverse("juries:still_file", args=[assignment.pk, still.pk, "web"])
    assert f'<a href="{web}"><img src="{thumb}"' in page
    assert reverse("juries:document_file", args=[assignment.pk, document.pk]) in page
    assert "/submissions/stills/" not in page
    assert "/submissions/documents/" not in page
    assert "/submissions/directors/" not in page


def test_review_page_has_a_field_per_criterion(juror_client, assignment, criteria, session):
    response = juror_client.get(review_url(assignment))
    form = response.context["review_form"]
    quality = form.fields[f"score_{criteria[0].pk}"]
    feasibility = form.fields[f"score_{criteria[1].pk}"]
    assert [value for value, _label in quality.choices] == ["", *range(1, 11)]
    assert [value for value, _label in feasibility.choices] == ["", *range(1, 6)]
    assert quality.help_text == "Writing, direction, images and sound."
    assert (session.pk, session.display_name) in form.fields["session_preference"].choices
    page = html(response)
    assert "Save draft" in page
    assert "Submit review" in page
    assert "Artistic quality" in page
    assert "Your weighted score as saved" not in page


@pytest.fixture
def other_round_juror(edition, call):
    """A juror of the same edition, assigned in another round."""
    other = JuryMemberFactory(edition=edition)
    other_round = RoundFactory(edition=edition, members=[other])
    AssignmentFactory(round=other_round, member=other, project=submitted_project(call=call))
    return other.user


def denied_addresses(assignment, project):
    still = project.stills.get()
    document = project.documents.get()
    director = project.directors.get()
    return [
        ("get", review_url(assignment)),
        ("get", reverse("juries:still_file", args=[assignment.pk, still.pk, "web"])),
        ("get", reverse("juries:document_file", args=[assignment.pk, document.pk])),
        ("get", reverse("juries:director_photo_file", args=[assignment.pk, director.pk])),
        ("post", reverse("juries:comment", kwargs={"pk": assignment.pk})),
        ("post", reverse("juries:declare_conflict", kwargs={"pk": assignment.pk})),
        ("post", review_url(assignment)),
    ]


def assert_sees_nothing(client, assignment, project, criteria):
    for method, url in denied_addresses(assignment, project):
        data = {"text": "Hello", "conflict-reason": "x", **review_post(criteria)}
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    home = html(client.get(reverse("juries:home")))
    assert "La Cordillera" not in home
    assert review_url(assignment) not in home


def assert_nothing_changed(assignment):
    assert not Review.objects.filter(assignment=assignment).exists()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["producer", "unassigned", "other_round", "other_edition"])
def test_review_page_and_files_404_for_others(
    client, who, assignment, project, criteria, producer, edition, other_round_juror
):
    conflicts_before = Conflict.objects.count()
    person = {
        "producer": producer,
        "unassigned": JuryMemberFactory(edition=edition).user,
        "other_round": other_round_juror,
        "other_edition": AssignmentFactory().member.user,
    }[who]
    client.force_login(person)
    assert_sees_nothing(client, assignment, project, criteria)
    assert_nothing_changed(assignment)
    assert Conflict.objects.count() == conflicts_before


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_review_page_and_files_404_in_conflict(
    juror_client, assignment, project, criteria, member, status
):
    ConflictFactory(member=member, project=project, status=status)
    assert_sees_nothing(juror_client, assignment, project, criteria)
    assert_nothing_changed(assignment)
    assert Conflict.objects.get().status == status


def test_review_page_404_when_assignments_unpublished(
    juror_client, assignment, project, criteria, round_
):
    round_.assignments_published_at = None
    round_.save()
    assert_sees_nothing(juror_client, assignment, project, criteria)
    assert_nothing_changed(assignment)


def test_review_page_404_for_a_juror_who_left_the_round(
    juror_client, assignment, project, criteria, round_, member
):
    round_.members.remove(member)
    assert_sees_nothing(juror_client, assignment, project, criteria)


def test_review_page_signed_out_goes_to_sign_in(client, assignment):
    response = client.get(review_url(assignment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def assert_no_trace_of_others(response):
    page = html(response)
    assert "Olga" not in page
    assert OTHER_NOTE not in page
    assert OTHER_FEEDBACK not in page
    assert "8.77" not in page
    assert 'id="discussion"' not in page
    assert "No other juror" not in page
    assert response.context["others"] == []
    assert response.context["comments"] == []


def test_review_blind_phase_shows_nothing_of_others_even_after_submitting(
    juror_client, juror, assignment, criteria, other_review
):
    assert_no_trace_of_others(juror_client.get(review_url(assignment)))
    submit_own(assignment, juror, criteria)
    assert_no_trace_of_others(juror_client.get(review_url(assignment)))


def test_review_discussion_shows_nothing_of_others_before_submitting(
    juror_client, juror, assignment, criteria, other_review, round_
):
    round_.phase = Phase.DISCUSSION
    round_.save()
    Comment.objects.create(
        round=round_, project=assignment.project, author=other_review.member, text="Olga says"
    )
    assert_no_trace_of_others(juror_client.get(review_url(assignment)))
    services.save_review(
        assignment=assignment, by=juror, scores={criteria[0].pk: 5}, note="draft only"
    )
    assert_no_trace_of_others(juror_client.get(review_url(assignment)))


def test_review_discussion_after_submitting_shows_others_but_never_their_feedback(
    juror_client, juror, assignment, criteria, other_review, round_, project
):
    round_.phase = Phase.DISCUSSION
    round_.save()
    submit_own(assignment, juror, criteria)
    Comment.objects.create(
        round=round_, project=project, author=other_review.member, text="Shall we select it?"
    )
    response = juror_client.get(review_url(assignment))
    page = html(response)
    assert "Olga Otrajurado" in page
    assert "Olga&#x27;s reading: the mountain scenes carry the whole film." in page
    assert "8.77" in page
    assert "Artistic quality: <strong>9</strong>" in page
    assert "Feasibility: <strong>4</strong>" in page
    assert "Shall we select it?" in page
    assert "Olga&#x27;s private advice" not in page
    assert OTHER_FEEDBACK not in page
    assert response.context["can_comment"]


def test_review_discussion_leaves_out_reviews_of_jurors_in_conflict(
    juror_client, juror, assignment, criteria, other_review, round_, project
):
    round_.phase = Phase.DISCUSSION
    round_.save()
    submit_own(assignment, juror, criteria)
    ConflictFactory(member=other_review.member, project=project)
    assert "Olga" not in html(juror_client.get(review_url(assignment)))


def test_review_closed_phase_is_read_only(
    juror_client, juror, assignment, criteria, other_review, round_
):
    submit_own(assignment, juror, criteria)
    round_.phase = Phase.CLOSED
    round_.save()
    response = juror_client.get(review_url(assignment))
    page = html(response)
    assert response.context["review_form"] is None
    assert "The jury is closed: reviews are read-only." in page
    assert "My own note for the jury." in page
    assert "Olga Otrajurado" in page  # closed still shows the jury's reviews
    assert 'name="submit"' not in page
    assert not response.context["can_comment"]
    response = juror_client.post(review_url(assignment), review_post(criteria, note="Changed"))
    assert "Reviews cannot be changed in this phase of the jury." in messages_of(response)
    assert Review.objects.get(assignment=assignment).note == "My own note for the jury."


def test_review_setup_phase_is_read_only(juror_client, assignment, criteria, round_):
    round_.phase = Phase.SETUP
    round_.save()
    response = juror_client.get(review_url(assignment))
    assert response.context["review_form"] is None
    assert "Reviewing opens when the festival team starts the scoring." in html(response)


def test_review_after_the_deadline_refused_nothing_changed(
    juror_client, juror, assignment, criteria, round_
):
    submit_own(assignment, juror, criteria)
    round_.deadline = timezone.now() - dt.timedelta(minutes=1)
    round_.save()
    response = juror_client.post(
        review_url(assignment), review_post(criteria, note="Typed after the deadline")
    )
    assert response.status_code == 200
    assert "The jury's deadline has passed: reviews can no longer change." in messages_of(response)
    assert "Typed after the deadline" in html(response)  # shown back, to copy
    review = Review.objects.get(assignment=assignment)
    assert review.note == "My own note for the jury."
    assert dict(review.scores.values_list("criterion", "value")) == {
        criteria[0].pk: 6,
        criteria[1].pk: 3,
    }


def test_review_score_out_of_scale_refused_at_the_field(juror_client, assignment, criteria):
    response = juror_client.post(
        review_url(assignment),
        review_post(criteria, **{f"score_{criteria[1].pk}": "9"}),
    )
    assert response.status_code == 200
    form = response.context["review_form"]
    assert form.errors[f"score_{criteria[1].pk}"] == ["Give a score from 1 to 5."]
    assert "Give a score from 1 to 5." in html(response)
    assert "A strong, personal film; the second half needs work." in html(response)
    assert not Review.objects.exists()
    assert not Score.objects.exists()


def test_review_submit_needs_every_score_and_a_recommendation(juror_client, assignment, criteria):
    response = juror_client.post(
        review_url(assignment),
        review_post(criteria, **{f"score_{criteria[1].pk}": "", "recommendation": ""}, submit="1"),
    )
    assert response.status_code == 200
    errors = response.context["review_form"].errors
    assert errors[f"score_{criteria[1].pk}"] == ["Score this criterion to submit your review."]
    assert errors["recommendation"] == ["Give your recommendation to submit your review."]
    assert "Tighten the second act." in html(response)
    assert not Review.objects.exists()


def test_review_draft_then_submit(juror_client, assignment, criteria, session):
    response = juror_client.post(
        review_url(assignment),
        review_post(criteria, **{f"score_{criteria[1].pk}": "", "draft": "1"}),
        follow=True,
    )
    assert "Draft saved. Submit your review when it is complete." in messages_of(response)
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.DRAFT
    assert review.total is None
    assert dict(review.scores.values_list("criterion", "value")) == {criteria[0].pk: 7}
    form = response.context["review_form"]
    assert form.initial[f"score_{criteria[0].pk}"] == 7
    assert form.initial["note"] == "A strong, personal film; the second half needs work."

    response = juror_client.post(
        review_url(assignment),
        review_post(criteria, session_preference=str(session.pk), submit="1"),
        follow=True,
    )
    assert any("Your review is submitted" in m for m in messages_of(response))
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.submitted_at is not None
    assert review.session_preference == session
    assert review.recommendation == "select"
    # (2 × 6/9 + 1 × 3/4) / 3 × 10
    assert review.total == Decimal("6.944")
    assert "Save changes" in html(response)


def test_review_edited_after_submitting_stays_submitted(juror_client, juror, assignment, criteria):
    first = submit_own(assignment, juror, criteria)
    response = juror_client.post(
        review_url(assignment),
        review_post(criteria, note="Second thoughts.", save="1"),
        follow=True,
    )
    assert "Your review is updated." in messages_of(response)
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.submitted_at == first.submitted_at
    assert review.note == "Second thoughts."
    assert review.scores.get(criterion=criteria[0]).value == 7


def test_review_edited_after_submitting_cannot_drop_a_score(
    juror_client, juror, assignment, criteria
):
    submit_own(assignment, juror, criteria)
    response = juror_client.post(
        review_url(assignment), review_post(criteria, **{f"score_{criteria[0].pk}": ""})
    )
    assert response.context["review_form"].errors[f"score_{criteria[0].pk}"]
    assert Review.objects.get(assignment=assignment).scores.count() == 2


def test_review_session_of_another_edition_refused(juror_client, assignment, criteria):
    elsewhere = SessionFactory()
    response = juror_client.post(
        review_url(assignment), review_post(criteria, session_preference=str(elsewhere.pk))
    )
    assert response.context["review_form"].errors["session_preference"] == [
        "Choose a session of this edition."
    ]
    assert not Review.objects.exists()


def test_review_unknown_recommendation_refused(juror_client, assignment, criteria):
    response = juror_client.post(
        review_url(assignment), review_post(criteria, recommendation="maybe")
    )
    assert response.context["review_form"].errors["recommendation"] == ["Choose a recommendation."]
    assert not Review.objects.exists()


def test_review_not_a_number_score_refused(juror_client, assignment, criteria):
    response = juror_client.post(
        review_url(assignment), review_post(criteria, **{f"score_{criteria[0].pk}": "ten"})
    )
    assert response.status_code == 200
    assert response.context["review_form"].errors[f"score_{criteria[0].pk}"] == [
        "Give a score from 1 to 10."
    ]
    assert not Review.objects.exists()


# --- Discussion and conflicts from the review page --------------------------------------


def comment_url(assignment):
    return reverse("juries:comment", kwargs={"pk": assignment.pk})


def test_comment_added_in_the_discussion(juror_client, juror, assignment, criteria, round_):
    round_.phase = Phase.DISCUSSION
    round_.save()
    submit_own(assignment, juror, criteria)
    response = juror_client.post(
        comment_url(assignment), {"text": "  The ending is unresolved.  "}, follow=True
    )
    comment = Comment.objects.get()
    assert comment.text == "The ending is unresolved."
    assert comment.author == assignment.member
    assert "Your comment is added to the discussion." in messages_of(response)
    assert "The ending is unresolved." in html(response)


def test_discussion_leaves_out_comments_of_jurors_now_in_conflict_or_gone(
    juror_client, juror, assignment, criteria, round_
):
    round_.phase = Phase.DISCUSSION
    round_.save()
    submit_own(assignment, juror, criteria)
    staying, conflicted, gone = (JuryMemberFactory(edition=round_.edition) for _ in range(3))
    round_.members.add(staying, conflicted, gone)
    for member, text in (
        (staying, "Kept word"),
        (conflicted, "Conflicted word"),
        (gone, "Word of a juror who left"),
    ):
        Comment.objects.create(round=round_, project=assignment.project, author=member, text=text)
    ConflictFactory(member=conflicted, project=assignment.project)
    round_.members.remove(gone)
    content = html(juror_client.get(review_url(assignment)))
    assert "Kept word" in content
    assert "Conflicted word" not in content
    assert "Word of a juror who left" not in content


def test_comment_refused_before_submitting(juror_client, assignment, round_):
    round_.phase = Phase.DISCUSSION
    round_.save()
    response = juror_client.post(comment_url(assignment), {"text": "Too early"}, follow=True)
    assert any("once your own review is submitted" in m for m in messages_of(response))
    assert not Comment.objects.exists()


def test_comment_refused_in_blind_scoring(juror_client, juror, assignment, criteria):
    submit_own(assignment, juror, criteria)
    response = juror_client.post(comment_url(assignment), {"text": "Blind"}, follow=True)
    assert any("Comments open in the discussion" in m for m in messages_of(response))
    assert not Comment.objects.exists()


def test_comment_empty_refused(juror_client, juror, assignment, criteria, round_):
    round_.phase = Phase.DISCUSSION
    round_.save()
    submit_own(assignment, juror, criteria)
    response = juror_client.post(comment_url(assignment), {"text": "   "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["text"] == ["Write a comment."]
    assert not Comment.objects.exists()


def test_declare_conflict_from_the_review_page(juror_client, juror, assignment, member, project):
    services.save_review(assignment=assignment, by=juror, scores={}, note="A draft")
    response = juror_client.post(
        reverse("juries:declare_conflict", kwargs={"pk": assignment.pk}),
        {"conflict-reason": "The director is my sister."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("juries:home")
    conflict = Conflict.objects.get(member=member, project=project)
    assert conflict.status == ConflictStatus.DECLARED
    assert conflict.reason == "The director is my sister."
    assert "La Cordillera" in messages_of(response)[0]
    assert review_url(assignment) not in html(response)
    assert juror_client.get(review_url(assignment)).status_code == 404
    assert Review.objects.filter(assignment=assignment).exists()  # kept, hidden, for staff


def test_declare_conflict_needs_a_reason(juror_client, assignment):
    response = juror_client.post(
        reverse("juries:declare_conflict", kwargs={"pk": assignment.pk}), {"conflict-reason": ""}
    )
    assert response.status_code == 200
    assert response.context["conflict_open"]
    assert response.context["conflict_form"].errors["reason"] == [
        "Say briefly why, for the festival's records."
    ]
    assert not Conflict.objects.exists()


def test_juror_pages_navigation_has_the_portal_keys(juror_client, assignment):
    """Jurors' pages answer the navigation's juror check themselves (see
    views.juror.juror_navigation); the menu must offer the same entries as elsewhere."""
    portal_nav = juror_client.get(reverse("submissions:dashboard")).context["nav"]
    juror_nav = juror_client.get(review_url(assignment)).context["nav"]
    assert dict(juror_nav) == dict(portal_nav) == {"staff": False, "juror": True}


def test_producer_never_sees_jurors_names_or_notes(
    producer_client, juror, assignment, project, criteria, other_review
):
    submit_own(assignment, juror, criteria)
    page = html(producer_client.get(project.get_absolute_url()))
    assert "La Cordillera" in page
    assert "Julio Jurado" not in page
    assert "Olga" not in page
    assert "My own note for the jury." not in page
    assert "My feedback." not in page


# --- Query counts -----------------------------------------------------------------------

REVIEW_PAGE_QUERIES = 15


def grow(project, round_, criteria, *, count, call, producer):
    """`count` stills and documents on the project, and `count` other jurors' submitted
    reviews and comments."""
    kinds = [
        Material.BUDGET,
        Material.FINANCING_PLAN,
        Material.CHAIN_OF_TITLE,
        Material.POST_PRODUCTION_PLAN,
        Material.DIRECTOR_FILMOGRAPHY,
    ]
    project.stills.all().delete()
    project.documents.all().delete()
    for number in range(count):
        StillFactory(project=project)
        DocumentFactory(project=project, kind=kinds[number])
        review = other_juror_review(
            round_, project, criteria, name=f"Juror {count}-{number}", note=f"Note {number}"
        )
        Comment.objects.create(round=round_, project=project, author=review.member, text="Hi")


@pytest.mark.parametrize("phase", [Phase.SCORING, Phase.DISCUSSION])
def test_review_page_queries_do_not_grow(
    juror_client,
    juror,
    assignment,
    project,
    criteria,
    round_,
    call,
    producer,
    phase,
    django_assert_max_num_queries,
):
    round_.phase = phase
    round_.save()
    submit_own(assignment, juror, criteria)
    counts = []
    for count in (1, 5):
        Comment.objects.all().delete()
        Review.objects.exclude(assignment=assignment).delete()
        grow(project, round_, criteria, count=count, call=call, producer=producer)
        with django_assert_max_num_queries(REVIEW_PAGE_QUERIES) as captured:
            response = juror_client.get(review_url(assignment))
        assert response.status_code == 200
        assert len(response.context["others"]) == (count if phase == Phase.DISCUSSION else 0)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_saving_a_review_queries_do_not_grow(
    juror_client,
    juror,
    assignment,
    project,
    criteria,
    round_,
    call,
    producer,
    django_assert_max_num_queries,
):
    counts = []
    for count in (1, 5):
        Review.objects.all().delete()
        grow(project, round_, criteria, count=count, call=call, producer=producer)
        with django_assert_max_num_queries(25) as captured:
            response = juror_client.post(review_url(assignment), review_post(criteria))
        assert response.status_code == 302
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_round_projects_leave_out_the_jurors_own_application(client, juror, edition):
    member = JuryMember.objects.get(user=juror, edition=edition)
    round_ = RoundFactory(
        edition=edition, phase=Phase.SETUP, assignments_published_at=None, members=[member]
    )
    own = submitted_project(call__edition=edition, owner=juror, original_title="Mi propia")
    other = submitted_project(call__edition=edition, original_title="La de otra")
    for project in (own, other):
        RoundProjectFactory(round=round_, project=project)
    client.force_login(juror)
    content = html(client.get(reverse("juries:round_projects", kwargs={"pk": round_.pk})))
    assert "La de otra" in content
    assert "Mi propia" not in content
