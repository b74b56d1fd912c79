import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from juries import tasks
from juries.models import JuryMember, Phase
from outbox.models import Mail
from wip_portal.celery import app

from .factories import AssignmentFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_round(edition, juror):
    """A round closing in a day and a half, with a reminder two days before, and a juror
    with a review to write."""
    member = JuryMember.objects.get(user=juror, edition=edition)
    round_ = RoundFactory(
        edition=edition,
        deadline=timezone.now() + dt.timedelta(days=1, hours=12),
        reminder_days=[2],
        members=[member],
    )
    AssignmentFactory(round=round_, member=member)
    return round_


def test_task_send_jury_reminders_queues_the_due_reminders(
    juror, pending_round, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.task_send_jury_reminders.delay().get() == 1
    mail = Mail.objects.get(kind="juries.reminder")
    assert mail.recipient == juror
    assert [sent.to for sent in mailoutbox] == [[juror.email]]


def test_task_send_jury_reminders_every_hour_sends_once(juror, pending_round):
    assert tasks.task_send_jury_reminders() == 1
    assert tasks.task_send_jury_reminders() == 0
    assert Mail.objects.filter(kind="juries.reminder").count() == 1


def test_task_send_jury_reminders_nothing_due(pending_round):
    pending_round.phase = Phase.CLOSED
    pending_round.save(update_fields=["phase"])
    assert tasks.task_send_jury_reminders() == 0
    assert not Mail.objects.exists()


def test_task_send_jury_reminders_is_registered_under_its_module_name():
    name = "juries.tasks.task_send_jury_reminders"
    assert tasks.task_send_jury_reminders.name == name
    assert name in app.tasks


def test_jury_reminders_run_every_hour_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["jury-reminders"]
    assert entry == {"task": tasks.task_send_jury_reminders.name, "schedule": 3600.0}
    assert app.conf.beat_schedule["jury-reminders"]["task"] == entry["task"]
