"""The outbox: every mail is a row first, delivered by Celery after the transaction that
decided it commits, claimed before it is sent and never sent twice once recorded."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation

from .models import Mail, MailStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A row claimed longer ago than this belongs to a worker that died: it is sent again.
STALE_CLAIM = timedelta(minutes=10)
# What staff may do with a row, by its status: a mail being sent or sent is left alone.
RETRYABLE = (MailStatus.FAILED, MailStatus.DISCARDED)
DISCARDABLE = (MailStatus.PENDING, MailStatus.FAILED)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed attempt: 1, 2, 4, 8… minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _render(template, context: dict, *, autoescape: bool) -> str:
    # The plain-text parts are not HTML: a film called "L'été & co" must not reach its
    # producer as "L&#x27;été &amp; co", so they are rendered without autoescaping.
    return template.template.render(Context(context, autoescape=autoescape))


def render_mail(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render `<template>_subject.txt`, `<template>.txt` and, if it exists, `<template>.html`
    in the recipient's language."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject_template = get_template(f"{template}_subject.txt")
        subject = " ".join(_render(subject_template, context, autoescape=False).split())
        text = _render(get_template(f"{template}.txt"), context, autoescape=False)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:  # the HTML part is optional; a broken one is an error
            html = ""
        else:
            html = _render(html_template, context, autoescape=True)
    return subject, text, html


def queue_mail(
    *,
    to: str,
    subject: str,
    body_text: str,
    language: str,
    kind: str,
    body_html: str = "",
    recipient=None,
    dedupe_key: str | None = None,
    scope: str = "",
) -> Mail:
    """Store a mail and deliver it once the current transaction commits. With a
    dedupe_key, deciding the same mail twice queues it once. `scope` says whom the mail is
    about, for the apps that show the outbox to the people in charge (see Mail.scope)."""
    if dedupe_key:
        existing = Mail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            mail = Mail.objects.create(
                to=to,
                subject=subject[:255],
                body_text=body_text,
                body_html=body_html,
                language=language,
                kind=kind,
                recipient=recipient,
                dedupe_key=dedupe_key,
                scope=scope,
            )
    except IntegrityError:
        if dedupe_key:
            return Mail.objects.get(dedupe_key=dedupe_key)
        raise
    dispatch_on_commit(mail.pk)
    return mail


def queue_templated_mail(
    *,
    template: str,
    context: dict,
    to: str,
    language: str,
    kind: str,
    recipient=None,
    dedupe_key: str | None = None,
    scope: str = "",
) -> Mail:
    subject, text, html = render_mail(template=template, context=context, language=language)
    return queue_mail(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        kind=kind,
        recipient=recipient,
        dedupe_key=dedupe_key,
        scope=scope,
    )


def queue_mail_to_user(
    *, user, template: str, context: dict, kind: str, dedupe_key=None, scope: str = ""
) -> Mail:
    return queue_templated_mail(
        template=template,
        context={"user": user, **context},
        to=user.email,
        language=user.language,
        kind=kind,
        recipient=user,
        dedupe_key=dedupe_key,
        scope=scope,
    )


def dispatch_on_commit(mail_id: int) -> None:
    from .tasks import task_deliver_mail

    # robust: a broker that is down must not stop the other mails of the transaction from
    # being dispatched, nor fail the request that decided them after its commit. The row
    # is stored; the sweep sends it.
    transaction.on_commit(lambda: task_deliver_mail.delay(mail_id=mail_id), robust=True)


def claim_mail(*, mail_id: int, as_of=None) -> bool:
    """Take a due row for this worker. One conditional UPDATE: of two workers racing for
    the same row, exactly one gets it. A row is due as of now, or as of `as_of` when that
    is later (the moment of the sweep that dispatched it: see sweep_outbox)."""
    now = timezone.now()
    moment = max(now, as_of) if as_of is not None else now
    claimed = (
        Mail.objects.due(moment)
        .filter(pk=mail_id)
        .update(status=MailStatus.SENDING, claimed_at=now)
    )
    return claimed == 1


def deliver_mail(*, mail_id: int, connection=None, as_of=None) -> str:
    """Send one mail if it is due (as of `as_of`, see claim_mail). Returns the row's
    status afterwards."""
    if not claim_mail(mail_id=mail_id, as_of=as_of):
        status = Mail.objects.filter(pk=mail_id).values_list("status", flat=True).first()
        return status or "missing"
    mail = Mail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers={"Message-ID": mail.message_id},
        connection=connection or get_connection(),
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the row
        return record_failure(mail=mail, error=error)
    Mail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT,
        sent_at=timezone.now(),
        attempts=mail.attempts + 1,
        last_error="",
        next_attempt_at=None,
    )
    return MailStatus.SENT


def is_permanent(error: Exception) -> bool:
    """A 5xx answer from the mail server will not change by trying again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def record_failure(*, mail: Mail, error: Exception) -> str:
    attempts = mail.attempts + 1
    give_up = is_permanent(error) or attempts >= MAX_ATTEMPTS
    logger.warning("Mail %s to %s failed (attempt %s): %r", mail.pk, mail.to, attempts, error)
    Mail.objects.filter(pk=mail.pk).update(
        status=MailStatus.FAILED,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=None if give_up else timezone.now() + retry_delay(attempts),
        claimed_at=None,
    )
    return MailStatus.FAILED


def release_stale_claims(*, moment=None) -> int:
    """Rows left in "sending" by a worker that died go back to pending. The mail server may
    have accepted the message just before the worker died: that one copy carries the same
    Message-ID, so it is recognisable."""
    moment = moment or timezone.now()
    return Mail.objects.filter(
        status=MailStatus.SENDING, claimed_at__lt=moment - STALE_CLAIM
    ).update(status=MailStatus.PENDING, claimed_at=None)


def sweep_outbox(*, moment=None, limit=5000) -> int:
    """Dispatch every due row again: a lost broker message or a dead worker delays a mail,
    never loses it. Swept as of a given moment, the rows due then are dispatched with it,
    so that the worker takes them as due too (its own clock may be earlier)."""
    from .tasks import task_deliver_mail

    extra = {"as_of": moment.isoformat()} if moment is not None else {}
    moment = moment or timezone.now()
    release_stale_claims(moment=moment)
    due = list(Mail.objects.due(moment).order_by("pk").values_list("pk", flat=True)[:limit])
    for mail_id in due:
        task_deliver_mail.delay(mail_id=mail_id, **extra)
    return len(due)


@transaction.atomic
def retry_mail(*, mail: Mail, by=None) -> Mail:
    """Staff send a failed or discarded mail again."""
    updated = Mail.objects.filter(pk=mail.pk, status__in=RETRYABLE).update(
        status=MailStatus.PENDING, next_attempt_at=None, claimed_at=None
    )
    if updated:
        dispatch_on_commit(mail.pk)
    mail.refresh_from_db()
    return mail


@transaction.atomic
def discard_mail(*, mail: Mail, by=None) -> Mail:
    Mail.objects.filter(pk=mail.pk, status__in=DISCARDABLE).update(
        status=MailStatus.DISCARDED, next_attempt_at=None
    )
    mail.refresh_from_db()
    return mail
