"""The ranking of a round (juries/ranking.py): exact figures from known reviews, drafts and
conflicted reviews left out, the per-juror calibration, filters and orders, the Schulze and
Borda second opinions, the proposed placement, the CSV lines and query counts at two
sizes."""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from editions.tests.factories import SessionFactory
from juries import ranking, services
from juries.models import (
    ConflictStatus,
    Placement,
    PlacementKind,
    Recommendation,
    ReviewStatus,
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
from submissions.models import CompanyRole, Genre, ProjectStatus
from submissions.tests.factories import ProjectCompanyFactory

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------


def person(name: str) -> User:
    """A user without a password: hashing one per juror or producer is slow."""
    email = name.lower().replace(" ", ".") + "@example.org"
    return User.objects.filter(email=email).first() or User.objects.create(
        email=email, full_name=name, password="!"
    )


def member(edition, name: str):
    return JuryMemberFactory(edition=edition, user=person(name))


def project(call, title: str, *, countries=("AR",), genre=Genre.FICTION, **kwargs):
    """An application in the competition, its companies from these countries."""
    created = submitted_project(
        call=call,
        owner=person("Ana Aplicante"),
        original_title=title,
        english_title=f"{title} (EN)",
        genre=genre,
        **kwargs,
    )
    for position, country in enumerate(countries):
        ProjectCompanyFactory(
            project=created,
            name=f"{title} {country}",
            country=country,
            role=CompanyRole.PRODUCER if position == 0 else CompanyRole.CO_PRODUCER,
            share=Decimal("100") / len(countries),
            position=position,
        )
    return created


def review(
    round_,
    juror,
    reviewed,
    total,
    *,
    status=ReviewStatus.SUBMITTED,
    recommendation=Recommendation.SELECT,
    session=None,
    **kwargs,
):
    assignment = AssignmentFactory(round=round_, member=juror, project=reviewed)
    return ReviewFactory(
        assignment=assignment,
        total=None if total is None else Decimal(str(total)),
        status=status,
        submitted_at=None
        if status == ReviewStatus.DRAFT
        else dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC),
        recommendation=recommendation,
        session_preference=session,
        **kwargs,
    )


def by_title(rows):
    return {row.original_title: row for row in rows}


@pytest.fixture
def round_(edition):
    return RoundFactory(edition=edition, kind=RoundKind.FINAL, name="Final round")


@pytest.fixture
def toulouse(edition):
    return SessionFactory(edition=edition, city="Toulouse", country="FR")


@pytest.fixture
def lima(edition):
    return SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        starts_on=dt.date(edition.year, 8, 10),
        ends_on=dt.date(edition.year, 8, 14),
    )


@pytest.fixture
def jurors(edition):
    return [member(edition, name) for name in ("Juan Uno", "Julia Dos", "Jorge Tres")]


# --- Figures ----------------------------------------------------------------------------


def test_rank_round_figures_exact(round_, call, jurors):
    first, second, third = jurors
    wide = project(call, "Wide")
    close = project(call, "Close")
    unseen = project(call, "Unseen")
    RoundProjectFactory(round=round_, project=unseen)
    review(round_, first, wide, "6.000")
    review(round_, second, wide, "7.500")
    review(round_, third, wide, "9.500")
    review(round_, first, close, "7.000")
    review(round_, second, close, "8.000")

    rows = ranking.rank_round(round_, order="mean")

    assert [row.original_title for row in rows] == ["Wide", "Close", "Unseen"]
    wide_row, close_row, unseen_row = rows
    assert wide_row.n_reviews == 3
    assert wide_row.mean == pytest.approx(23 / 3)
    assert wide_row.median == pytest.approx(7.5)
    assert wide_row.stdev == pytest.approx(
        math.sqrt(((6 - 23 / 3) ** 2 + (7.5 - 23 / 3) ** 2 + (9.5 - 23 / 3) ** 2) / 3)
    )
    assert wide_row.score_range == pytest.approx(3.5)
    assert wide_row.disagreement is True
    assert close_row.n_reviews == 2
    assert close_row.mean == pytest.approx(7.5)
    assert close_row.median == pytest.approx(7.5)
    assert close_row.stdev == pytest.approx(0.5)
    assert close_row.score_range == pytest.approx(1.0)
    assert close_row.disagreement is False
    assert (unseen_row.n_reviews, unseen_row.mean, unseen_row.calibrated, unseen_row.rank) == (
        0,
        None,
        None,
        None,
    )
    assert (wide_row.rank, close_row.rank) == (1, 2)
    assert wide_row.project_id == wide.pk
    assert wide_row.countries == ("AR",)
    assert wide_row.status == ProjectStatus.UNDER_REVIEW
    assert wide_row.display_title == "Wide"


