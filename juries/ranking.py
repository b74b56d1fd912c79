"""The ranking of a jury round, its second opinions, the proposed placement and the data of
the staff's CSV exports.

Everything here reads submitted reviews only (a draft never counts), of projects in the
round, leaving out any review whose juror has a blocking conflict with the project. Each
function reads the database in a fixed number of queries (value rows, never one query per
project or review) and does its arithmetic in memory.

- `rank_round()`: a row per project with its mean, median, spread, a flag on strong
  disagreement, recommendations, session preferences and a score calibrated per juror
  (shown beside the raw mean, never instead of it).
- `schulze()` and `borda()`: the jurors' rankings combined by a ranked-vote method, a
  second opinion for a shortlist.
- `propose_placement()`: a placement that fills every session and its waitlist, for
  `services.apply_proposal()`.
- `ranking_csv_rows()` and `reviews_csv_rows()`: the lines of the two staff exports.

Calibration. A harsh juror gives 4 where a lenient one gives 8 for the same opinion; with
three reviews a project, who happened to review it moves its mean. Each review is therefore
also read relative to its juror: z = (total − the juror's mean) / the juror's standard
deviation (population), over the juror's submitted reviews in the round (z = 0 when the
juror has one review or gives every project the same total). A project's calibrated score
is the mean of its z's brought back to the 0–10 scale of the round: round mean + z mean ×
round standard deviation, so that it reads like a score."""

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from editions.models import Session
from submissions.models import Genre, Project, ProjectCompany, ProjectStatus
from submissions.views.staff import local_time, number

from .models import (
    BLOCKING_CONFLICTS,
    Conflict,
    Criterion,
    PlacementKind,
    Recommendation,
    Review,
    ReviewStatus,
    Round,
    RoundProject,
    Score,
)
from .permissions import own_application

# Reviews of one project this far apart (highest total − lowest, on the 0–10 scale) flag a
# strong disagreement to discuss.
DISAGREEMENT_RANGE = 3.0

# Schulze compares every pair of projects: meant for a shortlist (50 to 100 projects). Above
# this many projects in a round the pairwise comparisons rest on too few jurors per pair to
# mean anything (a first round gives each project three reviews), so it is not computed.
SCHULZE_MAX_PROJECTS = 300

# The applications a proposal may place: those services.apply_proposal() accepts.
COMPETING_STATUSES = (
    ProjectStatus.SUBMITTED,
    ProjectStatus.UNDER_REVIEW,
    ProjectStatus.SELECTED,
    ProjectStatus.WAITLISTED,
)

# Sort keys offered to staff: each compares rows by these attributes in turn. Scores,
# spread and number of reviews come highest first and titles A to Z; a leading "-" turns
# the order round. Projects without reviews always come last when sorting by a score.
ORDERS = {
    "calibrated": ("calibrated", "mean"),
    "mean": ("mean", "calibrated"),
    "median": ("median", "mean"),
    "spread": ("stdev", "score_range"),
    "n_reviews": ("n_reviews", "calibrated"),
    "title": (),
}
DEFAULT_ORDER = "calibrated"

# Scores are compared to this many decimals, so that two equal values computed along
# different paths share a rank.
_PLACES = 6


@dataclass(eq=False)
class Row:
    """A project of the round and what its submitted reviews say. Scores are on the 0–10
    scale; every score is None for a project without reviews."""

    project_id: int
    original_title: str
    english_title: str
    genre: str
    status: str
    countries: tuple[str, ...] = ()
    n_reviews: int = 0
    mean: float | None = None
    median: float | None = None
    stdev: float | None = None  # population standard deviation of the totals
    score_range: float | None = None  # highest total − lowest
    disagreement: bool = False  # score_range >= DISAGREEMENT_RANGE
    recommendations: dict[str, int] = field(default_factory=dict)  # select/discuss/decline
    session_votes: list[tuple[Session, int]] = field(default_factory=list)  # most first
    preferred_sessions: tuple[Session, ...] = ()  # the most voted (several on a tie)
    calibrated: float | None = None
    z_mean: float | None = None
    rank: int | None = None  # by mean, in the whole round (ties share a rank)
    calibrated_rank: int | None = None  # by calibrated score, in the whole round

    @property
    def display_title(self) -> str:
        return self.original_title or self.english_title or _("Untitled project")

    @property
    def preferred_session(self) -> Session | None:
        """The session most reviews prefer, or None when none does or two tie."""
        return self.preferred_sessions[0] if len(self.preferred_sessions) == 1 else None


