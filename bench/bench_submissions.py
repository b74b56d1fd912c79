"""Applications at scale: an edition with `size` applications (one call), each with a
producing company (and a co-producer for one in three), a director, a cut, a still row and
a document row (the files need not exist for these pages). One producer owns ten of them.

Measured: the staff list (page 1 of 50, with filters; and with the computed-eligibility
filter, which checks every application of the filtered set in memory), the producer's
dashboard, a project's staff page and the CSV export of every application."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from editions.models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
)
from submissions.models import (
    CompanyRole,
    Cut,
    Director,
    Document,
    Gender,
    Genre,
    PremiereStatus,
    ProcessingStatus,
    Project,
    ProjectCompany,
    ProjectStatus,
    Still,
)

from .harness import Measurement, page

SIZES = [200, 2000]

COUNTRIES = ["AR", "BR", "CL", "CO", "MX", "PE", "UY", "FR"]
GENRES = [Genre.FICTION, Genre.DOCUMENTARY, Genre.ANIMATION, Genre.HYBRID]
GENDERS = [Gender.WOMAN, Gender.MAN, Gender.NON_BINARY, Gender.WOMAN]
STAGES = [ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT, ProductionStage.FIRST_CUT]
PRODUCER_PROJECTS = 10


def setup(size: int) -> dict:
    now = timezone.now()
    staff = User.objects.create_user(
        "bench-staff@example.org", "bench-password-1", full_name="Bench Staff"
    )
    producer = User.objects.create_user(
        "bench-producer@example.org", "bench-password-1", full_name="Bench Producer"
    )
    programme = Programme.objects.create(
        name="Films in Progress",
        slug="films-in-progress",
        organisers="Cinélatino, Rencontres de Toulouse; San Sebastián Festival",
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
    call = Call.objects.create(
        edition=edition,
        title=f"Call for works in progress {now.year}",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        eligible_countries=["AR", "BR", "CL", "CO", "MX", "PE", "UY"],
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[Material.STILLS, Material.SCREENER, Material.BUDGET],
    )
    # Applicants without a password: hashing one each would only slow the setup.
    owners = User.objects.bulk_create(
        User(
            email=f"applicant-{index}@example.org",
            full_name=f"Applicant {index}",
            password="!",  # an unusable password, as Django writes it
        )
        for index in range(size - PRODUCER_PROJECTS)
    )
    projects = []
    for index in range(size):
        # One in twenty a draft, the rest submitted or under review.
        if index % 20 == 19:
            status, submitted_at = ProjectStatus.DRAFT, None
        else:
            status = ProjectStatus.UNDER_REVIEW if index % 7 == 0 else ProjectStatus.SUBMITTED
            submitted_at = now - dt.timedelta(minutes=index * 11)
        budget = Decimal(100_000 + (index * 7919) % 900_000)
        projects.append(
            Project(
                call=call,
                owner=producer if index < PRODUCER_PROJECTS else owners[index - PRODUCER_PROJECTS],
                status=status,
                submitted_at=submitted_at,
                original_title=f"Película {index:05d}",
                english_title=f"Film {index:05d}",
                genre=GENRES[index % len(GENRES)],
                expected_runtime=80 + index % 40,
                languages="Spanish",
                logline="A mother crosses the Andes to bring her son home.",
                short_synopsis="A short synopsis of the film." * 5,
                long_synopsis="A long synopsis of the film, told in more detail. " * 30,
                director_statement="Why I make this film. " * 20,
                premiere_status=PremiereStatus.PREMIERED
                if index % 50 == 3
                else PremiereStatus.UNRELEASED,
                currency="USD",
                total_budget=budget,
                secured_amount=budget * Decimal("0.6"),
                expected_completion=now.date() + dt.timedelta(days=200),
            )
        )
    projects = Project.objects.bulk_create(projects)
    companies, directors, cuts, stills, documents = [], [], [], [], []
    for index, project in enumerate(projects):
        country = COUNTRIES[index % len(COUNTRIES)]
        coproduced = index % 3 == 0
        companies.append(
            ProjectCompany(
                project=project,
                name=f"Producciones {index}",
                country=country,
                role=CompanyRole.PRODUCER,
                share=Decimal("70") if coproduced else Decimal("100"),
            )
        )
        if coproduced:
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
        directors.append(
            Director(
                project=project,
                name=f"Directora {index}",
                nationality=country,
                gender=GENDERS[index % len(GENDERS)],
                biography="Born in Salta, she directed one feature before this one.",
            )
        )
        if index % 25 != 24:  # a few still without a cut: incomplete
            cuts.append(
                Cut(
                    project=project,
                    number=1,
                    stage=STAGES[index % len(STAGES)],
                    runtime=70 + index % 40,
                    cut_date=now.date() - dt.timedelta(days=20),
                    screener_url=f"https://vimeo.com/{100000 + index}",
                    screener_password="screener-pass",
                )
            )
        stills.append(
            Still(
                project=project,
                original=f"stills/original/bench-{index}.jpg",
                thumbnail=f"stills/thumb/bench-{index}.jpg",
                width=1600,
                height=900,
                status=ProcessingStatus.READY,
            )
        )
        documents.append(
            Document(
                project=project,
                kind=Material.BUDGET,
                file=f"documents/bench-{index}.pdf",
                original_name="budget.pdf",
                size=120_000,
            )
        )
    ProjectCompany.objects.bulk_create(companies)
    Director.objects.bulk_create(directors)
    Cut.objects.bulk_create(cuts)
    Still.objects.bulk_create(stills)
    Document.objects.bulk_create(documents)
    return {
        "edition": edition,
        "staff": staff,
        "producer": producer,
        "project": projects[PRODUCER_PROJECTS + 1],
        "submitted": sum(1 for project in projects if project.status != ProjectStatus.DRAFT),
    }


def _list(context, **filters):
    url = reverse("submissions:staff_list", kwargs={"edition_pk": context["edition"].pk})
    return f"{url}?{urlencode(filters)}"


def export(context: dict, client) -> None:
    """GET the CSV and read the whole stream: the rows are made while it is read."""
    url = reverse("submissions:staff_export", kwargs={"edition_pk": context["edition"].pk})
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"staff_export: GET {url} answered {response.status_code}")
    data = b"".join(response.streaming_content)
    lines = data.count(b"\r\n") - 1
    if lines != context["submitted"]:
        raise AssertionError(f"staff_export: {lines} rows for {context['submitted']} applications")


MEASUREMENTS = [
    page(
        "staff_list",
        lambda c: _list(c, genre=Genre.FICTION, sort="title"),
        user="staff",
    ),
    page(
        "staff_list_country",
        lambda c: _list(c, country="AR", any_company="on", sort="-missing"),
        user="staff",
    ),
    page(
        "staff_list_eligible",
        lambda c: _list(c, eligibility="eligible", genre=Genre.FICTION),
        user="staff",
    ),
    page("producer_dashboard", lambda c: reverse("submissions:dashboard"), user="producer"),
    page(
        "staff_project",
        lambda c: reverse("submissions:staff_project", kwargs={"pk": c["project"].pk}),
        user="staff",
    ),
    Measurement(name="staff_export", run=export, user="staff"),
]