def test_rank_round_disagreement_at_the_threshold(round_, call, jurors):
    split = project(call, "Split")
    review(round_, jurors[0], split, "5.000")
    review(round_, jurors[1], split, str(5 + ranking.DISAGREEMENT_RANGE))
    almost = project(call, "Almost")
    review(round_, jurors[0], almost, "5.000")
    review(round_, jurors[1], almost, "7.999")

    rows = by_title(ranking.rank_round(round_))

    assert rows["Split"].disagreement is True
    assert rows["Almost"].disagreement is False


def test_rank_round_counts_recommendations_and_session_preferences(
    round_, call, jurors, toulouse, lima
):
    liked = project(call, "Liked")
    review(round_, jurors[0], liked, 8, session=lima, recommendation=Recommendation.SELECT)
    review(round_, jurors[1], liked, 7, session=lima, recommendation=Recommendation.DISCUSS)
    review(round_, jurors[2], liked, 6, session=toulouse, recommendation=Recommendation.SELECT)
    torn = project(call, "Torn")
    review(round_, jurors[0], torn, 5, session=toulouse, recommendation=Recommendation.DECLINE)
    review(round_, jurors[1], torn, 6, session=lima, recommendation=Recommendation.DECLINE)
    review(round_, jurors[2], torn, 6, recommendation=Recommendation.DISCUSS)

    rows = by_title(ranking.rank_round(round_))

    assert rows["Liked"].recommendations == {"select": 2, "discuss": 1, "decline": 0}
    assert rows["Liked"].session_votes == [(lima, 2), (toulouse, 1)]
    assert rows["Liked"].preferred_sessions == (lima,)
    assert rows["Liked"].preferred_session == lima
    assert rows["Torn"].recommendations == {"select": 0, "discuss": 1, "decline": 2}
    # A tie: both sessions are preferred, in the edition's order, and none is the one.
    assert rows["Torn"].preferred_sessions == (toulouse, lima)
    assert rows["Torn"].preferred_session is None


def test_rank_round_leaves_out_drafts(round_, call, jurors):
    scored = project(call, "Scored")
    review(round_, jurors[0], scored, 8)
    review(round_, jurors[1], scored, 2, status=ReviewStatus.DRAFT)
    drafted = project(call, "Drafted")
    review(round_, jurors[1], drafted, 9, status=ReviewStatus.DRAFT)

    rows = by_title(ranking.rank_round(round_))

    assert (rows["Scored"].n_reviews, rows["Scored"].mean) == (1, pytest.approx(8.0))
    assert rows["Scored"].recommendations["select"] == 1
    assert (rows["Drafted"].n_reviews, rows["Drafted"].mean) == (0, None)
    assert [row.original_title for row in ranking.rank_round(round_)] == ["Scored", "Drafted"]


def test_rank_round_leaves_out_a_conflicted_review(round_, call, jurors):
    conflicted = project(call, "Conflicted")
    review(round_, jurors[0], conflicted, 9)
    review(round_, jurors[1], conflicted, 5)
    ConflictFactory(member=jurors[0], project=conflicted, status=ConflictStatus.DECLARED)
    dismissed = project(call, "Dismissed")
    review(round_, jurors[0], dismissed, 7)
    ConflictFactory(member=jurors[0], project=dismissed, status=ConflictStatus.DISMISSED)

    rows = by_title(ranking.rank_round(round_))

    assert (rows["Conflicted"].n_reviews, rows["Conflicted"].mean) == (1, pytest.approx(5.0))
    assert (rows["Dismissed"].n_reviews, rows["Dismissed"].mean) == (1, pytest.approx(7.0))


