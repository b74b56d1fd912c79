import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=570)
def task_send_jury_reminders() -> int:
    """Beat runs this every hour; each reminder is queued once (see the service)."""
    count = services.send_due_reminders()
    if count:
        logger.info("Queued %s jury reminders", count)
    return count
