import logging
from datetime import datetime

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def task_deliver_mail(*, mail_id: int, as_of: str | None = None) -> str:
    """Send one mail. `as_of` is the moment of the sweep that dispatched it (ISO 8601),
    when the sweep was run as of a moment of its own."""
    moment = datetime.fromisoformat(as_of) if as_of else None
    return services.deliver_mail(mail_id=mail_id, as_of=moment)


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=270)
def task_sweep_outbox() -> int:
    count = services.sweep_outbox()
    if count:
        logger.info("Outbox sweep dispatched %s mails", count)
    return count