# --- Reading the round ------------------------------------------------------------------


def counted_reviews(round_: Round):
    """The reviews a ranking counts: submitted, of a project in the round, by a juror with
    no blocking conflict with it (assignment never makes such a review; a conflict declared
    afterwards takes it out)."""
    conflicted = Conflict.objects.filter(
        member=OuterRef("member"), project=OuterRef("project"), status__in=BLOCKING_CONFLICTS
    )
    return (
        Review.objects.filter(
            round=round_,
            status=ReviewStatus.SUBMITTED,
            project_id__in=RoundProject.objects.filter(round=round_).values("project_id"),
        )
        .exclude(Exists(conflicted))
        .exclude(own_application())
    )


def _totals(round_: Round) -> list[tuple[int, int, float, str, int | None]]:
    """(member, project, total, recommendation, session preference) of each counted review."""
    return [
        (member_id, project_id, float(total), recommendation, session_id)
        for member_id, project_id, total, recommendation, session_id in counted_reviews(round_)
        .filter(total__isnull=False)
        .order_by()
        .values_list("member_id", "project_id", "total", "recommendation", "session_preference_id")
    ]


def _mean_and_pstdev(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))


def calibrate(reviews: Iterable[tuple[Hashable, Hashable, float]]) -> dict[Hashable, float]:
    """The mean per-juror z-score of each project, from (juror, project, total) triples."""
    reviews = list(reviews)
    by_juror: dict[Hashable, list[float]] = defaultdict(list)
    for juror, _project, total in reviews:
        by_juror[juror].append(total)
    spread = {juror: _mean_and_pstdev(totals) for juror, totals in by_juror.items()}
    z_by_project: dict[Hashable, list[float]] = defaultdict(list)
    for juror, project, total in reviews:
        mean, stdev = spread[juror]
        z_by_project[project].append((total - mean) / stdev if stdev > 0 else 0.0)
    return {project: sum(values) / len(values) for project, values in z_by_project.items()}


def _competition_ranks(rows: list[Row], attribute: str) -> dict[int, int]:
    """1, 2, 2, 4…: the rank of each row with a value, highest first."""
    scored = sorted(
        (
            (-round(getattr(row, attribute), _PLACES), row.project_id)
            for row in rows
            if getattr(row, attribute) is not None
        ),
    )
    ranks, previous, rank = {}, None, 0
    for index, (value, project_id) in enumerate(scored, start=1):
        if value != previous:
            rank, previous = index, value
        ranks[project_id] = rank
    return ranks


