from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in person's preferred language wins on pages outside the language-prefixed
    URLs (and on the redirect from "/"); within them, the URL's language is what they chose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            path_language = translation.get_language_from_path(request.path_info)
            if path_language is None and user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return self.get_response(request)
