import itertools
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from editions.tests.factories import CallFactory
from juries.assignment import (
    average_load,
    default_loads,
    interest_cost,
    objective,
    propose_assignment,
    solve,
)
from juries.models import (
    Assignment,
    AssignmentSource,
    ConflictStatus,
    InterestLevel,
    Phase,
    ReviewStatus,
    Round,
    RoundProject,
)
from juries.tests.factories import (
    ConflictFactory,
    InterestFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    submitted_project,
)
from submissions.models import ProjectStatus

INTERESTED = InterestLevel.INTERESTED
NEUTRAL = InterestLevel.NEUTRAL
NOT_INTERESTED = InterestLevel.NOT_INTERESTED


def run(*, projects, jurors, k=3, loads=None, conflicts=(), interest=None, fixed=()):
    return solve(
        projects=list(projects),
        jurors=list(jurors),
        k=k,
        loads=loads or {},
        conflicts=set(conflicts),
        interest=interest or {},
        fixed=set(fixed),
    )


def per_project(pairs):
    return Counter(project for _juror, project in pairs)


def per_juror(pairs, jurors):
    counts = Counter(juror for juror, _project in pairs)
    return {juror: counts[juror] for juror in jurors}


def random_case(seed, *, n_projects=40, n_jurors=9):
    rng = random.Random(seed)
    projects = list(range(100, 100 + n_projects))
    jurors = list(range(1, n_jurors + 1))
    conflicts = {(rng.choice(jurors), project) for project in projects if rng.random() < 0.3}
    interest = {
        (juror, project): rng.choice([INTERESTED, NEUTRAL, NOT_INTERESTED])
        for juror in jurors
        for project in projects
        if rng.random() < 0.3
    }
    return projects, jurors, conflicts, interest


# --- The computation --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_solve_gives_every_project_k_reviews_within_loads_and_without_conflicts(seed):
    projects, jurors, conflicts, interest = random_case(seed)
    loads = {juror: 12 + juror % 4 for juror in jurors}

    pairs = run(
        projects=projects, jurors=jurors, k=3, loads=loads, conflicts=conflicts, interest=interest
    )

    assert per_project(pairs) == dict.fromkeys(projects, 3)
    assert all(count <= loads[juror] for juror, count in per_juror(pairs, jurors).items())
    assert not pairs & conflicts


def test_solve_spreads_default_loads_evenly():
    projects, jurors = range(1, 31), range(1, 8)

    pairs = run(projects=projects, jurors=jurors, k=3)

    loads = per_juror(pairs, jurors).values()
    assert sum(loads) == 90
    assert max(loads) - min(loads) <= 1


def test_solve_spreads_loads_evenly_around_conflicts():
    projects, jurors = list(range(1, 21)), list(range(1, 6))
    conflicts = {(1, project) for project in projects[:8]}

    pairs = run(projects=projects, jurors=jurors, k=2, conflicts=conflicts)

    loads = per_juror(pairs, jurors).values()
    assert max(loads) - min(loads) <= 1
    assert not pairs & conflicts


def test_solve_counts_fixed_reviews_towards_projects_and_loads():
    projects, jurors = [1, 2, 3, 4], [10, 20, 30, 40]
    fixed = {(10, 1), (10, 2), (10, 3), (20, 1)}

    pairs = run(projects=projects, jurors=jurors, k=2, fixed=fixed)

    assert not pairs & fixed
    assert per_project(pairs | fixed) == dict.fromkeys(projects, 2)
    # The even share is 2 (+1 slack): juror 10 already has 3 and gets nothing more.
    assert per_juror(pairs, jurors)[10] == 0
    assert max(per_juror(pairs | fixed, jurors).values()) <= 3


def test_solve_ignores_fixed_pairs_in_conflict():
    pairs = run(projects=[1], jurors=[10, 20, 30], k=2, conflicts={(10, 1)}, fixed={(10, 1)})

    assert pairs == {(20, 1), (30, 1)}


def test_solve_never_exceeds_a_juror_s_own_load():
    projects, jurors = list(range(1, 11)), [1, 2, 3]
    loads = {1: 2, 2: None, 3: None}

    pairs = run(projects=projects, jurors=jurors, k=2, loads=loads)

    counts = per_juror(pairs, jurors)
    assert counts[1] <= 2
    assert sum(counts.values()) == 20