def round_rows(round_: Round) -> list[Row]:
    """Every project of the round with its figures, in no particular order. Four queries:
    the projects, their companies' countries, the edition's sessions and the reviews."""
    rows = {
        project_id: Row(
            project_id=project_id,
            original_title=original_title,
            english_title=english_title,
            genre=genre,
            status=status,
        )
        for project_id, original_title, english_title, genre, status in RoundProject.objects.filter(
            round=round_
        )
        .order_by()
        .values_list(
            "project_id",
            "project__original_title",
            "project__english_title",
            "project__genre",
            "project__status",
        )
    }
    countries: dict[int, list[str]] = defaultdict(list)
    for project_id, country in (
        ProjectCompany.objects.filter(project__jury_rounds__round=round_)
        .order_by("project_id", "position", "pk")
        .values_list("project_id", "country")
    ):
        if country not in countries[project_id]:
            countries[project_id].append(country)
    sessions = {
        session.pk: session for session in Session.objects.filter(edition=round_.edition_id)
    }
    session_order = {pk: index for index, pk in enumerate(sessions)}
    reviews = [review for review in _totals(round_) if review[1] in rows]

    totals: dict[int, list[float]] = defaultdict(list)
    recommendations: dict[int, dict[str, int]] = defaultdict(dict)
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for _member_id, project_id, total, recommendation, session_id in reviews:
        totals[project_id].append(total)
        if recommendation:
            given = recommendations[project_id]
            given[recommendation] = given.get(recommendation, 0) + 1
        if session_id in sessions:
            counted = votes[project_id]
            counted[session_id] = counted.get(session_id, 0) + 1
    z_means = calibrate(
        (member_id, project_id, total) for member_id, project_id, total, *_ in reviews
    )
    round_mean, round_stdev = (
        _mean_and_pstdev([review[2] for review in reviews]) if reviews else (0.0, 0.0)
    )

    codes = tuple(Recommendation.values)
    for project_id, row in rows.items():
        row.countries = tuple(countries.get(project_id, ()))
        given = recommendations.get(project_id, {})
        row.recommendations = {code: given.get(code, 0) for code in codes}
        values = totals.get(project_id)
        if not values:
            continue
        values.sort()
        count, middle = len(values), len(values) // 2
        row.n_reviews = count
        row.mean, row.stdev = _mean_and_pstdev(values)
        row.median = values[middle] if count % 2 else (values[middle - 1] + values[middle]) / 2
        row.score_range = values[-1] - values[0]
        row.disagreement = round(row.score_range, _PLACES) >= DISAGREEMENT_RANGE
        if project_id in votes:
            counted = sorted(
                votes[project_id].items(), key=lambda item: (-item[1], session_order[item[0]])
            )
            row.session_votes = [(sessions[pk], count) for pk, count in counted]
            top = counted[0][1]
            row.preferred_sessions = tuple(sessions[pk] for pk, count in counted if count == top)
        row.z_mean = z_means[project_id]
        row.calibrated = round_mean + row.z_mean * round_stdev
    rows_list = list(rows.values())
    ranks = _competition_ranks(rows_list, "mean")
    calibrated_ranks = _competition_ranks(rows_list, "calibrated")
    for row in rows_list:
        row.rank = ranks.get(row.project_id)
        row.calibrated_rank = calibrated_ranks.get(row.project_id)
    return rows_list


# --- Filters and order ------------------------------------------------------------------


def filter_rows(rows: Iterable[Row], *, session=None, country=None, genre=None) -> list[Row]:
    """Rows whose most preferred sessions include `session` (a Session or its id), with a
    company from `country` (a country code), of `genre`. An empty filter keeps every row."""
    session_id = _session_id(session)
    country = (country or "").strip().upper()
    kept = []
    for row in rows:
        if session_id is not None and session_id not in {s.pk for s in row.preferred_sessions}:
            continue
        if country and country not in row.countries:
            continue
        if genre and row.genre != genre:
            continue
        kept.append(row)
    return kept


def _session_id(session) -> int | None:
    """A session's id from the session or its id; None (no filter) for anything else."""
    value = getattr(session, "pk", session)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _title_key(row: Row):
    return ((row.original_title or row.english_title).casefold(), row.project_id)


def order_rows(rows: Iterable[Row], order: str | None = DEFAULT_ORDER) -> list[Row]:
    """Rows sorted by one of ORDERS ("-" in front turns it round); an unknown key sorts by
    the default. Ties keep title order."""
    order = order or DEFAULT_ORDER
    turned = order.startswith("-")
    key = order.removeprefix("-")
    if key not in ORDERS:
        key, turned = DEFAULT_ORDER, False
    by_title = sorted(rows, key=_title_key)
    attributes = ORDERS[key]
    if not attributes:
        return by_title[::-1] if turned else by_title

    def value(row):
        return tuple(
            -math.inf if getattr(row, name) is None else round(getattr(row, name), _PLACES)
            for name in attributes
        )

    present = [row for row in by_title if getattr(row, attributes[0]) is not None]
    missing = [row for row in by_title if getattr(row, attributes[0]) is None]
    # Python's sort is stable, reversed or not: equal values stay in title order.
    present.sort(key=value, reverse=not turned)
    return present + missing


