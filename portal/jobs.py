"""Celery jobs of the portal app. Each only parses its arguments and calls one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import accounts_disable_inactive


@shared_task(
    name="portal.disable_inactive_accounts",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
)
def disable_inactive_accounts_job() -> dict:
    """Nightly (beat, 02:30 Asia/Ho_Chi_Minh): disable accounts unused for 45 days."""
    disabled = accounts_disable_inactive()
    return {"disabled": len(disabled)}