def test_solve_gives_jurors_the_projects_they_are_interested_in():
    projects, jurors = [1, 2, 3, 4], [10, 20, 30, 40]
    interest = {(10, 3): INTERESTED, (20, 4): INTERESTED, (30, 1): INTERESTED, (40, 2): INTERESTED}

    pairs = run(projects=projects, jurors=jurors, k=1, interest=interest)

    assert pairs == set(interest)


def test_solve_avoids_jurors_not_interested_when_others_can_review():
    projects, jurors = list(range(1, 7)), [10, 20, 30]
    interest = {(10, project): NOT_INTERESTED for project in projects[:3]}

    pairs = run(projects=projects, jurors=jurors, k=1, interest=interest)

    assert per_project(pairs) == dict.fromkeys(projects, 1)
    assert not pairs & set(interest)


def test_solve_assigns_a_not_interested_juror_only_when_needed():
    interest = {(10, 1): NOT_INTERESTED, (20, 1): NOT_INTERESTED}

    pairs = run(projects=[1], jurors=[10, 20], k=2, interest=interest)

    assert pairs == {(10, 1), (20, 1)}


def brute_force_best(*, projects, jurors, k, loads, conflicts, interest, fixed):
    """The lowest objective over every assignment that fits, by enumeration."""
    options = []
    for project in projects:
        free = [j for j in jurors if (j, project) not in conflicts and (j, project) not in fixed]
        need = max(0, k - sum(1 for _j, p in fixed if p == project))
        options.append(
            [{(j, project) for j in group} for group in itertools.combinations(free, need)]
        )
    already = Counter(juror for juror, _project in fixed)
    average = average_load(projects=len(projects), jurors=len(jurors), k=k)
    best = None
    for choice in itertools.product(*options):
        pairs = set().union(*choice)
        counts = Counter(juror for juror, _project in pairs)
        if any(already[j] + counts[j] > loads[j] for j in jurors):
            continue
        cost = objective(pairs=pairs, fixed=fixed, interest=interest, average=average)
        best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_solve_is_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    projects, jurors, k = [1, 2, 3, 4], [10, 20, 30, 40], 2
    conflicts = {(rng.choice(jurors), p) for p in projects if rng.random() < 0.5}
    fixed = {(rng.choice(jurors), p) for p in projects if rng.random() < 0.3} - conflicts
    interest = {
        (j, p): rng.choice([INTERESTED, NEUTRAL, NOT_INTERESTED])
        for j in jurors
        for p in projects
        if rng.random() < 0.6
    }
    loads = {j: rng.choice([2, 3, 4]) for j in jurors}
    case = {
        "projects": projects,
        "jurors": jurors,
        "k": k,
        "loads": loads,
        "conflicts": conflicts,
        "fixed": fixed,
    }
    best = brute_force_best(interest=interest, **case)
    if best is None:
        with pytest.raises(ValidationError):
            run(interest=interest, **case)
        return

    pairs = run(interest=interest, **case)

    average = average_load(projects=4, jurors=4, k=k)
    assert objective(pairs=pairs, fixed=fixed, interest=interest, average=average) == best
    assert per_project(pairs | fixed) == dict.fromkeys(projects, k)


def test_solve_refuses_more_reviews_than_jurors():
    with pytest.raises(ValidationError) as error:
        run(projects=[1, 2], jurors=[10, 20], k=3)

    assert error.value.code == "k_too_large"
    assert error.value.messages == [
        "Each project needs 3 reviews, but the round has only 2 jurors. Add jurors to the "
        "round or ask for fewer reviews per project."
    ]


def test_solve_refuses_more_reviews_than_the_loads_carry():
    with pytest.raises(ValidationError) as error:
        run(projects=[1, 2, 3], jurors=[10, 20], k=2, loads={10: 2, 20: 2})

    assert error.value.code == "over_capacity"
    assert "need 6 more reviews" in error.value.messages[0]
    assert "can take only 4 more" in error.value.messages[0]


def test_solve_names_projects_with_too_few_jurors_without_conflict():
    with pytest.raises(ValidationError) as error:
        solve(
            projects=[1, 2, 3],
            jurors=[10, 20, 30],
            k=2,
            loads={},
            conflicts={(10, 2), (20, 2)},
            interest={},
            fixed=set(),
            name_projects=lambda pks: [f"Film {pk}" for pk in pks],
        )

    assert error.value.code == "too_few_jurors"
    assert "Film 2" in error.value.messages[0]
    assert "Film 1" not in error.value.messages[0]


