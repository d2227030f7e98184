"""Celery jobs of the dashboards app. Each only parses its arguments and calls one service."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .choices import RunOutcome
from .services import recompute_range_days, recompute_run, recompute_runs
from .warm import warm_dashboards


@shared_task(
    name="dashboards.recompute_progress",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    bind=True,
)
def recompute_progress_job(self, as_of: str | None = None, triggered_by: str = "lịch hằng đêm") -> dict:
    """Recompute the snapshots for ``as_of`` (ISO date; today in Asia/Ho_Chi_Minh when empty)."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    run = recompute_run(as_of=day, triggered_by=triggered_by)
    if run.outcome == RunOutcome.SUCCESS:
        warm_dashboards(day)
    if run.outcome == RunOutcome.SKIPPED and (self.request.delivery_info or {}).get("redelivered"):
        # A redelivery after a killed worker can meet the dead run's lock: try again once it expires.
        raise self.retry(countdown=settings.RECOMPUTE_LOCK_TTL, max_retries=3)
    return {"run": run.pk, "outcome": run.outcome, "rows": run.rows_written}


@shared_task(
    name="dashboards.recompute_progress_range",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def recompute_progress_range_job(date_from: str, date_to: str, triggered_by: str = "quản trị") -> dict:
    """Recompute every day from ``date_from`` to ``date_to`` (ISO dates), oldest first, one run (and one
    hold of the lock) per day: a rerun after a failure writes the same rows again."""
    days = recompute_range_days(date_from, date_to)
    return {run.as_of.isoformat(): run.outcome for run in recompute_runs(days, triggered_by=triggered_by)}