def test_rank_round_leaves_out_projects_of_other_rounds(round_, edition, call, jurors):
    mine = project(call, "Mine")
    review(round_, jurors[0], mine, 6)
    other_round = RoundFactory(edition=edition, kind=RoundKind.PRESELECTION)
    review(other_round, jurors[0], project(call, "Elsewhere"), 9)
    review(other_round, jurors[1], mine, 1)

    rows = ranking.rank_round(round_)

    assert [(row.original_title, row.n_reviews, row.mean) for row in rows] == [
        ("Mine", 1, pytest.approx(6.0))
    ]


# --- Calibration ------------------------------------------------------------------------


def test_rank_round_calibration_weighs_a_harsh_and_a_lenient_juror_the_same(round_, call, jurors):
    harsh, lenient, _third = jurors
    # The same opinions: each juror's first project is two points above their second.
    review(round_, harsh, project(call, "Harsh best"), 4)
    review(round_, harsh, project(call, "Harsh second"), 2)
    review(round_, lenient, project(call, "Lenient best"), 9)
    review(round_, lenient, project(call, "Lenient second"), 7)

    rows = ranking.rank_round(round_, order="mean")

    assert [row.original_title for row in rows] == [
        "Lenient best",
        "Lenient second",
        "Harsh best",
        "Harsh second",
    ]
    assert [row.rank for row in rows] == [1, 2, 3, 4]
    rows = by_title(rows)
    round_stdev = math.sqrt((1.5**2 + 3.5**2 + 3.5**2 + 1.5**2) / 4)
    assert rows["Harsh best"].z_mean == pytest.approx(1.0)
    assert rows["Harsh best"].calibrated == pytest.approx(5.5 + round_stdev)
    assert rows["Lenient best"].calibrated == pytest.approx(rows["Harsh best"].calibrated)
    assert rows["Harsh second"].calibrated == pytest.approx(5.5 - round_stdev)
    assert rows["Lenient second"].calibrated == pytest.approx(rows["Harsh second"].calibrated)
    assert rows["Harsh best"].calibrated_rank == rows["Lenient best"].calibrated_rank == 1
    assert rows["Harsh second"].calibrated_rank == rows["Lenient second"].calibrated_rank == 3
    # The raw mean is still there beside it.
    assert rows["Harsh best"].mean == pytest.approx(4.0)
    ordered = [row.original_title for row in ranking.rank_round(round_)]
    assert set(ordered[:2]) == {"Harsh best", "Lenient best"}


def test_rank_round_calibration_same_relative_opinions_same_order(round_, call, jurors):
    harsh, lenient, _third = jurors
    films = [project(call, f"Film {letter}") for letter in "ABC"]
    for film, low, high in zip(films, (2, 3, 5), (6, 7, 9), strict=True):
        review(round_, harsh, film, low)
        review(round_, lenient, film, high)

    rows = ranking.rank_round(round_)

    assert [row.original_title for row in rows] == ["Film C", "Film B", "Film A"]
    # Each juror's z-scores are the same, so the calibrated score is their shared z mean.
    assert rows[0].z_mean == pytest.approx(
        (5 - 10 / 3) / math.sqrt(((2 - 10 / 3) ** 2 + (3 - 10 / 3) ** 2 + (5 - 10 / 3) ** 2) / 3)
    )


def test_rank_round_calibration_zero_for_a_single_review_or_a_flat_juror(round_, call, jurors):
    single, flat, other = jurors
    lone = project(call, "Lone")
    review(round_, single, lone, 10)
    level_a, level_b = project(call, "Level A"), project(call, "Level B")
    review(round_, flat, level_a, 5)
    review(round_, flat, level_b, 5)
    review(round_, other, level_a, 8)
    review(round_, other, level_b, 4)

    rows = by_title(ranking.rank_round(round_))

    round_mean = (10 + 5 + 5 + 8 + 4) / 5
    assert rows["Lone"].z_mean == 0
    assert rows["Lone"].calibrated == pytest.approx(round_mean)
    assert rows["Level A"].z_mean == pytest.approx(0.5)  # (0 + 1) / 2
    assert rows["Level B"].z_mean == pytest.approx(-0.5)


