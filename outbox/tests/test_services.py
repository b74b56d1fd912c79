import smtplib
from datetime import timedelta

import pytest
from django.db import transaction
from django.template import TemplateSyntaxError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from outbox import services
from outbox.models import Mail, MailStatus
from outbox.tests.factories import MailFactory

pytestmark = pytest.mark.django_db

BACKENDS = "outbox.tests.backends"


def queue(**kwargs):
    values = {
        "to": "paula@example.org",
        "subject": "Your project was received",
        "body_text": "Thank you.",
        "language": "en",
        "kind": "test",
    }
    return services.queue_mail(**{**values, **kwargs})


def sent_ids(mailoutbox):
    return [message.extra_headers["Message-ID"] for message in mailoutbox]


# queue_mail


def test_queue_mail_stores_one_pending_row_and_dispatches_on_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        mail = queue()

    assert list(Mail.objects.values_list("pk", "status")) == [(mail.pk, MailStatus.PENDING)]
    assert len(callbacks) == 1
    assert mailoutbox == []

    callbacks[0]()

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 1
    assert mail.sent_at is not None
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["paula@example.org"], "Your project was received", "Thank you.")
    ]


def test_queue_mail_in_rolled_back_transaction_queues_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the decision is undone")

    assert Mail.objects.count() == 0
    assert callbacks == []
    assert mailoutbox == []


def test_queue_mail_with_same_dedupe_key_queues_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue(dedupe_key="received:42")
        second = queue(dedupe_key="received:42", subject="Another subject")

    assert second.pk == first.pk
    assert list(Mail.objects.values_list("subject", flat=True)) == ["Your project was received"]
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1


