"""The admin, for the rare fix by hand; the staff's jury pages are the daily tool. What
the portal computes or records (weighted totals, the selection's log, hashes of secret
links, who did what and when) is shown but not edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from editions.admin import PortalAdminMixin, stored_file_name

from .models import (
    Assignment,
    Comment,
    Conflict,
    Criterion,
    Decision,
    Dossier,
    DossierLink,
    Export,
    Interest,
    Invitation,
    JuryMember,
    Placement,
    ResultNotice,
    Review,
    Round,
    RoundProject,
    Score,
    Selection,
    SessionPublication,
)

MEMBER_SELECT = ["member__user", "member__edition__programme"]
MEMBER_SEARCH = ["member__user__full_name", "member__user__email"]
PROJECT_SEARCH = ["project__original_title", "project__english_title"]


class JuryAdminMixin(PortalAdminMixin):
    choices_select_related = {
        **PortalAdminMixin.choices_select_related,
        "juries.jurymember": ["user", "edition__programme"],
        "juries.selection": ["edition__programme"],
    }


class JuryAdmin(JuryAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyMixin:
    """A record the portal writes: it may be read, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JuryMember)
class JuryMemberAdmin(JuryAdmin):
    list_display = [
        "user",
        "edition",
        "session",
        "is_president",
        "affiliation",
        "max_load",
        "joined_at",
    ]
    list_filter = ["edition__programme", "is_president"]
    search_fields = ["user__full_name", "user__email", "affiliation"]
    list_select_related = ["user", "edition__programme", "session"]
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Invitation)
class InvitationAdmin(JuryAdmin):
    list_display = ["full_name", "email", "edition", "status", "created_at", "answered_at"]
    list_filter = ["status", "edition__programme", "language", "created_at"]
    search_fields = ["full_name", "email", "affiliation"]
    readonly_fields = ["token_hash", "member", "invited_by", "created_at", "answered_at"]
    list_select_related = ["edition__programme"]
    date_hierarchy = "created_at"


@admin.register(Criterion)
class CriterionAdmin(JuryAdmin):
    list_display = ["name", "edition", "weight", "scale_min", "scale_max", "position"]
    list_filter = ["edition__programme"]
    search_fields = ["name", "description"]
    list_select_related = ["edition__programme"]


@admin.register(Round)
class RoundAdmin(JuryAdmin):
    list_display = ["name", "edition", "number", "kind", "phase", "deadline"]
    list_filter = ["phase", "kind", "edition__programme"]
    search_fields = ["name", "edition__title", "edition__programme__name"]
    autocomplete_fields = ["members"]
    readonly_fields = ["assignments_published_at", "created_at"]
    list_select_related = ["edition__programme"]


@admin.register(RoundProject)
class RoundProjectAdmin(JuryAdmin):
    list_display = ["project", "round", "added_at"]
    list_filter = ["round__edition__programme"]
    search_fields = [*PROJECT_SEARCH, "round__name"]
    raw_id_fields = ["round", "project"]
    readonly_fields = ["added_at"]
    list_select_related = ["project", "round"]