def test_calibrate_from_triples():
    z = ranking.calibrate([("a", 1, 8.0), ("a", 2, 6.0), ("b", 1, 3.0), ("b", 2, 1.0)])

    assert z == {1: pytest.approx(1.0), 2: pytest.approx(-1.0)}


# --- Filters and orders -----------------------------------------------------------------


@pytest.fixture
def varied(round_, call, jurors, toulouse, lima):
    """Four projects of known figures: Alba (fiction, AR, Lima), Bruma (documentary, AR and
    FR, Toulouse), Cauce (fiction, PE, Lima and Toulouse tied), Duna (animation, MX, no
    reviews)."""
    first, second, third = jurors
    alba = project(call, "Alba", countries=("AR",), genre=Genre.FICTION)
    bruma = project(call, "bruma", countries=("AR", "FR"), genre=Genre.DOCUMENTARY)
    cauce = project(call, "Cauce", countries=("PE",), genre=Genre.FICTION)
    duna = project(call, "Duna", countries=("MX",), genre=Genre.ANIMATION)
    RoundProjectFactory(round=round_, project=duna)
    review(round_, first, alba, 8, session=lima)
    review(round_, second, alba, 8, session=lima)
    review(round_, third, alba, 8)
    review(round_, first, bruma, 9, session=toulouse)
    review(round_, second, bruma, 4, session=toulouse)
    review(round_, first, cauce, 7, session=lima)
    review(round_, second, cauce, 6, session=toulouse)
    return {"alba": alba, "bruma": bruma, "cauce": cauce, "duna": duna}


def titles(rows):
    return [row.original_title for row in rows]


def test_rank_round_filters_by_session_preference(round_, varied, toulouse, lima):
    assert titles(ranking.rank_round(round_, session=lima, order="title")) == ["Alba", "Cauce"]
    assert titles(ranking.rank_round(round_, session=toulouse.pk, order="title")) == [
        "bruma",
        "Cauce",
    ]
    assert titles(ranking.rank_round(round_, session=str(toulouse.pk), order="title")) == [
        "bruma",
        "Cauce",
    ]


def test_rank_round_filters_by_any_company_country(round_, varied):
    assert titles(ranking.rank_round(round_, country="AR", order="title")) == ["Alba", "bruma"]
    assert titles(ranking.rank_round(round_, country="fr")) == ["bruma"]
    assert titles(ranking.rank_round(round_, country="MX")) == ["Duna"]
    assert ranking.rank_round(round_, country="JP") == []


def test_rank_round_filters_by_genre_and_combines_filters(round_, varied, lima):
    assert titles(ranking.rank_round(round_, genre=Genre.FICTION, order="title")) == [
        "Alba",
        "Cauce",
    ]
    assert titles(ranking.rank_round(round_, genre=Genre.FICTION, country="PE")) == ["Cauce"]
    assert titles(ranking.rank_round(round_, genre=Genre.DOCUMENTARY, session=lima)) == []


def test_rank_round_empty_filters_keep_every_project(round_, varied):
    assert len(ranking.rank_round(round_, session="", country="", genre="")) == 4
    assert len(ranking.rank_round(round_, session="not-a-number")) == 4


def test_rank_round_filters_keep_ranks_of_the_whole_round(round_, varied):
    (cauce,) = ranking.rank_round(round_, country="PE")
    whole = by_title(ranking.rank_round(round_))["Cauce"]

    assert cauce.rank == 2  # Alba 8, then bruma and Cauce at 6.5
    assert (cauce.calibrated_rank, cauce.calibrated) == (whole.calibrated_rank, whole.calibrated)
    assert cauce.calibrated_rank == 3


