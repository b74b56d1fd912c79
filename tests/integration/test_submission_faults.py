"""Producers submitting through the served portal while its database connections are cut.

The portal runs under gunicorn (see start_portal in conftest.py) on the test database,
its connections named in pg_stat_activity. Six producers (threads, each with its own HTTP
session) sign in, upload three stills, their director's photo and two PDF documents, and
submit; a step that fails is tried again, as a producer would press the button again.
Meanwhile the test terminates the portal's connections over and over with
pg_terminate_backend: about every 150 ms (at random moments) those in the middle of a
statement or of a transaction, every 10 s the idle ones too (a connection kept between
requests then dies under the next one, or under the request using it, between two
queries).

Afterwards, what the producers were told holds: every save they saw acknowledged (the
redirect that follows it) is in the database, once; every submission they saw
acknowledged is submitted, with one event and one confirmation mail; the failed requests
were 500 pages whose logged cause is the cut connection, nothing else. And the media
folder and the rows agree: every stored file has its row, every row its file (a request
cut after its files were written leaves none behind).
"""

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg2
import pytest
import requests
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import models
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from editions.models import Material
from editions.tests.factories import CallFactory
from outbox.models import Mail
from submissions.models import Document, EventKind, Project, ProjectEvent, ProjectStatus, Still
from submissions.tests.factories import (
    PDF_BYTES,
    CutFactory,
    DirectorFactory,
    PostProductionItemFactory,
    ProjectCompanyFactory,
    ProjectFactory,
    jpeg_bytes,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PRODUCERS = 6
STILLS = 3
DOCUMENTS = (Material.BUDGET, Material.FINANCING_PLAN)
APPLICATION_NAME = "wip_faults_web"
# The killer's rhythm: the connections busy in a statement or a transaction at random
# moments KILL_EVERY seconds apart on average, every connection of the portal every
# IDLE_EVERY seconds.
KILL_EVERY = 0.15
IDLE_EVERY = 10.0
ATTEMPTS = 40  # per step, before the producer gives up (the test then fails)
REQUEST_TIMEOUT = 60
RUN_TIMEOUT = 180
CUT_ERRORS = {"django.db.utils.OperationalError", "django.db.utils.InterfaceError"}


class Killer(threading.Thread):
    """Terminates the portal's database connections until stopped."""

    def __init__(self, application_name: str):
        super().__init__(name="connection-killer", daemon=True)
        self.application_name = application_name
        self.stop_event = threading.Event()
        self.rounds = 0
        self.cut = Counter()  # by the state the connection was in
        self.error = None

    def run(self):
        database = settings.DATABASES["default"]
        try:
            connection = psycopg2.connect(
                host=database["HOST"] or "127.0.0.1",
                port=database["PORT"] or 5432,
                user=database["USER"],
                password=database["PASSWORD"] or None,
                dbname=database["NAME"],
                application_name="wip_faults_killer",
            )
        except psycopg2.Error as error:
            self.error = error
            return
        connection.autocommit = True
        pace = random.Random(20)  # the same moments from run to run, as far as timing goes
        idle_at = time.monotonic() + IDLE_EVERY
        try:
            with connection.cursor() as cursor:
                while not self.stop_event.is_set():
                    idle_too = time.monotonic() >= idle_at
                    if idle_too:
                        idle_at += IDLE_EVERY
                    cursor.execute(
                        "SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND application_name = %s AND (%s OR state <> 'idle')",
                        [self.application_name, idle_too],
                    )
                    for state, terminated in cursor.fetchall():
                        if terminated:
                            self.cut[state or "unknown"] += 1
                    self.rounds += 1
                    self.stop_event.wait(pace.uniform(0, 2 * KILL_EVERY))
        except psycopg2.Error as error:
            self.error = error
        finally:
            connection.close()

    def stop(self):
        self.stop_event.set()
        self.join(timeout=10)


@dataclass
class Producer:
    number: int
    email: str
    project_id: int
    urls: dict  # reversed in the test's thread, where the language is set
    # Every request: (step, attempt, status code, acknowledged).
    requests: list = field(default_factory=list)
    tried_captions: set = field(default_factory=set)
    acknowledged_captions: list = field(default_factory=list)
    acknowledged_documents: dict = field(default_factory=dict)  # kind: original name
    photo_acknowledged: bool = False
    submitted: bool = False
    unexpected: list = field(default_factory=list)
    error: BaseException | None = None


def redirects_to(response, path: str) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.split("#")[0] == path


class Browser:
    """A producer's browser: one HTTP session, sending the CSRF token of its cookie."""

    def __init__(self, portal, producer: Producer):
        self.portal = portal
        self.producer = producer
        self.http = requests.Session()

    def close(self):
        self.http.close()

    def send(self, method: str, path: str, **kwargs):
        response = self.http.request(
            method,
            self.portal.url(path),
            headers={"X-CSRFToken": self.http.cookies.get("csrftoken", "")},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )
        response.close()
        return response

    def step(self, step: str, send, acknowledged, *, failures=(500,)) -> int:
        """Send (send(attempt)) until the portal acknowledges the step; returns the attempt
        that was. An answer neither acknowledging it nor among `failures` stops the
        producer."""
        for attempt in range(1, ATTEMPTS + 1):
            response = send(attempt)
            done = acknowledged(response)
            self.producer.requests.append((step, attempt, response.status_code, done))
            if done:
                return attempt
            if response.status_code not in failures:
                self.producer.unexpected.append(
                    (step, attempt, response.status_code, response.headers.get("Location"))
                )
                raise AssertionError(f"{step}: answered {response.status_code}")
        raise AssertionError(f"{step}: not acknowledged after {ATTEMPTS} attempts")


def apply(portal, producer: Producer):
    """Everything a producer does, step by step, each step sent again until acknowledged.
    Runs in a thread of its own: what goes wrong is kept on `producer`."""
    browser = Browser(portal, producer)
    urls = producer.urls
    try:
        browser.step(
            "login page",
            lambda attempt: browser.send("GET", urls["login"]),
            lambda response: response.status_code == 200 and "csrftoken" in browser.http.cookies,
        )
        browser.step(
            "login",
            lambda attempt: browser.send(
                "POST", urls["login"], data={"username": producer.email, "password": PASSWORD}
            ),
            lambda response: (
                response.status_code == 302
                and urls["login"] not in response.headers.get("Location", "")
            ),
            # Django answers 400 when the session cannot be saved (SessionInterrupted).
            failures=(400, 500),
        )
        for number in range(1, STILLS + 1):

            def send_still(attempt, number=number):
                caption = f"Producer {producer.number}, still {number}, attempt {attempt}"
                producer.tried_captions.add(caption)
                image = jpeg_bytes(1600, 900, (30 * number, 10 * producer.number, attempt % 256))
                return browser.send(
                    "POST",
                    urls["still"],
                    data={"caption": caption},
                    files={"images": ("still.jpg", image, "image/jpeg")},
                )

            attempt = browser.step(
                "still", send_still, lambda response: redirects_to(response, urls["materials"])
            )
            producer.acknowledged_captions.append(
                f"Producer {producer.number}, still {number}, attempt {attempt}"
            )
        browser.step(
            "director photo",
            lambda attempt: browser.send(
                "POST",
                urls["photo"],
                files={"photo": ("photo.jpg", jpeg_bytes(800, 1000), "image/jpeg")},
            ),
            lambda response: redirects_to(response, urls["materials"]),
        )
        producer.photo_acknowledged = True
        for kind in DOCUMENTS:

            def document_name(attempt, kind=kind):
                return f"{kind}-{producer.number}-attempt-{attempt}.pdf"

            attempt = browser.step(
                "document",
                lambda attempt, kind=kind: browser.send(
                    "POST",
                    urls["document"],
                    data={"kind": kind},
                    files={"file": (document_name(attempt), PDF_BYTES, "application/pdf")},
                ),
                lambda response: redirects_to(response, urls["materials"]),
            )
            producer.acknowledged_documents[kind] = document_name(attempt)
        browser.step(
            "submit",
            lambda attempt: browser.send("POST", urls["submit"]),
            lambda response: redirects_to(response, urls["project"]),
        )
        producer.submitted = True
    except BaseException as error:  # noqa: BLE001 - reported by the test, in its thread
        producer.error = error
    finally:
        browser.close()


def make_producers() -> list[Producer]:
    call = CallFactory(
        required_materials=[
            Material.STILLS,
            Material.SCREENER,
            Material.DIRECTOR_PHOTO,
            *DOCUMENTS,
        ],
        max_stills=6,
    )
    # As the portal hashes passwords (the tests' own hasher is another), computed once.
    password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    producers = []
    for number in range(1, PRODUCERS + 1):
        owner = UserFactory(email=f"producer{number}@example.org")
        owner.password = password
        owner.save(update_fields=["password"])
        project = ProjectFactory(call=call, owner=owner)
        ProjectCompanyFactory(project=project)
        director = DirectorFactory(project=project)
        CutFactory(project=project, number=1)
        PostProductionItemFactory(project=project)
        pk = {"pk": project.pk}
        urls = {
            "login": reverse("accounts:login"),
            "materials": reverse("submissions:materials", kwargs=pk),
            "still": reverse("submissions:still_upload", kwargs=pk),
            "photo": reverse("submissions:director_photo", kwargs={"pk": director.pk}),
            "document": reverse("submissions:document_upload", kwargs=pk),
            "submit": reverse("submissions:submit", kwargs=pk),
            "project": reverse("submissions:project", kwargs=pk),
        }
        producers.append(
            Producer(number=number, email=owner.email, project_id=project.pk, urls=urls)
        )
    return producers


def media_files() -> set[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def file_rows() -> set[str]:
    """The name in every file field of every row of the portal."""
    names = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField):
                rows = model._default_manager.exclude(**{model_field.name: ""})
                names.update(rows.values_list(model_field.name, flat=True))
    return names


LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\w+) ([\w.]+): (.*)$")
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupted)): ")
SERVER_ERROR = "Internal Server Error: "
SESSION_LOST = "The request's session was deleted before the request completed"


