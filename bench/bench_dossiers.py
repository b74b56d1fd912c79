"""Selection dossiers at scale: an edition whose locked selection has `size` films (200 by
default), six of them in the Toulouse session and the rest in sessions of up to 97. Every
film has the texts a producer typically writes (not the longest the form allows), one or
two directors with a photo, two companies, three post-production needs, and a still in
its three versions (web 1600 px, print 3000 px, each a distinct JPEG of a photograph's
weight: about 0.2 and 1 MB).

Measured: the whole build of a dossier (gathering, the PDF, the ZIP with the full-size
stills, saving), for the 6-film session and for the edition's catalogue; targets here
under 10 s and under 60 s. The first run of each (the warm-up, unless --warmup 0) is
traced with tracemalloc and its peak memory printed, with the page count and the sizes
of the files; the timed runs are not traced. Files go to a temporary MEDIA_ROOT, removed
after each run.

Its runs are long: `make bench BENCH_ARGS="--only dossiers --repeat 3 --warmup 1"`."""

import atexit
import datetime as dt
import io
import shutil
import tempfile
import tracemalloc
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme, Session
from juries import dossiers
from juries.models import Dossier, DossierStatus, Placement, PlacementKind, Selection
from submissions.models import (
    CompanyRole,
    Cut,
    Director,
    Gender,
    Genre,
    PostProductionItem,
    PostProductionNeed,
    ProcessingStatus,
    ProducerProfile,
    Project,
    ProjectCompany,
    ProjectStatus,
    Still,
)

SIZES = [200]
SESSION_FILMS = 6
PER_SESSION = 97
CITIES = [("Lima", "PE"), ("Guanajuato", "MX"), ("San Sebastián", "ES"), ("Bogotá", "CO")]
GENRES = [Genre.FICTION, Genre.DOCUMENTARY, Genre.ANIMATION, Genre.HYBRID]
NEEDS = [PostProductionNeed.COLOUR, PostProductionNeed.SOUND, PostProductionNeed.DCP]
VARIANTS = 4

SYNOPSIS = (
    "En un pueblo del altiplano, Rosa, una mujer aymara de sesenta años, decide cruzar la "
    "cordillera para traer de vuelta a su hijo, detenido en una mina ilegal del otro lado "
    "de la frontera. Con una radio vieja y un burro terco, atraviesa salares, fiestas "
    "patronales y controles policiales, y descubre que el país que recuerda ya no existe. "
) * 4
STATEMENT = (
    "Crecí escuchando las historias de las mujeres que esperaban a los hombres que se "
    "fueron a las minas. Esta película es para ellas: quiero filmar la espera como una "
    "forma de acción, el paisaje como un personaje y la lengua aymara sin traducirla. "
) * 4
BIOGRAPHY = (
    "Nació en El Alto en 1985. Estudió cine en Buenos Aires y dirigió tres cortometrajes "
    "mostrados en Clermont-Ferrand, BAFICI y Biarritz. Su primer largometraje documental "
    "ganó el premio del público en el Festival de Cine de Lima. "
) * 2

