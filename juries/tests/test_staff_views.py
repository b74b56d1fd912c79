"""The staff's jury pages: the jury, invitations, criteria, rounds, assignment by hand,
progress and conflicts. Denials first: only staff of the edition's programme."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from editions.tests.factories import SessionFactory
from juries.models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Invitation,
    InvitationStatus,
    JuryMember,
    Phase,
    Round,
    RoundKind,
)
from juries.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    RoundProjectFactory,
    ScoreFactory,
    submitted_project,
)
from outbox.models import Mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(edition):
    return RoundFactory(
        edition=edition, name="Pre-selection", phase=Phase.SETUP, assignments_published_at=None
    )


def page_urls(edition, round_, member, criterion, conflict, assignment, invitation):
    return [
        reverse("juries:staff_jury", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_invite", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_member", kwargs={"pk": member.pk}),
        reverse("juries:staff_criterion_create", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_criterion", kwargs={"pk": criterion.pk}),
        reverse("juries:staff_round_create", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_round", kwargs={"pk": round_.pk}),
        reverse("juries:staff_round_edit", kwargs={"pk": round_.pk}),
        reverse("juries:staff_assignments", kwargs={"pk": round_.pk}),
        reverse("juries:staff_progress", kwargs={"pk": round_.pk}),
        reverse("juries:staff_conflicts", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_ranking", kwargs={"pk": round_.pk}),
        reverse("juries:staff_ranking_csv", kwargs={"pk": round_.pk}),
        reverse("juries:staff_reviews_csv", kwargs={"pk": round_.pk}),
        reverse("juries:staff_selection", kwargs={"edition_pk": edition.pk}),
    ]


def action_urls(edition, round_, member, criterion, conflict, assignment, invitation):
    return [
        reverse("juries:staff_invitation_resend", kwargs={"pk": invitation.pk}),
        reverse("juries:staff_invitation_withdraw", kwargs={"pk": invitation.pk}),
        reverse("juries:staff_member_remove", kwargs={"pk": member.pk}),
        reverse("juries:staff_criteria_defaults", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_criterion_delete", kwargs={"pk": criterion.pk}),
        reverse("juries:staff_round_phase", kwargs={"pk": round_.pk}),
        reverse("juries:staff_round_fill", kwargs={"pk": round_.pk}),
        reverse("juries:staff_round_publish", kwargs={"pk": round_.pk}),
        reverse("juries:staff_assign", kwargs={"pk": round_.pk}),
        reverse("juries:staff_auto_assign", kwargs={"pk": round_.pk}),
        reverse("juries:staff_unassign", kwargs={"pk": assignment.pk}),
        reverse("juries:staff_conflict_add", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_conflict_suggest", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_conflict_confirm", kwargs={"pk": conflict.pk}),
        reverse("juries:staff_conflict_dismiss", kwargs={"pk": conflict.pk}),
        reverse("juries:staff_shortlist", kwargs={"pk": round_.pk}),
        reverse("juries:staff_place", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_unplace", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_propose", kwargs={"edition_pk": edition.pk}),
        reverse("juries:staff_lock", kwargs={"edition_pk": edition.pk}),
    ]


@pytest.fixture
def objects(edition, round_, staff):
    member = JuryMemberFactory(edition=edition, user__full_name="Marta Jurado")
    round_.members.add(member)
    criterion = CriterionFactory(edition=edition, name="Artistic quality")
    assignment = AssignmentFactory(round=round_, member=member)
    conflict = ConflictFactory(member=member, status=ConflictStatus.SUGGESTED)
    invitation = Invitation.objects.create(
        edition=edition,
        email="invitee@example.org",
        full_name="Ines Invitada",
        token_hash="x" * 64,
        invited_by=staff,
    )
    return edition, round_, member, criterion, conflict, assignment, invitation


def snapshot():
    return (
        list(Invitation.objects.values_list("pk", "status", "token_hash")),
        list(JuryMember.objects.values_list("pk", "is_president", "session")),
        list(Criterion.objects.values_list("pk", "name")),
        list(Round.objects.values_list("pk", "phase", "assignments_published_at")),
        list(Assignment.objects.values_list("pk", flat=True)),
        list(Conflict.objects.values_list("pk", "status")),
        Mail.objects.count(),
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
            assert client.post(url, {"phase": "scoring"}).status_code == 403, url
    assert snapshot() == before


def test_staff_of_another_programme_get_404_and_change_nothing(client, objects, other_staff):
    before = snapshot()
    client.force_login(other_staff)
    for url in page_urls(*objects):
        assert client.get(url).status_code == 404, url
    for url in action_urls(*objects):
        assert client.post(url, {"phase": "scoring", "reason": "x"}).status_code == 404, url
    assert snapshot() == before


def test_action_addresses_refuse_get(staff_client, objects):
    for url in action_urls(*objects):
        assert staff_client.get(url).status_code == 405, url


def test_every_page_renders_for_staff_with_the_editions_breadcrumb(staff_client, objects):
    edition = objects[0]
    staff_edition = reverse("editions:staff_edition", kwargs={"pk": edition.pk})
    for url in page_urls(*objects):
        if url.endswith(".csv"):
            continue
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert f'href="{staff_edition}"' in response.content.decode(), url


def test_jury_page_lists_members_invitations_criteria_and_rounds(staff_client, objects):
    edition = objects[0]
    content = staff_client.get(
        reverse("juries:staff_jury", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    for text in (
        "Marta Jurado",
        "Ines Invitada",
        "invitee@example.org",
        "Artistic quality",
        "Pre-selection",
        "Waiting for an answer",
    ):
        assert text in content


def test_staff_edition_page_links_to_the_jury(staff_client, edition):
    content = staff_client.get(
        reverse("editions:staff_edition", kwargs={"pk": edition.pk})
    ).content.decode()
    assert reverse("juries:staff_jury", kwargs={"edition_pk": edition.pk}) in content


# --- Invitations ------------------------------------------------------------------------


def test_invite_sends_a_mail_in_the_invitees_language(
    staff_client, edition, django_capture_on_commit_callbacks
):
    session = SessionFactory(edition=edition, city="Toulouse")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("juries:staff_invite", kwargs={"edition_pk": edition.pk}),
            {
                "full_name": "Lucía Jurado",
                "email": "Lucia@Example.org",
                "language": "es",
                "session": session.pk,
                "is_president": "on",
                "affiliation": "Cine Norte",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.session, invitation.is_president) == (
        "lucia@example.org",
        session,
        True,
    )
    mail = Mail.objects.get(kind="juries.invitation")
    assert mail.to == "lucia@example.org"
    assert mail.language == "es"
    assert "/es/jury/invitation/" in mail.body_text


def test_invite_with_bad_input_keeps_what_was_typed(staff_client, edition):
    url = reverse("juries:staff_invite", kwargs={"edition_pk": edition.pk})
    response = staff_client.post(
        url, {"full_name": "Lucía Jurado", "email": "not-an-email", "language": "es"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert 'value="Lucía Jurado"' in content
    assert not Invitation.objects.exists()


def test_invite_twice_is_refused_by_the_field(staff_client, edition, juror):
    url = reverse("juries:staff_invite", kwargs={"edition_pk": edition.pk})
    response = staff_client.post(
        url, {"full_name": "Julio", "email": juror.email, "language": "en"}
    )
    assert "This person is already on the jury." in response.content.decode()
    assert not Invitation.objects.exists()


def test_withdraw_and_resend(staff_client, objects, django_capture_on_commit_callbacks):
    invitation = objects[-1]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("juries:staff_invitation_resend", kwargs={"pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.token_hash != "x" * 64
    assert Mail.objects.filter(kind="juries.invitation", to="invitee@example.org").count() == 1
    staff_client.post(reverse("juries:staff_invitation_withdraw", kwargs={"pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.WITHDRAWN
    response = staff_client.post(
        reverse("juries:staff_invitation_withdraw", kwargs={"pk": invitation.pk}), follow=True
    )
    assert "Only an invitation waiting for an answer can be withdrawn." in (
        response.content.decode()
    )


# --- Members ----------------------------------------------------------------------------


def test_member_edit_names_a_president(staff_client, edition):
    first = JuryMemberFactory(edition=edition, is_president=True)
    second = JuryMemberFactory(edition=edition)
    response = staff_client.post(
        reverse("juries:staff_member", kwargs={"pk": second.pk}),
        {"affiliation": "Cine Sur", "max_load": "12", "is_president": "on"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_president, second.is_president, second.max_load) == (False, True, 12)


def test_member_with_reviews_cannot_be_removed(staff_client, edition):
    review = ReviewFactory(assignment__round__edition=edition)
    response = staff_client.post(
        reverse("juries:staff_member_remove", kwargs={"pk": review.member.pk}), follow=True
    )
    assert "This juror has started reviewing" in response.content.decode()
    assert JuryMember.objects.filter(pk=review.member.pk).exists()


# --- Criteria ---------------------------------------------------------------------------


def test_default_criteria_then_locked_after_the_first_score(staff_client, edition):
    staff_client.post(reverse("juries:staff_criteria_defaults", kwargs={"edition_pk": edition.pk}))
    assert list(edition.criteria.values_list("name", flat=True)) == [
        "Artistic quality",
        "Originality of voice",
        "Need and impact of the support",
        "Feasibility of completion",
        "Audience and market potential",
    ]
    criterion = edition.criteria.first()
    ScoreFactory(review__assignment__round__edition=edition, criterion=criterion)
    response = staff_client.post(
        reverse("juries:staff_criterion", kwargs={"pk": criterion.pk}),
        {"name": "Changed", "weight": "2", "scale_min": "1", "scale_max": "10", "position": "0"},
    )
    assert "the criteria can no longer change" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.name == "Artistic quality"
    response = staff_client.post(
        reverse("juries:staff_criterion_delete", kwargs={"pk": criterion.pk}), follow=True
    )
    assert "the criteria can no longer change" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_criterion_scale_upside_down_is_refused_by_the_field(staff_client, edition):
    response = staff_client.post(
        reverse("juries:staff_criterion_create", kwargs={"edition_pk": edition.pk}),
        {"name": "Sound", "weight": "1", "scale_min": "5", "scale_max": "3", "position": "1"},
    )
    assert "The highest score must be above the lowest score." in response.content.decode()
    assert not Criterion.objects.exists()


# --- Rounds -----------------------------------------------------------------------------


def test_round_create_in_the_editions_time_zone(staff_client, edition):
    member = JuryMemberFactory(edition=edition)
    year = timezone.now().year + 1
    response = staff_client.post(
        reverse("juries:staff_round_create", kwargs={"edition_pk": edition.pk}),
        {
            "name": "Final round",
            "kind": RoundKind.FINAL,
            "deadline": f"{year}-02-10T18:00",
            "reviews_per_project": "3",
            "reminder_days": "2, 7",
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.deadline == dt.datetime(year, 2, 10, 17, 0, tzinfo=dt.UTC)  # Paris, winter
    assert round_.reminder_days == [7, 2]
    assert list(round_.members.all()) == [member]


def test_round_with_bad_reminders_and_past_deadline_keeps_what_was_typed(staff_client, edition):
    response = staff_client.post(
        reverse("juries:staff_round_create", kwargs={"edition_pk": edition.pk}),
        {
            "name": "Pre-selection committee",
            "kind": RoundKind.PRESELECTION,
            "deadline": "2001-02-10T18:00",
            "reviews_per_project": "0",
            "reminder_days": "seven",
        },
    )
    content = response.content.decode()
    assert "Write whole numbers of days from 1 to 90" in content
    assert "Choose a deadline in the future." in content
    assert "Ensure this value is greater than or equal to 1." in content
    assert 'value="Pre-selection committee"' in content
    assert not Round.objects.exists()


def test_round_phase_needs_published_assignments(staff_client, round_):
    CriterionFactory(edition=round_.edition)
    url = reverse("juries:staff_round_phase", kwargs={"pk": round_.pk})
    response = staff_client.post(url, {"phase": "scoring"}, follow=True)
    assert "Show the assignments to the jurors before they start scoring." in (
        response.content.decode()
    )
    round_.refresh_from_db()
    assert round_.phase == Phase.SETUP
    AssignmentFactory(round=round_)
    staff_client.post(reverse("juries:staff_round_publish", kwargs={"pk": round_.pk}))
    staff_client.post(url, {"phase": "scoring"})
    round_.refresh_from_db()
    assert round_.phase == Phase.SCORING
    assert round_.assignments_published


def test_round_page_shows_progress_per_juror(staff_client, edition):
    round_ = RoundFactory(edition=edition)
    member = JuryMemberFactory(edition=edition, user__full_name="Ana Uno")
    ReviewFactory(assignment__round=round_, assignment__member=member)
    AssignmentFactory(round=round_, member=member)
    content = staff_client.get(
        reverse("juries:staff_round", kwargs={"pk": round_.pk})
    ).content.decode()
    assert "Ana Uno" in content
    assert "50 %" in content


# --- Assignment by hand -----------------------------------------------------------------


def test_assign_by_hand_and_unassign(staff_client, round_):
    member = JuryMemberFactory(edition=round_.edition)
    round_.members.add(member)
    entry = RoundProjectFactory(
        round=round_, project=submitted_project(call__edition=round_.edition)
    )
    staff_client.post(
        reverse("juries:staff_assign", kwargs={"pk": round_.pk}),
        {"member": member.pk, "project": entry.project.pk},
    )
    assignment = Assignment.objects.get(member=member, project=entry.project)
    staff_client.post(reverse("juries:staff_unassign", kwargs={"pk": assignment.pk}))
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_assign_a_conflicted_juror_is_refused(staff_client, round_):
    member = JuryMemberFactory(edition=round_.edition)
    round_.members.add(member)
    conflict = ConflictFactory(member=member)
    RoundProjectFactory(round=round_, project=conflict.project)
    response = staff_client.post(
        reverse("juries:staff_assign", kwargs={"pk": round_.pk}),
        {"member": member.pk, "project": conflict.project.pk},
        follow=True,
    )
    assert "This juror has a conflict of interest with this project." in (response.content.decode())
    assert not Assignment.objects.exists()


def test_assignments_page_offers_only_jurors_without_conflict(staff_client, round_):
    free = JuryMemberFactory(edition=round_.edition, user__full_name="Libre Jurado")
    conflicted = JuryMemberFactory(edition=round_.edition, user__full_name="Conflicto Jurado")
    round_.members.add(free, conflicted)
    conflict = ConflictFactory(member=conflicted)
    RoundProjectFactory(round=round_, project=conflict.project)
    content = staff_client.get(
        reverse("juries:staff_assignments", kwargs={"pk": round_.pk})
    ).content.decode()
    select = content[content.index('name="member"') :]
    select = select[: select.index("</select>")]
    assert "Libre Jurado" in select
    assert "Conflicto Jurado" not in select


def test_a_started_review_cannot_be_unassigned(staff_client, edition):
    review = ReviewFactory(assignment__round__edition=edition)
    response = staff_client.post(
        reverse("juries:staff_unassign", kwargs={"pk": review.assignment.pk}), follow=True
    )
    assert "This review has started" in response.content.decode()
    assert Assignment.objects.filter(pk=review.assignment.pk).exists()


@pytest.mark.parametrize("size", [1, 6])
def test_assignments_page_queries_do_not_grow(
    staff_client, round_, size, django_assert_max_num_queries
):
    members = [JuryMemberFactory(edition=round_.edition) for _ in range(3)]
    round_.members.add(*members)
    for _ in range(size):
        entry = RoundProjectFactory(
            round=round_, project=submitted_project(call__edition=round_.edition)
        )
        for member in members[:2]:
            AssignmentFactory(round=round_, member=member, project=entry.project)
        ConflictFactory(member=members[2], project=entry.project)
    url = reverse("juries:staff_assignments", kwargs={"pk": round_.pk})
    with django_assert_max_num_queries(16):
        assert staff_client.get(url).status_code == 200


# --- Conflicts --------------------------------------------------------------------------


def test_conflicts_suggest_confirm_and_dismiss(staff_client, edition):
    from submissions.tests.factories import ProjectCompanyFactory

    member = JuryMemberFactory(edition=edition, affiliation="Cine Sur Producciones S.A.")
    project = submitted_project(call__edition=edition, original_title="La ciénaga del sur")
    ProjectCompanyFactory(project=project, name="CINE SUR")
    staff_client.post(reverse("juries:staff_conflict_suggest", kwargs={"edition_pk": edition.pk}))
    conflict = Conflict.objects.get(member=member, project=project)
    assert conflict.status == ConflictStatus.SUGGESTED
    content = staff_client.get(
        reverse("juries:staff_conflicts", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert "La ciénaga del sur" in content
    staff_client.post(reverse("juries:staff_conflict_dismiss", kwargs={"pk": conflict.pk}))
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DISMISSED
    staff_client.post(reverse("juries:staff_conflict_confirm", kwargs={"pk": conflict.pk}))
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.CONFIRMED


def test_conflict_add_without_reason_keeps_the_choice(staff_client, edition):
    member = JuryMemberFactory(edition=edition)
    project = submitted_project(call__edition=edition)
    response = staff_client.post(
        reverse("juries:staff_conflict_add", kwargs={"edition_pk": edition.pk}),
        {"member": member.pk, "project": project.pk, "reason": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in content
    assert f'value="{project.pk}" selected' in content
    assert not Conflict.objects.exists()


def test_assignments_search_keeps_an_ampersand_across_pages(staff_client, round_):
    for number in range(51):
        RoundProjectFactory(
            round=round_,
            project=submitted_project(
                call__edition=round_.edition, original_title=f"Sol & sombra {number:02d}"
            ),
        )
    url = reverse("juries:staff_assignments", kwargs={"pk": round_.pk})
    content = staff_client.get(url, {"q": "Sol & sombra"}).content.decode()
    assert "?q=Sol+%26+sombra&amp;page=2" in content
    second = staff_client.get(url, {"q": "Sol & sombra", "page": "2"}).content.decode()
    assert "Sol &amp; sombra 50" in second


def test_re_running_the_assignment_after_publication_says_jurors_see_it(staff_client, edition):
    round_ = RoundFactory(edition=edition, phase=Phase.SCORING)
    members = [JuryMemberFactory(edition=edition) for _ in range(3)]
    round_.members.add(*members)
    RoundProjectFactory(round=round_, project=submitted_project(call__edition=edition))
    response = staff_client.post(
        reverse("juries:staff_auto_assign", kwargs={"pk": round_.pk}),
        {"reviews_per_project": "2"},
        follow=True,
    )
    assert "Jurors see the change at once." in response.content.decode()
    assert Assignment.objects.filter(round=round_).count() == 2
