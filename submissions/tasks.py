"""Celery tasks of the submissions app. Thin: keyword ids, fetch, call a service."""

import logging

from celery import shared_task

from .images import process_still
from .models import Still

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def task_process_still(*, still_id: int) -> str:
    """Make a still's versions. Safe to repeat: a second run replaces the versions."""
    still = Still.objects.filter(pk=still_id).select_related("project").first()
    if still is None:
        logger.info("Still %s is gone; nothing to process", still_id)
        return "gone"
    return process_still(still).status
