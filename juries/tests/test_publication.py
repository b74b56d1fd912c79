"""Publication of a session's selection (juries/publication.py): scheduling and its
embargo, the Celery task, the staff's page, the public session pages, their stills, the
edition and archive pages, and the JSON feed."""

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editions.models import EditionState
from editions.tests.factories import CallFactory, EditionFactory, SessionFactory
from juries import publication, services, tasks
from juries.models import Dossier, PlacementKind, SessionPublication
from juries.tests.factories import submitted_project
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    PostProductionItemFactory,
    ProjectCompanyFactory,
    StillFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
BUDGET = Decimal("987654.32")
SCREENER_PASSWORD = "planted-screener-pass"
SCREENER_URL = "https://vimeo.com/555444333"
PRIVATE_STRINGS = [
    "987654",  # the total budget
    "31337",  # the amount a post-production need costs
    SCREENER_PASSWORD,
    SCREENER_URL,
    "producer@example.org",
    "Mother's phone is +51",  # a line of the director's statement
]


def film(call, title, *, country="PE", owner=None, english_title=None, still=True):
    """A submitted application with everything a public page could show, and private
    data planted beside it."""
    extra = {"owner": owner} if owner is not None else {}
    project = submitted_project(
        call=call,
        original_title=title,
        english_title=english_title if english_title is not None else f"{title} (English)",
        total_budget=BUDGET,
        expected_runtime=88,
        logline=f"The logline of {title}.",
        short_synopsis=f"The synopsis of {title}.",
        director_statement="Mother's phone is +51 1 234 5678.",
        **extra,
    )
    ProjectCompanyFactory(project=project, country=country)
    DirectorFactory(project=project, name=f"Director of {title}")
    CutFactory(
        project=project, number=1, screener_password=SCREENER_PASSWORD, screener_url=SCREENER_URL
    )
    PostProductionItemFactory(project=project, need="sound", amount=Decimal("31337"))
    if still:
        StillFactory(project=project, web=ContentFile(jpeg_bytes(640, 360), name="web.jpg"))
    return project


def make_selection(edition, by, placements, *, lock=True):
    for project, session, kind in placements:
        services.place_project(edition=edition, project=project, session=session, kind=kind, by=by)
    if lock:
        services.lock_selection(edition=edition, by=by)


@pytest.fixture
def sessions(edition):
    toulouse = SessionFactory(edition=edition, city="Toulouse", country="FR")
    lima = SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        starts_on=dt.date(edition.year, 8, 10),
        ends_on=dt.date(edition.year, 8, 12),
    )
    return toulouse, lima


@pytest.fixture
def films(edition, call, sessions, staff, producer):
    """Two films selected in Toulouse (one the producer's), one in Lima, one on
    Toulouse's waitlist; the selection is locked."""
    toulouse, lima = sessions
    chosen = {
        "rios": film(call, "Los ríos de Oruro", country="BO", owner=producer),
        "niebla": film(call, "Niebla"),
        "cerro": film(call, "La casa del cerro"),
        "espera": film(call, "En espera"),
    }
    make_selection(
        edition,
        staff,
        [
            (chosen["rios"], toulouse, PlacementKind.SELECTED),
            (chosen["niebla"], toulouse, PlacementKind.SELECTED),
            (chosen["cerro"], lima, PlacementKind.SELECTED),
            (chosen["espera"], toulouse, PlacementKind.WAITLIST),
        ],
    )
    return chosen


def page_url(session):
    return publication.session_url(session)


def still_of(project):
    return project.stills.get()


def public_still_url(session, project):
    return publication.still_url(session, still_of(project).pk)


def still_status(client, url) -> int:
    response = client.get(url)
    if response.streaming:
        # Read to the end, which closes the file; response.close() would send
        # request_finished and close the test transaction's connection on PostgreSQL.
        b"".join(response.streaming_content)
    return response.status_code


def edition_selection_url(edition):
    return reverse(
        "selections:edition",
        kwargs={"programme": edition.programme.slug, "edition": edition.slug},
    )


def future(days=1):
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def feed(client, **params):
    response = client.get(reverse("selections:feed"), params)
    assert response.status_code == 200
    return response, json.loads(response.content)


# --- Scheduling ---------------------------------------------------------------------------


