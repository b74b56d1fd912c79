"""The automatic assignment of jurors to the projects of a round.

Every project gets k reviews, no juror gets more than their load, a juror never reviews a
project they are in conflict with, and the jurors' interest is honoured as far as
possible while their loads stay even. The proposal is a min-cost flow, so it is optimal
for that objective:

    source ──(reviews the project still needs)──> project
    project ──(1, cost by the juror's interest)──> juror      no arc for a conflict
    juror ──(1, cost 4·n for the juror's n-th project)──> sink    one arc per place left

The rising cost of each extra project on a juror (a convex cost) spreads the loads
evenly: with no interest stated, the busiest and the idlest juror differ by one project
at most, wherever conflicts and reviews already started allow it. The interest costs are
scaled by the average load: giving a project to an interested juror rather than a
neutral one is worth that juror carrying a quarter of the average load more than the
other; to a neutral juror rather than one not interested, three quarters more. Loads set
by staff, and the even share plus one for the others, stay hard limits.

`solve()` is the pure computation; `propose_assignment()` reads a round, solves it and
writes the proposal for staff to review and edit. Jurors see it only once staff publish
it (services.publish_assignments)."""

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ortools.graph.python import min_cost_flow

from editions import activity
from submissions.models import Project

from . import permissions
from .models import (
    Assignment,
    AssignmentSource,
    Interest,
    InterestLevel,
    Phase,
    Review,
    Round,
    RoundProject,
)

# A juror with no load of their own may take this many projects above the even share.
LOAD_SLACK = 1
# The n-th project of a juror costs LOAD_STEP · n.
LOAD_STEP = 4
# The cost of a review by a juror with this interest, as a multiple of the average load
# (see the module's docstring).
INTEREST_WEIGHT = {
    InterestLevel.INTERESTED: 0,
    InterestLevel.NEUTRAL: 1,
    InterestLevel.NOT_INTERESTED: 4,
}
# The round's own bounds on reviews per project (Round.reviews_per_project).
MAX_REVIEWS = 50
# How many projects an error message names before it says "and N more".
NAMED_PROJECTS = 5

Pair = tuple[int, int]  # (juror, project)


# --- The computation --------------------------------------------------------------------


def average_load(*, projects: int, jurors: int, k: int) -> int:
    """The even share of the reviews, rounded up (at least 1)."""
    return max(1, math.ceil(projects * k / max(jurors, 1)))


def default_loads(
    *, max_loads: dict[int, int | None], projects: int, k: int, slack: int = LOAD_SLACK
) -> dict[int, int]:
    """Each juror's load: their own when staff set one, otherwise the even share of what
    the others leave (never below the even share of the whole) plus a small slack, so
    that the loads are even yet the assignment stays feasible."""
    total = projects * k
    explicit = {juror: load for juror, load in max_loads.items() if load is not None}
    open_jurors = len(max_loads) - len(explicit)
    if not open_jurors:
        return dict(explicit)
    left = max(0, total - sum(explicit.values()))
    share = max(
        average_load(projects=projects, jurors=len(max_loads), k=k),
        math.ceil(left / open_jurors),
    )
    return {juror: explicit.get(juror, share + slack) for juror in max_loads}


def interest_cost(level: str | None, *, average: int) -> int:
    """The cost of a review by a juror with this interest (none stated is neutral)."""
    weight = INTEREST_WEIGHT.get(level, INTEREST_WEIGHT[InterestLevel.NEUTRAL])
    return weight * average


def load_cost(position: int) -> int:
    """What the juror's `position`-th project (counting from 1) adds."""
    return LOAD_STEP * position


def objective(
    *,
    pairs: Iterable[Pair],
    fixed: Iterable[Pair],
    interest: dict[Pair, str],
    average: int,
) -> int:
    """The cost the solver minimises: the interest cost of each new review, plus the
    rising cost of every juror's projects above those already fixed."""
    pairs = list(pairs)
    already = Counter(juror for juror, _project in fixed)
    new = Counter(juror for juror, _project in pairs)
    cost = sum(interest_cost(interest.get(pair), average=average) for pair in pairs)
    for juror, count in new.items():
        start = already[juror]
        cost += sum(load_cost(position) for position in range(start + 1, start + count + 1))
    return cost


def _names(project_ids: list[int], name_projects: Callable[[list[int]], list[str]] | None):
    shown = project_ids[:NAMED_PROJECTS]
    names = name_projects(shown) if name_projects else [f"#{pk}" for pk in shown]
    text = ", ".join(names)
    more = len(project_ids) - len(shown)
    if more:
        text += " " + ngettext("and %(count)s more", "and %(count)s more", more) % {"count": more}
    return text


