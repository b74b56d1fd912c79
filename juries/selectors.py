"""Reads that need more than one line: the staff's overviews of a jury and a round. Each
reads in a fixed number of queries, whatever the number of projects and jurors."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q

from submissions.models import Project, ProjectCompany

from .models import (
    Assignment,
    Conflict,
    InvitationStatus,
    Review,
    ReviewStatus,
    Round,
)
from .permissions import blocking_conflicts


def is_juror(user) -> bool:
    """Whether this person sits on any jury (they then see "My reviews")."""
    if not user.is_authenticated:
        return False
    return user.jury_memberships.exists()


def jury_overview(edition) -> dict:
    """The staff's page of an edition's jury: members, invitations, criteria, rounds."""
    members = list(
        edition.jury_members.select_related("user", "session").annotate(
            round_count=Count("rounds", distinct=True)
        )
    )
    invitations = list(
        edition.jury_invitations.exclude(status=InvitationStatus.ACCEPTED)
        .select_related("session", "invited_by")
        .order_by("status", "-created_at")
    )
    rounds = list(
        Round.objects.filter(edition=edition).annotate(
            project_count=Count("entries", distinct=True),
            member_count=Count("members", distinct=True),
        )
    )
    progress = review_counts(rounds)
    for round_ in rounds:
        round_.assignment_count, round_.submitted_count = progress.get(round_.pk, (0, 0))
    return {
        "members": members,
        "invitations": invitations,
        "criteria": list(edition.criteria.all()),
        "rounds": rounds,
    }


def review_counts(rounds) -> dict[int, tuple[int, int]]:
    """Per round: (assignments, submitted reviews)."""
    assignments = dict(
        Assignment.objects.filter(round__in=rounds)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values_list("round", "n")
    )
    submitted = dict(
        Review.objects.filter(round__in=rounds, status=ReviewStatus.SUBMITTED)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values_list("round", "n")
    )
    return {
        round_.pk: (assignments.get(round_.pk, 0), submitted.get(round_.pk, 0)) for round_ in rounds
    }


def juror_progress(round_: Round) -> list[dict]:
    """Per juror of the round: assigned, submitted, drafts, not started, conflicts."""
    rows = (
        Assignment.objects.filter(round=round_)
        .values("member")
        .annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)),
            drafts=Count("pk", filter=Q(review__status=ReviewStatus.DRAFT)),
        )
    )
    by_member = {row["member"]: row for row in rows}
    conflicts = dict(
        blocking_conflicts()
        .filter(member__rounds=round_, project__jury_rounds__round=round_)
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )
    result = []
    for member in round_.members.select_related("user", "session").order_by("user__full_name"):
        row = by_member.get(member.pk, {"assigned": 0, "submitted": 0, "drafts": 0})
        result.append(
            {
                "member": member,
                "assigned": row["assigned"],
                "submitted": row["submitted"],
                "drafts": row["drafts"],
                "pending": row["assigned"] - row["submitted"],
                "conflicts": conflicts.get(member.pk, 0),
                "percent": round(100 * row["submitted"] / row["assigned"])
                if row["assigned"]
                else 0,
            }
        )
    return result


def round_projects_page(round_: Round, project_ids: list[int]) -> list[dict]:
    """For the projects of a page of the assignment or progress list: their assigned
    jurors with each review's status, and the round's jurors each could still get."""
    projects = Project.objects.in_bulk(project_ids)
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(round=round_, project__in=project_ids)
        .select_related("member__user", "review")
        .order_by("member__user__full_name")
    ):
        assignments[assignment.project_id].append(assignment)
    conflicted = defaultdict(set)
    for member_id, project_id in (
        blocking_conflicts().filter(project__in=project_ids).values_list("member", "project")
    ):
        conflicted[project_id].add(member_id)
    countries = defaultdict(list)
    for project_id, country in (
        ProjectCompany.objects.filter(project__in=project_ids)
        .order_by("position", "pk")
        .values_list("project", "country")
    ):
        if country not in countries[project_id]:
            countries[project_id].append(country)
    members = list(round_.members.select_related("user").order_by("user__full_name"))
    rows = []
    for project_id in project_ids:
        project = projects.get(project_id)
        if project is None:
            continue
        mine = assignments[project_id]
        assigned = {assignment.member_id for assignment in mine}
        submitted = sum(
            1
            for assignment in mine
            if getattr(assignment, "review", None) is not None
            and assignment.review.status == ReviewStatus.SUBMITTED
        )
        rows.append(
            {
                "project": project,
                "countries": countries[project_id],
                "assignments": mine,
                "submitted": submitted,
                "conflicted": [m for m in members if m.pk in conflicted[project_id]],
                "candidates": [
                    m
                    for m in members
                    if m.pk not in assigned and m.pk not in conflicted[project_id]
                ],
            }
        )
    return rows


def conflicts_of(edition, *, status=""):
    conflicts = Conflict.objects.filter(member__edition=edition).select_related(
        "member__user", "project", "created_by"
    )
    if status:
        conflicts = conflicts.filter(status=status)
    return conflicts.order_by("status", "member__user__full_name", "project__original_title")


def deciding_round(edition) -> Round | None:
    """The round whose ranking the selection starts from: the latest with a submitted
    review."""
    submitted = Review.objects.filter(round=OuterRef("pk"), status=ReviewStatus.SUBMITTED)
    return Round.objects.filter(Exists(submitted), edition=edition).order_by("-number").first()


CANDIDATES_SHOWN = 100


def selection_board(edition) -> dict:
    """The selection page: each session with its selected films and its waitlist in order,
    the best-ranked projects not placed yet, and the latest decisions."""
    from . import ranking
    from .models import Decision, Placement, PlacementKind, Selection

    selection = Selection.objects.filter(edition=edition).select_related("locked_by").first()
    placements = (
        list(
            Placement.objects.filter(selection=selection)
            .select_related("project", "decided_by")
            .order_by("session", "kind", "position")
        )
        if selection
        else []
    )
    round_ = deciding_round(edition)
    rows = ranking.rank_round(round_) if round_ is not None else []
    by_project = {row.project_id: row for row in rows}
    sessions = []
    for session in edition.sessions.all():
        mine = [placement for placement in placements if placement.session_id == session.pk]
        for placement in mine:
            placement.row = by_project.get(placement.project_id)
        selected = [p for p in mine if p.kind == PlacementKind.SELECTED]
        sessions.append(
            {
                "session": session,
                "selected": selected,
                "waitlist": [p for p in mine if p.kind == PlacementKind.WAITLIST],
                "free": max(session.places - len(selected), 0),
            }
        )
    placed = {placement.project_id for placement in placements}
    candidates = [
        row
        for row in ranking.order_rows(rows, "calibrated")
        if row.project_id not in placed
        and row.status in ranking.COMPETING_STATUSES
        and row.n_reviews
    ][:CANDIDATES_SHOWN]
    decisions = (
        list(
            Decision.objects.filter(selection=selection)
            .select_related("project", "session", "by")
            .order_by("-at", "-pk")[:50]
        )
        if selection
        else []
    )
    return {
        "selection": selection,
        "version": selection.version if selection else 0,
        "locked": bool(selection and selection.is_locked),
        "sessions": sessions,
        "candidates": candidates,
        "deciding_round": round_,
        "decisions": decisions,
        "kinds": PlacementKind,
    }
