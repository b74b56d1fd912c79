"""A jury round at scale: an edition with `size` applications, all in a pre-selection round
reviewed by 40 jurors, three submitted reviews each (5 criteria, a score per criterion,
jurors harsh or lenient by a point or two, a session preference and a recommendation), and
a shortlist of 100 of them in a final round that 10 jurors review whole.

Measured (the functions; the pages come on top): the ranking of the pre-selection round
with calibrated scores (its first 250 rows, a page), the reviews CSV of that round (every
line written), the ranking CSV, the proposed placement, and the Schulze and Borda second
opinions on the shortlist."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme, Session
from juries import ranking
from juries.models import (
    Assignment,
    AssignmentSource,
    Criterion,
    JuryMember,
    Phase,
    Recommendation,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    RoundProject,
    Score,
)
from juries.services import weighted_total
from submissions.models import CompanyRole, Genre, Project, ProjectCompany, ProjectStatus

SIZES = [200, 2000]

JURORS = 40
REVIEWS_PER_PROJECT = 3
CRITERIA = 5
SHORTLIST = 100
SHORTLIST_JURORS = 10
PAGE = 250

COUNTRIES = ["AR", "BR", "CL", "CO", "MX", "PE", "UY"]
GENRES = [Genre.FICTION, Genre.DOCUMENTARY, Genre.ANIMATION, Genre.HYBRID]
RECOMMENDATIONS = [Recommendation.SELECT, Recommendation.DISCUSS, Recommendation.DECLINE]


def _score(project_index: int, juror_index: int, criterion_index: int) -> int:
    """A score from 1 to 10: the project's quality, the criterion's noise and the juror's
    leniency (from two points harsh to two points lenient)."""
    quality = (project_index * 7919) % 7 + 2
    noise = (project_index + 3 * criterion_index + juror_index) % 3 - 1
    leniency = juror_index % 5 - 2
    return max(1, min(10, quality + noise + leniency))


def _reviews(round_, members, criteria, pairs, *, sessions, moment):
    """Assignments, submitted reviews and their scores for (project, project index, juror
    index) triples, in three bulk inserts."""
    assignments = Assignment.objects.bulk_create(
        Assignment(
            round=round_,
            member=members[juror_index],
            project=project,
            source=AssignmentSource.AUTOMATIC,
        )
        for project, _index, juror_index in pairs
    )
    reviews, values = [], []
    for assignment, (project, index, juror_index) in zip(assignments, pairs, strict=True):
        scores = {
            criterion: _score(index, juror_index, position)
            for position, criterion in enumerate(criteria)
        }
        values.append(scores)
        reviews.append(
            Review(
                assignment=assignment,
                round=round_,
                member=members[juror_index],
                project=project,
                status=ReviewStatus.SUBMITTED,
                submitted_at=moment,
                note="The second act needs air; the sound design is remarkable. " * 3,
                producer_feedback="Thank you for sending the film." if index % 4 == 0 else "",
                recommendation=RECOMMENDATIONS[(index + juror_index) % 3],
                session_preference=sessions[(index + juror_index) % 2]
                if (index + juror_index) % 5
                else None,
                total=weighted_total(scores),
            )
        )
    reviews = Review.objects.bulk_create(reviews)
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=value)
        for review, scores in zip(reviews, values, strict=True)
        for criterion, value in scores.items()
    )


def setup(size: int) -> dict:
    now = timezone.now()
    staff = User.objects.create_user(
        "bench-staff@example.org", "bench-password-1", full_name="Bench Staff"
    )
    programme = Programme.objects.create(
        name="Films in Progress",
        slug="films-in-progress",
        organisers="Cinélatino, Rencontres de Toulouse; Lima Film Festival PUCP",
        description="Latin American works in progress shown to industry professionals.",
    )
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
    sessions = [
        Session.objects.create(
            edition=edition,
            city="Toulouse",
            country="FR",
            starts_on=dt.date(now.year, 3, 20),
            ends_on=dt.date(now.year, 3, 22),
        ),
        Session.objects.create(
            edition=edition,
            city="Lima",
            country="PE",
            starts_on=dt.date(now.year, 8, 10),
            ends_on=dt.date(now.year, 8, 14),
        ),
    ]
    call = Call.objects.create(
        edition=edition,
        title=f"Call for works in progress {now.year}",
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=30),
        eligible_countries=COUNTRIES,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(edition=edition, name=name, weight=Decimal(weight), position=position)
        for position, (name, weight) in enumerate(
            [("Story", "2"), ("Direction", "2"), ("Craft", "1"), ("Potential", "1"), ("Fit", "1")]
        )
    )
    assert len(criteria) == CRITERIA
    # Producers and jurors without a password: hashing one each would only slow the setup.
    owner = User.objects.create(
        email="bench-producer@example.org", full_name="Bench Producer", password="!"
    )
    juror_users = User.objects.bulk_create(
        User(email=f"juror-{index}@example.org", full_name=f"Juror {index:02d}", password="!")
        for index in range(JURORS)
    )
    members = JuryMember.objects.bulk_create(
        JuryMember(edition=edition, user=user, is_president=index == 0)
        for index, user in enumerate(juror_users)
    )
    projects = Project.objects.bulk_create(
        Project(
            call=call,
            owner=owner,
            status=ProjectStatus.UNDER_REVIEW,
            submitted_at=now - dt.timedelta(days=40, minutes=index),
            original_title=f"Película {index:05d}",
            english_title=f"Film {index:05d}",
            genre=GENRES[index % len(GENRES)],
        )
        for index in range(size)
    )
    companies = []
    for index, project in enumerate(projects):
        companies.append(
            ProjectCompany(
                project=project,
                name=f"Producciones {index}",
                country=COUNTRIES[index % len(COUNTRIES)],
                role=CompanyRole.PRODUCER,
                share=Decimal("70") if index % 3 == 0 else Decimal("100"),
            )
        )
        if index % 3 == 0:
            companies.append(
                ProjectCompany(
                    project=project,
                    name=f"Coproductions {index}",
                    country="FR",
                    role=CompanyRole.CO_PRODUCER,
                    share=Decimal("30"),
                    position=1,
                )
            )
    ProjectCompany.objects.bulk_create(companies)

    preselection = Round.objects.create(
        edition=edition,
        number=1,
        kind=RoundKind.PRESELECTION,
        name="Pre-selection",
        phase=Phase.DISCUSSION,
        reviews_per_project=REVIEWS_PER_PROJECT,
        assignments_published_at=now - dt.timedelta(days=20),
    )
    preselection.members.set(members)
    RoundProject.objects.bulk_create(
        RoundProject(round=preselection, project=project) for project in projects
    )
    _reviews(
        preselection,
        members,
        criteria,
        [
            (project, index, (index * REVIEWS_PER_PROJECT + turn) % JURORS)
            for index, project in enumerate(projects)
            for turn in range(REVIEWS_PER_PROJECT)
        ],
        sessions=sessions,
        moment=now - dt.timedelta(days=5),
    )

    final = Round.objects.create(
        edition=edition,
        number=2,
        kind=RoundKind.FINAL,
        name="Final round",
        phase=Phase.DISCUSSION,
        every_juror_reviews_all=True,
        assignments_published_at=now - dt.timedelta(days=4),
    )
    shortlisted = projects[:SHORTLIST]
    final.members.set(members[:SHORTLIST_JURORS])
    RoundProject.objects.bulk_create(
        RoundProject(round=final, project=project) for project in shortlisted
    )
    _reviews(
        final,
        members,
        criteria,
        [
            (project, index, juror_index)
            for index, project in enumerate(shortlisted)
            for juror_index in range(SHORTLIST_JURORS)
        ],
        sessions=sessions,
        moment=now - dt.timedelta(days=1),
    )
    return {
        "edition": edition,
        "staff": staff,
        "round": Round.objects.select_related("edition").get(pk=preselection.pk),
        "final": Round.objects.select_related("edition").get(pk=final.pk),
        "size": size,
    }


def _write(lines) -> int:
    """Write the lines as the export does and count them."""
    writer = csv.writer(io.StringIO())
    count = 0
    for line in lines:
        writer.writerow(line)
        count += 1
    return count


def bench_rank_round(context: dict) -> None:
    rows = ranking.rank_round(context["round"])[:PAGE]
    if len(rows) != min(PAGE, context["size"]) or rows[0].calibrated is None:
        raise AssertionError(f"rank_round: {len(rows)} rows")


def bench_reviews_csv(context: dict) -> None:
    lines = _write(ranking.reviews_csv_rows(context["round"]))
    if lines != 1 + context["size"] * REVIEWS_PER_PROJECT:
        raise AssertionError(f"reviews_csv: {lines} lines")


def bench_ranking_csv(context: dict) -> None:
    lines = _write(ranking.ranking_csv_rows(ranking.rank_round(context["round"])))
    if lines != 1 + context["size"]:
        raise AssertionError(f"ranking_csv: {lines} lines")


def bench_propose_placement(context: dict) -> None:
    rows = ranking.rank_round(context["round"])
    proposal = ranking.propose_placement(edition=context["edition"], rows=rows)
    if len(proposal) != 2 * (6 + 3):
        raise AssertionError(f"propose_placement: {len(proposal)} placements")


def bench_schulze_shortlist(context: dict) -> None:
    if len(ranking.schulze(context["final"])) != SHORTLIST:
        raise AssertionError("schulze: not every shortlisted project is ranked")


def bench_borda_shortlist(context: dict) -> None:
    if len(ranking.borda(context["final"])) != SHORTLIST:
        raise AssertionError("borda: not every shortlisted project is ranked")
