"""The jury's service functions: invitations, members, criteria, rounds and phases,
conflicts, interest, assignment by hand, reviews, discussion, reminders and the selection.
The automatic assignment and the ranking are tested in test_assignment.py and
test_ranking.py."""

import datetime as dt
import hashlib
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.tests.factories import UserFactory
from editions.tests.factories import CallFactory, SessionFactory
from juries import permissions, services
from juries.models import (
    Assignment,
    Comment,
    Conflict,
    ConflictStatus,
    Criterion,
    Decision,
    DecisionAction,
    Interest,
    InterestLevel,
    Invitation,
    InvitationStatus,
    JuryMember,
    Phase,
    Placement,
    PlacementKind,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    Score,
    Selection,
)
from outbox.models import Mail
from submissions.models import Project, ProjectStatus, Screening
from submissions.services import screen_project, submit_project
from submissions.tests.factories import (
    DirectorFactory,
    ProducerProfileFactory,
    ProjectCompanyFactory,
    ProjectFactory,
    complete_project,
)

from .factories import (
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(juror, edition):
    return JuryMember.objects.get(user=juror, edition=edition)


# --- Invitations ------------------------------------------------------------------------


def invite(edition, staff, **kwargs):
    kwargs.setdefault("email", "nadia@example.org")
    kwargs.setdefault("full_name", "Nadia Nómade")
    return services.invite_juror(edition=edition, by=staff, **kwargs)


def invitation_link(mail):
    """The path and token of the link in an invitation mail, resolved as the invitee's
    browser would."""
    url = next(word for word in mail.body_text.split() if word.startswith(settings.SITE_URL))
    path = urlsplit(url).path
    with translation.override(mail.language):
        match = resolve(path)
    assert match.view_name == "juries:invitation"
    return path, match.kwargs["token"]


def test_invite_juror_queues_a_mail_in_the_invitees_language(
    edition, session, staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(
            edition,
            staff,
            language="es",
            session=session,
            is_president=True,
            affiliation=" Pucará Cine ",
            message=" Nos encantaría contar contigo. ",
        )
    assert (invitation.status, invitation.session, invitation.is_president) == (
        InvitationStatus.PENDING,
        session,
        True,
    )
    assert (invitation.affiliation, invitation.message, invitation.invited_by) == (
        "Pucará Cine",
        "Nos encantaría contar contigo.",
        staff,
    )
    mail = Mail.objects.get(kind="juries.invitation")
    assert (mail.to, mail.language) == ("nadia@example.org", "es")
    with translation.override("es"):
        subject = gettext("An invitation to the jury of {{ edition }}").replace(
            "{{ edition }}", edition.display_title
        )
    assert subject.startswith("Una invitación")
    assert mail.subject == subject
    path, token = invitation_link(mail)
    assert path.startswith("/es/")
    assert path in mail.body_text
    assert "Nos encantaría contar contigo." in mail.body_text
    assert services.invitation_for_token(token) == invitation
    assert [sent.to for sent in mailoutbox] == [["nadia@example.org"]]


def test_invite_juror_stores_only_the_hash_of_the_token(edition, staff):
    invitation = invite(edition, staff)
    _path, token = invitation_link(Mail.objects.get(kind="juries.invitation"))
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.token_hash == services.hash_token(token)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not [name for name, value in stored.items() if token in str(value)]


def test_invite_juror_normalises_the_email(edition, staff):
    invitation = invite(edition, staff, email="  Nadia@Example.ORG ")
    assert invitation.email == "nadia@example.org"
    assert Mail.objects.get(kind="juries.invitation").to == "nadia@example.org"


def test_invite_juror_refused_with_an_invitation_pending(edition, staff):
    invite(edition, staff)
    with pytest.raises(ValidationError) as error:
        invite(edition, staff, email="NADIA@example.org", full_name="Nadia again")
    assert error.value.message_dict == {
        "email": ["This person has an invitation waiting for an answer."]
    }
    assert Invitation.objects.count() == 1
    assert Mail.objects.filter(kind="juries.invitation").count() == 1


def test_invite_juror_again_after_a_declined_invitation(edition, staff):
    services.decline_invitation(invitation=invite(edition, staff))
    second = invite(edition, staff)
    assert second.status == InvitationStatus.PENDING
    assert Invitation.objects.count() == 2


def test_invite_juror_to_another_edition_while_pending_in_this_one(edition, staff):
    invite(edition, staff)
    other = RoundFactory().edition
    assert invite(other, staff).edition == other


def test_invite_juror_refused_for_a_member_of_the_jury(edition, staff, juror):
    with pytest.raises(ValidationError) as error:
        invite(edition, staff, email=juror.email.upper())
    assert error.value.message_dict == {"email": ["This person is already on the jury."]}
    assert not Invitation.objects.exists()
    assert not Mail.objects.exists()


def test_invite_juror_refusals_keep_their_codes(edition, staff, juror):
    invite(edition, staff)
    with pytest.raises(ValidationError) as invited:
        invite(edition, staff)
    with pytest.raises(ValidationError) as member:
        invite(edition, staff, email=juror.email)
    assert invited.value.error_dict["email"][0].code == "already_invited"
    assert member.value.error_dict["email"][0].code == "already_member"


def test_invite_juror_refused_for_a_session_of_another_edition(edition, staff):
    with pytest.raises(ValidationError) as error:
        invite(edition, staff, session=SessionFactory())
    assert error.value.message_dict == {"session": ["Choose a session of this edition."]}
    assert not Invitation.objects.exists()


def test_invitation_for_token_unknown_empty_or_too_long(edition, staff):
    invite(edition, staff)
    assert services.invitation_for_token("not-the-token") is None
    assert services.invitation_for_token("") is None
    assert services.invitation_for_token("x" * 101) is None


def test_accept_invitation_links_the_account_and_creates_the_member(edition, session, staff):
    invitation = invite(
        edition, staff, session=session, affiliation="Pucará Cine", is_president=True
    )
    user = UserFactory(email="nadia.personal@example.org")
    member = services.accept_invitation(invitation=invitation, user=user)
    assert (member.edition, member.user, member.session) == (edition, user, session)
    assert (member.affiliation, member.is_president) == ("Pucará Cine", True)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.member) == (InvitationStatus.ACCEPTED, member)
    assert invitation.answered_at is not None


def test_accept_invitation_as_president_when_the_jury_has_one(edition, staff):
    president = JuryMemberFactory(edition=edition, is_president=True)
    member = services.accept_invitation(
        invitation=invite(edition, staff, is_president=True), user=UserFactory()
    )
    assert member.is_president is False
    assert list(JuryMember.objects.filter(edition=edition, is_president=True)) == [president]


def test_accept_invitation_joins_the_final_rounds(edition, staff):
    preselection = RoundFactory(edition=edition, kind=RoundKind.PRESELECTION)
    final = RoundFactory(edition=edition, kind=RoundKind.FINAL)
    member = services.accept_invitation(invitation=invite(edition, staff), user=UserFactory())
    assert list(final.members.all()) == [member]
    assert not preselection.members.exists()


def test_accept_invitation_twice_changes_nothing(edition, staff):
    invitation = invite(edition, staff)
    user = UserFactory()
    first = services.accept_invitation(invitation=invitation, user=user)
    answered_at = Invitation.objects.get(pk=invitation.pk).answered_at
    second = services.accept_invitation(invitation=invitation, user=user)
    assert first == second
    assert JuryMember.objects.filter(edition=edition, user=user).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).answered_at == answered_at


def test_accept_invitation_of_someone_else_refused(edition, staff):
    invitation = invite(edition, staff)
    owner = UserFactory()
    member = services.accept_invitation(invitation=invitation, user=owner)
    intruder = UserFactory()
    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation=invitation, user=intruder)
    invitation.refresh_from_db()
    assert invitation.member == member
    assert not JuryMember.objects.filter(user=intruder).exists()


def test_accept_invitation_by_someone_already_on_the_jury_keeps_their_membership(
    edition, staff, juror, member
):
    invitation = invite(edition, staff, email="julio.work@example.org", is_president=True)
    assert services.accept_invitation(invitation=invitation, user=juror) == member
    assert JuryMember.objects.filter(edition=edition, user=juror).count() == 1
    member.refresh_from_db()
    assert member.is_president is False


