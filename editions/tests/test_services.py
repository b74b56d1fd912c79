import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions import services
from editions.models import Call, Edition, EditionState, Programme, Session
from editions.tests.factories import EditionFactory, SessionFactory
from editions.tests.images import upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (EditionState.DRAFT, EditionState.PUBLIC),
        (EditionState.PUBLIC, EditionState.DRAFT),
        (EditionState.PUBLIC, EditionState.ARCHIVED),
        (EditionState.ARCHIVED, EditionState.PUBLIC),
    ],
)
def test_set_edition_state_follows_the_map(programme, start, target):
    edition = EditionFactory(programme=programme, state=start)

    services.set_edition_state(edition=edition, state=target)

    edition.refresh_from_db()
    assert edition.state == target


@pytest.mark.parametrize(
    ("start", "target"),
    [(EditionState.DRAFT, EditionState.ARCHIVED), (EditionState.ARCHIVED, EditionState.DRAFT)],
)
def test_set_edition_state_refuses_moves_off_the_map(programme, start, target):
    edition = EditionFactory(programme=programme, state=start)

    with pytest.raises(ValidationError) as error:
        services.set_edition_state(edition=edition, state=target)

    assert error.value.code == "invalid_transition"
    edition.refresh_from_db()
    assert edition.state == start


def test_set_edition_state_to_the_same_state_does_nothing(edition):
    result = services.set_edition_state(edition=edition, state=EditionState.PUBLIC)

    assert result.state == EditionState.PUBLIC


def test_set_edition_state_refuses_an_unknown_state(edition):
    with pytest.raises(ValidationError):
        services.set_edition_state(edition=edition, state="deleted")


def test_allowed_edition_states(programme):
    draft = EditionFactory(programme=programme, state=EditionState.DRAFT)
    public = EditionFactory(programme=programme, state=EditionState.PUBLIC)

    assert services.allowed_edition_states(draft) == [EditionState.PUBLIC]
    assert services.allowed_edition_states(public) == [EditionState.DRAFT, EditionState.ARCHIVED]


def test_save_edition_keeps_the_stored_state(edition):
    edition.title = "New title"
    edition.state = EditionState.ARCHIVED

    services.save_edition(edition=edition)

    edition.refresh_from_db()
    assert (edition.title, edition.state) == ("New title", EditionState.PUBLIC)


def test_save_edition_refuses_end_before_start(programme):
    edition = Edition(
        programme=programme,
        number=1,
        year=2027,
        slug="2027",
        starts_on=dt.date(2027, 3, 20),
        ends_on=dt.date(2027, 3, 1),
    )

    with pytest.raises(ValidationError):
        services.save_edition(edition=edition)
    assert not Edition.objects.exists()


def test_save_programme_sets_the_team_and_adds_a_non_superuser_creator(db):
    creator = UserFactory()
    colleague = UserFactory()
    programme = Programme(name="Primer Corte", slug="primer-corte", organisers="x", description="x")

    services.save_programme(programme=programme, team=[colleague], by=creator)

    assert set(programme.team.all()) == {creator, colleague}


def test_save_programme_deletes_a_replaced_logo_after_commit(
    programme, django_capture_on_commit_callbacks
):
    programme.logo.save("logo.png", upload().file, save=True)
    old_name = programme.logo.name
    storage = programme.logo.storage
    programme.logo = upload()

    with django_capture_on_commit_callbacks(execute=True):
        services.save_programme(programme=programme)

    assert programme.logo.name != old_name
    assert storage.exists(programme.logo.name)
    assert not storage.exists(old_name)


def test_save_session_refuses_days_outside_the_edition(edition):
    session = Session(
        edition=edition,
        city="Lima",
        country="PE",
        starts_on=dt.date(edition.year - 1, 12, 30),
        ends_on=dt.date(edition.year, 1, 2),
        places=6,
    )

    with pytest.raises(ValidationError) as error:
        services.save_session(session=session)
    assert "starts_on" in error.value.message_dict
    assert not Session.objects.exists()


def test_delete_session(session):
    services.delete_session(session=session)

    assert not Session.objects.filter(pk=session.pk).exists()


def test_save_call_refuses_a_deadline_before_opening(edition):
    now = timezone.now()
    call = Call(
        edition=edition,
        title="Call",
        opens_at=now,
        closes_at=now - dt.timedelta(hours=1),
        accepted_stages=["rough_cut"],
        required_materials=["stills"],
    )

    with pytest.raises(ValidationError) as error:
        services.save_call(call=call)
    assert error.value.message_dict == {"closes_at": ["The deadline must come after the opening."]}


def test_save_session_with_sessions_already_there(edition):
    SessionFactory(edition=edition)
    session = SessionFactory.build(edition=edition, city="Lima", country="PE")

    services.save_session(session=session)

    assert edition.sessions.count() == 2
