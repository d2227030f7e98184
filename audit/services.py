"""Writes of the audit app: record an event, prune old ones."""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from .choices import EventKind
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
    return _save(event)


def _save(event: AuditEvent) -> AuditEvent | None:
    if transaction.get_connection().in_atomic_block:
        # Part of the caller's change (a role granted in admin): no change without its record.
        event.save()
        return event
    try:
        event.save()
    except DatabaseError:
        logger.exception("audit event %s of %s was not recorded", event.kind, event.username)
        return None
    return event


def request_query(request) -> dict:
    """The query parameters of ``request`` as a JSON-able dict (a repeated name keeps all its values)."""
    return {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}


# A call of the read API answered with these statuses was refused: a token unknown, expired or
# revoked (401), or an object outside the token's scope (404, as the pages' refusals).
API_REFUSED_STATUSES = frozenset({401, 403, 404})


def audit_api_call(
    *,
    request,
    status: int,
    key_prefix: str,
    token_id: int | None = None,
    token_repr: str = "",
    unit_id: int | None = None,
    detail: dict | None = None,
) -> AuditEvent | None:
    """Append one event for a call of the read API that carried a token, whatever its answer.

    Who: the token (``username`` "api:<its prefix>", the object its id and name), never a user;
    its unit as the unit; the client's real address; the path, with the method, status and
    query in ``detail``. Refused calls (``API_REFUSED_STATUSES``) are ``ACCESS_REFUSED``, the
    others ``API_TOKEN_USED``. One INSERT and nothing read: the caller passes what it knows of
    the token (nothing but the prefix when the token is unknown).
    """
    kind = EventKind.ACCESS_REFUSED if status in API_REFUSED_STATUSES else EventKind.API_TOKEN_USED
    event = AuditEvent(
        kind=kind,
        username=f"api:{key_prefix or '?'}"[:150],
        unit_id=unit_id,
        ip_address=client_ip(request),
        object_type="api.apitoken",
        object_id="" if token_id is None else str(token_id),
        object_repr=token_repr[:255],
        path=request.path[:500],
        detail={"status": status, "method": request.method, "query": request_query(request), **(detail or {})},
    )
    return _save(event)


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