@pytest.mark.parametrize("status", [InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN])
def test_accept_invitation_closed_refused(edition, staff, status):
    invitation = invite(edition, staff)
    Invitation.objects.filter(pk=invitation.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(invitation=invitation, user=UserFactory())
    assert error.value.code == "invitation_closed"
    assert JuryMember.objects.filter(edition=edition).count() == 0
    assert Invitation.objects.get(pk=invitation.pk).status == status


def test_decline_invitation_once_and_again(edition, staff):
    invitation = invite(edition, staff)
    declined = services.decline_invitation(invitation=invitation)
    assert declined.status == InvitationStatus.DECLINED
    answered_at = declined.answered_at
    assert answered_at is not None
    assert services.decline_invitation(invitation=invitation).answered_at == answered_at
    assert not JuryMember.objects.filter(edition=edition).exists()


def test_decline_invitation_accepted_refused(edition, staff):
    invitation = invite(edition, staff)
    services.accept_invitation(invitation=invitation, user=UserFactory())
    with pytest.raises(ValidationError) as error:
        services.decline_invitation(invitation=invitation)
    assert error.value.code == "invitation_closed"
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_withdraw_invitation_closes_it(edition, staff):
    invitation = invite(edition, staff)
    withdrawn = services.withdraw_invitation(invitation=invitation, by=staff)
    assert withdrawn.status == InvitationStatus.WITHDRAWN
    assert withdrawn.answered_at is not None
    with pytest.raises(ValidationError):
        services.accept_invitation(invitation=invitation, user=UserFactory())
    assert not JuryMember.objects.filter(edition=edition).exists()


def test_withdraw_invitation_answered_refused(edition, staff):
    invitation = invite(edition, staff)
    services.decline_invitation(invitation=invitation)
    with pytest.raises(ValidationError) as error:
        services.withdraw_invitation(invitation=invitation, by=staff)
    assert error.value.messages == ["Only an invitation waiting for an answer can be withdrawn."]
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED


def test_resend_invitation_the_old_link_stops_working(
    edition, staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(edition, staff, language="fr")
    _path, old = invitation_link(Mail.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_invitation(invitation=invitation, by=staff)
    assert services.invitation_for_token(old) is None
    mails = Mail.objects.filter(kind="juries.invitation").order_by("pk")
    assert [mail.language for mail in mails] == ["fr", "fr"]
    _path, new = invitation_link(mails.last())
    assert new != old
    assert services.invitation_for_token(new) == invitation
    assert len(mailoutbox) == 2


def test_resend_invitation_answered_refused(edition, staff):
    invitation = invite(edition, staff)
    services.decline_invitation(invitation=invitation)
    token_hash = Invitation.objects.get(pk=invitation.pk).token_hash
    with pytest.raises(ValidationError):
        services.resend_invitation(invitation=invitation, by=staff)
    assert Invitation.objects.get(pk=invitation.pk).token_hash == token_hash
    assert Mail.objects.filter(kind="juries.invitation").count() == 1


# --- Members ----------------------------------------------------------------------------


def test_save_member_naming_a_president_relieves_the_previous(edition, staff, member):
    previous = JuryMemberFactory(edition=edition, is_president=True)
    member.is_president = True
    services.save_member(member=member, by=staff)
    previous.refresh_from_db()
    assert previous.is_president is False
    assert list(JuryMember.objects.filter(edition=edition, is_president=True)) == [member]


def test_save_member_leaves_other_editions_presidents(edition, staff, member):
    elsewhere = JuryMemberFactory(is_president=True)
    member.is_president = True
    services.save_member(member=member, by=staff)
    elsewhere.refresh_from_db()
    assert elsewhere.is_president is True


def test_save_member_refuses_a_bad_load(staff, member):
    member.max_load = 0
    with pytest.raises(ValidationError) as error:
        services.save_member(member=member, by=staff)
    assert "max_load" in error.value.message_dict
    assert JuryMember.objects.get(pk=member.pk).max_load is None


def test_remove_member_without_reviews(staff, member):
    services.remove_member(member=member, by=staff)
    assert not JuryMember.objects.filter(pk=member.pk).exists()


def test_remove_member_with_a_review_refused(edition, staff, member):
    ReviewFactory(
        assignment=AssignmentFactory(round__edition=edition, member=member),
        status=ReviewStatus.DRAFT,
        submitted_at=None,
    )
    with pytest.raises(ValidationError) as error:
        services.remove_member(member=member, by=staff)
    assert error.value.code == "has_reviews"
    assert JuryMember.objects.filter(pk=member.pk).exists()


# --- Criteria ---------------------------------------------------------------------------


def test_create_default_criteria_five_works_in_progress_criteria(edition, staff):
    criteria = services.create_default_criteria(edition=edition, by=staff)
    assert [criterion.name for criterion in criteria] == [
        "Artistic quality",
        "Originality of voice",
        "Need and impact of the support",
        "Feasibility of completion",
        "Audience and market potential",
    ]
    assert [criterion.position for criterion in criteria] == [0, 1, 2, 3, 4]
    assert all(criterion.description for criterion in criteria)
    assert {(c.weight, c.scale_min, c.scale_max) for c in Criterion.objects.all()} == {
        (Decimal("1"), 1, 10)
    }


def test_create_default_criteria_in_the_staff_language(edition, staff):
    with translation.override("es"):
        criteria = services.create_default_criteria(edition=edition, by=staff)
        expected = [str(name) for name, _description in services.DEFAULT_CRITERIA]
    assert [criterion.name for criterion in criteria] == expected


def test_create_default_criteria_keeps_existing_ones(edition, staff):
    own = CriterionFactory(edition=edition, name="Sound design")
    assert services.create_default_criteria(edition=edition, by=staff) == [own]
    assert Criterion.objects.filter(edition=edition).count() == 1


def test_save_criterion_new_goes_last(edition, staff):
    services.create_default_criteria(edition=edition, by=staff)
    criterion = services.save_criterion(
        criterion=Criterion(edition=edition, name="Sound design", weight=2), by=staff
    )
    assert criterion.position == 5
    assert Criterion.objects.filter(edition=edition).count() == 6


def test_save_criterion_refuses_an_upside_down_scale(edition, staff):
    with pytest.raises(ValidationError) as error:
        services.save_criterion(
            criterion=Criterion(edition=edition, name="Sound", scale_min=5, scale_max=2), by=staff
        )
    assert "scale_max" in error.value.message_dict
    assert not Criterion.objects.exists()


def test_criteria_editable_until_the_first_score(edition, staff):
    criterion = CriterionFactory(edition=edition, name="Sound", weight=1)
    criterion.weight = Decimal("3")
    services.save_criterion(criterion=criterion, by=staff)
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("3")
    other = CriterionFactory(edition=edition)
    services.delete_criterion(criterion=other, by=staff)
    assert list(Criterion.objects.filter(edition=edition)) == [criterion]
    assert services.criteria_locked(edition) is False


def scored(edition, criterion):
    """A first score given in the edition."""
    review = ReviewFactory(
        assignment=AssignmentFactory(round__edition=edition),
        status=ReviewStatus.DRAFT,
        submitted_at=None,
    )
    return ScoreFactory(review=review, criterion=criterion)


def test_save_criterion_after_the_first_score_refused(edition, staff):
    criterion = CriterionFactory(edition=edition, name="Sound", weight=1, scale_max=10)
    scored(edition, criterion)
    assert services.criteria_locked(edition) is True
    criterion.weight = Decimal("5")
    criterion.scale_max = 5
    with pytest.raises(ValidationError) as error:
        services.save_criterion(criterion=criterion, by=staff)
    assert error.value.messages == [
        "Jurors have started scoring: the criteria can no longer change."
    ]
    assert error.value.code == "criteria_locked"
    stored = Criterion.objects.get(pk=criterion.pk)
    assert (stored.weight, stored.scale_max) == (Decimal("1"), 10)


def test_add_criterion_after_the_first_score_refused(edition, staff):
    scored(edition, CriterionFactory(edition=edition))
    with pytest.raises(ValidationError) as error:
        services.save_criterion(criterion=Criterion(edition=edition, name="New"), by=staff)
    assert error.value.code == "criteria_locked"
    assert Criterion.objects.filter(edition=edition).count() == 1


def test_delete_criterion_after_the_first_score_refused(edition, staff):
    criterion = CriterionFactory(edition=edition)
    unscored = CriterionFactory(edition=edition)
    scored(edition, criterion)
    with pytest.raises(ValidationError) as error:
        services.delete_criterion(criterion=unscored, by=staff)
    assert error.value.code == "criteria_locked"
    assert Criterion.objects.filter(edition=edition).count() == 2
    assert Score.objects.count() == 1


def test_score_in_another_edition_does_not_lock_criteria(edition, staff):
    elsewhere = CriterionFactory()
    scored(elsewhere.edition, elsewhere)
    criterion = CriterionFactory(edition=edition)
    services.delete_criterion(criterion=criterion, by=staff)
    assert not Criterion.objects.filter(edition=edition).exists()


# --- Rounds -----------------------------------------------------------------------------


def new_round(edition, **kwargs):
    kwargs.setdefault("name", "Pre-selection")
    return Round(edition=edition, **kwargs)


def test_save_round_numbers_rounds_in_order(edition, staff):
    first = services.save_round(round_=new_round(edition, number=7), by=staff)
    second = services.save_round(round_=new_round(edition, name="Final"), by=staff)
    other = services.save_round(round_=new_round(RoundFactory(number=4).edition), by=staff)
    assert (first.number, second.number) == (1, 2)
    first.name = "First look"
    services.save_round(round_=first, by=staff)
    assert Round.objects.get(pk=first.pk).number == 1
    assert other.number == 5  # after the round already in that edition


def test_save_round_sorts_the_reminder_days(edition, staff):
    round_ = services.save_round(round_=new_round(edition, reminder_days=["2", 7, 7, 1]), by=staff)
    assert Round.objects.get(pk=round_.pk).reminder_days == [7, 2, 1]


def test_save_round_final_gets_the_whole_jury(edition, staff, member):
    others = JuryMemberFactory.create_batch(2, edition=edition)
    JuryMemberFactory()  # another edition's juror
    final = services.save_round(round_=new_round(edition, kind=RoundKind.FINAL), by=staff)
    assert set(final.members.all()) == {member, *others}


def test_save_round_preselection_has_no_juror_by_default(edition, staff, member):
    round_ = services.save_round(round_=new_round(edition, kind=RoundKind.PRESELECTION), by=staff)
    assert not round_.members.exists()


def test_save_round_with_chosen_jurors(edition, staff, member):
    JuryMemberFactory(edition=edition)
    final = services.save_round(
        round_=new_round(edition, kind=RoundKind.FINAL), by=staff, members=[member]
    )
    assert list(final.members.all()) == [member]


def test_save_round_editing_keeps_its_jurors(edition, staff, member):
    final = services.save_round(round_=new_round(edition, kind=RoundKind.FINAL), by=staff)
    final.members.remove(member)
    final.name = "Final round"
    services.save_round(round_=final, by=staff)
    assert not final.members.exists()


def test_save_round_with_a_juror_of_another_edition_refused(edition, staff, member):
    with pytest.raises(ValidationError) as error:
        services.save_round(
            round_=new_round(edition), by=staff, members=[member, JuryMemberFactory()]
        )
    assert error.value.message_dict == {"members": ["Choose jurors of this edition."]}
    assert not Round.objects.filter(edition=edition).exists()


def test_save_round_refuses_a_bad_value(edition, staff):
    with pytest.raises(ValidationError) as error:
        services.save_round(round_=new_round(edition, reviews_per_project=0), by=staff)
    assert "reviews_per_project" in error.value.message_dict
    assert not Round.objects.filter(edition=edition).exists()


@pytest.fixture
def applications(edition, call, producer):
    """Applications of the edition in every state a first round must sort out."""

    def submitted(project):
        return submit_project(project=project, by=project.owner)

    def incomplete():
        return ProjectFactory(
            call=call, status=ProjectStatus.SUBMITTED, submitted_at=timezone.now()
        )

    overruled_out = submitted(complete_project(call=call))
    screen_project(
        project=overruled_out,
        by=None,
        decision=Screening.OVERRULED_INELIGIBLE,
        reason="Already shown at another works in progress.",
    )
    overruled_in = incomplete()
    screen_project(
        project=overruled_in,
        by=None,
        decision=Screening.OVERRULED_ELIGIBLE,
        reason="The budget came by mail.",
    )
    withdrawn = submitted(complete_project(call=call))
    Project.objects.filter(pk=withdrawn.pk).update(status=ProjectStatus.WITHDRAWN)
    return {
        "eligible": submitted(complete_project(call=call, owner=producer)),
        "under_review": submitted(complete_project(call=CallFactory(edition=edition))),
        "overruled_in": overruled_in,
        "incomplete": incomplete(),
        "draft": complete_project(call=call),
        "overruled_out": overruled_out,
        "withdrawn": withdrawn,
        "elsewhere": submitted(complete_project()),
    }


def test_fill_round_with_eligible_adds_only_eligible_submitted_applications(
    edition, staff, applications
):
    Project.objects.filter(pk=applications["under_review"].pk).update(
        status=ProjectStatus.UNDER_REVIEW
    )
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP)
    assert services.fill_round_with_eligible(round_=round_, by=staff) == 3
    assert set(round_.entries.values_list("project_id", flat=True)) == {
        applications["eligible"].pk,
        applications["under_review"].pk,
        applications["overruled_in"].pk,
    }


def test_fill_round_with_eligible_twice_adds_nothing_more(edition, staff, applications):
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP)
    services.fill_round_with_eligible(round_=round_, by=staff)
    count = round_.entries.count()
    assert services.fill_round_with_eligible(round_=round_, by=staff) == 0
    assert round_.entries.count() == count


def test_add_projects_to_round_of_another_edition_refused(edition, staff):
    round_ = RoundFactory(edition=edition)
    mine = submitted_project(call__edition=edition)
    with pytest.raises(ValidationError):
        services.add_projects_to_round(
            round_=round_, projects=[mine, submitted_project()], by=staff
        )
    assert not round_.entries.exists()


def test_remove_project_from_round_drops_its_assignments(edition, staff):
    assignment = AssignmentFactory(round__edition=edition)
    services.remove_project_from_round(
        round_=assignment.round, project=assignment.project, by=staff
    )
    assert not assignment.round.entries.exists()
    assert not Assignment.objects.exists()


def test_remove_project_from_round_with_a_review_refused(edition, staff):
    review = ReviewFactory(assignment__round__edition=edition)
    with pytest.raises(ValidationError) as error:
        services.remove_project_from_round(round_=review.round, project=review.project, by=staff)
    assert error.value.code == "has_reviews"
    assert review.round.entries.filter(project=review.project).exists()
    assert Assignment.objects.count() == 1


@pytest.fixture
def two_rounds(edition):
    preselection = RoundFactory(edition=edition, number=1, kind=RoundKind.PRESELECTION)
    final = RoundFactory(edition=edition, number=2, phase=Phase.SETUP)
    kept, dropped = (submitted_project(call__edition=edition) for _ in range(2))
    for project in (kept, dropped):
        RoundProjectFactory(round=preselection, project=project)
    return preselection, final, kept, dropped


def test_shortlist_carries_projects_into_the_later_round(staff, two_rounds):
    preselection, final, kept, _dropped = two_rounds
    assert services.shortlist(source=preselection, target=final, projects=[kept], by=staff) == 1
    assert list(final.entries.values_list("project_id", flat=True)) == [kept.pk]
    assert services.shortlist(source=preselection, target=final, projects=[kept], by=staff) == 0


def test_shortlist_of_a_project_not_in_the_source_round_refused(edition, staff, two_rounds):
    preselection, final, kept, _dropped = two_rounds
    stranger = submitted_project(call__edition=edition)
    with pytest.raises(ValidationError) as error:
        services.shortlist(source=preselection, target=final, projects=[kept, stranger], by=staff)
    assert error.value.messages == ["Only projects of the pre-selection can be shortlisted."]
    assert not final.entries.exists()


def test_shortlist_into_an_earlier_round_refused(staff, two_rounds):
    preselection, final, _kept, dropped = two_rounds
    RoundProjectFactory(round=final, project=dropped)
    with pytest.raises(ValidationError) as error:
        services.shortlist(source=final, target=preselection, projects=[dropped], by=staff)
    assert error.value.messages == ["Choose a later round of the same edition."]
    with pytest.raises(ValidationError):
        services.shortlist(source=final, target=final, projects=[dropped], by=staff)
    assert preselection.entries.count() == 2


def test_shortlist_into_another_editions_round_refused(staff, two_rounds):
    preselection, _final, kept, _dropped = two_rounds
    elsewhere = RoundFactory(number=5)
    with pytest.raises(ValidationError):
        services.shortlist(source=preselection, target=elsewhere, projects=[kept], by=staff)
    assert not elsewhere.entries.exists()


# --- Phases and publication -------------------------------------------------------------


@pytest.fixture
def setup_round(edition, member):
    return RoundFactory(
        edition=edition, phase=Phase.SETUP, assignments_published_at=None, members=[member]
    )


@pytest.mark.parametrize("phase", [Phase.SCORING, Phase.DISCUSSION])
def test_set_phase_refuses_scoring_without_published_assignments(
    edition, staff, setup_round, phase
):
    CriterionFactory(edition=edition)
    with pytest.raises(ValidationError) as error:
        services.set_phase(round_=setup_round, phase=phase, by=staff)
    assert error.value.code == "not_published"
    assert Round.objects.get(pk=setup_round.pk).phase == Phase.SETUP


def test_set_phase_refuses_scoring_without_criteria(staff, setup_round):
    Round.objects.filter(pk=setup_round.pk).update(assignments_published_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.set_phase(round_=setup_round, phase=Phase.SCORING, by=staff)
    assert error.value.code == "no_criteria"
    assert Round.objects.get(pk=setup_round.pk).phase == Phase.SETUP


def test_set_phase_to_scoring_with_assignments_and_criteria(edition, staff, setup_round):
    CriterionFactory(edition=edition)
    Round.objects.filter(pk=setup_round.pk).update(assignments_published_at=timezone.now())
    assert services.set_phase(round_=setup_round, phase=Phase.SCORING, by=staff).phase == (
        Phase.SCORING
    )
    assert Round.objects.get(pk=setup_round.pk).phase == Phase.SCORING


def test_set_phase_closed_needs_nothing(staff, setup_round):
    services.set_phase(round_=setup_round, phase=Phase.CLOSED, by=staff)
    assert Round.objects.get(pk=setup_round.pk).phase == Phase.CLOSED


def test_set_phase_unknown_refused(staff, setup_round):
    with pytest.raises(ValidationError) as error:
        services.set_phase(round_=setup_round, phase="voting", by=staff)
    assert error.value.message_dict == {"phase": ["Choose a phase."]}
    assert Round.objects.get(pk=setup_round.pk).phase == Phase.SETUP


def test_publish_assignments_puts_submitted_applications_under_review(
    edition, staff, setup_round, member
):
    assignment = AssignmentFactory(
        round=setup_round,
        member=member,
        project=submitted_project(call__edition=edition, status=ProjectStatus.SUBMITTED),
    )
    unassigned = submitted_project(call__edition=edition, status=ProjectStatus.SUBMITTED)
    RoundProjectFactory(round=setup_round, project=unassigned)
    round_ = services.publish_assignments(round_=setup_round, by=staff)
    assert round_.assignments_published_at is not None
    assert Project.objects.get(pk=assignment.project.pk).status == ProjectStatus.UNDER_REVIEW
    assert Project.objects.get(pk=unassigned.pk).status == ProjectStatus.SUBMITTED
    assert permissions.juror_assignment(member.user, assignment.project) == assignment


def test_publish_assignments_again_keeps_the_first_time(staff, setup_round, member):
    AssignmentFactory(round=setup_round, member=member)
    first = services.publish_assignments(round_=setup_round, by=staff).assignments_published_at
    again = services.publish_assignments(round_=setup_round, by=staff).assignments_published_at
    assert again == first


def test_publish_assignments_without_any_refused(staff, setup_round):
    with pytest.raises(ValidationError) as error:
        services.publish_assignments(round_=setup_round, by=staff)
    assert error.value.code == "no_assignments"
    assert Round.objects.get(pk=setup_round.pk).assignments_published_at is None


# --- Conflicts --------------------------------------------------------------------------


@pytest.fixture
def assignment(edition, member):
    """The juror's published assignment in a round in blind scoring."""
    return AssignmentFactory(round=RoundFactory(edition=edition, members=[member]), member=member)


def test_declare_conflict_hides_the_project(juror, member, assignment):
    conflict = services.declare_conflict(
        member=member, project=assignment.project, reason=" My cousin edits it. ", by=juror
    )
    assert (conflict.status, conflict.reason, conflict.created_by) == (
        ConflictStatus.DECLARED,
        "My cousin edits it.",
        juror,
    )
    assert permissions.juror_assignment(juror, assignment.project) is None
    assert not permissions.reviewable_projects(juror).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_declare_conflict_without_reason_refused(juror, member, assignment, reason):
    with pytest.raises(ValidationError) as error:
        services.declare_conflict(
            member=member, project=assignment.project, reason=reason, by=juror
        )
    assert error.value.message_dict == {"reason": ["Say briefly why, for the festival's records."]}
    assert error.value.error_dict["reason"][0].code == "reason_required"
    assert not Conflict.objects.exists()
    assert permissions.juror_assignment(juror, assignment.project) == assignment


def test_declare_conflict_on_another_editions_project_refused(juror, member):
    with pytest.raises(PermissionDenied):
        services.declare_conflict(
            member=member, project=submitted_project(), reason="I know them.", by=juror
        )
    assert not Conflict.objects.exists()


def test_declare_conflict_again_after_a_dismissal(juror, member, assignment, staff):
    conflict = ConflictFactory(
        member=member, project=assignment.project, status=ConflictStatus.DISMISSED
    )
    services.declare_conflict(
        member=member, project=assignment.project, reason="On second thought.", by=juror
    )
    conflict.refresh_from_db()
    assert (conflict.status, conflict.reason) == (ConflictStatus.DECLARED, "On second thought.")


def test_declare_conflict_keeps_a_confirmed_one(juror, member, assignment, staff):
    conflict = ConflictFactory(
        member=member, project=assignment.project, status=ConflictStatus.CONFIRMED, reason="Staff"
    )
    services.declare_conflict(member=member, project=assignment.project, reason="Me", by=juror)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.reason) == (ConflictStatus.CONFIRMED, "Staff")


def test_add_conflict_removes_unstarted_assignments(edition, staff, member, assignment):
    started = AssignmentFactory(
        round=RoundFactory(edition=edition, members=[member]),
        member=member,
        project=assignment.project,
    )
    ReviewFactory(assignment=started, status=ReviewStatus.DRAFT, submitted_at=None)
    kept = AssignmentFactory(round=assignment.round, member=member)
    conflict = services.add_conflict(
        member=member, project=assignment.project, reason="Co-producer.", by=staff
    )
    assert (conflict.status, conflict.created_by) == (ConflictStatus.CONFIRMED, staff)
    assert set(Assignment.objects.all()) == {started, kept}
    assert permissions.juror_assignment(member.user, assignment.project) is None


def test_add_conflict_without_reason_refused(staff, member, assignment):
    with pytest.raises(ValidationError) as error:
        services.add_conflict(member=member, project=assignment.project, reason=" ", by=staff)
    assert error.value.message_dict == {"reason": ["Write the reason."]}
    assert error.value.error_dict["reason"][0].code == "reason_required"
    assert not Conflict.objects.exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_add_conflict_confirms_a_suggestion(staff, member, assignment):
    conflict = ConflictFactory(
        member=member, project=assignment.project, status=ConflictStatus.SUGGESTED
    )
    services.add_conflict(member=member, project=assignment.project, reason="Checked.", by=staff)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.reason) == (ConflictStatus.CONFIRMED, "Checked.")
    assert Conflict.objects.count() == 1


