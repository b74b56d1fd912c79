"""The admin, for the rare fix by hand; the staff's jury pages are the daily tool."""

from django.contrib import admin

from .models import (
    Assignment,
    Comment,
    Conflict,
    Criterion,
    Decision,
    Dossier,
    DossierLink,
    Interest,
    Invitation,
    JuryMember,
    Placement,
    Review,
    Round,
    Score,
    Selection,
    SessionPublication,
)


@admin.register(JuryMember)
class JuryMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "session", "is_president", "affiliation", "max_load"]
    list_filter = ["edition__programme", "is_president"]
    search_fields = ["user__full_name", "user__email", "affiliation"]
    list_select_related = ["user", "edition__programme", "session"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "edition", "status", "created_at", "answered_at"]
    list_filter = ["status", "edition__programme"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["token_hash", "created_at", "answered_at"]
    list_select_related = ["edition__programme"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "weight", "scale_min", "scale_max", "position"]
    list_filter = ["edition__programme"]
    list_select_related = ["edition__programme"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "number", "kind", "phase", "deadline"]
    list_filter = ["phase", "kind", "edition__programme"]
    filter_horizontal = ["members"]
    list_select_related = ["edition__programme"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["member", "project", "status", "reason", "created_at"]
    list_filter = ["status"]
    search_fields = ["member__user__full_name", "project__original_title", "reason"]
    raw_id_fields = ["member", "project"]
    list_select_related = ["member__user", "member__edition__programme", "project"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["member", "project", "level"]
    list_filter = ["level"]
    raw_id_fields = ["member", "project"]
    list_select_related = ["member__user", "member__edition__programme", "project"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["member", "project", "round", "source", "created_at"]
    list_filter = ["source", "round__edition__programme"]
    search_fields = ["member__user__full_name", "project__original_title"]
    raw_id_fields = ["member", "project", "round"]
    list_select_related = ["member__user", "member__edition__programme", "project", "round"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["member", "project", "round", "status", "total", "recommendation"]
    list_filter = ["status", "recommendation", "round__edition__programme"]
    search_fields = ["member__user__full_name", "project__original_title"]
    raw_id_fields = ["assignment", "member", "project", "round", "session_preference"]
    list_select_related = ["member__user", "member__edition__programme", "project", "round"]
    inlines = [ScoreInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "project", "round", "created_at"]
    raw_id_fields = ["author", "project", "round"]
    list_select_related = ["author__user", "author__edition__programme", "project", "round"]


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    raw_id_fields = ["project"]


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ["edition", "version", "locked_at", "locked_by"]
    readonly_fields = ["version"]
    inlines = [PlacementInline]
    list_select_related = ["edition__programme", "locked_by"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """The selection's log: read only."""

    list_display = ["at", "selection", "action", "project", "session", "kind", "by"]
    list_filter = ["action"]
    list_select_related = ["selection__edition__programme", "project", "session", "by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SessionPublication)
class SessionPublicationAdmin(admin.ModelAdmin):
    list_display = ["session", "publish_at", "published_at", "scheduled_by"]
    list_select_related = ["session__edition__programme", "scheduled_by"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = [
        "edition",
        "session",
        "version",
        "status",
        "progress",
        "is_public",
        "created_at",
    ]
    list_filter = ["status", "is_public"]
    readonly_fields = ["version", "progress", "warnings", "error", "created_at", "finished_at"]
    list_select_related = ["edition__programme", "session"]


@admin.register(DossierLink)
class DossierLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "edition", "session", "expires_at", "revoked_at", "downloads"]
    readonly_fields = ["token_hash", "downloads", "created_at"]
    list_select_related = ["edition__programme", "session"]