def solve(
    *,
    projects: list[int],
    jurors: list[int],
    k: int,
    loads: dict[int, int | None],
    conflicts: set[Pair],
    interest: dict[Pair, str],
    fixed: set[Pair],
    name_projects: Callable[[list[int]], list[str]] | None = None,
) -> set[Pair]:
    """The new (juror, project) pairs that give every project k reviews with the least
    cost (see the module's docstring).

    `loads` maps each juror to their most projects in the round (None or absent: the even
    share, see `default_loads()`); `conflicts` and `fixed` are (juror, project) pairs: no
    review for a conflict; a fixed pair is a review already there, which counts towards
    the project's k and the juror's load. `interest` maps pairs to an InterestLevel.
    `name_projects` turns project ids into names for the error messages.

    Raises ValidationError, with how many reviews are needed and how many the jurors can
    take, when no assignment fits."""
    if k < 1:
        raise ValidationError(_("Ask for at least one review per project."), code="k_invalid")
    if not projects:
        return set()
    if k > len(jurors):
        raise ValidationError(
            ngettext(
                "Each project needs %(k)s reviews, but the round has only %(jurors)s juror. "
                "Add jurors to the round or ask for fewer reviews per project.",
                "Each project needs %(k)s reviews, but the round has only %(jurors)s jurors. "
                "Add jurors to the round or ask for fewer reviews per project.",
                len(jurors),
            )
            % {"k": k, "jurors": len(jurors)},
            code="k_too_large",
        )
    project_index = {project: index for index, project in enumerate(projects)}
    juror_index = {juror: index for index, juror in enumerate(jurors)}
    n_projects, n_jurors = len(projects), len(jurors)
    loads = {juror: loads.get(juror) for juror in jurors}
    if any(load is None for load in loads.values()):
        loads = default_loads(max_loads=loads, projects=n_projects, k=k)
    average = average_load(projects=n_projects, jurors=n_jurors, k=k)

    def indices(pairs):
        inside = [
            (juror_index[juror], project_index[project])
            for juror, project in pairs
            if juror in juror_index and project in project_index
        ]
        if not inside:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        array = np.array(inside, dtype=np.int64)
        return array[:, 0], array[:, 1]

    conflict_j, conflict_p = indices(conflicts)
    fixed_j, fixed_p = indices(set(fixed) - set(conflicts))

    # allowed[p, j]: juror j may be given project p.
    allowed = np.ones((n_projects, n_jurors), dtype=bool)
    allowed[conflict_p, conflict_j] = False
    allowed[fixed_p, fixed_j] = False
    need = np.maximum(0, k - np.bincount(fixed_p, minlength=n_projects))
    already = np.bincount(fixed_j, minlength=n_jurors)
    load = np.array([loads[juror] for juror in jurors], dtype=np.int64)
    room = np.maximum(0, load - already)
    needed = int(need.sum())
    capacity = int(room.sum())

    short = np.flatnonzero(allowed.sum(axis=1) < need)
    if short.size:
        raise ValidationError(
            _(
                "Too few jurors without a conflict can review %(projects)s: each project "
                "needs %(k)s reviews. Add jurors to the round or ask for fewer reviews "
                "per project."
            )
            % {"projects": _names([projects[i] for i in short], name_projects), "k": k},
            code="too_few_jurors",
        )
    if needed > capacity:
        raise ValidationError(
            _(
                "The projects need %(needed)s more reviews, but within their loads the "
                "jurors can take only %(capacity)s more. Raise some jurors' loads, add "
                "jurors or ask for fewer reviews per project."
            )
            % {"needed": needed, "capacity": capacity},
            code="over_capacity",
        )
    if not needed:
        return set()

    # Nodes: 0 the source, 1..P the projects, P+1..P+J the jurors, P+J+1 the sink.
    source, sink = 0, n_projects + n_jurors + 1
    allowed &= (need > 0)[:, None]
    # The project → juror arcs, project by project: cell p·J + j of `allowed`.
    cells = np.flatnonzero(allowed)
    pair_p, pair_j = np.divmod(cells, n_jurors)
    pair_costs = np.full(cells.size, interest_cost(None, average=average), dtype=np.int64)
    stated = [
        (
            project_index[project] * n_jurors + juror_index[juror],
            interest_cost(level, average=average),
        )
        for (juror, project), level in interest.items()
        if juror in juror_index and project in project_index
    ]
    if stated:
        stated_cells, stated_costs = np.array(stated, dtype=np.int64).T
        at = np.minimum(np.searchsorted(cells, stated_cells), max(cells.size - 1, 0))
        arc = cells[at] == stated_cells
        pair_costs[at[arc]] = stated_costs[arc]
    # One arc per place left on a juror, its n-th project costing load_cost(n).
    sink_j = np.repeat(np.arange(n_jurors), room)
    first = np.repeat(already, room)
    offsets = np.arange(sink_j.size) - np.repeat(np.cumsum(room) - room, room)
    positions = first + offsets + 1

    flow = min_cost_flow.SimpleMinCostFlow()
    project_nodes = np.flatnonzero(need)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.zeros(project_nodes.size, dtype=np.int32),
        (project_nodes + 1).astype(np.int32),
        need[project_nodes].astype(np.int64),
        np.zeros(project_nodes.size, dtype=np.int64),
    )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        (pair_p + 1).astype(np.int32),
        (pair_j + n_projects + 1).astype(np.int32),
        np.ones(pair_p.size, dtype=np.int64),
        pair_costs,
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        (sink_j + n_projects + 1).astype(np.int32),
        np.full(sink_j.size, sink, dtype=np.int32),
        np.ones(sink_j.size, dtype=np.int64),
        load_cost(positions).astype(np.int64),
    )
    flow.set_node_supply(source, needed)
    flow.set_node_supply(sink, -needed)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - only on arithmetic overflow
        raise RuntimeError(f"The assignment could not be computed (status {status}).")
    used = flow.flows(np.asarray(pair_arcs)) > 0
    if flow.maximum_flow() < needed:
        got = np.bincount(pair_p[used], minlength=n_projects)
        lacking = [projects[i] for i in np.flatnonzero(got < need)]
        raise ValidationError(
            _(
                "The projects need %(needed)s more reviews and the jurors' loads add up to "
                "%(capacity)s, but their conflicts leave %(missing)s of them without a "
                "juror who has room, for %(projects)s. Raise the loads of jurors who can "
                "review these projects, or ask for fewer reviews per project."
            )
            % {
                "needed": needed,
                "capacity": capacity,
                "missing": needed - flow.maximum_flow(),
                "projects": _names(lacking, name_projects),
            },
            code="infeasible",
        )
    return {
        (jurors[j], projects[p])
        for j, p in zip(pair_j[used].tolist(), pair_p[used].tolist(), strict=True)
    }