def test_add_conflict_on_another_editions_project_refused(staff, member):
    with pytest.raises(ValidationError):
        services.add_conflict(member=member, project=submitted_project(), reason="x", by=staff)
    assert not Conflict.objects.exists()


def test_dismiss_conflict_gives_the_project_back(staff, juror, member, assignment):
    conflict = ConflictFactory(member=member, project=assignment.project)
    services.dismiss_conflict(conflict=conflict, by=staff)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.created_by) == (ConflictStatus.DISMISSED, staff)
    assert permissions.juror_assignment(juror, assignment.project) == assignment


def test_suggest_conflicts_affiliation_among_the_companies(edition, member):
    member.affiliation = "Pucará Cine S.A."
    member.save()
    project = submitted_project(call__edition=edition)
    ProjectCompanyFactory(project=project, name="PUCARA CINE")
    ProjectCompanyFactory(project=submitted_project(call__edition=edition), name="Pucará Norte")
    assert services.suggest_conflicts(edition=edition) == 1
    conflict = Conflict.objects.get()
    assert (conflict.member, conflict.project, conflict.status) == (
        member,
        project,
        ConflictStatus.SUGGESTED,
    )
    assert conflict.reason == "Pucará Cine S.A. is among the project's companies."


@pytest.mark.parametrize(
    ("affiliation", "company"),
    [
        ("Cine Sur Producciones S.R.L.", "Cine Sur Producciones"),
        ("Señal Films S.A.S.", "SENAL FILMS"),
        ("Río Negro Ltda.", "rio  negro"),
        ("Cine Sur Producciones", "Cine Sur Producciones S.A."),
    ],
)
def test_suggest_conflicts_company_names_compared_without_noise(
    edition, member, affiliation, company
):
    member.affiliation = affiliation
    member.save()
    ProjectCompanyFactory(project=submitted_project(call__edition=edition), name=company)
    assert services.suggest_conflicts(edition=edition) == 1


