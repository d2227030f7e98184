"""Per-token rate limit of the read API."""

import os

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "600/min"


class TokenRateThrottle(SimpleRateThrottle):
    """Counts calls per token (not per address: one IOC behind a NAT has one token).

    ``settings.API_TOKEN_RATE``, else the environment's ``DJANGO_API_TOKEN_RATE``, else "600/min". The counter lives in
    Django's cache, like ``exports.throttle``: shared by the workers when the cache is Redis.
    """

    scope = "api_token"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_RATE", None) or os.environ.get("DJANGO_API_TOKEN_RATE") or DEFAULT_RATE

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
