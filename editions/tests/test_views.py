import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from editions.models import Call, Edition, EditionState, Programme, Session
from editions.tests.factories import (
    CallFactory,
    EditionFactory,
    ProgrammeFactory,
    SessionFactory,
)
from editions.tests.images import image_bytes, upload

pytestmark = pytest.mark.django_db

UTC = dt.UTC
THIS_YEAR = timezone.localdate().year


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def past_edition(programme, year, **kwargs):
    return EditionFactory(
        programme=programme,
        year=year,
        slug=str(year),
        starts_on=dt.date(year, 3, 1),
        ends_on=dt.date(year, 3, 10),
        **kwargs,
    )


def call_data(**overrides):
    data = {
        "title": "Call for works in progress 2027",
        "guidelines": "Latin American films in post-production.",
        "opens_at": "2026-11-02T10:00",
        "closes_at": "2027-01-31T23:59",
        "eligible_countries": ["AR", "MX", "PE"],
        "majority_from_eligible_countries": "on",
        "max_share_outside": "49",
        "min_eligible_countries": "1",
        "minimum_runtime": "60",
        "accepted_stages": ["rough_cut", "fine_cut"],
        "required_materials": ["stills", "screener"],
        "max_stills": "6",
    }
    data.update(overrides)
    return data


def session_data(edition, **overrides):
    data = {
        "name": "",
        "city": "Lima",
        "country": "PE",
        "venue": "Centro Cultural PUCP",
        "starts_on": dt.date(edition.year, 8, 10).isoformat(),
        "ends_on": dt.date(edition.year, 8, 12).isoformat(),
        "places": "6",
    }
    data.update(overrides)
    return data


def edition_data(**overrides):
    data = {
        "number": "50",
        "year": "2027",
        "slug": "2027",
        "title": "",
        "time_zone": "America/Lima",
        "starts_on": "2027-03-20",
        "ends_on": "2027-03-28",
    }
    data.update(overrides)
    return data


# --- Programmes (public) ----------------------------------------------------------------


