"""The jury's pages at scale: the pre-selection round of bench_ranking (`size`
applications, 40 jurors, three submitted reviews each with a score per criterion, an
edition with two sessions of six places and five criteria, the round in discussion with
its assignments published) and a final round not started yet; each application with a
director and a cut, a still and a document. The project one juror opens has a few stills,
two documents, a second cut and a discussion.

Measured: the staff's ranking page (its first 250 rows, calibrated scores included, with
the shortlist into the final round), the reviews CSV (the whole stream read), the
selection page (the best-ranked candidates) and the assignment page (50 projects a page);
a juror's "My reviews" (150 assignments at 2,000), their review page, and saving their
submitted review again with every score."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from editions.models import Material
from juries.models import Assignment, Comment, JuryMember, Phase, Review, Round, Score
from submissions.models import (
    Cut,
    Director,
    Document,
    Gender,
    ProcessingStatus,
    ProductionStage,
    Project,
    Still,
)

from . import bench_ranking as round_data
from .harness import Measurement, page

SIZES = [200, 2000]

JUROR = 7  # the juror who signs in: not the president, no different from the others
STILLS = 4  # of the project the juror opens
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY]
STAGES = [ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT, ProductionStage.FIRST_CUT]
ASSIGNMENT_LINK = re.compile(rb"/jury/assignments/(\d+)/")  # a project on "My reviews"


def setup(size: int) -> dict:
    context = round_data.setup(size)
    round_ = context["round"]
    # bench_ranking's final round stays as the round a shortlist goes into, before its jury
    # starts (the ranking page then offers the shortlist): without its assignments and
    # reviews, so that the selection starts from the pre-selection round (the latest with
    # reviews) and the juror's list holds their pre-selection projects only.
    Assignment.objects.filter(round=context["final"]).delete()
    Round.objects.filter(pk=context["final"].pk).update(
        phase=Phase.SETUP, assignments_published_at=None
    )
    now = timezone.now()
    projects = list(Project.objects.filter(jury_rounds__round=round_).order_by("pk"))
    Director.objects.bulk_create(
        Director(
            project=project,
            name=f"Directora {index}",
            nationality=round_data.COUNTRIES[index % len(round_data.COUNTRIES)],
            gender=GENDERS[index % len(GENDERS)],
            biography="Born in Salta, she directed one feature before this one.",
        )
        for index, project in enumerate(projects)
    )
    Cut.objects.bulk_create(
        Cut(
            project=project,
            number=1,
            stage=STAGES[index % len(STAGES)],
            runtime=70 + index % 40,
            cut_date=now.date() - dt.timedelta(days=40),
            screener_url=f"https://vimeo.com/{100000 + index}",
            screener_password="screener-pass",
        )
        for index, project in enumerate(projects)
    )

    member = JuryMember.objects.select_related("user").get(
        edition=context["edition"], user__email=f"juror-{JUROR}@example.org"
    )
    review = (
        Review.objects.filter(round=round_, member=member)
        .select_related("assignment", "project")
        .order_by("project__original_title")
        .first()
    )
    project = review.project
    # The project the juror opens: its latest cut, stills ready, documents, a discussion.
    Cut.objects.create(
        project=project,
        number=2,
        stage=ProductionStage.FINE_CUT,
        runtime=96,
        cut_date=now.date() - dt.timedelta(days=10),
        screener_url="https://vimeo.com/200000",
        screener_password="screener-pass",
        changes="The second act is shorter; a new score.",
    )

    def still(of, number):
        name = f"bench-{of.pk}-{number}.jpg"
        return Still(
            project=of,
            original=f"stills/original/{name}",
            web=f"stills/web/{name}",
            thumbnail=f"stills/thumb/{name}",
            large=f"stills/large/{name}",
            width=1600,
            height=900,
            status=ProcessingStatus.READY,
            position=number,
        )

    Still.objects.bulk_create(
        [still(other, 0) for other in projects if other.pk != project.pk]
        + [still(project, number) for number in range(STILLS)]
    )
    Document.objects.bulk_create(
        [
            Document(
                project=other,
                kind=Material.BUDGET,
                file=f"documents/bench-{other.pk}.pdf",
                original_name="budget.pdf",
                size=120_000,
            )
            for other in projects
        ]
        + [
            Document(
                project=project,
                kind=Material.FINANCING_PLAN,
                file=f"documents/bench-{project.pk}-plan.pdf",
                original_name="financing-plan.pdf",
                size=80_000,
            )
        ]
    )
    others = list(
        Review.objects.filter(round=round_, project=project)
        .exclude(member=member)
        .values_list("member_id", flat=True)
    )
    Comment.objects.bulk_create(
        Comment(round=round_, project=project, author_id=author_id, text=text)
        for author_id, text in zip(
            [*others, member.pk],
            [
                "The ending is not there yet; I would still select it.",
                "Agreed on the ending. The sound design carries it.",
                "Let us see the next cut before deciding.",
            ],
            strict=False,
        )
    )
    scores = dict(
        Score.objects.filter(review=review).values_list("criterion_id", "value").order_by()
    )
    return {
        **context,
        "user": member.user,
        "assignment": review.assignment,
        "review": review,
        "scores": scores,
        "saves": 0,
    }


def _round_url(name):
    return lambda context: reverse(f"juries:{name}", kwargs={"pk": context["round"].pk})


def reviews_csv(context: dict, client) -> None:
    """GET the reviews CSV and read the whole stream: the lines are made while it is read."""
    url = reverse("juries:staff_reviews_csv", kwargs={"pk": context["round"].pk})
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"jury_reviews_csv: GET {url} answered {response.status_code}")
    lines = b"".join(response.streaming_content).count(b"\r\n") - 1
    expected = context["size"] * round_data.REVIEWS_PER_PROJECT
    if lines != expected:
        raise AssertionError(f"jury_reviews_csv: {lines} reviews for {expected}")


def review_save(context: dict, client) -> None:
    """The juror saves their submitted review again, one score changed each time (so that
    every repetition writes the review and a score), and is sent back to the page."""
    review = context["review"]
    context["saves"] += 1
    scores = dict(context["scores"])
    if context["saves"] % 2:
        first = min(scores)
        scores[first] = scores[first] + 1 if scores[first] < 10 else scores[first] - 1
    data = {
        **{f"score_{criterion_id}": value for criterion_id, value in scores.items()},
        "note": f"{review.note} (read again: {context['saves']})",
        "producer_feedback": review.producer_feedback,
        "recommendation": review.recommendation,
        "session_preference": review.session_preference_id or "",
        "save": "1",
    }
    url = reverse("juries:review", kwargs={"pk": context["assignment"].pk})
    response = client.post(url, data)
    if response.status_code != 302:
        raise AssertionError(
            f"jury_review_save: POST {url} answered {response.status_code} "
            "(200: the form refused it)"
        )


def checked(measurement: Measurement, check) -> Measurement:
    """A page measurement that also checks what the page shows: a page that answers 200
    without the data it is measured with stops the run."""

    def run(context: dict, client):
        response = measurement.run(context, client)
        problem = check(context, response.content)
        if problem:
            raise AssertionError(f"{measurement.name}: {problem}")
        return response

    return Measurement(name=measurement.name, run=run, user=measurement.user)


def home_lists_every_assignment(context, content):
    listed = len(set(ASSIGNMENT_LINK.findall(content)))
    expected = context["size"] * round_data.REVIEWS_PER_PROJECT // round_data.JURORS
    return None if listed == expected else f"{listed} projects listed for {expected}"


def review_shows_the_stills(context, content):
    shown = content.count(b"/thumb/")
    return None if shown == STILLS else f"{shown} stills shown for {STILLS}"


MEASUREMENTS = [
    page("jury_ranking_page", _round_url("staff_ranking"), user="staff"),
    Measurement(name="jury_reviews_csv", run=reviews_csv, user="staff"),
    page(
        "jury_selection_page",
        lambda c: reverse("juries:staff_selection", kwargs={"edition_pk": c["edition"].pk}),
        user="staff",
    ),
    page("jury_assignments_page", _round_url("staff_assignments"), user="staff"),
    checked(
        page("jury_juror_home", lambda c: reverse("juries:home"), user="user"),
        home_lists_every_assignment,
    ),
    checked(
        page(
            "jury_review_page",
            lambda c: reverse("juries:review", kwargs={"pk": c["assignment"].pk}),
            user="user",
        ),
        review_shows_the_stills,
    ),
    Measurement(name="jury_review_save", run=review_save, user="user"),
]
