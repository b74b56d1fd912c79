"""The admin, for the rare fix by hand; producers' and staff's own pages are the daily
tool. A project's status, screening and history change only through the portal's pages
(which record who did what and send the mails); uploads are checked and processed when a
producer sends them, so files are shown here by name and never replaced."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from editions.admin import PortalAdminMixin, stored_file_name

from . import services
from .models import (
    Cut,
    Director,
    Document,
    PostProductionItem,
    ProducerProfile,
    Project,
    ProjectCompany,
    ProjectEvent,
    Still,
)

PROJECT_SEARCH = [
    "project__original_title",
    "project__english_title",
    "project__owner__email",
]
PROJECT_SELECT = ["project__call__edition__programme"]


class ProjectRowAdmin(PortalAdminMixin, admin.ModelAdmin):
    """A row of a project (a company, a director, a cut…), listed with its project."""

    raw_id_fields = ["project"]
    list_select_related = PROJECT_SELECT
    list_filter = ["project__call__edition__programme"]

    @admin.display(description=_("edition"), ordering="project__call__edition")
    def edition(self, obj):
        return obj.project.call.edition


@admin.register(ProducerProfile)
class ProducerProfileAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["company", "user", "country", "contact_person", "phone", "updated_at"]
    list_filter = [("country", CountryFilter)]
    search_fields = ["company", "contact_person", "user__email", "user__full_name", "phone"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["updated_at"]
    ordering = ["company"]

    def save_model(self, request, obj, form, change):
        services.save_profile(profile=obj, by=request.user)


class ProjectCompanyInline(PortalAdminMixin, admin.TabularInline):
    model = ProjectCompany
    extra = 0


class DirectorInline(PortalAdminMixin, admin.TabularInline):
    model = Director
    extra = 0
    fields = ["name", "nationality", "gender", "previous_features", "photo_file", "position"]
    readonly_fields = ["photo_file"]

    @admin.display(description=_("photo"))
    def photo_file(self, obj):
        return stored_file_name(obj.photo)


class PostProductionItemInline(PortalAdminMixin, admin.TabularInline):
    model = PostProductionItem
    extra = 0


class CutInline(PortalAdminMixin, admin.TabularInline):
    """A new cut is added on the project's page, which numbers it and tells the jury."""

    model = Cut
    extra = 0
    fields = ["number", "stage", "runtime", "cut_date", "subtitles", "screener_url", "created_at"]
    readonly_fields = ["number", "created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class StillInline(PortalAdminMixin, admin.TabularInline):
    model = Still
    extra = 0
    fields = ["image_file", "caption", "status", "width", "height", "position"]
    readonly_fields = ["image_file", "status", "width", "height"]
    show_change_link = True

    @admin.display(description=_("image"))
    def image_file(self, obj):
        return stored_file_name(obj.original)

    def has_add_permission(self, request, obj=None):
        return False


class DocumentInline(PortalAdminMixin, admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "original_name", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProjectEventInline(PortalAdminMixin, admin.TabularInline):
    """The project's history: read only."""

    model = ProjectEvent
    extra = 0
    fields = ["created_at", "kind", "from_status", "to_status", "message", "by"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "english_title",
        "edition",
        "owner",
        "status",
        "screening",
        "submitted_at",
        "created_at",
    ]
    list_filter = [
        "status",
        "screening",
        "call__edition__programme",
        "genre",
        "submitted_at",
    ]
    search_fields = [
        "original_title",
        "english_title",
        "owner__email",
        "owner__full_name",
        "companies__name",
        "directors__name",
    ]
    list_select_related = ["call__edition__programme", "owner"]
    raw_id_fields = ["owner", "carried_over_from"]
    readonly_fields = [
        "status",
        "screening",
        "screening_reason",
        "screened_by",
        "screened_at",
        "new_cut_requested_at",
        "invited_by",
        "financing_missing",
        "created_at",
        "updated_at",
        "submitted_at",
        "result_released_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "call",
                    "owner",
                    "status",
                    "selected_session",
                    "carried_over_from",
                    "invited_by",
                ]
            },
        ),
        (
            _("The project"),
            {
                "fields": [
                    "original_title",
                    "english_title",
                    "genre",
                    "expected_runtime",
                    "languages",
                    "logline",
                    "short_synopsis",
                    "long_synopsis",
                    "director_statement",
                    "premiere_status",
                    "previous_festivals",
                ]
            },
        ),
        (
            _("Post-production and financing"),
            {
                "fields": [
                    "currency",
                    "total_budget",
                    "secured_amount",
                    "financing_missing",
                    "expected_completion",
                ]
            },
        ),
        (
            _("Eligibility screening"),
            {"fields": ["screening", "screening_reason", "screened_by", "screened_at"]},
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "submitted_at",
                    "new_cut_requested_at",
                    "result_released_at",
                ]
            },
        ),
    ]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    inlines = [
        ProjectCompanyInline,
        DirectorInline,
        PostProductionItemInline,
        CutInline,
        StillInline,
        DocumentInline,
        ProjectEventInline,
    ]

    @admin.display(description=_("edition"), ordering="call__edition")
    def edition(self, obj):
        return obj.call.edition

    @admin.display(description=_("Financing missing"))
    def financing_missing(self, obj):
        return obj.financing_missing

    def has_add_permission(self, request):
        # Producers start their applications; staff enter an invited one from the call.
        return False

    def save_model(self, request, obj, form, change):
        services.save_project(project=obj, by=request.user)


