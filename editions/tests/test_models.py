import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from editions.models import Call, Edition, Session
from editions.tests.factories import CallFactory, EditionFactory

pytestmark = pytest.mark.django_db


def test_edition_display_title_falls_back_to_programme_and_year(programme):
    edition = EditionFactory.build(programme=programme, year=2027, title="")

    assert edition.display_title == "Films in Progress 2027"
    assert str(EditionFactory.build(programme=programme, title="FiP 50")) == "FiP 50"


def test_edition_url(programme):
    edition = EditionFactory(programme=programme, slug="2027")

    assert edition.get_absolute_url() == "/en/programmes/films-in-progress/2027/"


def test_edition_clean_refuses_end_before_start(programme):
    edition = EditionFactory.build(
        programme=programme, starts_on=dt.date(2027, 3, 2), ends_on=dt.date(2027, 3, 1)
    )

    with pytest.raises(ValidationError) as error:
        edition.clean()
    assert error.value.message_dict == {"ends_on": ["The last day cannot be before the first day."]}


def test_edition_time_zone_must_be_known(programme):
    edition = EditionFactory.build(programme=programme, time_zone="Mars/Olympus")

    with pytest.raises(ValidationError) as error:
        edition.full_clean()
    assert "time_zone" in error.value.message_dict


def test_edition_state_is_checked_by_the_database(edition):
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(state="deleted")


def test_edition_slug_is_unique_within_a_programme(edition):
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(programme=edition.programme, slug=edition.slug)


def test_session_places_must_be_positive_in_the_database(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(places=0)


def test_call_must_close_after_opening_in_the_database(call):
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(closes_at=call.opens_at)


def test_call_local_times_are_in_the_edition_time_zone(programme):
    edition = EditionFactory(programme=programme, time_zone="America/Lima")
    call = CallFactory(
        edition=edition,
        opens_at=dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC),
        closes_at=dt.datetime(2027, 2, 1, 4, 59, tzinfo=dt.UTC),
    )

    assert call.local_closes_at.replace(tzinfo=None) == dt.datetime(2027, 1, 31, 23, 59)
    assert call.local_opens_at.hour == 10


def test_call_open_and_closed(call):
    now = timezone.now()

    assert call.is_open(now)
    assert not call.has_closed(now)
    assert not call.is_open(call.closes_at)
    assert call.has_closed(call.closes_at)
    assert not call.is_open(call.opens_at - dt.timedelta(seconds=1))


def test_call_choice_lists_display_labels(call):
    assert call.get_accepted_stages_display() == ["Rough cut", "Fine cut"]
    assert call.get_required_materials_display()[0] == "Stills"


def test_call_choice_lists_refuse_unknown_codes(call):
    call.accepted_stages = ["finished"]

    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "accepted_stages" in error.value.message_dict
