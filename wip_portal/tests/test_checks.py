"""The deploy checks (wip_portal.checks) and the Content Security Policy header."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from wip_portal.checks import check_production_services

BASE_DIR = django_settings.BASE_DIR
OUR_WARNINGS = {f"wip_portal.W00{n}" for n in range(1, 6)}


def manage_check_deploy(**variables):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_env():
    return {
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "wip.example.org",
        "DATABASE_URL": "postgres://wip:secret@127.0.0.1:5432/wip",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "smtp.example.org",
        "STATIC_MANIFEST": "1",
    }


def test_check_deploy_passes_with_production_environment():
    completed = manage_check_deploy(**production_env())

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout


def test_check_deploy_fails_with_default_environment():
    completed = manage_check_deploy()

    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    expected = set(OUR_WARNINGS)
    if (BASE_DIR / "staticfiles" / "staticfiles.json").exists():
        expected.discard("wip_portal.W005")  # collectstatic has run in this tree
    for warning_id in sorted(expected):
        assert f"({warning_id})" in output, output


@pytest.mark.parametrize(
    ("variable", "warning_id"),
    [
        ("SECRET_KEY", "wip_portal.W001"),
        ("DATABASE_URL", "wip_portal.W002"),
        ("REDIS_URL", "wip_portal.W003"),
        ("EMAIL_HOST", "wip_portal.W004"),
        ("STATIC_MANIFEST", "wip_portal.W005"),
    ],
)
def test_check_deploy_names_the_one_missing_variable(variable, warning_id):
    env = production_env()
    del env[variable]

    completed = manage_check_deploy(**env)

    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert f"({warning_id})" in output
    assert [w for w in OUR_WARNINGS - {warning_id} if f"({w})" in output] == []


def test_check_production_services_only_warns_about_sqlite(settings):
    # The tests run on SQLite (or PostgreSQL in `make integration`); the rest is production.
    settings.SECRET_KEY = "x" * 60
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.STATIC_MANIFEST = True

    warnings = check_production_services(None)

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert [w.id for w in warnings] == (["wip_portal.W002"] if on_sqlite else [])


def test_check_production_services_lists_each_laptop_setting(settings):
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.STATIC_MANIFEST = False

    warnings = check_production_services(None)

    expected = set(OUR_WARNINGS)
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        expected.discard("wip_portal.W002")  # make integration runs on PostgreSQL
    assert sorted(w.id for w in warnings) == sorted(expected)
    assert all(w.hint for w in warnings)


# Content Security Policy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/en/", "/es/", "/fr/", "/pt/", "/en/admin/login/", "/en/no-such-page/"],
)
def test_content_security_policy_on_every_page(client, path):
    response = client.get(path)

    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_content_security_policy_on_healthz(client):
    response = client.get("/healthz")

    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