def rank_round(
    round_: Round, *, session=None, country=None, genre=None, order: str | None = DEFAULT_ORDER
) -> list[Row]:
    """The round's ranking: a row per project (see Row), filtered and sorted. Ranks and
    calibration are computed over the whole round, whatever the filters. Four queries."""
    rows = filter_rows(round_rows(round_), session=session, country=country, genre=genre)
    return order_rows(rows, order)


# --- Ranked-vote second opinions --------------------------------------------------------


def ballots(round_: Round) -> dict[int, dict[int, float]]:
    """Each juror's ballot: the projects they reviewed in the round and their totals."""
    by_member: dict[int, dict[int, float]] = defaultdict(dict)
    for member_id, project_id, total, *_rest in _totals(round_):
        by_member[member_id][project_id] = total
    return dict(by_member)


def schulze_ranking(
    ballots: Mapping[Hashable, Mapping[int, float]], *, max_candidates: int = SCHULZE_MAX_PROJECTS
) -> list[tuple[int, int]]:
    """The Schulze method over ballots of scores ({voter: {candidate: score}}), a higher
    score preferred, equal scores no preference. d[a][b] counts the voters preferring a to b
    among those who scored both; a beats b when the strongest path from a to b is stronger
    than the one back. Returns (candidate, position) best first; a candidate's position is
    one more than the number of candidates beating it, so candidates neither of which beats
    the other share a position. Empty above max_candidates (see SCHULZE_MAX_PROJECTS)."""
    candidates = sorted({candidate for ballot in ballots.values() for candidate in ballot})
    size = len(candidates)
    if not size or size > max_candidates:
        return []
    index = {candidate: position for position, candidate in enumerate(candidates)}
    d = np.zeros((size, size), dtype=np.int64)
    for ballot in ballots.values():
        if len(ballot) < 2:
            continue
        where = np.fromiter((index[c] for c in ballot), dtype=np.intp, count=len(ballot))
        scores = np.fromiter((float(s) for s in ballot.values()), dtype=float, count=len(ballot))
        d[np.ix_(where, where)] += scores[:, None] > scores[None, :]
    # Strongest paths (a widest-path Floyd–Warshall): p[i][k] and p[k][j] do not change
    # while k is the intermediate, so each step can update the whole matrix at once.
    strength = np.where(d > d.T, d, 0)
    for k in range(size):
        strength = np.maximum(strength, np.minimum(strength[:, k : k + 1], strength[k : k + 1, :]))
        np.fill_diagonal(strength, 0)
    beaten_by = (strength > strength.T).sum(axis=0)
    order = sorted(range(size), key=lambda i: (beaten_by[i], candidates[i]))
    return [(candidates[i], int(beaten_by[i]) + 1) for i in order]