def test_solve_explains_reviews_conflicts_leave_unassigned():
    # Both projects can go only to juror 20, who has room for one.
    with pytest.raises(ValidationError) as error:
        run(
            projects=[1, 2],
            jurors=[10, 20],
            k=1,
            loads={10: 5, 20: 1},
            conflicts={(10, 1), (10, 2)},
        )

    assert error.value.code == "infeasible"
    message = error.value.messages[0]
    assert "need 2 more reviews" in message
    assert "add up to 6" in message
    assert "leave 1 of them without a juror" in message


def test_solve_without_projects_assigns_nothing():
    assert run(projects=[], jurors=[10]) == set()


def test_default_loads_share_what_jurors_with_their_own_load_leave():
    loads = default_loads(max_loads={1: 2, 2: None, 3: None}, projects=10, k=2)

    # 20 reviews: juror 1 takes at most 2, the others share 18 (9 each) plus one.
    assert loads == {1: 2, 2: 10, 3: 10}


def test_default_loads_are_the_even_share_plus_one():
    assert default_loads(max_loads={1: None, 2: None, 3: None}, projects=10, k=3) == {
        1: 11,
        2: 11,
        3: 11,
    }


def test_interest_cost_rises_from_interested_to_not_interested():
    costs = [interest_cost(level, average=5) for level in (INTERESTED, None, NOT_INTERESTED)]

    assert costs == sorted(costs)
    assert interest_cost(NEUTRAL, average=5) == interest_cost(None, average=5)


# --- The service ------------------------------------------------------------------------


@pytest.fixture
def jury_call(edition):
    return CallFactory(edition=edition)


def make_round(edition, call, *, projects=6, jurors=4, **kwargs):
    kwargs.setdefault("phase", Phase.SETUP)
    kwargs.setdefault("assignments_published_at", None)
    kwargs.setdefault("reviews_per_project", 2)
    # Nobody signs in here: no password to hash.
    members = [JuryMemberFactory(edition=edition, user__password=None) for _ in range(jurors)]
    round_ = RoundFactory(edition=edition, members=members, **kwargs)
    owner = UserFactory(password=None)
    entries = [submitted_project(call=call, owner=owner) for _ in range(projects)]
    RoundProject.objects.bulk_create(RoundProject(round=round_, project=p) for p in entries)
    return round_, members, entries


def pairs_of(round_):
    return set(Assignment.objects.filter(round=round_).values_list("member_id", "project_id"))


def test_propose_assignment_gives_every_project_k_reviews(edition, jury_call, staff):
    round_, _members, projects = make_round(edition, jury_call, projects=6, jurors=4)

    summary = propose_assignment(round_=round_, by=staff)

    pairs = pairs_of(round_)
    assert per_project(pairs) == {project.pk: 2 for project in projects}
    assert summary["created"] == 12
    assert summary["kept"] == summary["removed"] == 0
    assert (summary["load_min"], summary["load_max"]) == (3, 3)
    assert set(Assignment.objects.values_list("source", "created_by")) == {
        (AssignmentSource.AUTOMATIC, staff.pk)
    }


def test_propose_assignment_does_not_publish(edition, jury_call, staff):
    round_, _members, projects = make_round(edition, jury_call, projects=2, jurors=2)
    project_status = projects[0].status

    propose_assignment(round_=round_, by=staff)

    round_.refresh_from_db()
    projects[0].refresh_from_db()
    assert round_.assignments_published_at is None
    assert projects[0].status == project_status


def test_propose_assignment_respects_suggested_conflicts(edition, jury_call, staff):
    round_, members, projects = make_round(edition, jury_call, projects=3, jurors=3)
    ConflictFactory(member=members[0], project=projects[0], status=ConflictStatus.SUGGESTED)

    propose_assignment(round_=round_, by=staff, k=2)

    pairs = pairs_of(round_)
    assert (members[0].pk, projects[0].pk) not in pairs
    assert {m for m, p in pairs if p == projects[0].pk} == {members[1].pk, members[2].pk}


