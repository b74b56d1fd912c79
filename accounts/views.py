from django.views.i18n import set_language as django_set_language


def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and response.status_code == 302 and language != user.language:
        from .services import set_preferred_language

        set_preferred_language(user=user, language=language)
    return response