def test_rank_round_orders(round_, varied):
    # Means: Alba 8, bruma 6.5, Cauce 6.5 (bruma's calibrated score is higher: its second
    # juror gave Cauce more); spreads: bruma 2.5, Cauce 0.5, Alba 0.
    assert titles(ranking.rank_round(round_, order="mean")) == ["Alba", "bruma", "Cauce", "Duna"]
    assert titles(ranking.rank_round(round_, order="-mean")) == ["Cauce", "bruma", "Alba", "Duna"]
    assert titles(ranking.rank_round(round_, order="median")) == [
        "Alba",
        "bruma",
        "Cauce",
        "Duna",
    ]
    assert titles(ranking.rank_round(round_, order="spread")) == ["bruma", "Cauce", "Alba", "Duna"]
    assert titles(ranking.rank_round(round_, order="-spread")) == ["Alba", "Cauce", "bruma", "Duna"]
    assert titles(ranking.rank_round(round_, order="n_reviews")) == [
        "Alba",
        "bruma",
        "Cauce",
        "Duna",
    ]
    assert titles(ranking.rank_round(round_, order="-n_reviews"))[0] == "Duna"
    assert titles(ranking.rank_round(round_, order="title")) == ["Alba", "bruma", "Cauce", "Duna"]
    assert titles(ranking.rank_round(round_, order="-title")) == ["Duna", "Cauce", "bruma", "Alba"]
    calibrated = ranking.rank_round(round_)
    assert calibrated[-1].original_title == "Duna"
    assert [row.calibrated for row in calibrated[:-1]] == sorted(
        (row.calibrated for row in calibrated[:-1]), reverse=True
    )
    assert titles(ranking.rank_round(round_, order="nonsense")) == titles(calibrated)


def test_rank_round_ties_share_a_rank(round_, varied):
    rows = by_title(ranking.rank_round(round_))

    assert (rows["Alba"].rank, rows["bruma"].rank, rows["Cauce"].rank) == (1, 2, 2)


# --- Schulze and Borda ------------------------------------------------------------------

# Wikipedia's example of the Schulze method: 45 voters, 5 candidates; the Schulze ranking
# is E > A > C > B > D. Each voter becomes a juror scoring the five projects 9, 8, 7, 6, 5
# in their order of preference.
WIKIPEDIA_BALLOTS = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def wikipedia_ballots(ids):
    ballots, voter = {}, 0
    for count, order in WIKIPEDIA_BALLOTS:
        for _ in range(count):
            voter += 1
            ballots[voter] = {ids[letter]: 9 - place for place, letter in enumerate(order)}
    return ballots


def test_schulze_ranking_wikipedia_example():
    ids = {letter: number for number, letter in enumerate("ABCDE", start=1)}

    result = ranking.schulze_ranking(wikipedia_ballots(ids))

    assert result == [(ids["E"], 1), (ids["A"], 2), (ids["C"], 3), (ids["B"], 4), (ids["D"], 5)]


def test_schulze_ranking_ties_and_partial_ballots():
    # Two voters who disagree and nobody else: neither project beats the other.
    assert ranking.schulze_ranking({1: {10: 8, 20: 6}, 2: {10: 6, 20: 8}}) == [(10, 1), (20, 1)]
    # Equal totals are no preference; a project on one ballot alone is still a candidate.
    assert ranking.schulze_ranking({1: {10: 7, 20: 7, 30: 5}, 2: {40: 9}}) == [
        (10, 1),
        (20, 1),
        (40, 1),
        (30, 3),
    ]


def test_schulze_ranking_refuses_too_many_candidates():
    ballots = {1: {project_id: project_id for project_id in range(5)}}

    assert ranking.schulze_ranking(ballots, max_candidates=4) == []
    assert ranking.schulze_ranking({}) == []


def test_schulze_of_a_round(round_, edition, call):
    films = {letter: project(call, f"Film {letter}") for letter in "ABC"}
    voters = [member(edition, f"Voter {number}") for number in range(3)]
    for juror, order in zip(voters, ("ABC", "ABC", "BCA"), strict=True):
        for place, letter in enumerate(order):
            review(round_, juror, films[letter], 9 - place)
    draft_voter = member(edition, "Drafting Voter")
    review(round_, draft_voter, films["C"], 10, status=ReviewStatus.DRAFT)
    review(round_, draft_voter, films["A"], 1, status=ReviewStatus.DRAFT)

    assert ranking.schulze(round_) == [
        (films["A"].pk, 1),
        (films["B"].pk, 2),
        (films["C"].pk, 3),
    ]


