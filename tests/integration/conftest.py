"""A real Celery worker on Redis and PostgreSQL for tests marked `integration`.

They run with `make integration` (WIP_INTEGRATION=1, DATABASE_URL on PostgreSQL, REDIS_URL
set) and are skipped, with the reason, otherwise. The worker is started once per session
against the test database pytest-django created, consumes the `default` queue, and writes
the mails it sends to files that the tests read.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
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


def spawn(command: list[str], *, log_path: Path, env: dict | None = None, append=False):
    """A process of the test's own in a session of its own (so that it can be killed with
    its children), its output in `log_path`."""
    with log_path.open("a" if append else "w") as log:
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


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
    process = spawn(command, log_path=log_path, env=env)
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


# The fault tests kill workers and Redis: they run on a Redis, a mail server and workers of
# their own, on free ports, so that the machine's shared services are left alone.

REDIS_START_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """The handler of a local SMTP server: keeps the Message-ID and the recipients of every
    message it accepts, in the order they arrive (the server runs in a thread of its own).

    Its answers can change while it runs: while `busy`, it answers 421 (a transient
    refusal: "try again later") to every MAIL FROM; it answers 550 (a permanent one) to
    the addresses in `refused_recipients`. It can be stopped and started again on the same
    port (a mail server that is down refuses connections)."""

    BUSY = "421 4.3.2 Service not available, try again later"
    NO_MAILBOX = "550 5.1.1 No such mailbox here"

    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.busy = False
        self.refused_recipients: set[str] = set()
        self.controller = None
        self._lock = threading.Lock()
        self._received: list[tuple[str, tuple[str, ...]]] = []
        self._refusals: list[tuple[int, str]] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's hook name
        if self.busy:
            with self._lock:
                self._refusals.append((421, address))
            return self.BUSY
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refused_recipients:
            with self._lock:
                self._refusals.append((550, address))
            return self.NO_MAILBOX
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self._received.append((headers["Message-ID"], tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(
            self, hostname=self.host, port=self.port, server_hostname="smtp.wip-test.localhost"
        )
        self.controller.start()

    def stop(self) -> None:
        """Close the server: connections to its port are refused until it starts again."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self) -> list[tuple[str, tuple[str, ...]]]:
        with self._lock:
            return list(self._received)

    def count(self) -> int:
        with self._lock:
            return len(self._received)

    def refusals(self) -> list[tuple[int, str]]:
        """(code, address) of every MAIL FROM or RCPT TO refused, in order."""
        with self._lock:
            return list(self._refusals)


@pytest.fixture
def smtp_sink():
    """An aiosmtpd server on 127.0.0.1 and a free port that accepts every message."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


class RedisServer:
    """A redis-server on a free port that keeps nothing on disk: killed and started again,
    it comes back empty, on the same port."""

    def __init__(self, *, folder: Path):
        self.executable = shutil.which("redis-server")
        self.port = free_port()
        self.folder = folder
        self.process = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A client to use as a context manager (it closes its connections on exit)."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        self.starts += 1
        log_path = self.folder / f"redis-{self.starts}.log"
        command = [
            self.executable,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.process = spawn(command, log_path=log_path)
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"redis-server exited with code {self.process.returncode}:\n"
                    f"{log_path.read_text(errors='replace')}"
                )
            try:
                with self.client() as client:
                    client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not answer on port {self.port} in {REDIS_START_TIMEOUT} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a Celery queue (kombu keeps a queue as a Redis list)."""
        with self.client() as client:
            return client.llen(queue)


@pytest.fixture
def own_redis(tmp_path_factory):
    """A Redis of the test's own, stopped at the end."""
    reason = integration_skip_reason()
    if reason:
        pytest.skip(reason)
    server = RedisServer(folder=tmp_path_factory.mktemp("redis"))
    if server.executable is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def own_celery_app(own_redis, settings, _eager_celery):
    """This process sends its tasks through the test's own Redis: a Celery app configured
    like the portal's but on that broker, current while the test runs (shared tasks such as
    outbox.tasks.task_deliver_mail resolve to the current app)."""
    from celery import Celery
    from celery._state import get_current_app

    previous = get_current_app()
    app = Celery("wip_portal_faults", set_as_current=False, fixups=[])
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=own_redis.url, result_backend=None, task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


