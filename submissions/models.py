from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from editions.files import random_file_name
from editions.models import Material, ProductionStage, SubtitleLanguage

from .validators import validate_https_url, validate_phone

# Limits a printed catalogue can hold; shown to producers as they type.
LIMITS = {
    "original_title": 150,
    "english_title": 150,
    "logline": 300,
    "short_synopsis": 700,
    "long_synopsis": 3000,
    "director_statement": 2500,
    "biography": 1200,
    "previous_festivals": 1500,
    "languages": 200,
}


class ProducerProfile(models.Model):
    """The producer's company and contact details, filled once and used for every project."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="producer_profile",
        verbose_name=_("user"),
    )
    company = models.CharField(_("production company"), max_length=200)
    country = CountryField(_("country"))
    address = models.TextField(_("address"), max_length=500)
    phone = models.CharField(_("phone"), max_length=40, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(
        _("contact person"),
        max_length=150,
        help_text=_("Who the festival should write or call about your projects."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("producer profile")
        verbose_name_plural = _("producer profiles")

    def __str__(self):
        return self.company


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The jury's decisions: kept from the producer until the result is told (see
# Project.status_for_producer).
DECIDED_STATUSES = (ProjectStatus.SELECTED, ProjectStatus.WAITLISTED, ProjectStatus.NOT_SELECTED)


class Genre(models.TextChoices):
    FICTION = "fiction", _("Fiction")
    DOCUMENTARY = "documentary", _("Documentary")
    ANIMATION = "animation", _("Animation")
    HYBRID = "hybrid", _("Hybrid")


class PremiereStatus(models.TextChoices):
    UNRELEASED = "unreleased", _("Not shown in public anywhere")
    WIP_SHOWN = "wip_shown", _("Shown only as a work in progress to professionals")
    PREMIERED = "premiered", _("Already premiered (festival, cinema, television or online)")


class Screening(models.TextChoices):
    """Staff's check of the computed eligibility."""

    PENDING = "pending", _("Not screened yet")
    CONFIRMED = "confirmed", _("Eligibility confirmed")
    OVERRULED_ELIGIBLE = "overruled_eligible", _("Declared eligible by staff")
    OVERRULED_INELIGIBLE = "overruled_ineligible", _("Declared ineligible by staff")


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    ARS = "ARS", _("Argentine peso (ARS)")
    BOB = "BOB", _("Bolivian boliviano (BOB)")
    BRL = "BRL", _("Brazilian real (BRL)")
    CLP = "CLP", _("Chilean peso (CLP)")
    COP = "COP", _("Colombian peso (COP)")
    CRC = "CRC", _("Costa Rican colón (CRC)")
    GTQ = "GTQ", _("Guatemalan quetzal (GTQ)")
    JPY = "JPY", _("Japanese yen (JPY)")
    MXN = "MXN", _("Mexican peso (MXN)")
    PEN = "PEN", _("Peruvian sol (PEN)")
    UYU = "UYU", _("Uruguayan peso (UYU)")


class ProjectQuerySet(models.QuerySet):
    def submitted(self):
        """Projects that reached the festival: everything but drafts."""
        return self.exclude(status=ProjectStatus.DRAFT)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def with_missing_financing(self):
        return self.annotate(financing_missing=F("total_budget") - F("secured_amount"))


