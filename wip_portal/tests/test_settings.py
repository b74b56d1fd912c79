"""Settings come from the environment: each case runs a fresh Python process with only the
variables it names, so nothing from the test process leaks in."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

BASE_DIR = django_settings.BASE_DIR

READ_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from wip_portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "debug": settings.DEBUG,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "app_eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "result_backend": app.conf.result_backend,
    "default_queue": app.conf.task_default_queue,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "secret_key_is_dev": settings.SECRET_KEY == settings.DEV_SECRET_KEY,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "https": settings.HTTPS,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
}))
"""


def clean_env(**variables):
    """Only what Python needs to run, plus the variables a case sets."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(variables)
    return env


def read_settings(**variables):
    completed = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=BASE_DIR,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_settings_without_environment_run_on_a_laptop():
    values = read_settings()

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(BASE_DIR / "db.sqlite3")
    assert values["debug"] is False
    assert values["eager"] is True
    assert values["app_eager"] is True
    assert values["broker"] == "memory://"
    assert values["result_backend"] is None
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["secret_key_is_dev"] is True
    assert values["https"] is False
    assert values["session_cookie_secure"] is False
    assert values["hsts"] == 0


def test_settings_database_url_selects_postgresql():
    values = read_settings(DATABASE_URL="postgres://wip:secret@db.internal:5432/wip")

    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["db_name"], values["db_host"]) == ("wip", "db.internal")
    assert values["eager"] is True


def test_settings_redis_url_selects_redis_cache_and_real_broker():
    values = read_settings(REDIS_URL="redis://cache.internal:6379/2")

    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["cache_location"] == "redis://cache.internal:6379/2"
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["result_backend"] == "redis://cache.internal:6379/2"
    assert values["eager"] is False
    assert values["app_eager"] is False
    assert values["default_queue"] == "default"


def test_settings_eager_can_be_forced_with_redis():
    values = read_settings(REDIS_URL="redis://127.0.0.1:6379/0", CELERY_TASK_ALWAYS_EAGER="1")

    assert values["eager"] is True


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("0", False)])
def test_settings_debug_from_environment(value, expected):
    assert read_settings(DEBUG=value)["debug"] is expected


def test_settings_email_host_selects_smtp():
    values = read_settings(EMAIL_HOST="smtp.example.org")

    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "smtp.example.org"


def test_settings_https_turns_on_secure_cookies_and_hsts():
    values = read_settings(HTTPS="1", ALLOWED_HOSTS="wip.example.org, www.wip.example.org")

    assert values["allowed_hosts"] == ["wip.example.org", "www.wip.example.org"]
    assert values["session_cookie_secure"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] == 60 * 60 * 24 * 365


def test_celery_tasks_soft_time_limit_within_hard_limit():
    """Celery refuses to send a task whose soft limit (its own or the global one) is above
    its hard limit."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    from wip_portal.celery import app

    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.tasks"):
            import_module(f"{config.name}.tasks")
    ours = [task for name, task in app.tasks.items() if not name.startswith("celery.")]
    assert ours, "no task registered"
    for task in ours:
        hard = task.time_limit or app.conf.task_time_limit
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert soft <= hard, task.name
