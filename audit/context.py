"""The request being served, for receivers that are not given one (role and unit changes)."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)
