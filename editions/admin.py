"""The Django admin, for fixes by hand. Writes go through the same services as the
portal's own pages; an edition's state changes only through its actions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Call, Edition, EditionState, Programme, Session


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisers", "slug"]
    search_fields = ["name", "organisers", "slug"]
    filter_horizontal = ["team"]
    readonly_fields = ["logo", "created_at"]

    def save_model(self, request, obj, form, change):
        services.save_programme(programme=obj, by=request.user)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class CallInline(admin.StackedInline):
    model = Call
    extra = 0
    show_change_link = True


def _set_state(modeladmin, request, queryset, state):
    for edition in queryset:
        try:
            services.set_edition_state(edition=edition, state=state, by=request.user)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{edition}: {' '.join(error.messages)}", level=messages.ERROR
            )


@admin.action(description=_("Make public"))
def make_public(modeladmin, request, queryset):
    _set_state(modeladmin, request, queryset, EditionState.PUBLIC)


@admin.action(description=_("Back to draft"))
def make_draft(modeladmin, request, queryset):
    _set_state(modeladmin, request, queryset, EditionState.DRAFT)


@admin.action(description=_("Archive"))
def archive(modeladmin, request, queryset):
    _set_state(modeladmin, request, queryset, EditionState.ARCHIVED)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "number", "year", "starts_on", "ends_on", "state"]
    list_filter = ["programme", "state", "year"]
    list_select_related = ["programme"]
    search_fields = ["title", "slug", "programme__name"]
    readonly_fields = ["state", "created_at"]
    inlines = [SessionInline, CallInline]
    actions = [make_public, make_draft, archive]

    def save_model(self, request, obj, form, change):
        services.save_edition(edition=obj, by=request.user)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition", "city", "country", "starts_on", "places"]
    list_select_related = ["edition__programme"]
    list_filter = ["edition__programme"]

    def save_model(self, request, obj, form, change):
        services.save_session(session=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_session(session=obj, by=request.user)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "opens_at", "closes_at"]
    list_select_related = ["edition__programme"]
    list_filter = ["edition__programme"]

    def save_model(self, request, obj, form, change):
        services.save_call(call=obj, by=request.user)
