import logging
import time

from django.conf import settings
from django.utils import translation

from .security import client_ip, current_client_ip

access_log = logging.getLogger("portal.access")


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


class ClientAddressMiddleware:
    """Sets ``request.client_ip`` (the real client behind a trusted proxy) and logs each request with it.

    The address is also put where the logging filter finds it, so every log line written while
    serving the request names the client, not the proxy. gunicorn's own access log would only
    see the proxy, so this line replaces it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        token = current_client_ip.set(request.client_ip or "-")
        started = time.monotonic()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            access_log.info(
                '%s "%s %s" %s %.0fms user=%s',
                request.client_ip,
                request.method,
                request.get_full_path()[:300],
                response.status_code,
                (time.monotonic() - started) * 1000,
                user.get_username() if user is not None and user.is_authenticated else "-",
            )
            return response
        finally:
            current_client_ip.reset(token)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; ``Cache-Control: no-store`` on every signed-in one.

    A signed-in page (or download) names people, units and figures: a shared office computer's
    browser cache or a proxy must not keep it for the next person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response
