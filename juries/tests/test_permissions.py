import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import UserFactory
from juries import permissions
from juries.models import ConflictStatus, JuryMember, Phase, ReviewStatus
from submissions.models import Project, ProjectStatus

from .factories import (
    AssignmentFactory,
    ConflictFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    RoundProjectFactory,
    submitted_project,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(juror, edition):
    return JuryMember.objects.get(user=juror, edition=edition)


@pytest.fixture
def round_(edition, member):
    return RoundFactory(edition=edition, members=[member])


@pytest.fixture
def assignment(round_, member):
    return AssignmentFactory(round=round_, member=member)


def submit(assignment):
    return ReviewFactory(assignment=assignment)


# --- Phases -----------------------------------------------------------------------------


def test_phases_cover_every_phase():
    assert set(permissions.PHASES) == set(Phase)


@pytest.mark.parametrize(
    ("phase", "interest", "review", "others", "comment"),
    [
        (Phase.SETUP, True, False, False, False),
        (Phase.SCORING, False, True, False, False),
        (Phase.DISCUSSION, False, True, True, True),
        (Phase.CLOSED, False, False, True, False),
    ],
)
def test_rules_read_from_the_phase(edition, phase, interest, review, others, comment):
    rules = permissions.rules(RoundFactory(edition=edition, phase=phase))
    assert (
        rules.declare_interest,
        rules.review,
        rules.see_others_after_submitting,
        rules.comment,
    ) == (interest, review, others, comment)


# --- Who runs the jury ------------------------------------------------------------------


def test_can_manage_jury_staff_of_the_programme(edition, staff):
    assert permissions.can_manage_jury(staff, edition) is True


def test_can_manage_jury_refused_to_other_staff_jurors_and_producers(
    edition, other_staff, juror, producer
):
    assert permissions.can_manage_jury(other_staff, edition) is False
    assert permissions.can_manage_jury(juror, edition) is False
    assert permissions.can_manage_jury(producer, edition) is False
    assert permissions.can_manage_jury(AnonymousUser(), edition) is False


def test_membership_of_the_juror(edition, juror, member):
    assert permissions.membership(juror, edition) == member


def test_membership_none_for_another_edition_anonymous_and_inactive(edition, juror, producer):
    assert permissions.membership(juror, RoundFactory().edition) is None
    assert permissions.membership(producer, edition) is None
    assert permissions.membership(AnonymousUser(), edition) is None
    juror.is_active = False
    juror.save(update_fields=["is_active"])
    assert permissions.membership(juror, edition) is None


# --- The one check ----------------------------------------------------------------------


def test_juror_assignment_of_a_published_assignment(juror, assignment):
    assert permissions.juror_assignment(juror, assignment.project) == assignment
    assert permissions.juror_assignment(juror, assignment.project, assignment.round) == assignment
    assert list(permissions.reviewable_projects(juror)) == [assignment.project]


def test_juror_assignment_none_before_the_assignments_are_published(juror, assignment):
    assignment.round.assignments_published_at = None
    assignment.round.save(update_fields=["assignments_published_at"])
    assert permissions.juror_assignment(juror, assignment.project) is None
    assert not permissions.reviewable_projects(juror).exists()


def test_juror_assignment_none_for_a_project_not_assigned(juror, round_, edition):
    project = submitted_project(call__edition=edition)
    RoundProjectFactory(round=round_, project=project)
    AssignmentFactory(round=round_, project=project)  # another juror's
    assert permissions.juror_assignment(juror, project) is None
    assert not permissions.reviewable_projects(juror).exists()


def test_juror_assignment_none_for_another_user(assignment, producer, staff):
    assert permissions.juror_assignment(producer, assignment.project) is None
    assert permissions.juror_assignment(staff, assignment.project) is None
    assert permissions.juror_assignment(AnonymousUser(), assignment.project) is None
    assert not permissions.reviewable_projects(AnonymousUser()).exists()


def test_juror_assignment_none_for_an_inactive_juror(juror, assignment):
    juror.is_active = False
    juror.save(update_fields=["is_active"])
    assert permissions.juror_assignment(juror, assignment.project) is None


def test_juror_assignment_none_once_the_juror_leaves_the_round(juror, assignment, member):
    assignment.round.members.remove(member)
    assert permissions.juror_assignment(juror, assignment.project) is None
    assert not permissions.reviewable_projects(juror).exists()


def test_juror_assignment_none_when_left_that_round_but_still_in_another(
    juror, assignment, member, edition
):
    RoundFactory(edition=edition, members=[member])
    assignment.round.members.remove(member)
    assert permissions.juror_assignment(juror, assignment.project) is None


def test_juror_assignment_none_in_another_round(juror, assignment, edition, member):
    other = RoundFactory(edition=edition, members=[member])
    assert permissions.juror_assignment(juror, assignment.project, other) is None


@pytest.mark.parametrize(
    "status", [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]
)
def test_juror_assignment_none_with_a_blocking_conflict(juror, assignment, member, status):
    ConflictFactory(member=member, project=assignment.project, status=status)
    assert permissions.juror_assignment(juror, assignment.project) is None
    assert not permissions.reviewable_projects(juror).exists()
    assert not permissions.visible_assignments(juror).exists()


def test_juror_assignment_back_once_the_conflict_is_dismissed(juror, assignment, member):
    ConflictFactory(member=member, project=assignment.project, status=ConflictStatus.DISMISSED)
    assert permissions.juror_assignment(juror, assignment.project) == assignment
    assert list(permissions.reviewable_projects(juror)) == [assignment.project]


def test_conflict_with_one_project_hides_only_that_one(juror, assignment, member, round_):
    other = AssignmentFactory(round=round_, member=member)
    ConflictFactory(member=member, project=assignment.project)
    assert list(permissions.reviewable_projects(juror)) == [other.project]


def test_conflict_of_another_juror_hides_nothing(juror, assignment, edition):
    ConflictFactory(member=JuryMemberFactory(edition=edition), project=assignment.project)
    assert permissions.juror_assignment(juror, assignment.project) == assignment


@pytest.mark.parametrize("status", [ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN])
def test_juror_assignment_none_for_an_application_out_of_the_competition(juror, assignment, status):
    Project.objects.filter(pk=assignment.project.pk).update(status=status)
    assert permissions.juror_assignment(juror, assignment.project) is None
    assert not permissions.reviewable_projects(juror).exists()


@pytest.mark.parametrize(
    "status", [ProjectStatus.SELECTED, ProjectStatus.WAITLISTED, ProjectStatus.NOT_SELECTED]
)
def test_juror_assignment_kept_once_the_selection_is_decided(juror, assignment, status):
    Project.objects.filter(pk=assignment.project.pk).update(status=status)
    assert permissions.juror_assignment(juror, assignment.project) == assignment


def test_juror_assignment_latest_round_by_default(juror, assignment, member, edition):
    final = RoundFactory(edition=edition, number=assignment.round.number + 1, members=[member])
    later = AssignmentFactory(round=final, member=member, project=assignment.project)
    assert permissions.juror_assignment(juror, assignment.project) == later
    assert permissions.juror_assignment(juror, assignment.project, assignment.round) == assignment
    assert list(permissions.reviewable_projects(juror)) == [assignment.project]


def test_reviewable_projects_scopes_a_given_queryset(juror, assignment, round_, member):
    other = AssignmentFactory(round=round_, member=member)
    queryset = Project.objects.filter(pk=other.project.pk)
    assert list(permissions.reviewable_projects(juror, queryset)) == [other.project]


def test_reviewable_projects_of_another_edition_not_mixed(juror, assignment):
    stranger = UserFactory()
    AssignmentFactory(member=JuryMemberFactory(user=stranger))
    assert list(permissions.reviewable_projects(juror)) == [assignment.project]


# --- Reviews, others' scores and comments -----------------------------------------------


def test_can_edit_review_in_scoring_and_discussion_before_the_deadline(assignment):
    round_ = assignment.round
    round_.deadline = timezone.now() + dt.timedelta(days=1)
    for phase in (Phase.SCORING, Phase.DISCUSSION):
        round_.phase = phase
        assert permissions.can_edit_review(assignment) is True


def test_can_edit_review_without_deadline(assignment):
    assert assignment.round.deadline is None
    assert permissions.can_edit_review(assignment) is True


def test_can_edit_review_refused_at_and_after_the_deadline(assignment):
    deadline = timezone.now() + dt.timedelta(days=1)
    assignment.round.deadline = deadline
    before = deadline - dt.timedelta(seconds=1)
    assert permissions.can_edit_review(assignment, moment=before) is True
    assert permissions.can_edit_review(assignment, moment=deadline) is False
    assert permissions.can_edit_review(assignment, moment=deadline + dt.timedelta(1)) is False


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.CLOSED])
def test_can_edit_review_refused_in_setup_and_closed(assignment, phase):
    assignment.round.phase = phase
    assert permissions.can_edit_review(assignment) is False


