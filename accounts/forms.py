"""Forms of the account pages and of the admin. Email addresses are compared without
regard to case everywhere: "Paula@Example.org" and "paula@example.org" are one person."""

import math

from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import services, throttling
from .models import User

DUPLICATE_EMAIL = _(
    "An account with this email address already exists. Sign in, or reset your password if "
    "you have forgotten it."
)


class UniqueEmailMixin:
    """Refuses, at the field, an address that differs only in case from one in use."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        taken = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(DUPLICATE_EMAIL, code="duplicate_email")
        return email


class SignUpForm(UniqueEmailMixin, BaseUserCreationForm):
    accept_data_use = forms.BooleanField(
        label=_(
            "I agree that the details I give here are used to run the call, its jury and its "
            "selection."
        ),
        error_messages={"required": _("Please accept this to create an account.")},
    )

    class Meta:
        model = User
        fields = ("full_name", "email", "language")
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        labels = {"email": _("Email")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["email"].help_text = _("We send a link to this address to confirm it.")
        self.fields["language"].help_text = _("The portal’s pages and mails use this language.")
        current = translation.get_language()
        if current in dict(self.fields["language"].choices):
            self.fields["language"].initial = current
        self.order_fields(
            ["full_name", "email", "password1", "password2", "language", "accept_data_use"]
        )


class EmailAuthenticationForm(AuthenticationForm):
    """Signs in with the email address; an address not yet confirmed is refused with a
    way to get the link again."""

    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "That email address and password do not match an account. Check both and try again."
        ),
        "inactive": _("This account is closed. Please write to the festival team."),
        "email_unconfirmed": _(
            "Please confirm your email address first: open the link we mailed you when you "
            "created the account."
        ),
        "throttled": _(
            "Too many failed sign-ins for this address. For your account's safety, please "
            "wait %(minutes)s minutes and try again, or reset your password."
        ),
    }

    unconfirmed_email = ""

    def clean(self):
        wait = throttling.locked_for(self.request, self.cleaned_data.get("username") or "")
        if wait:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, math.ceil(wait / 60))},
            )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_confirmed:
            self.unconfirmed_email = user.email
            raise ValidationError(
                self.error_messages["email_unconfirmed"], code="email_unconfirmed"
            )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form, but the mail is queued in the outbox in the person's language."""

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            services.send_password_reset_link(user=user)


class ProfileForm(forms.ModelForm):
    email = forms.EmailField(
        label=_("Email"),
        disabled=True,
        required=False,
        help_text=_("To use another address, please write to the festival team."),
    )

    class Meta:
        model = User
        fields = ("full_name", "email", "language")
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}


# --- Admin ----------------------------------------------------------------------------------


class UserAdminCreationForm(UniqueEmailMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language", "email_confirmed")


class UserAdminChangeForm(UniqueEmailMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
