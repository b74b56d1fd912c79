"""The automatic jury assignment at scale: a pre-selection round of `size` applications
(2,000 with 40 jurors, 10,000 with 400), three reviews each. One project in twenty has a
conflict (declared, suggested or dismissed), each juror has stated interest in one
project in fifty, and a few reviews have started or were assigned by hand.

Measured: the whole proposal (read the round, solve, replace the automatic assignments),
reading the round alone, and the solver alone. Each repetition of the proposal replaces
the previous one, as staff running it again would."""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme
from juries.assignment import propose_assignment, read_round, solve
from juries.models import (
    Assignment,
    AssignmentSource,
    Conflict,
    ConflictStatus,
    Interest,
    InterestLevel,
    JuryMember,
    Phase,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    RoundProject,
)
from submissions.models import Genre, Project, ProjectStatus

SIZES = [2000, 10000]
JURORS = {2000: 40, 10000: 400}
K = 3
STARTED = 30  # assignments whose review has started
MANUAL = 30  # assignments staff made by hand
CONFLICT_STATUSES = [ConflictStatus.DECLARED, ConflictStatus.SUGGESTED, ConflictStatus.DISMISSED]
LEVELS = (
    [InterestLevel.INTERESTED] * 5
    + [InterestLevel.NEUTRAL] * 2
    + [InterestLevel.NOT_INTERESTED] * 3
)


def jurors_for(size: int) -> int:
    return JURORS.get(size, max(K, size // 50))


def setup(size: int) -> dict:
    rng = random.Random(size)
    now = timezone.now()
    staff = User.objects.create_user(
        "bench-staff@example.org", "bench-password-1", full_name="Bench Staff"
    )
    programme = Programme.objects.create(name="Films in Progress", slug="films-in-progress")
    programme.team.add(staff)
    edition = Edition.objects.create(
        programme=programme,
        number=1,
        year=now.year,
        slug=str(now.year),
        starts_on=dt.date(now.year, 1, 1),
        ends_on=dt.date(now.year, 12, 31),
        state=EditionState.PUBLIC,
    )
    call = Call.objects.create(
        edition=edition,
        title=f"Call for works in progress {now.year}",
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=1),
        eligible_countries=["AR", "BR", "CL", "CO", "MX", "PE", "UY"],
    )
    # Nobody signs in: unusable passwords, as Django writes them, spare the hashing.
    owner = User.objects.create(email="bench-owner@example.org", full_name="Owner", password="!")
    projects = Project.objects.bulk_create(
        Project(
            call=call,
            owner=owner,
            status=ProjectStatus.SUBMITTED,
            submitted_at=now - dt.timedelta(minutes=index),
            original_title=f"Película {index:05d}",
            english_title=f"Film {index:05d}",
            genre=Genre.FICTION,
        )
        for index in range(size)
    )
    users = User.objects.bulk_create(
        User(email=f"juror-{index}@example.org", full_name=f"Juror {index:03d}", password="!")
        for index in range(jurors_for(size))
    )
    members = JuryMember.objects.bulk_create(
        JuryMember(edition=edition, user=user) for user in users
    )
    round_ = Round.objects.create(
        edition=edition,
        number=1,
        kind=RoundKind.PRESELECTION,
        name="Pre-selection",
        phase=Phase.SETUP,
        reviews_per_project=K,
    )
    round_.members.set(members)
    RoundProject.objects.bulk_create(RoundProject(round=round_, project=p) for p in projects)
    Conflict.objects.bulk_create(
        Conflict(
            member=rng.choice(members),
            project=project,
            status=CONFLICT_STATUSES[index % len(CONFLICT_STATUSES)],
            reason="Co-producer of the director's previous film.",
        )
        for index, project in enumerate(projects[::20])
    )
    stated = {
        (member.pk, project.pk): rng.choice(LEVELS)
        for member in members
        for project in rng.sample(projects, len(projects) // 50)
    }
    Interest.objects.bulk_create(
        Interest(member_id=member, project_id=project, level=level)
        for (member, project), level in stated.items()
    )
    conflicted = set(Conflict.objects.values_list("member_id", "project_id"))
    kept = []
    for index in range(STARTED + MANUAL):
        member, project = members[index % len(members)], projects[-1 - index]
        if (member.pk, project.pk) not in conflicted:
            source = AssignmentSource.AUTOMATIC if index < STARTED else AssignmentSource.MANUAL
            kept.append(Assignment(round=round_, member=member, project=project, source=source))
    kept = Assignment.objects.bulk_create(kept)
    Review.objects.bulk_create(
        Review(
            assignment=assignment,
            round=round_,
            member_id=assignment.member_id,
            project_id=assignment.project_id,
            status=ReviewStatus.DRAFT,
        )
        for assignment in kept
        if assignment.source == AssignmentSource.AUTOMATIC
    )
    return {"round": round_, "staff": staff, "state": read_round(round_)}


def bench_assignment_propose(context: dict):
    summary = propose_assignment(round_=context["round"], by=context["staff"], k=K)
    expected = context["state"].projects
    if summary["projects"] != len(expected):
        raise AssertionError(f"assignment_propose: {summary}")


bench_assignment_propose.bulk_insert_table = "juries_assignment"


def bench_assignment_read(context: dict):
    read_round(context["round"])


def bench_assignment_solve(context: dict):
    state = context["state"]
    pairs = solve(
        projects=state.projects,
        jurors=state.jurors,
        k=K,
        loads=state.max_loads,
        conflicts=state.conflicts,
        interest=state.interest,
        fixed=state.fixed,
    )
    if len(pairs) + len(state.fixed) < K * len(state.projects):
        raise AssertionError("assignment_solve: some projects lack reviews")
