"""Demo data built from the real programmes the portal serves (their public descriptions are
in the seeds): Films in Progress, Ibermedia and the GIFF + IMCINE Bilateral Forum, with
an open call each, a past edition, and one account per role.

The one rule: create what is missing, leave what exists untouched. Objects are found by
their natural keys (programme slug, edition slug within its programme, session city within
its edition, call title within its edition, user email), so running it again changes
nothing, and nothing the staff changed by hand is overwritten. Dates are computed from
today, so a fresh demo always has open calls and coming sessions."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from editions import services as edition_services
from editions.models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
    Session,
)
from juries.models import JuryMember

DEMO_PASSWORD = "demo-portal-2027"  # noqa: S105 - published on purpose: demo accounts only
DEMO_DOMAIN = "demo.wip-portal.org"

# The twenty countries of Latin America (Films in Progress is for Latin American films).
LATIN_AMERICA = [
    "AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT",
    "HN", "HT", "MX", "NI", "PA", "PE", "PY", "SV", "UY", "VE",
]  # fmt: skip

# Ibermedia's 19 member countries, as its own presentation lists them.
IBERMEDIA_MEMBERS = [
    "AR", "BO", "BR", "CO", "CR", "CU", "CL", "DO", "EC", "GT",
    "MX", "PA", "PY", "PE", "PT", "PR", "ES", "UY", "VE",
]  # fmt: skip

FILMS_IN_PROGRESS_ALUMNI = [
    ("Tony Manero", "Pablo Larraín"),
    ("Gloria", "Sebastián Lelio"),
    ("Sangre", "Amat Escalante"),
    ("La sombra del caminante", "Ciro Guerra"),
    ("Los Perros", "Marcela Said"),
    ("Ixcanul", "Jayro Bustamante"),
    ("La Familia", "Gustavo Rondón Córdova"),
    ("Los tiburones", "Lucía Garibaldi"),
    ("Los silencios", "Beatriz Seigner"),
]

FILMS_IN_PROGRESS_DESCRIPTION = """\
In 2002, San Sebastián Film Festival and the Rencontres Cinémas d'Amérique Latine de \
Toulouse went into partnership to organise a “Films in Progress” section dedicated to \
independent Latin American feature films unable to complete the postproduction stage due to \
a lack of means.

In 2020, this double event was organised jointly with Lima Film Festival PUCP and presented \
an annual selection of 12 works-in-progress in two sections: 6 films in March in Toulouse \
and 6 films in August in Lima.

This initiative is the answer to an urgent request from Latin American producers and \
directors who are facing difficulties finalising their films due to a lack of funding. There \
very frequently exists a disparity between a director’s creativity and the funds available \
to these directors.

Films in Progress propels the meeting and cooperation between producers of the selected \
works-in-progress and European partners to enable the films to reach screens and audiences. \
These two sessions contain more than 300 professionals who are among the most influential in \
Europe and internationally. Therefore, Films in Progress is the unmissable strategic meeting \
with Latin American films and professionals connected to Latin America.

Over the last few years, Films in Progress has efficiently contributed to the finalisation, \
distribution and commercialisation of the most noteworthy Latin American films: Tony Manero \
by Pablo Larraín, Gloria by Sebastián Lelio, Sangre by Amat Escalante, La sombra del caminante \
by Ciro Guerra, Los Perros by Marcela Said, Ixcanul by Jayro Bustamante, La Familia by \
Gustavo Rondón Córdova, Los tiburones by Lucía Garibaldi, Los silencios by Beatriz Seigner, \
among others.

By bringing together film professionals capable of contributing to those films’ \
post-production, and by encouraging distributors and promoters to diversify their offer, \
Cinélatino, Rencontres de Toulouse hope to develop and strengthen, with as much pragmatism \
and efficiency as possible, the respect for the promotion of cultural diversity based on a \
spirit of solidarity and cooperation."""

IBERMEDIA_DESCRIPTION = """\
Iberoamerica has its own way of telling stories. Of telling itself, of explaining itself. \
Cinema, this truth that runs 24 times per second, as Godard wanted, found in Latin America, \
Spain and Portugal expression forms that get closer to bolero, tango, cante jondo or fado. \
Also to melodrama and soup opera, and to the chroniclers of the Indies, to the novels of \
García Márquez, Vargas Llosa or Bolaño.

