import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


def new_message_id():
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{uuid.uuid4().hex}@{domain or 'wip-portal.localhost'}>"


class MailQuerySet(models.QuerySet):
    def due(self, moment):
        """Rows a worker should try now: new ones, and failed ones whose retry time came."""
        return self.filter(
            models.Q(status=MailStatus.PENDING)
            | models.Q(status=MailStatus.FAILED, next_attempt_at__lte=moment)
        ).filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=moment))


class Mail(models.Model):
    """One mail the portal sends, kept from the moment it is decided until it is sent.

    A row is claimed (pending → sending) by a single conditional UPDATE before anything is
    handed to the mail server, and is never sent again once recorded as sent.

    The outbox comes before the apps that send mails and knows nothing of them: `scope` is
    an opaque label those apps write and read (editions shows a programme's staff the
    mails scoped to it).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("recipient"),
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    scope = models.CharField(
        _("scope"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_(
            "Whom the mail is about, set by the app that decided it (for example "
            '"programme:3"), so that the people in charge of that can see it. Mails about '
            "an account alone have none: only administrators see them."
        ),
    )
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MailStatus, default=MailStatus.PENDING
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    dedupe_key = models.CharField(
        _("de-duplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("A mail decided twice with the same key is queued once."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = MailQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MailStatus.values), name="outbox_mail_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MailStatus.SENT) | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"