class Project(models.Model):
    """A film in progress applying to a call: the application and everything in it."""

    call = models.ForeignKey(
        "editions.Call",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("call"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("producer"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus, default=ProjectStatus.DRAFT
    )
    selected_session = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="selected_projects",
        verbose_name=_("selected for the session"),
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        verbose_name=_("carried over from"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by staff"),
    )

    # The project.
    original_title = models.CharField(
        _("original title"), max_length=LIMITS["original_title"], blank=True
    )
    english_title = models.CharField(
        _("English title"), max_length=LIMITS["english_title"], blank=True
    )
    genre = models.CharField(_("genre"), max_length=16, choices=Genre, blank=True)
    expected_runtime = models.PositiveSmallIntegerField(
        _("expected final runtime (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    languages = models.CharField(
        _("languages spoken in the film"), max_length=LIMITS["languages"], blank=True
    )
    logline = models.TextField(_("logline"), max_length=LIMITS["logline"], blank=True)
    short_synopsis = models.TextField(
        _("short synopsis"), max_length=LIMITS["short_synopsis"], blank=True
    )
    long_synopsis = models.TextField(
        _("long synopsis"), max_length=LIMITS["long_synopsis"], blank=True
    )
    director_statement = models.TextField(
        _("director's statement"), max_length=LIMITS["director_statement"], blank=True
    )
    premiere_status = models.CharField(
        _("premiere status"), max_length=16, choices=PremiereStatus, blank=True
    )
    previous_festivals = models.TextField(
        _("festivals, markets, work-in-progress sections and awards so far"),
        max_length=LIMITS["previous_festivals"],
        blank=True,
    )

    # Post-production and financing.
    currency = models.CharField(_("currency"), max_length=3, choices=Currency, blank=True)
    total_budget = models.DecimalField(
        _("total budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    secured_amount = models.DecimalField(
        _("financing secured"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    expected_completion = models.DateField(_("expected completion"), null=True, blank=True)

    # Staff's screening of eligibility.
    screening = models.CharField(
        _("eligibility screening"), max_length=24, choices=Screening, default=Screening.PENDING
    )
    screening_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screened by"),
    )
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    new_cut_requested_at = models.DateTimeField(_("new cut requested"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    result_released_at = models.DateTimeField(
        _("result told to the producer"),
        null=True,
        blank=True,
        help_text=_("Until then the producer sees the application as under review."),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["call", "status"], name="project_call_status_idx"),
            models.Index(fields=["owner", "-created_at"], name="project_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(screening__in=Screening.values), name="project_screening_valid"
            ),
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0),
                name="project_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(secured_amount__isnull=True) | Q(secured_amount__gte=0),
                name="project_secured_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(secured_amount__isnull=True)
                | Q(total_budget__isnull=True)
                | Q(secured_amount__lte=F("total_budget")),
                name="project_secured_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="project_submitted_has_time",
            ),
        ]

    def __str__(self):
        return str(self.display_title)

    def get_absolute_url(self):
        return reverse("submissions:project", kwargs={"pk": self.pk})

    @property
    def display_title(self):
        return self.original_title or self.english_title or _("Untitled project")

    @property
    def financing_missing(self):
        if self.total_budget is None:
            return None
        return self.total_budget - (self.secured_amount or Decimal("0"))

    @property
    def status_for_producer(self) -> str:
        """The status the producer sees: a decision (selected, waitlisted, not selected)
        only once the festival has told them; until then, under review."""
        if self.status in DECIDED_STATUSES and self.result_released_at is None:
            return ProjectStatus.UNDER_REVIEW
        return self.status

    @property
    def is_editable_by_producer(self):
        return self.status == ProjectStatus.DRAFT

    def current_cut(self):
        """The latest cut. Uses prefetched cuts when a list prefetched them."""
        cuts = list(self.cuts.all())
        return max(cuts, key=lambda cut: cut.number) if cuts else None


class CompanyRole(models.TextChoices):
    PRODUCER = "producer", _("Producing company")
    CO_PRODUCER = "co_producer", _("Co-producing company")


class ProjectCompany(models.Model):
    """A company producing the film, with its country and its share of the production."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="companies", verbose_name=_("project")
    )
    name = models.CharField(_("company"), max_length=200)
    country = CountryField(_("country"))
    role = models.CharField(
        pgettext_lazy("company role", "role"),
        max_length=16,
        choices=CompanyRole,
        default=CompanyRole.CO_PRODUCER,
    )
    share = models.DecimalField(
        _("share of the production (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("production company")
        verbose_name_plural = _("production companies")
        ordering = ["project", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=100), name="company_share_0_100"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CompanyRole.values), name="company_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code}, {self.share} %)"


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


def director_photo_path(instance, filename):
    return f"directors/{random_file_name(filename, extension='.jpg')}"


class Director(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="directors", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=150)
    nationality = CountryField(_("nationality"))
    gender = models.CharField(_("gender"), max_length=16, choices=Gender)
    previous_features = models.PositiveSmallIntegerField(
        _("feature films directed before this one"),
        default=0,
        validators=[MaxValueValidator(99)],
    )
    biography = models.TextField(_("biography"), max_length=LIMITS["biography"], blank=True)
    photo = models.ImageField(_("photo"), upload_to=director_photo_path, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("director")
        verbose_name_plural = _("directors")
        ordering = ["project", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="director_gender_valid"
            ),
        ]

    def __str__(self):
        return self.name


class PostProductionNeed(models.TextChoices):
    EDITING = "editing", _("Editing")
    COLOUR = "colour", _("Colour grading")
    SOUND = "sound", _("Sound design and mix")
    MUSIC = "music", _("Music")
    VFX = "vfx", _("Visual effects")
    SUBTITLES = "subtitles", _("Subtitles")
    DCP = "dcp", _("DCP and deliverables")
    OTHER = "other", _("Other")


class PostProductionItem(models.Model):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="post_production",
        verbose_name=_("project"),
    )
    need = models.CharField(_("need"), max_length=16, choices=PostProductionNeed)
    amount = models.DecimalField(
        _("amount needed"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    details = models.CharField(_("details"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("post-production need")
        verbose_name_plural = _("post-production needs")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "need"], name="post_production_need_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="post_production_amount_positive"
            ),
        ]

    def __str__(self):
        return self.get_need_display()


class Cut(models.Model):
    """One version of the film as it is being finished. Jurors always see the latest."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="cuts", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("version of a film", "cut number"))
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProductionStage, default=ProductionStage.ROUGH_CUT
    )
    runtime = models.PositiveSmallIntegerField(
        _("runtime (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    cut_date = models.DateField(pgettext_lazy("version of a film", "date of the cut"))
    subtitles = models.CharField(
        _("subtitles"), max_length=8, choices=SubtitleLanguage, default=SubtitleLanguage.ENGLISH
    )
    screener_url = models.URLField(
        _("private screener link"),
        max_length=500,
        validators=[validate_https_url],
        help_text=_("An https link to a private, password-protected video (Vimeo, Frame.io…)."),
    )
    screener_password = models.CharField(_("screener password"), max_length=128, blank=True)
    changes = models.TextField(
        _("what changed since the previous cut"), max_length=2000, blank=True
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("version of a film", "cut")
        verbose_name_plural = pgettext_lazy("version of a film", "cuts")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="cut_number_unique"),
            models.CheckConstraint(condition=Q(runtime__gt=0), name="cut_runtime_positive"),
            models.CheckConstraint(
                condition=Q(stage__in=ProductionStage.values), name="cut_stage_valid"
            ),
        ]

    def __str__(self):
        return _("Cut %(number)s (%(stage)s)") % {
            "number": self.number,
            "stage": self.get_stage_display(),
        }


class ProcessingStatus(models.TextChoices):
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be processed")


def still_path(instance, filename):
    return f"stills/original/{random_file_name(filename)}"


class Still(models.Model):
    """A frame from the film. The upload is checked while the producer waits; the web,
    thumbnail and print versions are made by Celery."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stills", verbose_name=_("project")
    )
    original = models.ImageField(_("image"), upload_to=still_path)
    web = models.ImageField(_("web version"), upload_to="stills/web/", blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="stills/thumb/", blank=True)
    large = models.ImageField(_("print version"), upload_to="stills/large/", blank=True)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProcessingStatus,
        default=ProcessingStatus.PROCESSING,
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("still")
        verbose_name_plural = _("stills")
        ordering = ["project", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProcessingStatus.values), name="still_status_valid"
            ),
        ]

    def __str__(self):
        return self.caption or str(_("Still %(number)s") % {"number": self.position + 1})


DOCUMENT_KINDS = [
    (Material.BUDGET, Material.BUDGET.label),
    (Material.FINANCING_PLAN, Material.FINANCING_PLAN.label),
    (Material.CHAIN_OF_TITLE, Material.CHAIN_OF_TITLE.label),
    (Material.POST_PRODUCTION_PLAN, Material.POST_PRODUCTION_PLAN.label),
    (Material.DIRECTOR_FILMOGRAPHY, Material.DIRECTOR_FILMOGRAPHY.label),
]


def document_path(instance, filename):
    return f"documents/{random_file_name(filename, extension='.pdf')}"


class Document(models.Model):
    """A PDF the call requires: budget, financing plan, chain of title…"""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    kind = models.CharField(_("document"), max_length=32, choices=DOCUMENT_KINDS)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="document_kind_once"),
        ]

    def __str__(self):
        return self.get_kind_display()


class EventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    MESSAGE = "message", _("Message from the festival")
    SCREENING = "screening", _("Eligibility screening")
    CUT_REQUESTED = "cut_requested", _("New cut requested")
    CUT_ADDED = "cut_added", _("New cut added")
    CARRIED_OVER = "carried_over", _("Carried over")


class ProjectEvent(models.Model):
    """The project's history: every status change, staff message and screening decision,
    with who and when."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind)
    from_status = models.CharField(_("from"), max_length=16, choices=ProjectStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ProjectStatus, blank=True)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    visible_to_producer = models.BooleanField(_("shown to the producer"), default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["project", "created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.project}"
