import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import User
from accounts.tests.conftest import link_in
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import EmailConfirmationTokenGenerator, email_confirmation_token
from outbox.models import Mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-passphrase-77"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def signup_data(**overrides):
    data = {
        "full_name": "Paula Productora",
        "email": "paula@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "es",
        "accept_data_use": "on",
    }
    data.update(overrides)
    return data


def signed_in_id(client):
    return client.session.get(SESSION_KEY)


def confirm_path(user, token=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = token or email_confirmation_token.make_token(user)
    return reverse("accounts:confirm_email", kwargs={"uidb64": uid, "token": token})


# Sign-up


def test_signup_page_language_defaults_to_page_language(client):
    response = client.get("/fr/accounts/signup/")
    assert response.status_code == 200
    assert response.context["form"]["language"].value() == "fr"
    assert '<option value="fr" selected>' in response.content.decode()


def test_signup_creates_unconfirmed_user_and_one_mail_in_chosen_language(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data(language="es"))
    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/signup/done/"
    user = User.objects.get()
    assert (user.email, user.full_name, user.language, user.email_confirmed) == (
        "paula@example.org",
        "Paula Productora",
        "es",
        False,
    )
    assert signed_in_id(client) is None
    mail = Mail.objects.get()
    assert (mail.recipient, mail.language, mail.kind) == (user, "es", "accounts.confirm_email")
    assert len(mailoutbox) == 1
    assert f"{settings.SITE_URL}/es/accounts/confirm/" in mailoutbox[0].body
    done = client.get(response["Location"])
    assert "paula@example.org" in done.content.decode()


@pytest.mark.parametrize("email", ["producer@example.org", "PRODUCER@Example.org"])
def test_signup_duplicate_email_refused_at_field_keeping_input(client, producer, email):
    response = client.post(
        reverse("accounts:signup"), signup_data(full_name="Paula Segunda", email=email)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"][0].startswith("An account with this email address already")
    content = response.content.decode()
    assert 'value="Paula Segunda"' in content
    assert f'value="{email}"' in content
    assert User.objects.count() == 1
    assert Mail.objects.count() == 0


def test_signup_mismatched_passwords_refused_keeping_input(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2=NEW_PASSWORD))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password2"]
    content = response.content.decode()
    assert "The two password fields didn’t match." in content
    assert 'value="Paula Productora"' in content
    assert 'value="paula@example.org"' in content
    assert User.objects.count() == 0


def test_signup_weak_password_refused(client):
    response = client.post(
        reverse("accounts:signup"), signup_data(password1="password", password2="password")
    )
    assert response.status_code == 200
    assert "This password is too common." in response.context["form"].errors["password2"]
    assert User.objects.count() == 0
    assert Mail.objects.count() == 0


def test_signup_without_accepting_data_use_refused(client):
    data = signup_data()
    del data["accept_data_use"]
    response = client.post(reverse("accounts:signup"), data)
    assert response.context["form"].errors["accept_data_use"] == [
        "Please accept this to create an account."
    ]
    assert User.objects.count() == 0


def test_signup_signed_in_redirects_home(producer_client):
    response = producer_client.post(reverse("accounts:signup"), signup_data())
    assert response["Location"] == "/en/"
    assert User.objects.count() == 1


# Confirming the address


def test_confirm_link_opened_shows_button_without_confirming(client, unconfirmed):
    response = client.get(confirm_path(unconfirmed))
    assert response.status_code == 200
    assert response.context["valid"] is True
    assert "Confirm my address" in response.content.decode()
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is False
    assert signed_in_id(client) is None


def test_confirm_link_from_mail_confirms_and_signs_in_in_user_language(
    client, unconfirmed, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_confirmation_link(user=unconfirmed)
    path = urlsplit(link_in(mailoutbox[0].body)).path
    assert path.startswith("/es/")
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is True
    assert signed_in_id(client) == str(unconfirmed.pk)


def test_confirm_link_used_twice_no_longer_works(client, unconfirmed):
    path = confirm_path(unconfirmed)
    client.post(path)
    client.logout()
    response = client.get(path)
    assert response.context["valid"] is False
    assert "This link no longer works" in response.content.decode()


def test_confirm_link_tampered_refused_and_offers_new_link(client, unconfirmed):
    token = email_confirmation_token.make_token(unconfirmed)
    tampered = confirm_path(unconfirmed, token=token[:-1] + ("a" if token[-1] != "a" else "b"))
    page = client.get(tampered)
    assert page.status_code == 200
    content = page.content.decode()
    assert "This link no longer works" in content
    assert f'action="{reverse("accounts:resend_confirmation")}"' in content
    response = client.post(tampered)
    assert response.status_code == 400
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is False
    assert signed_in_id(client) is None


def test_confirm_link_for_other_user_refused(client, unconfirmed):
    other = UserFactory(email_confirmed=False)
    uid = urlsafe_base64_encode(force_bytes(other.pk))
    token = email_confirmation_token.make_token(unconfirmed)
    path = reverse("accounts:confirm_email", kwargs={"uidb64": uid, "token": token})
    assert client.post(path).status_code == 400
    other.refresh_from_db()
    assert other.email_confirmed is False


def test_confirm_link_expired_refused(client, unconfirmed):
    class FourDaysAgo(EmailConfirmationTokenGenerator):
        def _now(self):
            return datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    path = confirm_path(unconfirmed, token=FourDaysAgo().make_token(unconfirmed))
    assert client.get(path).context["valid"] is False
    assert client.post(path).status_code == 400
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is False


@pytest.mark.parametrize("uidb64", ["not-base64!", "OTk5OTk", "YWJj"])
def test_confirm_link_bad_uid_shows_friendly_page(client, uidb64):
    path = reverse("accounts:confirm_email", kwargs={"uidb64": uidb64, "token": "abc-def"})
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["valid"] is False


def test_confirm_link_inactive_user_refused(client, unconfirmed):
    path = confirm_path(unconfirmed)
    User.objects.filter(pk=unconfirmed.pk).update(is_active=False)
    assert client.post(path).status_code == 400
    assert signed_in_id(client) is None


# Sending the link again


def test_resend_confirmation_same_answer_whether_or_not_email_exists(
    client, unconfirmed, producer, django_capture_on_commit_callbacks, mailoutbox
):
    url = reverse("accounts:resend_confirmation")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(url, {"email": email}, follow=True)
            for email in ["nobody@example.org", producer.email, unconfirmed.email]
        ]
    assert [answer.redirect_chain for answer in answers] == [
        [(reverse("accounts:confirmation_sent"), 302)]
    ] * 3
    # The same page, but for the CSRF token, which is masked differently each time.
    assert len({CSRF_TOKEN.sub("", answer.content.decode()) for answer in answers}) == 1
    assert [message.to for message in mailoutbox] == [[unconfirmed.email]]


def test_resend_confirmation_prefills_email_from_query(client):
    response = client.get(reverse("accounts:resend_confirmation"), {"email": "x@example.org"})
    assert response.context["form"]["email"].value() == "x@example.org"


def test_resend_confirmation_invalid_email_shows_field_error(client):
    response = client.post(reverse("accounts:resend_confirmation"), {"email": "not an email"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert 'value="not an email"' in response.content.decode()


# Signing in and out


def test_login_form_label_says_email(client):
    response = client.get(reverse("accounts:login"))
    assert response.context["form"]["username"].label == "Email"
    assert 'type="email"' in response.content.decode()


def test_login_redirects_home_in_preferred_language(client):
    user = UserFactory(language="es")
    response = client.post(
        reverse("accounts:login"), {"username": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert signed_in_id(client) == str(user.pk)


def test_login_redirects_to_next_in_preferred_language(client):
    user = UserFactory(language="pt")
    response = client.post(
        "/en/accounts/login/",
        {"username": user.email, "password": PASSWORD, "next": "/en/accounts/profile/?tab=1"},
    )
    assert response["Location"] == "/pt/accounts/profile/?tab=1"


def test_login_unsafe_next_ignored(client):
    user = UserFactory(language="fr")
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/fr/"


def test_login_unconfirmed_refused_with_message_and_resend_form(client, unconfirmed):
    response = client.post(
        reverse("accounts:login"), {"username": unconfirmed.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please confirm your email address first" in content
    assert f'action="{reverse("accounts:resend_confirmation")}"' in content
    assert f'value="{unconfirmed.email}"' in content
    assert signed_in_id(client) is None


def test_login_unconfirmed_wrong_password_does_not_tell_it_is_unconfirmed(client, unconfirmed):
    response = client.post(
        reverse("accounts:login"), {"username": unconfirmed.email, "password": "wrong"}
    )
    content = response.content.decode()
    assert "That email address and password do not match an account." in content
    assert "Please confirm your email address first" not in content
    assert reverse("accounts:resend_confirmation") not in content
    assert signed_in_id(client) is None


def test_login_inactive_user_refused(client, producer):
    User.objects.filter(pk=producer.pk).update(is_active=False)
    client.post(reverse("accounts:login"), {"username": producer.email, "password": PASSWORD})
    assert signed_in_id(client) is None


def test_login_page_signed_in_redirects(producer_client):
    assert producer_client.get(reverse("accounts:login"))["Location"] == "/en/"


def test_logout_by_get_does_not_sign_out(producer_client, producer):
    response = producer_client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert signed_in_id(producer_client) == str(producer.pk)


def test_logout_by_post_signs_out(producer_client):
    response = producer_client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain == [("/en/", 302)]
    assert signed_in_id(producer_client) is None
    assert "You are signed out." in response.content.decode()


# Passwords


def test_password_reset_mail_in_user_language(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="sofia@example.org", language="es")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "Sofia@Example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    mail = Mail.objects.get()
    assert (mail.recipient, mail.language, mail.kind) == (user, "es", "accounts.password_reset")
    assert [message.to for message in mailoutbox] == [["sofia@example.org"]]
    assert link_in(mailoutbox[0].body).startswith(
        f"{settings.SITE_URL}/es/accounts/password/reset/"
    )


def test_password_reset_unknown_email_same_answer_no_mail(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert Mail.objects.count() == 0


def test_password_reset_link_sets_password_and_confirms_email(
    client, unconfirmed, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": unconfirmed.email})
    path = urlsplit(link_in(mailoutbox[0].body)).path
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    set_password_path = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    unconfirmed.refresh_from_db()
    assert unconfirmed.check_password(NEW_PASSWORD)
    assert unconfirmed.email_confirmed is True
    # Used once, the link is dead.
    assert client.get(path, follow=True).context["validlink"] is False


def test_password_reset_bad_link_offers_new_one(client, producer):
    uid = urlsafe_base64_encode(force_bytes(producer.pk))
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": "x-y"})
    response = client.get(path)
    assert response.context["validlink"] is False
    assert reverse("accounts:password_reset") in response.content.decode()


def test_password_change_anonymous_sent_to_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change_changes_password_and_stays_signed_in(producer_client, producer):
    response = producer_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("accounts:profile"), 302)]
    assert "Your password is changed." in response.content.decode()
    producer.refresh_from_db()
    assert producer.check_password(NEW_PASSWORD)
    assert signed_in_id(producer_client) == str(producer.pk)


def test_password_change_wrong_old_password_refused(producer_client, producer):
    response = producer_client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "old_password" in response.context["form"].errors
    producer.refresh_from_db()
    assert producer.check_password(PASSWORD)


# Profile


def test_profile_anonymous_sent_to_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response["Location"] == f"{reverse('accounts:login')}?next=/en/accounts/profile/"


def test_profile_shows_email_read_only(producer_client):
    response = producer_client.get(reverse("accounts:profile"))
    content = response.content.decode()
    assert response.context["form"].fields["email"].disabled is True
    assert 'value="producer@example.org"' in content
    assert reverse("accounts:password_change") in content


def test_profile_language_change_persists_and_redirects_to_new_prefix(producer_client, producer):
    response = producer_client.post(
        "/en/accounts/profile/",
        {"full_name": "Paula Pérez", "language": "es", "email": "thief@example.org"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    producer.refresh_from_db()
    assert (producer.full_name, producer.language, producer.email) == (
        "Paula Pérez",
        "es",
        "producer@example.org",
    )
    page = producer_client.get(response["Location"])
    assert '<html lang="es">' in page.content.decode()


def test_profile_saved_shows_message(producer_client):
    response = producer_client.post(
        reverse("accounts:profile"), {"full_name": "Paula Pérez", "language": "en"}, follow=True
    )
    assert response.redirect_chain == [("/en/accounts/profile/", 302)]
    assert "Your profile is saved." in response.content.decode()


def test_profile_blank_name_refused_database_unchanged(producer_client, producer):
    response = producer_client.post(
        reverse("accounts:profile"), {"full_name": "", "language": "fr"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["This field is required."]
    assert '<option value="fr" selected>' in response.content.decode()
    producer.refresh_from_db()
    assert (producer.full_name, producer.language) == ("Paula Productora", "en")


def test_profile_unknown_language_refused(producer_client, producer):
    response = producer_client.post(
        reverse("accounts:profile"), {"full_name": "Paula", "language": "xx"}
    )
    assert "language" in response.context["form"].errors
    producer.refresh_from_db()
    assert producer.language == "en"


# set_language


def test_set_language_stores_preference_of_signed_in_user(producer_client, producer):
    response = producer_client.post(
        reverse("set_language"), {"language": "fr", "next": "/en/accounts/profile/"}
    )
    assert response["Location"] == "/fr/accounts/profile/"
    producer.refresh_from_db()
    assert producer.language == "fr"


def test_set_language_unknown_language_keeps_preference(producer_client, producer):
    producer_client.post(reverse("set_language"), {"language": "xx", "next": "/en/"})
    producer.refresh_from_db()
    assert producer.language == "en"


def test_set_language_anonymous_redirects_to_translated_page(client):
    response = client.post(reverse("set_language"), {"language": "pt", "next": "/en/"})
    assert response["Location"] == "/pt/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"
