import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .mfa import mfa_enrolled, mfa_required_for
from .security import LAST_ACTIVITY_KEY, MFA_ENROLLED_KEY, client_ip, current_client_ip

access_log = logging.getLogger("portal.access")


class PageCompressionMiddleware(GZipMiddleware):
    """Gzip pages and JSON for slow links (a province's criteria grid is hundreds of KB of HTML).

    Spreadsheets, PDFs and evidence files are compressed already or streamed: left as they are.
    BREACH: the CSRF token is masked per response by Django; no other secret is in a page body.
    """

    COMPRESSED_TYPES = ("text/html", "application/json", "text/plain", "text/csv")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class NulCharacterMiddleware:
    """A NUL character in the path or the query string is a 400, before any view reads it.

    PostgreSQL refuses NUL in text, so a unit code like ``%00`` in a URL would otherwise reach
    a query and answer 500. Form fields are covered by Django's own validator; this covers the
    path and the query parameters that views read directly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in request.GET.items()):
            return HttpResponseBadRequest(_("Địa chỉ chứa ký tự không hợp lệ."))
        return self.get_response(request)


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


class IdleSessionMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request.

    The page's script (static/js/session.js) warns before the end and pings the keep-alive URL
    while the user types, so a form being filled keeps its session. The clock is written at most
    once a minute, not on every request.
    """

    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                return self.end_session(request)
            if last is None or now - last >= self.WRITE_EVERY:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def end_session(self, request):
        logout(request)
        messages.info(
            request,
            _("Phiên làm việc đã kết thúc sau %(minutes)s phút không thao tác. Hãy đăng nhập lại.")
            % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60},
        )
        if request.headers.get("X-Requested-With") == "fetch":
            # The page's own ping (static/js/session.js): it shows the notice and keeps the form on screen.
            return JsonResponse({"expired": True, "login_url": resolve_url(settings.LOGIN_URL)}, status=401)
        return redirect_to_login(request.get_full_path())


class MFARequiredMiddleware:
    """Sends a signed-in user to the second step until it is done.

    Users with a second factor must verify it in each session; staff, admins and leaders
    without one are sent to enrol (portal/mfa.py says who). Only the pages needed to do that,
    logout and the health check stay open.
    """

    OPEN_URL_NAMES = {"mfa_verify", "mfa_setup", "logout", "healthz", "session_keepalive", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            target = self.second_step_for(request, user)
            if target and not self.is_open(request):
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def second_step_for(request, user):
        enrolled = request.session.get(MFA_ENROLLED_KEY)
        if enrolled is None:  # a session from before this feature, or made outside login()
            enrolled = request.session[MFA_ENROLLED_KEY] = mfa_enrolled(user)
        if enrolled:
            return "mfa_verify"
        if mfa_required_for(user):
            return "mfa_setup"
        return None

    def is_open(self, request):
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(request.path_info).url_name in self.OPEN_URL_NAMES
        except Resolver404:
            return False