@admin.register(ProjectCompany)
class ProjectCompanyAdmin(ProjectRowAdmin):
    list_display = ["name", "project", "edition", "country", "role", "share"]
    list_filter = ["role", ("country", CountryFilter), "project__call__edition__programme"]
    search_fields = ["name", *PROJECT_SEARCH]


@admin.register(Director)
class DirectorAdmin(ProjectRowAdmin):
    list_display = ["name", "project", "edition", "nationality", "gender", "previous_features"]
    list_filter = ["gender", ("nationality", CountryFilter), "project__call__edition__programme"]
    search_fields = ["name", *PROJECT_SEARCH]
    exclude = ["photo"]
    readonly_fields = ["photo_file"]

    @admin.display(description=_("photo"))
    def photo_file(self, obj):
        return stored_file_name(obj.photo)


@admin.register(PostProductionItem)
class PostProductionItemAdmin(ProjectRowAdmin):
    list_display = ["need", "project", "edition", "amount", "details"]
    list_filter = ["need", "project__call__edition__programme"]
    search_fields = ["details", *PROJECT_SEARCH]


@admin.register(Cut)
class CutAdmin(ProjectRowAdmin):
    list_display = ["__str__", "project", "edition", "stage", "runtime", "cut_date", "subtitles"]
    list_filter = ["stage", "subtitles", "project__call__edition__programme", "cut_date"]
    search_fields = ["screener_url", "changes", *PROJECT_SEARCH]
    readonly_fields = ["number", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.update_cut(cut=obj, by=request.user)


@admin.register(Still)
class StillAdmin(ProjectRowAdmin):
    list_display = ["__str__", "project", "edition", "status", "width", "height", "uploaded_at"]
    list_filter = ["status", "project__call__edition__programme"]
    search_fields = ["caption", *PROJECT_SEARCH]
    fields = [
        "project",
        "caption",
        "position",
        "status",
        "image_file",
        "web_file",
        "thumbnail_file",
        "large_file",
        "width",
        "height",
        "uploaded_at",
    ]
    readonly_fields = [
        "project",
        "status",
        "image_file",
        "web_file",
        "thumbnail_file",
        "large_file",
        "width",
        "height",
        "uploaded_at",
    ]
    date_hierarchy = "uploaded_at"

    @admin.display(description=_("image"))
    def image_file(self, obj):
        return stored_file_name(obj.original)

    @admin.display(description=_("web version"))
    def web_file(self, obj):
        return stored_file_name(obj.web)

    @admin.display(description=_("thumbnail"))
    def thumbnail_file(self, obj):
        return stored_file_name(obj.thumbnail)

    @admin.display(description=_("print version"))
    def large_file(self, obj):
        return stored_file_name(obj.large)

    def has_add_permission(self, request):
        return False


@admin.register(Document)
class DocumentAdmin(ProjectRowAdmin):
    list_display = ["__str__", "project", "edition", "original_name", "size", "uploaded_at"]
    list_filter = ["kind", "project__call__edition__programme"]
    search_fields = ["original_name", *PROJECT_SEARCH]
    fields = ["project", "kind", "original_name", "stored_file", "size", "uploaded_at"]
    readonly_fields = ["project", "kind", "stored_file", "size", "uploaded_at"]
    date_hierarchy = "uploaded_at"

    @admin.display(description=_("file"))
    def stored_file(self, obj):
        return stored_file_name(obj.file)

    def has_add_permission(self, request):
        return False


@admin.register(ProjectEvent)
class ProjectEventAdmin(ProjectRowAdmin):
    """The projects' history: read only."""

    list_display = [
        "created_at",
        "kind",
        "project",
        "edition",
        "from_status",
        "to_status",
        "visible_to_producer",
        "by",
    ]
    list_filter = ["kind", "visible_to_producer", "project__call__edition__programme"]
    search_fields = ["message", "by__email", *PROJECT_SEARCH]
    list_select_related = [*PROJECT_SELECT, "by"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