def test_queue_mail_with_different_dedupe_keys_queues_both(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(dedupe_key="received:1")
        queue(dedupe_key="received:2")

    assert Mail.objects.filter(status=MailStatus.SENT).count() == 2


def test_queue_mail_cuts_long_subject(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        mail = queue(subject="x" * 300)

    assert Mail.objects.get(pk=mail.pk).subject == "x" * 255


def test_queue_mail_to_user_uses_user_language_and_address(
    mail_templates, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="pedro@example.org", full_name="Pedro", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        mail = services.queue_mail_to_user(
            user=user,
            template="outbox_test/hello",
            context={"title": "Mi película", "user_name": "Pedro"},
            kind="t",
        )

    mail.refresh_from_db()
    assert (mail.to, mail.language, mail.recipient, mail.kind) == (
        "pedro@example.org",
        "fr",
        user,
        "t",
    )
    assert mail.subject == "[fr] Mi película for Pedro"
    assert mailoutbox[0].alternatives[0].mimetype == "text/html"
    assert '<p lang="fr">Mi película</p>' in mailoutbox[0].alternatives[0].content


def test_queue_mail_stores_scope(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        scoped = queue(scope="programme:7")
        unscoped = queue()

    assert Mail.objects.get(pk=scoped.pk).scope == "programme:7"
    assert Mail.objects.get(pk=unscoped.pk).scope == ""


def test_queue_mail_decided_twice_keeps_first_scope(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        first = queue(dedupe_key="received:7", scope="programme:7")
        second = queue(dedupe_key="received:7", scope="programme:8")

    assert second.pk == first.pk
    assert list(Mail.objects.values_list("scope", flat=True)) == ["programme:7"]


def test_queue_mail_to_user_passes_scope(mail_templates, django_capture_on_commit_callbacks):
    user = UserFactory(language="es")

    with django_capture_on_commit_callbacks():
        mail = services.queue_mail_to_user(
            user=user,
            template="outbox_test/hello",
            context={"title": "T", "user_name": "U"},
            kind="t",
            scope="programme:3",
        )

    assert Mail.objects.get(pk=mail.pk).scope == "programme:3"


def test_queue_templated_mail_passes_scope(mail_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        mail = services.queue_templated_mail(
            template="outbox_test/plain",
            context={"title": "T"},
            to="guest@example.org",
            language="en",
            kind="t",
            scope="programme:4",
        )

    assert (mail.scope, mail.recipient) == ("programme:4", None)


# render_mail


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_render_mail_in_requested_language(mail_templates, language):
    subject, text, html = services.render_mail(
        template="outbox_test/hello",
        context={"title": "Raíces", "user_name": "Ana"},
        language=language,
    )

    assert subject == f"[{language}] Raíces for Ana"
    assert text.startswith(f"Language: {language}\n")
    assert html == f'<p lang="{language}">Raíces</p>\n'


def test_render_mail_restores_active_language(mail_templates):
    from django.utils import translation

    with translation.override("pt"):
        services.render_mail(template="outbox_test/hello", context={}, language="es")
        assert translation.get_language() == "pt"


def test_render_mail_text_parts_are_not_html_escaped(mail_templates):
    subject, text, html = services.render_mail(
        template="outbox_test/hello",
        context={"title": "L'été & <co>", "user_name": "O'Brien"},
        language="fr",
    )

    assert subject == "[fr] L'été & <co> for O'Brien"
    assert "Title: L'été & <co>\n" in text
    assert "L&#x27;été &amp; &lt;co&gt;" in html


def test_render_mail_adds_site_url(mail_templates, settings):
    settings.SITE_URL = "https://wip.example.org"

    _subject, text, _html = services.render_mail(
        template="outbox_test/hello", context={}, language="en"
    )

    assert "Site: https://wip.example.org\n" in text


def test_render_mail_without_html_template_has_no_html(mail_templates):
    subject, text, html = services.render_mail(
        template="outbox_test/plain", context={"title": "T"}, language="en"
    )

    assert (subject, text, html) == ("Plain T", "Plain body T\n", "")


def test_render_mail_with_broken_html_template_raises(mail_templates):
    with pytest.raises(TemplateSyntaxError):
        services.render_mail(template="outbox_test/broken", context={}, language="en")


# claim_mail and deliver_mail


def test_claim_mail_is_exclusive():
    mail = MailFactory()

    assert services.claim_mail(mail_id=mail.pk) is True
    assert services.claim_mail(mail_id=mail.pk) is False

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENDING
    assert mail.claimed_at is not None


@pytest.mark.parametrize(
    "status", [MailStatus.SENDING, MailStatus.SENT, MailStatus.DISCARDED, MailStatus.FAILED]
)
def test_claim_mail_refuses_row_not_due(status):
    mail = MailFactory(status=status, sent_at=timezone.now(), next_attempt_at=None)

    assert services.claim_mail(mail_id=mail.pk) is False
    assert Mail.objects.get(pk=mail.pk).status == status


def test_deliver_mail_twice_sends_once(mailoutbox):
    mail = MailFactory()

    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.SENT
    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.SENT

    mail.refresh_from_db()
    assert mail.attempts == 1
    assert len(mailoutbox) == 1


def test_deliver_mail_missing_row_returns_missing(mailoutbox):
    assert services.deliver_mail(mail_id=123456) == "missing"
    assert mailoutbox == []


def test_deliver_mail_sets_message_id_header(mailoutbox):
    mail = MailFactory()

    services.deliver_mail(mail_id=mail.pk)

    message = mailoutbox[0]
    assert message.extra_headers["Message-ID"] == mail.message_id
    assert message.message()["Message-ID"] == mail.message_id


def test_deliver_mail_sends_html_alternative(mailoutbox, settings):
    mail = MailFactory(body_text="Plain", body_html="<p>Rich</p>")

    services.deliver_mail(mail_id=mail.pk)

    assert mailoutbox[0].body == "Plain"
    assert mailoutbox[0].alternatives[0].content == "<p>Rich</p>"
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize("backend", ["DisconnectedBackend", "BusyBackend"])
def test_deliver_mail_temporary_failure_schedules_retry(settings, backend):
    settings.EMAIL_BACKEND = f"{BACKENDS}.{backend}"
    mail = MailFactory()
    before = timezone.now()

    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.FAILED

    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == 1
    assert mail.claimed_at is None
    assert mail.sent_at is None
    assert mail.last_error.startswith(("SMTPServerDisconnected", "SMTPResponseException"))
    assert before + services.retry_delay(1) <= mail.next_attempt_at
    assert mail.next_attempt_at <= timezone.now() + services.retry_delay(1)


def test_deliver_mail_second_failure_waits_longer(settings):
    settings.EMAIL_BACKEND = f"{BACKENDS}.BusyBackend"
    mail = MailFactory(status=MailStatus.FAILED, attempts=1, next_attempt_at=timezone.now())
    before = timezone.now()

    services.deliver_mail(mail_id=mail.pk)

    mail.refresh_from_db()
    assert mail.attempts == 2
    assert mail.next_attempt_at >= before + timedelta(minutes=2)


def test_sweep_retries_temporary_failure_once_due(settings, monkeypatch, mailoutbox):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DisconnectedBackend"
    mail = MailFactory()
    services.deliver_mail(mail_id=mail.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert services.sweep_outbox() == 0
    assert mailoutbox == []

    later = timezone.now() + services.retry_delay(1) + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert services.sweep_outbox() == 1
    assert services.sweep_outbox() == 0

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 2
    assert mail.last_error == ""
    assert mail.next_attempt_at is None
    assert sent_ids(mailoutbox) == [mail.message_id]


@pytest.mark.parametrize("backend", ["RejectedBackend", "RecipientsRefusedBackend"])
def test_deliver_mail_permanent_failure_is_not_retried(settings, monkeypatch, backend):
    settings.EMAIL_BACKEND = f"{BACKENDS}.{backend}"
    mail = MailFactory()

    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.FAILED

    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.next_attempt_at) == (MailStatus.FAILED, 1, None)
    assert "550" in mail.last_error
    much_later = timezone.now() + timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: much_later)
    assert services.sweep_outbox() == 0
    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.FAILED
    assert Mail.objects.get(pk=mail.pk).attempts == 1


def test_deliver_mail_gives_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DisconnectedBackend"
    mail = MailFactory(
        status=MailStatus.FAILED,
        attempts=services.MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )

    services.deliver_mail(mail_id=mail.pk)

    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == services.MAX_ATTEMPTS
    assert mail.next_attempt_at is None


def test_deliver_mail_retries_before_max_attempts(settings):
    settings.EMAIL_BACKEND = f"{BACKENDS}.DisconnectedBackend"
    mail = MailFactory(
        status=MailStatus.FAILED,
        attempts=services.MAX_ATTEMPTS - 2,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )

    services.deliver_mail(mail_id=mail.pk)

    assert Mail.objects.get(pk=mail.pk).next_attempt_at is not None


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 360), (30, 360)],
)
def test_retry_delay_doubles_up_to_six_hours(attempts, minutes):
    assert services.retry_delay(attempts) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPResponseException(550, b"no"), True),
        (smtplib.SMTPResponseException(421, b"busy"), False),
        (smtplib.SMTPSenderRefused(553, b"no", "noreply@example.org"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no")}), True),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.org": (550, b"no"), "b@example.org": (451, b"later")}
            ),
            False,
        ),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "refused"), False),
    ],
)
def test_is_permanent(error, permanent):
    assert services.is_permanent(error) is permanent


