"""Who may see and do what in a jury.

Everything a juror may see of a project is decided by one check, `juror_assignment()`,
and one queryset, `reviewable_projects()`: a published assignment in a round the juror
sits on, and no conflict with the project (a conflict the portal only suggested counts
until staff dismiss it). Pages, files, lists, counts and exports go through them, so a
project outside them answers 404 and is found nowhere.

What a juror may do in a round is read from its phase (`PHASES`), never from scattered
conditions."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from editions.permissions import can_manage_edition
from submissions.models import Project, ProjectStatus

from .models import BLOCKING_CONFLICTS, Assignment, Conflict, JuryMember, Phase, Review, Round


@dataclass(frozen=True)
class PhaseRules:
    declare_interest: bool  # the list of the round's projects, to state interest
    review: bool  # open the review page, score and save
    see_others_after_submitting: bool  # others' scores and notes, once one's own is in
    comment: bool  # write in the discussion


PHASES = {
    Phase.SETUP: PhaseRules(
        declare_interest=True, review=False, see_others_after_submitting=False, comment=False
    ),
    Phase.SCORING: PhaseRules(
        declare_interest=False, review=True, see_others_after_submitting=False, comment=False
    ),
    Phase.DISCUSSION: PhaseRules(
        declare_interest=False, review=True, see_others_after_submitting=True, comment=True
    ),
    Phase.CLOSED: PhaseRules(
        declare_interest=False, review=False, see_others_after_submitting=True, comment=False
    ),
}

# Jurors never see applications that left the competition.
REVIEWABLE_STATUSES = [
    ProjectStatus.SUBMITTED,
    ProjectStatus.UNDER_REVIEW,
    ProjectStatus.SELECTED,
    ProjectStatus.WAITLISTED,
    ProjectStatus.NOT_SELECTED,
]


def rules(round_: Round) -> PhaseRules:
    return PHASES[Phase(round_.phase)]


def can_manage_jury(user, edition) -> bool:
    """Festival staff of the edition's programme run its jury."""
    return can_manage_edition(user, edition)


def membership(user, edition) -> JuryMember | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return JuryMember.objects.filter(edition=edition, user=user).first()


def blocking_conflicts():
    return Conflict.objects.filter(status__in=BLOCKING_CONFLICTS)


def own_application(member="member", project="project") -> Q:
    """A juror's own application is always a conflict, recorded or not: the juror is its
    producer. For querysets whose rows have a juror (`member`) and a project."""
    return Q(**{f"{project}__owner": F(f"{member}__user")})


def visible_assignments(user):
    """The assignments a juror may open: published, in a round they sit on, with no
    conflict on the project, and a project still in the competition."""
    if not user.is_authenticated or not user.is_active:
        return Assignment.objects.none()
    conflicted = blocking_conflicts().filter(member=OuterRef("member"), project=OuterRef("project"))
    return (
        Assignment.objects.filter(
            member__user=user,
            member__rounds=F("round"),
            round__assignments_published_at__isnull=False,
            project__status__in=REVIEWABLE_STATUSES,
        )
        .exclude(Exists(conflicted))
        .exclude(own_application())
    )


def juror_assignment(user, project: Project, round_: Round | None = None) -> Assignment | None:
    """The one check: the assignment through which this person may see this project (in
    this round, or the latest round they review it in), or None."""
    assignments = (
        visible_assignments(user)
        .filter(project=project)
        .select_related("round__edition", "member", "project")
    )
    if round_ is not None:
        assignments = assignments.filter(round=round_)
    return assignments.order_by("-round__number").first()


def reviewable_projects(user, queryset=None):
    """Every project a juror may see, for lists, counts and exports."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.filter(pk__in=visible_assignments(user).values("project"))


def has_submitted_review(assignment: Assignment) -> bool:
    """Uses the review read with the assignment (select_related) when there is one."""
    try:
        review = Assignment.review.related.get_cached_value(assignment)
    except KeyError:
        return Review.objects.filter(assignment=assignment, status="submitted").exists()
    return review is not None and review.is_submitted


def can_edit_review(assignment: Assignment, *, moment=None) -> bool:
    """Reviews are written while the phase allows it and until the round's deadline."""
    round_ = assignment.round
    if not rules(round_).review:
        return False
    moment = moment or timezone.now()
    return round_.deadline is None or moment < round_.deadline


def can_see_others(assignment: Assignment) -> bool:
    """Other jurors' scores and notes: only in a phase that shows them, and only once this
    juror's own review is submitted. Before that, not even how many there are."""
    return rules(assignment.round).see_others_after_submitting and has_submitted_review(assignment)


def can_comment(assignment: Assignment) -> bool:
    return rules(assignment.round).comment and has_submitted_review(assignment)


def can_declare_interest(member: JuryMember, round_: Round) -> bool:
    return rules(round_).declare_interest and round_.members.filter(pk=member.pk).exists()
