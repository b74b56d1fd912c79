"""A real Celery worker on Redis and PostgreSQL for tests marked `integration`.

They run with `make integration` (WIP_INTEGRATION=1, DATABASE_URL on PostgreSQL, REDIS_URL
set) and are skipped, with the reason, otherwise. The worker is started once per session
against the test database pytest-django created, consumes the `default` queue, and writes
the mails it sends to files that the tests read.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.helpers import has_failed

WORKER_START_TIMEOUT = 60
BASE_DIR = Path(settings.BASE_DIR)


def integration_skip_reason() -> str | None:
    if os.environ.get("WIP_INTEGRATION") != "1":
        return "integration test: set WIP_INTEGRATION=1 (make integration) to run it"
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "integration test: DATABASE_URL must point at PostgreSQL"
    if not settings.REDIS_URL:
        return "integration test: REDIS_URL must be set"
    return None


def pytest_collection_modifyitems(config, items):
    reason = integration_skip_reason()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.skip(reason=reason))


def database_url(database: dict) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(database['NAME'], safe='')}"


class Worker:
    def __init__(self, *, process, hostname, log_path, mail_dir):
        self.process = process
        self.hostname = hostname
        self.log_path = log_path
        self.mail_dir = mail_dir

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def copies_sent(self, message_id: str) -> int:
        """How many times a message with this Message-ID reached the mail sink."""
        header = f"Message-ID: {message_id}"
        return sum(path.read_text().count(header) for path in self.mail_dir.iterdir())

    def print_log(self, title="Celery worker log"):
        print(f"\n===== {title} ({self.log_path}) =====\n{self.log()}\n===== end of log =====")


def wait_for_ping(app, worker: Worker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            worker.print_log("Celery worker exited at start")
            pytest.fail(f"The Celery worker exited with code {worker.process.returncode}")
        replies = app.control.ping(destination=[worker.hostname], timeout=1.0)
        if any(worker.hostname in reply for reply in replies):
            return
    worker.print_log("Celery worker did not answer")
    pytest.fail(f"The Celery worker did not answer a ping within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # warm shutdown of the worker and its pool
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    """`celery -A wip_portal worker` on the test database and the test Redis db."""
    from wip_portal.celery import app

    reason = integration_skip_reason()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("celery-worker")
    mail_dir = folder / "mail"
    mail_dir.mkdir()
    log_path = folder / "worker.log"
    hostname = f"wip-test-{os.getpid()}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
        # settings.DATABASES now names the test database pytest-django created.
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
        "PYTHONWARNINGS": "ignore",
    }
    # Messages left in the queue by an earlier run name rows of another database.
    app.control.purge()
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wip_portal",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--hostname",
        hostname,
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(process=process, hostname=hostname, log_path=log_path, mail_dir=mail_dir)
    try:
        wait_for_ping(app, worker, WORKER_START_TIMEOUT)
        yield worker
    finally:
        # Before pytest-django drops the test database: the worker holds connections to it.
        stop(process)
        app.control.purge()


@pytest.fixture
def worker(request, celery_worker, settings, _eager_celery):
    """The real worker, with tasks sent through Redis from this test process too."""
    from wip_portal.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield celery_worker
    app.conf.task_always_eager = True
    if has_failed(request) or celery_worker.process.poll() is not None:
        celery_worker.print_log()
    assert celery_worker.process.poll() is None, "the Celery worker died during the test"