class FaultWorker(Worker):
    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes at once, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_worker(request, django_db_setup, own_redis, own_celery_app, smtp_sink, tmp_path_factory):
    """Starts `celery -A wip_portal worker` processes on the test database, the test's Redis
    and its mail server; every one still running is stopped at the end."""
    folder = tmp_path_factory.mktemp("fault-workers")
    started: list[FaultWorker] = []

    def start(*, concurrency: int = 2) -> FaultWorker:
        number = len(started) + 1
        hostname = f"wip-faults-{os.getpid()}-{number}@{socket.gethostname()}"
        log_path = folder / f"worker-{number}.log"
        # Its own temporary folder: what a killed worker leaves there can be seen.
        tmp_dir = folder / f"tmp-{number}"
        tmp_dir.mkdir()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": own_redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": smtp_sink.host,
            "EMAIL_PORT": str(smtp_sink.port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "EMAIL_TIMEOUT": "10",
            # The test's own media folder: the worker reads the stills and writes the
            # dossiers the test checks.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "TMPDIR": str(tmp_dir),
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wip_portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname",
            hostname,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        process = spawn(command, log_path=log_path, env=env)
        worker = FaultWorker(process=process, hostname=hostname, log_path=log_path, mail_dir=None)
        worker.tmp_dir = tmp_dir
        started.append(worker)
        wait_for_ping(own_celery_app, worker, WORKER_START_TIMEOUT)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            stop(worker.process)
        if has_failed(request):
            for worker in started:
                worker.print_log(f"Celery worker {worker.hostname}")


# The portal itself, served by gunicorn on the test database, for the tests that cut its
# database connections while producers use it.

PORTAL_START_TIMEOUT = 60


class Portal:
    def __init__(self, *, process, port: int, log_path: Path, application_name: str):
        self.process = process
        self.port = port
        self.log_path = log_path
        self.application_name = application_name

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def print_log(self):
        print(f"\n===== Portal log ({self.log_path}) =====\n{self.log()}\n===== end of log =====")


@pytest.fixture
def start_portal(request, django_db_setup, own_redis, tmp_path_factory):
    """Starts `gunicorn wip_portal.wsgi` on a free port, on the test database (its
    connections named `application_name` in pg_stat_activity, kept open between requests
    as in production), the test's Redis as broker (no worker: tasks wait there) and the
    test's media folder; stopped at the end."""
    import requests

    folder = tmp_path_factory.mktemp("portal")
    started: list[Portal] = []

    def start(*, application_name: str, workers: int = 2, threads: int = 4) -> Portal:
        port = free_port()
        log_path = folder / f"gunicorn-{len(started) + 1}.log"
        database = database_url(settings.DATABASES["default"])
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
            "DATABASE_URL": f"{database}?application_name={quote(application_name)}",
            "CONN_MAX_AGE": "60",
            "REDIS_URL": own_redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "wip_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ]
        process = spawn(command, log_path=log_path, env=env, append=True)
        portal = Portal(
            process=process, port=port, log_path=log_path, application_name=application_name
        )
        started.append(portal)
        deadline = time.monotonic() + PORTAL_START_TIMEOUT
        while True:
            if process.poll() is not None:
                portal.print_log()
                pytest.fail(f"gunicorn exited at start with code {process.returncode}")
            try:
                if requests.get(portal.url("/healthz"), timeout=5).status_code == 200:
                    return portal
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                portal.print_log()
                pytest.fail(f"The portal did not answer /healthz within {PORTAL_START_TIMEOUT} s")
            time.sleep(0.1)

    try:
        yield start
    finally:
        for portal in started:
            stop(portal.process)  # before the test database is flushed: it holds connections
        if has_failed(request):
            for portal in started:
                portal.print_log()