def test_schulze_of_a_large_round_is_skipped(round_, call, jurors, monkeypatch):
    for letter in "ABC":
        review(round_, jurors[0], project(call, f"Film {letter}"), 5)
    monkeypatch.setattr(ranking, "SCHULZE_MAX_PROJECTS", 2)

    assert ranking.schulze(round_) == []


def test_borda_ranking_normalised_per_ballot():
    result = ranking.borda_ranking({1: {10: 9, 20: 7, 30: 5}, 2: {10: 6, 20: 6}, 3: {40: 8}})

    # 10: (1 + 0.5) / 2; 20: (0.5 + 0.5) / 2; 30: 0; 40 is compared with nothing.
    assert result == [
        (10, 1, pytest.approx(0.75)),
        (20, 2, pytest.approx(0.5)),
        (30, 3, pytest.approx(0.0)),
    ]


def test_borda_ranking_wikipedia_example():
    ids = {letter: number for number, letter in enumerate("ABCDE", start=1)}

    result = ranking.borda_ranking(wikipedia_ballots(ids))

    # Points per candidate: (sum over the 45 ballots of the places below it) / (45 × 4).
    assert [candidate for candidate, _position, _points in result] == [
        ids["E"],
        ids["A"],
        ids["B"],
        ids["C"],
        ids["D"],
    ]
    assert result[0][2] == pytest.approx(102 / 180)


def test_borda_of_a_round(round_, call, jurors):
    first, second, _third = jurors
    high, low = project(call, "High"), project(call, "Low")
    review(round_, first, high, 8)
    review(round_, first, low, 3)
    review(round_, second, high, 6)
    review(round_, second, low, 6)

    assert ranking.borda(round_) == [
        (high.pk, 1, pytest.approx(0.75)),
        (low.pk, 2, pytest.approx(0.25)),
    ]


# --- Proposed placement -----------------------------------------------------------------


@pytest.fixture
def contest(edition, round_, call, toulouse, lima):
    """Twenty projects ranked 0 to 19 by one juror's totals: 0–7 prefer Toulouse, 8–19
    prefer Lima; number 3 withdrew."""
    juror = member(edition, "Juana Única")
    films = []
    for number in range(20):
        film = project(call, f"Film {number:02d}")
        review(round_, juror, film, 9.5 - number * 0.25, session=toulouse if number < 8 else lima)
        films.append(film)
    films[3].status = ProjectStatus.WITHDRAWN
    films[3].save(update_fields=["status"])
    return films


def placed(proposal):
    return [(film.original_title, session.city, kind) for film, session, kind in proposal]


def test_propose_placement_fills_every_session_and_waitlist(edition, round_, contest):
    proposal = ranking.propose_placement(edition=edition, rows=ranking.rank_round(round_))

    selected = PlacementKind.SELECTED
    waitlist = PlacementKind.WAITLIST
    assert placed(proposal) == [
        ("Film 00", "Toulouse", selected),
        ("Film 01", "Toulouse", selected),
        ("Film 02", "Toulouse", selected),
        ("Film 04", "Toulouse", selected),
        ("Film 05", "Toulouse", selected),
        ("Film 06", "Toulouse", selected),
        # Toulouse is full: the next film that prefers it goes to Lima.
        ("Film 07", "Lima", selected),
        ("Film 08", "Lima", selected),
        ("Film 09", "Lima", selected),
        ("Film 10", "Lima", selected),
        ("Film 11", "Lima", selected),
        ("Film 12", "Lima", selected),
        # Both are full: the waitlists, by preference while there is room.
        ("Film 13", "Lima", waitlist),
        ("Film 14", "Lima", waitlist),
        ("Film 15", "Lima", waitlist),
        ("Film 16", "Toulouse", waitlist),
        ("Film 17", "Toulouse", waitlist),
        ("Film 18", "Toulouse", waitlist),
    ]
    assert len({film.pk for film, _session, _kind in proposal}) == len(proposal)


def test_propose_placement_follows_the_ranking_whatever_the_rows_order(edition, round_, contest):
    by_title_rows = ranking.rank_round(round_, order="-title")

    assert placed(ranking.propose_placement(edition=edition, rows=by_title_rows)) == placed(
        ranking.propose_placement(edition=edition, rows=ranking.rank_round(round_))
    )