# release_stale_claims and sweep_outbox


def test_release_stale_claims_returns_old_sending_rows_to_pending():
    now = timezone.now()
    stale = MailFactory(
        status=MailStatus.SENDING, claimed_at=now - services.STALE_CLAIM - timedelta(seconds=1)
    )
    fresh = MailFactory(status=MailStatus.SENDING, claimed_at=now - timedelta(minutes=1))

    assert services.release_stale_claims(moment=now) == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.claimed_at) == (MailStatus.PENDING, None)
    assert fresh.status == MailStatus.SENDING


def test_sweep_outbox_delivers_stale_claim(mailoutbox, monkeypatch):
    mail = MailFactory(status=MailStatus.SENDING, claimed_at=timezone.now())
    assert services.sweep_outbox() == 0

    later = timezone.now() + services.STALE_CLAIM + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert services.sweep_outbox() == 1
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert sent_ids(mailoutbox) == [mail.message_id]


def test_sweep_outbox_delivers_undispatched_pending_rows(mailoutbox):
    pending = MailFactory.create_batch(3)
    MailFactory(status=MailStatus.SENT, sent_at=timezone.now())
    MailFactory(status=MailStatus.DISCARDED)

    assert services.sweep_outbox() == 3

    assert sorted(sent_ids(mailoutbox)) == sorted(mail.message_id for mail in pending)
    assert services.sweep_outbox() == 0


