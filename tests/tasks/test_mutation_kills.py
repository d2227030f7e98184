"""Overdue, bottleneck and scope rules of the tasks app at their boundaries (docs/testing.md).

"Quá hạn" is derived: the deadline is before today (in Asia/Ho_Chi_Minh) and the task is not done.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tasks.choices import BlockReason, TaskStatus
from tasks.models import Task
from tasks.selectors import bottleneck_q, overdue_q, tasks_visible_to, waiting_central_q
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


def with_state(task, status, *, reason=""):
    percent = 100 if status in (TaskStatus.DONE, TaskStatus.DONE_LATE) else 10
    Task.objects.filter(pk=task.pk).update(current_status=status, current_percent=percent, current_block_reason=reason)
    task.refresh_from_db()
    return task


def test_days_left_counts_to_the_deadline_and_overdue_starts_the_day_after(make_task, today):
    due_today = make_task(title="Hôm nay", deadline=today)
    due_yesterday = make_task(title="Hôm qua", deadline=today - DAY)
    due_tomorrow = make_task(title="Ngày mai", deadline=today + DAY)
    assert (due_today.days_left, due_yesterday.days_left, due_tomorrow.days_left) == (0, -1, 1)
    assert not due_today.is_overdue and due_yesterday.is_overdue and not due_tomorrow.is_overdue
    assert due_yesterday.days_overdue == 1 and due_today.days_overdue == 0


def test_a_done_task_is_never_overdue(make_task, today):
    done = with_state(make_task(title="Xong", deadline=today - 5 * DAY), TaskStatus.DONE)
    late = with_state(make_task(title="Xong trễ", deadline=today - 5 * DAY), TaskStatus.DONE_LATE)
    blocked = with_state(make_task(title="Vướng", deadline=today - 5 * DAY), TaskStatus.BLOCKED, reason="khac")
    assert done.is_done and late.is_done and not blocked.is_done
    assert not done.is_overdue and not late.is_overdue and blocked.is_overdue


def test_the_day_ends_at_midnight_in_vietnam_not_in_utc(make_task):
    # 23:59:59 on 10/03 in Hà Nội is 16:59:59 UTC: the task due on 10/03 is not yet overdue.
    task = make_task(title="Hạn 10/03", start_date=datetime.date(2026, 1, 1), deadline=datetime.date(2026, 3, 10))
    last_second = datetime.datetime(2026, 3, 10, 16, 59, 59, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=last_second):
        assert task.days_left == 0 and not task.is_overdue
    with mock.patch("django.utils.timezone.now", return_value=last_second + datetime.timedelta(seconds=1)):
        assert task.days_left == -1 and task.is_overdue


def test_overdue_q_matches_the_property(make_task, today):
    tasks = [
        make_task(title="Hôm nay", deadline=today),
        make_task(title="Hôm qua", deadline=today - DAY),
        with_state(make_task(title="Xong", deadline=today - DAY), TaskStatus.DONE),
        with_state(make_task(title="Xong trễ", deadline=today - DAY), TaskStatus.DONE_LATE),
        with_state(make_task(title="Vướng", deadline=today - DAY), TaskStatus.BLOCKED, reason="khac"),
    ]
    overdue = set(Task.objects.filter(overdue_q(today)).values_list("title", flat=True))
    assert overdue == {t.title for t in tasks if t.is_overdue} == {"Hôm qua", "Vướng"}


def test_bottlenecks_are_overdue_or_blocked_and_local_ones_leave_out_central_guidance(make_task, today):
    make_task(title="Đúng hạn", deadline=today + DAY)
    make_task(title="Quá hạn", deadline=today - DAY)
    with_state(make_task(title="Chờ TW", deadline=today + DAY), TaskStatus.BLOCKED, reason=BlockReason.WAITING_CENTRAL)
    with_state(make_task(title="Thiếu tiền", deadline=today + DAY), TaskStatus.BLOCKED, reason=BlockReason.FUNDING)
    with_state(make_task(title="Xong", deadline=today - DAY), TaskStatus.DONE)
    # A reason left over from an earlier block does not make a task in progress wait for anyone.
    with_state(
        make_task(title="Đã gỡ", deadline=today + DAY), TaskStatus.IN_PROGRESS, reason=BlockReason.WAITING_CENTRAL
    )

    def titles(q):
        return set(Task.objects.filter(q).values_list("title", flat=True))

    assert titles(bottleneck_q(today)) == {"Quá hạn", "Chờ TW", "Thiếu tiền"}
    assert titles(bottleneck_q(today, local_only=True)) == {"Quá hạn", "Thiếu tiền"}
    assert titles(waiting_central_q()) == {"Chờ TW"}


def test_tasks_are_scoped_to_the_users_subtree(make_task, tree, agencies, users):
    make_task(title="Hà Nội")
    make_task(title="Hoàn Kiếm", unit=tree.hoankiem)
    make_task(title="Hải Phòng", unit=tree.haiphong, lead_agency=agencies.police_haiphong)

    def titles(user):
        return set(tasks_visible_to(user).values_list("title", flat=True))

    assert titles(users.national) == {"Hà Nội", "Hoàn Kiếm", "Hải Phòng"}
    assert titles(users.coordinator_hanoi) == {"Hà Nội", "Hoàn Kiếm"}
    assert titles(users.officer_hoankiem) == {"Hoàn Kiếm"}
    assert titles(AnonymousUser()) == set()
    assert titles(make_user("khong.don.vi.khac", unit=tree.badinh)) == set()
