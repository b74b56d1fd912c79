"""A selection dossier's build under a worker killed with SIGKILL in the middle of it.

A session is published with a complete dossier (version 1). Version 2 is started; when
its progress shows it well under way, the worker and its pool are killed, and a new worker
starts. The killed build is then either completed by a later attempt (the broker hands its
message out again) or marked failed as interrupted when staff start a new version. From
the first version's build to the end, the test keeps downloading version 1 as staff and
the scope's latest ready version as a guest: version 1 is served whole, byte for byte,
throughout, and nothing else is ever served but a complete file of a ready version.

A build counts as interrupted 30 minutes after it started (juries.builds.STALE_AFTER), and
Redis hands out an unacknowledged message again after its visibility timeout (an hour):
the test does not wait for them. It moves the killed build's start 30 minutes back, as if
they had passed, and sends its message again, as Redis would.
"""

import hashlib
import io
import time
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.tests.factories import CallFactory, EditionFactory, ProgrammeFactory, SessionFactory
from juries import builds, dossiers
from juries.models import (
    Dossier,
    DossierStatus,
    Placement,
    PlacementKind,
    Selection,
    SessionPublication,
)
from juries.tasks import task_build_dossier
from juries.tests.factories import submitted_project
from outbox import services as outbox_services
from outbox.models import Mail, MailStatus
from submissions.models import ProjectStatus
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    PostProductionItemFactory,
    ProjectCompanyFactory,
    StillFactory,
    jpeg_bytes,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FILMS = 60
# The worker is killed once the build's progress reaches this (the PDF is being laid out:
# 40 to 85; see dossiers.build_dossier).
KILL_AT_PROGRESS = 45
BUILD_TIMEOUT = 120.0
KINDS = ("pdf", "zip")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def dossier_files() -> set[str]:
    """Every file in the dossiers' folder of the storage."""
    if not default_storage.exists("dossiers"):
        return set()
    _folders, files = default_storage.listdir("dossiers")
    return {f"dossiers/{name}" for name in files}


def referenced_files() -> set[str]:
    names = set()
    for pdf, archive in Dossier.objects.values_list("pdf", "archive"):
        names.update(name for name in (pdf, archive) if name)
    return names


def check_complete(dossier: Dossier) -> dict[str, str]:
    """The digests of a ready version's files, once they are checked to be whole: a PDF
    from its header to its end-of-file marker, and a ZIP whose every member reads back
    (the PDF in it being the same bytes)."""
    pdf, archive = stored(dossier.pdf.name), stored(dossier.archive.name)
    assert pdf.startswith(b"%PDF-"), f"version {dossier.version}: not a PDF"
    assert pdf.rstrip().endswith(b"%%EOF"), f"version {dossier.version}: the PDF is cut short"
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.testzip() is None, f"version {dossier.version}: a damaged ZIP"
        members = opened.namelist()
        pdfs = [name for name in members if name.endswith(".pdf")]
        assert len(pdfs) == 1
        assert opened.read(pdfs[0]) == pdf
        assert len(members) == 1 + FILMS, f"version {dossier.version}: {len(members)} files"
    return {"pdf": sha256(pdf), "zip": sha256(archive)}


class Downloads:
    """Downloads, again and again, version 1 as staff and the latest ready version through
    a guest's link, and checks every byte served; asks for the files of every version not
    ready, which must not be served."""

    def __init__(self, *, staff, first: Dossier, token: str):
        self.staff = Client()
        self.staff.force_login(staff)
        self.guest = Client()
        self.first = first
        self.token = token
        self.digests = {first.pk: check_complete(first)}
        self.rounds = 0
        self.refused = 0
        self.guest_served = set()

    def fetch(self, client, url) -> bytes:
        response = client.get(url)
        try:
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            return b"".join(response.streaming_content)
        finally:
            response.close()

    def ready_digests(self) -> dict[int, dict[str, str]]:
        for dossier in Dossier.objects.filter(status=DossierStatus.READY):
            if dossier.pk not in self.digests:
                self.digests[dossier.pk] = check_complete(dossier)
        return self.digests

    def check(self) -> None:
        self.rounds += 1
        for kind in KINDS:
            url = reverse("juries:staff_dossier_file", kwargs={"pk": self.first.pk, "kind": kind})
            assert sha256(self.fetch(self.staff, url)) == self.digests[self.first.pk][kind], (
                f"version 1's {kind} changed"
            )
            url = reverse("juries:dossier_guest_file", kwargs={"token": self.token, "kind": kind})
            served = sha256(self.fetch(self.guest, url))
            versions = [pk for pk, files in self.ready_digests().items() if files[kind] == served]
            assert versions, f"the guest's link served a {kind} that is no ready version's"
            self.guest_served.update(versions)
        for dossier in Dossier.objects.exclude(status=DossierStatus.READY):
            for kind in KINDS:
                url = reverse("juries:staff_dossier_file", kwargs={"pk": dossier.pk, "kind": kind})
                response = self.staff.get(url)
                try:
                    if response.status_code == 404:
                        self.refused += 1
                        continue
                    # Served: it became ready meanwhile, and what was served is its file.
                    served = sha256(b"".join(response.streaming_content))
                finally:
                    response.close()
                assert served == self.ready_digests().get(dossier.pk, {}).get(kind), (
                    f"the {kind} of version {dossier.version} was served while {dossier.status}"
                )