def test_can_see_others_false_in_blind_scoring_even_after_submitting(assignment):
    assert assignment.round.phase == Phase.SCORING
    submit(assignment)
    assert permissions.has_submitted_review(assignment) is True
    assert permissions.can_see_others(assignment) is False


def test_can_see_others_in_discussion_only_after_submitting(assignment):
    assignment.round.phase = Phase.DISCUSSION
    assert permissions.can_see_others(assignment) is False
    review = ReviewFactory(assignment=assignment, status=ReviewStatus.DRAFT, submitted_at=None)
    assert permissions.has_submitted_review(assignment) is False
    assert permissions.can_see_others(assignment) is False
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save()
    assert permissions.can_see_others(assignment) is True


def test_can_see_others_once_closed_after_submitting(assignment):
    assignment.round.phase = Phase.CLOSED
    assert permissions.can_see_others(assignment) is False
    submit(assignment)
    assert permissions.can_see_others(assignment) is True


def test_can_see_others_refused_in_setup(assignment):
    assignment.round.phase = Phase.SETUP
    submit(assignment)
    assert permissions.can_see_others(assignment) is False


def test_other_jurors_submission_does_not_open_mine(assignment, round_, edition):
    round_.phase = Phase.DISCUSSION
    ReviewFactory(assignment=AssignmentFactory(round=round_, project=assignment.project))
    assert permissions.can_see_others(assignment) is False
    assert permissions.can_comment(assignment) is False


