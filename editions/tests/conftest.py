"""Fixtures of the editions tests."""

import pytest

from accounts.tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="admin@example.org", full_name="Ada Admin", is_superuser=True, is_staff=True
    )


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that person (None: stays anonymous)."""

    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def role_user(request, producer, juror, other_staff):
    """For tests parametrised with indirect=True over the people who must be refused."""
    return {
        "anonymous": None,
        "producer": producer,
        "juror": juror,
        "other_staff": other_staff,
    }[request.param]
