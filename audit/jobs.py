"""Celery jobs of the audit app."""

from celery import shared_task

from .services import audit_events_prune


@shared_task(name="audit.prune_audit_events")
def prune_audit_events_job() -> dict:
    """Delete audit events older than AUDIT_RETENTION_DAYS (daily, by beat)."""
    return {"deleted": audit_events_prune()}