def failed_requests(log: str) -> list[tuple[str, str, list[str]]]:
    """(kind, path, exceptions in the order of the traceback) of every request the portal
    logged as failed: "500" for an Internal Server Error, "400" for a session it could not
    save (Django's SessionInterrupted)."""
    found, current = [], None
    for line in log.splitlines():
        record = LOG_RECORD.match(line)
        if record or line.startswith("["):  # a new record (gunicorn's start with "[")
            if current:
                found.append(current)
            current = None
            if record and record.group(2) == "django.request":
                message = record.group(3)
                if message.startswith(SERVER_ERROR):
                    current = ("500", message.removeprefix(SERVER_ERROR), [])
                elif message.startswith(SESSION_LOST):
                    current = ("400", message.rsplit(": ", 1)[-1], [])
        elif current is not None and (exception := EXCEPTION_LINE.match(line)):
            current[2].append(exception.group(1))
    if current:
        found.append(current)
    return found


def test_connections_cut_during_submissions_lose_no_acknowledged_save(start_portal, capsys):
    producers = make_producers()
    portal = start_portal(application_name=APPLICATION_NAME)
    killer = Killer(APPLICATION_NAME)
    began = time.monotonic()
    killer.start()
    threads = [
        threading.Thread(
            target=apply, args=(portal, producer), name=f"producer-{producer.number}", daemon=True
        )
        for producer in producers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, RUN_TIMEOUT - (time.monotonic() - began)))
    elapsed = time.monotonic() - began
    killer.stop()
    portal_log = portal.log()
    assert not any(thread.is_alive() for thread in threads), "a producer did not finish"
    assert killer.error is None, killer.error

    statuses = Counter(
        status for producer in producers for (*_, status, _done) in producer.requests
    )
    retried = Counter(
        step
        for producer in producers
        for step, attempt, _status, done in producer.requests
        if done and attempt > 1
    )
    failures = failed_requests(portal_log)
    errors = [(path, exceptions[-1]) for kind, path, exceptions in failures if kind == "500"]
    session_losses = [exceptions for kind, _path, exceptions in failures if kind == "400"]
    projects = {project.pk: project for project in Project.objects.all()}
    stills = list(Still.objects.values_list("project_id", "caption"))
    stored_unacknowledged = sum(
        1
        for producer in producers
        for project_id, caption in stills
        if project_id == producer.project_id and caption not in producer.acknowledged_captions
    )
    documents = {
        project_id: dict(
            Document.objects.filter(project_id=project_id).values_list("kind", "original_name")
        )
        for project_id in projects
    }
    files, rows = media_files(), file_rows()
    lost = (
        [
            (producer.number, caption)
            for producer in producers
            for caption in producer.acknowledged_captions
            if (producer.project_id, caption) not in stills
        ]
        + [
            producer.number
            for producer in producers
            if producer.submitted
            and projects[producer.project_id].status != ProjectStatus.SUBMITTED
        ]
        + [
            (producer.number, kind)
            for producer in producers
            for kind, name in producer.acknowledged_documents.items()
            if documents[producer.project_id].get(kind) != name
        ]
    )
    with capsys.disabled():
        print(
            f"\n[submission faults] connections cut: {PRODUCERS} producers, "
            f"{sum(len(producer.requests) for producer in producers)} requests "
            f"(answers {dict(sorted(statuses.items()))}), acknowledged steps retried "
            f"{dict(retried)}, connections terminated {sum(killer.cut.values())} "
            f"({dict(killer.cut)}) in {killer.rounds} rounds, 500s logged {len(errors)} "
            f"({dict(Counter(exception for _path, exception in errors))}), sessions not "
            f"saved (400) {len(session_losses)}, submitted "
            f"{sum(producer.submitted for producer in producers)}/{PRODUCERS}, stills saved "
            f"though answered 500: {stored_unacknowledged}, files {len(files)}, file rows "
            f"{len(rows)}, orphan files {len(files - rows)}, rows without file "
            f"{len(rows - files)}, {elapsed:.1f} s; faults survived, items lost: {len(lost)}"
        )

    for producer in producers:
        assert producer.unexpected == [], (producer.number, producer.unexpected)
        assert producer.error is None, (producer.number, repr(producer.error))
    # The cuts did happen, in the middle of requests.
    assert killer.cut, "no connection was terminated"
    assert statuses[500] > 0, "no request was cut: the test shows nothing"
    # Every failed request was a 500 whose cause is the cut connection, or a 400 when it
    # cut the saving of a session at sign-in.
    assert set(statuses) <= {200, 302, 400, 500}
    assert len(errors) == statuses[500]
    assert {exception for _path, exception in errors} <= CUT_ERRORS, errors
    assert len(session_losses) == statuses[400]
    assert all(CUT_ERRORS & set(exceptions) for exceptions in session_losses), session_losses
    # What the producers saw acknowledged is there, once.
    assert lost == []
    for producer in producers:
        project = projects[producer.project_id]
        captions = Counter(caption for project_id, caption in stills if project_id == project.pk)
        assert all(captions[caption] == 1 for caption in producer.acknowledged_captions)
        assert set(captions) <= producer.tried_captions
        assert project.status == ProjectStatus.SUBMITTED
        assert project.submitted_at is not None
        assert documents[project.pk] == producer.acknowledged_documents
        assert producer.photo_acknowledged
        assert project.directors.get().photo.name
        events = ProjectEvent.objects.filter(
            project=project, kind=EventKind.STATUS, to_status=ProjectStatus.SUBMITTED
        )
        assert events.count() == 1
        assert Mail.objects.filter(dedupe_key__startswith=f"submitted:{project.pk}:").count() == 1
    # The media folder and the rows agree.
    assert files - rows == set(), "files no row points at"
    assert rows - files == set(), "rows whose file is missing"
