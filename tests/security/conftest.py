import pytest
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import translation

from .matrix import clients
from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of tests/security/world.py, built once per module in a transaction that
    is rolled back at its end (each test runs in a savepoint inside it, as with
    TestCase.setUpTestData); `world.clients` are signed in as each role."""
    from wip_portal.celery import app

    media = tmp_path_factory.mktemp("world-media")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=media,
                CELERY_TASK_ALWAYS_EAGER=True,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            translation.override("en"),
            transaction.atomic(),
        ):
            built = build_world(TestCase.captureOnCommitCallbacks)
            built.media_root = media
            built.clients = clients(built)
            app.conf.task_always_eager = eager
            yield built
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def in_world(world, db, settings):
    """The world, with its files where the portal looks for them."""
    settings.MEDIA_ROOT = world.media_root
    return world
