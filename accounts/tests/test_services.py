from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.tests.conftest import link_in
from accounts.tests.factories import UserFactory
from accounts.tokens import email_confirmation_token
from outbox.models import Mail

pytestmark = pytest.mark.django_db


def register(**overrides):
    values = {
        "full_name": " Paula Productora ",
        "email": "Paula@Example.ORG",
        "password": "a-Long-test-passphrase-42",
        "language": "fr",
    }
    return services.register_user(**{**values, **overrides})


# register_user


def test_register_user_creates_unconfirmed_user_and_queues_one_mail(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://wip.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    user.refresh_from_db()
    assert (user.email, user.full_name, user.language) == (
        "paula@example.org",
        "Paula Productora",
        "fr",
    )
    assert user.email_confirmed is False
    assert user.check_password("a-Long-test-passphrase-42")
    mail = Mail.objects.get()
    assert (mail.recipient, mail.to, mail.language, mail.kind) == (
        user,
        "paula@example.org",
        "fr",
        services.CONFIRM_EMAIL_MAIL,
    )
    link = link_in(mail.body_text)
    assert link.startswith("https://wip.example.org/fr/accounts/confirm/")
    assert [message.to for message in mailoutbox] == [["paula@example.org"]]
    assert link in mailoutbox[0].body


def test_register_user_with_a_proven_address_is_confirmed_without_mail(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = register(email_confirmed=True)
    user.refresh_from_db()
    assert user.email_confirmed is True
    assert not Mail.objects.exists()


def test_register_user_duplicate_email_in_other_case_refused(producer):
    with pytest.raises(ValidationError) as error:
        register(email="PRODUCER@example.org")
    assert "email" in error.value.message_dict
    assert User.objects.count() == 1
    assert Mail.objects.count() == 0


def test_register_user_unknown_language_refused():
    with pytest.raises(ValidationError):
        register(language="de")
    assert User.objects.count() == 0
    assert Mail.objects.count() == 0


def test_confirmation_link_token_stops_working_once_confirmed(unconfirmed):
    token = email_confirmation_token.make_token(unconfirmed)
    assert email_confirmation_token.check_token(unconfirmed, token)
    services.confirm_email(user=unconfirmed)
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is True
    assert not email_confirmation_token.check_token(unconfirmed, token)


def test_confirm_email_confirmed_user_unchanged(producer):
    services.confirm_email(user=producer)
    producer.refresh_from_db()
    assert producer.email_confirmed is True


# resend_confirmation_link


def test_resend_confirmation_link_unknown_email_sends_nothing():
    assert services.resend_confirmation_link(email="nobody@example.org") is None
    assert Mail.objects.count() == 0


def test_resend_confirmation_link_confirmed_user_sends_nothing(producer):
    assert services.resend_confirmation_link(email=producer.email) is None
    assert Mail.objects.count() == 0


def test_resend_confirmation_link_inactive_user_sends_nothing(unconfirmed):
    User.objects.filter(pk=unconfirmed.pk).update(is_active=False)
    assert services.resend_confirmation_link(email=unconfirmed.email) is None
    assert Mail.objects.count() == 0


def test_resend_confirmation_link_unconfirmed_user_in_their_language(unconfirmed):
    mail = services.resend_confirmation_link(email=" NUEVA@example.org ")
    assert (mail.recipient, mail.language) == (unconfirmed, "es")
    assert "/es/accounts/confirm/" in link_in(mail.body_text)


def test_resend_confirmation_link_at_most_one_mail_per_interval(unconfirmed):
    first = services.resend_confirmation_link(email=unconfirmed.email)
    assert services.resend_confirmation_link(email=unconfirmed.email) is None
    Mail.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - services.MAIL_INTERVAL - timedelta(seconds=1)
    )
    assert services.resend_confirmation_link(email=unconfirmed.email) is not None
    assert Mail.objects.count() == 2


# send_password_reset_link


def test_send_password_reset_link_in_user_language(settings):
    settings.SITE_URL = "https://wip.example.org"
    user = UserFactory(language="pt")
    mail = services.send_password_reset_link(user=user)
    assert (mail.recipient, mail.language, mail.kind) == (
        user,
        "pt",
        services.PASSWORD_RESET_MAIL,
    )
    assert link_in(mail.body_text).startswith("https://wip.example.org/pt/accounts/password/reset/")


def test_send_password_reset_link_at_most_one_mail_per_interval(producer):
    assert services.send_password_reset_link(user=producer) is not None
    assert services.send_password_reset_link(user=producer) is None
    assert Mail.objects.count() == 1


# update_profile and set_preferred_language


def test_update_profile_saves_name_and_language(producer):
    services.update_profile(user=producer, full_name=" Paula Pérez ", language="es")
    producer.refresh_from_db()
    assert (producer.full_name, producer.language) == ("Paula Pérez", "es")


def test_update_profile_unknown_language_refused(producer):
    with pytest.raises(ValidationError):
        services.update_profile(user=producer, full_name="Paula", language="xx")
    producer.refresh_from_db()
    assert (producer.full_name, producer.language) == ("Paula Productora", "en")


def test_set_preferred_language_unknown_language_ignored(producer):
    services.set_preferred_language(user=producer, language="xx")
    producer.refresh_from_db()
    assert producer.language == "en"


def test_set_preferred_language_saves_known_language(producer):
    services.set_preferred_language(user=producer, language="pt")
    producer.refresh_from_db()
    assert producer.language == "pt"


def test_confirmation_mail_greets_by_name_with_english_subject(producer):
    mail = services.send_confirmation_link(user=producer)
    assert mail.subject == "Confirm your email address for WIP Portal"
    assert mail.body_text.startswith("Hello Paula Productora,")
    assert "The link works for 3 days." in mail.body_text


def test_password_reset_mail_names_the_account(producer):
    mail = services.send_password_reset_link(user=producer)
    assert mail.subject == "Choose a new password for WIP Portal"
    assert "the WIP Portal account producer@example.org" in mail.body_text