def borda_ranking(
    ballots: Mapping[Hashable, Mapping[int, float]],
) -> list[tuple[int, int, float]]:
    """A Borda count normalised per ballot, so that a juror who reviewed 10 projects weighs
    as much as one who reviewed 3: on each ballot a candidate scores the share of the
    voter's other candidates it is ranked above (a tie counts half). A candidate's points
    are the mean over the ballots that rank it against another, from 0 to 1. Returns
    (candidate, position, points) best first; equal points share a position."""
    shares: dict[int, list[float]] = defaultdict(list)
    for ballot in ballots.values():
        if len(ballot) < 2:
            continue
        scores = np.fromiter((float(s) for s in ballot.values()), dtype=float, count=len(ballot))
        ordered = np.sort(scores)
        below = np.searchsorted(ordered, scores, side="left")
        tied = np.searchsorted(ordered, scores, side="right") - below - 1
        points = (below + tied / 2) / (len(ballot) - 1)
        for candidate, share in zip(ballot, points, strict=True):
            shares[candidate].append(float(share))
    means = sorted(
        ((candidate, statistics.fmean(values)) for candidate, values in shares.items()),
        key=lambda item: (-round(item[1], _PLACES), item[0]),
    )
    result, previous, position = [], None, 0
    for index, (candidate, points) in enumerate(means, start=1):
        if round(points, _PLACES) != previous:
            position, previous = index, round(points, _PLACES)
        result.append((candidate, position, points))
    return result


def schulze(round_: Round) -> list[tuple[int, int]]:
    """The jurors' rankings combined by the Schulze method: (project id, position), best
    first. Empty for a round of more than SCHULZE_MAX_PROJECTS projects."""
    if RoundProject.objects.filter(round=round_).count() > SCHULZE_MAX_PROJECTS:
        return []
    return schulze_ranking(ballots(round_))


def borda(round_: Round) -> list[tuple[int, int, float]]:
    """The jurors' rankings combined by a normalised Borda count: (project id, position,
    points from 0 to 1), best first."""
    return borda_ranking(ballots(round_))


# --- Proposed placement -----------------------------------------------------------------


def _choose_session(row: Row, sessions: list[Session], room: dict[int, int]) -> Session | None:
    """The preferred session if it has room (among tied preferences, or with no preference
    at all, the one with the most room), else the session with the most room; None when
    every one is full. Equal room goes to the earlier session."""
    preferred = [session for session in sessions if session in row.preferred_sessions]
    for candidates in (preferred or sessions, sessions):
        open_ = [session for session in candidates if room[session.pk] > 0]
        if open_:
            return max(open_, key=lambda session: room[session.pk])
    return None


def propose_placement(
    *, edition, rows: Iterable[Row], waitlist_size: int = 3
) -> list[tuple[Project, Session, str]]:
    """A placement to start the deliberation from: (project, session, kind) in order, as
    services.apply_proposal() takes it.

    Projects are taken in calibrated order (the raw mean breaks ties), skipping those
    without reviews and those no longer competing. Each goes to the session most of its
    reviews prefer while it has a free place, otherwise to the session with the most free
    places. Once every session is full, the next projects fill the waitlists the same way,
    `waitlist_size` each, in ranking order. Two queries: the sessions and the projects
    that can fill them (the rows' statuses pick them; a project whose status changed since
    the rows were read is skipped)."""
    sessions = list(Session.objects.filter(edition=edition))
    if not sessions:
        return []
    places = {session.pk: session.places for session in sessions}
    waitlist = {session.pk: max(0, waitlist_size) for session in sessions}
    capacity = sum(places.values()) + sum(waitlist.values())
    ranked = [
        row
        for row in order_rows(rows, "calibrated")
        if row.n_reviews and row.status in COMPETING_STATUSES
    ][:capacity]
    projects = Project.objects.select_related("call").in_bulk([row.project_id for row in ranked])
    proposal = []
    for row in ranked:
        project = projects.get(row.project_id)
        if (
            project is None
            or project.status not in COMPETING_STATUSES
            or project.call.edition_id != edition.pk
        ):
            continue
        for kind, room in ((PlacementKind.SELECTED, places), (PlacementKind.WAITLIST, waitlist)):
            session = _choose_session(row, sessions, room)
            if session is not None:
                room[session.pk] -= 1
                proposal.append((project, session, kind))
                break
        else:
            break  # every place and every waitlist is taken
    return proposal


