"""What the two kinds of file built by Celery — selection dossiers and exports — share:
their statuses, when a build counts as interrupted, and how a worker claims one.

A build is a row: queued when staff start it, claimed by exactly one worker (a single
conditional UPDATE), ready with its file or failed with its error. A build still running
long after it started belongs to a worker that died: it may be claimed again, and a new
start of the same scope marks it failed first."""

import contextlib
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BuildStatus

STALE_AFTER = timedelta(minutes=30)
RUNNING = (BuildStatus.QUEUED, BuildStatus.BUILDING)
# A build's working folder older than this was left by a worker that died (a task is
# stopped after CELERY_TASK_TIME_LIMIT, ten minutes).
ABANDONED_AFTER = timedelta(hours=6)


@contextlib.contextmanager
def work_folder(kind: str):
    """A temporary folder for one build, removed when it ends. A worker killed in the
    middle leaves its folder behind: the next build of any kind removes those abandoned."""
    prefix = f"wip-{kind}-"
    root = Path(tempfile.gettempdir())
    cutoff = time.time() - ABANDONED_AFTER.total_seconds()
    for folder in root.glob("wip-*-*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        yield work


def is_stale(build, *, moment=None) -> bool:
    moment = moment or timezone.now()
    return build.status in RUNNING and build.created_at < moment - STALE_AFTER


def fail_interrupted(scope, *, moment=None) -> int:
    """Mark the scope's builds that did not finish in time as failed."""
    moment = moment or timezone.now()
    return scope.filter(status__in=RUNNING, created_at__lt=moment - STALE_AFTER).update(
        status=BuildStatus.FAILED,
        error=_("Interrupted: the build did not finish in time."),
        finished_at=moment,
    )


def claim(model, *, pk: int, file_field: str, moment=None) -> bool:
    """Take a queued build (or one interrupted long ago) for this worker: one conditional
    UPDATE, so of two workers exactly one gets it. A build with its file is never built
    again."""
    moment = moment or timezone.now()
    claimable = Q(status=BuildStatus.QUEUED) | Q(
        status=BuildStatus.BUILDING, created_at__lt=moment - STALE_AFTER
    )
    claimed = model.objects.filter(claimable, pk=pk, **{file_field: ""}).update(
        status=BuildStatus.BUILDING, progress=0, error=""
    )
    return claimed == 1
