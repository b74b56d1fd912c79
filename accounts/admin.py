from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People sign in with their email address: there is no username."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = (
        "email",
        "full_name",
        "language",
        "email_confirmed",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    )
    list_filter = ("email_confirmed", "is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "language", "email_confirmed")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "language",
                    "email_confirmed",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["confirm_emails", "resend_confirmation_links"]

    @admin.action(description=_("Mark the email addresses as confirmed"))
    def confirm_emails(self, request, queryset):
        users = list(queryset.filter(email_confirmed=False))
        for user in users:
            services.confirm_email(user=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d address marked as confirmed.",
                "%(count)d addresses marked as confirmed.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send the confirmation link again"))
    def resend_confirmation_links(self, request, queryset):
        users = list(queryset.filter(email_confirmed=False, is_active=True))
        for user in users:
            services.send_confirmation_link(user=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d confirmation link queued.",
                "%(count)d confirmation links queued.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
