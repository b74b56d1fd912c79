"""Asking every address as every kind of person, each request in a transaction that is
rolled back, so that every cell sees the same world."""

import copy

from django.db import transaction
from django.test import Client

from .world import ROLES

LOGIN_PREFIXES = ("/en/accounts/login/", "/accounts/login/")
ADMIN_LOGIN_PREFIXES = ("/en/admin/login/",)


def clients(world, **options) -> dict[str, Client]:
    """A client signed in as each role (none for `anonymous`)."""
    result = {}
    for role in ROLES:
        client = Client(**options)
        if role != "anonymous":
            client.force_login(world.people[role])
        result[role] = client
    return result


def drain(response) -> bytes:
    """The body of any response; a streamed file is read to its end (which closes it)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def classify(response) -> str:
    """200, 403, 404, 405…; a redirect is `login` (to sign in), `admin-login` (the admin's
    sign-in page) or `302` (anywhere else)."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(LOGIN_PREFIXES):
            return "login"
        if location.startswith(ADMIN_LOGIN_PREFIXES):
            return "admin-login"
        return "302"
    return str(response.status_code)


def ask(client: Client, method: str, url: str, data=None):
    """One request whose changes, if any, are rolled back. Returns (answer, response,
    body). The client's cookies are put back too: signing out, say, must not sign the
    next cell out."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        body = drain(response)
        transaction.set_rollback(True)
    client.cookies = cookies
    return classify(response), response, body