def wait_while_downloading(predicate, *, what: str, downloads: Downloads, timeout=BUILD_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            rows = list(Dossier.objects.values("version", "status", "progress", "error"))
            pytest.fail(f"Timed out after {timeout} s waiting for {what}: {rows}")
        downloads.check()
        time.sleep(0.05)


def status_of(dossier) -> tuple[str, int]:
    return Dossier.objects.values_list("status", "progress").get(pk=dossier.pk)


@pytest.fixture
def published_session():
    """A published session of FILMS selected films, each with its still (web and print
    versions), its director's photo and what a catalogue page shows."""
    programme = ProgrammeFactory()
    edition = EditionFactory(programme=programme)
    session = SessionFactory(edition=edition)
    call = CallFactory(edition=edition)
    selection = Selection.objects.create(edition=edition, locked_at=timezone.now())
    photo = jpeg_bytes(400, 500)
    for number in range(FILMS):
        project = submitted_project(
            call=call, original_title=f"Película {number:02d}", status=ProjectStatus.SELECTED
        )
        ProjectCompanyFactory(project=project)
        DirectorFactory(project=project, photo=ContentFile(photo, name="photo.jpg"))
        PostProductionItemFactory(project=project)
        CutFactory(project=project, number=1)
        colour = (40 + number * 5, 120, 200 - number * 4)
        StillFactory(
            project=project,
            web=ContentFile(jpeg_bytes(1600, 900, colour), name="web.jpg"),
            large=ContentFile(jpeg_bytes(2400, 1350, colour), name="large.jpg"),
        )
        Placement.objects.create(
            selection=selection,
            project=project,
            session=session,
            kind=PlacementKind.SELECTED,
            position=number,
        )
    now = timezone.now()
    SessionPublication.objects.create(session=session, publish_at=now, published_at=now)
    staff = UserFactory(email="dossier-staff@example.org")
    programme.team.add(staff)
    return session, staff


def start(session, staff) -> Dossier:
    with transaction.atomic():  # the build is dispatched when this commits
        return dossiers.start_dossier(edition=session.edition, session=session, by=staff)


def report(capsys, title: str, figures: dict) -> None:
    with capsys.disabled():
        print(
            f"\n[dossier faults] {title}: films {FILMS}, "
            + ", ".join(f"{key} {value}" for key, value in figures.items())
            + f"; faults survived, items lost: {figures['lost']}"
        )


@pytest.mark.parametrize("recovery", ["redelivered", "started_again"])
def test_worker_killed_mid_build_keeps_the_previous_version_whole(
    recovery, published_session, smtp_sink, own_redis, start_worker, capsys
):
    began = time.monotonic()
    session, staff = published_session
    worker = start_worker(concurrency=1)

    first = start(session, staff)
    build_began = time.monotonic()
    deadline = build_began + BUILD_TIMEOUT
    while status_of(first)[0] != DossierStatus.READY:
        assert time.monotonic() < deadline, f"version 1 was not built: {status_of(first)}"
        time.sleep(0.1)
    build_time = time.monotonic() - build_began
    first.refresh_from_db()
    _link, token = dossiers.create_link(
        edition=session.edition,
        session=session,
        label="Sales agent",
        expires_at=timezone.now() + timedelta(days=7),
        by=staff,
    )
    downloads = Downloads(staff=staff, first=first, token=token)
    downloads.check()
    assert dossier_files() == referenced_files() == {first.pdf.name, first.archive.name}

    second = start(session, staff)
    wait_while_downloading(
        lambda: status_of(second)[1] >= KILL_AT_PROGRESS,
        what=f"version 2 to reach {KILL_AT_PROGRESS} %",
        downloads=downloads,
    )
    worker.kill()
    killed_worker = worker
    status, progress = status_of(second)
    assert status == DossierStatus.BUILDING, f"version 2 was {status} when the worker died"
    downloads.check()
    # What the killed build wrote is no version's: nothing points at it, nothing serves it.
    left_by_kill = dossier_files() - referenced_files()
    worker = start_worker(concurrency=1)
    # The new worker does not take the build over while it may still be running elsewhere.
    assert dossiers.claim_dossier(dossier_id=second.pk) is False
    downloads.check()
    guest_before = set(downloads.guest_served)

    # As if the 30 minutes after which a build counts as interrupted had passed.
    Dossier.objects.filter(pk=second.pk).update(created_at=F("created_at") - builds.STALE_AFTER)
    if recovery == "redelivered":
        task_build_dossier.delay(dossier_id=second.pk)  # as Redis would, after an hour
        wait_while_downloading(
            lambda: status_of(second)[0] in (DossierStatus.READY, DossierStatus.FAILED),
            what="version 2 to be built",
            downloads=downloads,
        )
        finished = second
    else:
        staff_client = Client()
        staff_client.force_login(staff)
        response = staff_client.post(
            reverse("juries:staff_dossier_start", kwargs={"edition_pk": session.edition_id}),
            {"session": session.pk, "language": "en"},
        )
        assert response.status_code == 302
        finished = Dossier.objects.get(session=session, version=3)
        wait_while_downloading(
            lambda: status_of(finished)[0] in (DossierStatus.READY, DossierStatus.FAILED),
            what="version 3 to be built",
            downloads=downloads,
        )
        # The killed build's message, handed out again late, builds nothing: a mail queued
        # after it is sent by the one worker process only once it is done with it.
        task_build_dossier.delay(dossier_id=second.pk)
        with transaction.atomic():
            marker = outbox_services.queue_mail(
                to="marker@example.org", subject="After", body_text=".", language="en", kind="t"
            )
        wait_while_downloading(
            lambda: Mail.objects.get(pk=marker.pk).status == MailStatus.SENT,
            what="the mail queued after the late message",
            downloads=downloads,
        )

    second.refresh_from_db()
    finished.refresh_from_db()
    downloads.check()
    orphans = dossier_files() - referenced_files()
    # A SIGKILL skips the cleanup of the build's temporary folders (its work folder and
    # the PDF's): they stay in the dead worker's temporary folder, never served.
    left_in_tmp = [path for path in killed_worker.tmp_dir.rglob("*") if path.is_file()]
    versions = {
        dossier.version: dossier.status
        for dossier in Dossier.objects.filter(session=session).order_by("version")
    }
    report(
        capsys,
        f"worker SIGKILL mid-build, {recovery.replace('_', ' ')}",
        {
            "build": f"{build_time:.1f} s",
            "killed at": f"{progress} %",
            "files left by the killed build": len(left_by_kill),
            "versions": versions,
            "downloads": f"{downloads.rounds} rounds of version 1 (staff) and the latest "
            f"ready (guest), versions served to the guest "
            f"{sorted(Dossier.objects.get(pk=pk).version for pk in downloads.guest_served)}, "
            f"files of unfinished versions refused {downloads.refused}",
            "orphan files": len(orphans),
            "temporary files left by the killed build": f"{len(left_in_tmp)} "
            f"({sum(path.stat().st_size for path in left_in_tmp) / 1e6:.1f} MB)",
            "time": f"{time.monotonic() - began:.1f} s",
            "lost": 0 if finished.status == DossierStatus.READY else 1,
        },
    )
    assert guest_before == {first.pk}, "the guest got something else than version 1 mid-build"
    assert downloads.refused > 0
    assert finished.status == DossierStatus.READY, finished.error
    assert finished.pages == first.pages
    assert downloads.digests[finished.pk] != downloads.digests[first.pk]
    assert downloads.guest_served == {first.pk, finished.pk}
    if recovery == "redelivered":
        assert versions == {1: DossierStatus.READY, 2: DossierStatus.READY}
    else:
        assert versions == {1: DossierStatus.READY, 2: DossierStatus.FAILED, 3: DossierStatus.READY}
        assert second.error == "Interrupted: the build did not finish in time."
        assert (second.pdf.name, second.archive.name) == ("", "")
    # Version 1 untouched: its row and its files.
    first_now = Dossier.objects.get(pk=first.pk)
    assert (first_now.status, first_now.pdf.name, first_now.archive.name) == (
        DossierStatus.READY,
        first.pdf.name,
        first.archive.name,
    )
    assert check_complete(first_now) == downloads.digests[first.pk]
    # Whatever the killed build left behind is never pointed at, and nothing else is left.
    assert orphans == left_by_kill
