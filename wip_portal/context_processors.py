from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _navigation(user):
    """What the navigation offers this person; evaluated only when a page shows it."""
    from editions.permissions import is_festival_staff
    from juries.selectors import is_juror

    if not user.is_authenticated:
        return {"staff": False, "juror": False}
    return {"staff": is_festival_staff(user), "juror": is_juror(user)}


def portal(request):
    user = getattr(request, "user", None)
    return {
        "nav": SimpleLazyObject(lambda: _navigation(user)) if user is not None else {},
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
