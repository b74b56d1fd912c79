"""Hostile input found by tests/hardening, fixed in the forms: refused with a message by
the field, never an exception."""

import pytest
from django.urls import reverse
from django.utils import timezone

from editions.forms import ActivityFilterForm, CallForm, LocalDateTimeField
from editions.models import Call

pytestmark = pytest.mark.django_db


def call_data(**overrides):
    return {
        "title": "Call for works in progress",
        "opens_at": "2026-01-10T09:00",
        "closes_at": "2026-03-01T18:00",
        "accepted_stages": ["rough_cut"],
        "required_materials": ["stills"],
        "minimum_runtime": "60",
        "max_stills": "6",
        "max_share_outside": "40",
        "min_eligible_countries": "1",
        **overrides,
    }


@pytest.mark.parametrize(
    "zone, field, moment",
    [
        # Five hours behind UTC: the last minute of 9999 is in the year 10000 there.
        ("America/Lima", "closes_at", "9999-12-31T23:59"),
        # One hour ahead: the first minute of the year 1 is in the year 0 there.
        ("Europe/Paris", "opens_at", "0001-01-01T00:00"),
        ("Europe/Paris", "closes_at", "3000-01-01T00:00"),
        ("Europe/Paris", "opens_at", "1899-12-31T23:59"),
    ],
)
def test_call_moment_off_the_calendar_is_refused_at_its_field(edition, zone, field, moment):
    edition.time_zone = zone
    edition.save()
    with timezone.override(zone):
        form = CallForm(data=call_data(**{field: moment}), instance=Call(edition=edition))

        assert not form.is_valid()
        assert form.errors[field] == ["Enter a day and time between the years 1900 and 2999."]


def test_local_date_time_field_keeps_the_years_a_festival_plans():
    field = LocalDateTimeField()
    with timezone.override("America/Lima"):
        assert field.clean("2999-12-31T23:59").year == 2999
        assert field.clean("1900-01-01T00:00").year == 1900


HUGE_ID = "9" * 40


def test_activity_filter_drops_a_project_id_beyond_any_key():
    form = ActivityFilterForm({"project": HUGE_ID}, actors=[])

    assert form.filters()["project_id"] is None
    assert "project" in form.errors


def test_activity_page_with_a_project_id_beyond_any_key_lists_without_it(staff_client, edition):
    response = staff_client.get(
        reverse("editions:staff_activity", kwargs={"pk": edition.pk}), {"project": HUGE_ID}
    )

    assert response.status_code == 200
    assert response.context["project_id"] is None


@pytest.mark.parametrize(
    "name, params",
    [
        ("editions:staff_activity", {"until": "9999-12-31"}),
        ("editions:staff_activity", {"since": "0001-01-01"}),
        ("editions:staff_outbox", {"until": "9999-12-31"}),
        ("editions:staff_outbox", {"since": "0001-01-01"}),
    ],
)
def test_list_filtered_by_a_day_off_the_calendar_is_shown_without_it(
    staff_client, edition, name, params
):
    url = reverse(name, kwargs={"pk": edition.pk} if name.endswith("activity") else {})

    response = staff_client.get(url, params)

    assert response.status_code == 200
    [field] = params
    assert response.context["form"].errors[field] == [
        "Enter a day between the years 1900 and 2999."
    ]