def test_suggest_conflicts_affiliation_of_noise_words_only_matches_nothing(edition, member):
    member.affiliation = "Cine Producciones S.A."
    member.save()
    ProjectCompanyFactory(project=submitted_project(call__edition=edition), name="Films Inc.")
    assert services.suggest_conflicts(edition=edition) == 0


def test_suggest_conflicts_juror_among_the_directors(edition, juror, member):
    juror.full_name = "José Pérez-Ñúñez"
    juror.save()
    project = submitted_project(call__edition=edition)
    DirectorFactory(project=project, name="JOSE PEREZ ÑUÑEZ")
    DirectorFactory(project=submitted_project(call__edition=edition), name="José Pérez")
    assert services.suggest_conflicts(edition=edition) == 1
    conflict = Conflict.objects.get()
    assert (conflict.member, conflict.project) == (member, project)
    assert conflict.reason == "José Pérez-Ñúñez is among the project's people."


def test_suggest_conflicts_juror_is_the_producers_contact(edition, juror, member):
    owner = UserFactory()
    ProducerProfileFactory(user=owner, contact_person=juror.full_name, company="Otra Casa")
    project = submitted_project(call__edition=edition, owner=owner)
    assert services.suggest_conflicts(edition=edition) == 1
    assert Conflict.objects.get().project == project


def test_suggest_conflicts_affiliation_is_the_producers_company(edition, member):
    member.affiliation = "Otra Casa Films"
    member.save()
    owner = UserFactory()
    ProducerProfileFactory(user=owner, company="OTRA CASA", contact_person="Rosa Ríos")
    project = submitted_project(call__edition=edition, owner=owner)
    assert services.suggest_conflicts(edition=edition) == 1
    assert Conflict.objects.get().project == project


def test_suggest_conflicts_juror_owns_the_project(edition, juror, member):
    project = submitted_project(call__edition=edition, owner=juror)
    assert services.suggest_conflicts(edition=edition) == 1
    conflict = Conflict.objects.get()
    assert (conflict.member, conflict.project) == (member, project)
    assert conflict.reason == "The juror applied with this project."


def test_suggest_conflicts_nothing_for_strangers(edition, member):
    member.affiliation = "Cinemateca de Bogotá"
    member.save()
    project = submitted_project(call__edition=edition)
    ProjectCompanyFactory(project=project, name="Pucará Cine")
    DirectorFactory(project=project, name="Ana Torres")
    assert services.suggest_conflicts(edition=edition) == 0
    assert not Conflict.objects.exists()


def test_suggest_conflicts_only_within_the_edition(edition, juror, member):
    submitted_project(owner=juror)  # an application to another edition
    assert services.suggest_conflicts(edition=edition) == 0


def test_suggest_conflicts_leaves_recorded_and_dismissed_ones_alone(edition, juror, member):
    dismissed = ConflictFactory(
        member=member,
        project=submitted_project(call__edition=edition, owner=juror),
        status=ConflictStatus.DISMISSED,
        reason="Staff checked: a namesake.",
    )
    assert services.suggest_conflicts(edition=edition) == 0
    dismissed.refresh_from_db()
    assert (dismissed.status, dismissed.reason) == (
        ConflictStatus.DISMISSED,
        "Staff checked: a namesake.",
    )


def test_suggest_conflicts_twice_adds_nothing_more(edition, juror, member):
    submitted_project(call__edition=edition, owner=juror)
    assert services.suggest_conflicts(edition=edition) == 1
    assert services.suggest_conflicts(edition=edition) == 0
    assert Conflict.objects.count() == 1


def test_suggested_conflict_blocks_visibility_until_dismissed(edition, staff, juror, member):
    from submissions.tests.factories import ProjectCompanyFactory

    member.affiliation = "Cine Andino"
    member.save()
    round_ = RoundFactory(edition=edition, members=[member])
    project = submitted_project(call__edition=edition)
    ProjectCompanyFactory(project=project, name="Cine Andino S.A.")
    started = AssignmentFactory(round=round_, member=member, project=project)
    ReviewFactory(assignment=started, status=ReviewStatus.DRAFT, submitted_at=None)
    assert permissions.juror_assignment(juror, project) == started
    services.suggest_conflicts(edition=edition)
    assert permissions.juror_assignment(juror, project) is None
    assert not permissions.reviewable_projects(juror).exists()
    services.dismiss_conflict(conflict=Conflict.objects.get(), by=staff)
    assert permissions.juror_assignment(juror, project) == started


def test_suggest_conflicts_removes_only_the_conflicted_unstarted_assignments(
    edition, juror, member
):
    round_ = RoundFactory(edition=edition, members=[member])
    conflicted = AssignmentFactory(
        round=round_, member=member, project=submitted_project(call__edition=edition, owner=juror)
    )
    other = AssignmentFactory(round=round_, member=member)
    colleague = AssignmentFactory(round=round_, project=conflicted.project)
    services.suggest_conflicts(edition=edition)
    assert set(Assignment.objects.all()) == {other, colleague}


def test_assign_a_conflicted_juror_refused(edition, staff, juror, member):
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP, members=[member])
    project = submitted_project(call__edition=edition, owner=juror)
    RoundProjectFactory(round=round_, project=project)
    services.suggest_conflicts(edition=edition)
    with pytest.raises(ValidationError) as error:
        services.assign(round_=round_, member=member, project=project, by=staff)
    assert error.value.message_dict == {
        "member": ["This juror has a conflict of interest with this project."]
    }
    assert not Assignment.objects.exists()


def test_assign_a_conflicted_juror_refused_with_its_code(edition, staff, juror, member):
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP, members=[member])
    project = submitted_project(call__edition=edition, owner=juror)
    RoundProjectFactory(round=round_, project=project)
    ConflictFactory(member=member, project=project, status=ConflictStatus.SUGGESTED)
    with pytest.raises(ValidationError) as error:
        services.assign(round_=round_, member=member, project=project, by=staff)
    assert error.value.error_dict["member"][0].code == "conflict"


# --- Interest ---------------------------------------------------------------------------


@pytest.fixture
def interest_round(setup_round, edition):
    project = submitted_project(call__edition=edition)
    RoundProjectFactory(round=setup_round, project=project)
    return setup_round, project


def test_set_interest_in_setup_for_a_project_of_the_round(member, interest_round):
    round_, project = interest_round
    services.set_interest(
        member=member, round_=round_, project=project, level=InterestLevel.INTERESTED
    )
    services.set_interest(
        member=member, round_=round_, project=project, level=InterestLevel.NOT_INTERESTED
    )
    assert list(Interest.objects.values_list("member", "project", "level")) == [
        (member.pk, project.pk, InterestLevel.NOT_INTERESTED)
    ]


@pytest.mark.parametrize("phase", [Phase.SCORING, Phase.DISCUSSION, Phase.CLOSED])
def test_set_interest_after_setup_refused(member, interest_round, phase):
    round_, project = interest_round
    round_.phase = phase
    round_.save(update_fields=["phase"])
    with pytest.raises(ValidationError) as error:
        services.set_interest(
            member=member, round_=round_, project=project, level=InterestLevel.INTERESTED
        )
    assert error.value.code == "phase"
    assert not Interest.objects.exists()