def test_can_comment_in_discussion_only_after_submitting(assignment):
    assignment.round.phase = Phase.DISCUSSION
    assert permissions.can_comment(assignment) is False
    submit(assignment)
    assert permissions.can_comment(assignment) is True


@pytest.mark.parametrize("phase", [Phase.SETUP, Phase.SCORING, Phase.CLOSED])
def test_can_comment_refused_outside_discussion_even_after_submitting(assignment, phase):
    assignment.round.phase = phase
    submit(assignment)
    assert permissions.can_comment(assignment) is False


# --- Interest ---------------------------------------------------------------------------


def test_can_declare_interest_in_setup_for_a_juror_of_the_round(edition, member):
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP, members=[member])
    assert permissions.can_declare_interest(member, round_) is True


@pytest.mark.parametrize("phase", [Phase.SCORING, Phase.DISCUSSION, Phase.CLOSED])
def test_can_declare_interest_refused_after_setup(edition, member, phase):
    round_ = RoundFactory(edition=edition, phase=phase, members=[member])
    assert permissions.can_declare_interest(member, round_) is False


def test_can_declare_interest_refused_to_a_juror_not_in_the_round(edition, member):
    round_ = RoundFactory(edition=edition, phase=Phase.SETUP)
    assert permissions.can_declare_interest(member, round_) is False
