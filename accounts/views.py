"""Signing up, confirming the address, signing in and out, passwords and the profile.

After signing in (or confirming, or changing the preferred language) the person lands on
pages in their own language: the target URL is translated to their language prefix and
the language is remembered in the cookie Django's set_language uses."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError
from django.shortcuts import redirect, resolve_url
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView, UpdateView
from django.views.i18n import set_language as django_set_language

from . import services
from .forms import (
    DUPLICATE_EMAIL,
    EmailAuthenticationForm,
    OutboxPasswordResetForm,
    ProfileForm,
    ResendConfirmationForm,
    SignUpForm,
)
from .models import User
from .tokens import email_confirmation_token

SIGNUP_EMAIL_SESSION_KEY = "accounts_signup_email"


def url_in_language(url: str, language: str) -> str:
    """The same page under another language prefix (the URL unchanged if it is not one of
    ours). The URL is resolved in the language of its own prefix."""
    path_language = translation.get_language_from_path(urlsplit(url).path)
    with translation.override(path_language or translation.get_language()):
        return translate_url(url, language)


def remember_language(response, language: str):
    """Keep the language in the cookie, as Django's set_language does, so that "/" and the
    pages after signing out open in it too. (The redirect's language prefix activates it
    for the next page.)"""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def redirect_in_language(url: str, language: str):
    return remember_language(redirect(url_in_language(url, language)), language)


def set_language(request):
    """Django's set_language; a signed-in person's choice also becomes their preference."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and response.status_code == 302 and language != user.language:
        services.set_preferred_language(user=user, language=language)
    return response


# --- Signing up and confirming the address --------------------------------------------------


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.register_user(
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
                language=data["language"],
            )
        except IntegrityError:  # the same address signed up a moment ago
            form.add_error("email", DUPLICATE_EMAIL)
            return self.form_invalid(form)
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = user.email
        return redirect_in_language(reverse("accounts:signup_done"), user.language)


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        email = self.request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
        return super().get_context_data(email=email, valid_days=services.link_days(), **kwargs)


def user_from_uidb64(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


class ConfirmEmailView(TemplateView):
    """The link in the confirmation mail. Opening it shows a button; pressing the button
    confirms the address and signs the person in. (Mail scanners open links by
    themselves: they must neither use up the link nor be signed in.)"""

    template_name = "accounts/confirm_email.html"

    def dispatch(self, request, *args, **kwargs):
        user = user_from_uidb64(kwargs["uidb64"])
        self.valid = (
            user is not None
            and user.is_active
            and email_confirmation_token.check_token(user, kwargs["token"])
        )
        self.confirming = user if self.valid else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("resend_form", ResendConfirmationForm())
        return super().get_context_data(valid=self.valid, confirming=self.confirming, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.valid:
            return self.render_to_response(self.get_context_data(), status=400)
        user = services.confirm_email(user=self.confirming)
        login(request, user)
        with translation.override(user.language):
            messages.success(
                request,
                gettext("Thank you: your email address is confirmed and you are signed in."),
            )
        return redirect_in_language(resolve_url(settings.LOGIN_REDIRECT_URL), user.language)


class ResendConfirmationView(FormView):
    template_name = "accounts/resend_confirmation.html"
    form_class = ResendConfirmationForm
    success_url = reverse_lazy("accounts:confirmation_sent")

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")}

    def form_valid(self, form):
        services.resend_confirmation_link(email=form.cleaned_data["email"])
        return super().form_valid(form)


class ConfirmationSentView(TemplateView):
    template_name = "accounts/confirmation_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_days=services.link_days(), **kwargs)


# --- Signing in and out ---------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        return remember_language(response, form.get_user().language)

    def get_success_url(self):
        url = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        user = self.request.user
        return url_in_language(url, user.language) if user.is_authenticated else url


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET with 405)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("You are signed out."))
        return response


# --- Passwords ------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_days=services.link_days(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link came by mail, so the address is the person's own.
        services.confirm_email(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password is changed."))
        return response


# --- Profile --------------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm

    def get_object(self, queryset=None):
        # A copy, so that a refused form does not change the name shown in the menu.
        return User.objects.get(pk=self.request.user.pk)

    def form_valid(self, form):
        user = services.update_profile(
            user=self.request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        with translation.override(user.language):
            messages.success(self.request, gettext("Your profile is saved."))
        return redirect_in_language(reverse("accounts:profile"), user.language)
