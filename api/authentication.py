"""``Authorization: Bearer <token>`` for the read API, and the principal a token acts as."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import KEY_PREFIX_LENGTH, SECRET_PREFIX, token_hash

# Writing last_used_at on every call would make each read a write; once a minute is enough to
# see which tokens are alive.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# The start of a secret as ``api_token_issue`` makes it (``secrets.token_urlsafe``'s alphabet):
# only such a start of an unknown secret is written to the audit, never arbitrary header text.
_RANDOM_CHARACTERS = KEY_PREFIX_LENGTH - len(SECRET_PREFIX)
SECRET_START = re.compile(re.escape(SECRET_PREFIX) + f"[A-Za-z0-9_-]{{{_RANDOM_CHARACTERS}}}")


@dataclass(frozen=True)
class PresentedToken:
    """What a call presented as its token, kept on the request for the audit, refused or not.

    ``token`` is the row the secret named (None when unknown or malformed); ``refusal`` says why
    it was refused ("" when accepted).
    """

    token: ApiToken | None
    key_prefix: str
    refusal: str = ""


def _presented_prefix(secret: str) -> str:
    start = secret[:KEY_PREFIX_LENGTH]
    return start if SECRET_START.fullmatch(start) else ""


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
            request.api_token_presented = PresentedToken(token=None, key_prefix="", refusal="malformed")
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."))
        token = ApiToken.objects.select_related("unit").filter(key_hash=token_hash(parts[1])).first()
        now = timezone.now()
        refusal, message = self._refusal(token, now)
        request.api_token_presented = PresentedToken(
            token=token, key_prefix=token.key_prefix if token is not None else _presented_prefix(parts[1]),
            refusal=refusal,
        )  # fmt: skip
        if refusal:
            raise exceptions.AuthenticationFailed(message)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return TokenPrincipal(token), token

    @staticmethod
    def _refusal(token: ApiToken | None, now) -> tuple[str, str]:
        if token is None:
            return "unknown", _("Khóa API không hợp lệ.")
        if token.revoked_at is not None:
            return "revoked", _("Khóa API đã bị thu hồi.")
        if token.expires_at <= now:
            return "expired", _("Khóa API đã hết hạn.")
        return "", ""

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) with WWW-Authenticate when the token is missing or bad.
        return f'{self.keyword} realm="api"'
