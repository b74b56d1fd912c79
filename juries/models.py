from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["edition", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="jury_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.edition})"
