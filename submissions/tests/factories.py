import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.models import Material, ProductionStage
from editions.tests.factories import CallFactory
from submissions.models import (
    CompanyRole,
    Cut,
    Director,
    Document,
    Gender,
    Genre,
    PostProductionItem,
    PostProductionNeed,
    PremiereStatus,
    ProcessingStatus,
    ProducerProfile,
    Project,
    ProjectCompany,
    Still,
)

# The smallest valid PDF: enough for a file that must be a PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def jpeg_bytes(width=1600, height=900, colour=(180, 120, 60)):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class ProducerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerProfile

    user = factory.SubFactory(UserFactory)
    company = "Cine Sur Producciones"
    country = "AR"
    address = "Av. Corrientes 1234, Buenos Aires"
    phone = "+54 11 4567 8900"
    contact_person = factory.LazyAttribute(lambda o: o.user.full_name)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft with every field of the form filled in (no companies, cuts or materials:
    see complete_project())."""

    class Meta:
        model = Project

    call = factory.SubFactory(CallFactory)
    owner = factory.SubFactory(UserFactory)
    original_title = factory.Sequence(lambda n: f"La película número {n}")
    english_title = factory.Sequence(lambda n: f"Film number {n}")
    genre = Genre.FICTION
    expected_runtime = 95
    languages = "Spanish, Quechua"
    logline = "A mother crosses the Andes to bring her son home."
    short_synopsis = "A short synopsis of the film."
    long_synopsis = "A long synopsis of the film, told in more detail."
    director_statement = "Why I make this film."
    premiere_status = PremiereStatus.UNRELEASED
    currency = "USD"
    total_budget = Decimal("450000")
    secured_amount = Decimal("380000")
    expected_completion = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=200)
    )


class ProjectCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectCompany

    project = factory.SubFactory(ProjectFactory)
    name = "Cine Sur Producciones"
    country = "AR"
    role = CompanyRole.PRODUCER
    share = Decimal("100")


class DirectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Director

    project = factory.SubFactory(ProjectFactory)
    name = factory.Faker("name", locale="es_MX")
    nationality = "AR"
    gender = Gender.WOMAN
    previous_features = 1
    biography = "Born in Salta, she directed one feature before this one."


class CutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cut

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    stage = ProductionStage.ROUGH_CUT
    runtime = 92
    cut_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=20))
    subtitles = "en"
    screener_url = "https://vimeo.com/123456789"
    screener_password = "secret-screener-pass"
    changes = ""


class StillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Still

    project = factory.SubFactory(ProjectFactory)
    original = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="still.jpg"))
    width = 1600
    height = 900
    status = ProcessingStatus.READY


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    kind = Material.BUDGET
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="budget.pdf"))
    original_name = "budget.pdf"
    size = len(PDF_BYTES)


class PostProductionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostProductionItem

    project = factory.SubFactory(ProjectFactory)
    need = PostProductionNeed.COLOUR
    amount = Decimal("25000")


def complete_project(project=None, **kwargs):
    """A draft that passes every eligibility item of a CallFactory call."""
    project = project or ProjectFactory(**kwargs)
    ProjectCompanyFactory(project=project)
    DirectorFactory(project=project)
    CutFactory(project=project, number=1)
    StillFactory(project=project)
    DocumentFactory(project=project, kind=Material.BUDGET)
    PostProductionItemFactory(project=project)
    return project
