"""Per-token rate limit of the read API."""

import os

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "600/min"


class TokenRateThrottle(SimpleRateThrottle):
    """Counts calls per token (not per address: one IOC behind a NAT has one token).

    ``settings.API_TOKEN_RATE``, else the environment's ``DJANGO_API_TOKEN_RATE``, else "600/min". The counter lives in
    Django's cache, like ``exports.throttle``: shared by the workers when the cache is Redis.

    A counter per fixed window (``cache.incr``, one atomic round trip to Redis), not DRF's list of
    every call's time: that list is read, trimmed and written back whole on each call (600
    entries at the default rate, pickled both ways), and two workers writing it at once lose
    each other's calls, so under concurrent load it counted fewer calls than were made. The
    price of a fixed window: a token may make up to twice the rate across a window's edge.
    """

    scope = "api_token"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_RATE", None) or os.environ.get("DJANGO_API_TOKEN_RATE") or DEFAULT_RATE

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            calls = self.cache.incr(key)
        except ValueError:  # the window's first call (or its counter expired just now)
            calls = 1 if self.cache.add(key, 1, self.duration + 1) else self.cache.incr(key)
        # None: Redis did not answer (IGNORE_EXCEPTIONS); like every cache miss, the call goes on.
        return calls is None or calls <= self.num_requests

    def wait(self):
        # Retry-After: when the current window ends.
        return max(self.window_ends - self.timer(), 0)
