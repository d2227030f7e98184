"""Events are kept AUDIT_RETENTION_DAYS (12 months) and pruned by a daily job."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from audit.choices import EventKind
from audit.jobs import prune_audit_events_job
from audit.models import AuditEvent
from audit.services import audit_events_prune

pytestmark = pytest.mark.django_db


@pytest.fixture
def ages():
    """Events 10, 364 and 366 days old."""
    now = timezone.now()
    for days in (10, 364, 366):
        AuditEvent.objects.create(
            kind=EventKind.LOGIN, username=f"d{days}", created_at=now - datetime.timedelta(days=days)
        )


def kept() -> set[str]:
    return set(AuditEvent.objects.values_list("username", flat=True))


def test_twelve_months_by_default():
    assert settings.AUDIT_RETENTION_DAYS == 365


def test_prune_deletes_only_events_older_than_the_retention(ages):
    assert audit_events_prune() == 1
    assert kept() == {"d10", "d364"}


def test_retention_follows_the_setting(ages, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    assert audit_events_prune() == 2
    assert kept() == {"d10"}


def test_prune_refuses_a_retention_that_would_delete_everything(ages):
    with pytest.raises(ValueError):
        audit_events_prune(retention_days=0)
    assert len(kept()) == 3


def test_job_runs_the_prune_and_twice_is_the_same(ages):
    assert prune_audit_events_job.delay().get() == {"deleted": 1}
    assert prune_audit_events_job.delay().get() == {"deleted": 0}
    assert kept() == {"d10", "d364"}


def test_command_takes_days(ages, capsys):
    call_command("prune_audit_events", "--days", "100")
    assert kept() == {"d10"}
    assert "2" in capsys.readouterr().out


def test_beat_runs_the_prune_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-prune-audit-events"]
    assert entry["task"] == prune_audit_events_job.name
    assert entry["schedule"].hour == {3}
