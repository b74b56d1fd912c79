import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme, Session
from juries.models import JuryMember
from outbox.models import Mail
from wip_portal.demo import DEMO_PASSWORD, IBERMEDIA_MEMBERS, load_demo

MODELS = [User, Programme, Programme.team.through, Edition, Session, Call, JuryMember, Mail]


def run_load_demo(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def current_fip_edition():
    return (
        Edition.objects.filter(programme__slug="films-in-progress", state=EditionState.PUBLIC)
        .order_by("-year")
        .first()
    )


@pytest.mark.django_db
def test_load_demo_creates_programmes_and_accounts():
    output = run_load_demo()

    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "films-in-progress",
        "ibermedia",
        "giff-imcine-bilateral-forum",
    }
    assert User.objects.filter(email_confirmed=True).count() == User.objects.count() == 9
    admin = User.objects.get(email="admin@demo.wip-portal.org")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert sorted(
        User.objects.filter(email__startswith="producer-").values_list("language", flat=True)
    ) == ["es", "fr", "pt"]
    assert list(
        Programme.objects.get(slug="films-in-progress").team.values_list("email", flat=True)
    ) == ["staff@demo.wip-portal.org"]
    assert list(Programme.objects.get(slug="ibermedia").team.values_list("email", flat=True)) == [
        "ibermedia-staff@demo.wip-portal.org"
    ]
    assert "admin@demo.wip-portal.org" in output
    assert DEMO_PASSWORD in output


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    run_load_demo()
    counts = row_counts()
    call = Call.objects.get(title__startswith="Co-production call")
    call.guidelines = "Changed by the staff."
    call.save()

    output = run_load_demo()

    assert row_counts() == counts
    call.refresh_from_db()
    assert call.guidelines == "Changed by the staff."
    assert "nothing was changed" in output


@pytest.mark.django_db
def test_load_demo_recreates_only_what_is_missing():
    run_load_demo()
    counts = row_counts()
    edition = current_fip_edition()
    Session.objects.filter(edition=edition, city="Lima").delete()

    report = load_demo()

    assert report.created == [f"session Lima of {edition}"]
    assert row_counts() == counts


@pytest.mark.django_db
def test_ibermedia_call_has_its_19_member_countries():
    run_load_demo()

    call = Call.objects.get(edition__programme__slug="ibermedia")

    assert sorted(country.code for country in call.eligible_countries) == sorted(IBERMEDIA_MEMBERS)
    assert len(IBERMEDIA_MEMBERS) == 19
    assert {"ES", "PT", "PR", "BR"} <= set(IBERMEDIA_MEMBERS)
    assert call.min_eligible_countries == 2
    assert call.is_open()


@pytest.mark.django_db
def test_giff_forum_call_is_japan_and_mexico():
    run_load_demo()

    call = Call.objects.get(edition__programme__slug="giff-imcine-bilateral-forum")

    assert sorted(country.code for country in call.eligible_countries) == ["JP", "MX"]
    assert call.min_eligible_countries == 2
    assert call.edition.number == 9
    assert call.edition.time_zone == "America/Mexico_City"
    assert list(call.edition.sessions.values_list("city", "country")) == [("Guanajuato", "MX")]


@pytest.mark.django_db
def test_films_in_progress_call_is_open_with_two_sessions_of_six_places():
    run_load_demo()
    edition = current_fip_edition()
    today = timezone.localdate()

    call = edition.calls.get()
    sessions = list(edition.sessions.order_by("starts_on"))

    assert call.is_open()
    assert dt.timedelta(weeks=5) < call.closes_at - timezone.now() < dt.timedelta(weeks=7)
    assert call.minimum_runtime == 60
    assert call.accepted_stages == ["rough_cut", "fine_cut"]
    assert call.required_materials == ["stills", "screener", "budget", "financing_plan"]
    assert call.majority_from_eligible_countries
    assert [(s.city, s.country.code, s.places) for s in sessions] == [
        ("Toulouse", "FR", 6),
        ("Lima", "PE", 6),
    ]
    assert all(session.starts_on > today for session in sessions)
    assert sessions[0].starts_on.month == 3
    assert sessions[1].starts_on.month == 8
    assert edition.time_zone == "Europe/Paris"
    assert sorted(edition.jury_members.values_list("is_president", flat=True)) == [
        False,
        False,
        True,
    ]


@pytest.mark.django_db
def test_films_in_progress_past_edition_is_archived_with_real_alumni():
    run_load_demo()

    past = Edition.objects.get(programme__slug="films-in-progress", slug="2008")

    assert past.state == EditionState.ARCHIVED
    guidelines = past.calls.get().guidelines
    assert "Tony Manero by Pablo Larraín" in guidelines
    assert "Ixcanul by Jayro Bustamante" in guidelines
    assert not past.calls.get().is_open()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", [dt.date(2027, 1, 5), dt.date(2027, 2, 20), dt.date(2027, 5, 1), dt.date(2027, 12, 31)]
)
def test_load_demo_any_day_has_open_calls_and_coming_sessions(today):
    """Whatever the day, the calls are open on it and every current session is to come."""
    load_demo(today=today)
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)

    open_calls = Call.objects.public().open_at(noon)
    coming = Session.objects.filter(edition__state=EditionState.PUBLIC)

    assert open_calls.count() == 3
    assert coming.count() == 3
    assert all(session.starts_on > today for session in coming)
    assert all(
        call.closes_at.date() < session.starts_on
        for call in open_calls
        for session in call.edition.sessions.all()
    )


@pytest.mark.django_db
def test_home_page_lists_the_open_calls(client):
    run_load_demo()

    response = client.get(reverse("home"))

    content = response.content.decode()
    year = current_fip_edition().year
    assert f"Call for works in progress {year}" in content
    assert "Co-production call" in content
    assert "Japan–Mexico co-production projects" in content
    assert "Call for works in progress 2008" not in content
    assert "Lima" in content


@pytest.mark.django_db
def test_load_demo_refuses_production_and_creates_nothing(settings):
    settings.HTTPS = True

    with pytest.raises(CommandError, match="allow-production"):
        run_load_demo()

    assert all(count == 0 for count in row_counts().values())


@pytest.mark.django_db
def test_load_demo_in_production_when_allowed(settings):
    settings.HTTPS = True

    run_load_demo(allow_production=True)

    assert Programme.objects.count() == 3
