"""Per-user limits on expensive work: meeting reports (PDF, .docx), .xlsx exports, imports.

A fixed window counted in Django's cache, so shared by every worker when the cache is Redis
(``DJANGO_CACHE_URL``); with the default in-process cache each worker counts for itself.
Over the limit the user gets a 429 page in Vietnamese with ``Retry-After``; nothing is built.
If the cache is unreachable the request goes through (logged): a limit must not become an
outage. Rates: ``settings.THROTTLE_RATES`` ``{scope: (requests, seconds)}`` overrides the
defaults below.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Generous for people (a leader printing the report for several meetings, an officer fixing
# an import file again and again), far below what a script looping on them would do.
DEFAULT_RATES = {
    "reports": (30, 3600),
    "exports": (60, 3600),
    "imports": (30, 3600),
}


def _rate(scope: str) -> tuple[int, int]:
    return getattr(settings, "THROTTLE_RATES", {}).get(scope, DEFAULT_RATES[scope])


def _message(scope: str, limit: int, minutes: int, retry_minutes: int) -> str:
    values = {"limit": limit, "minutes": minutes, "retry": retry_minutes}
    if scope == "reports":
        text = _(
            "Bạn đã tạo %(limit)s báo cáo trong %(minutes)s phút, đã đến giới hạn. Hãy thử lại sau %(retry)s phút."
        )
    elif scope == "imports":
        text = _(
            "Bạn đã gửi %(limit)s tệp nhập trong %(minutes)s phút, đã đến giới hạn. Hãy thử lại sau %(retry)s phút."
        )
    else:
        text = _(
            "Bạn đã tải %(limit)s tệp xuất trong %(minutes)s phút, đã đến giới hạn. Hãy thử lại sau %(retry)s phút."
        )
    return text % values


def _counter_key(scope: str, user_pk, now: float) -> str:
    window = _rate(scope)[1]
    return f"throttle:{scope}:{user_pk}:{int(now // window)}"


def reset_count(user, scope: str) -> None:
    """Forget ``user``'s count of ``scope`` in the current window (the production smoke test reuses its user)."""
    cache.delete(_counter_key(scope, user.pk, time.time()))


def rate_limited(request, scope: str):
    """None while ``request.user`` is within the limit of ``scope`` (counting this request); else the 429 page."""
    limit, window = _rate(scope)
    now = time.time()
    key = _counter_key(scope, request.user.pk, now)
    try:
        cache.add(key, 0, timeout=window + 60)
        count = cache.incr(key)
    except Exception:  # cache down (django-redis may raise or return nothing): let the work through
        logger.warning("throttle %s: cache unavailable, request not counted", scope, exc_info=True)
        return None
    if count is None or count <= limit:
        return None
    retry = math.ceil(window - now % window)
    message = _message(scope, limit, max(1, window // 60), max(1, math.ceil(retry / 60)))
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry)
    return response
