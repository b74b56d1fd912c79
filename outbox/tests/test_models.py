from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from outbox.models import Mail, MailStatus, new_message_id
from outbox.tests.factories import MailFactory

pytestmark = pytest.mark.django_db


def test_mail_str():
    mail = MailFactory.build(subject="Welcome", to="ana@example.org")

    assert str(mail) == "Welcome → ana@example.org"


def test_new_message_id_uses_site_domain(settings):
    settings.SITE_URL = "https://wip.example.org:8443/portal"

    message_id = new_message_id()

    assert message_id.startswith("<")
    assert message_id.endswith("@wip.example.org>")


def test_message_ids_are_unique():
    first, second = MailFactory.create_batch(2)

    assert first.message_id != second.message_id
    with pytest.raises(IntegrityError), transaction.atomic():
        Mail.objects.filter(pk=second.pk).update(message_id=first.message_id)


def test_dedupe_key_is_unique_but_may_be_empty():
    MailFactory(dedupe_key=None)
    MailFactory(dedupe_key=None)
    MailFactory(dedupe_key="a")

    with pytest.raises(IntegrityError), transaction.atomic():
        MailFactory(dedupe_key="a")
    assert Mail.objects.count() == 3


def test_status_constraint_refuses_unknown_status():
    mail = MailFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Mail.objects.filter(pk=mail.pk).update(status="lost")
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.PENDING


def test_sent_constraint_requires_sent_at():
    mail = MailFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Mail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT)
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.PENDING


def test_due_selects_pending_and_failed_whose_time_came():
    now = timezone.now()
    past, future = now - timedelta(minutes=1), now + timedelta(minutes=1)
    due = [
        MailFactory(status=MailStatus.PENDING),
        MailFactory(status=MailStatus.PENDING, next_attempt_at=past),
        MailFactory(status=MailStatus.FAILED, next_attempt_at=past),
        MailFactory(status=MailStatus.FAILED, next_attempt_at=now),
    ]
    MailFactory(status=MailStatus.PENDING, next_attempt_at=future)
    MailFactory(status=MailStatus.FAILED, next_attempt_at=future)
    MailFactory(status=MailStatus.FAILED, next_attempt_at=None)  # gave up
    MailFactory(status=MailStatus.SENDING, claimed_at=past)
    MailFactory(status=MailStatus.SENT, sent_at=past)
    MailFactory(status=MailStatus.DISCARDED)

    assert set(Mail.objects.due(now)) == set(due)


def test_mail_ordering_newest_first():
    first, second = MailFactory.create_batch(2)

    assert list(Mail.objects.all()) == [second, first]


def test_scope_is_empty_by_default_and_indexed():
    mail = MailFactory()

    assert Mail.objects.get(pk=mail.pk).scope == ""
    assert Mail._meta.get_field("scope").db_index is True
    assert Mail.objects.filter(scope="").get() == mail
