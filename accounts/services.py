from django.conf import settings
from django.db import transaction

from .models import User


@transaction.atomic
def set_preferred_language(*, user: User, language: str) -> User:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
