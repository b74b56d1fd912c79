"""The outbox through a real broker and worker: PostgreSQL, Redis and `celery worker`."""

import json
import socket

import pytest
from django.db import transaction

from outbox import services
from outbox.models import Mail, MailStatus
from outbox.tasks import task_deliver_mail
from outbox.tests.factories import MailFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.integration


def status_of(mail) -> str:
    return Mail.objects.values_list("status", flat=True).get(pk=mail.pk)


@pytest.mark.django_db(transaction=True)
def test_task_through_broker_returns_result(worker):
    mail = MailFactory(to="paula@example.org", subject="Through the broker")

    result = task_deliver_mail.delay(mail_id=mail.pk)

    assert result.get(timeout=30) == MailStatus.SENT
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)
    assert mail.sent_at is not None
    assert worker.copies_sent(mail.message_id) == 1


@pytest.mark.django_db(transaction=True)
def test_same_mail_sent_by_two_tasks_at_once_is_sent_once(worker):
    mail = MailFactory()

    results = [task_deliver_mail.delay(mail_id=mail.pk) for _ in range(2)]

    outcomes = sorted(result.get(timeout=30) for result in results)
    assert outcomes in (["sending", "sent"], ["sent", "sent"])
    wait_until(lambda: status_of(mail) == MailStatus.SENT, message="the mail to be sent")
    assert worker.copies_sent(mail.message_id) == 1


@pytest.mark.django_db(transaction=True)
def test_queue_mail_delivered_after_commit_exactly_once(worker):
    with transaction.atomic():
        mail = services.queue_mail(
            to="julio@example.org",
            subject="You are on the jury",
            body_text="Welcome.",
            language="es",
            kind="test",
        )
        assert worker.copies_sent(mail.message_id) == 0

    wait_until(lambda: status_of(mail) == MailStatus.SENT, message="the mail to be sent")
    assert worker.copies_sent(mail.message_id) == 1
    assert services.sweep_outbox() == 0
    assert Mail.objects.get(pk=mail.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_queue_mail_in_rolled_back_transaction_sends_nothing(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue_mail(
            to="julio@example.org", subject="Never", body_text=".", language="en", kind="test"
        )
        raise RuntimeError("undone")

    assert Mail.objects.count() == 0
    assert services.sweep_outbox() == 0


@pytest.mark.django_db(transaction=True)
def test_sweep_delivers_mail_whose_message_was_lost(worker):
    # Stored without dispatch, as if the broker had lost the message.
    lost = MailFactory.create_batch(2)
    MailFactory(status=MailStatus.SENT, sent_at=lost[0].created_at)

    assert services.sweep_outbox() == 2

    for mail in lost:
        wait_until(lambda mail=mail: status_of(mail) == MailStatus.SENT, message="the sweep")
        assert worker.copies_sent(mail.message_id) == 1
    assert services.sweep_outbox() == 0


@pytest.mark.django_db
def test_healthz_broker_ok_with_real_redis(client):
    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["checks"]["broker"] == {"ok": True, "mode": "redis"}
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}


@pytest.mark.django_db
def test_healthz_503_when_redis_port_closed(client, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL

    response = client.get("/healthz")

    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