def test_schedule_publication_now_publishes_at_once(client, sessions, films, staff):
    toulouse, _lima = sessions
    assert client.get(page_url(toulouse)).status_code == 404

    done = publication.schedule_publication(session=toulouse, by=staff)

    assert done.is_published
    assert done.publish_at == done.published_at
    assert done.scheduled_by == staff
    content = client.get(page_url(toulouse)).content.decode()
    assert "Los ríos de Oruro" in content
    assert "Niebla" in content


def test_schedule_publication_in_the_past_publishes_now(sessions, films, staff):
    toulouse, _lima = sessions
    before = timezone.now()

    done = publication.schedule_publication(
        session=toulouse, by=staff, at=before - dt.timedelta(hours=3)
    )

    assert done.is_published
    assert done.published_at >= before
    assert done.publish_at == done.published_at


def test_schedule_publication_in_the_future_waits_and_queues_a_task_at_the_moment(
    client, sessions, films, staff, django_capture_on_commit_callbacks
):
    toulouse, _lima = sessions
    moment = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=30)
    with (
        mock.patch.object(tasks.task_publish_due_sessions, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        done = publication.schedule_publication(session=toulouse, by=staff, at=moment)

    assert not done.is_published
    assert done.publish_at == moment
    queued.assert_called_once_with(kwargs={"plan_ahead": False}, eta=moment)
    assert client.get(page_url(toulouse)).status_code == 404


def test_schedule_publication_far_ahead_leaves_the_task_to_beat(
    sessions, films, staff, django_capture_on_commit_callbacks
):
    """A task waiting days in a Redis broker would be handed out again every hour."""
    toulouse, _lima = sessions
    with (
        mock.patch.object(tasks.task_publish_due_sessions, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        publication.schedule_publication(session=toulouse, by=staff, at=future(days=10))
    queued.assert_not_called()


def test_schedule_publication_refused_while_the_selection_is_not_locked(
    edition, call, sessions, staff
):
    toulouse, _lima = sessions
    with pytest.raises(ValidationError) as refused:
        publication.schedule_publication(session=toulouse, by=staff)
    assert refused.value.code == "not_locked"

    make_selection(edition, staff, [(film(call, "Sin candado"), toulouse, "selected")], lock=False)
    with pytest.raises(ValidationError) as refused:
        publication.schedule_publication(session=toulouse, by=staff, at=future())
    assert refused.value.code == "not_locked"
    assert "not locked yet" in refused.value.messages[0]
    assert not SessionPublication.objects.exists()


def test_schedule_publication_refused_for_a_session_with_no_film(edition, call, staff):
    empty = SessionFactory(edition=edition, city="Lima")
    other = SessionFactory(edition=edition, city="Toulouse")
    make_selection(edition, staff, [(film(call, "Otra"), other, "selected")])
    with pytest.raises(ValidationError) as refused:
        publication.schedule_publication(session=empty, by=staff)
    assert refused.value.code == "empty"
    assert not SessionPublication.objects.exists()


def test_schedule_publication_again_changes_the_moment(sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff, at=future(days=2))
    publication.schedule_publication(session=toulouse, by=staff, at=future(days=5))

    stored = SessionPublication.objects.get()
    assert stored.publish_at == future(days=5)
    assert publication.publish_due(moment=future(days=3)) == 0
    assert publication.publish_due(moment=future(days=5)) == 1


def test_schedule_publication_refused_once_published(sessions, films, staff):
    toulouse, _lima = sessions
    done = publication.schedule_publication(session=toulouse, by=staff)
    with pytest.raises(ValidationError) as refused:
        publication.schedule_publication(session=toulouse, by=staff, at=future())
    assert refused.value.code == "published"
    assert SessionPublication.objects.get().published_at == done.published_at


def test_cancel_publication_before_the_moment(client, sessions, films, staff):
    toulouse, _lima = sessions
    moment = future()
    publication.schedule_publication(session=toulouse, by=staff, at=moment)

    publication.cancel_publication(session=toulouse, by=staff)

    assert not SessionPublication.objects.exists()
    assert publication.publish_due(moment=moment) == 0
    assert client.get(page_url(toulouse)).status_code == 404


def test_cancel_publication_refused_when_out_or_not_scheduled(sessions, films, staff):
    toulouse, lima = sessions
    with pytest.raises(ValidationError) as refused:
        publication.cancel_publication(session=lima, by=staff)
    assert refused.value.code == "not_scheduled"
    publication.schedule_publication(session=toulouse, by=staff)
    with pytest.raises(ValidationError) as refused:
        publication.cancel_publication(session=toulouse, by=staff)
    assert refused.value.code == "published"
    assert SessionPublication.objects.get().is_published


# --- The embargo and the task --------------------------------------------------------------


def test_embargo_holds_to_the_second(client, sessions, films, staff):
    toulouse, _lima = sessions
    moment = future()
    publication.schedule_publication(session=toulouse, by=staff, at=moment)
    still = public_still_url(toulouse, films["rios"])

    assert publication.publish_due(moment=moment - dt.timedelta(seconds=1)) == 0
    assert client.get(page_url(toulouse)).status_code == 404
    assert still_status(client, still) == 404
    assert feed(client)[1]["sessions"] == []

    assert publication.publish_due(moment=moment) == 1
    response = client.get(page_url(toulouse))
    assert response.status_code == 200
    assert "Niebla" in response.content.decode()
    assert still_status(client, still) == 200
    assert [item["session"]["city"] for item in feed(client)[1]["sessions"]] == ["Toulouse"]
    assert SessionPublication.objects.get().published_at == moment


def test_publish_due_twice_publishes_once(sessions, films, staff):
    toulouse, lima = sessions
    moment = future()
    publication.schedule_publication(session=toulouse, by=staff, at=moment)
    publication.schedule_publication(session=lima, by=staff, at=moment + dt.timedelta(hours=1))

    assert publication.publish_due(moment=moment) == 1
    assert publication.publish_due(moment=moment + dt.timedelta(minutes=1)) == 0
    assert SessionPublication.objects.get(session=toulouse).published_at == moment
    assert not SessionPublication.objects.get(session=lima).is_published


def test_task_publish_due_sessions_publishes_once(client, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff, at=future())
    # The moment has come (the stored moment is moved rather than the clock).
    SessionPublication.objects.update(publish_at=timezone.now() - dt.timedelta(seconds=5))

    assert tasks.task_publish_due_sessions.delay().get() == 1
    first = SessionPublication.objects.get().published_at
    assert tasks.task_publish_due_sessions.delay().get() == 0
    assert tasks.task_publish_due_sessions(plan_ahead=False) == 0
    assert SessionPublication.objects.get().published_at == first
    assert client.get(page_url(toulouse)).status_code == 200


def test_task_publish_due_sessions_queues_the_moments_coming_soon(sessions, films, staff):
    toulouse, lima = sessions
    soon = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=90)
    publication.schedule_publication(session=toulouse, by=staff, at=soon)
    publication.schedule_publication(session=lima, by=staff, at=future(days=3))

    with mock.patch.object(tasks.task_publish_due_sessions, "apply_async") as queued:
        assert tasks.task_publish_due_sessions() == 0

    queued.assert_called_once_with(kwargs={"plan_ahead": False}, eta=soon)


def test_task_publish_due_sessions_runs_every_minute_under_its_name():
    from wip_portal.celery import app

    name = "juries.tasks.task_publish_due_sessions"
    assert tasks.task_publish_due_sessions.name == name
    assert name in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["publish-selections"] == {"task": name, "schedule": 60.0}


# --- Who sees what before publication ----------------------------------------------------


@pytest.fixture
def as_role(client, producer, juror, staff):
    def login(role):
        if role == "anonymous":
            return client
        client.force_login({"producer": producer, "juror": juror, "staff": staff}[role])
        return client

    return login


@pytest.mark.parametrize("role", ["anonymous", "producer", "juror", "staff"])
def test_public_pages_show_nothing_before_publication(as_role, role, edition, sessions, films):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=None, at=future())
    client = as_role(role)

    assert client.get(page_url(toulouse)).status_code == 404
    assert still_status(client, public_still_url(toulouse, films["rios"])) == 404
    assert client.get(edition_selection_url(edition)).status_code == 404
    assert feed(client)[1]["sessions"] == []
    content = client.get(edition.get_absolute_url()).content.decode()
    assert "Los ríos de Oruro" not in content
    assert "Selected for Toulouse" not in content


def test_public_pages_of_a_draft_edition_stay_hidden(client, edition, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    edition.state = EditionState.DRAFT
    edition.save(update_fields=["state"])

    assert client.get(page_url(toulouse)).status_code == 404
    assert still_status(client, public_still_url(toulouse, films["rios"])) == 404
    assert feed(client)[1]["sessions"] == []


def test_public_session_page_is_at_its_own_address_only(client, programme, sessions, films, staff):
    toulouse, lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    edition = toulouse.edition
    wrong = [
        ("another-programme", edition.slug, toulouse.pk),
        (programme.slug, "another-edition", toulouse.pk),
        (programme.slug, edition.slug, lima.pk),  # not published
        (programme.slug, edition.slug, SessionFactory().pk),  # another edition's
    ]
    for programme_slug, edition_slug, session_pk in wrong:
        url = reverse(
            "selections:session",
            kwargs={"programme": programme_slug, "edition": edition_slug, "session_pk": session_pk},
        )
        assert client.get(url).status_code == 404


def test_staff_preview_shows_the_page_before_publication(staff_client, sessions, films):
    toulouse, _lima = sessions
    url = reverse("juries:staff_publication_preview", kwargs={"session_pk": toulouse.pk})

    response = staff_client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview — only staff see this." in content
    assert "Los ríos de Oruro" in content
    assert "En espera" not in content  # waitlisted
    still = still_of(films["rios"])
    assert reverse("submissions:still_file", kwargs={"pk": still.pk, "version": "web"}) in content
    assert public_still_url(toulouse, films["rios"]) not in content


def test_staff_preview_of_a_selection_not_locked_yet(staff_client, edition, call, staff):
    session = SessionFactory(edition=edition)
    make_selection(edition, staff, [(film(call, "En obra"), session, "selected")], lock=False)
    url = reverse("juries:staff_publication_preview", kwargs={"session_pk": session.pk})
    assert "En obra" in staff_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("other_staff", 404), ("producer", 403), ("juror", 403)]
)
def test_staff_preview_denied(client, request, role, status, sessions, films):
    toulouse, _lima = sessions
    client.force_login(request.getfixturevalue(role))
    url = reverse("juries:staff_publication_preview", kwargs={"session_pk": toulouse.pk})
    response = client.get(url)
    assert response.status_code == status
    assert "Los ríos de Oruro" not in response.content.decode()


def test_staff_preview_sends_anonymous_people_to_sign_in(client, sessions, films):
    toulouse, _lima = sessions
    url = reverse("juries:staff_publication_preview", kwargs={"session_pk": toulouse.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The public pages ----------------------------------------------------------------------


def test_public_session_page_shows_each_selected_film(client, sessions, films, staff):
    toulouse, lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    publication.schedule_publication(session=lima, by=staff)

    content = client.get(page_url(toulouse)).content.decode()

    assert content.index("Los ríos de Oruro") < content.index("Niebla")
    assert "Los ríos de Oruro (English)" in content
    assert "Director of Los ríos de Oruro" in content
    assert "Bolivia" in content
    assert "88 min" in content
    assert "The logline of Niebla." in content
    assert "The synopsis of Niebla." in content
    assert "Sound design and mix" in content
    assert public_still_url(toulouse, films["rios"]) in content
    assert "En espera" not in content  # on the waitlist
    assert "La casa del cerro" not in content  # Lima's
    assert page_url(lima) in content  # the other session of the edition
    for private in PRIVATE_STRINGS:
        assert private not in content
    assert "/media/" not in content


def test_public_still_is_the_web_version_of_the_film_shown(client, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)

    response = client.get(public_still_url(toulouse, films["rios"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_public_still_denied_for_other_films_and_stills(client, edition, sessions, films, staff):
    toulouse, lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    second = StillFactory(
        project=films["rios"], position=5, web=ContentFile(jpeg_bytes(64, 36), name="web.jpg")
    )
    refused = [
        publication.still_url(toulouse, second.pk),  # not the still the page shows
        public_still_url(toulouse, films["espera"]),  # waitlisted
        public_still_url(toulouse, films["cerro"]),  # selected in Lima, not Toulouse
        public_still_url(lima, films["cerro"]),  # Lima is not published
    ]
    for url in refused:
        assert still_status(client, url) == 404


def test_public_edition_selection_shows_both_sessions(client, edition, sessions, films, staff):
    toulouse, lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    assert "La casa del cerro" not in client.get(edition_selection_url(edition)).content.decode()
    publication.schedule_publication(session=lima, by=staff)

    content = client.get(edition_selection_url(edition)).content.decode()

    assert content.index("Toulouse") < content.index("Niebla") < content.index("Lima")
    assert content.index("Lima") < content.index("La casa del cerro")


def test_edition_page_lists_the_films_only_after_publication(client, edition, sessions, films):
    toulouse, _lima = sessions
    moment = future()
    publication.schedule_publication(session=toulouse, by=None, at=moment)
    content = client.get(edition.get_absolute_url()).content.decode()
    assert "Niebla" not in content
    assert page_url(toulouse) not in content

    publication.publish_due(moment=moment)

    content = client.get(edition.get_absolute_url()).content.decode()
    assert "Selected for Toulouse" in content
    assert "Los ríos de Oruro" in content
    assert "Niebla" in content
    assert page_url(toulouse) in content
    assert "La casa del cerro" not in content  # Lima is not out
    assert "En espera" not in content


def past_edition_with_selection(programme, year, staff, titles=("Pasado",)):
    edition = EditionFactory(
        programme=programme,
        year=year,
        slug=str(year),
        starts_on=dt.date(year, 3, 1),
        ends_on=dt.date(year, 8, 31),
        state=EditionState.ARCHIVED,
    )
    session = SessionFactory(
        edition=edition, starts_on=dt.date(year, 3, 20), ends_on=dt.date(year, 3, 22)
    )
    call = CallFactory(
        edition=edition,
        opens_at=dt.datetime(year - 1, 10, 1, tzinfo=UTC),
        closes_at=dt.datetime(year - 1, 12, 1, tzinfo=UTC),
    )
    make_selection(
        edition, staff, [(film(call, title), session, PlacementKind.SELECTED) for title in titles]
    )
    publication.schedule_publication(session=session, by=staff)
    return edition, session


def test_archive_keeps_past_selections(client, programme, staff):
    year = timezone.localdate().year - 3
    _edition, session = past_edition_with_selection(programme, year, staff, ["Memoria"])

    content = client.get(reverse("editions:archive")).content.decode()

    assert "Memoria" in content
    assert page_url(session) in content
    assert client.get(page_url(session)).status_code == 200


# --- The feed ------------------------------------------------------------------------------


def test_feed_gives_published_selections_without_private_data(client, sessions, films, staff):
    toulouse, lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    publication.schedule_publication(session=lima, by=staff, at=future())

    response, data = feed(client)

    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert 0 < int(response["Cache-Control"].split("=")[1]) <= 60
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies  # nothing personal: a shared cache may keep it
    [item] = data["sessions"]  # Lima is not out
    edition = toulouse.edition
    assert item["programme"]["slug"] == edition.programme.slug
    assert item["edition"]["title"] == edition.display_title
    assert item["session"]["city"] == "Toulouse"
    assert item["session"]["starts_on"] == toulouse.starts_on.isoformat()
    assert item["session"]["url"] == settings.SITE_URL + page_url(toulouse)
    assert [film["original_title"] for film in item["films"]] == ["Los ríos de Oruro", "Niebla"]
    first = item["films"][0]
    assert first == {
        "position": 1,
        "original_title": "Los ríos de Oruro",
        "english_title": "Los ríos de Oruro (English)",
        "directors": ["Director of Los ríos de Oruro"],
        "countries": [{"code": "BO", "name": "Bolivia"}],
        "runtime_minutes": 88,
        "logline": "The logline of Los ríos de Oruro.",
        "synopsis": "The synopsis of Los ríos de Oruro.",
        "post_production_needs": [{"code": "sound", "label": "Sound design and mix"}],
        "still_url": settings.SITE_URL + public_still_url(toulouse, films["rios"]),
    }
    text = response.content.decode()
    for private in PRIVATE_STRINGS:
        assert private not in text
    assert "En espera" not in text


def test_feed_names_countries_in_the_language_of_its_address(client, sessions, films, staff):
    toulouse, _lima = sessions
    films["niebla"].companies.update(country="PE")
    publication.schedule_publication(session=toulouse, by=staff)

    response = client.get("/es/selections/feed.json")

    data = json.loads(response.content)
    assert data["language"] == "es"
    assert data["sessions"][0]["films"][1]["countries"] == [{"code": "PE", "name": "Perú"}]
    assert data["sessions"][0]["films"][1]["post_production_needs"][0]["code"] == "sound"


def test_feed_filters_by_programme_and_edition(client, programme, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    past_edition_with_selection(programme, timezone.localdate().year - 2, staff)

    assert len(feed(client)[1]["sessions"]) == 2
    assert len(feed(client, programme=programme.slug)[1]["sessions"]) == 2
    edition = toulouse.edition
    only = feed(client, programme=programme.slug, edition=edition.slug)[1]["sessions"]
    assert [item["session"]["id"] for item in only] == [toulouse.pk]
    assert feed(client, programme="nobody")[1]["sessions"] == []


def test_film_without_a_ready_still_has_no_still(client, edition, call, staff):
    session = SessionFactory(edition=edition)
    project = film(call, "Sin imagen", still=False)
    StillFactory(project=project, status="processing")
    make_selection(edition, staff, [(project, session, "selected")])
    publication.schedule_publication(session=session, by=staff)

    assert feed(client)[1]["sessions"][0]["films"][0]["still_url"] is None
    assert "Still from" not in client.get(page_url(session)).content.decode()


# --- Queries do not grow with the films -----------------------------------------------------


def published_edition(programme, staff, count, year):
    edition = EditionFactory(programme=programme, year=year, slug=str(year))
    session = SessionFactory(edition=edition)
    call = CallFactory(edition=edition)
    make_selection(
        edition,
        staff,
        [(film(call, f"Film {year}-{n}"), session, PlacementKind.SELECTED) for n in range(count)],
    )
    publication.schedule_publication(session=session, by=staff)
    return edition, session


def count_queries(client, url):
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_public_pages_queries_do_not_grow_with_the_films(client, programme, staff):
    year = timezone.localdate().year
    small, small_session = published_edition(programme, staff, 1, year + 1)
    large, large_session = published_edition(programme, staff, 5, year + 2)
    pairs = [
        (page_url(small_session), page_url(large_session)),
        (edition_selection_url(small), edition_selection_url(large)),
        (small.get_absolute_url(), large.get_absolute_url()),
    ]
    for one, five in pairs:
        assert count_queries(client, one) == count_queries(client, five)


def test_feed_and_archive_queries_do_not_grow(client, programme, staff):
    year = timezone.localdate().year
    published_edition(programme, staff, 2, year + 1)
    past_edition_with_selection(programme, year - 5, staff)
    feed_url, archive_url = reverse("selections:feed"), reverse("editions:archive")
    counts = [count_queries(client, feed_url), count_queries(client, archive_url)]
    published_edition(programme, staff, 4, year + 2)
    for past in range(year - 9, year - 6):
        past_edition_with_selection(programme, past, staff, ["Uno", "Dos"])
    assert [count_queries(client, feed_url), count_queries(client, archive_url)] == counts
    assert len(json.loads(client.get(feed_url).content)["sessions"]) == 6


def test_staff_page_queries_do_not_grow(staff_client, edition, call, staff):
    sessions = [SessionFactory(edition=edition, city=f"City {n}") for n in range(4)]
    make_selection(edition, staff, [(film(call, "Uno"), sessions[0], "selected")])
    url = reverse("juries:staff_publication", kwargs={"edition_pk": edition.pk})
    one = count_queries(staff_client, url)
    publication.schedule_publication(session=sessions[0], by=staff, at=future())
    assert count_queries(staff_client, url) == one


# --- The staff's page ---------------------------------------------------------------------


def staff_page(edition):
    return reverse("juries:staff_publication", kwargs={"edition_pk": edition.pk})


def publish_url(session):
    return reverse("juries:staff_publish", kwargs={"session_pk": session.pk})


def cancel_url(session):
    return reverse("juries:staff_unpublish_schedule", kwargs={"session_pk": session.pk})


def post_publish(client, session, when, publish_at=""):
    prefix = f"session-{session.pk}"
    return client.post(
        publish_url(session), {f"{prefix}-when": when, f"{prefix}-publish_at": publish_at}
    )


def test_staff_page_shows_each_sessions_state_in_the_editions_time_zone(
    staff_client, edition, sessions, films, staff
):
    toulouse, lima = sessions
    year = timezone.localdate().year + 1
    publication.schedule_publication(session=toulouse, by=staff)
    # 11:30 UTC is 13:30 in Paris in June.
    publication.schedule_publication(
        session=lima, by=staff, at=dt.datetime(year, 6, 15, 11, 30, tzinfo=UTC)
    )

    content = staff_client.get(staff_page(edition)).content.decode()

    assert "Public since" in content
    assert f"Scheduled for June 15, {year}, 1:30 p.m. (Europe/Paris) by Sofía Staff" in content
    assert f'value="{year}-06-15T13:30"' in content  # the form shows the local moment
    assert reverse("juries:staff_publication_preview", kwargs={"session_pk": lima.pk}) in content
    assert cancel_url(lima) in content
    assert cancel_url(toulouse) not in content


def test_staff_page_says_when_nothing_is_published(staff_client, edition, sessions):
    content = staff_client.get(staff_page(edition)).content.decode()
    assert content.count("Not published") == 2
    assert "The selection is not locked yet" in content


def test_staff_publish_now(staff_client, sessions, films):
    toulouse, _lima = sessions
    response = post_publish(staff_client, toulouse, "now")

    assert response.status_code == 302
    assert response["Location"] == staff_page(toulouse.edition)
    assert SessionPublication.objects.get(session=toulouse).is_published
    content = staff_client.get(response["Location"]).content.decode()
    assert "The selection of Toulouse is public now." in content


def test_staff_schedule_in_the_editions_time_zone(staff_client, sessions, films, staff):
    toulouse, _lima = sessions
    year = timezone.localdate().year + 1

    response = post_publish(staff_client, toulouse, "schedule", f"{year}-06-15T13:30")

    assert response.status_code == 302
    stored = SessionPublication.objects.get(session=toulouse)
    assert stored.publish_at == dt.datetime(year, 6, 15, 11, 30, tzinfo=UTC)
    assert not stored.is_published
    assert stored.scheduled_by == staff
    content = staff_client.get(response["Location"]).content.decode()
    assert (
        f"The selection of Toulouse will be public on June 15, {year}, 1:30 p.m. (Europe/Paris)."
        in content
    )


def test_staff_schedule_in_the_past_publishes_now(staff_client, sessions, films):
    toulouse, _lima = sessions
    post_publish(staff_client, toulouse, "schedule", "2001-01-01T10:00")
    assert SessionPublication.objects.get(session=toulouse).is_published


def test_staff_cancel_a_scheduled_publication(staff_client, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff, at=future())

    response = staff_client.post(cancel_url(toulouse))

    assert response.status_code == 302
    assert not SessionPublication.objects.exists()
    content = staff_client.get(response["Location"]).content.decode()
    assert "The publication of Toulouse is called off" in content


def test_staff_cancel_refused_once_published(staff_client, sessions, films, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)

    response = staff_client.post(cancel_url(toulouse), follow=True)

    assert "The selection of Toulouse has been public since" in response.content.decode()
    assert SessionPublication.objects.get().is_published


def test_staff_publish_refused_while_not_locked(staff_client, edition, call, staff):
    session = SessionFactory(edition=edition, city="Toulouse")
    make_selection(edition, staff, [(film(call, "Abierta"), session, "selected")], lock=False)

    response = post_publish(staff_client, session, "now")

    assert response.status_code == 200
    assert "The selection of this edition is not locked yet" in response.content.decode()
    assert not SessionPublication.objects.exists()


@pytest.mark.parametrize(
    ("publish_at", "message"),
    [
        ("15/06/2031 25:00", "Enter a valid date/time."),
        # The clocks in Paris go from 2:00 to 3:00 on the last Sunday of March.
        ("2031-03-30T02:30", "2031-03-30 02:30 does not exist in Europe/Paris"),
        ("", "Choose the day and time it becomes public, or publish it now."),
    ],
)
def test_staff_schedule_bad_moment_refused_with_a_message(
    staff_client, sessions, films, staff, publish_at, message
):
    toulouse, _lima = sessions
    moment = future(days=3)
    publication.schedule_publication(session=toulouse, by=staff, at=moment)

    response = post_publish(staff_client, toulouse, "schedule", publish_at)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    if publish_at:
        assert f'value="{publish_at}"' in content  # what was typed is kept
    stored = SessionPublication.objects.get()
    assert stored.publish_at == moment
    assert not stored.is_published


def test_staff_publish_without_a_choice_is_refused(staff_client, sessions, films):
    toulouse, _lima = sessions
    response = staff_client.post(publish_url(toulouse), {})
    assert response.status_code == 200
    assert "Choose to publish now or at a moment." in response.content.decode()
    assert not SessionPublication.objects.exists()


def test_staff_publish_answers_get_with_405(staff_client, sessions):
    toulouse, _lima = sessions
    assert staff_client.get(publish_url(toulouse)).status_code == 405


@pytest.mark.parametrize(
    ("role", "status"), [("other_staff", 404), ("producer", 403), ("juror", 403)]
)
def test_staff_publication_denied_and_nothing_changes(
    client, request, role, status, sessions, films, staff
):
    toulouse, lima = sessions
    moment = future()
    publication.schedule_publication(session=lima, by=staff, at=moment)
    client.force_login(request.getfixturevalue(role))

    assert client.get(staff_page(toulouse.edition)).status_code == status
    assert post_publish(client, toulouse, "now").status_code == status
    assert post_publish(client, lima, "now").status_code == status
    assert client.post(cancel_url(lima)).status_code == status

    assert not SessionPublication.objects.filter(session=toulouse).exists()
    stored = SessionPublication.objects.get(session=lima)
    assert stored.publish_at == moment
    assert not stored.is_published


def test_staff_publication_sends_anonymous_people_to_sign_in(client, sessions, films):
    toulouse, _lima = sessions
    for response in (
        client.get(staff_page(toulouse.edition)),
        post_publish(client, toulouse, "now"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not SessionPublication.objects.exists()


def test_selection_page_links_to_the_publication(staff_client, edition, sessions):
    content = staff_client.get(
        reverse("juries:staff_selection", kwargs={"edition_pk": edition.pk})
    ).content.decode()
    assert staff_page(edition) in content


def test_the_public_session_page_offers_its_public_dossier(client, staff, edition, sessions, films):
    from juries import dossiers
    from juries.models import Dossier, DossierStatus

    toulouse = sessions[0]
    publication.schedule_publication(session=toulouse, by=staff)
    download = reverse("juries:dossier_public_session", args=[toulouse.pk, "pdf"])
    assert download not in client.get(page_url(toulouse)).content.decode()
    dossier = Dossier.objects.create(
        edition=edition, session=toulouse, version=1, status=DossierStatus.READY
    )
    dossiers.make_public(dossier=dossier, by=staff)
    assert download in client.get(page_url(toulouse)).content.decode()


def test_a_missing_page_is_in_the_sites_layout_and_language(client):
    response = client.get("/es/selections/nobody/none/1/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "WIP Portal" in content


def test_staff_take_a_published_session_down(client, staff_client, films, sessions, staff):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    assert client.get(page_url(toulouse)).status_code == 200
    own = Dossier.objects.create(
        edition=toulouse.edition, session=toulouse, version=1, is_public=True
    )
    whole = Dossier.objects.create(edition=toulouse.edition, version=1, is_public=True)
    lima = Dossier.objects.create(
        edition=toulouse.edition, session=sessions[1], version=1, is_public=True
    )

    response = staff_client.post(
        reverse("juries:staff_withdraw_publication", args=[toulouse.pk]), follow=True
    )

    assert "is no longer public" in response.content.decode()
    assert client.get(page_url(toulouse)).status_code == 404
    assert not SessionPublication.objects.filter(session=toulouse).exists()
    assert list(
        Dossier.objects.filter(pk__in=[own.pk, whole.pk, lima.pk])
        .order_by("pk")
        .values_list("is_public", flat=True)
    ) == [False, False, True]
    # It can be published again.
    publication.schedule_publication(session=toulouse, by=staff)
    assert client.get(page_url(toulouse)).status_code == 200


def test_taking_down_a_session_not_public_is_refused(films, sessions, staff):
    with pytest.raises(ValidationError) as error:
        publication.withdraw_publication(session=sessions[0], by=staff)
    assert error.value.code == "not_published"


def test_only_the_editions_staff_take_a_session_down(
    client, films, sessions, staff, other_staff, producer
):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    url = reverse("juries:staff_withdraw_publication", args=[toulouse.pk])
    assert client.post(url).status_code == 302
    client.force_login(producer)
    assert client.post(url).status_code == 403
    client.force_login(other_staff)
    assert client.post(url).status_code == 404
    assert SessionPublication.objects.get(session=toulouse).is_published