_tmp = tempfile.mkdtemp(prefix="bench-dossiers-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
_traced: set[str] = set()


def _photo(width: int, height: int, seed: int, quality: int) -> bytes:
    """A JPEG with a photograph's weight: shapes on a gradient, with grain."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    tint = Image.new("RGB", (width, height), ((seed * 37) % 255, (seed * 91) % 255, 90))
    image = Image.blend(base, tint, 0.5)
    draw = ImageDraw.Draw(image)
    for k in range(12):
        x, y = (seed * 131 + k * 977) % width, (seed * 71 + k * 531) % height
        draw.ellipse((x, y, x + width // 5, y + height // 4), fill=((k * 40) % 255, 120, 140))
    grain = Image.effect_noise((width, height), 22).convert("RGB")
    image = Image.blend(image, grain, 0.22)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _unique(jpeg: bytes, label: str) -> bytes:
    """The same picture as different bytes (a JPEG comment after the start marker), so
    that each film's image is stored on its own in the PDF, as real stills would be."""
    comment = label.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def _save(folder: str, data: bytes) -> str:
    return default_storage.save(f"{folder}/bench.jpg", ContentFile(data))


def setup(size: int) -> dict:
    override_settings(MEDIA_ROOT=_tmp).enable()
    now = timezone.now()
    year = now.year
    staff = User.objects.create(email="bench-staff@example.org", full_name="Bench Staff")
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
        year=year,
        slug=str(year),
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        state=EditionState.PUBLIC,
    )
    toulouse = Session.objects.create(
        edition=edition,
        city="Toulouse",
        country="FR",
        venue="Cinémathèque de Toulouse",
        starts_on=dt.date(year, 3, 20),
        ends_on=dt.date(year, 3, 22),
    )
    sessions = [toulouse] * min(size, SESSION_FILMS)
    rest = max(0, size - SESSION_FILMS)
    for number in range((rest + PER_SESSION - 1) // PER_SESSION):
        city, country = CITIES[number % len(CITIES)]
        session = Session.objects.create(
            edition=edition,
            city=city if number < len(CITIES) else f"{city} {number}",
            country=country,
            starts_on=dt.date(year, 4 + number % 8, 10),
            ends_on=dt.date(year, 4 + number % 8, 14),
            places=100,
        )
        sessions += [session] * min(PER_SESSION, rest - number * PER_SESSION)
    call = Call.objects.create(
        edition=edition,
        title=f"Call {year}",
        opens_at=now - dt.timedelta(days=90),
        closes_at=now - dt.timedelta(days=60),
    )
    owners = User.objects.bulk_create(
        User(email=f"producer-{index}@example.org", full_name=f"Productora {index}", password="!")
        for index in range(size)
    )
    ProducerProfile.objects.bulk_create(
        ProducerProfile(
            user=owner,
            company=f"Cine Andino {index}",
            country="BO",
            address="Av. 6 de Agosto 2170, La Paz",
            phone="+591 2 2441234",
            website="https://cineandino.example.org",
            contact_person=f"Productora {index}",
        )
        for index, owner in enumerate(owners)
    )
    projects = Project.objects.bulk_create(
        Project(
            call=call,
            owner=owner,
            status=ProjectStatus.SELECTED,
            submitted_at=now - dt.timedelta(days=70),
            original_title=f"La espera de Rosa {index:03d}",
            english_title=f"Rosa’s Wait {index:03d}",
            genre=GENRES[index % len(GENRES)],
            expected_runtime=85 + index % 30,
            languages="Aymara, Spanish",
            logline="Una mujer aymara cruza la cordillera para traer a su hijo de una mina.",
            short_synopsis=SYNOPSIS[:600],
            long_synopsis=SYNOPSIS,
            director_statement=STATEMENT,
            currency="USD",
            total_budget=Decimal("450000"),
            secured_amount=Decimal("310000"),
            expected_completion=dt.date(year + 1, 2, 1),
        )
        for index, owner in enumerate(owners)
    )
    ProjectCompany.objects.bulk_create(
        company
        for project in projects
        for company in (
            ProjectCompany(
                project=project,
                name="Cine Andino",
                country="BO",
                role=CompanyRole.PRODUCER,
                share=Decimal("70"),
            ),
            ProjectCompany(
                project=project,
                name="Films du Sud",
                country="FR",
                role=CompanyRole.CO_PRODUCER,
                share=Decimal("30"),
                position=1,
            ),
        )
    )
    PostProductionItem.objects.bulk_create(
        PostProductionItem(project=project, need=need, amount=Decimal("25000"), details="Lab")
        for project in projects
        for need in NEEDS
    )
    Cut.objects.bulk_create(
        Cut(
            project=project,
            number=1,
            runtime=92,
            cut_date=dt.date(year, 1, 15),
            screener_url="https://vimeo.com/123456789",
        )
        for project in projects
    )
    large = [_photo(3000, 1688, seed, 92) for seed in range(VARIANTS)]
    web = [_photo(1600, 900, seed, 85) for seed in range(VARIANTS)]
    portraits = [_photo(800, 1000, seed + 10, 90) for seed in range(VARIANTS)]
    stills, directors = [], []
    for index, project in enumerate(projects):
        variant = index % VARIANTS
        stills.append(
            Still(
                project=project,
                original=_save("stills/original", _unique(large[variant], f"o{index}")),
                large=_save("stills/large", _unique(large[variant], f"l{index}")),
                web=_save("stills/web", _unique(web[variant], f"w{index}")),
                width=3000,
                height=1688,
                status=ProcessingStatus.READY,
            )
        )
        for number in range(1 + (index % 4 == 0)):
            directors.append(
                Director(
                    project=project,
                    name=f"Directora {index} {number}",
                    nationality="BO",
                    gender=Gender.WOMAN,
                    biography=BIOGRAPHY,
                    photo=_save("directors", _unique(portraits[variant], f"d{index}-{number}")),
                    position=number,
                )
            )
    Still.objects.bulk_create(stills)
    Director.objects.bulk_create(directors)
    selection = Selection.objects.create(edition=edition, locked_at=now, locked_by=staff)
    positions: dict[int, int] = {}
    placements = []
    for project, session in zip(projects, sessions, strict=True):
        position = positions.get(session.pk, 0)
        positions[session.pk] = position + 1
        placements.append(
            Placement(
                selection=selection,
                project=project,
                session=session,
                kind=PlacementKind.SELECTED,
                position=position,
            )
        )
    Placement.objects.bulk_create(placements)
    return {"edition": edition, "toulouse": toulouse, "staff": staff}


def _build(name: str, context: dict, session) -> None:
    edition, staff = context["edition"], context["staff"]
    scope = Dossier.objects.filter(edition=edition, session=session)
    version = (scope.aggregate(last=Max("version"))["last"] or 0) + 1
    dossier = Dossier.objects.create(
        edition=edition, session=session, version=version, started_by=staff
    )
    traced = name not in _traced
    if traced:
        _traced.add(name)
        tracemalloc.start()
    try:
        status = dossiers.build_dossier(dossier_id=dossier.pk)
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        if traced:
            tracemalloc.stop()
    dossier.refresh_from_db()
    if status != DossierStatus.READY:
        raise AssertionError(f"{name}: the build ended {status}: {dossier.error}")
    if traced:
        print(
            f"  {name}: {dossier.pages} pages, PDF {dossier.pdf.size / 1e6:.1f} MB, "
            f"ZIP {dossier.archive.size / 1e6:.1f} MB, "
            f"peak memory (tracemalloc) {peak / 1e6:.1f} MB",
            flush=True,
        )
    for file in (dossier.pdf, dossier.archive):
        default_storage.delete(file.name)


def bench_dossier_session(context):
    """The dossier of the 6-film Toulouse session."""
    _build("dossier_session", context, context["toulouse"])


def bench_dossier_edition(context):
    """The catalogue of the whole edition."""
    _build("dossier_edition", context, None)
