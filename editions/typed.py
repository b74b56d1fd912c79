"""What a person typed in a small action form that was refused and sent back to its page
with a message (a lock whose selection changed meanwhile, an answer that did not check
out): kept in the session for that next page, whose field shows it again, so that nothing
typed is lost."""

SESSION_KEY = "typed"
MAX_LENGTH = 5000


def keep(request, *names: str) -> None:
    """Keep the named fields of the request's POST for the next page."""
    kept = {name: request.POST.get(name, "")[:MAX_LENGTH] for name in names}
    kept = {name: value for name, value in kept.items() if value}
    if kept:
        request.session[SESSION_KEY] = kept


def typed(request, name: str) -> str:
    """A field kept by keep(), once: the first page that asks takes them all."""
    if not hasattr(request, "_typed"):
        request._typed = request.session.pop(SESSION_KEY, {}) if hasattr(request, "session") else {}
    return request._typed.get(name, "")
