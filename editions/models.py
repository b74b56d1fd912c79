import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from .files import random_file_name
from .validators import validate_choice_list, validate_time_zone


class ProductionStage(models.TextChoices):
    """Where a film stands in its making. Calls accept some stages; cuts record theirs."""

    SHOOTING = "shooting", _("Shooting")
    FIRST_CUT = "first_cut", pgettext_lazy("stage of production", "First cut")
    ROUGH_CUT = "rough_cut", pgettext_lazy("stage of production", "Rough cut")
    FINE_CUT = "fine_cut", pgettext_lazy("stage of production", "Fine cut")


class SubtitleLanguage(models.TextChoices):
    """Subtitles a cut carries; calls may require some (e.g. English or French)."""

    NONE = "none", _("No subtitles")
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")
    JAPANESE = "ja", _("Japanese")


class Material(models.TextChoices):
    """What a call may require an application to include."""

    STILLS = "stills", _("Stills")
    DIRECTOR_PHOTO = "director_photo", _("Director's photo")
    SCREENER = "screener", _("Screener link of the current cut")
    BUDGET = "budget", _("Budget (PDF)")
    FINANCING_PLAN = "financing_plan", _("Financing plan (PDF)")
    CHAIN_OF_TITLE = "chain_of_title", _("Chain of title (PDF)")
    POST_PRODUCTION_PLAN = "post_production_plan", _("Post-production plan and schedule (PDF)")
    DIRECTOR_FILMOGRAPHY = "director_filmography", _("Director's biography and filmography (PDF)")


def programme_logo_path(instance, filename):
    return f"programmes/logos/{random_file_name(filename)}"


