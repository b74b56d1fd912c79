"""Sign-in throttling (accounts/throttling.py): too many failures for an address, or
from a network address, and signing in is refused for a while, the right password
included, on the portal's sign-in page and on the admin's."""

import pytest
from django.urls import reverse

from accounts import throttling

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


def sign_in(client, email, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_too_many_failures(client):
    user = UserFactory(email="paula@example.org")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT):
        response = sign_in(client, user.email, "wrong password")
        assert "do not match an account" in response.content.decode()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-ins for this address" in page
    assert "wait 15 minutes" in page
    # The address typed is kept.
    assert 'value="paula@example.org"' in page


def test_the_lock_is_per_account_and_lifts_after_a_while(client, monkeypatch):
    locked = UserFactory(email="locked@example.org")
    other = UserFactory(email="other@example.org")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT):
        sign_in(client, "LOCKED@example.org", "wrong password")
    assert throttling.locked_for(None, locked.email) > 0
    sign_in(client, other.email, PASSWORD)
    assert signed_in(client)
    client.logout()

    later = throttling.time.time() + throttling.LOCKOUT + 1
    monkeypatch.setattr(throttling.time, "time", lambda: later)
    sign_in(client, locked.email, PASSWORD)
    assert signed_in(client)


def test_tries_while_locked_do_not_make_the_lock_longer(client, monkeypatch):
    user = UserFactory(email="paula@example.org")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT):
        sign_in(client, user.email, "wrong password")
    first = throttling.locked_for(None, user.email)
    start = throttling.time.time()
    monkeypatch.setattr(throttling.time, "time", lambda: start + 60)
    sign_in(client, user.email, "wrong password")
    assert throttling.locked_for(None, user.email) <= first - 59


def test_one_network_address_trying_many_accounts_is_stopped(client):
    user = UserFactory(email="target@example.org")
    for number in range(throttling.MAX_FAILURES_PER_ADDRESS):
        sign_in(client, f"guess{number}@example.org", "wrong", address="203.0.113.9")
    sign_in(client, user.email, PASSWORD, address="203.0.113.9")
    assert not signed_in(client)
    sign_in(client, user.email, PASSWORD, address="198.51.100.4")
    assert signed_in(client)


def test_a_successful_sign_in_clears_the_accounts_failures(client):
    user = UserFactory(email="paula@example.org")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT - 1):
        sign_in(client, user.email, "wrong password")
    sign_in(client, user.email, PASSWORD)
    assert signed_in(client)
    client.logout()
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT - 1):
        sign_in(client, user.email, "wrong password")
    sign_in(client, user.email, PASSWORD)
    assert signed_in(client)


def test_the_admins_sign_in_is_throttled_too(client):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT):
        client.post(url, {"username": admin.email, "password": "wrong"})
    client.post(url, {"username": admin.email, "password": PASSWORD})
    assert not signed_in(client)


def test_the_message_is_translated(client):
    user = UserFactory(email="paula@example.org")
    for _attempt in range(throttling.MAX_FAILURES_PER_ACCOUNT):
        sign_in(client, user.email, "wrong password")
    response = client.post("/es/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert "Demasiados intentos fallidos" in response.content.decode()
