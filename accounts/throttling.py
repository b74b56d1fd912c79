"""Sign-in throttling. After too many failed sign-ins for one email address, or from one
network address, signing in is refused for a while, with a message saying for how long,
even with the right password. The counts live in the cache (Redis in production, shared by
every process and worker), so they hold across the portal's processes; the admin's sign-in
goes through the same authentication backend and is throttled alike."""

import hashlib
import math
import time

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

# Failures allowed within WINDOW before signing in is refused for LOCKOUT.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
WINDOW = 15 * 60
LOCKOUT = 15 * 60


def client_address(request) -> str:
    """The address the request came from (behind a proxy, the proxy sets REMOTE_ADDR:
    gunicorn's --forwarded-allow-ips, or the proxy's PROXY protocol)."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"signin:{kind}:{digest}"


def _subjects(request, email: str) -> list[tuple[str, int]]:
    subjects = [(_key("address", client_address(request)), MAX_FAILURES_PER_ADDRESS)]
    if email:
        subjects.append((_key("account", email), MAX_FAILURES_PER_ACCOUNT))
    return subjects


def locked_for(request, email: str) -> int:
    """Seconds before signing in may be tried again for this address from this client;
    0 when it may now."""
    now = time.time()
    until = max(
        (cache.get(f"{key}:locked") or 0 for key, _limit in _subjects(request, email)),
        default=0,
    )
    return max(0, math.ceil(until - now))


def record_failure(request, email: str) -> None:
    if locked_for(request, email):
        return  # refused while locked: the lockout does not grow with each try
    for key, limit in _subjects(request, email):
        cache.add(key, 0, timeout=WINDOW)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=WINDOW)
            failures = 1
        if failures >= limit:
            cache.set(f"{key}:locked", time.time() + LOCKOUT, timeout=LOCKOUT)


def record_success(request, email: str) -> None:
    """A successful sign-in clears the account's count (not the network address's)."""
    if email:
        key = _key("account", email)
        cache.delete_many([key, f"{key}:locked"])


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing every sign-in while its address is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if locked_for(request, username or kwargs.get("email") or ""):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    record_failure(request, credentials.get("username") or credentials.get("email") or "")


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs):
    record_success(request, user.email)