def test_set_interest_in_a_project_not_in_the_round_refused(edition, member, interest_round):
    round_, _project = interest_round
    with pytest.raises(PermissionDenied):
        services.set_interest(
            member=member,
            round_=round_,
            project=submitted_project(call__edition=edition),
            level=InterestLevel.INTERESTED,
        )
    assert not Interest.objects.exists()


def test_set_interest_by_a_juror_not_in_the_round_refused(edition, interest_round):
    round_, project = interest_round
    with pytest.raises(ValidationError):
        services.set_interest(
            member=JuryMemberFactory(edition=edition),
            round_=round_,
            project=project,
            level=InterestLevel.INTERESTED,
        )
    assert not Interest.objects.exists()


def test_set_interest_unknown_level_refused(member, interest_round):
    round_, project = interest_round
    with pytest.raises(ValidationError) as error:
        services.set_interest(member=member, round_=round_, project=project, level="very")
    assert "level" in error.value.message_dict
    assert not Interest.objects.exists()


# --- Assignment by hand -----------------------------------------------------------------


def test_assign_by_hand(staff, member, interest_round):
    round_, project = interest_round
    assignment = services.assign(round_=round_, member=member, project=project, by=staff)
    assert (assignment.source, assignment.created_by) == ("manual", staff)
    assert services.assign(round_=round_, member=member, project=project, by=staff) == assignment
    assert Assignment.objects.count() == 1


def test_assign_with_a_dismissed_conflict(staff, member, interest_round):
    round_, project = interest_round
    ConflictFactory(member=member, project=project, status=ConflictStatus.DISMISSED)
    assert services.assign(round_=round_, member=member, project=project, by=staff)


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_assign_with_a_blocking_conflict_refused(staff, member, interest_round, status):
    round_, project = interest_round
    ConflictFactory(member=member, project=project, status=status)
    with pytest.raises(ValidationError) as error:
        services.assign(round_=round_, member=member, project=project, by=staff)
    assert error.value.messages == ["This juror has a conflict of interest with this project."]
    assert not Assignment.objects.exists()


def test_assign_a_juror_not_in_the_round_refused(edition, staff, interest_round):
    round_, project = interest_round
    with pytest.raises(ValidationError) as error:
        services.assign(
            round_=round_, member=JuryMemberFactory(edition=edition), project=project, by=staff
        )
    assert error.value.message_dict == {"member": ["This juror does not sit on this round."]}
    assert error.value.error_dict["member"][0].code == "not_in_round"
    assert not Assignment.objects.exists()


def test_assign_a_project_not_in_the_round_refused(edition, staff, member, interest_round):
    round_, _project = interest_round
    with pytest.raises(ValidationError) as error:
        services.assign(
            round_=round_,
            member=member,
            project=submitted_project(call__edition=edition),
            by=staff,
        )
    assert error.value.message_dict == {"project": ["This project is not reviewed in this round."]}
    assert error.value.error_dict["project"][0].code == "not_in_round"
    assert not Assignment.objects.exists()


def test_unassign(staff, assignment):
    services.unassign(assignment=assignment, by=staff)
    assert not Assignment.objects.exists()


def test_unassign_a_started_review_refused(staff, assignment):
    ReviewFactory(assignment=assignment, status=ReviewStatus.DRAFT, submitted_at=None)
    with pytest.raises(ValidationError) as error:
        services.unassign(assignment=assignment, by=staff)
    assert error.value.code == "has_review"
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# --- Reviews ----------------------------------------------------------------------------


@pytest.fixture
def criteria(edition):
    """Two criteria of different weights and scales."""
    return (
        CriterionFactory(edition=edition, name="Artistic quality", weight=2, scale_max=10),
        CriterionFactory(edition=edition, name="Feasibility", weight=1, scale_min=0, scale_max=4),
    )


@pytest.fixture
def deadline():
    return timezone.now() + dt.timedelta(days=5)


@pytest.fixture
def reviewing(edition, member, criteria, deadline):
    """The juror's assignment in a round in blind scoring, with a deadline."""
    round_ = RoundFactory(edition=edition, deadline=deadline, members=[member])
    return AssignmentFactory(round=round_, member=member)


def review(assignment, by, artistic=None, feasibility=None, **kwargs):
    quality, feasible = assignment.round.edition.criteria.order_by("position")
    return services.save_review(
        assignment=assignment,
        by=by,
        scores={quality.pk: artistic, feasible.pk: feasibility},
        **kwargs,
    )


def test_weighted_total_brings_each_criterion_to_ten(criteria):
    quality, feasible = criteria
    quality.weight, feasible.weight = Decimal("2"), Decimal("1")
    # (2 × (7 − 1) / 9 × 10 + 1 × 3 / 4 × 10) / 3 = (13.333… + 7.5) / 3
    assert services.weighted_total({quality: 7, feasible: 3}) == Decimal("6.944")
    assert services.weighted_total({quality: 10, feasible: 4}) == Decimal("10.000")
    assert services.weighted_total({quality: 1, feasible: 0}) == Decimal("0.000")
    assert services.weighted_total({quality: 10, feasible: 0}) == Decimal("6.667")
    assert services.weighted_total({}) is None


def test_save_review_draft_with_partial_scores(juror, reviewing, criteria):
    saved = review(reviewing, juror, artistic=7, note=" First look. ")
    assert (saved.status, saved.total, saved.submitted_at) == (ReviewStatus.DRAFT, None, None)
    assert (saved.round, saved.member, saved.project) == (
        reviewing.round,
        reviewing.member,
        reviewing.project,
    )
    assert list(Score.objects.values_list("criterion", "value")) == [(criteria[0].pk, 7)]


def test_save_review_scores_keyed_by_text(juror, reviewing, criteria):
    services.save_review(
        assignment=reviewing, by=juror, scores={str(criteria[0].pk): "8", str(criteria[1].pk): ""}
    )
    assert list(Score.objects.values_list("criterion", "value")) == [(criteria[0].pk, 8)]


def test_save_review_draft_again_changes_and_removes_scores(juror, reviewing, criteria):
    review(reviewing, juror, artistic=7, feasibility=2)
    saved = review(reviewing, juror, artistic=None, feasibility=3)
    assert Review.objects.count() == 1
    assert list(Score.objects.values_list("criterion", "value")) == [(criteria[1].pk, 3)]
    assert saved.total is None


def test_save_review_draft_with_every_score_has_a_total(juror, reviewing):
    saved = review(reviewing, juror, artistic=7, feasibility=3)
    assert (saved.status, saved.total) == (ReviewStatus.DRAFT, Decimal("6.944"))


@pytest.mark.parametrize(("artistic", "feasibility"), [(11, 3), (0, 3), (7, 5)])
def test_save_review_score_out_of_the_scale_refused(
    juror, reviewing, criteria, artistic, feasibility
):
    quality, feasible = criteria
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=artistic, feasibility=feasibility, submit=True)
    bad = quality if artistic != 7 else feasible
    assert error.value.message_dict == {
        f"score_{bad.pk}": [
            f"Give a score from {bad.scale_min} to {bad.scale_max}.",
        ]
    }
    assert not Review.objects.exists()
    assert not Score.objects.exists()


def test_save_review_bad_score_leaves_the_draft_as_it_was(juror, reviewing, criteria):
    review(reviewing, juror, artistic=7, note="Kept")
    with pytest.raises(ValidationError):
        review(reviewing, juror, artistic=12, feasibility=3, note="Lost")
    stored = Review.objects.get()
    assert stored.note == "Kept"
    assert list(Score.objects.values_list("criterion", "value")) == [(criteria[0].pk, 7)]


def test_save_review_unknown_criterion_refused(juror, reviewing, criteria):
    elsewhere = CriterionFactory()
    for key in (elsewhere.pk, 987654):
        with pytest.raises(ValidationError) as error:
            services.save_review(assignment=reviewing, by=juror, scores={key: 5})
        assert error.value.code == "unknown_criterion"
    assert not Review.objects.exists()


def test_save_review_unknown_recommendation_refused(juror, reviewing):
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7, recommendation="maybe")
    assert error.value.message_dict == {"recommendation": ["Choose a recommendation."]}
    assert not Review.objects.exists()


def test_save_review_session_of_another_edition_refused(juror, reviewing, session):
    review(reviewing, juror, artistic=7, session_preference=session)
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7, session_preference=SessionFactory())
    assert error.value.message_dict == {"session_preference": ["Choose a session of this edition."]}
    assert Review.objects.get().session_preference == session


def test_save_review_of_a_project_not_assigned_refused(edition, juror, reviewing):
    colleagues = AssignmentFactory(round=reviewing.round)
    with pytest.raises(PermissionDenied):
        review(colleagues, juror, artistic=7)
    assert not Review.objects.exists()


def test_save_review_by_someone_else_refused(reviewing, staff, producer):
    for user in (staff, producer, UserFactory()):
        with pytest.raises(PermissionDenied):
            review(reviewing, user, artistic=7)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_save_review_conflicted_refused(juror, member, reviewing, status):
    ConflictFactory(member=member, project=reviewing.project, status=status)
    with pytest.raises(PermissionDenied):
        review(reviewing, juror, artistic=7)
    assert not Review.objects.exists()


def test_save_review_started_then_conflict_declared_refused(juror, member, reviewing):
    review(reviewing, juror, artistic=7, note="Before")
    services.declare_conflict(
        member=member, project=reviewing.project, reason="I know them.", by=juror
    )
    with pytest.raises(PermissionDenied):
        review(reviewing, juror, artistic=9, note="After")
    stored = Review.objects.get()
    assert stored.note == "Before"
    assert list(Score.objects.values_list("value", flat=True)) == [7]


def test_save_review_unpublished_round_refused(juror, reviewing):
    Round.objects.filter(pk=reviewing.round.pk).update(assignments_published_at=None)
    reviewing.round.refresh_from_db()
    with pytest.raises(PermissionDenied):
        review(reviewing, juror, artistic=7)
    assert not Review.objects.exists()


def test_save_review_by_a_juror_taken_off_the_round_refused(juror, member, reviewing):
    reviewing.round.members.remove(member)
    with pytest.raises(PermissionDenied):
        review(reviewing, juror, artistic=7)
    assert not Review.objects.exists()


