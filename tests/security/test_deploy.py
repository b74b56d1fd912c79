"""Deployment security that `check --deploy` does not see (wip_portal/tests/test_checks.py
runs that check and tests the Content Security Policy): the production settings' cookies
and HSTS on real responses, password rules, bandit over the code and pinned
dependencies."""

import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt", "requirements-bench.txt"]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[a-z,]+\])?==(?P<version>[^\s;]+)$")

PRODUCTION_REQUESTS = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from accounts.models import User
    User.objects.create_user("paula@example.org", "a long and careful passphrase",
                             full_name="Paula", email_confirmed=True)
    client = Client()
    plain = client.get("/en/", HTTP_HOST="wip.example.org")
    page = client.get("/en/accounts/login/", secure=True, HTTP_HOST="wip.example.org")
    signed = client.post(
        "/en/accounts/login/",
        {"username": "paula@example.org", "password": "a long and careful passphrase"},
        secure=True, HTTP_HOST="wip.example.org",
        HTTP_REFERER="https://wip.example.org/en/accounts/login/",
    )
    cookies = {
        name: {key: str(morsel[key]) for key in ("secure", "httponly", "samesite")}
        for name, morsel in client.cookies.items()
    }
    print(json.dumps({
        "plain": [plain.status_code, plain.get("Location", "")],
        "hsts": page.get("Strict-Transport-Security", ""),
        "signed": signed.status_code,
        "cookies": cookies,
    }))
    """
)


def production_env(tmp_path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "wip.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://wip.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONWARNINGS": "ignore",
    }


def test_production_sends_hsts_and_only_secure_cookies(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUESTS],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    answers = json.loads(completed.stdout.strip().splitlines()[-1])
    # Plain HTTP is sent to HTTPS.
    assert answers["plain"] == [301, "https://wip.example.org/en/"]
    assert answers["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answers["signed"] == 302
    cookies = answers["cookies"]
    assert set(cookies) >= {"csrftoken", "sessionid"}
    for name, flags in cookies.items():
        assert flags["secure"] == "True", f"{name} is not Secure"
        assert flags["samesite"] == "Lax", f"{name} is sent cross-site"
    assert cookies["sessionid"]["httponly"] == "True"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("84736251904", "This password is entirely numeric."),
        ("paula.productora", "The password is too similar to the"),
    ],
)
def test_weak_passwords_are_refused_and_the_rest_is_kept(client, password, message):
    response = client.post(
        "/en/accounts/signup/",
        {
            "full_name": "Paula Productora",
            "email": "paula.productora@example.org",
            "password1": password,
            "password2": password,
            "language": "es",
            "accept_data_use": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="paula.productora@example.org"' in page
    assert 'value="Paula Productora"' in page


def test_bandit_finds_nothing_in_the_portals_code(figure):
    """Each finding bandit would make is justified where it is (`# nosec <id>` with why);
    anything new fails here."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-c",
            "pyproject.toml",
            "-r",
            ".",
            "-f",
            "json",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(completed.stdout)
    findings = [
        f"{result['filename']}:{result['line_number']} {result['test_id']} {result['issue_text']}"
        for result in report["results"]
    ]
    assert findings == []
    scanned = report["metrics"]["_totals"]["loc"]
    figure("bandit: lines scanned", scanned)
    figure("bandit: findings", len(findings))
    assert scanned > 10_000


def test_every_dependency_is_pinned_and_installed_as_pinned():
    unpinned, different = [], []
    for requirements in REQUIREMENTS:
        for number, line in enumerate((BASE_DIR / requirements).read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith(("#", "-r ")):
                continue
            match = PIN.match(line)
            if not match:
                unpinned.append(f"{requirements}:{number}: {line}")
                continue
            if requirements == "requirements-bench.txt":
                continue  # installed only by `make bench-rush`
            try:
                installed = metadata.version(match["name"])
            except metadata.PackageNotFoundError:
                different.append(f"{match['name']} is not installed")
                continue
            if installed != match["version"]:
                different.append(f"{match['name']}: pinned {match['version']}, has {installed}")
    assert unpinned == []
    assert different == []
