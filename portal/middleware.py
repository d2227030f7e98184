from django.conf import settings
from django.utils import translation


class PortalLocaleMiddleware:
    """Vietnamese unless the user picked another language (cookie from the i18n view).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    office computers run an English Windows: the portal must still open in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
