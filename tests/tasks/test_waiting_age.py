"""Issue 19 item 3: the age of a report waiting for verification, as officials say it.

The age counts calendar days in Asia/Ho_Chi_Minh (``tasks.selectors.days_since``), not 24-hour
spans: a report sent at 23:30 yesterday is one day old at 00:30 today, and one sent at 00:30
today is "gửi hôm nay" at 23:30. The queue and the coordinator board print it the same way.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.choices import TaskStatus
from tasks.models import ProgressUpdate, Task

pytestmark = pytest.mark.django_db

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 12, 4)
PAGES = [reverse("tasks:verification_queue"), reverse("coordinator_board")]


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    """A moment in Vietnam's local time."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIETNAM)


@pytest.fixture
def sent_report(users, task):
    """A completion report by the Hà Nội officer, whose sending time a test then sets by hand."""
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Đã cấp 1.200 tài khoản"
    )

    def send_at(moment: datetime.datetime) -> None:
        ProgressUpdate.objects.filter(task=task).update(created_at=moment)
        Task.objects.filter(pk=task.pk).update(last_update_at=moment)

    return send_at


def page_at(client, monkeypatch, coordinator, url: str, now: datetime.datetime) -> str:
    monkeypatch.setattr(timezone, "now", lambda: now)
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_report_sent_today_reads_sent_today_not_zero_days(client, monkeypatch, users, sent_report, url):
    sent_report(at(TODAY, 0, 30))
    html = page_at(client, monkeypatch, users.coordinator_hanoi, url, now=at(TODAY, 23, 30))
    assert "Gửi hôm nay" in html
    assert "0 ngày" not in html


@pytest.mark.parametrize("url", PAGES)
def test_a_report_sent_late_yesterday_is_one_day_old_an_hour_later(client, monkeypatch, users, sent_report, url):
    sent_report(at(TODAY - datetime.timedelta(days=1), 23, 30))
    html = page_at(client, monkeypatch, users.coordinator_hanoi, url, now=at(TODAY, 0, 30))
    assert "Chờ 1 ngày" in html
    assert "Gửi hôm nay" not in html


@pytest.mark.parametrize("url", PAGES)
def test_the_day_boundary_is_vietnams_midnight_not_utc(client, monkeypatch, users, sent_report, url):
    """06:30 in Vietnam is 23:30 UTC of the day before: the report is still "today" in Vietnam."""
    sent_report(at(TODAY, 6, 30))
    html = page_at(client, monkeypatch, users.coordinator_hanoi, url, now=at(TODAY, 7, 30))
    assert "Gửi hôm nay" in html


@pytest.mark.parametrize("url", PAGES)
def test_a_report_sent_three_days_ago_waits_three_days(client, monkeypatch, users, sent_report, url):
    sent_report(at(TODAY - datetime.timedelta(days=3), 9, 0))
    html = page_at(client, monkeypatch, users.coordinator_hanoi, url, now=at(TODAY, 8, 0))
    assert "Chờ 3 ngày" in html
