"""The deadline rules (tasks.deadlines) at their boundaries, in Python and in SQL alike."""

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.template.loader import render_to_string

from tasks.choices import TaskStatus
from tasks.deadlines import DUE_SOON_DAYS, due_soon_q, is_due_soon, is_overdue, overdue_q
from tasks.models import Task

DAY = datetime.date(2026, 12, 4)
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = datetime.timedelta(days=1)


def at(moment: datetime.datetime):
    """Run as if the clock showed ``moment`` (aware)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_task_due_today_is_not_overdue():
    assert not is_overdue(deadline=DAY, status=TaskStatus.IN_PROGRESS, today=DAY)


def test_a_task_due_yesterday_and_not_done_is_overdue():
    assert is_overdue(deadline=DAY - ONE_DAY, status=TaskStatus.NOT_STARTED, today=DAY)


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.DONE_LATE])
def test_a_done_task_is_never_overdue(status):
    assert not is_overdue(deadline=DAY - ONE_DAY, status=status, today=DAY)


def test_a_task_due_today_is_due_soon_and_so_is_one_due_in_seven_days_but_not_eight():
    assert is_due_soon(deadline=DAY, status=TaskStatus.IN_PROGRESS, today=DAY)
    assert is_due_soon(deadline=DAY + DUE_SOON_DAYS * ONE_DAY, status=TaskStatus.IN_PROGRESS, today=DAY)
    assert not is_due_soon(deadline=DAY + (DUE_SOON_DAYS + 1) * ONE_DAY, status=TaskStatus.IN_PROGRESS, today=DAY)


def test_an_overdue_or_done_task_is_not_due_soon():
    assert not is_due_soon(deadline=DAY - ONE_DAY, status=TaskStatus.IN_PROGRESS, today=DAY)
    assert not is_due_soon(deadline=DAY, status=TaskStatus.DONE, today=DAY)


def test_the_last_second_of_the_deadline_day_in_vietnam_is_still_on_time(make_task):
    task = make_task(deadline=DAY, start_date=DAY - 30 * ONE_DAY)
    with at(datetime.datetime(2026, 12, 4, 23, 59, 59, tzinfo=HCM)):
        assert not task.is_overdue
        assert task.is_due_soon
    with at(datetime.datetime(2026, 12, 5, 0, 0, 0, tzinfo=HCM)):  # 17:00 UTC on the 4th
        assert task.is_overdue
        assert not task.is_due_soon


def test_the_queries_agree_with_the_predicates_at_every_boundary(make_task):
    """One task per deadline around today, in every status kind: the Q filters pick exactly those
    the Python predicates name."""
    tasks = []
    for offset in (-1, 0, 1, DUE_SOON_DAYS, DUE_SOON_DAYS + 1):
        for status, percent in ((TaskStatus.IN_PROGRESS, 50), (TaskStatus.DONE, 100), (TaskStatus.DONE_LATE, 100)):
            tasks.append(
                make_task(
                    deadline=DAY + offset * ONE_DAY,
                    start_date=DAY - 30 * ONE_DAY,
                    current_status=status,
                    current_percent=percent,
                )
            )
    ids = [t.pk for t in tasks]
    rows = Task.objects.filter(pk__in=ids)
    assert set(rows.filter(overdue_q(DAY)).values_list("pk", flat=True)) == {
        t.pk for t in tasks if is_overdue(deadline=t.deadline, status=t.current_status, today=DAY)
    }
    assert set(rows.filter(due_soon_q(DAY)).values_list("pk", flat=True)) == {
        t.pk for t in tasks if is_due_soon(deadline=t.deadline, status=t.current_status, today=DAY)
    }


def test_the_deadline_shows_in_warning_colour_exactly_when_the_task_is_due_soon(make_task):
    within = make_task(deadline=DAY + DUE_SOON_DAYS * ONE_DAY, start_date=DAY - 30 * ONE_DAY)
    beyond = make_task(deadline=DAY + (DUE_SOON_DAYS + 1) * ONE_DAY, start_date=DAY - 30 * ONE_DAY)
    with at(datetime.datetime(2026, 12, 4, 12, 0, tzinfo=HCM)):
        assert "text-warning" in render_to_string("tasks/_deadline.html", {"task": within})
        assert "text-warning" not in render_to_string("tasks/_deadline.html", {"task": beyond})
