"""Deadlines on the nights the clocks change.

Staff type a call's deadline in its edition's time zone; it is stored as an instant, and a
submission is judged against that instant to the second (refused from the deadline on),
whatever the clocks on the wall did that night. The producer reads the deadline in the
edition's time zone. The instants below are worked out by hand from the time zone
database, not by the code under test. Moments reach submit_project() through its
`moment`; the pages read a patched django.utils.timezone.now.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions import services as edition_services
from editions.forms import CallForm
from editions.models import Call
from editions.tests.factories import LATIN_AMERICA, EditionFactory, ProgrammeFactory
from submissions import services
from submissions.models import ProjectStatus

from .factories import complete_project

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SECOND = dt.timedelta(seconds=1)


def call_form(edition, closes_at: str) -> CallForm:
    """The staff's call form, with the deadline typed as staff type it."""
    opens_at = dt.datetime.fromisoformat(closes_at) - dt.timedelta(days=30)
    data = {
        "title": "Call for works in progress",
        "guidelines": "Latin American films in post-production.",
        "opens_at": opens_at.strftime("%Y-%m-%dT10:00"),
        "closes_at": closes_at,
        "eligible_countries": LATIN_AMERICA,
        "majority_from_eligible_countries": "on",
        "max_share_outside": "100",
        "min_eligible_countries": "1",
        "minimum_runtime": "60",
        "accepted_stages": ["rough_cut", "fine_cut"],
        "required_materials": ["stills", "screener", "budget"],
        "max_stills": "6",
    }
    form = CallForm(data=data, instance=Call(edition=edition))
    with timezone.override(edition.tz):  # as EditionTimeZoneMixin does for the page
        form.full_clean()
    return form


def call_with_deadline(zone: str, closes_at: str) -> Call:
    edition = EditionFactory(programme=ProgrammeFactory(), time_zone=zone)
    form = call_form(edition, closes_at)
    assert form.is_valid(), form.errors
    return edition_services.save_call(call=form.save(commit=False))


def refusal(deadline: str, zone: str) -> str:
    return f"The deadline has passed: applications closed on {deadline} ({zone} time)."


# (time zone, deadline typed by staff, the same instant in UTC)
DEADLINES = [
    # Madrid's clocks go back from 03:00 to 02:00 on 25 October 2026: a day of 25 hours,
    # on winter time (UTC+1) from 02:00 on.
    pytest.param(
        "Europe/Madrid",
        "2026-10-25T23:59",
        dt.datetime(2026, 10, 25, 22, 59, tzinfo=UTC),
        id="madrid-evening-of-the-25-hour-day",
    ),
    pytest.param(
        "Europe/Madrid",
        "2026-10-25T01:59",
        dt.datetime(2026, 10, 24, 23, 59, tzinfo=UTC),
        id="madrid-just-before-the-repeated-hour",
    ),
    pytest.param(
        "Europe/Madrid",
        "2026-10-25T03:00",
        dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
        id="madrid-just-after-the-repeated-hour",
    ),
    # Madrid's clocks go forward from 02:00 to 03:00 on 28 March 2027: a day of 23 hours,
    # on summer time (UTC+2) from 03:00 on.
    pytest.param(
        "Europe/Madrid",
        "2027-03-28T03:00",
        dt.datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
        id="madrid-just-after-the-missing-hour",
    ),
    pytest.param(
        "Europe/Madrid",
        "2027-03-28T23:59",
        dt.datetime(2027, 3, 28, 21, 59, tzinfo=UTC),
        id="madrid-evening-of-the-23-hour-day",
    ),
    # Santiago's clocks go forward at midnight on Saturday 5 September 2026 (UTC-4 to
    # UTC-3) and back at midnight on Saturday 4 April 2026 (UTC-3 to UTC-4).
    pytest.param(
        "America/Santiago",
        "2026-09-05T23:59",
        dt.datetime(2026, 9, 6, 3, 59, tzinfo=UTC),
        id="santiago-saturday-before-the-missing-hour",
    ),
    pytest.param(
        "America/Santiago",
        "2026-09-06T01:00",
        dt.datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
        id="santiago-just-after-the-missing-hour",
    ),
    pytest.param(
        "America/Santiago",
        "2026-04-05T00:00",
        dt.datetime(2026, 4, 5, 4, 0, tzinfo=UTC),
        id="santiago-midnight-after-the-repeated-hour",
    ),
    # São Paulo went on summer time (UTC-2) at midnight on 4 November 2018, and Brazil
    # abolished summer time in 2019: 3 November 2019 stayed on UTC-3.
    pytest.param(
        "America/Sao_Paulo",
        "2018-11-04T01:00",
        dt.datetime(2018, 11, 4, 3, 0, tzinfo=UTC),
        id="sao-paulo-2018-just-after-the-missing-hour",
    ),
    pytest.param(
        "America/Sao_Paulo",
        "2019-11-03T00:30",
        dt.datetime(2019, 11, 3, 3, 30, tzinfo=UTC),
        id="sao-paulo-2019-no-summer-time-any-more",
    ),
]


