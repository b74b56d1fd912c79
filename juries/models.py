"""An edition's jury and everything it does: invitations, criteria, rounds, conflicts,
interest, assignments, reviews and their scores, discussion, and the selection into
sessions with its waitlists."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from editions.files import random_file_name


class JuryMember(models.Model):
    """A person on an edition's jury, for all its sessions or for one."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="jury_members",
        verbose_name=_("edition"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jury_memberships",
        verbose_name=_("juror"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jury_members",
        verbose_name=pgettext_lazy("screening session", "session"),
        help_text=_("Leave empty for a juror of the whole edition."),
    )
    is_president = models.BooleanField(_("president of the jury"), default=False)
    affiliation = models.CharField(
        _("company or institution"),
        max_length=200,
        blank=True,
        help_text=_("Used to suggest conflicts with the projects' companies."),
    )
    max_load = models.PositiveSmallIntegerField(
        _("most projects to review in a round"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text=_("Leave empty to share the reviews evenly."),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["edition", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="jury_member_unique"),
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(is_president=True),
                name="jury_one_president",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.edition})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn by staff")


class Invitation(models.Model):
    """An invitation to sit on an edition's jury, answered through a link in a mail. Only
    a hash of the link's secret is stored."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="jury_invitations",
        verbose_name=_("edition"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("screening session", "session"),
        help_text=_("Leave empty to invite to the jury of the whole edition."),
    )
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language of the invitation"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    affiliation = models.CharField(_("company or institution"), max_length=200, blank=True)
    is_president = models.BooleanField(_("president of the jury"), default=False)
    message = models.TextField(_("personal message"), max_length=2000, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=InvitationStatus, default=InvitationStatus.PENDING
    )
    member = models.ForeignKey(
        JuryMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("jury member"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("jury invitation")
        verbose_name_plural = _("jury invitations")
        ordering = ["edition", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"
            ),
            models.UniqueConstraint(
                fields=["edition", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
                violation_error_code="already_invited",
                violation_error_message=_("This person has an invitation waiting for an answer."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"


class Criterion(models.Model):
    """What jurors score, with its weight in the total and its scale."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("edition"),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what jurors should consider"), max_length=500, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    scale_min = models.PositiveSmallIntegerField(
        _("lowest score"), default=1, validators=[MaxValueValidator(99)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="criterion_name_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (
            self.scale_min is not None
            and self.scale_max is not None
            and self.scale_max <= self.scale_min
        ):
            raise ValidationError(
                {"scale_max": _("The highest score must be above the lowest score.")}
            )


class Phase(models.TextChoices):
    """What jurors may see and do in a round: see permissions.PHASES."""

    SETUP = "setup", _("Preparation: conflicts and interest")
    SCORING = "scoring", _("Blind scoring")
    DISCUSSION = "discussion", _("Discussion")
    CLOSED = "closed", pgettext_lazy("jury phase", "Closed")


class RoundKind(models.TextChoices):
    PRESELECTION = "preselection", _("Pre-selection by a committee")
    FINAL = "final", _("Final round by the jury")


class Round(models.Model):
    """A round of reviewing: the whole call by a pre-selection committee, or the shortlist
    by the jury. Scores, visibility and deadline are per round."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="jury_rounds",
        verbose_name=_("edition"),
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    kind = models.CharField(
        pgettext_lazy("kind of jury round", "kind"),
        max_length=16,
        choices=RoundKind,
        default=RoundKind.FINAL,
    )
    name = models.CharField(_("name"), max_length=120)
    phase = models.CharField(_("jury phase"), max_length=16, choices=Phase, default=Phase.SETUP)
    deadline = models.DateTimeField(
        _("deadline for reviews"),
        null=True,
        blank=True,
        help_text=_("Reviews can be edited until this moment."),
    )
    reviews_per_project = models.PositiveSmallIntegerField(
        _("reviews per project"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    every_juror_reviews_all = models.BooleanField(
        _("every juror reviews every project"),
        default=False,
        help_text=_("For a shortlist: each juror reviews all of it, conflicts aside."),
    )
    reminder_days = models.JSONField(
        _("reminders (days before the deadline)"),
        default=list,
        blank=True,
        help_text=_("E.g. 7, 2, 1: a reminder to jurors with reviews pending on each day."),
    )
    members = models.ManyToManyField(
        JuryMember, related_name="rounds", blank=True, verbose_name=_("jurors of this round")
    )
    assignments_published_at = models.DateTimeField(
        _("assignments shown to jurors"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury round")
        verbose_name_plural = _("jury rounds")
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="round_phase_valid"),
            models.CheckConstraint(condition=Q(kind__in=RoundKind.values), name="round_kind_valid"),
            models.CheckConstraint(
                condition=Q(reviews_per_project__gt=0), name="round_reviews_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def assignments_published(self) -> bool:
        return self.assignments_published_at is not None


class RoundProject(models.Model):
    """A project reviewed in a round: the eligible applications in a first round, the
    shortlist in the next."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="entries", verbose_name=_("round")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_rounds",
        verbose_name=_("project"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("project in a round")
        verbose_name_plural = _("projects in a round")
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="round_project_unique"),
        ]

    def __str__(self):
        return f"{self.project} · {self.round}"


