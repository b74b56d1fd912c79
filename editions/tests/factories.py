import datetime as dt

import factory
from django.utils import timezone

from editions.models import (
    Call,
    Edition,
    EditionState,
    Material,
    ProductionStage,
    Programme,
    Session,
)

LATIN_AMERICA = [
    "AR",
    "BO",
    "BR",
    "CL",
    "CO",
    "CR",
    "CU",
    "DO",
    "EC",
    "GT",
    "HN",
    "MX",
    "NI",
    "PA",
    "PE",
    "PY",
    "SV",
    "UY",
    "VE",
]


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Films in Progress {n}")
    slug = factory.Sequence(lambda n: f"films-in-progress-{n}")
    organisers = "Cinélatino Toulouse, San Sebastián Festival"
    description = "Latin American works in progress shown to industry professionals."


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    slug = factory.LazyAttribute(lambda o: f"{o.year}-{o.number}")
    time_zone = "Europe/Paris"
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))
    state = EditionState.PUBLIC


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    city = "Toulouse"
    country = "FR"
    venue = "Cinémathèque de Toulouse"
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.edition.year, 3, 20))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.edition.year, 3, 22))
    places = 6


class CallFactory(factory.django.DjangoModelFactory):
    """A call open now, closing in thirty days."""

    class Meta:
        model = Call

    edition = factory.SubFactory(EditionFactory)
    title = factory.LazyAttribute(lambda o: f"Call for works in progress {o.edition.year}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    eligible_countries = LATIN_AMERICA
    minimum_runtime = 60
    accepted_stages = [ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT]
    required_materials = [Material.STILLS, Material.SCREENER, Material.BUDGET]
    max_stills = 6
