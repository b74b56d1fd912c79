"""Public and staff edition pages with a programme of `size` editions, each with two
sessions and one call. One edition is current (public, its call open now); the others are
past (public or archived, their calls closed), as in a programme with a long history."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from editions.models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
    Session,
)

from .harness import page

SIZES = [200, 2000]


def setup(size: int) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    staff = User.objects.create_user(
        "bench-staff@example.org", "bench-password-1", full_name="Bench Staff"
    )
    programme = Programme.objects.create(
        name="Films in Progress",
        slug="films-in-progress",
        organisers="Cinélatino, Rencontres de Toulouse; San Sebastián Festival",
        description="Latin American works in progress shown to industry professionals.",
    )
    programme.team.add(staff)

    editions = []
    for index in range(size):
        current = index == 0
        # Past editions: several a year, going back at most thirty years.
        year = today.year + 1 if current else today.year - 1 - index * 29 // size
        starts_on = dt.date(year, 3, 20)
        editions.append(
            Edition(
                programme=programme,
                number=size - index,
                year=year,
                slug=f"{year}-{size - index}",
                time_zone="Europe/Paris",
                starts_on=starts_on,
                ends_on=dt.date(year, 8, 14),
                state=(EditionState.PUBLIC if current or index % 3 else EditionState.ARCHIVED),
            )
        )
    editions = Edition.objects.bulk_create(editions)

    sessions, calls = [], []
    for edition in editions:
        year = edition.year
        sessions.append(
            Session(
                edition=edition,
                city="Toulouse",
                country="FR",
                venue="Cinémathèque de Toulouse",
                starts_on=dt.date(year, 3, 20),
                ends_on=dt.date(year, 3, 22),
            )
        )
        sessions.append(
            Session(
                edition=edition,
                city="Lima",
                country="PE",
                venue="Centro Cultural PUCP",
                starts_on=dt.date(year, 8, 12),
                ends_on=dt.date(year, 8, 14),
            )
        )
        current = edition is editions[0]
        opens_at = (
            now - dt.timedelta(days=20) if current else dt.datetime(year - 1, 10, 1, tzinfo=dt.UTC)
        )
        calls.append(
            Call(
                edition=edition,
                title=f"Call for works in progress {year}",
                opens_at=opens_at,
                closes_at=opens_at + dt.timedelta(days=60),
                eligible_countries=["AR", "BR", "CL", "CO", "MX", "PE"],
                accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
                required_materials=[Material.STILLS, Material.SCREENER, Material.BUDGET],
            )
        )
    Session.objects.bulk_create(sessions)
    Call.objects.bulk_create(calls)
    return {"programme": programme, "edition": editions[0], "staff": staff}


MEASUREMENTS = [
    page("home", lambda c: reverse("home")),
    page(
        "edition",
        lambda c: reverse(
            "editions:edition",
            kwargs={"programme": c["programme"].slug, "edition": c["edition"].slug},
        ),
    ),
    page(
        "programme",
        lambda c: reverse("editions:programme", kwargs={"programme": c["programme"].slug}),
    ),
    page("archive", lambda c: reverse("editions:archive")),
    page(
        "staff_editions",
        lambda c: reverse("editions:staff_editions", kwargs={"programme": c["programme"].slug}),
        user="staff",
    ),
    page(
        "staff_edition",
        lambda c: reverse("editions:staff_edition", kwargs={"pk": c["edition"].pk}),
        user="staff",
    ),
]