def test_propose_placement_waitlist_size(edition, round_, contest):
    proposal = ranking.propose_placement(
        edition=edition, rows=ranking.rank_round(round_), waitlist_size=0
    )

    assert len(proposal) == 12
    assert {kind for _film, _session, kind in proposal} == {PlacementKind.SELECTED}


def test_propose_placement_applies_as_it_is(edition, round_, contest, staff, toulouse, lima):
    proposal = ranking.propose_placement(edition=edition, rows=ranking.rank_round(round_))

    assert services.apply_proposal(edition=edition, proposal=proposal, by=staff) == 18
    toulouse_waitlist = Placement.objects.filter(
        session=toulouse, kind=PlacementKind.WAITLIST
    ).order_by("position")
    assert [p.project.original_title for p in toulouse_waitlist] == [
        "Film 16",
        "Film 17",
        "Film 18",
    ]
    assert Placement.objects.filter(session=lima, kind=PlacementKind.SELECTED).count() == 6


def test_propose_placement_without_preference_takes_the_most_free_places(
    edition, round_, call, toulouse, lima
):
    toulouse.places = 2
    toulouse.save(update_fields=["places"])
    lima.places = 3
    lima.save(update_fields=["places"])
    first, second = member(edition, "Primera Jurado"), member(edition, "Segundo Jurado")
    undecided = project(call, "Undecided")
    review(round_, first, undecided, 9)
    review(round_, second, undecided, 9)
    tied = project(call, "Tied")
    review(round_, first, tied, 8, session=toulouse)
    review(round_, second, tied, 8, session=lima)
    unseen = project(call, "Unseen")
    RoundProjectFactory(round=round_, project=unseen)
    not_selected = project(call, "Not selected", status=ProjectStatus.NOT_SELECTED)
    review(round_, first, not_selected, 10, session=lima)

    proposal = ranking.propose_placement(
        edition=edition, rows=ranking.rank_round(round_), waitlist_size=1
    )

    # Undecided: Lima has 3 free places, Toulouse 2. Tied: 2 each, the earlier session.
    assert placed(proposal) == [
        ("Undecided", "Lima", PlacementKind.SELECTED),
        ("Tied", "Toulouse", PlacementKind.SELECTED),
    ]


def test_propose_placement_without_sessions_is_empty(edition, round_, call, jurors):
    review(round_, jurors[0], project(call, "Alone"), 7)

    assert ranking.propose_placement(edition=edition, rows=ranking.rank_round(round_)) == []


# --- CSV lines --------------------------------------------------------------------------


def test_ranking_csv_rows(round_, varied):
    lines = list(ranking.ranking_csv_rows(ranking.rank_round(round_, order="mean")))

    assert lines[0] == [
        "Position",
        "ID",
        "Original title",
        "English title",
        "Countries of the companies",
        "Genre",
        "Status",
        "Reviews",
        "Mean",
        "Median",
        "Standard deviation",
        "Highest − lowest",
        "Strong disagreement",
        "Calibrated score",
        "Rank by mean",
        "Rank by calibrated score",
        "Select",
        "Discuss",
        "Decline",
        "Preferred session",
    ]
    bruma = lines[2]
    assert bruma[:13] == [
        2,
        varied["bruma"].pk,
        "bruma",
        "bruma (EN)",
        "AR, FR",
        "Documentary",
        "Under review",
        2,
        "6.50",
        "6.50",
        "2.50",
        "5.00",
        "yes",
    ]
    assert bruma[14] == 2
    assert bruma[16:] == [2, 0, 0, "Toulouse"]
    assert lines[3][-1] == "Toulouse / Lima"
    assert lines[4][2] == "Duna"
    assert lines[4][7:16] == [0, "", "", "", "", "", "", "", ""]
    assert len(lines) == 5


