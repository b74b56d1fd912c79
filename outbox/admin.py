from django.contrib import admin

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
    list_filter = ["status", "kind", "language"]
    search_fields = ["to", "subject", "message_id", "dedupe_key", "scope"]
    readonly_fields = ["message_id", "created_at", "sent_at", "claimed_at", "attempts"]
    date_hierarchy = "created_at"