class ConflictStatus(models.TextChoices):
    DECLARED = "declared", _("Declared by the juror")
    CONFIRMED = "confirmed", _("Confirmed by staff")
    SUGGESTED = "suggested", _("Suggested by the portal, to confirm")
    DISMISSED = "dismissed", _("Dismissed by staff")


# Every status but DISMISSED keeps the juror away from the project: a suggestion is
# treated as a conflict until staff dismiss it.
BLOCKING_CONFLICTS = [ConflictStatus.DECLARED, ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]


class Conflict(models.Model):
    """A juror who must not review a project: their company produces it, a relative
    directs it… Declared by the juror, added by staff, or suggested by the portal."""

    member = models.ForeignKey(
        JuryMember, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_conflicts",
        verbose_name=_("project"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ConflictStatus)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["member", "project"]
        constraints = [
            models.UniqueConstraint(fields=["member", "project"], name="conflict_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ConflictStatus.values), name="conflict_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.member.user} × {self.project}"

    @property
    def is_blocking(self) -> bool:
        return self.status in BLOCKING_CONFLICTS


class InterestLevel(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    NEUTRAL = "neutral", _("Neutral")
    NOT_INTERESTED = "not_interested", _("Not interested")


class Interest(models.Model):
    """How much a juror would like to review a project; the automatic assignment honours
    it as far as it can."""

    member = models.ForeignKey(
        JuryMember, on_delete=models.CASCADE, related_name="interests", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_interests",
        verbose_name=_("project"),
    )
    level = models.CharField(_("interest"), max_length=16, choices=InterestLevel)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["member", "project"], name="interest_unique"),
            models.CheckConstraint(
                condition=Q(level__in=InterestLevel.values), name="interest_level_valid"
            ),
        ]

    def __str__(self):
        return f"{self.member.user} · {self.project}: {self.get_level_display()}"


class AssignmentSource(models.TextChoices):
    MANUAL = "manual", _("By hand")
    AUTOMATIC = "automatic", _("Automatic")


class Assignment(models.Model):
    """A juror asked to review a project in a round. Jurors see their assignments once
    staff publish the round's assignments."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("round")
    )
    member = models.ForeignKey(
        JuryMember,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("juror"),
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_assignments",
        verbose_name=_("project"),
    )
    source = models.CharField(
        _("assigned"), max_length=16, choices=AssignmentSource, default=AssignmentSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned on"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "member", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "project"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=Q(source__in=AssignmentSource.values), name="assignment_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["round", "project"], name="assignment_round_project")]

    def __str__(self):
        return f"{self.member.user} → {self.project}"


class Recommendation(models.TextChoices):
    SELECT = "select", pgettext_lazy("jury recommendation", "Select")
    DISCUSS = "discuss", pgettext_lazy("jury recommendation", "Discuss")
    DECLINE = "decline", pgettext_lazy("jury recommendation", "Decline")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status of a review", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("status of a review", "Submitted")


class Review(models.Model):
    """A juror's review of an assigned project: a score per criterion, a note for the
    jury, optional feedback for the producer, a recommendation and a session preference.
    The weighted total is stored with the scores, for the ranking."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    # Denormalised from the assignment, so that the ranking reads reviews alone.
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("round")
    )
    member = models.ForeignKey(
        JuryMember, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("juror")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_reviews",
        verbose_name=_("project"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )
    note = models.TextField(_("note for the jury"), max_length=5000, blank=True)
    producer_feedback = models.TextField(
        _("feedback for the producer"),
        max_length=3000,
        blank=True,
        help_text=_("Optional. Staff may pass it on with the results; other jurors never see it."),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation, blank=True
    )
    session_preference = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("best suited to the session"),
    )
    total = models.DecimalField(
        _("weighted score"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["round", "project", "member"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommendation="") | Q(recommendation__in=Recommendation.values),
                name="review_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="review_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="review_round_status"),
            models.Index(fields=["round", "project"], name="review_round_project"),
        ]

    def __str__(self):
        return f"{self.member.user} · {self.project}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class Comment(models.Model):
    """A juror's word in the discussion of a project, once the round is in discussion."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="comments", verbose_name=_("round")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="jury_comments",
        verbose_name=_("project"),
    )
    author = models.ForeignKey(
        JuryMember, on_delete=models.CASCADE, related_name="comments", verbose_name=_("juror")
    )
    text = models.TextField(_("comment"), max_length=3000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["round", "project", "created_at", "pk"]

    def __str__(self):
        return f"{self.author.user} · {self.project}"


class Selection(models.Model):
    """An edition's selection as a whole: its version number (two staff editing at once
    cannot silently overwrite each other) and whether it is locked."""

    edition = models.OneToOneField(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="selection",
        verbose_name=_("edition"),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    confirm_days = models.PositiveSmallIntegerField(
        _("days to confirm"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "A selected producer confirms their participation within this many days of "
            "being told; a place offered from the waiting list, too."
        ),
    )

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self):
        return str(self.edition)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class PlacementKind(models.TextChoices):
    SELECTED = "selected", _("Selected")
    WAITLIST = "waitlist", _("Waitlist")


class Placement(models.Model):
    """A project placed in a session: selected, or on its waitlist at a position."""

    selection = models.ForeignKey(
        Selection, on_delete=models.CASCADE, related_name="placements", verbose_name=_("selection")
    )
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("project"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=pgettext_lazy("screening session", "session"),
    )
    kind = models.CharField(
        pgettext_lazy("kind of placement", "as"), max_length=16, choices=PlacementKind
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["session", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "project"], name="placement_once"),
            models.CheckConstraint(
                condition=Q(kind__in=PlacementKind.values), name="placement_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.session} ({self.get_kind_display()})"


class DecisionAction(models.TextChoices):
    PLACED = "placed", _("Placed")
    MOVED = "moved", _("Moved")
    REMOVED = "removed", _("Removed")
    PROPOSED = "proposed", _("Proposal applied")
    LOCKED = "locked", _("Selection locked")
    DECLINED = "declined", _("Place declined by the producer")
    LAPSED = "lapsed", _("Place given up: not confirmed in time")
    PROMOTED = "promoted", _("Place offered from the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn by the producer")


class Decision(models.Model):
    """The selection's log: who placed, moved or removed what, when and why. Never
    changed once written."""

    selection = models.ForeignKey(
        Selection, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("selection")
    )
    action = models.CharField(_("action"), max_length=16, choices=DecisionAction)
    project = models.ForeignKey(
        "submissions.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("screening session", "session"),
    )
    kind = models.CharField(
        pgettext_lazy("kind of placement", "as"),
        max_length=16,
        choices=PlacementKind,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), null=True, blank=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("selection decision")
        verbose_name_plural = _("selection decisions")
        ordering = ["selection", "-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.project}"


# --- Publication and dossiers -----------------------------------------------------------


class SessionPublication(models.Model):
    """A session's selection made public, now or at an announced moment (an embargo).
    Before `published_at` is set the public pages show nothing of it."""

    session = models.OneToOneField(
        "editions.Session",
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name=pgettext_lazy("screening session", "session"),
    )
    publish_at = models.DateTimeField(_("public from"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(_("scheduled"), auto_now_add=True)

    class Meta:
        verbose_name = _("publication of a session")
        verbose_name_plural = _("publications of sessions")
        indexes = [
            models.Index(fields=["published_at", "publish_at"], name="publication_due_idx"),
        ]

    def __str__(self):
        return str(self.session)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class BuildStatus(models.TextChoices):
    """Of a file Celery builds: a dossier or an export (see builds.py)."""

    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


DossierStatus = BuildStatus


def dossier_path(instance, filename):
    return f"dossiers/{random_file_name(filename)}"


class Dossier(models.Model):
    """One build of a selection dossier — a session's, or the whole edition's when
    `session` is empty: a PDF catalogue and a ZIP with it and the full-size stills. Each
    build is a version; a failed one leaves the previous version in place."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="dossiers",
        verbose_name=_("edition"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=pgettext_lazy("screening session", "session"),
        help_text=_("Empty for the catalogue of the whole edition."),
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the catalogue's headings and labels."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DossierStatus, default=DossierStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(_("PDF catalogue"), upload_to=dossier_path, blank=True)
    archive = models.FileField(_("ZIP archive"), upload_to=dossier_path, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Anyone may download it from the public pages, once the selection is out."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection dossier")
        verbose_name_plural = _("selection dossiers")
        ordering = ["edition", "session", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "session", "version"], name="dossier_version_unique"
            ),
            models.UniqueConstraint(
                fields=["edition", "version"],
                condition=Q(session__isnull=True),
                name="dossier_edition_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DossierStatus.values), name="dossier_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="dossier_progress_max"),
        ]

    def __str__(self):
        scope = self.session.display_name if self.session_id else str(self.edition)
        return f"{scope} · v{self.version}"

    @property
    def is_ready(self) -> bool:
        return self.status == DossierStatus.READY


