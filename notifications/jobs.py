"""Celery jobs of notifications. Each parses its arguments and calls one service."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .services import deliveries_send, reminders_run


@shared_task(
    name="notifications.send_reminders",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders_job(day: str | None = None, dry_run: bool = False, triggered_by: str = "lịch hằng ngày") -> dict:
    """The day's reminders, escalations and digests (``day`` ISO; today in Asia/Ho_Chi_Minh when empty).

    Safe to run twice: a redelivered message stores and sends nothing new (unique notifications).
    """
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    run, _created = reminders_run(day=when, dry_run=dry_run, triggered_by=triggered_by)
    return {"run": run.pk, "created": run.notifications_created, "counts": run.counts, "emails_sent": run.emails_sent}


@shared_task(
    name="notifications.send_pending_emails",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=3,
)
def send_pending_emails_job() -> dict:
    """Email that is due: just queued, retried after a failure, or held in quiet hours."""
    outcome = deliveries_send()
    return {key: value for key, value in outcome.items() if key != "warnings"}
