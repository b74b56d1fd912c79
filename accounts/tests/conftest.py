"""Fixtures of the accounts tests."""

import re

import pytest

from accounts.tests.factories import UserFactory

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def unconfirmed(db):
    """Someone who signed up but has not opened the confirmation link yet."""
    return UserFactory(
        email="nueva@example.org", full_name="Nora Nueva", language="es", email_confirmed=False
    )


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="admin@example.org", full_name="Ada Admin", is_superuser=True, is_staff=True
    )


def link_in(text: str) -> str:
    """The one link in a mail's text."""
    links = LINK.findall(text)
    assert len(links) == 1, links
    return links[0]