def test_programmes_page_lists_programmes_with_current_edition(client, programme, call):
    other = ProgrammeFactory(name="Primer Corte", slug="primer-corte", organisers="FICCI")

    response = client.get(reverse("editions:programmes"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Films in Progress" in content
    assert "Cinélatino Toulouse, San Sebastián Festival" in content
    assert call.edition.display_title in content
    assert "Call open" in content
    assert other.name in content
    assert "No edition announced yet." in content


def test_programmes_page_shows_logo_through_the_logo_view(client, programme):
    programme.logo.save("logo.png", upload().file, save=True)

    response = client.get(reverse("editions:programmes"))

    logo_url = reverse("editions:programme_logo", kwargs={"programme": programme.slug})
    assert f'src="{logo_url}"' in response.content.decode()


def test_programmes_page_queries_do_not_grow_with_programmes(client):
    def make_programme():
        programme = ProgrammeFactory()
        edition = EditionFactory(programme=programme)
        CallFactory(edition=edition)
        past_edition(programme, 2020)

    make_programme()
    url = reverse("editions:programmes")
    one = count_queries(client, url)
    for _i in range(4):
        make_programme()
    assert count_queries(client, url) == one


def test_programme_logo_served_as_png(client, programme):
    programme.logo.save("logo.png", upload().file, save=True)

    response = client.get(reverse("editions:programme_logo", kwargs={"programme": programme.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_programme_logo_without_logo_is_404(client, programme):
    response = client.get(reverse("editions:programme_logo", kwargs={"programme": programme.slug}))

    assert response.status_code == 404


def test_programme_page_shows_coming_and_past_editions(client, programme, edition, call):
    old = past_edition(programme, 2020, title="Films in Progress 38")
    SessionFactory(edition=old, city="San Sebastián", country="ES")

    response = client.get(programme.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Current and coming editions" in content
    assert edition.display_title in content
    assert call.title in content
    assert "Films in Progress 38" in content
    assert "San Sebastián (Spain)" in content
    assert list(response.context["past_editions"]) == [old]


def test_programme_page_paginates_past_editions(client, programme):
    for year in range(2000, 2013):
        past_edition(programme, year)

    first = client.get(programme.get_absolute_url())
    second = client.get(programme.get_absolute_url() + "?page=2")

    assert [e.year for e in first.context["past_editions"]] == list(range(2012, 2000, -1))
    assert [e.year for e in second.context["past_editions"]] == [2000]
    assert "Page 2 of 2" in second.content.decode()


def test_programme_page_hides_drafts_from_the_public(client, programme):
    EditionFactory(programme=programme, title="Secret draft", state=EditionState.DRAFT)

    response = client.get(programme.get_absolute_url())

    assert "Secret draft" not in response.content.decode()


def test_programme_page_shows_drafts_to_its_staff(staff_client, programme):
    EditionFactory(programme=programme, title="Secret draft", state=EditionState.DRAFT)

    response = staff_client.get(programme.get_absolute_url())

    content = response.content.decode()
    assert "Secret draft" in content
    assert "Draft — only staff see this" in content


def test_programme_page_unknown_programme_is_404(client, db):
    assert client.get("/en/programmes/nothing-here/").status_code == 404


def test_programme_page_queries_do_not_grow_with_editions(client, programme):
    def make_editions(index):
        edition = EditionFactory(programme=programme, year=THIS_YEAR + index, slug=f"c{index}")
        SessionFactory(edition=edition)
        CallFactory(edition=edition)
        old = past_edition(programme, 2000 + index)
        SessionFactory(edition=old)

    make_editions(0)
    url = programme.get_absolute_url()
    one = count_queries(client, url)
    for index in range(1, 5):
        make_editions(index)
    assert count_queries(client, url) == one


# --- Edition page ---------------------------------------------------------------------------


def test_edition_page_shows_sessions_and_open_call(client, edition, call):
    SessionFactory(edition=edition, city="Toulouse", country="FR", venue="Cinémathèque de Toulouse")
    SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        places=4,
        starts_on=dt.date(edition.year, 8, 10),
        ends_on=dt.date(edition.year, 8, 12),
    )

    response = client.get(edition.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert edition.display_title in content
    assert "Cinémathèque de Toulouse" in content
    assert "France" in content
    assert "Peru" in content
    assert "4 places" in content
    assert call.title in content
    assert "badge-open" in content
    assert "(Europe/Paris time)" in content
    assert " left" in content
    assert "Argentina" in content  # eligible countries
    assert "Rough cut" in content
    assert "Screener link of the current cut" in content


def test_edition_page_shows_deadline_in_edition_time_zone(client, programme):
    edition = EditionFactory(programme=programme, time_zone="America/Lima")
    CallFactory(
        edition=edition,
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=dt.datetime(2099, 2, 1, 4, 59, tzinfo=UTC),
    )

    response = client.get(edition.get_absolute_url())

    content = response.content.decode()
    assert "Jan. 31, 2099, 23:59 (America/Lima time)" in content


def test_edition_page_shows_closed_and_coming_calls(client, edition):
    now = timezone.now()
    CallFactory(
        edition=edition,
        title="Closed call",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
    )
    CallFactory(
        edition=edition,
        title="Later call",
        opens_at=now + dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=40),
    )

    content = client.get(edition.get_absolute_url()).content.decode()

    assert "Closed on" in content
    assert "Opens on" in content
    assert "Not open yet" in content


def test_edition_page_unknown_edition_is_404(client, programme):
    url = reverse("editions:edition", kwargs={"programme": programme.slug, "edition": "nope"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role_user", ["anonymous", "producer", "other_staff"], indirect=True)
def test_draft_edition_is_404_for_everyone_but_its_staff(login, role_user, programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)

    response = login(role_user).get(draft.get_absolute_url())

    assert response.status_code == 404


def test_draft_edition_is_shown_to_its_staff_with_a_banner(staff_client, programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)

    response = staff_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Draft — only staff see this." in response.content.decode()


def test_draft_edition_is_shown_to_superusers(login, superuser, programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)

    assert login(superuser).get(draft.get_absolute_url()).status_code == 200


def test_edition_page_queries_do_not_grow_with_sessions_and_calls(client, edition):
    SessionFactory(edition=edition)
    CallFactory(edition=edition)
    url = edition.get_absolute_url()
    one = count_queries(client, url)
    for _i in range(4):
        SessionFactory(edition=edition)
        CallFactory(edition=edition)
    assert count_queries(client, url) == one


# --- Archive --------------------------------------------------------------------------------


def test_archive_lists_past_public_editions_only(client, programme, edition):
    old = past_edition(programme, 2019, title="Films in Progress 37")
    past_edition(programme, 2018, title="Hidden draft", state=EditionState.DRAFT)
    archived = past_edition(programme, 2017, state=EditionState.ARCHIVED)

    response = client.get(reverse("editions:archive"))

    assert list(response.context["editions"]) == [old, archived]
    content = response.content.decode()
    assert "Films in Progress 37" in content
    assert "Hidden draft" not in content
    assert edition.display_title not in content


def test_archive_filters_by_programme(client, programme):
    ours = past_edition(programme, 2019)
    past_edition(ProgrammeFactory(name="Ibermedia", slug="ibermedia"), 2019)

    response = client.get(reverse("editions:archive") + "?programme=films-in-progress")

    assert list(response.context["editions"]) == [ours]
    assert '<option value="films-in-progress" selected>' in response.content.decode()


def test_archive_pagination_keeps_the_filter(client, programme):
    for year in range(1995, 2017):
        past_edition(programme, year)

    response = client.get(reverse("editions:archive") + "?programme=films-in-progress")

    assert "?programme=films-in-progress&amp;page=2" in response.content.decode()


def test_archive_queries_do_not_grow_with_editions(client, programme):
    SessionFactory(edition=past_edition(programme, 2001))
    url = reverse("editions:archive")
    one = count_queries(client, url)
    for year in range(2002, 2006):
        SessionFactory(edition=past_edition(ProgrammeFactory(), year))
    assert count_queries(client, url) == one


# --- Staff area: who may enter -----------------------------------------------------------


def staff_urls(edition, session, call):
    programme = edition.programme.slug
    return [
        reverse("editions:staff_programme_edit", kwargs={"programme": programme}),
        reverse("editions:staff_editions", kwargs={"programme": programme}),
        reverse("editions:staff_edition_create", kwargs={"programme": programme}),
        reverse("editions:staff_edition", kwargs={"pk": edition.pk}),
        reverse("editions:staff_edition_edit", kwargs={"pk": edition.pk}),
        reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
        reverse("editions:staff_session_edit", kwargs={"pk": session.pk}),
        reverse("editions:staff_session_delete", kwargs={"pk": session.pk}),
        reverse("editions:staff_call_create", kwargs={"pk": edition.pk}),
        reverse("editions:staff_call_edit", kwargs={"pk": call.pk}),
    ]


def test_staff_pages_send_anonymous_people_to_sign_in(client, edition, session, call):
    for url in [reverse("editions:staff_home"), *staff_urls(edition, session, call)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("role_user", ["producer", "juror"], indirect=True)
def test_staff_pages_are_403_for_producers_and_jurors(login, role_user, edition, session, call):
    client = login(role_user)
    for url in [reverse("editions:staff_home"), *staff_urls(edition, session, call)]:
        assert client.get(url).status_code == 403, url


def test_staff_pages_are_404_for_staff_of_another_programme(
    login, other_staff, edition, session, call
):
    client = login(other_staff)
    for url in staff_urls(edition, session, call):
        assert client.get(url).status_code == 404, url


def test_staff_pages_open_for_the_programme_staff(staff_client, edition, session, call):
    for url in [reverse("editions:staff_home"), *staff_urls(edition, session, call)]:
        assert staff_client.get(url).status_code == 200, url


def test_programme_creation_is_for_superusers_only(login, staff, producer, superuser):
    url = reverse("editions:staff_programme_create")

    assert login(producer).get(url).status_code == 403
    assert login(staff).get(url).status_code == 403
    assert login(superuser).get(url).status_code == 200


def test_refused_posts_change_nothing(login, producer, juror, other_staff, edition, session, call):
    """Every staff form posted by someone who may not use it leaves the database as it was."""
    programme = edition.programme
    posts = [
        (reverse("editions:staff_programme_create"), {"name": "X", "slug": "x"}),
        (
            reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug}),
            {"name": "Hacked", "organisers": "x", "description": "x"},
        ),
        (
            reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
            edition_data(),
        ),
        (reverse("editions:staff_edition_edit", kwargs={"pk": edition.pk}), edition_data()),
        (reverse("editions:staff_edition_state", kwargs={"pk": edition.pk}), {"state": "draft"}),
        (
            reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
            session_data(edition),
        ),
        (
            reverse("editions:staff_session_edit", kwargs={"pk": session.pk}),
            session_data(edition, city="Hacked"),
        ),
        (reverse("editions:staff_session_delete", kwargs={"pk": session.pk}), {}),
        (reverse("editions:staff_call_create", kwargs={"pk": edition.pk}), call_data()),
        (
            reverse("editions:staff_call_edit", kwargs={"pk": call.pk}),
            call_data(title="Hacked"),
        ),
    ]

    def snapshot():
        return (
            list(Programme.objects.values()),
            list(Edition.objects.values()),
            list(Session.objects.values()),
            list(Call.objects.values()),
        )

    before = snapshot()
    for user, expected in [(None, 302), (producer, 403), (juror, 403), (other_staff, (403, 404))]:
        client = login(user)
        for url, data in posts:
            response = client.post(url, data)
            if isinstance(expected, tuple):
                assert response.status_code in expected, (user, url)
            else:
                assert response.status_code == expected, (user, url)
        client.logout()
    assert snapshot() == before


# --- Staff home and programmes -------------------------------------------------------------


def test_staff_home_lists_the_programmes_this_person_runs(staff_client, edition, other_staff):
    response = staff_client.get(reverse("editions:staff_home"))

    content = response.content.decode()
    assert "Films in Progress" in content
    assert edition.display_title in content
    assert "Ibermedia" not in content
    assert "New programme" not in content


def test_staff_home_offers_superusers_a_new_programme(login, superuser, programme):
    response = login(superuser).get(reverse("editions:staff_home"))

    content = response.content.decode()
    assert "New programme" in content
    assert "Films in Progress" in content


def test_staff_home_queries_do_not_grow_with_programmes(login, staff):
    def make_programme():
        programme = ProgrammeFactory()
        programme.team.add(staff)
        for _i in range(3):
            EditionFactory(programme=programme)

    make_programme()
    client = login(staff)
    url = reverse("editions:staff_home")
    one = count_queries(client, url)
    for _i in range(4):
        make_programme()
    assert count_queries(client, url) == one


def test_superuser_creates_a_programme_with_team_and_logo(login, superuser, staff):
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"
    photo = image_bytes("JPEG", size=(300, 200), exif=exif.tobytes())

    response = login(superuser).post(
        reverse("editions:staff_programme_create"),
        {
            "name": "Primer Corte",
            "slug": "primer-corte",
            "organisers": "FICCI",
            "description": "Colombian works in progress.",
            "website": "https://example.org",
            "team_emails": "STAFF@example.org\n",
            "logo": upload("photo.jpg", photo, "image/jpeg"),
        },
    )

    programme = Programme.objects.get(slug="primer-corte")
    assert response.status_code == 302
    assert response.url == reverse("editions:staff_editions", kwargs={"programme": "primer-corte"})
    assert list(programme.team.all()) == [staff]
    assert programme.logo.name.startswith("programmes/logos/")
    assert programme.logo.name.endswith(".png")
    assert "photo" not in programme.logo.name
    with programme.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.size == (300, 200)
        assert not image.getexif()
    with programme.logo.open("rb") as stored:
        assert b"Secret Camera Maker" not in stored.read()


def test_programme_edit_changes_details_and_team(staff_client, programme, staff, producer):
    response = staff_client.post(
        reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug}),
        {
            "name": "Films in Progress (Cinélatino)",
            "organisers": "Cinélatino",
            "description": "New text.",
            "website": "",
            "team_emails": "staff@example.org, producer@example.org",
        },
        follow=True,
    )

    programme.refresh_from_db()
    assert programme.name == "Films in Progress (Cinélatino)"
    assert programme.slug == "films-in-progress"
    assert set(programme.team.all()) == {staff, producer}
    assert "Programme “Films in Progress (Cinélatino)” saved." in response.content.decode()


def test_programme_edit_page_links_the_current_logo(staff_client, programme):
    programme.logo.save("logo.png", upload().file, save=True)
    url = reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug})

    response = staff_client.get(url)

    logo_url = reverse("editions:programme_logo", kwargs={"programme": programme.slug})
    assert f'href="{logo_url}"' in response.content.decode()


def test_programme_edit_keeps_or_clears_the_logo(staff_client, programme):
    programme.logo.save("logo.png", upload().file, save=True)
    stored = programme.logo.name
    url = reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug})
    data = {
        "name": "Films in Progress",
        "organisers": "Cinélatino",
        "description": "Text.",
        "team_emails": "staff@example.org",
    }

    staff_client.post(url, data)
    programme.refresh_from_db()
    assert programme.logo.name == stored

    staff_client.post(url, {**data, "logo-clear": "on"})
    programme.refresh_from_db()
    assert not programme.logo


