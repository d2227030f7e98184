"""Writes of the api app: issue and revoke tokens."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

# Recognisable in a leaked-secret scan; the random part carries 256 bits.
SECRET_PREFIX = "p06_"
KEY_PREFIX_LENGTH = 12


def token_hash(secret: str) -> str:
    """The stored form of a secret: SHA-256 hex (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, name: str, unit, expires_at: datetime.datetime, created_by=None) -> tuple[ApiToken, str]:
    """Create a token for ``unit``'s subtree (None: the whole country, like a national user); return it with
    its secret, which is never stored nor shown again."""
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Thời điểm hết hạn phải ở tương lai.")})
    if unit is not None and not unit.has_valid_path():
        raise ValidationError({"unit": _("Hãy chọn một đơn vị có đường dẫn cây hợp lệ.")})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        unit=unit,
        expires_at=expires_at,
        created_by=created_by,
        key_prefix=secret[:KEY_PREFIX_LENGTH],
        key_hash=token_hash(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke ``token`` from now on (idempotent: the first revocation time is kept)."""
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