def test_save_review_submit_needs_every_criterion(juror, reviewing, criteria):
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7, recommendation="select", submit=True)
    assert error.value.message_dict == {
        f"score_{criteria[1].pk}": ["Score this criterion to submit your review."]
    }
    assert not Review.objects.exists()


def test_save_review_submit_needs_a_recommendation(juror, reviewing):
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7, feasibility=3, submit=True)
    assert error.value.message_dict == {
        "recommendation": ["Give your recommendation to submit your review."]
    }
    assert not Review.objects.exists()


def test_save_review_submit_stores_the_weighted_total(juror, reviewing, deadline, session):
    moment = deadline - dt.timedelta(hours=1)
    saved = review(
        reviewing,
        juror,
        artistic=7,
        feasibility=3,
        note="Strong",
        producer_feedback="Tighten the second act.",
        recommendation="select",
        session_preference=session,
        submit=True,
        moment=moment,
    )
    saved = Review.objects.get(pk=saved.pk)
    assert (saved.status, saved.submitted_at, saved.total) == (
        ReviewStatus.SUBMITTED,
        moment,
        Decimal("6.944"),
    )
    assert (saved.note, saved.producer_feedback, saved.recommendation) == (
        "Strong",
        "Tighten the second act.",
        "select",
    )
    assert saved.session_preference == session


def test_save_review_edit_after_submitting_keeps_it_submitted(juror, reviewing, deadline):
    first = deadline - dt.timedelta(days=2)
    review(
        reviewing,
        juror,
        artistic=7,
        feasibility=3,
        recommendation="select",
        submit=True,
        moment=first,
    )
    saved = review(
        reviewing,
        juror,
        artistic=10,
        feasibility=4,
        recommendation="discuss",
        moment=deadline - dt.timedelta(seconds=1),
    )
    saved = Review.objects.get(pk=saved.pk)
    assert (saved.status, saved.submitted_at) == (ReviewStatus.SUBMITTED, first)
    assert (saved.total, saved.recommendation) == (Decimal("10.000"), "discuss")


def test_save_review_submitted_cannot_lose_a_score(juror, reviewing, criteria):
    review(reviewing, juror, artistic=7, feasibility=3, recommendation="select", submit=True)
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7, feasibility=None, recommendation="select")
    assert f"score_{criteria[1].pk}" in error.value.message_dict
    assert Score.objects.count() == 2
    assert Review.objects.get().total == Decimal("6.944")


def test_save_review_after_the_deadline_refused(juror, reviewing, deadline):
    review(reviewing, juror, artistic=7, note="On time", moment=deadline - dt.timedelta(1))
    for moment in (deadline, deadline + dt.timedelta(minutes=1)):
        with pytest.raises(ValidationError) as error:
            review(reviewing, juror, artistic=9, note="Late", moment=moment)
        assert error.value.code == "deadline_passed"
        assert error.value.messages == [
            "The jury's deadline has passed: reviews can no longer change."
        ]
    assert Review.objects.get().note == "On time"
    assert list(Score.objects.values_list("value", flat=True)) == [7]


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.CLOSED])
def test_save_review_outside_scoring_and_discussion_refused(juror, reviewing, phase):
    Round.objects.filter(pk=reviewing.round.pk).update(phase=phase)
    with pytest.raises(ValidationError) as error:
        review(reviewing, juror, artistic=7)
    assert error.value.code == "phase"
    assert error.value.messages == ["Reviews cannot be changed in this phase of the jury."]
    assert not Review.objects.exists()


def test_save_review_in_discussion(juror, reviewing):
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    assert review(reviewing, juror, artistic=7).status == ReviewStatus.DRAFT


def test_save_review_first_score_locks_the_criteria(edition, juror, staff, reviewing, criteria):
    review(reviewing, juror, artistic=7)
    with pytest.raises(ValidationError):
        services.delete_criterion(criterion=criteria[1], by=staff)
    assert Criterion.objects.filter(edition=edition).count() == 2


# --- Discussion -------------------------------------------------------------------------


def submitted(assignment, by):
    return review(assignment, by, artistic=7, feasibility=3, recommendation="select", submit=True)


def test_add_comment_in_discussion_after_submitting(juror, member, reviewing):
    submitted(reviewing, juror)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    comment = services.add_comment(assignment=reviewing, by=juror, text="  A brave film.  ")
    assert (comment.round, comment.project, comment.author, comment.text) == (
        reviewing.round,
        reviewing.project,
        member,
        "A brave film.",
    )


def test_add_comment_in_discussion_before_submitting_refused(juror, reviewing):
    review(reviewing, juror, artistic=7)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    with pytest.raises(ValidationError) as error:
        services.add_comment(assignment=reviewing, by=juror, text="Too soon")
    assert error.value.code == "phase"
    assert not Comment.objects.exists()


@pytest.mark.parametrize("phase", [Phase.SCORING, Phase.CLOSED])
def test_add_comment_outside_discussion_refused(juror, reviewing, phase):
    submitted(reviewing, juror)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=phase)
    with pytest.raises(ValidationError):
        services.add_comment(assignment=reviewing, by=juror, text="Hello")
    assert not Comment.objects.exists()


def test_add_comment_empty_refused(juror, reviewing):
    submitted(reviewing, juror)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    with pytest.raises(ValidationError) as error:
        services.add_comment(assignment=reviewing, by=juror, text="   ")
    assert error.value.message_dict == {"text": ["Write a comment."]}
    assert error.value.error_dict["text"][0].code == "required"
    assert not Comment.objects.exists()


def test_add_comment_through_someone_elses_assignment_refused(juror, reviewing):
    submitted(reviewing, juror)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    colleagues = AssignmentFactory(round=reviewing.round, project=reviewing.project)
    ReviewFactory(assignment=colleagues)
    with pytest.raises(PermissionDenied):
        services.add_comment(assignment=colleagues, by=juror, text="Hello")
    with pytest.raises(PermissionDenied):
        services.add_comment(assignment=reviewing, by=colleagues.member.user, text="Hello")
    assert not Comment.objects.exists()


def test_add_comment_conflicted_refused(juror, member, reviewing):
    submitted(reviewing, juror)
    Round.objects.filter(pk=reviewing.round.pk).update(phase=Phase.DISCUSSION)
    ConflictFactory(member=member, project=reviewing.project)
    with pytest.raises(PermissionDenied):
        services.add_comment(assignment=reviewing, by=juror, text="Hello")
    assert not Comment.objects.exists()


# --- Reminders --------------------------------------------------------------------------


@pytest.fixture
def reminding(edition, juror, member, deadline):
    """A round closing in five days, reminders seven and two days before, and a juror with
    two reviews to write (one started)."""
    juror.language = "pt"
    juror.save(update_fields=["language"])
    round_ = RoundFactory(
        edition=edition,
        name="Final round",
        deadline=deadline,
        reminder_days=[7, 2],
        members=[member],
    )
    started = AssignmentFactory(round=round_, member=member)
    ReviewFactory(assignment=started, status=ReviewStatus.DRAFT, submitted_at=None)
    AssignmentFactory(round=round_, member=member)
    return round_


def reminders():
    return Mail.objects.filter(kind="juries.reminder")


def test_send_due_reminders_in_the_jurors_language(
    juror, reminding, deadline, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_due_reminders(moment=deadline - dt.timedelta(days=5))
    assert sent == 1
    mail = reminders().get()
    assert (mail.to, mail.recipient, mail.language) == (juror.email, juror, "pt")
    with translation.override("pt"):
        subject = gettext("Reviews to submit for {{ round }} before {{ deadline }}")
    before, after = subject.split("{{ round }}")[0], subject.split("{{ deadline }}")[-1]
    assert mail.subject.startswith(before + "Final round")
    assert mail.subject.endswith(after)
    assert "2" in mail.body_text  # the reviews still to submit
    assert mail.dedupe_key == f"jury-reminder:{reminding.pk}:{reminding.members.get().pk}:7"
    assert len(mailoutbox) == 1


def test_send_due_reminders_once_per_reminder(reminding, deadline):
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=6, hours=23)) == 1
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=6, hours=23)) == 0
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=3)) == 0
    assert reminders().count() == 1


def test_send_due_reminders_the_next_day_sends_a_new_one(reminding, deadline):
    services.send_due_reminders(moment=deadline - dt.timedelta(days=6))
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=1, hours=12)) == 1
    assert services.send_due_reminders(moment=deadline - dt.timedelta(hours=1)) == 0
    assert sorted(mail.dedupe_key.rsplit(":", 1)[1] for mail in reminders()) == ["2", "7"]


def test_send_due_reminders_none_before_the_first_day_or_after_the_deadline(reminding, deadline):
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=7, hours=1)) == 0
    assert services.send_due_reminders(moment=deadline) == 0
    assert services.send_due_reminders(moment=deadline + dt.timedelta(days=1)) == 0
    assert not reminders().exists()


def test_send_due_reminders_none_for_a_juror_with_everything_submitted(
    edition, reminding, deadline
):
    done = JuryMemberFactory(edition=edition)
    reminding.members.add(done)
    ReviewFactory(assignment=AssignmentFactory(round=reminding, member=done))
    services.send_due_reminders(moment=deadline - dt.timedelta(days=1))
    assert list(reminders().values_list("recipient", flat=True)) == [
        reminding.members.exclude(pk=done.pk).get().user_id
    ]


def test_send_due_reminders_none_for_conflicted_or_withdrawn_projects(edition, reminding, deadline):
    conflicted = JuryMemberFactory(edition=edition)
    reminding.members.add(conflicted)
    assignment = AssignmentFactory(round=reminding, member=conflicted)
    ConflictFactory(member=conflicted, project=assignment.project)
    other = JuryMemberFactory(edition=edition)
    reminding.members.add(other)
    gone = AssignmentFactory(round=reminding, member=other)
    Project.objects.filter(pk=gone.project.pk).update(status=ProjectStatus.WITHDRAWN)
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=1)) == 1
    assert not reminders().filter(recipient__in=[conflicted.user, other.user]).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"assignments_published_at": None},
        {"phase": Phase.CLOSED},
        {"phase": Phase.SETUP},
        {"reminder_days": []},
        {"deadline": None},
    ],
)
def test_send_due_reminders_none_for_rounds_not_open_for_reviews(reminding, deadline, change):
    Round.objects.filter(pk=reminding.pk).update(**change)
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=1)) == 0
    assert not reminders().exists()


