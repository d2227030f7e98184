"""Who is asking: the client's real address behind the reverse proxy, and the login cool-off.

Behind the documented proxy every request arrives from the proxy's address. Trusting
X-Forwarded-For from anyone would let a client name any address it likes (and lock out
someone else, or dodge its own lockout), so the header is read only when the request comes
from an address listed in settings.PORTAL_TRUSTED_PROXIES (env DJANGO_TRUSTED_PROXIES).
"""

import contextvars
import ipaddress
import logging
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

# The address of the request being served, for log lines written anywhere below it.
current_client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("current_client_ip", default="-")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse_ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = _parse_ip(address or "")
    if ip is None:
        return False
    return any(ip in network for network in _networks(tuple(settings.PORTAL_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The client's address: X-Forwarded-For is followed only through trusted proxies.

    The header is read from the right (the hop our own proxy appended) leftwards, skipping
    addresses of trusted proxies; the first other address is the client. Anything a client
    wrote further left is not believed. A malformed hop ends the walk at the last good one.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    address = remote
    for hop in reversed(hops):
        if _parse_ip(hop) is None:
            break
        address = hop
        if not is_trusted_proxy(hop):
            break
    return address


def login_cool_off(request=None) -> timedelta:
    """How long a (username, address) pair stays locked: doubles with each lockout.

    The first lockout lasts AXES_BASE_COOLOFF (15 minutes); each further full series of
    AXES_FAILURE_LIMIT failures from the same address for the same username, since that
    username's last successful login and within PORTAL_LOGIN_FAILURE_WINDOW, doubles it,
    up to PORTAL_LOGIN_COOLOFF_MAX. Called by django-axes (AXES_COOLOFF_TIME).
    """
    base = settings.PORTAL_LOGIN_COOLOFF_BASE
    ip_address = getattr(request, "axes_ip_address", None)
    if request is None or ip_address is None:
        return base
    from axes.helpers import get_client_username
    from axes.models import AccessFailureLog, AccessLog

    username = get_client_username(request)
    since = timezone.now() - settings.PORTAL_LOGIN_FAILURE_WINDOW
    last_success = (
        AccessLog.objects.filter(username=username, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=last_success or since
    ).count()
    # Failures 1..limit are the first series (base), limit+1..2×limit the second (×2), …
    series = max(failures - 1, 0) // settings.AXES_FAILURE_LIMIT
    return min(base * (2 ** min(series, 16)), settings.PORTAL_LOGIN_COOLOFF_MAX)


class ClientAddressFilter(logging.Filter):
    """Adds ``client_ip`` (the real client address of the current request, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "client_ip"):
            record.client_ip = current_client_ip.get()
        return True


# Session keys read by the middleware on every request (set at login, so a request costs no query).
LAST_ACTIVITY_KEY = "portal_last_activity"
MFA_ENROLLED_KEY = "portal_mfa_enrolled"


def start_session_clock(sender, request, user, **kwargs):
    """user_logged_in: start the idle clock and note whether the user has a second factor."""
    import time

    from .mfa import mfa_enrolled

    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    request.session[MFA_ENROLLED_KEY] = mfa_enrolled(user)