That is why, in 1996, the establishment of Ibermedia was endorsed at an Ibero-American Summit \
of Heads of State and Government held on Isla Margarita, in Venezuela.

Ibermedia is a programme to stimulate the co-production of fiction and documentary films \
produced in our community, which is composed of 19 countries: Argentina, Bolivia, Brazil, \
Colombia, Costa Rica, Cuba, Chile, Dominican Republic, Ecuador, Guatemala, Mexico, Panama, \
Paraguay, Peru, Portugal, Puerto Rico, Spain, Uruguay and Venezuela.

Our aim is to work for the creation of a new audio visual Iberoamerican space by means of \
financial assistance and calls open to all independent film producers of the member \
countries of Latin America, Spain and Portugal.

Ibermedia promotes film excellence in the community, encourages the implementation of audio \
visual market-driven projects, promotes networking in producer companies to boost \
co-productions and helps the continuous training of the production and business management \
professionals through workshops, scholarships or seminars, encouraging solidarity-based \
cooperation and the use of new technologies.

Since Ibermedia logo appeared for the first time in 1998, we have launched 22 calls to \
support 636 co-production projects, we have contributed to releasing 298 films and awarded \
2,700 training scholarships in all the community member countries."""

GIFF_DESCRIPTION = """\
The Guanajuato International Film Festival and the Mexican Film Institute, in keeping with \
the spirit that motivates both institutions and our commitment to nurturing and supporting \
diversity, creativity and fresh new developments in Mexico and the world, are proud to \
present this, the 9th installment of our Bilateral Forum, aimed at creating an open space \
for collaboration among the international film community. This time around the Forum will \
include the participation of film industry representatives from Japan and Mexico, who will \
come together to explore opportunity areas that will enable them to strengthen and create \
new spaces. Recent years have also seen an interest in co-production and cooperation between \
both countries, a trend that GIFF and IMCINE, along with our Japanese colleagues and \
counterparts, wish to strengthen and support.