def test_send_due_reminders_in_discussion(reminding, deadline):
    Round.objects.filter(pk=reminding.pk).update(phase=Phase.DISCUSSION)
    assert services.send_due_reminders(moment=deadline - dt.timedelta(days=1)) == 1


def test_pending_by_member_counts_unsubmitted_reviews(reminding, member):
    assert services.pending_by_member(reminding) == {member.pk: 2}


# --- Selection --------------------------------------------------------------------------


@pytest.fixture
def lima(edition):
    return SessionFactory(edition=edition, city="Lima", country="PE", places=2)


@pytest.fixture
def films(call):
    return [submitted_project(call=call) for _ in range(5)]


def place(edition, project, session, kind=PlacementKind.SELECTED, **kwargs):
    kwargs.setdefault("by", None)
    return services.place_project(
        edition=edition, project=project, session=session, kind=kind, **kwargs
    )


def lineup(edition, session, kind):
    return list(
        Placement.objects.filter(selection__edition=edition, session=session, kind=kind)
        .order_by("position")
        .values_list("project_id", "position")
    )


def version(edition):
    return Selection.objects.get(edition=edition).version


def test_place_project_records_who_when_and_why(edition, staff, lima, films):
    placement = place(edition, films[0], lima, by=staff, reason="  Unanimous.  ")
    assert (placement.kind, placement.position, placement.reason, placement.decided_by) == (
        PlacementKind.SELECTED,
        0,
        "Unanimous.",
        staff,
    )
    decision = Decision.objects.get()
    assert (decision.action, decision.project, decision.session, decision.kind) == (
        DecisionAction.PLACED,
        films[0],
        lima,
        PlacementKind.SELECTED,
    )
    assert (decision.by, decision.reason) == (staff, "Unanimous.")
    assert decision.at is not None
    assert version(edition) == 1


def test_place_project_up_to_the_sessions_places(edition, staff, lima, films):
    place(edition, films[0], lima, by=staff)
    place(edition, films[1], lima, by=staff)
    with pytest.raises(ValidationError) as error:
        place(edition, films[2], lima, by=staff)
    assert error.value.message_dict == {"session": ["Lima has 2 places and they are all taken."]}
    assert lineup(edition, lima, PlacementKind.SELECTED) == [(films[0].pk, 0), (films[1].pk, 1)]
    assert not Placement.objects.filter(project=films[2]).exists()
    assert Decision.objects.count() == 2
    assert version(edition) == 2


def test_place_project_full_session_still_takes_a_waitlist(edition, lima, films):
    place(edition, films[0], lima)
    place(edition, films[1], lima)
    place(edition, films[2], lima, PlacementKind.WAITLIST)
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(films[2].pk, 0)]


def test_place_project_already_selected_there_is_not_counted_twice(edition, lima, films):
    place(edition, films[0], lima)
    place(edition, films[1], lima)
    place(edition, films[1], lima, reason="Moved up", position=0)
    assert lineup(edition, lima, PlacementKind.SELECTED) == [(films[1].pk, 0), (films[0].pk, 1)]


def test_place_project_into_a_full_session_from_another_refused(edition, session, lima, films):
    place(edition, films[0], lima)
    place(edition, films[1], lima)
    place(edition, films[2], session)
    with pytest.raises(ValidationError):
        place(edition, films[2], lima)
    placement = Placement.objects.get(project=films[2])
    assert (placement.session, placement.kind) == (session, PlacementKind.SELECTED)


def test_waitlist_in_order_and_gaps_closed(edition, lima, films):
    for film in films[:3]:
        place(edition, film, lima, PlacementKind.WAITLIST)
    place(edition, films[3], lima, PlacementKind.WAITLIST, position=0)
    first, second, third, fourth = (film.pk for film in films[:4])
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [
        (fourth, 0),
        (first, 1),
        (second, 2),
        (third, 3),
    ]
    place(edition, films[0], lima)  # from the waitlist to selected
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(fourth, 0), (second, 1), (third, 2)]
    services.remove_placement(edition=edition, project=films[3], by=None)
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(second, 0), (third, 1)]
    place(edition, films[2], lima, PlacementKind.WAITLIST, position=0)
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(third, 0), (second, 1)]
    place(edition, films[4], lima, PlacementKind.WAITLIST, position=99)
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [
        (third, 0),
        (second, 1),
        (films[4].pk, 2),
    ]


def test_place_project_moving_keeps_it_once(edition, staff, session, lima, films):
    place(edition, films[0], session)
    place(edition, films[1], session)
    place(edition, films[0], lima, PlacementKind.WAITLIST, by=staff, reason="Better in Lima")
    assert Placement.objects.filter(project=films[0]).count() == 1
    assert lineup(edition, session, PlacementKind.SELECTED) == [(films[1].pk, 0)]
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(films[0].pk, 0)]
    moved = Decision.objects.filter(action=DecisionAction.MOVED).get()
    assert (moved.project, moved.session, moved.kind, moved.by, moved.reason) == (
        films[0],
        lima,
        PlacementKind.WAITLIST,
        staff,
        "Better in Lima",
    )


def test_place_project_with_a_stale_version_refused(edition, lima, films):
    place(edition, films[0], lima, version=0)
    with pytest.raises(ValidationError) as error:
        place(edition, films[1], lima, version=0)
    assert error.value.code == "stale"
    assert error.value.messages == [
        "Someone else changed the selection while you were looking at it. "
        "Nothing was changed: look at the selection as it is now and try again."
    ]
    assert list(Placement.objects.values_list("project", flat=True)) == [films[0].pk]
    assert version(edition) == 1
    place(edition, films[1], lima, version=1)
    assert version(edition) == 2


def test_remove_placement_with_a_stale_version_refused(edition, lima, films):
    place(edition, films[0], lima)
    place(edition, films[1], lima)
    with pytest.raises(ValidationError) as error:
        services.remove_placement(edition=edition, project=films[0], by=None, version=1)
    assert error.value.code == "stale"
    assert Placement.objects.count() == 2


def test_remove_placement_records_the_decision(edition, staff, lima, films):
    place(edition, films[0], lima)
    services.remove_placement(
        edition=edition, project=films[0], by=staff, reason=" Withdrawn ", version=1
    )
    assert not Placement.objects.exists()
    removed = Decision.objects.filter(action=DecisionAction.REMOVED).get()
    assert (removed.project, removed.session, removed.by, removed.reason) == (
        films[0],
        lima,
        staff,
        "Withdrawn",
    )
    assert version(edition) == 2


@pytest.mark.parametrize(
    "status", [ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN, ProjectStatus.NOT_SELECTED]
)
def test_place_project_out_of_the_competition_refused(edition, lima, films, status):
    Project.objects.filter(pk=films[0].pk).update(status=status)
    films[0].refresh_from_db()
    with pytest.raises(ValidationError) as error:
        place(edition, films[0], lima)
    assert error.value.message_dict == {
        "project": ["This application is no longer in the competition."]
    }
    assert not Placement.objects.exists()


def test_place_project_refusals_keep_their_codes(edition, lima, films):
    place(edition, films[0], lima)
    place(edition, films[1], lima)
    with pytest.raises(ValidationError) as full:
        place(edition, films[2], lima)
    Project.objects.filter(pk=films[3].pk).update(status=ProjectStatus.WITHDRAWN)
    films[3].refresh_from_db()
    with pytest.raises(ValidationError) as gone:
        place(edition, films[3], lima, PlacementKind.WAITLIST)
    assert full.value.error_dict["session"][0].code == "session_full"
    assert gone.value.error_dict["project"][0].code == "not_competing"


def test_place_project_of_another_edition_or_session_refused(edition, lima, films):
    with pytest.raises(ValidationError) as error:
        place(edition, submitted_project(), lima)
    assert "project" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        place(edition, films[0], SessionFactory())
    assert "session" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        place(edition, films[0], lima, kind="maybe")
    assert "kind" in error.value.message_dict
    assert not Placement.objects.exists()
    assert not Decision.objects.exists()


def test_apply_proposal_replaces_the_selection(edition, staff, session, lima, films):
    place(edition, films[4], session)
    proposal = [
        (films[0], lima, PlacementKind.SELECTED),
        (films[1], lima, PlacementKind.SELECTED),
        (films[2], lima, PlacementKind.WAITLIST),
        (films[3], session, PlacementKind.SELECTED),
    ]
    assert (
        services.apply_proposal(
            edition=edition, proposal=proposal, by=staff, version=1, reason=" Ranking "
        )
        == 4
    )
    assert lineup(edition, lima, PlacementKind.SELECTED) == [(films[0].pk, 0), (films[1].pk, 1)]
    assert lineup(edition, lima, PlacementKind.WAITLIST) == [(films[2].pk, 0)]
    assert lineup(edition, session, PlacementKind.SELECTED) == [(films[3].pk, 0)]
    assert not Placement.objects.filter(project=films[4]).exists()
    assert set(Placement.objects.values_list("decided_by", flat=True)) == {staff.pk}
    decision = Decision.objects.get(action=DecisionAction.PROPOSED)
    assert (decision.by, decision.reason) == (staff, "Ranking")
    assert version(edition) == 2


def test_apply_proposal_with_a_project_placed_twice_refused(edition, session, lima, films):
    place(edition, films[4], session)
    proposal = [
        (films[0], lima, PlacementKind.SELECTED),
        (films[0], session, PlacementKind.WAITLIST),
    ]
    with pytest.raises(ValidationError) as error:
        services.apply_proposal(edition=edition, proposal=proposal, by=None)
    assert error.value.code == "placed_twice"
    assert error.value.messages == [f"{films[0].display_title} is placed twice."]
    assert list(Placement.objects.values_list("project", flat=True)) == [films[4].pk]
    assert version(edition) == 1


def test_apply_proposal_beyond_the_places_refused(edition, session, lima, films):
    place(edition, films[4], session)
    proposal = [(film, lima, PlacementKind.SELECTED) for film in films[:3]]
    with pytest.raises(ValidationError) as error:
        services.apply_proposal(edition=edition, proposal=proposal, by=None)
    assert error.value.code == "session_full"
    assert error.value.messages == ["Lima has 2 places."]
    assert list(Placement.objects.values_list("project", flat=True)) == [films[4].pk]
    assert Decision.objects.filter(action=DecisionAction.PROPOSED).count() == 0


