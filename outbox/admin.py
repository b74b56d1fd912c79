"""The admin, for the rare fix by hand: a mail's recipient or address, or its status
(back to pending, to try again; or discarded). What identifies a mail and what the
worker records of its sending are shown but not edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "to",
        "kind",
        "language",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "language", "created_at", "sent_at"]
    search_fields = ["to", "subject", "message_id", "dedupe_key", "scope", "recipient__email"]
    raw_id_fields = ["recipient"]
    readonly_fields = [
        "message_id",
        "dedupe_key",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    fieldsets = [
        (None, {"fields": ["recipient", "to", "language", "kind", "scope", "subject"]}),
        (_("Text"), {"fields": ["body_text", "body_html"]}),
        (
            _("Sending"),
            {
                "fields": [
                    "status",
                    "next_attempt_at",
                    "attempts",
                    "last_error",
                    "message_id",
                    "dedupe_key",
                    "created_at",
                    "claimed_at",
                    "sent_at",
                ]
            },
        ),
    ]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
