"""The database itself refuses what must never be stored, whatever writes it: a bad
.update(), a bulk_create or a create that skips full_clean()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.tests.factories import SessionFactory
from juries.models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Interest,
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
    RoundProject,
    Score,
    Selection,
)

from .factories import (
    AssignmentFactory,
    ConflictFactory,
    CriterionFactory,
    InterestFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    ScoreFactory,
    submitted_project,
)

pytestmark = pytest.mark.django_db


def refused(action):
    """Run `action` in its own savepoint and return whether the database refused it."""
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def invitation(edition, **kwargs):
    kwargs.setdefault("email", "nadia@example.org")
    kwargs.setdefault("full_name", "Nadia Nómade")
    kwargs.setdefault("token_hash", f"hash-{Invitation.objects.count()}")
    return Invitation.objects.create(edition=edition, **kwargs)


# --- Jury members -----------------------------------------------------------------------


def test_jury_member_once_per_edition(edition):
    member = JuryMemberFactory(edition=edition)
    assert refused(lambda: JuryMember.objects.create(edition=edition, user=member.user))
    assert JuryMember.objects.filter(edition=edition).count() == 1


def test_jury_member_may_sit_on_two_editions(edition):
    member = JuryMemberFactory(edition=edition)
    other = JuryMemberFactory(user=member.user)
    assert other.edition != edition
    assert JuryMember.objects.filter(user=member.user).count() == 2


def test_jury_one_president_refuses_a_second_on_create(edition):
    JuryMemberFactory(edition=edition, is_president=True)
    assert refused(lambda: JuryMemberFactory(edition=edition, is_president=True))
    assert JuryMember.objects.filter(edition=edition, is_president=True).count() == 1


def test_jury_one_president_refuses_a_bad_update(edition):
    JuryMemberFactory(edition=edition, is_president=True)
    second = JuryMemberFactory(edition=edition)
    assert refused(lambda: JuryMember.objects.filter(pk=second.pk).update(is_president=True))
    second.refresh_from_db()
    assert second.is_president is False


def test_jury_one_president_per_edition_not_per_portal(edition):
    JuryMemberFactory(edition=edition, is_president=True)
    other = JuryMemberFactory(is_president=True)
    assert other.is_president is True


def test_jury_many_members_without_president(edition):
    JuryMemberFactory.create_batch(3, edition=edition)
    assert JuryMember.objects.filter(edition=edition, is_president=False).count() == 3


# --- Invitations ------------------------------------------------------------------------


def test_invitation_status_valid_refuses_a_bad_update(edition):
    row = invitation(edition)
    assert refused(lambda: Invitation.objects.filter(pk=row.pk).update(status="maybe"))
    row.refresh_from_db()
    assert row.status == InvitationStatus.PENDING


def test_invitation_one_pending_per_email(edition):
    invitation(edition)
    assert refused(lambda: invitation(edition))
    assert Invitation.objects.filter(edition=edition).count() == 1


def test_invitation_pending_again_after_a_declined_one(edition):
    invitation(edition, status=InvitationStatus.DECLINED)
    invitation(edition)
    assert Invitation.objects.filter(edition=edition).count() == 2


def test_invitation_reopened_by_update_refused_when_another_is_pending(edition):
    declined = invitation(edition, status=InvitationStatus.DECLINED)
    invitation(edition)
    assert refused(
        lambda: Invitation.objects.filter(pk=declined.pk).update(status=InvitationStatus.PENDING)
    )
    declined.refresh_from_db()
    assert declined.status == InvitationStatus.DECLINED


def test_invitation_token_hash_unique(edition):
    invitation(edition, token_hash="same")
    assert refused(lambda: invitation(edition, email="other@example.org", token_hash="same"))


# --- Criteria ---------------------------------------------------------------------------


def test_criterion_name_unique_per_edition(edition):
    CriterionFactory(edition=edition, name="Artistic quality")
    assert refused(lambda: CriterionFactory(edition=edition, name="Artistic quality"))
    CriterionFactory(name="Artistic quality")
    assert Criterion.objects.filter(name="Artistic quality").count() == 2


@pytest.mark.parametrize("weight", [Decimal("0"), Decimal("-1")])
def test_criterion_weight_positive_refuses_a_bad_update(edition, weight):
    criterion = CriterionFactory(edition=edition, weight=2)
    assert refused(lambda: Criterion.objects.filter(pk=criterion.pk).update(weight=weight))
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("2")


@pytest.mark.parametrize(("low", "high"), [(5, 5), (6, 5)])
def test_criterion_scale_valid_refuses_a_bad_update(edition, low, high):
    criterion = CriterionFactory(edition=edition)
    assert refused(
        lambda: Criterion.objects.filter(pk=criterion.pk).update(scale_min=low, scale_max=high)
    )
    criterion.refresh_from_db()
    assert (criterion.scale_min, criterion.scale_max) == (1, 10)


def test_criterion_scale_valid_refuses_a_bad_create(edition):
    assert refused(
        lambda: Criterion.objects.create(edition=edition, name="Sound", scale_min=4, scale_max=3)
    )
    assert not Criterion.objects.filter(edition=edition).exists()


def test_criterion_clean_says_the_highest_must_be_above_the_lowest(edition):
    criterion = Criterion(edition=edition, name="Sound", scale_min=5, scale_max=5)
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert error.value.message_dict["scale_max"] == [
        "The highest score must be above the lowest score."
    ]


def test_criterion_scale_from_zero_is_valid(edition):
    criterion = Criterion(edition=edition, name="Sound", scale_min=0, scale_max=4)
    criterion.full_clean()
    criterion.save()
    assert criterion.pk is not None


# --- Rounds -----------------------------------------------------------------------------


def test_round_number_unique_per_edition(edition):
    RoundFactory(edition=edition, number=1)
    assert refused(lambda: RoundFactory(edition=edition, number=1))
    assert RoundFactory(number=1).number == 1


def test_round_phase_valid_refuses_a_bad_update(edition):
    round_ = RoundFactory(edition=edition)
    assert refused(lambda: Round.objects.filter(pk=round_.pk).update(phase="voting"))
    round_.refresh_from_db()
    assert round_.phase == Phase.SCORING


def test_round_phase_valid_refuses_a_bad_create(edition):
    assert refused(lambda: Round.objects.create(edition=edition, name="First", phase="voting"))
    assert not Round.objects.filter(edition=edition).exists()


def test_round_kind_valid_refuses_a_bad_update(edition):
    round_ = RoundFactory(edition=edition)
    assert refused(lambda: Round.objects.filter(pk=round_.pk).update(kind="semi-final"))
    round_.refresh_from_db()
    assert round_.kind == RoundKind.FINAL


def test_round_reviews_positive_refuses_a_bad_update(edition):
    round_ = RoundFactory(edition=edition)
    assert refused(lambda: Round.objects.filter(pk=round_.pk).update(reviews_per_project=0))
    round_.refresh_from_db()
    assert round_.reviews_per_project == 3


def test_round_project_once_per_round(edition):
    round_ = RoundFactory(edition=edition)
    project = submitted_project(call__edition=edition)
    RoundProject.objects.create(round=round_, project=project)
    assert refused(lambda: RoundProject.objects.create(round=round_, project=project))
    assert RoundProject.objects.filter(round=round_).count() == 1


def test_round_assignments_published_property(edition):
    assert RoundFactory(edition=edition).assignments_published is True
    assert RoundFactory(edition=edition, assignments_published_at=None).assignments_published is (
        False
    )


# --- Conflicts and interest -------------------------------------------------------------


def test_conflict_once_per_juror_and_project(edition):
    conflict = ConflictFactory(member__edition=edition)
    assert refused(lambda: ConflictFactory(member=conflict.member, project=conflict.project))
    assert Conflict.objects.count() == 1


def test_conflict_status_valid_refuses_a_bad_update(edition):
    conflict = ConflictFactory(member__edition=edition)
    assert refused(lambda: Conflict.objects.filter(pk=conflict.pk).update(status="maybe"))
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DECLARED


def test_conflict_status_valid_refuses_an_empty_status(edition):
    member = JuryMemberFactory(edition=edition)
    project = submitted_project(call__edition=edition)
    assert refused(
        lambda: Conflict.objects.create(member=member, project=project, status="", reason="x")
    )


@pytest.mark.parametrize(
    ("status", "blocking"),
    [
        (ConflictStatus.DECLARED, True),
        (ConflictStatus.CONFIRMED, True),
        (ConflictStatus.SUGGESTED, True),
        (ConflictStatus.DISMISSED, False),
    ],
)
def test_conflict_is_blocking_unless_dismissed(edition, status, blocking):
    assert ConflictFactory(member__edition=edition, status=status).is_blocking is blocking


def test_interest_once_per_juror_and_project(edition):
    interest = InterestFactory(member__edition=edition)
    assert refused(lambda: InterestFactory(member=interest.member, project=interest.project))
    assert Interest.objects.count() == 1


def test_interest_level_valid_refuses_a_bad_update(edition):
    interest = InterestFactory(member__edition=edition)
    assert refused(lambda: Interest.objects.filter(pk=interest.pk).update(level="very"))
    interest.refresh_from_db()
    assert interest.level == "interested"


# --- Assignments, reviews and scores ----------------------------------------------------


def test_assignment_once_per_round_juror_and_project(edition):
    assignment = AssignmentFactory(round__edition=edition)
    assert refused(
        lambda: Assignment.objects.create(
            round=assignment.round, member=assignment.member, project=assignment.project
        )
    )
    assert Assignment.objects.count() == 1


def test_assignment_source_valid_refuses_a_bad_update(edition):
    assignment = AssignmentFactory(round__edition=edition)
    assert refused(lambda: Assignment.objects.filter(pk=assignment.pk).update(source="magic"))
    assignment.refresh_from_db()
    assert assignment.source == "manual"


def test_review_once_per_assignment(edition):
    review = ReviewFactory(assignment__round__edition=edition)
    assert refused(lambda: ReviewFactory(assignment=review.assignment))
    assert Review.objects.count() == 1


def test_review_status_valid_refuses_a_bad_update(edition):
    review = ReviewFactory(assignment__round__edition=edition)
    assert refused(lambda: Review.objects.filter(pk=review.pk).update(status="final"))
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_review_recommendation_valid_refuses_a_bad_update(edition):
    review = ReviewFactory(assignment__round__edition=edition)
    assert refused(lambda: Review.objects.filter(pk=review.pk).update(recommendation="maybe"))
    review.refresh_from_db()
    assert review.recommendation == "select"


def test_review_recommendation_may_be_empty(edition):
    review = ReviewFactory(
        assignment__round__edition=edition,
        status=ReviewStatus.DRAFT,
        submitted_at=None,
        recommendation="",
    )
    assert Review.objects.get(pk=review.pk).recommendation == ""


def test_review_submitted_has_time_refuses_a_bad_update(edition):
    review = ReviewFactory(assignment__round__edition=edition)
    assert refused(lambda: Review.objects.filter(pk=review.pk).update(submitted_at=None))
    review.refresh_from_db()
    assert review.submitted_at is not None


def test_review_submitted_has_time_refuses_a_bad_create(edition):
    assignment = AssignmentFactory(round__edition=edition)
    assert refused(
        lambda: ReviewFactory(
            assignment=assignment, status=ReviewStatus.SUBMITTED, submitted_at=None
        )
    )
    assert not Review.objects.exists()


def test_review_draft_needs_no_time(edition):
    review = ReviewFactory(
        assignment__round__edition=edition, status=ReviewStatus.DRAFT, submitted_at=None
    )
    assert review.is_submitted is False
    assert Review.objects.filter(status=ReviewStatus.DRAFT).count() == 1


def test_review_submitted_by_update_without_time_refused(edition):
    review = ReviewFactory(
        assignment__round__edition=edition, status=ReviewStatus.DRAFT, submitted_at=None
    )
    assert refused(
        lambda: Review.objects.filter(pk=review.pk).update(status=ReviewStatus.SUBMITTED)
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_score_unique_per_review_and_criterion(edition):
    score = ScoreFactory(review__assignment__round__edition=edition)
    assert refused(
        lambda: Score.objects.create(review=score.review, criterion=score.criterion, value=3)
    )
    assert list(Score.objects.values_list("value", flat=True)) == [7]


def test_score_unique_refuses_a_bulk_create(edition):
    score = ScoreFactory(review__assignment__round__edition=edition)
    assert refused(
        lambda: Score.objects.bulk_create(
            [Score(review=score.review, criterion=score.criterion, value=2)]
        )
    )
    assert Score.objects.count() == 1


# --- Selection --------------------------------------------------------------------------


def test_selection_once_per_edition(edition):
    Selection.objects.create(edition=edition)
    assert refused(lambda: Selection.objects.create(edition=edition))


def test_selection_is_locked_property(edition, staff):
    selection = Selection.objects.create(edition=edition)
    assert selection.is_locked is False
    selection.locked_at = timezone.now()
    assert selection.is_locked is True


def test_placement_once_per_selection(edition):
    selection = Selection.objects.create(edition=edition)
    toulouse = SessionFactory(edition=edition)
    lima = SessionFactory(edition=edition, city="Lima", country="PE")
    project = submitted_project(call__edition=edition)
    Placement.objects.create(
        selection=selection, project=project, session=toulouse, kind=PlacementKind.SELECTED
    )
    assert refused(
        lambda: Placement.objects.create(
            selection=selection, project=project, session=lima, kind=PlacementKind.WAITLIST
        )
    )
    assert Placement.objects.filter(project=project).count() == 1


def test_placement_kind_valid_refuses_a_bad_update(edition):
    selection = Selection.objects.create(edition=edition)
    placement = Placement.objects.create(
        selection=selection,
        project=submitted_project(call__edition=edition),
        session=SessionFactory(edition=edition),
        kind=PlacementKind.SELECTED,
    )
    assert refused(lambda: Placement.objects.filter(pk=placement.pk).update(kind="maybe"))
    placement.refresh_from_db()
    assert placement.kind == PlacementKind.SELECTED


# --- Strings ----------------------------------------------------------------------------


def test_model_strings_name_what_they_are(edition):
    user = UserFactory(full_name="Julia Jurado")
    member = JuryMemberFactory(edition=edition, user=user)
    criterion = CriterionFactory(edition=edition, name="Originality")
    round_ = RoundFactory(edition=edition, name="Pre-selection")
    conflict = ConflictFactory(member=member)
    assert str(member) == f"Julia Jurado ({edition})"
    assert str(criterion) == "Originality"
    assert str(round_) == "Pre-selection"
    assert str(conflict) == f"Julia Jurado × {conflict.project}"
    assert str(invitation(edition)) == "Nadia Nómade <nadia@example.org>"