def test_programme_edit_refuses_unknown_email_and_keeps_input(staff_client, programme, staff):
    response = staff_client.post(
        reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug}),
        {
            "name": "Renamed",
            "organisers": "Cinélatino",
            "description": "New text.",
            "team_emails": "staff@example.org\nnobody@example.org",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "No active account uses nobody@example.org." in content
    assert 'value="Renamed"' in content
    programme.refresh_from_db()
    assert programme.name == "Films in Progress"
    assert list(programme.team.all()) == [staff]


def test_programme_edit_refuses_a_bad_logo(staff_client, programme):
    response = staff_client.post(
        reverse("editions:staff_programme_edit", kwargs={"programme": programme.slug}),
        {
            "name": "Films in Progress",
            "organisers": "Cinélatino",
            "description": "Text.",
            "team_emails": "staff@example.org",
            "logo": upload("logo.png", b"<svg>not an image</svg>"),
        },
    )

    assert response.status_code == 200
    assert "This file is not an image, or it is damaged." in response.content.decode()
    programme.refresh_from_db()
    assert not programme.logo


# --- Editions (staff) ---------------------------------------------------------------------


def test_staff_editions_lists_editions_with_counts(staff_client, programme, edition):
    SessionFactory(edition=edition)
    SessionFactory(edition=edition)
    CallFactory(edition=edition)

    response = staff_client.get(
        reverse("editions:staff_editions", kwargs={"programme": programme.slug})
    )

    row = response.context["editions"][0]
    assert (row.session_count, row.call_count) == (2, 1)
    assert edition.display_title in response.content.decode()


def test_staff_editions_queries_do_not_grow_with_editions(staff_client, programme):
    def make_edition():
        edition = EditionFactory(programme=programme)
        SessionFactory(edition=edition)
        CallFactory(edition=edition)

    make_edition()
    url = reverse("editions:staff_editions", kwargs={"programme": programme.slug})
    one = count_queries(staff_client, url)
    for _i in range(4):
        make_edition()
    assert count_queries(staff_client, url) == one


def test_staff_edition_page_shows_sessions_calls_and_state_buttons(
    staff_client, edition, session, call
):
    response = staff_client.get(reverse("editions:staff_edition", kwargs={"pk": edition.pk}))

    content = response.content.decode()
    assert session.city in content
    assert call.title in content
    assert reverse("editions:staff_session_delete", kwargs={"pk": session.pk}) in content
    assert reverse("editions:staff_call_edit", kwargs={"pk": call.pk}) in content
    assert "Back to draft" in content
    assert "Archive" in content
    assert "Make public" not in content


def test_staff_edition_page_queries_do_not_grow(staff_client, edition):
    SessionFactory(edition=edition)
    CallFactory(edition=edition)
    url = reverse("editions:staff_edition", kwargs={"pk": edition.pk})
    one = count_queries(staff_client, url)
    for _i in range(4):
        SessionFactory(edition=edition)
        CallFactory(edition=edition)
    assert count_queries(staff_client, url) == one


def test_staff_creates_an_edition_as_draft(staff_client, programme):
    response = staff_client.post(
        reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
        edition_data(),
    )

    edition = Edition.objects.get(programme=programme, slug="2027")
    assert response.url == reverse("editions:staff_edition", kwargs={"pk": edition.pk})
    assert edition.state == EditionState.DRAFT
    assert edition.time_zone == "America/Lima"
    assert (edition.starts_on, edition.ends_on) == (dt.date(2027, 3, 20), dt.date(2027, 3, 28))


def test_edition_create_refuses_a_duplicate_slug_by_the_field(staff_client, programme, edition):
    response = staff_client.post(
        reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
        edition_data(slug=edition.slug, title="Typed title"),
    )

    form = response.context["form"]
    assert form.errors["slug"] == [
        f"This programme already has an edition at “{edition.slug}”. Choose another."
    ]
    assert 'value="Typed title"' in response.content.decode()
    assert Edition.objects.count() == 1


def test_edition_create_accepts_a_slug_used_by_another_programme(staff_client, programme):
    EditionFactory(programme=ProgrammeFactory(slug="ibermedia", name="Ibermedia"), slug="2027")

    staff_client.post(
        reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
        edition_data(),
    )

    assert Edition.objects.filter(programme=programme, slug="2027").exists()


def test_edition_create_refuses_end_before_start(staff_client, programme):
    response = staff_client.post(
        reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
        edition_data(starts_on="2027-03-28", ends_on="2027-03-20"),
    )

    assert response.context["form"].errors["ends_on"] == [
        "The last day cannot be before the first day."
    ]
    assert not Edition.objects.exists()


def test_edition_create_refuses_an_unknown_time_zone(staff_client, programme):
    response = staff_client.post(
        reverse("editions:staff_edition_create", kwargs={"programme": programme.slug}),
        edition_data(time_zone="Mars/Olympus"),
    )

    assert response.context["form"].errors["time_zone"] == [
        "“Mars/Olympus” is not a known time zone, e.g. Europe/Paris or America/Lima."
    ]
    assert not Edition.objects.exists()


def test_edition_edit_saves_details_but_not_state(staff_client, edition):
    staff_client.post(
        reverse("editions:staff_edition_edit", kwargs={"pk": edition.pk}),
        edition_data(title="Films in Progress 50", state="archived"),
    )

    edition.refresh_from_db()
    assert edition.title == "Films in Progress 50"
    assert edition.state == EditionState.PUBLIC


def test_state_change_publishes_a_draft(staff_client, programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)

    response = staff_client.post(
        reverse("editions:staff_edition_state", kwargs={"pk": draft.pk}),
        {"state": "public"},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == EditionState.PUBLIC
    assert "is now: Public." in response.content.decode()


def test_state_change_refuses_draft_to_archived(staff_client, programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)

    response = staff_client.post(
        reverse("editions:staff_edition_state", kwargs={"pk": draft.pk}),
        {"state": "archived"},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == EditionState.DRAFT
    assert "An edition cannot go from" in response.content.decode()


def test_state_change_refuses_an_unknown_state(staff_client, edition):
    response = staff_client.post(
        reverse("editions:staff_edition_state", kwargs={"pk": edition.pk}),
        {"state": "deleted"},
        follow=True,
    )

    edition.refresh_from_db()
    assert edition.state == EditionState.PUBLIC
    assert "Choose one of the states offered." in response.content.decode()


def test_state_change_does_not_answer_get(staff_client, edition):
    url = reverse("editions:staff_edition_state", kwargs={"pk": edition.pk})
    assert staff_client.get(url).status_code == 405


# --- Sessions (staff) ----------------------------------------------------------------------


def test_staff_adds_a_session(staff_client, edition):
    response = staff_client.post(
        reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
        session_data(edition),
    )

    session = Session.objects.get(edition=edition)
    assert response.url == reverse("editions:staff_edition", kwargs={"pk": edition.pk})
    assert (session.city, session.country.code, session.places) == ("Lima", "PE", 6)


@pytest.mark.parametrize(
    ("places", "message"),
    [
        ("0", "A session selects at least 1 film."),
        ("-3", "A session selects at least 1 film."),
        ("101", "A session selects at most 100 films."),
    ],
)
def test_session_form_refuses_bad_places(staff_client, edition, places, message):
    response = staff_client.post(
        reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
        session_data(edition, places=places, city="Typed city"),
    )

    assert response.context["form"].errors["places"] == [message]
    assert 'value="Typed city"' in response.content.decode()
    assert not Session.objects.exists()


def test_session_form_refuses_days_outside_the_edition(staff_client, programme):
    edition = EditionFactory(
        programme=programme, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 31)
    )
    response = staff_client.post(
        reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
        session_data(edition, starts_on="2027-02-27", ends_on="2027-03-02"),
    )

    assert response.context["form"].errors["starts_on"] == [
        "Choose a day within the edition, from 2027-03-01 to 2027-03-31."
    ]
    assert not Session.objects.exists()


def test_session_form_refuses_end_before_start(staff_client, edition):
    response = staff_client.post(
        reverse("editions:staff_session_create", kwargs={"pk": edition.pk}),
        session_data(
            edition,
            starts_on=dt.date(edition.year, 8, 12).isoformat(),
            ends_on=dt.date(edition.year, 8, 10).isoformat(),
        ),
    )

    assert response.context["form"].errors["ends_on"] == [
        "The last day cannot be before the first day."
    ]


def test_staff_edits_a_session(staff_client, edition, session):
    staff_client.post(
        reverse("editions:staff_session_edit", kwargs={"pk": session.pk}),
        session_data(edition, city="Cusco", places="8"),
    )

    session.refresh_from_db()
    assert (session.city, session.places) == ("Cusco", 8)


def test_session_delete_asks_then_deletes(staff_client, edition, session):
    url = reverse("editions:staff_session_delete", kwargs={"pk": session.pk})

    page = staff_client.get(url)
    assert "Delete the session “Toulouse”?" in page.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()

    response = staff_client.post(url, follow=True)
    assert not Session.objects.filter(pk=session.pk).exists()
    assert "Session “Toulouse” deleted." in response.content.decode()


# --- Calls (staff) ---------------------------------------------------------------------------


@pytest.fixture
def lima_edition(programme):
    return EditionFactory(
        programme=programme,
        year=2027,
        slug="2027",
        time_zone="America/Lima",
        starts_on=dt.date(2027, 8, 1),
        ends_on=dt.date(2027, 8, 31),
    )


def test_call_deadline_round_trips_in_the_edition_time_zone(staff_client, lima_edition):
    response = staff_client.post(
        reverse("editions:staff_call_create", kwargs={"pk": lima_edition.pk}),
        call_data(),
    )

    call = Call.objects.get(edition=lima_edition)
    assert response.url == reverse("editions:staff_edition", kwargs={"pk": lima_edition.pk})
    assert call.closes_at == dt.datetime(2027, 2, 1, 4, 59, tzinfo=UTC)
    assert call.opens_at == dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    assert [c.code for c in call.eligible_countries] == ["AR", "MX", "PE"]
    assert call.accepted_stages == ["rough_cut", "fine_cut"]
    assert call.required_materials == ["stills", "screener"]

    page = staff_client.get(reverse("editions:staff_call_edit", kwargs={"pk": call.pk}))
    content = page.content.decode()
    assert 'value="2027-01-31T23:59"' in content
    assert 'value="2026-11-02T10:00"' in content
    assert "America/Lima" in content
    assert 'value="PE" class="form-check-input" id="id_eligible_countries_' in content
    assert "3 ticked" in content


def test_call_form_names_the_time_zone(staff_client, lima_edition):
    response = staff_client.get(
        reverse("editions:staff_call_create", kwargs={"pk": lima_edition.pk})
    )

    content = response.content.decode()
    assert 'type="datetime-local"' in content
    assert "Day and time in America/Lima, the edition's time zone." in content


def test_call_form_refuses_a_deadline_before_the_opening(staff_client, lima_edition):
    response = staff_client.post(
        reverse("editions:staff_call_create", kwargs={"pk": lima_edition.pk}),
        call_data(opens_at="2027-02-01T00:00", closes_at="2027-01-31T23:59"),
    )

    assert response.context["form"].errors["closes_at"] == [
        "The deadline must come after the opening."
    ]
    assert 'value="2027-01-31T23:59"' in response.content.decode()
    assert not Call.objects.exists()


def test_call_form_refuses_a_time_that_does_not_exist(staff_client, edition):
    # Europe/Paris moves from 02:00 to 03:00 on the last Sunday of March.
    response = staff_client.post(
        reverse("editions:staff_call_create", kwargs={"pk": edition.pk}),
        call_data(opens_at="2027-03-01T10:00", closes_at="2027-03-28T02:30"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["closes_at"] == [
        "2027-03-28 02:30 does not exist in Europe/Paris: the clocks move forward at that "
        "moment. Choose another time."
    ]
    assert not Call.objects.exists()


def test_call_form_refuses_an_unknown_country(staff_client, edition):
    response = staff_client.post(
        reverse("editions:staff_call_create", kwargs={"pk": edition.pk}),
        call_data(eligible_countries=["AR", "ZZ"]),
    )

    assert response.context["form"].errors["eligible_countries"] == [
        "“ZZ” is not a country in the list."
    ]
    assert "“ZZ” is not a country in the list." in response.content.decode()
    assert not Call.objects.exists()


def test_call_form_requires_a_stage(staff_client, edition):
    response = staff_client.post(
        reverse("editions:staff_call_create", kwargs={"pk": edition.pk}),
        call_data(accepted_stages=[]),
    )

    assert response.context["form"].errors["accepted_stages"] == [
        "Tick at least one stage of production."
    ]


def test_staff_edits_a_call(staff_client, call):
    staff_client.post(
        reverse("editions:staff_call_edit", kwargs={"pk": call.pk}),
        call_data(title="Renamed call", eligible_countries=[]),
    )

    call.refresh_from_db()
    assert call.title == "Renamed call"
    assert list(call.eligible_countries) == []