def test_propose_assignment_may_assign_a_dismissed_conflict(edition, jury_call, staff):
    round_, members, projects = make_round(edition, jury_call, projects=2, jurors=3)
    ConflictFactory(member=members[1], project=projects[1], status=ConflictStatus.DISMISSED)

    propose_assignment(round_=round_, by=staff, k=3)

    assert (members[1].pk, projects[1].pk) in pairs_of(round_)


def test_propose_assignment_rerun_keeps_started_reviews_and_manual_assignments(
    edition, jury_call, staff
):
    round_, members, projects = make_round(edition, jury_call, projects=6, jurors=4)
    propose_assignment(round_=round_, by=staff)
    automatic = list(Assignment.objects.filter(round=round_).order_by("pk"))
    started = automatic[0]
    ReviewFactory(
        assignment=started, status=ReviewStatus.DRAFT, submitted_at=None, recommendation=""
    )
    manual_member = next(
        m
        for m in members
        if not Assignment.objects.filter(round=round_, member=m, project=started.project).exists()
    )
    manual = Assignment.objects.create(
        round=round_,
        member=manual_member,
        project=started.project,
        source=AssignmentSource.MANUAL,
        created_by=staff,
    )
    replaced = {a.pk for a in automatic[1:]}

    summary = propose_assignment(round_=round_, by=staff)

    remaining = set(Assignment.objects.filter(round=round_).values_list("pk", flat=True))
    assert {started.pk, manual.pk} <= remaining
    assert not replaced & remaining
    assert summary["kept"] == 2
    assert summary["removed"] == 11
    # The project with a started review and a manual one needs nothing more.
    assert summary["created"] == 10
    assert per_project(pairs_of(round_)) == {project.pk: 2 for project in projects}


def test_propose_assignment_replaces_a_started_review_hidden_by_a_conflict(
    edition, jury_call, staff
):
    round_, members, projects = make_round(edition, jury_call, projects=1, jurors=3)
    started = Assignment.objects.create(
        round=round_, member=members[0], project=projects[0], source=AssignmentSource.AUTOMATIC
    )
    ReviewFactory(
        assignment=started, status=ReviewStatus.DRAFT, submitted_at=None, recommendation=""
    )
    ConflictFactory(member=members[0], project=projects[0], status=ConflictStatus.DECLARED)

    summary = propose_assignment(round_=round_, by=staff, k=2)

    assert Assignment.objects.filter(pk=started.pk).exists()
    assert pairs_of(round_) == {(m.pk, projects[0].pk) for m in members}
    assert summary["created"] == 2


def test_propose_assignment_refuses_k_above_jurors_and_changes_nothing(edition, jury_call, staff):
    round_, _members, _projects = make_round(edition, jury_call, projects=3, jurors=2)
    propose_assignment(round_=round_, by=staff)
    before = set(Assignment.objects.values_list("pk", "member_id", "project_id"))

    with pytest.raises(ValidationError) as error:
        propose_assignment(round_=round_, by=staff, k=3)

    assert "only 2 jurors" in error.value.messages[0]
    assert set(Assignment.objects.values_list("pk", "member_id", "project_id")) == before
    assert Round.objects.get(pk=round_.pk).reviews_per_project == 2


def test_propose_assignment_refuses_loads_too_small_and_changes_nothing(edition, jury_call, staff):
    round_, members, _projects = make_round(edition, jury_call, projects=4, jurors=2)
    for member in members:
        member.max_load = 3
        member.save()

    with pytest.raises(ValidationError) as error:
        propose_assignment(round_=round_, by=staff, k=2)

    assert "need 8 more reviews" in error.value.messages[0]
    assert not Assignment.objects.exists()


def test_propose_assignment_names_the_projects_jurors_cannot_review(edition, jury_call, staff):
    round_, members, projects = make_round(edition, jury_call, projects=2, jurors=2)
    ConflictFactory(member=members[0], project=projects[1])

    with pytest.raises(ValidationError) as error:
        propose_assignment(round_=round_, by=staff, k=2)

    assert error.value.messages == [
        f"Too few jurors without a conflict can review {projects[1].display_title}: each "
        "project needs 2 reviews. Add jurors to the round or ask for fewer reviews per project."
    ]
    assert not Assignment.objects.exists()