# --- The service ------------------------------------------------------------------------


@dataclass
class RoundState:
    """What the assignment of a round starts from, read in a fixed number of queries."""

    projects: list[int]  # still in the competition, by id
    max_loads: dict[int, int | None]  # the round's active jurors, by id: their own load
    conflicts: set[Pair]  # blocking ones, suggestions included
    interest: dict[Pair, str]
    existing: list[tuple[int, int, str, bool]]  # (juror, project, source, review started)

    @property
    def jurors(self) -> list[int]:
        return list(self.max_loads)

    @property
    def replaced(self) -> set[Pair]:
        """The automatic assignments whose review has not started."""
        return {
            (juror, project)
            for juror, project, source, started in self.existing
            if source == AssignmentSource.AUTOMATIC and not started
        }

    @property
    def remaining(self) -> set[Pair]:
        return {(juror, project) for juror, project, *_rest in self.existing} - self.replaced

    @property
    def fixed(self) -> set[Pair]:
        """The assignments kept that still count: of a juror of the round, on a project
        still in it, without a conflict. (Others stay, unseen, for the record.)"""
        jurors, projects = set(self.max_loads), set(self.projects)
        return {
            (juror, project)
            for juror, project in self.remaining
            if juror in jurors and project in projects and (juror, project) not in self.conflicts
        }


def read_round(round_: Round) -> RoundState:
    """The round's projects still in the competition, its active jurors and their loads,
    their blocking conflicts and stated interest on those projects, and the round's
    assignments: seven queries, whatever the size of the round."""
    projects = list(
        RoundProject.objects.filter(
            round=round_, project__status__in=permissions.REVIEWABLE_STATUSES
        )
        .order_by("project_id")
        .values_list("project_id", flat=True)
    )
    in_round = set(projects)
    # By juror only: asking for the round's projects as well makes SQLite probe every
    # juror × project pair. Those of other projects are dropped here.
    conflicts = (
        permissions.blocking_conflicts()
        .filter(member__rounds=round_)
        .order_by()
        .values_list("member_id", "project_id")
    )
    interest = (
        Interest.objects.filter(member__rounds=round_)
        .order_by()
        .values_list("member_id", "project_id", "level")
    )
    # A juror's own application: a conflict whether it was recorded or not.
    members_by_user = dict(round_.members.order_by().values_list("user_id", "pk"))
    own = [
        (members_by_user[owner], project)
        for project, owner in RoundProject.objects.filter(
            round=round_, project__owner__in=list(members_by_user)
        )
        .order_by()
        .values_list("project_id", "project__owner_id")
    ]
    return RoundState(
        projects=projects,
        max_loads=dict(
            round_.members.filter(user__is_active=True).order_by("pk").values_list("pk", "max_load")
        ),
        conflicts={(member, project) for member, project in conflicts if project in in_round}
        | {(member, project) for member, project in own if project in in_round},
        interest={
            (member, project): level for member, project, level in interest if project in in_round
        },
        existing=list(
            Assignment.objects.filter(round=round_)
            .annotate(started=Exists(Review.objects.filter(assignment=OuterRef("pk"))))
            .order_by()
            .values_list("member_id", "project_id", "source", "started")
        ),
    )


