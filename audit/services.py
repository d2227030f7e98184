"""Writes of the audit app: record an event, prune old ones."""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from .client import client_ip
from .context import current_request
from .models import AuditEvent

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 365


def _acting_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def audit_record(
    *,
    kind: str,
    request=None,
    user=None,
    username: str = "",
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    detail: dict | None = None,
) -> AuditEvent | None:
    """Append one audit event.

    Outside a transaction (logins, downloads) a failed write is logged and the user's action goes
    on; inside one, it fails the transaction with it.

    ``user`` is who acted (default: the request's user); their unit is recorded as it is now.
    ``request`` defaults to the request being served, so receivers get the client address.
    ``obj`` (a model instance) fills the object fields.
    """
    request = request if request is not None else current_request.get()
    user = user if user is not None else _acting_user(request)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    event = AuditEvent(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        unit_id=getattr(user, "unit_id", None),
        ip_address=client_ip(request),
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:255],
        path=(request.path if request is not None else "")[:500],
        detail=detail or {},
    )
    if transaction.get_connection().in_atomic_block:
        # Part of the caller's change (a role granted in admin): no change without its record.
        event.save()
        return event
    try:
        event.save()
    except DatabaseError:
        logger.exception("audit event %s of %s was not recorded", kind, event.username)
        return None
    return event


def audit_events_prune(*, now: datetime.datetime | None = None, retention_days: int | None = None) -> int:
    """Delete events older than AUDIT_RETENTION_DAYS (12 months); return how many were deleted."""
    days = (
        retention_days
        if retention_days is not None
        else getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    )
    if days < 1:
        raise ValueError("AUDIT_RETENTION_DAYS must be at least 1")
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _by_model = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
