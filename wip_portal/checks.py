"""Deploy checks of our own: `manage.py check --deploy` warns when production settings
still use what is only meant for a laptop."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_production_services(app_configs, **kwargs):
    warnings = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        warnings.append(
            Warning(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY to a long random value.",
                id="wip_portal.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        warnings.append(
            Warning(
                "The database is SQLite.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="wip_portal.W002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        warnings.append(
            Warning(
                "Celery runs tasks eagerly inside web requests.",
                hint="Set REDIS_URL and run a Celery worker and beat.",
                id="wip_portal.W003",
            )
        )
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        warnings.append(
            Warning(
                "Mails are printed to the console, not sent.",
                hint="Set EMAIL_HOST (and the other EMAIL_* variables).",
                id="wip_portal.W004",
            )
        )
    if not settings.STATIC_MANIFEST:
        warnings.append(
            Warning(
                "Static files are served from their source folders.",
                hint="Run `manage.py collectstatic` when deploying.",
                id="wip_portal.W005",
            )
        )
    return warnings
