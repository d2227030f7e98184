"""Reads of the audit app."""

from .choices import SIGN_IN_KINDS
from .models import AuditEvent

RECENT_SIGN_INS = 30


def recent_sign_ins_of(user, *, limit: int = RECENT_SIGN_INS):
    """The user's latest logins, failed logins, lockouts and logouts, newest first (one query)."""
    return list(
        AuditEvent.objects.filter(user=user, kind__in=SIGN_IN_KINDS)
        .only("created_at", "kind", "ip_address")
        .order_by("-created_at", "-id")[:limit]
    )
