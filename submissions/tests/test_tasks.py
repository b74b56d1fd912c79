import pytest

from submissions.models import ProcessingStatus, Still
from submissions.tasks import task_process_still
from submissions.tests.factories import StillFactory

pytestmark = pytest.mark.django_db


def test_task_process_still_marks_ready():
    still = StillFactory(status=ProcessingStatus.PROCESSING)
    assert task_process_still.delay(still_id=still.pk).get() == ProcessingStatus.READY
    still.refresh_from_db()
    assert still.status == ProcessingStatus.READY
    assert still.web and still.thumbnail and still.large


def test_task_process_still_is_idempotent(settings, django_capture_on_commit_callbacks):
    still = StillFactory(status=ProcessingStatus.PROCESSING)
    with django_capture_on_commit_callbacks(execute=True):
        task_process_still.delay(still_id=still.pk)
    with django_capture_on_commit_callbacks(execute=True):
        task_process_still.delay(still_id=still.pk)
    still.refresh_from_db()
    files = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == 4  # the original and one file per version
    assert Still.objects.count() == 1


def test_task_process_still_gone_does_nothing():
    assert task_process_still.delay(still_id=987654).get() == "gone"