def test_sweep_outbox_respects_limit(mailoutbox):
    MailFactory.create_batch(3)

    assert services.sweep_outbox(limit=2) == 2
    assert len(mailoutbox) == 2


# retry_mail and discard_mail


def test_retry_mail_sends_failed_mail_again(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    mail = MailFactory(status=MailStatus.FAILED, attempts=1, next_attempt_at=None)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = services.retry_mail(mail=mail)

    assert len(callbacks) == 1
    assert result.status == MailStatus.PENDING  # as it was when the transaction committed
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert sent_ids(mailoutbox) == [mail.message_id]


def test_retry_mail_sends_discarded_mail(django_capture_on_commit_callbacks, mailoutbox):
    mail = MailFactory(status=MailStatus.DISCARDED)

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_mail(mail=mail)

    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert len(mailoutbox) == 1


def test_retry_mail_never_resends_sent_mail(django_capture_on_commit_callbacks, mailoutbox):
    sent_at = timezone.now()
    mail = MailFactory(status=MailStatus.SENT, sent_at=sent_at, attempts=1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = services.retry_mail(mail=mail)

    assert callbacks == []
    assert (result.status, result.sent_at, result.attempts) == (MailStatus.SENT, sent_at, 1)
    assert mailoutbox == []


@pytest.mark.parametrize("status", [MailStatus.PENDING, MailStatus.FAILED])
def test_discard_mail_stops_pending_or_failed_mail(status, mailoutbox):
    mail = MailFactory(status=status, next_attempt_at=timezone.now())

    result = services.discard_mail(mail=mail)

    assert (result.status, result.next_attempt_at) == (MailStatus.DISCARDED, None)
    assert services.deliver_mail(mail_id=mail.pk) == MailStatus.DISCARDED
    assert services.sweep_outbox() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("status", [MailStatus.SENDING, MailStatus.SENT])
def test_discard_mail_leaves_sending_or_sent_mail(status):
    mail = MailFactory(status=status, sent_at=timezone.now())

    assert services.discard_mail(mail=mail).status == status


def test_a_broker_down_at_dispatch_loses_no_mail_and_fails_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    from unittest import mock

    from outbox import tasks

    with (
        mock.patch.object(
            tasks.task_deliver_mail, "delay", side_effect=[ConnectionError("broker down"), None]
        ) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = services.queue_mail(
            to="a@example.org", subject="One", body_text="1", language="en", kind="test"
        )
        second = services.queue_mail(
            to="b@example.org", subject="Two", body_text="2", language="en", kind="test"
        )

    # The second mail was still dispatched, and nothing was raised to the caller.
    assert delay.call_count == 2
    first.refresh_from_db()
    assert first.status == MailStatus.PENDING
    # The sweep sends the one the broker did not take.
    assert services.sweep_outbox() == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a@example.org", "b@example.org"]
    assert second.pk
