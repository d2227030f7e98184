"""Accounts unused for 45 days are disabled: the service, the nightly job, the command, the schedule."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.jobs import disable_inactive_accounts_job
from portal.services import accounts_disable_inactive
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(tree):
    now = timezone.now()
    return {
        "recent": make_user("canbo.moi", unit=tree.hanoi, last_login=now - datetime.timedelta(days=44)),
        "stale": make_user("canbo.cu", unit=tree.hanoi, last_login=now - datetime.timedelta(days=46)),
        "never_old": make_user("canbo.chua", unit=tree.hanoi, date_joined=now - datetime.timedelta(days=60)),
        "never_new": make_user("canbo.vua", unit=tree.hanoi, date_joined=now - datetime.timedelta(days=3)),
        "superuser": make_user(
            "quantri.cu", is_staff=True, is_superuser=True, last_login=now - datetime.timedelta(days=90)
        ),
    }


def active(accounts):
    return {key for key, user in accounts.items() if type(user).objects.get(pk=user.pk).is_active}


def test_accounts_unused_for_45_days_are_disabled(accounts):
    assert accounts_disable_inactive() == ["canbo.chua", "canbo.cu"]
    assert active(accounts) == {"recent", "never_new", "superuser"}


def test_running_twice_disables_nothing_more(accounts):
    accounts_disable_inactive()
    assert accounts_disable_inactive() == []


def test_the_nightly_job_runs_the_service(accounts):
    assert disable_inactive_accounts_job.delay().get() == {"disabled": 2}
    assert "stale" not in active(accounts)


def test_the_management_command_runs_the_service(accounts, capsys):
    call_command("disable_inactive_accounts")
    assert "canbo.cu" in capsys.readouterr().out
    assert "stale" not in active(accounts)


def test_the_job_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-disable-inactive-accounts"]
    assert entry["task"] == "portal.disable_inactive_accounts"
    assert settings.PORTAL_INACTIVE_ACCOUNT_DAYS == 45