def test_apply_proposal_with_an_application_out_of_the_competition_refused(
    edition, session, lima, films
):
    Project.objects.filter(pk=films[1].pk).update(status=ProjectStatus.WITHDRAWN)
    films[1].refresh_from_db()
    proposal = [(films[0], lima, PlacementKind.SELECTED), (films[1], lima, PlacementKind.SELECTED)]
    with pytest.raises(ValidationError):
        services.apply_proposal(edition=edition, proposal=proposal, by=None)
    assert not Placement.objects.exists()


def test_apply_proposal_with_an_unknown_kind_refused(edition, session, lima, films):
    place(edition, films[4], session)
    with pytest.raises(ValidationError):
        services.apply_proposal(edition=edition, proposal=[(films[0], lima, "maybe")], by=None)
    assert list(Placement.objects.values_list("project", flat=True)) == [films[4].pk]


def test_apply_proposal_with_a_stale_version_refused(edition, session, lima, films):
    place(edition, films[4], session)
    with pytest.raises(ValidationError) as error:
        services.apply_proposal(
            edition=edition, proposal=[(films[0], lima, "selected")], by=None, version=0
        )
    assert error.value.code == "stale"
    assert list(Placement.objects.values_list("project", flat=True)) == [films[4].pk]


@pytest.fixture
def decided(edition, call, session, lima, films):
    """A selection ready to lock, and the edition's other applications."""
    waiting = submitted_project(call=call, status=ProjectStatus.SUBMITTED)
    place(edition, films[0], session)
    place(edition, films[1], lima)
    place(edition, waiting, lima, PlacementKind.WAITLIST)
    others = {
        "submitted": submitted_project(call=call, status=ProjectStatus.SUBMITTED),
        "under_review": films[2],
        "draft": ProjectFactory(call=call),
        "withdrawn": submitted_project(call=call, status=ProjectStatus.WITHDRAWN),
        "elsewhere": submitted_project(),
    }
    return waiting, others


def test_lock_selection_gives_every_application_its_status(
    edition, staff, session, lima, films, decided
):
    waiting, others = decided
    selection = services.lock_selection(edition=edition, by=staff, reason=" Final ")
    assert selection.is_locked
    assert selection.locked_by == staff

    def state(project):
        project = Project.objects.get(pk=project.pk)
        return project.status, project.selected_session

    assert state(films[0]) == (ProjectStatus.SELECTED, session)
    assert state(films[1]) == (ProjectStatus.SELECTED, lima)
    assert state(waiting) == (ProjectStatus.WAITLISTED, lima)
    assert state(others["submitted"]) == (ProjectStatus.NOT_SELECTED, None)
    assert state(others["under_review"]) == (ProjectStatus.NOT_SELECTED, None)
    assert state(others["draft"]) == (ProjectStatus.DRAFT, None)
    assert state(others["withdrawn"]) == (ProjectStatus.WITHDRAWN, None)
    assert state(others["elsewhere"]) == (ProjectStatus.UNDER_REVIEW, None)
    locked = Decision.objects.get(action=DecisionAction.LOCKED)
    assert (locked.by, locked.reason) == (staff, "Final")
    assert locked.at is not None


def test_lock_selection_then_every_change_refused(edition, staff, session, lima, films, decided):
    services.lock_selection(edition=edition, by=staff)
    before = (
        list(Placement.objects.values_list("project", "session", "kind", "position")),
        Decision.objects.count(),
        version(edition),
    )
    changes = [
        lambda: place(edition, films[3], lima, PlacementKind.WAITLIST),
        lambda: place(edition, films[0], lima, PlacementKind.WAITLIST),
        lambda: services.remove_placement(edition=edition, project=films[0], by=staff),
        lambda: services.apply_proposal(
            edition=edition, proposal=[(films[3], session, "selected")], by=staff
        ),
        lambda: services.lock_selection(edition=edition, by=staff),
    ]
    for change in changes:
        with pytest.raises(ValidationError) as error:
            change()
        assert error.value.code == "locked"
        assert error.value.messages == ["The selection is locked: it can no longer change."]
    after = (
        list(Placement.objects.values_list("project", "session", "kind", "position")),
        Decision.objects.count(),
        version(edition),
    )
    assert after == before


def test_lock_selection_without_a_selected_project_refused(edition, lima, films):
    place(edition, films[0], lima, PlacementKind.WAITLIST)
    with pytest.raises(ValidationError) as error:
        services.lock_selection(edition=edition, by=None)
    assert error.value.code == "empty"
    assert not Selection.objects.get(edition=edition).is_locked
    assert Project.objects.get(pk=films[0].pk).status == ProjectStatus.UNDER_REVIEW
    assert Project.objects.get(pk=films[1].pk).status == ProjectStatus.UNDER_REVIEW


def test_lock_selection_with_a_stale_version_refused(edition, staff, decided):
    with pytest.raises(ValidationError) as error:
        services.lock_selection(edition=edition, by=staff, version=1)
    assert error.value.code == "stale"
    assert not Selection.objects.get(edition=edition).is_locked
    assert not Project.objects.filter(status=ProjectStatus.SELECTED).exists()


def test_every_decision_records_who_when_and_why(edition, staff, session, lima, films):
    place(edition, films[0], lima, by=staff, reason="Strongest")
    place(edition, films[0], session, by=staff, reason="Fits Toulouse")
    place(edition, films[1], lima, by=staff, reason="Second")
    services.remove_placement(edition=edition, project=films[1], by=staff, reason="Withdrew")
    services.apply_proposal(
        edition=edition,
        proposal=[(films[2], lima, PlacementKind.SELECTED)],
        by=staff,
        reason="Ranking",
    )
    services.lock_selection(edition=edition, by=staff, reason="Jury meeting")
    rows = list(Decision.objects.order_by("pk").values_list("action", "by", "reason"))
    assert rows == [
        (DecisionAction.PLACED, staff.pk, "Strongest"),
        (DecisionAction.MOVED, staff.pk, "Fits Toulouse"),
        (DecisionAction.PLACED, staff.pk, "Second"),
        (DecisionAction.REMOVED, staff.pk, "Withdrew"),
        (DecisionAction.PROPOSED, staff.pk, "Ranking"),
        (DecisionAction.LOCKED, staff.pk, "Jury meeting"),
    ]
    assert not Decision.objects.filter(at__isnull=True).exists()


# --- A juror's own application ------------------------------------------------------------


def test_own_application_is_a_conflict_even_unrecorded_or_dismissed(edition, staff, juror, member):
    round_ = RoundFactory(edition=edition, members=[member], phase=Phase.DISCUSSION)
    own = submitted_project(call__edition=edition, owner=juror)
    RoundProjectFactory(round=round_, project=own)
    with pytest.raises(ValidationError) as error:
        services.assign(round_=round_, member=member, project=own, by=staff)
    assert error.value.message_dict == {
        "member": ["This juror has a conflict of interest with this project."]
    }
    # Even an assignment made behind the services' back, and a conflict dismissed by staff,
    # leave the juror's own film out of their sight and of the ranking.
    assignment = AssignmentFactory(round=round_, member=member, project=own)
    Conflict.objects.create(
        member=member, project=own, status=ConflictStatus.DISMISSED, reason="Checked"
    )
    assert permissions.juror_assignment(juror, own) is None
    assert not permissions.reviewable_projects(juror).exists()
    assert not services.visible_round_assignments(round_).filter(pk=assignment.pk).exists()


def test_own_application_is_never_assigned_automatically(edition, staff, juror, member):
    from juries.assignment import propose_assignment

    others = [JuryMemberFactory(edition=edition) for _ in range(3)]
    round_ = RoundFactory(edition=edition, members=[member, *others], phase=Phase.SETUP)
    own = submitted_project(call__edition=edition, owner=juror)
    RoundProjectFactory(round=round_, project=own)
    for _ in range(3):
        RoundProjectFactory(round=round_, project=submitted_project(call__edition=edition))
    propose_assignment(round_=round_, by=staff, k=3)
    assert not Assignment.objects.filter(member=member, project=own).exists()
    assert Assignment.objects.filter(project=own).count() == 3


def test_declaring_a_conflict_removes_the_unstarted_assignment(edition, juror, member):
    round_ = RoundFactory(edition=edition, members=[member])
    assignment = AssignmentFactory(round=round_, member=member)
    services.declare_conflict(
        member=member, project=assignment.project, reason="My cousin edits it", by=juror
    )
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert services.pending_by_member(round_) == {}


def test_a_published_round_cannot_go_back_to_preparation(edition, staff):
    round_ = RoundFactory(edition=edition, phase=Phase.SCORING)
    with pytest.raises(ValidationError) as error:
        services.set_phase(round_=round_, phase=Phase.SETUP, by=staff)
    assert error.value.code == "published"
    round_.refresh_from_db()
    assert round_.phase == Phase.SCORING


def test_assign_in_a_closed_round_or_a_withdrawn_project_refused(edition, staff, member):
    round_ = RoundFactory(edition=edition, members=[member], phase=Phase.CLOSED)
    project = submitted_project(call__edition=edition)
    RoundProjectFactory(round=round_, project=project)
    with pytest.raises(ValidationError):
        services.assign(round_=round_, member=member, project=project, by=staff)
    round_.phase = Phase.SCORING
    round_.save()
    project.status = ProjectStatus.WITHDRAWN
    project.save()
    with pytest.raises(ValidationError) as error:
        services.assign(round_=round_, member=member, project=project, by=staff)
    assert error.value.error_dict["project"][0].code == "not_competing"
    assert not Assignment.objects.exists()


def test_invite_twice_at_once_is_refused_at_the_email(edition, staff, monkeypatch):
    """The check passes for both requests of a double click; the database refuses the
    second, and the service says so at the field rather than failing."""
    services.invite_juror(edition=edition, email="dup@example.org", full_name="Dup", by=staff)
    real_filter = Invitation.objects.filter

    def filter_missing_the_first(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if kwargs.get("status") == InvitationStatus.PENDING else queryset

    monkeypatch.setattr(Invitation.objects, "filter", filter_missing_the_first)
    with pytest.raises(ValidationError) as error:
        services.invite_juror(edition=edition, email="dup@example.org", full_name="Dup", by=staff)
    assert error.value.error_dict["email"][0].code == "already_invited"
    assert error.value.messages == ["This person has an invitation waiting for an answer."]
    monkeypatch.undo()
    assert Invitation.objects.filter(email="dup@example.org").count() == 1