# --- CSV exports ------------------------------------------------------------------------
# Generators of lines (lists of cells), the header first, for a view to stream. They read
# their labels when iterated: iterate inside translation.override(language). Cells are
# plain values (scores and moments read as text and carry their number or datetime for a
# spreadsheet: see submissions.views.staff.Number); the writer escapes text a spreadsheet
# would take for a formula. exports.py writes the same lines to CSV and XLSX files.


def _number(value, places: int = 2):
    """The text of a CSV ("7.50") carrying the number for a spreadsheet; "" for none."""
    return number(value, places)


def ranking_csv_rows(rows: Iterable[Row]) -> Iterator[list]:
    """The ranking as shown: a line per row, in the rows' order."""
    yield [
        _("Position"),
        _("ID"),
        _("Original title"),
        _("English title"),
        _("Countries of the companies"),
        _("Genre"),
        _("Status"),
        _("Reviews"),
        _("Mean"),
        _("Median"),
        _("Standard deviation"),
        _("Highest − lowest"),
        _("Strong disagreement"),
        _("Calibrated score"),
        _("Rank by mean"),
        _("Rank by calibrated score"),
        *(str(label) for label in Recommendation.labels),
        _("Preferred session"),
    ]
    genres = {code: str(label) for code, label in Genre.choices}
    statuses = {code: str(label) for code, label in ProjectStatus.choices}
    yes = _("yes")
    for position, row in enumerate(rows, start=1):
        yield [
            position,
            row.project_id,
            row.original_title,
            row.english_title,
            ", ".join(row.countries),
            genres.get(row.genre, row.genre),
            statuses.get(row.status, row.status),
            row.n_reviews,
            _number(row.mean),
            _number(row.median),
            _number(row.stdev),
            _number(row.score_range),
            yes if row.disagreement else "",
            _number(row.calibrated),
            row.rank or "",
            row.calibrated_rank or "",
            *(row.recommendations.get(code, 0) for code in Recommendation.values),
            " / ".join(session.display_name for session in row.preferred_sessions),
        ]


def reviews_csv_rows(round_: Round) -> Iterator[list]:
    """Every counted review of the round (see counted_reviews), by project then juror: the
    juror, each criterion's score, the total, the recommendation, the session preference,
    the note for the jury and the feedback for the producer. Four queries at most: the
    edition, the criteria, every score of the round and the reviews."""
    edition = round_.edition
    criteria = list(Criterion.objects.filter(edition=edition).values_list("pk", "name"))
    yield [
        _("ID"),
        _("Original title"),
        _("English title"),
        _("Juror"),
        *(name for _pk, name in criteria),
        _("Weighted score (0–10)"),
        _("Recommendation"),
        _("Best suited to the session"),
        _("Note for the jury"),
        _("Feedback for the producer"),
        _("Submitted (%(zone)s time)") % {"zone": edition.time_zone},
    ]
    reviews = counted_reviews(round_)
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for review_id, criterion_id, value in (
        Score.objects.filter(review__in=reviews.values("pk"))
        .order_by()
        .values_list("review_id", "criterion_id", "value")
    ):
        scores[review_id][criterion_id] = value
    recommendations = {code: str(label) for code, label in Recommendation.choices}
    tz = edition.tz
    for review in reviews.order_by(
        Lower("project__original_title"), "project_id", "member__user__full_name", "pk"
    ).values(
        "pk",
        "project_id",
        "project__original_title",
        "project__english_title",
        "member__user__full_name",
        "total",
        "recommendation",
        "session_preference__name",
        "session_preference__city",
        "note",
        "producer_feedback",
        "submitted_at",
    ):
        given = scores.get(review["pk"], {})
        yield [
            review["project_id"],
            review["project__original_title"],
            review["project__english_title"],
            review["member__user__full_name"],
            *(given.get(pk, "") for pk, _name in criteria),
            _number(review["total"], 3),
            recommendations.get(review["recommendation"], review["recommendation"]),
            review["session_preference__name"] or review["session_preference__city"] or "",
            review["note"],
            review["producer_feedback"],
            local_time(review["submitted_at"], tz),
        ]
