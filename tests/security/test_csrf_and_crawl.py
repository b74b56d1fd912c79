"""Two properties of every address of the portal, with the world of
tests/security/world.py:

- a POST without the CSRF token is refused (403) and changes nothing, for everyone the
  permission matrix lets act (the default test client skips the check: these clients
  enforce it, as a browser's session would be);
- reading every page, as the edition's staff and as a superuser, changes no row.
"""

import hashlib

import pytest
from django.apps import apps
from django.db import connection

from .matrix import ask, clients, drain
from .test_permission_matrix import ROUTES, expected_for
from .urls import url_of
from .world import ROLES

pytestmark = pytest.mark.django_db

# Answers that mean the request was let through to the view.
ACTED = {"200", "302"}
# Upload views check a request's size before its body is read, and so its CSRF token
# after that; a producer's upload to an application already submitted is sent back
# before either, and changes nothing (the fingerprint below checks it).
REFUSED_BEFORE_THE_CHECK = {("submissions:director_photo", "owner")}
# Rows a page view may write: the session of whoever reads it.
UNTRACKED_TABLES = {"django_session"}


def state_changing_cells(world):
    """(route, url, role) for every POST the matrix lets through to its view, with a
    session of its own."""
    for route in ROUTES:
        _get, post = expected_for(route)
        url = url_of(route, world)
        for role, answer in zip(ROLES, post, strict=True):
            if answer in ACTED and (route.name, role) not in REFUSED_BEFORE_THE_CHECK:
                yield route, url, role


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (but sessions)."""
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in UNTRACKED_TABLES or model._meta.proxy:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name of our own models
            rows = sorted(repr(row) for row in cursor.fetchall())
        digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def test_every_state_changing_post_needs_the_csrf_token(in_world, figure):
    strict = clients(in_world, enforce_csrf_checks=True)
    before = fingerprint()
    endpoints, refused = set(), []
    for route, url, role in state_changing_cells(in_world):
        endpoints.add(route.name)
        answer, response, _body = ask(strict[role], "post", url)
        if answer != "403":
            refused.append(f"{route.name} as {role}: {answer}")
        elif b"CSRF" not in response.content and b"csrf" not in response.content:
            refused.append(f"{route.name} as {role}: 403 but not the CSRF failure page")
    figure("csrf: endpoints refused without the token", len(endpoints))
    assert len(endpoints) > 100, "fewer state-changing endpoints than the portal has"
    assert refused == [], "\n".join(refused)
    assert fingerprint() == before


def test_the_csrf_failure_page_is_the_portals_and_translated(in_world):
    strict = clients(in_world, enforce_csrf_checks=True)
    response = strict["owner"].post("/es/accounts/profile/", {})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_reading_every_page_changes_no_row(role, in_world, figure):
    """Every GET, with no rollback: a page that records something when it is only read
    (a counter, a "seen" flag, a status) fails here."""
    client = clients(in_world)[role]
    before = fingerprint()
    pages = 0
    changed = []
    for route in ROUTES:
        url = url_of(route, in_world)
        response = client.get(url)
        drain(response)
        pages += 1
        after = fingerprint()
        if after != before:
            tables = sorted(table for table in after if after[table] != before.get(table))
            changed.append(f"GET {url} changed {tables}")
            before = after
    figure(f"crawl as {role}: pages read", pages)
    assert changed == [], "\n".join(changed)