def test_reviews_csv_rows(round_, edition, call, jurors, lima):
    story = CriterionFactory(edition=edition, name="Story", position=0)
    craft = CriterionFactory(edition=edition, name="Craft", position=1)
    film = project(call, "Alba")
    first = review(
        round_,
        jurors[0],
        film,
        "7.500",
        session=lima,
        recommendation=Recommendation.DISCUSS,
        note="Strong second act.",
        producer_feedback="Tighten the opening.",
    )
    ScoreFactory(review=first, criterion=story, value=8)
    ScoreFactory(review=first, criterion=craft, value=7)
    second = review(round_, jurors[1], film, "5.000")
    ScoreFactory(review=second, criterion=story, value=5)
    ScoreFactory(review=second, criterion=craft, value=6)
    draft = review(round_, jurors[2], film, None, status=ReviewStatus.DRAFT, note="Half done")
    ScoreFactory(review=draft, criterion=story, value=2)
    fresh = Round.objects.get(pk=round_.pk)

    lines = list(ranking.reviews_csv_rows(fresh))

    assert lines[0] == [
        "ID",
        "Original title",
        "English title",
        "Juror",
        "Story",
        "Craft",
        "Weighted score (0–10)",
        "Recommendation",
        "Best suited to the session",
        "Note for the jury",
        "Feedback for the producer",
        "Submitted (Europe/Paris time)",
    ]
    assert lines[1:] == [
        [
            film.pk,
            "Alba",
            "Alba (EN)",
            "Juan Uno",
            8,
            7,
            "7.500",
            "Discuss",
            "Lima",
            "Strong second act.",
            "Tighten the opening.",
            "2027-03-01 10:00",
        ],
        [
            film.pk,
            "Alba",
            "Alba (EN)",
            "Julia Dos",
            5,
            6,
            "5.000",
            "Select",
            "",
            "",
            "",
            "2027-03-01 10:00",
        ],
    ]


def test_csv_rows_read_their_labels_in_the_active_language(round_, varied):
    rows = ranking.rank_round(round_, order="mean")

    with translation.override("es"):
        lines = list(ranking.ranking_csv_rows(rows))
        header = next(ranking.reviews_csv_rows(round_))

    assert lines[0][2] == "Título original"
    assert lines[0][5] == "Género"
    assert lines[2][5] == "Documental"
    assert header[1] == "Título original"


# --- Query counts -----------------------------------------------------------------------


def build_round(edition, call, criteria, jurors, sessions, count: int) -> Round:
    round_ = RoundFactory(edition=edition, kind=RoundKind.FINAL)
    for number in range(count):
        film = project(call, f"Sized {count} {number}", countries=("AR", "FR"))
        for offset, juror in enumerate(jurors):
            done = review(
                round_,
                juror,
                film,
                4 + (number * 3 + offset) % 6,
                session=sessions[(number + offset) % 2],
            )
            for criterion in criteria:
                ScoreFactory(review=done, criterion=criterion, value=5)
    return round_


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries.captured_queries)


def test_query_counts_do_not_grow_with_the_round(edition, call, jurors, toulouse, lima):
    criteria = [CriterionFactory(edition=edition) for _ in range(3)]
    small = build_round(edition, call, criteria, jurors, [toulouse, lima], 2)
    large = build_round(edition, call, criteria, jurors, [toulouse, lima], 6)
    counts = {}
    for name, round_ in (("small", small), ("large", large)):
        round_ = Round.objects.get(pk=round_.pk)
        counts[name] = {
            "rank": count_queries(lambda r=round_: ranking.rank_round(r, country="AR")),
            "reviews_csv": count_queries(lambda r=round_: list(ranking.reviews_csv_rows(r))),
            "ranking_csv": count_queries(
                lambda r=round_: list(ranking.ranking_csv_rows(ranking.rank_round(r)))
            ),
            "placement": count_queries(
                lambda r=round_: ranking.propose_placement(
                    edition=edition, rows=ranking.rank_round(r)
                )
            ),
            "schulze": count_queries(lambda r=round_: ranking.schulze(r)),
            "borda": count_queries(lambda r=round_: ranking.borda(r)),
        }

    assert counts["small"] == counts["large"]
    assert counts["small"]["rank"] == 4
    assert counts["small"]["reviews_csv"] <= 4
    assert len(list(ranking.reviews_csv_rows(large))) == 1 + 6 * 3
