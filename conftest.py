"""Fixtures shared by every test: a private media folder, eager Celery and one person
per role; and the figures some tests report (cells of the permission matrix, inputs
tried…), added up over the run and printed at its end, also from pytest-xdist workers."""

import uuid

import pytest
from django.utils import translation

from accounts.tests.factories import PASSWORD, UserFactory
from editions.tests.factories import CallFactory, EditionFactory, ProgrammeFactory, SessionFactory
from juries.tests.factories import JuryMemberFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request to a /es/ page leaves Spanish active in the thread (LocaleMiddleware never
    deactivates), which would make the next test's reverse() build /es/ URLs."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Unit tests run tasks in-process; the integration tests use a real worker."""
    from wip_portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _own_sign_in_counts(monkeypatch):
    """Sign-in throttling counts failures per network address: every test's client is
    127.0.0.1, so each test counts in a cache of its own."""
    from django.core.cache.backends.locmem import LocMemCache

    from accounts import throttling

    monkeypatch.setattr(throttling, "cache", LocMemCache(f"sign-in-{uuid.uuid4()}", {}))


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create many accounts; the default hasher is slow on purpose (about a third of
    a second per password here). The portal itself keeps Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Films in Progress", slug="films-in-progress")


@pytest.fixture
def edition(programme):
    return EditionFactory(programme=programme)


@pytest.fixture
def session(edition):
    return SessionFactory(edition=edition)


@pytest.fixture
def call(edition):
    return CallFactory(edition=edition)


@pytest.fixture
def producer(db):
    return UserFactory(email="producer@example.org", full_name="Paula Productora")


@pytest.fixture
def juror(edition):
    member = JuryMemberFactory(
        edition=edition, user=UserFactory(email="juror@example.org", full_name="Julio Jurado")
    )
    return member.user


@pytest.fixture
def staff(programme):
    user = UserFactory(email="staff@example.org", full_name="Sofía Staff")
    programme.team.add(user)
    return user


@pytest.fixture
def other_staff(db):
    """Staff of another programme: they must not manage this one."""
    user = UserFactory(email="other-staff@example.org", full_name="Otto Other")
    ProgrammeFactory(name="Ibermedia", slug="ibermedia").team.add(user)
    return user


@pytest.fixture
def producer_client(client, producer):
    client.force_login(producer)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- Figures ----------------------------------------------------------------------------

FIGURE_PREFIX = "figure:"
_figures: dict[str, int] = {}


@pytest.fixture
def figure(request):
    """figure("permission matrix cells", 18) adds 18 to that figure of the run. (Not
    record_property, which warns with the JUnit report's xunit2 format.)"""

    def add(name: str, value: int = 1) -> None:
        request.node.user_properties.append((FIGURE_PREFIX + name, value))

    return add


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if isinstance(name, str) and name.startswith(FIGURE_PREFIX):
            key = name.removeprefix(FIGURE_PREFIX)
            _figures[key] = _figures.get(key, 0) + value


def pytest_terminal_summary(terminalreporter):
    if _figures:
        terminalreporter.section("figures")
        for name, value in sorted(_figures.items()):
            terminalreporter.write_line(f"[figures] {name}: {value:,}")
