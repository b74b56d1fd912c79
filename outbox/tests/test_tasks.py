import pytest
from django.utils import timezone

from outbox.models import Mail, MailStatus
from outbox.tasks import task_deliver_mail, task_sweep_outbox
from outbox.tests.factories import MailFactory

pytestmark = pytest.mark.django_db


def test_task_deliver_mail_sends_and_returns_status(mailoutbox):
    mail = MailFactory(subject="Selected", to="paula@example.org")

    result = task_deliver_mail.delay(mail_id=mail.pk)

    assert result.get() == MailStatus.SENT
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert [(m.subject, m.to) for m in mailoutbox] == [("Selected", ["paula@example.org"])]


def test_task_deliver_mail_run_twice_sends_once(mailoutbox):
    mail = MailFactory()

    assert task_deliver_mail.delay(mail_id=mail.pk).get() == MailStatus.SENT
    assert task_deliver_mail.delay(mail_id=mail.pk).get() == MailStatus.SENT

    assert len(mailoutbox) == 1
    assert Mail.objects.get(pk=mail.pk).attempts == 1


def test_task_deliver_mail_gone_row_returns_missing(mailoutbox):
    assert task_deliver_mail.delay(mail_id=987654).get() == "missing"
    assert mailoutbox == []


def test_task_deliver_mail_accepts_keyword_ids_only():
    with pytest.raises(TypeError):
        task_deliver_mail(1)


def test_task_sweep_outbox_dispatches_due_rows(mailoutbox):
    due = MailFactory.create_batch(2)
    MailFactory(status=MailStatus.SENT, sent_at=timezone.now())

    assert task_sweep_outbox.delay().get() == 2

    assert sorted(m.extra_headers["Message-ID"] for m in mailoutbox) == sorted(
        mail.message_id for mail in due
    )
    assert task_sweep_outbox.delay().get() == 0


def test_task_options_are_safe_to_repeat():
    assert task_deliver_mail.acks_late is True
    assert task_deliver_mail.time_limit == 120
    assert task_deliver_mail.name == "outbox.tasks.task_deliver_mail"
    assert task_sweep_outbox.name == "outbox.tasks.task_sweep_outbox"


def test_beat_schedule_runs_sweep(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["task"] == task_sweep_outbox.name