def _project_titles(project_ids: list[int]) -> list[str]:
    found = Project.objects.in_bulk(project_ids)
    return [str(found[pk].display_title) if pk in found else f"#{pk}" for pk in project_ids]


@transaction.atomic
def propose_assignment(*, round_: Round, by, k: int | None = None) -> dict:
    """Propose who reviews what in a round, for staff to review and edit before they
    show it to the jurors.

    Kept as they are: every assignment whose review has started, and those staff made by
    hand. Replaced: the automatic ones whose review has not started. Each project still
    in the competition then gets k reviews (the round's number unless given, which the
    round then keeps), or, in a round where every juror reviews everything, every juror
    of the round without a conflict. Conflicts, suggested ones included, are never
    assigned. Refused, with nothing changed, when the jurors cannot carry it.

    Returns a summary: created, kept, removed, the jurors' lowest and highest load, and
    how many reviews go to an interested juror and how many to one not interested."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.phase == Phase.CLOSED:
        raise ValidationError(
            _("This round is closed: its assignments no longer change."), code="closed"
        )
    k = round_.reviews_per_project if k is None else int(k)
    if not 1 <= k <= MAX_REVIEWS:
        raise ValidationError(
            _("Ask for %(low)s to %(high)s reviews per project.") % {"low": 1, "high": MAX_REVIEWS},
            code="k_invalid",
        )
    state = read_round(round_)
    if not state.projects:
        raise ValidationError(_("There is no project to review in this round yet."), code="empty")
    if not state.jurors:
        raise ValidationError(_("This round has no jurors yet."), code="no_jurors")
    fixed = state.fixed
    if round_.every_juror_reviews_all:
        every_pair = {(juror, project) for juror in state.jurors for project in state.projects}
        new = every_pair - state.conflicts - state.remaining
        reviewed = {project for _juror, project in new | fixed}
        unreviewed = [project for project in state.projects if project not in reviewed]
        if unreviewed:
            raise ValidationError(
                _("Every juror of the round is in conflict with %(projects)s.")
                % {"projects": _names(unreviewed, _project_titles)},
                code="too_few_jurors",
            )
    else:
        new = solve(
            projects=state.projects,
            jurors=state.jurors,
            k=k,
            loads=state.max_loads,
            conflicts=state.conflicts,
            interest=state.interest,
            fixed=fixed,
            name_projects=_project_titles,
        )

    stale = Assignment.objects.filter(round=round_, source=AssignmentSource.AUTOMATIC).exclude(
        Exists(Review.objects.filter(assignment=OuterRef("pk")))
    )
    # One DELETE whatever their number: these rows have no review, so nothing cascades
    # (QuerySet.delete() would fetch them and delete a hundred at a time).
    removed = stale._raw_delete(stale.db)
    Assignment.objects.bulk_create(
        Assignment(
            round=round_,
            member_id=juror,
            project_id=project,
            source=AssignmentSource.AUTOMATIC,
            created_by=by,
        )
        for juror, project in sorted(new)
    )
    if not round_.every_juror_reviews_all and round_.reviews_per_project != k:
        round_.reviews_per_project = k
        round_.save(update_fields=["reviews_per_project"])

    proposal = fixed | new
    loads = Counter(juror for juror, _project in proposal)
    levels = Counter(state.interest.get(pair) for pair in proposal)
    activity.record(
        edition=round_.edition_id,
        action="jury.proposed",
        by=by,
        subject=round_,
        label=round_.name,
        changes={
            "created": len(new),
            "removed": removed,
            "kept": len(state.existing) - removed,
            "reviews_per_project": None if round_.every_juror_reviews_all else k,
        },
    )
    return {
        "created": len(new),
        "kept": len(state.existing) - removed,
        "removed": removed,
        "projects": len(state.projects),
        "jurors": len(state.jurors),
        "k": None if round_.every_juror_reviews_all else k,
        "load_min": min(loads[juror] for juror in state.jurors),
        "load_max": max(loads[juror] for juror in state.jurors),
        "interested": levels[InterestLevel.INTERESTED],
        "not_interested": levels[InterestLevel.NOT_INTERESTED],
    }
