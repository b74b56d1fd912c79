from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from editions import selectors as edition_selectors


@require_safe
def home(request):
    return render(
        request,
        "home.html",
        {
            "open_calls": edition_selectors.open_calls(),
            "coming_sessions": edition_selectors.coming_sessions(),
        },
    )


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker_status():
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "mode": "redis"}


@never_cache
@require_GET
def healthz(request):
    """Database and broker status as JSON, for load balancers and monitoring: 503 when
    either is down."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def bad_request(request, exception):
    """The portal's 400 page, in its layout. Unlike Django's own, it does not check the
    CSRF token: a body Django could not read (another charset, too many fields) would be
    read again for it and fail again."""
    return render(request, "400.html", status=400)
