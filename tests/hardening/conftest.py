"""The world every hardening test posts to, built once for the folder, and the figures
of the run, printed at its end."""

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from . import posting, world


@pytest.fixture(scope="package")
def hardening_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built with the database unblocked (committed), so that each test and each
    Hypothesis example runs on it inside a transaction that is rolled back; the tables
    are emptied when the folder is done, so no other test sees it."""
    from submissions.models import Project
    from wip_portal.celery import app

    media = tmp_path_factory.mktemp("hardening-media")
    eager = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hasher, CELERY_TASK_ALWAYS_EAGER=True
            ),
            translation.override("en"),
        ):
            built = world.build()
            built.media_root = media
            built.forms = posting.crawl(built)
            built.baseline = posting.dump()
            built.owners = dict(Project.objects.values_list("pk", "owner_id"))
        yield built
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def portal(hardening_world, db, settings):
    """The world, inside this test's transaction, with its media folder."""
    settings.MEDIA_ROOT = hardening_world.media_root
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return hardening_world


# --- Figures ---------------------------------------------------------------------------------
# Counted in posting.FIGURES while a test runs, then kept on the test's report (as the
# root conftest's `figure` fixture does), so that pytest-xdist brings them back from its
# workers; added up here and printed as one line at the end of the run.
FIGURE_PREFIX = "figure:hardening: "
FIGURE_NAMES = ["forms covered", "inputs tried", "hostile files tried", "500s", "partial saves"]
_totals: dict[str, int] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    posting.FIGURES.clear()
    # A test marked xfail shows a known bug: its figures are counted apart.
    prefix = FIGURE_PREFIX + ("known, xfail: " if item.get_closest_marker("xfail") else "")
    try:
        return (yield)
    finally:
        for name, value in posting.FIGURES.items():
            item.user_properties.append((prefix + name, value))
        posting.FIGURES.clear()


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if isinstance(name, str) and name.startswith(FIGURE_PREFIX):
            key = name.removeprefix(FIGURE_PREFIX)
            _totals[key] = _totals.get(key, 0) + value


def pytest_terminal_summary(terminalreporter):
    if not _totals:
        return
    line = ", ".join(f"{name}: {_totals.get(name, 0):,}" for name in FIGURE_NAMES)
    extra = ", ".join(
        f"{name}: {value:,}" for name, value in sorted(_totals.items()) if name not in FIGURE_NAMES
    )
    terminalreporter.write_line(f"hardening: {line}" + (f" ({extra})" if extra else ""))
