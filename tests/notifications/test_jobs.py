"""The daily job: the command in-process, the Celery task (eager here), beat's schedule."""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.choices import EventType
from notifications.jobs import send_pending_emails_job, send_reminders_job
from notifications.models import Delivery, Notification, NotificationRun


@pytest.fixture
def awake(settings):
    settings.NOTIFY_QUIET_HOURS = ("00:00", "00:00")


def test_the_command_prints_what_it_sent(make_task, people, today, awake, mailoutbox):
    make_task(deadline_in=-1, accountable_person=people.officer_hanoi, title="Cấp căn cước")
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    text = out.getvalue()
    assert "canbo.hanoi · qua_han · Quá hạn 1 ngày: Cấp căn cước" in text
    assert "Thư: 1 đã gửi" in text
    assert len(mailoutbox) == 1


def test_the_command_takes_a_date_and_a_dry_run(make_task, people, today, awake, mailoutbox):
    make_task(deadline_in=6, accountable_person=people.officer_hanoi, title="Kích hoạt VNeID")
    out = io.StringIO()
    call_command("send_reminders", date=(today - datetime.timedelta(days=1)).isoformat(), dry_run=True, stdout=out)
    assert "Sẽ gửi 1 thông báo" in out.getvalue() and "sap_den_han" in out.getvalue()
    assert Notification.objects.count() == 0 and mailoutbox == []
    assert NotificationRun.objects.get().dry_run


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("send_reminders", date="05/12/2026", stdout=io.StringIO())


def test_the_celery_job_runs_the_same_service_and_twice_changes_nothing(make_task, people, today, awake):
    make_task(deadline_in=-1, accountable_person=people.officer_hanoi)
    first = send_reminders_job.delay(day=today.isoformat()).get()
    second = send_reminders_job.delay(day=today.isoformat()).get()
    assert first["counts"][EventType.DEADLINE_PASSED] == 1 and first["emails_sent"] == 1
    assert second["created"] == 0 and second["emails_sent"] == 0


def test_the_pending_email_job_sends_what_is_due(make_task, people, today, awake, mailoutbox, settings):
    make_task(deadline_in=-1, accountable_person=people.officer_hanoi)
    settings.NOTIFY_QUIET_HOURS = ("00:00", "23:59")  # quiet: the run only queues
    send_reminders_job.delay(day=today.isoformat()).get()
    assert mailoutbox == []
    settings.NOTIFY_QUIET_HOURS = ("00:00", "00:00")
    Delivery.objects.update(next_attempt_at=timezone.now())  # the quiet hours are over
    assert send_pending_emails_job.delay().get()["sent"] == 1


def test_beat_runs_the_reminders_daily_at_seven_vietnam_time():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-send-reminders"]
    assert entry["task"] == "notifications.send_reminders"
    assert entry["schedule"] == crontab(hour="7", minute="0")
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
    assert settings.CELERY_BEAT_SCHEDULE["send-pending-emails"]["task"] == "notifications.send_pending_emails"