class ProgrammeQuerySet(models.QuerySet):
    def managed_by(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(team=user)


class Programme(models.Model):
    """A recurring works-in-progress section, fund or forum (Films in Progress, Ibermedia…)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens, e.g. films-in-progress."),
    )
    organisers = models.CharField(
        _("organisers"),
        max_length=300,
        help_text=_("The festivals or institutions that run it, as they should be credited."),
    )
    description = models.TextField(_("description"), max_length=5000)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=programme_logo_path, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("festival staff"),
        related_name="managed_programmes",
        blank=True,
        help_text=_("The people who run this programme's calls, juries and selections."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("editions:programme", kwargs={"programme": self.slug})


class EditionState(models.TextChoices):
    DRAFT = "draft", _("Draft (staff only)")
    PUBLIC = "public", _("Public")
    ARCHIVED = "archived", _("Archived")


class EditionQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(state=EditionState.DRAFT)

    def visible_to(self, user):
        """Public editions, and drafts for the staff of their programme."""
        public = models.Q(state__in=[EditionState.PUBLIC, EditionState.ARCHIVED])
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self
        return self.filter(public | models.Q(programme__team=user)).distinct()

    def managed_by(self, user):
        return self.filter(programme__in=Programme.objects.managed_by(user))


class Edition(models.Model):
    """One year (or round) of a programme, with its sessions and its call."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="editions", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(
        _("number"),
        validators=[MinValueValidator(1)],
        help_text=_("The edition's number in the programme's history, e.g. 49."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        help_text=_("Unique within the programme, e.g. 2027."),
    )
    title = models.CharField(
        _("title"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty to show the programme's name and the year."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        validators=[validate_time_zone],
        help_text=_("Deadlines and session times are entered and shown in this time zone."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    state = models.CharField(
        _("state"), max_length=16, choices=EditionState, default=EditionState.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["programme__name", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="edition_slug_unique"),
            models.UniqueConstraint(fields=["programme", "number"], name="edition_number_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=EditionState.values), name="edition_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="edition_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse(
            "editions:edition", kwargs={"programme": self.programme.slug, "edition": self.slug}
        )

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})

    @property
    def display_title(self):
        if self.title:
            return self.title
        return f"{self.programme.name} {self.year}"

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_public(self):
        return self.state != EditionState.DRAFT


class Session(models.Model):
    """Where and when selected films are shown: Toulouse in March, Lima in August…"""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("edition")
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty to use the city's name."),
    )
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    places = models.PositiveSmallIntegerField(
        pgettext_lazy("number of films selected", "places"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many films are selected for this session."),
    )

    class Meta:
        verbose_name = pgettext_lazy("screening session", "session")
        verbose_name_plural = pgettext_lazy("screening session", "sessions")
        ordering = ["edition", "starts_on", "city"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(places__gt=0), name="session_places_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        edition = self.edition if self.edition_id else None
        if edition is not None:
            for field in ("starts_on", "ends_on"):
                day = getattr(self, field)
                if day and not (edition.starts_on <= day <= edition.ends_on):
                    errors.setdefault(
                        field,
                        _("Choose a day within the edition, from %(start)s to %(end)s.")
                        % {"start": edition.starts_on, "end": edition.ends_on},
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        return self.name or self.city


class CallQuerySet(models.QuerySet):
    def open_at(self, moment):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def public(self):
        return self.filter(edition__state=EditionState.PUBLIC)


class Call(models.Model):
    """A call for applications, with the rules that decide who is eligible."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="calls", verbose_name=_("edition")
    )
    title = models.CharField(_("title"), max_length=150)
    guidelines = models.TextField(
        _("guidelines"),
        max_length=10000,
        blank=True,
        help_text=_("What applicants should know: who may apply, what is offered, how to apply."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("deadline"), help_text=_("Applications are refused from this moment on.")
    )
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_(
            "Countries whose producers may apply. Kept with the call, since a fund's "
            "membership changes over the years. Leave empty to accept every country."
        ),
    )
    minimum_runtime = models.PositiveSmallIntegerField(
        _("minimum runtime (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    accepted_stages = models.JSONField(
        _("accepted stages of production"),
        default=list,
        validators=[validate_choice_list(ProductionStage)],
    )
    accepted_subtitles = models.JSONField(
        _("accepted subtitles"),
        default=list,
        blank=True,
        validators=[validate_choice_list(SubtitleLanguage)],
        help_text=_("The current cut must carry one of these. Leave empty to accept any."),
    )
    required_materials = models.JSONField(
        _("required materials"), default=list, validators=[validate_choice_list(Material)]
    )
    max_stills = models.PositiveSmallIntegerField(
        _("maximum number of stills"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    majority_from_eligible_countries = models.BooleanField(
        _("majority from eligible countries"),
        default=True,
        help_text=_("Producers from eligible countries must hold more than half of the film."),
    )
    max_share_outside = models.PositiveSmallIntegerField(
        _("largest share of a country outside the list (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_("E.g. 49: no single non-eligible country may hold more than 49 %."),
    )
    min_eligible_countries = models.PositiveSmallIntegerField(
        _("co-producers from at least this many eligible countries"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(19)],
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["edition", "closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_share_outside__lte=100), name="call_share_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(max_stills__gt=0), name="call_stills_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The deadline must come after the opening.")})

    def is_open(self, moment=None):
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at

    def has_closed(self, moment=None):
        return (moment or timezone.now()) >= self.closes_at

    @property
    def local_opens_at(self) -> datetime:
        return timezone.localtime(self.opens_at, self.edition.tz)

    @property
    def local_closes_at(self) -> datetime:
        return timezone.localtime(self.closes_at, self.edition.tz)

    def get_accepted_stages_display(self):
        labels = dict(ProductionStage.choices)
        return [labels[code] for code in self.accepted_stages if code in labels]

    def get_accepted_subtitles_display(self):
        labels = dict(SubtitleLanguage.choices)
        return [labels[code] for code in self.accepted_subtitles if code in labels]

    def get_required_materials_display(self):
        labels = dict(Material.choices)
        return [labels[code] for code in self.required_materials if code in labels]


class MailTemplate(models.Model):
    """Staff's own wording of one kind of mail for an edition, in one language. Without
    one, the kind's default wording in that language is used (see mail_templates.py)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="mail_templates", verbose_name=_("edition")
    )
    kind = models.CharField(_("mail"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("mail template")
        verbose_name_plural = _("mail templates")
        ordering = ["edition", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "language"], name="mail_template_once"
            ),
        ]

    def __str__(self):
        return f"{self.edition} · {self.kind} ({self.language})"


class ActivityLog(models.Model):
    """One change in an edition, kept for its staff: who made it (or the portal), when,
    what it was about and what changed. Apps write it through editions.activity.record()
    in the transaction of the change, and it refers to what changed generically (a
    content type and an id, with its name at the time), so that editions stays before
    the apps that use it. Never changed once written."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="activity", verbose_name=_("edition")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: the portal itself (a scheduled task, a deadline)."),
    )
    actor_name = models.CharField(
        _("by (name at the time)"), max_length=150, blank=True, editable=False
    )
    action = models.CharField(_("action"), max_length=40)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    subject_id = models.PositiveBigIntegerField(_("record"), null=True, blank=True)
    subject_label = models.CharField(_("about"), max_length=255, blank=True)
    # A plain column, not a foreign key: editions comes before the applications. It lets a
    # project's page list everything about it without a join across apps.
    project_id = models.PositiveBigIntegerField(_("project"), null=True, blank=True, db_index=True)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("What changed: a field's [before, after], or a value that tells the change."),
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(
        _("when"), default=timezone.now, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["edition", "-created_at"], name="activity_edition_idx"),
        ]

    def __str__(self):
        return f"{self.action} · {self.subject_label}"