@pytest.mark.parametrize(("zone", "typed", "instant"), DEADLINES)
def test_a_deadline_on_a_night_the_clocks_change_closes_at_its_instant(
    zone, typed, instant, producer
):
    call = call_with_deadline(zone, typed)
    assert call.closes_at == instant
    assert call.local_closes_at.strftime("%Y-%m-%dT%H:%M") == typed
    draft = complete_project(call=call, owner=producer)

    for moment in (instant, instant + SECOND):
        with pytest.raises(ValidationError) as error:
            services.submit_project(project=draft, by=producer, moment=moment)
        assert error.value.code == "deadline_passed"
        assert error.value.messages == [refusal(typed.replace("T", " "), zone)]
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (ProjectStatus.DRAFT, None)

    project = services.submit_project(project=draft, by=producer, moment=instant - SECOND)
    project.refresh_from_db()
    assert (project.status, project.submitted_at) == (ProjectStatus.SUBMITTED, instant - SECOND)


# Local times that happen twice or not at all: staff are asked for another deadline.
IMPOSSIBLE = [
    pytest.param("Europe/Madrid", "2026-10-25T02:30", "ambiguous_time", id="madrid-twice"),
    pytest.param("Europe/Madrid", "2027-03-28T02:30", "nonexistent_time", id="madrid-never"),
    pytest.param(
        "America/Santiago", "2026-04-04T23:59", "ambiguous_time", id="santiago-saturday-twice"
    ),
    pytest.param(
        "America/Santiago", "2026-09-06T00:00", "nonexistent_time", id="santiago-no-midnight"
    ),
    pytest.param("America/Sao_Paulo", "2019-02-16T23:30", "ambiguous_time", id="sao-paulo-twice"),
    pytest.param(
        "America/Sao_Paulo", "2018-11-04T00:00", "nonexistent_time", id="sao-paulo-no-midnight"
    ),
]


@pytest.mark.parametrize(("zone", "typed", "code"), IMPOSSIBLE)
def test_a_deadline_that_happens_twice_or_never_is_refused(zone, typed, code):
    edition = EditionFactory(programme=ProgrammeFactory(), time_zone=zone)
    form = call_form(edition, typed)

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["closes_at"]] == [code]


def test_a_deadline_inside_the_repeated_hour_is_judged_by_the_instant(producer):
    """A deadline stored at 01:30 UTC on 25 October 2026 (as the admin, which works in
    UTC, lets one enter it) is 02:30 on Madrid's second pass through 02:00–03:00. At
    02:45 on the first pass the wall clock is past 02:30, but the deadline is not."""
    call = call_with_deadline("Europe/Madrid", "2026-10-20T12:00")
    call.closes_at = dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    call = edition_services.save_call(call=call)
    local = call.local_closes_at
    assert (local.hour, local.minute, local.fold) == (2, 30, 1)
    assert local.utcoffset() == dt.timedelta(hours=1)
    first, second = (
        complete_project(call=call, owner=owner) for owner in (producer, UserFactory())
    )

    with pytest.raises(ValidationError) as error:
        services.submit_project(project=first, by=producer, moment=call.closes_at)
    assert error.value.messages == [refusal("2026-10-25 02:30", "Europe/Madrid")]

    quarter_to_three_on_summer_time = dt.datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert timezone.localtime(quarter_to_three_on_summer_time, call.edition.tz).hour == 2
    accepted = services.submit_project(
        project=first, by=producer, moment=quarter_to_three_on_summer_time
    )
    assert accepted.status == ProjectStatus.SUBMITTED
    last_second = services.submit_project(
        project=second, by=second.owner, moment=call.closes_at - SECOND
    )
    assert last_second.status == ProjectStatus.SUBMITTED


@pytest.fixture
def madrid_project(producer):
    """A complete draft for a call closing at 23:59 on Madrid's 25-hour day."""
    call = call_with_deadline("Europe/Madrid", "2026-10-25T23:59")
    return complete_project(call=call, owner=producer)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_producer_reads_the_deadline_in_the_editions_time_zone(client, madrid_project):
    deadline = madrid_project.call.closes_at  # 22:59 UTC
    project_page = reverse("submissions:project", args=[madrid_project.pk])
    review_page = reverse("submissions:review", args=[madrid_project.pk])
    with at(deadline - dt.timedelta(hours=2)):
        client.force_login(madrid_project.owner)
        project = client.get(project_page).content.decode()
        review = client.get(review_page).content.decode()
    assert "submit it before Oct. 25, 2026, 23:59 (Europe/Madrid time)" in project
    assert "Deadline Oct. 25, 2026, 23:59 (Europe/Madrid time)" in review
    assert reverse("submissions:submit", args=[madrid_project.pk]) in review

    with at(deadline):
        review = client.get(review_page).content.decode()
    assert "Closed on Oct. 25, 2026, 23:59 (Europe/Madrid time)" in review
    assert "applications closed on Oct. 25, 2026 at 23:59 (Europe/Madrid time)" in review
    assert reverse("submissions:submit", args=[madrid_project.pk]) not in review


def test_submitting_from_the_page_at_the_deadline_is_refused_with_the_local_time(
    client, madrid_project
):
    deadline = madrid_project.call.closes_at
    submit = reverse("submissions:submit", args=[madrid_project.pk])
    with at(deadline):
        client.force_login(madrid_project.owner)
        response = client.post(submit)

    assert response.status_code == 200
    assert refusal("2026-10-25 23:59", "Europe/Madrid") in response.content.decode()
    madrid_project.refresh_from_db()
    assert madrid_project.status == ProjectStatus.DRAFT

    with at(deadline - SECOND):
        response = client.post(submit)
    assert response.status_code == 302
    madrid_project.refresh_from_db()
    assert madrid_project.status == ProjectStatus.SUBMITTED
    assert madrid_project.submitted_at == deadline - SECOND