def test_propose_assignment_keeps_k_on_the_round(edition, jury_call, staff):
    round_, _members, _projects = make_round(edition, jury_call, projects=2, jurors=3)

    propose_assignment(round_=round_, by=staff, k=3)

    assert Round.objects.get(pk=round_.pk).reviews_per_project == 3


def test_propose_assignment_every_juror_reviews_all(edition, jury_call, staff):
    round_, members, projects = make_round(
        edition, jury_call, projects=4, jurors=3, every_juror_reviews_all=True
    )
    ConflictFactory(member=members[2], project=projects[0])

    summary = propose_assignment(round_=round_, by=staff)

    everything = {(m.pk, p.pk) for m in members for p in projects}
    assert pairs_of(round_) == everything - {(members[2].pk, projects[0].pk)}
    assert summary["created"] == 11
    assert (summary["load_min"], summary["load_max"]) == (3, 4)


def test_propose_assignment_every_juror_reviews_all_refuses_a_project_nobody_can_review(
    edition, jury_call, staff
):
    round_, members, projects = make_round(
        edition, jury_call, projects=2, jurors=2, every_juror_reviews_all=True
    )
    for member in members:
        ConflictFactory(member=member, project=projects[0])

    with pytest.raises(ValidationError) as error:
        propose_assignment(round_=round_, by=staff)

    assert projects[0].display_title in error.value.messages[0]
    assert not Assignment.objects.exists()


def test_propose_assignment_honours_interest(edition, jury_call, staff):
    round_, members, projects = make_round(edition, jury_call, projects=4, jurors=4)
    wished = {(m.pk, p.pk) for m, p in zip(members, projects, strict=True)}
    for member, project in zip(members, projects, strict=True):
        InterestFactory(member=member, project=project, level=InterestLevel.INTERESTED)
    InterestFactory(member=members[0], project=projects[1], level=InterestLevel.NOT_INTERESTED)

    summary = propose_assignment(round_=round_, by=staff, k=1)

    assert pairs_of(round_) == wished
    assert (summary["interested"], summary["not_interested"]) == (4, 0)


def test_propose_assignment_leaves_out_withdrawn_projects_and_other_jurors(
    edition, jury_call, staff
):
    round_, members, projects = make_round(edition, jury_call, projects=3, jurors=3)
    projects[0].status = ProjectStatus.WITHDRAWN
    projects[0].save()
    members[2].user.is_active = False
    members[2].user.save()
    outsider = JuryMemberFactory(edition=edition, user__password=None)

    summary = propose_assignment(round_=round_, by=staff, k=1)

    pairs = pairs_of(round_)
    assert {p for _m, p in pairs} == {projects[1].pk, projects[2].pk}
    assert {m for m, _p in pairs} == {members[0].pk, members[1].pk}
    assert (summary["projects"], summary["jurors"]) == (2, 2)
    assert outsider.pk not in {m for m, _p in pairs}


def test_propose_assignment_refuses_a_closed_round(edition, jury_call, staff):
    round_, _members, _projects = make_round(edition, jury_call, projects=2, jurors=2)
    Round.objects.filter(pk=round_.pk).update(phase=Phase.CLOSED)

    with pytest.raises(ValidationError):
        propose_assignment(round_=round_, by=staff, k=1)

    assert not Assignment.objects.exists()


def test_propose_assignment_refuses_a_round_without_jurors(edition, jury_call, staff):
    round_, _members, _projects = make_round(edition, jury_call, projects=2, jurors=0)

    with pytest.raises(ValidationError) as error:
        propose_assignment(round_=round_, by=staff, k=1)

    assert error.value.code == "no_jurors"


def test_propose_assignment_queries_do_not_grow_with_projects(edition, jury_call, staff):
    small, _m, small_projects = make_round(edition, jury_call, projects=3, jurors=3)
    large, _m, large_projects = make_round(edition, jury_call, projects=12, jurors=3)
    for round_, projects in ((small, small_projects), (large, large_projects)):
        ConflictFactory(member=round_.members.first(), project=projects[0])
        InterestFactory(member=round_.members.last(), project=projects[1])
        propose_assignment(round_=round_, by=staff)

    counts = []
    for round_ in (small, large):
        with CaptureQueriesContext(connection) as queries:
            propose_assignment(round_=round_, by=staff)
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert len(pairs_of(large)) == 24