@admin.register(Conflict)
class ConflictAdmin(JuryAdmin):
    list_display = ["member", "project", "status", "reason", "created_at"]
    list_filter = ["status", "member__edition__programme"]
    search_fields = [*MEMBER_SEARCH, *PROJECT_SEARCH, "reason"]
    raw_id_fields = ["member", "project"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    list_select_related = [*MEMBER_SELECT, "project"]


@admin.register(Interest)
class InterestAdmin(JuryAdmin):
    list_display = ["member", "project", "level"]
    list_filter = ["level", "member__edition__programme"]
    search_fields = [*MEMBER_SEARCH, *PROJECT_SEARCH]
    raw_id_fields = ["member", "project"]
    list_select_related = [*MEMBER_SELECT, "project"]


@admin.register(Assignment)
class AssignmentAdmin(JuryAdmin):
    list_display = ["member", "project", "round", "source", "created_at"]
    list_filter = ["source", "round__edition__programme"]
    search_fields = [*MEMBER_SEARCH, *PROJECT_SEARCH]
    raw_id_fields = ["member", "project", "round"]
    readonly_fields = ["created_by", "created_at"]
    list_select_related = [*MEMBER_SELECT, "project", "round"]


class ScoreInline(JuryAdminMixin, admin.TabularInline):
    """Read only: the review's weighted total is computed from them."""

    model = Score
    extra = 0
    fields = ["criterion", "value"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(JuryAdmin):
    list_display = [
        "member",
        "project",
        "round",
        "status",
        "total",
        "recommendation",
        "submitted_at",
    ]
    list_filter = ["status", "recommendation", "round__edition__programme", "submitted_at"]
    search_fields = [*MEMBER_SEARCH, *PROJECT_SEARCH]
    raw_id_fields = ["session_preference"]
    readonly_fields = [
        "assignment",
        "round",
        "member",
        "project",
        "total",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    list_select_related = [*MEMBER_SELECT, "project", "round"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        # Jurors write their reviews on their own pages.
        return False


@admin.register(Score)
class ScoreAdmin(ReadOnlyMixin, JuryAdmin):
    """Read only: a review's weighted total is computed from its scores."""

    list_display = ["review", "criterion", "value"]
    list_filter = ["review__round__edition__programme"]
    search_fields = [
        "criterion__name",
        "review__member__user__full_name",
        "review__project__original_title",
        "review__project__english_title",
    ]
    list_select_related = ["review__member__user", "review__project", "criterion"]


@admin.register(Comment)
class CommentAdmin(JuryAdmin):
    list_display = ["author", "project", "round", "created_at"]
    list_filter = ["round__edition__programme", "created_at"]
    search_fields = ["text", "author__user__full_name", *PROJECT_SEARCH]
    raw_id_fields = ["author", "project", "round"]
    readonly_fields = ["created_at"]
    list_select_related = ["author__user", "author__edition__programme", "project", "round"]
    date_hierarchy = "created_at"


class PlacementInline(JuryAdminMixin, admin.TabularInline):
    model = Placement
    extra = 0
    raw_id_fields = ["project"]
    readonly_fields = ["decided_by", "decided_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "session", "decided_by")


@admin.register(Selection)
class SelectionAdmin(JuryAdmin):
    list_display = ["edition", "version", "locked_at", "locked_by", "confirm_days"]
    list_filter = ["edition__programme", "locked_at"]
    search_fields = ["edition__title", "edition__programme__name"]
    readonly_fields = ["version", "locked_at", "locked_by"]
    inlines = [PlacementInline]
    list_select_related = ["edition__programme", "locked_by"]


@admin.register(Placement)
class PlacementAdmin(JuryAdmin):
    list_display = ["project", "session", "kind", "position", "selection", "decided_at"]
    list_filter = ["kind", "selection__edition__programme"]
    search_fields = [*PROJECT_SEARCH, "reason"]
    raw_id_fields = ["project"]
    readonly_fields = ["decided_by", "decided_at"]
    list_select_related = ["project", "session", "selection__edition__programme"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, JuryAdmin):
    """The selection's log: read only."""

    list_display = ["at", "selection", "action", "project", "session", "kind", "by"]
    list_filter = ["action", "selection__edition__programme"]
    search_fields = [*PROJECT_SEARCH, "reason", "by__email"]
    list_select_related = ["selection__edition__programme", "project", "session", "by"]
    date_hierarchy = "at"


@admin.register(SessionPublication)
class SessionPublicationAdmin(JuryAdmin):
    list_display = ["session", "publish_at", "published_at", "scheduled_by", "created_at"]
    list_filter = ["session__edition__programme", "published_at"]
    search_fields = ["session__name", "session__city", "session__edition__programme__name"]
    readonly_fields = ["published_at", "scheduled_by", "created_at"]
    list_select_related = ["session__edition__programme", "scheduled_by"]


@admin.register(Dossier)
class DossierAdmin(JuryAdmin):
    list_display = [
        "edition",
        "session",
        "version",
        "language",
        "status",
        "progress",
        "is_public",
        "created_at",
    ]
    list_filter = ["status", "is_public", "language", "edition__programme"]
    search_fields = ["edition__title", "edition__programme__name", "session__city"]
    exclude = ["pdf", "archive"]
    readonly_fields = [
        "version",
        "progress",
        "pages",
        "pdf_file",
        "archive_file",
        "warnings",
        "error",
        "started_by",
        "created_at",
        "finished_at",
    ]
    list_select_related = ["edition__programme", "session"]
    date_hierarchy = "created_at"

    @admin.display(description=_("PDF catalogue"))
    def pdf_file(self, obj):
        return stored_file_name(obj.pdf)

    @admin.display(description=_("ZIP archive"))
    def archive_file(self, obj):
        return stored_file_name(obj.archive)


@admin.register(DossierLink)
class DossierLinkAdmin(JuryAdmin):
    list_display = [
        "label",
        "edition",
        "session",
        "expires_at",
        "revoked_at",
        "downloads",
        "created_at",
    ]
    list_filter = ["edition__programme", "expires_at", "revoked_at"]
    search_fields = ["label"]
    readonly_fields = ["token_hash", "downloads", "created_by", "created_at"]
    list_select_related = ["edition__programme", "session"]


@admin.register(ResultNotice)
class ResultNoticeAdmin(JuryAdmin):
    list_display = [
        "project",
        "edition",
        "outcome",
        "session",
        "waitlist_position",
        "sent_at",
        "answer",
        "confirm_by",
    ]
    list_filter = ["outcome", "answer", "edition__programme", "sent_at", "include_feedback"]
    search_fields = [*PROJECT_SEARCH, "project__owner__email", "project__owner__full_name"]
    raw_id_fields = ["project"]
    readonly_fields = ["mail", "sent_at", "sent_by", "answered_at", "created_at"]
    list_select_related = ["project", "edition__programme", "session"]
    date_hierarchy = "created_at"


@admin.register(Export)
class ExportAdmin(JuryAdmin):
    """Builds are made on the staff's Exports page; here only to look, or to delete."""

    list_display = ["edition", "kind", "format", "round", "status", "row_count", "created_at"]
    list_filter = ["kind", "format", "status", "edition__programme"]
    search_fields = ["edition__title", "edition__programme__name", "requested_by__email"]
    exclude = ["file"]
    readonly_fields = [
        "edition",
        "round",
        "kind",
        "format",
        "language",
        "status",
        "progress",
        "row_count",
        "stored_file",
        "error",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_select_related = ["edition__programme", "round"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def stored_file(self, obj):
        return stored_file_name(obj.file)
