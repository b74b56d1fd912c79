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


@shared_task(ignore_result=True, acks_late=True, time_limit=120, soft_time_limit=100)
def task_publish_due_sessions(*, plan_ahead: bool = True) -> int:
    """Publish the selections whose moment has come. Queued with an ETA at each announced
    moment, and run by beat every minute in case the broker lost one; a second run
    publishes nothing twice. The beat run (`plan_ahead`) also queues a task at the exact
    moment of each publication due within the next minutes."""
    from . import publication

    count = publication.publish_due()
    if count:
        logger.info("Published the selection of %s sessions", count)
    if plan_ahead:
        for moment in publication.coming_moments():
            task_publish_due_sessions.apply_async(kwargs={"plan_ahead": False}, eta=moment)
    return count


@shared_task(ignore_result=True, acks_late=True, time_limit=900, soft_time_limit=840)
def task_build_dossier(*, dossier_id: int) -> str:
    """Build a selection dossier. Safe to run twice: only the worker that claims the
    queued row builds it (see the service)."""
    from . import dossiers
    from .models import Dossier

    if not Dossier.objects.filter(pk=dossier_id).exists():
        logger.info("Dossier %s is gone; nothing to build", dossier_id)
        return "missing"
    return dossiers.build_dossier(dossier_id=dossier_id)


@shared_task(ignore_result=True, acks_late=True, time_limit=1800, soft_time_limit=1740)
def task_send_results(*, edition_id: int, by_id: int | None = None, outcome: str = "", ids=None):
    """Send an edition's unsent results. Twice delivered, it sends nothing twice: each
    notice is sent once, under its own lock (see results.send_notice)."""
    from django.contrib.auth import get_user_model

    from editions.models import Edition

    from . import results

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    count = results.send_results(edition=edition, by=by, outcome=outcome, ids=ids)
    logger.info("Sent %s results of edition %s", count, edition_id)
    return count


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=270)
def task_mark_lapsed_places() -> int:
    """Beat runs this every hour: places not confirmed by their deadline are marked for
    staff to decide."""
    from . import results

    return results.mark_lapsed()


@shared_task(ignore_result=True, acks_late=True, time_limit=900, soft_time_limit=840)
def task_build_export(*, export_id: int) -> str:
    """Build a staff export. Safe to run twice: only the worker that claims the queued row
    builds it (see exports.build_export)."""
    from . import exports
    from .models import Export

    if not Export.objects.filter(pk=export_id).exists():
        logger.info("Export %s is gone; nothing to build", export_id)
        return "missing"
    return exports.build_export(export_id=export_id)
