"""The staff's dashboard at scale: this year's edition with `size` applications (and a few
drafts) from 15 countries, of every genre, each with a director (one in five with two) of
every gender and first, second or later feature, budgets in US dollars, euros and Mexican
pesos (a few without one), two sessions with 12 films selected and a waiting list, and a
pre-selection round of 30 jurors, three assignments an application (most reviews
submitted, some drafts, some not started). Four past editions of the same programme, each
with its applications, directors and selection, are compared with it.

Measured: the edition's dashboard and the programme's comparison page, as staff. Both
are made of aggregate queries: their counts must not change with the size."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme, Session
from juries.models import (
    Assignment,
    AssignmentSource,
    JuryMember,
    Phase,
    Placement,
    PlacementKind,
    Recommendation,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    RoundProject,
    Selection,
)
from submissions.models import (
    CompanyRole,
    Director,
    Gender,
    Genre,
    Project,
    ProjectCompany,
    ProjectStatus,
)

from .harness import Measurement, page

SIZES = [200, 2000]

PAST_EDITIONS = 4
JURORS = 30
REVIEWS_PER_PROJECT = 3
SELECTED_PER_SESSION = 6
WAITLIST_PER_SESSION = 2
# 15 countries, some far more frequent than others (100 slots): more than the 12 bars the
# country chart draws, so that its "other countries" bar is drawn too.
COUNTRY_WEIGHTS = [
    ("AR", 15),
    ("BR", 13),
    ("MX", 11),
    ("CO", 10),
    ("CL", 9),
    ("PE", 8),
    ("UY", 7),
    ("BO", 6),
    ("EC", 5),
    ("VE", 4),
    ("CU", 3),
    ("GT", 3),
    ("CR", 2),
    ("PY", 2),
    ("DO", 2),
]
COUNTRY_SLOTS = [code for code, weight in COUNTRY_WEIGHTS for _ in range(weight)]
GENRES = [Genre.FICTION, Genre.DOCUMENTARY, Genre.FICTION, Genre.ANIMATION, Genre.HYBRID]
GENDERS = [
    Gender.WOMAN,
    Gender.MAN,
    Gender.WOMAN,
    Gender.NON_BINARY,
    Gender.MAN,
    Gender.UNDISCLOSED,
]
PREVIOUS_FEATURES = [0, 0, 1, 0, 2, 1, 4]
# 20 slots: USD for half, EUR for 6, MXN for 3, no budget for one.
CURRENCIES = ["USD"] * 10 + ["EUR"] * 6 + ["MXN"] * 3 + [""]
RECOMMENDATIONS = [Recommendation.SELECT, Recommendation.DISCUSS, Recommendation.DECLINE]
APPLICATIONS = re.compile(rb"(\d[\d,]*) applications reached the festival")


def _country(index: int) -> str:
    # A prime stride, so that neighbours differ and every slot is reached.
    return COUNTRY_SLOTS[(index * 37) % len(COUNTRY_SLOTS)]


def _edition(programme, *, number: int, year: int, now) -> tuple[Edition, Call, list[Session]]:
    edition = Edition.objects.create(
        programme=programme,
        number=number,
        year=year,
        slug=str(year),
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        state=EditionState.PUBLIC,
    )
    if year == now.year:
        opens_at, closes_at = now - dt.timedelta(days=60), now - dt.timedelta(days=20)
    else:
        opens_at = dt.datetime(year - 1, 11, 1, tzinfo=dt.UTC)
        closes_at = dt.datetime(year, 1, 15, tzinfo=dt.UTC)
    call = Call.objects.create(
        edition=edition,
        title=f"Call for works in progress {year}",
        opens_at=opens_at,
        closes_at=closes_at,
        eligible_countries=[code for code, _weight in COUNTRY_WEIGHTS],
    )
    sessions = [
        Session.objects.create(
            edition=edition,
            city="Toulouse",
            country="FR",
            starts_on=dt.date(year, 3, 20),
            ends_on=dt.date(year, 3, 22),
            places=SELECTED_PER_SESSION,
        ),
        Session.objects.create(
            edition=edition,
            city="Lima",
            country="PE",
            starts_on=dt.date(year, 8, 10),
            ends_on=dt.date(year, 8, 14),
            places=SELECTED_PER_SESSION,
        ),
    ]
    return edition, call, sessions


def _applications(call, owner, count: int, *, now, seed: int) -> list[Project]:
    """`count` applications (one in twenty more as drafts), each with its producing
    company (a co-producer for one in three), its directors and its budget."""
    drafts = max(count // 20, 1)
    projects = []
    for index in range(count + drafts):
        draft = index >= count
        number = index + seed
        currency = CURRENCIES[number % len(CURRENCIES)]
        budget = Decimal(150_000 + (number * 7919) % 850_000) if currency else None
        projects.append(
            Project(
                call=call,
                owner=owner,
                status=ProjectStatus.DRAFT
                if draft
                else ProjectStatus.UNDER_REVIEW
                if index % 3
                else ProjectStatus.SUBMITTED,
                submitted_at=None if draft else now - dt.timedelta(days=30, minutes=index),
                original_title=f"Película {seed + index:05d}",
                english_title=f"Film {seed + index:05d}",
                genre=GENRES[number % len(GENRES)],
                currency=currency,
                total_budget=budget,
                secured_amount=(budget * Decimal(number % 9) / 10).quantize(Decimal("1"))
                if budget
                else None,
            )
        )
    projects = Project.objects.bulk_create(projects)
    companies, directors = [], []
    for index, project in enumerate(projects):
        number = index + seed
        country = _country(number)
        coproduced = number % 3 == 0
        companies.append(
            ProjectCompany(
                project=project,
                name=f"Producciones {number}",
                country=country,
                role=CompanyRole.PRODUCER,
                share=Decimal("70") if coproduced else Decimal("100"),
            )
        )
        if coproduced:
            companies.append(
                ProjectCompany(
                    project=project,
                    name=f"Coproductions {number}",
                    country="FR",
                    role=CompanyRole.CO_PRODUCER,
                    share=Decimal("30"),
                    position=1,
                )
            )
        for position in range(2 if number % 5 == 0 else 1):
            directors.append(
                Director(
                    project=project,
                    name=f"Directora {number}-{position}",
                    nationality=country,
                    gender=GENDERS[(number + position) % len(GENDERS)],
                    previous_features=PREVIOUS_FEATURES[(number + position) % 7],
                    position=position,
                )
            )
    ProjectCompany.objects.bulk_create(companies)
    Director.objects.bulk_create(directors)
    return projects[:count]


def _selection(edition, sessions, projects, staff) -> int:
    """Six films selected and two on the waiting list in each session, by hand (bulk
    rows: place_project would check each against the others)."""
    selection = Selection.objects.create(edition=edition, version=1)
    chosen = projects[:: max(len(projects) // 20, 1)]
    placements = []
    for number, session in enumerate(sessions):
        batch = chosen[number * 8 : number * 8 + SELECTED_PER_SESSION + WAITLIST_PER_SESSION]
        for position, project in enumerate(batch):
            selected = position < SELECTED_PER_SESSION
            placements.append(
                Placement(
                    selection=selection,
                    project=project,
                    session=session,
                    kind=PlacementKind.SELECTED if selected else PlacementKind.WAITLIST,
                    position=position if selected else position - SELECTED_PER_SESSION,
                    decided_by=staff,
                )
            )
    Placement.objects.bulk_create(placements)
    return sum(1 for placement in placements if placement.kind == PlacementKind.SELECTED)


def _jury(edition, projects, *, now) -> tuple[int, int]:
    """A pre-selection round in scoring, due in ten days: three assignments an
    application; seven reviews in ten submitted, two drafts, one not started."""
    users = User.objects.bulk_create(
        User(email=f"juror-{index}@example.org", full_name=f"Juror {index:02d}", password="!")
        for index in range(JURORS)
    )
    members = JuryMember.objects.bulk_create(
        JuryMember(edition=edition, user=user, is_president=index == 0)
        for index, user in enumerate(users)
    )
    round_ = Round.objects.create(
        edition=edition,
        number=1,
        kind=RoundKind.PRESELECTION,
        name="Pre-selection",
        phase=Phase.SCORING,
        reviews_per_project=REVIEWS_PER_PROJECT,
        deadline=now + dt.timedelta(days=10),
        assignments_published_at=now - dt.timedelta(days=15),
    )
    round_.members.set(members)
    RoundProject.objects.bulk_create(
        RoundProject(round=round_, project=project) for project in projects
    )
    triples = [
        (project, index, (index * REVIEWS_PER_PROJECT + turn) % JURORS)
        for index, project in enumerate(projects)
        for turn in range(REVIEWS_PER_PROJECT)
    ]
    assignments = Assignment.objects.bulk_create(
        Assignment(
            round=round_,
            member=members[juror],
            project=project,
            source=AssignmentSource.AUTOMATIC,
        )
        for project, _index, juror in triples
    )
    reviews = []
    for number, (assignment, (project, index, juror)) in enumerate(
        zip(assignments, triples, strict=True)
    ):
        state = number % 10
        if state == 9:
            continue  # not started
        submitted = state < 7
        reviews.append(
            Review(
                assignment=assignment,
                round=round_,
                member=members[juror],
                project=project,
                status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                submitted_at=now - dt.timedelta(days=2) if submitted else None,
                note="The second act needs air; the sound design is remarkable.",
                recommendation=RECOMMENDATIONS[(index + juror) % 3] if submitted else "",
                total=Decimal(5 + (index + juror) % 5) if submitted else None,
            )
        )
    Review.objects.bulk_create(reviews)
    return len(assignments), sum(1 for review in reviews if review.status == ReviewStatus.SUBMITTED)


def setup(size: int) -> dict:
    now = timezone.now()
    staff = User.objects.create_user(
        "bench-staff@example.org", "bench-password-1", full_name="Bench Staff"
    )
    owner = User.objects.create(
        email="bench-producer@example.org", full_name="Bench Producer", password="!"
    )
    programme = Programme.objects.create(
        name="Films in Progress",
        slug="films-in-progress",
        organisers="Cinélatino, Rencontres de Toulouse; Lima Film Festival PUCP",
        description="Latin American works in progress shown to industry professionals.",
    )
    programme.team.add(staff)
    # The past editions, oldest first, each a little smaller than the next.
    past = []
    for number in range(1, PAST_EDITIONS + 1):
        year = now.year - PAST_EDITIONS - 1 + number
        edition, call, sessions = _edition(programme, number=number, year=year, now=now)
        count = size * (5 + number) // 10
        projects = _applications(call, owner, count, now=now, seed=number * 100_000)
        _selection(edition, sessions, projects, staff)
        past.append((edition, count))
    edition, call, sessions = _edition(programme, number=PAST_EDITIONS + 1, year=now.year, now=now)
    projects = _applications(call, owner, size, now=now, seed=0)
    selected = _selection(edition, sessions, projects, staff)
    assigned, submitted = _jury(edition, projects, now=now)
    return {
        "staff": staff,
        "programme": programme,
        "edition": edition,
        "size": size,
        "selected": selected,
        "assigned": assigned,
        "submitted": submitted,
        "editions": [*past, (edition, size)],
    }


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


def dashboard_shows_the_edition(context, content):
    found = APPLICATIONS.search(content)
    applications = int(found.group(1).replace(b",", b"")) if found else None
    if applications != context["size"]:
        return f"{applications} applications shown for {context['size']}"
    if f"{context['submitted']} / {context['assigned']}".encode() not in content:
        return f"no jury progress of {context['submitted']} / {context['assigned']}"
    bars = content.count(b'class="chart-bar"')
    if bars < 12:  # at least the country chart's bars
        return f"only {bars} bars drawn"
    if b"timeline-today" not in content:
        return "no Today marker on the timeline"
    return None


def comparison_shows_every_edition(context, content):
    for edition, count in context["editions"]:
        link = reverse("juries:staff_dashboard", kwargs={"edition_pk": edition.pk}).encode()
        if link not in content:
            return f"no row for {edition.year}"
        if f'text-anchor="middle">{count}</text>'.encode() not in content:
            return f"no column of {count} applications for {edition.year}"
    return None


MEASUREMENTS = [
    checked(
        page(
            "staff_dashboard",
            lambda c: reverse("juries:staff_dashboard", kwargs={"edition_pk": c["edition"].pk}),
            user="staff",
        ),
        dashboard_shows_the_edition,
    ),
    checked(
        page(
            "staff_comparison",
            lambda c: reverse("juries:staff_comparison", kwargs={"programme": c["programme"].slug}),
            user="staff",
        ),
        comparison_shows_every_edition,
    ),
]