We will promote a space to share and identify the differences and similarities in each \
country’s film production process. This conversation will open up an exchange of ideas to \
stimulate filmmaking in both industries."""


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    language: str = "en"
    superuser: bool = False


ACCOUNTS = {
    "admin": DemoAccount(
        "Administrator (all programmes)", f"admin@{DEMO_DOMAIN}", "Ada Admin", superuser=True
    ),
    "staff": DemoAccount("Staff, Films in Progress", f"staff@{DEMO_DOMAIN}", "Claire Martin", "fr"),
    "ibermedia_staff": DemoAccount(
        "Staff, Ibermedia", f"ibermedia-staff@{DEMO_DOMAIN}", "Diego Álvarez", "es"
    ),
    "producer_es": DemoAccount(
        "Producer (Spanish)", f"producer-es@{DEMO_DOMAIN}", "Valentina Ríos", "es"
    ),
    "producer_pt": DemoAccount(
        "Producer (Portuguese)", f"producer-pt@{DEMO_DOMAIN}", "João Ferreira", "pt"
    ),
    "producer_fr": DemoAccount(
        "Producer (French)", f"producer-fr@{DEMO_DOMAIN}", "Camille Laurent", "fr"
    ),
    "juror_president": DemoAccount(
        "Jury president, Films in Progress", f"juror-1@{DEMO_DOMAIN}", "Elena Márquez"
    ),
    "juror_2": DemoAccount("Juror, Films in Progress", f"juror-2@{DEMO_DOMAIN}", "Tomás Herrera"),
    "juror_3": DemoAccount("Juror, Films in Progress", f"juror-3@{DEMO_DOMAIN}", "Julie Bernard"),
}


@dataclass
class DemoReport:
    """What a run created (empty on a second run) and the accounts to sign in with."""

    created: list[str] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=lambda: list(ACCOUNTS.values()))
    password: str = DEMO_PASSWORD


# --- Dates ----------------------------------------------------------------------------------


def _local_moment(day: dt.date, time_zone: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(time_zone))


def _first_year_after(month: int, day: int, after: dt.date) -> int:
    """The first year whose `month`/`day` comes after the given day."""
    year = after.year
    while dt.date(year, month, day) <= after:
        year += 1
    return year


# --- Create what is missing -------------------------------------------------------------------


def _ensure_user(report: DemoReport, account: DemoAccount) -> User:
    user = User.objects.filter(email__iexact=account.email).first()
    if user is not None:
        return user
    create = User.objects.create_superuser if account.superuser else User.objects.create_user
    user = create(
        account.email,
        DEMO_PASSWORD,
        full_name=account.full_name,
        language=account.language,
        email_confirmed=True,
    )
    report.created.append(f"user {user.email}")
    return user


def _ensure_programme(report: DemoReport, *, slug: str, team: list[User], **fields) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        programme = edition_services.save_programme(
            programme=Programme(slug=slug, **fields), team=team
        )
        report.created.append(f"programme {programme.name}")
        return programme
    missing = [user for user in team if not programme.team.filter(pk=user.pk).exists()]
    if missing:
        edition_services.save_programme(programme=programme, team=[*programme.team.all(), *missing])
        report.created.extend(f"{user.email} on the team of {programme}" for user in missing)
    return programme


def _ensure_edition(
    report: DemoReport, *, programme: Programme, slug: str, state: str, **fields
) -> Edition:
    edition = Edition.objects.filter(programme=programme, slug=slug).first()
    if edition is not None:
        return edition
    edition = edition_services.save_edition(
        edition=Edition(programme=programme, slug=slug, state=EditionState.DRAFT, **fields)
    )
    # Editions move only through set_edition_state(): draft → public (→ archived).
    path = {
        EditionState.DRAFT: [],
        EditionState.PUBLIC: [EditionState.PUBLIC],
        EditionState.ARCHIVED: [EditionState.PUBLIC, EditionState.ARCHIVED],
    }[state]
    for step in path:
        edition = edition_services.set_edition_state(edition=edition, state=step)
    report.created.append(f"edition {edition}")
    return edition


def _ensure_session(report: DemoReport, *, edition: Edition, city: str, **fields) -> Session:
    session = Session.objects.filter(edition=edition, city=city).first()
    if session is None:
        session = edition_services.save_session(
            session=Session(edition=edition, city=city, **fields)
        )
        report.created.append(f"session {city} of {edition}")
    return session


def _ensure_call(report: DemoReport, *, edition: Edition, title: str, **fields) -> Call:
    call = Call.objects.filter(edition=edition, title=title).first()
    if call is None:
        call = edition_services.save_call(call=Call(edition=edition, title=title, **fields))
        report.created.append(f"call “{title}”")
    return call


def _ensure_juror(
    report: DemoReport, *, edition: Edition, user: User, is_president: bool = False
) -> JuryMember:
    member = JuryMember.objects.filter(edition=edition, user=user).first()
    if member is None:
        member = JuryMember(edition=edition, user=user, is_president=is_president)
        member.full_clean()
        member.save()
        report.created.append(f"{user.email} on the jury of {edition}")
    return member


# --- The programmes -------------------------------------------------------------------------


def _films_in_progress(report: DemoReport, *, today: dt.date, users: dict[str, User]) -> None:
    time_zone = "Europe/Paris"
    programme = _ensure_programme(
        report,
        slug="films-in-progress",
        team=[users["staff"]],
        name="Films in Progress",
        organisers="Cinélatino, Rencontres de Toulouse; San Sebastián Festival; "
        "Lima Film Festival PUCP",
        description=FILMS_IN_PROGRESS_DESCRIPTION,
        website="https://www.cinelatino.fr/",
    )

    # The current edition: its call opened three weeks ago and closes in six; the first
    # session (Toulouse, late March) comes at least a week after the deadline.
    opens_on = today - dt.timedelta(weeks=3)
    closes_on = today + dt.timedelta(weeks=6)
    year = _first_year_after(3, 24, closes_on + dt.timedelta(weeks=1))
    edition = _ensure_edition(
        report,
        programme=programme,
        slug=str(year),
        state=EditionState.PUBLIC,
        number=year - 2001,  # the programme's first year, 2002, is edition 1
        year=year,
        time_zone=time_zone,
        starts_on=dt.date(year, 3, 24),
        ends_on=dt.date(year, 8, 14),
    )
    _ensure_session(
        report,
        edition=edition,
        city="Toulouse",
        country="FR",
        venue="Cinémathèque de Toulouse",
        starts_on=dt.date(year, 3, 24),
        ends_on=dt.date(year, 3, 26),
        places=6,
    )
    _ensure_session(
        report,
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        starts_on=dt.date(year, 8, 12),
        ends_on=dt.date(year, 8, 14),
        places=6,
    )
    _ensure_call(
        report,
        edition=edition,
        title=f"Call for works in progress {year}",
        guidelines=(
            "Films in Progress is for independent Latin American feature films that cannot "
            "complete post-production for lack of means. Twelve works in progress are "
            "selected: six are shown in March in Toulouse and six in August in Lima, to more "
            "than 300 professionals who can help finish, distribute and sell them.\n\n"
            "Apply with a rough cut or fine cut of at least 60 minutes, up to six stills, a "
            "screener link of the current cut, the budget and the financing plan. Producers "
            "from Latin American countries must hold the majority of the film."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[
            Material.STILLS,
            Material.SCREENER,
            Material.BUDGET,
            Material.FINANCING_PLAN,
        ],
        max_stills=6,
        majority_from_eligible_countries=True,
    )
    _ensure_juror(report, edition=edition, user=users["juror_president"], is_president=True)
    _ensure_juror(report, edition=edition, user=users["juror_2"])
    _ensure_juror(report, edition=edition, user=users["juror_3"])

    # A past edition, from the years when the two sessions were Toulouse and San Sebastián.
    past = _ensure_edition(
        report,
        programme=programme,
        slug="2008",
        state=EditionState.ARCHIVED,
        number=2008 - 2001,
        year=2008,
        time_zone=time_zone,
        starts_on=dt.date(2008, 3, 18),
        ends_on=dt.date(2008, 9, 24),
    )
    _ensure_session(
        report,
        edition=past,
        city="Toulouse",
        country="FR",
        venue="Cinémathèque de Toulouse",
        starts_on=dt.date(2008, 3, 18),
        ends_on=dt.date(2008, 3, 20),
        places=6,
    )
    _ensure_session(
        report,
        edition=past,
        city="San Sebastián",
        country="ES",
        starts_on=dt.date(2008, 9, 22),
        ends_on=dt.date(2008, 9, 24),
        places=6,
    )
    alumni = ", ".join(f"{title} by {director}" for title, director in FILMS_IN_PROGRESS_ALUMNI)
    _ensure_call(
        report,
        edition=past,
        title="Call for works in progress 2008",
        guidelines=(
            "Independent Latin American feature films unable to complete post-production for "
            "lack of means, shown in March in Toulouse and in September in San Sebastián.\n\n"
            f"Films that went through Films in Progress since 2002 include {alumni}."
        ),
        opens_at=_local_moment(dt.date(2007, 10, 1), time_zone, 10),
        closes_at=_local_moment(dt.date(2008, 1, 15), time_zone, 23, 59),
        eligible_countries=LATIN_AMERICA,
        minimum_runtime=60,
        accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
        required_materials=[Material.STILLS, Material.SCREENER, Material.BUDGET],
        max_stills=6,
        majority_from_eligible_countries=True,
    )


def _ibermedia(report: DemoReport, *, today: dt.date, users: dict[str, User]) -> None:
    time_zone = "Europe/Madrid"
    programme = _ensure_programme(
        report,
        slug="ibermedia",
        team=[users["ibermedia_staff"]],
        name="Ibermedia",
        organisers="Programa Ibermedia, on behalf of its 19 member countries",
        description=IBERMEDIA_DESCRIPTION,
        website="https://www.programaibermedia.com/",
    )
    opens_on = today - dt.timedelta(weeks=2)
    closes_on = today + dt.timedelta(weeks=8)
    year = closes_on.year
    edition = _ensure_edition(
        report,
        programme=programme,
        slug=str(year),
        state=EditionState.PUBLIC,
        number=year - 1997,  # one round of calls a year since 1998
        year=year,
        time_zone=time_zone,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
    )
    _ensure_call(
        report,
        edition=edition,
        title=f"Co-production call {year}",
        guidelines=(
            "Financial assistance for the co-production of fiction and documentary films by "
            "independent producers of Ibermedia's 19 member countries. A project needs "
            "co-producers from at least two member countries, who together hold the majority "
            "of the film.\n\n"
            "Send the budget, the financing plan, the chain of title and the director's "
            "biography and filmography."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 18),
        eligible_countries=IBERMEDIA_MEMBERS,
        minimum_runtime=60,
        accepted_stages=list(ProductionStage.values),
        required_materials=[
            Material.BUDGET,
            Material.FINANCING_PLAN,
            Material.CHAIN_OF_TITLE,
            Material.DIRECTOR_FILMOGRAPHY,
        ],
        majority_from_eligible_countries=True,
        min_eligible_countries=2,
    )


def _giff_imcine_forum(report: DemoReport, *, today: dt.date, users: dict[str, User]) -> None:
    time_zone = "America/Mexico_City"
    programme = _ensure_programme(
        report,
        slug="giff-imcine-bilateral-forum",
        team=[],
        name="GIFF + IMCINE Bilateral Forum",
        organisers="Guanajuato International Film Festival (GIFF); "
        "Instituto Mexicano de Cinematografía (IMCINE)",
        description=GIFF_DESCRIPTION,
        website="https://www.giff.mx/",
    )
    opens_on = today - dt.timedelta(weeks=1)
    closes_on = today + dt.timedelta(weeks=10)
    year = _first_year_after(7, 20, closes_on + dt.timedelta(weeks=2))
    edition = _ensure_edition(
        report,
        programme=programme,
        slug="9-japan-mexico",
        state=EditionState.PUBLIC,
        number=9,
        year=year,
        title="9th Bilateral Forum: Japan–Mexico",
        time_zone=time_zone,
        starts_on=dt.date(year, 7, 20),
        ends_on=dt.date(year, 7, 22),
    )
    _ensure_session(
        report,
        edition=edition,
        city="Guanajuato",
        country="MX",
        name="Bilateral Forum, Guanajuato",
        starts_on=dt.date(year, 7, 20),
        ends_on=dt.date(year, 7, 22),
        places=6,
    )
    _ensure_call(
        report,
        edition=edition,
        title="Japan–Mexico co-production projects",
        guidelines=(
            "The Forum brings together film industry representatives from Japan and Mexico "
            "to explore co-production and cooperation between both countries. Projects need "
            "co-producers from both Japan and Mexico."
        ),
        opens_at=_local_moment(opens_on, time_zone, 10),
        closes_at=_local_moment(closes_on, time_zone, 23, 59),
        eligible_countries=["JP", "MX"],
        minimum_runtime=60,
        accepted_stages=list(ProductionStage.values),
        required_materials=[
            Material.STILLS,
            Material.BUDGET,
            Material.FINANCING_PLAN,
            Material.DIRECTOR_FILMOGRAPHY,
        ],
        majority_from_eligible_countries=True,
        min_eligible_countries=2,
    )


@transaction.atomic
def load_demo(*, today: dt.date | None = None) -> DemoReport:
    """Create whatever part of the demo is missing; see the module's docstring."""
    today = today or timezone.localdate()
    report = DemoReport()
    users = {key: _ensure_user(report, account) for key, account in ACCOUNTS.items()}
    _films_in_progress(report, today=today, users=users)
    _ibermedia(report, today=today, users=users)
    _giff_imcine_forum(report, today=today, users=users)
    return report
