"""Two-factor login: who must use it, enrolment, backup codes, reset (services and reads).

A user proves the second factor with a TOTP app (django-otp's TOTPDevice) or, when the phone
is lost, with one of their single-use backup codes (StaticDevice). Views, the admin action and
the tests all go through these functions.
"""

import io
import logging
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roles.policy import must_use_two_factor

log = logging.getLogger("portal.security")

TOTP_DEVICE_NAME = "Ứng dụng xác thực"
BACKUP_DEVICE_NAME = "Mã dự phòng"


def is_demo_exempt(user) -> bool:
    """Demo users skip two-factor only while DEBUG is on (they never exist in production)."""
    from .demo import DEMO_USERS

    return settings.DEBUG and user.get_username() in {username for username, *_ in DEMO_USERS}


def mfa_required_for(user) -> bool:
    """Staff, superusers and the roles holding the two-factor permission (roles.policy); others may choose to."""
    if not settings.PORTAL_MFA_ENFORCED or not user.is_authenticated or is_demo_exempt(user):
        return False
    return must_use_two_factor(user)


def mfa_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_code_digest(code: str) -> str:
    """What the database keeps for a backup code: a keyed digest, never the code itself.

    A copy of the table (a backup, a leaked dump) gives no usable code without SECRET_KEY; an
    unkeyed hash of an 8-character code would be brute-forced in seconds. Sixteen hex characters
    fit django-otp's token column. Codes are compared without case or spaces, as users type them.
    """
    normalised = code.strip().replace(" ", "").lower()
    return salted_hmac("portal.mfa.backup-code", normalised, algorithm="sha256").hexdigest()[:16]


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_secret(device: TOTPDevice) -> str:
    """The key as the base32 text an authenticator app accepts when typed by hand."""
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_code_svg(data: str) -> str:
    """An inline SVG of the QR code, drawn on the server (no third-party service sees the secret)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The user's pending (unconfirmed) TOTP device; a new secret only if none is pending."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns the new backup codes, or None.

    The confirmed device replaces any earlier one (one phone per person), and a fresh set of
    backup codes replaces the old set.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.warning("MFA enrolled: user=%s", user.get_username())
    _audit_mfa_change(user=user, account=user, change="enrolled")
    return backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    """A new set of single-use backup codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_MFA_BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=backup_code_digest(code)) for code in codes)
    log.warning("MFA backup codes issued: user=%s", user.get_username())
    _audit_mfa_change(user=user, account=user, change="backup_codes_issued")
    return codes


def mfa_verify(*, user, token: str):
    """The confirmed device (app or backup code) that accepts ``token``, or None.

    Each device throttles its own failures (django-otp's ThrottlingMixin: the wait doubles).
    A backup code is used up by the check.
    """
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            given = backup_code_digest(token) if isinstance(device, StaticDevice) else token
            if device.verify_token(given):
                return device
    log.warning("MFA code refused: user=%s", user.get_username())
    return None


@transaction.atomic
def mfa_reset(*, user, by) -> int:
    """Remove every second-factor device of ``user`` (lost phone); they enrol again at next login.

    Logged, and recorded in the admin history of the user (LogEntry) by whoever did it.
    """
    from django.contrib.admin.models import CHANGE, LogEntry

    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Xác thực hai bước (đặt lại)"]}}],
        single_object=True,
    )
    log.warning("MFA reset: user=%s by=%s devices=%s", user.get_username(), by.get_username(), removed)
    _audit_mfa_change(user=by, account=user, change="reset", devices=removed)
    return removed


def _audit_mfa_change(*, user, account, change: str, **detail) -> None:
    """Every change of a second factor is an audit event (who did it, on whose account)."""
    from audit.choices import EventKind
    from audit.services import audit_record

    audit_record(kind=EventKind.MFA_CHANGED, user=user, obj=account, detail={"change": change, **detail})
