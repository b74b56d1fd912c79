"""Writes about people: signing up, confirming an address, the mails with links, the
profile. Views, the admin and commands all go through these functions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.models import Mail
from outbox.services import queue_mail_to_user

from .models import User
from .tokens import email_confirmation_token

CONFIRM_EMAIL_MAIL = "accounts.confirm_email"
PASSWORD_RESET_MAIL = "accounts.password_reset"  # noqa: S105 - a mail kind, not a secret  # nosec B105
# Forms that mail a link to any address typed into them send at most one such mail per
# person in this interval, so they cannot be used to flood someone's inbox.
MAIL_INTERVAL = timedelta(minutes=2)


def link_in_language(*, viewname: str, language: str, kwargs: dict | None = None) -> str:
    """An absolute link to a page, under the language prefix of the person it is for."""
    with translation.override(language):
        path = reverse(viewname, kwargs=kwargs)
    return f"{settings.SITE_URL}{path}"


def link_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60 * 24))


def _mailed_recently(*, user: User, kind: str) -> bool:
    since = timezone.now() - MAIL_INTERVAL
    return Mail.objects.filter(recipient=user, kind=kind, created_at__gte=since).exists()


@transaction.atomic
def register_user(
    *, full_name: str, email: str, password: str, language: str, email_confirmed: bool = False
) -> User:
    """Create an account, which can sign in once its address is confirmed, and mail the
    confirmation link. An address already proven (the person followed a link sent to it,
    e.g. a jury invitation) is confirmed at once, with no mail."""
    user = User(
        full_name=full_name.strip(),
        email=User.objects.normalize_email(email).lower(),
        language=language,
        email_confirmed=email_confirmed,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if not email_confirmed:
        send_confirmation_link(user=user)
    return user


def send_confirmation_link(*, user: User) -> Mail:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    confirm_url = link_in_language(
        viewname="accounts:confirm_email",
        language=user.language,
        kwargs={"uidb64": uid, "token": token},
    )
    return queue_mail_to_user(
        user=user,
        template="accounts/mail/confirm_email",
        context={"confirm_url": confirm_url, "valid_days": link_days()},
        kind=CONFIRM_EMAIL_MAIL,
    )


def resend_confirmation_link(*, email: str) -> Mail | None:
    """Mail a new link if an active account with this address still needs confirming.
    Says nothing either way: the caller shows the same page whatever happens."""
    user = User.objects.filter(
        email__iexact=email.strip(), email_confirmed=False, is_active=True
    ).first()
    if user is None or _mailed_recently(user=user, kind=CONFIRM_EMAIL_MAIL):
        return None
    return send_confirmation_link(user=user)


@transaction.atomic
def confirm_email(*, user: User) -> User:
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
    return user


def send_password_reset_link(*, user: User) -> Mail | None:
    if _mailed_recently(user=user, kind=PASSWORD_RESET_MAIL):
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    reset_url = link_in_language(
        viewname="accounts:password_reset_confirm",
        language=user.language,
        kwargs={"uidb64": uid, "token": token},
    )
    return queue_mail_to_user(
        user=user,
        template="accounts/mail/password_reset",
        context={"reset_url": reset_url, "valid_days": link_days()},
        kind=PASSWORD_RESET_MAIL,
    )


@transaction.atomic
def update_profile(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.full_clean()
    user.save(update_fields=["full_name", "language"])
    return user


@transaction.atomic
def set_preferred_language(*, user: User, language: str) -> User:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
