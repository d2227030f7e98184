"""``Authorization: Bearer <token>`` for the read API, and the principal a token acts as."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import token_hash

# Writing last_used_at on every call would make each read a write; once a minute is enough to
# see which tokens are alive.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class TokenPrincipal:
    """What a token acts as: a user of its unit, for the same scope helpers the pages use.

    ``provinces.selectors.units_visible_to``, ``tasks.selectors.tasks_visible_to`` and
    ``programmes_visible_to`` read ``is_authenticated``, ``unit`` and ``unit_id``, so a token sees
    exactly what a user of its unit sees; a token without a unit is national, like a national user.
    """

    token: ApiToken

    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None

    @property
    def unit(self):
        return self.token.unit

    @property
    def unit_id(self):
        return self.token.unit_id

    @property
    def is_national(self) -> bool:
        return self.token.unit_id is None

    def get_username(self) -> str:
        return f"api:{self.token.key_prefix}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A bearer token, looked up by the hash of the secret; 401 when unknown, expired or revoked."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."))
        token = ApiToken.objects.select_related("unit").filter(key_hash=token_hash(parts[1])).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Khóa API đã bị thu hồi."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Khóa API đã hết hạn."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return TokenPrincipal(token), token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) with WWW-Authenticate when the token is missing or bad.
        return f'{self.keyword} realm="api"'
