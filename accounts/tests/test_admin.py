import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD
from outbox.models import Mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_user_changelist_lists_and_searches(admin_client, producer, unconfirmed):
    url = reverse("admin:accounts_user_changelist")
    response = admin_client.get(url, {"q": "nueva"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [unconfirmed]
    filtered = admin_client.get(url, {"email_confirmed__exact": "0"})
    assert list(filtered.context["cl"].result_list) == [unconfirmed]


def test_user_add_page_creates_user_without_username(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "jurado@example.org",
            "full_name": "Julia Jurado",
            "language": "fr",
            "email_confirmed": "on",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = User.objects.get(email="jurado@example.org")
    assert response.status_code == 302
    assert (user.full_name, user.language, user.email_confirmed) == ("Julia Jurado", "fr", True)
    assert user.check_password(PASSWORD)


def test_user_change_page_saves(admin_client, producer):
    url = reverse("admin:accounts_user_change", args=[producer.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "email": producer.email,
            "full_name": "Paula Cambiada",
            "language": "pt",
            "email_confirmed": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert (producer.full_name, producer.language) == ("Paula Cambiada", "pt")


def test_user_admin_confirm_action(admin_client, unconfirmed):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "confirm_emails", "_selected_action": [unconfirmed.pk]},
    )
    unconfirmed.refresh_from_db()
    assert unconfirmed.email_confirmed is True


def test_user_admin_resend_action_skips_confirmed(admin_client, unconfirmed, producer):
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "resend_confirmation_links", "_selected_action": [unconfirmed.pk, producer.pk]},
    )
    assert list(Mail.objects.values_list("recipient", "language")) == [(unconfirmed.pk, "es")]


def test_user_admin_refused_to_non_admin(producer_client):
    response = producer_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