class DossierLink(models.Model):
    """A download link for industry guests, to the latest ready dossier of a scope (a
    session, or the whole edition when `session` is empty), until it expires. Only a hash
    of its secret is stored."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="dossier_links",
        verbose_name=_("edition"),
    )
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_links",
        verbose_name=pgettext_lazy("screening session", "session"),
    )
    label = models.CharField(
        _("for"), max_length=200, help_text=_("Who the link is for, e.g. a sales agent.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier link")
        verbose_name_plural = _("dossier links")
        ordering = ["edition", "-created_at"]

    def __str__(self):
        return self.label


class ResultOutcome(models.TextChoices):
    SELECTED = "selected", _("Selected")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_SELECTED = "not_selected", _("Not selected")


class Answer(models.TextChoices):
    """A selected producer's answer to their place."""

    NONE = "", _("Not answered yet")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    LAPSED = "lapsed", _("Not confirmed in time")


class ResultNoticeQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(sent_at__isnull=True)

    def sent(self):
        return self.filter(sent_at__isnull=False)


class ResultNotice(models.Model):
    """What an applicant is told of the selection, drafted when it is locked and sent by
    staff; for a selected project, also the producer's answer to their place.

    The mail is worded when it is sent, from the edition's mail templates, so a template
    changed after the drafts were made still applies to every draft."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="result_notices",
        verbose_name=_("edition"),
    )
    project = models.OneToOneField(
        "submissions.Project",
        on_delete=models.CASCADE,
        related_name="result_notice",
        verbose_name=_("project"),
    )
    outcome = models.CharField(_("result"), max_length=16, choices=ResultOutcome)
    session = models.ForeignKey(
        "editions.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("screening session", "session"),
    )
    waitlist_position = models.PositiveSmallIntegerField(
        _("position on the waiting list"), null=True, blank=True
    )
    feedback = models.TextField(
        _("feedback for the producer"),
        blank=True,
        max_length=10000,
        help_text=_("Drafted from the jurors' feedback for the producer; sent only if chosen."),
    )
    include_feedback = models.BooleanField(_("send the feedback"), default=False)
    mail = models.ForeignKey(
        "outbox.Mail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mail"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=16, choices=Answer, default=Answer.NONE, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.CharField(_("producer's note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)

    objects = ResultNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("result notice")
        verbose_name_plural = _("result notices")
        ordering = ["edition", "outcome", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ResultOutcome.values), name="result_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=Answer.values), name="result_answer_valid"
            ),
        ]
        indexes = [models.Index(fields=["edition", "sent_at"], name="result_sent_idx")]

    def __str__(self):
        return f"{self.project} · {self.get_outcome_display()}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def awaits_answer(self) -> bool:
        return (
            self.outcome == ResultOutcome.SELECTED
            and self.is_sent
            and self.answer in (Answer.NONE, Answer.LAPSED)
        )


class ExportKind(models.TextChoices):
    APPLICATIONS = "applications", _("Applications")
    REVIEWS = "reviews", _("Reviews and scores")
    RANKING = "ranking", _("Ranking")
    SELECTION = "selection", _("Selection")


# The exports of one round of the jury; the others are of the whole edition.
ROUND_EXPORTS = (ExportKind.REVIEWS, ExportKind.RANKING)


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


ExportStatus = BuildStatus


def export_path(instance, filename):
    return f"exports/{random_file_name(filename)}"


class Export(models.Model):
    """One build of a staff export of an edition — its applications, a round's reviews
    and scores or its ranking, or the selection — as a CSV or XLSX file, stored privately
    and downloaded by staff of the programme. Each build is kept as its own row; a failed
    one leaves the previous builds as they were."""

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("edition"),
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("round"),
        help_text=_("The round of a ranking or of its reviews; empty for the others."),
    )
    kind = models.CharField(_("export"), max_length=16, choices=ExportKind)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the headings and labels."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["edition", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ExportKind.values), name="export_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="export_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max"),
            models.CheckConstraint(
                condition=Q(kind__in=ROUND_EXPORTS, round__isnull=False)
                | (~Q(kind__in=ROUND_EXPORTS) & Q(round__isnull=True)),
                name="export_round_when_needed",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "kind", "format", "status"], name="export_scope_idx")
        ]

    def __str__(self):
        what = self.get_kind_display()
        if self.round_id:
            what = f"{what} · {self.round}"
        return f"{self.edition} · {what} ({self.get_format_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY
