"""The Django admin, for fixes by hand. Writes go through the same services as the
portal's own pages; an edition's state changes only through its actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from . import mail_templates, services
from .models import ActivityLog, Call, Edition, EditionState, MailTemplate, Programme, Session


def stored_file_name(field_file):
    """An uploaded file's stored name, without a link: uploads are private and served
    only by the portal's own pages, which check who may see them."""
    return field_file.name if field_file else ""


class PortalAdminMixin:
    """What every admin of the portal shares.

    Foreign keys offered as a list of choices are fetched with what their labels need (an
    edition is named after its programme), in one query rather than one per choice; apps
    coming later add their own models to `choices_select_related`. Addresses typed
    without a scheme are taken as https, as on the portal's own forms."""

    choices_select_related = {"editions.edition": ["programme"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = self.choices_select_related.get(db_field.related_model._meta.label_lower)
        if related and "queryset" not in kwargs:
            kwargs["queryset"] = db_field.related_model._default_manager.select_related(*related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Programme)
class ProgrammeAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisers", "slug", "created_at"]
    search_fields = ["name", "organisers", "slug"]
    autocomplete_fields = ["team"]
    readonly_fields = ["logo_file", "created_at"]
    exclude = ["logo"]
    ordering = ["name"]

    @admin.display(description=_("logo"))
    def logo_file(self, obj):
        return stored_file_name(obj.logo)

    def save_model(self, request, obj, form, change):
        services.save_programme(programme=obj, by=request.user)


class SessionInline(PortalAdminMixin, admin.TabularInline):
    model = Session
    extra = 0


class CallInline(PortalAdminMixin, admin.StackedInline):
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
class EditionAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "programme", "number", "year", "starts_on", "ends_on", "state"]
    list_filter = ["programme", "state", "year"]
    list_select_related = ["programme"]
    search_fields = ["title", "slug", "programme__name"]
    readonly_fields = ["state", "created_at"]
    ordering = ["programme__name", "-year", "-number"]
    date_hierarchy = "starts_on"
    inlines = [SessionInline, CallInline]
    actions = [make_public, make_draft, archive]

    def save_model(self, request, obj, form, change):
        services.save_edition(edition=obj, by=request.user)


@admin.register(Session)
class SessionAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "edition", "city", "country", "starts_on", "ends_on", "places"]
    list_select_related = ["edition__programme"]
    list_filter = ["edition__programme", ("country", CountryFilter)]
    search_fields = ["name", "city", "venue", "edition__title", "edition__programme__name"]
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change):
        services.save_session(session=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_session(session=obj, by=request.user)


@admin.register(Call)
class CallAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["title", "edition", "opens_at", "closes_at", "minimum_runtime"]
    list_select_related = ["edition__programme"]
    list_filter = ["edition__programme", "opens_at", "closes_at"]
    search_fields = ["title", "edition__title", "edition__programme__name"]
    date_hierarchy = "closes_at"

    def save_model(self, request, obj, form, change):
        services.save_call(call=obj, by=request.user)


class MailTemplateForm(forms.ModelForm):
    """The same check as the portal's page: no placeholder the mail does not fill."""

    class Meta:
        model = MailTemplate
        fields = ["subject", "body"]

    def clean(self):
        cleaned_data = super().clean()
        kind = mail_templates.get_kind(self.instance.kind)
        if kind is None:
            raise ValidationError(_("There is no such mail."), code="unknown_kind")
        for name in ("subject", "body"):
            text = cleaned_data.get(name)
            if text:
                for problem in mail_templates.check_text(kind, text):
                    self.add_error(name, problem)
        return cleaned_data


@admin.register(MailTemplate)
class MailTemplateAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Staff word an edition's mails on its own page (with placeholders and a preview);
    here only a template's subject and text can be corrected."""

    form = MailTemplateForm
    list_display = ["edition", "kind_name", "language", "subject", "updated_by", "updated_at"]
    list_filter = ["edition__programme", "language", "kind"]
    list_select_related = ["edition__programme", "updated_by"]
    search_fields = ["subject", "body", "kind", "edition__title", "edition__programme__name"]
    readonly_fields = ["edition", "kind_name", "language", "updated_by", "updated_at"]
    fields = ["edition", "kind_name", "language", "subject", "body", "updated_by", "updated_at"]
    date_hierarchy = "updated_at"

    @admin.display(description=_("mail"), ordering="kind")
    def kind_name(self, obj):
        return mail_templates.kind_label(obj.kind)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.save()


@admin.register(ActivityLog)
class ActivityLogAdmin(PortalAdminMixin, admin.ModelAdmin):
    """The audit trail, as the portal wrote it: read, never added, changed or deleted."""

    list_display = ["created_at", "edition", "action", "subject_label", "actor_name", "project_id"]
    list_filter = ["action", "edition__programme"]
    search_fields = ["subject_label", "actor_name", "message"]
    date_hierarchy = "created_at"
    list_select_related = ["edition__programme", "actor"]
    readonly_fields = [field.name for field in ActivityLog._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
