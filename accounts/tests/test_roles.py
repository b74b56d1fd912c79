"""Roles come from relationships: a producer is anyone signed up, a juror sits on a jury,
staff are on a programme's team (or superusers). Only staff enter the staff area."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(request, producer, juror):
    return {"producer": producer, "juror": juror}[request.param]


@pytest.mark.parametrize("person", ["producer", "juror"], indirect=True)
def test_staff_home_refused_to_producer_and_juror(client, person):
    client.force_login(person)
    response = client.get(reverse("editions:staff_home"))
    assert response.status_code in (403, 404)


def test_staff_home_anonymous_sent_to_login(client):
    response = client.get(reverse("editions:staff_home"))
    assert response["Location"] == f"{reverse('accounts:login')}?next=/en/staff/"


def test_staff_home_open_to_programme_staff(staff_client, programme):
    response = staff_client.get(reverse("editions:staff_home"))
    assert response.status_code == 200
    assert programme.name in response.content.decode()


def test_staff_home_open_to_superuser(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("editions:staff_home")).status_code == 200


def test_staff_home_url_is_under_language_prefix():
    assert reverse("editions:staff_home") == "/en/staff/"
