"""Figures for a past day: tasks count from their assignment date, each in its state as of that day."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.models import CompletionSnapshot
from dashboards.services import snapshot_rebuild
from tasks.choices import TaskStatus, UpdateKind
from tasks.models import ProgressUpdate

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 4, 20)
TYPED_TODAY = timezone.make_aware(datetime.datetime(2026, 11, 30, 9, 0))


def hanoi_row(tree, day=DAY):
    return CompletionSnapshot.objects.get(date=day, scope_path=tree.hanoi.path)


@pytest.fixture
def typed_today(users):
    """A report entered today that describes ``data_date``."""

    def add(task, *, percent, status, data_date, kind=UpdateKind.REPORT, reason=""):
        return ProgressUpdate.objects.create(
            task=task, author=users.officer_hanoi, kind=kind, percent=percent, status=status, block_reason=reason,
            created_at=TYPED_TODAY, data_date=data_date,
        )  # fmt: skip

    return add


def test_a_task_counts_from_its_assignment_date_not_its_row_creation(tree, make_task):
    # Both rows were created in 2026 (make_task's created_at); one was assigned before DAY, one after.
    make_task(title="Giao 01/03/2023", start_date=datetime.date(2023, 3, 1), deadline=datetime.date(2023, 12, 31))
    make_task(title="Giao 01/05/2023", start_date=datetime.date(2023, 5, 1), deadline=datetime.date(2023, 12, 31))

    snapshot_rebuild(as_of=DAY)

    assert hanoi_row(tree).tasks_total == 1


def test_state_as_of_a_day_is_the_latest_report_with_data_date_on_or_before_it(tree, make_task, typed_today):
    start, deadline = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    a = make_task(title="A", start_date=start, deadline=deadline, weight=3)
    b = make_task(title="B", start_date=start, deadline=deadline, weight=1)
    # A: 40% on 10/04, then 80% on 25/04 (after DAY: not counted). B: done and verified on 15/04.
    typed_today(a, percent=40, status=TaskStatus.IN_PROGRESS, data_date=datetime.date(2023, 4, 10))
    typed_today(a, percent=80, status=TaskStatus.IN_PROGRESS, data_date=datetime.date(2023, 4, 25))
    typed_today(b, percent=100, status=TaskStatus.DONE, data_date=datetime.date(2023, 4, 15))
    typed_today(b, percent=100, status=TaskStatus.DONE, kind=UpdateKind.VERIFIED, data_date=datetime.date(2023, 4, 15))

    snapshot_rebuild(as_of=DAY)

    row = hanoi_row(tree)
    assert (row.tasks_total, row.tasks_in_progress, row.tasks_done, row.tasks_not_started) == (2, 1, 1, 0)
    assert row.weighted_completion == Decimal("55.00")  # (3×40 + 1×100) / 4
    assert row.completion == Decimal("70.00")  # (40 + 100) / 2


def test_a_completion_reported_for_the_day_but_unverified_awaits_verification(tree, make_task, typed_today):
    task = make_task(start_date=datetime.date(2023, 1, 1), deadline=datetime.date(2023, 12, 31))
    typed_today(task, percent=30, status=TaskStatus.IN_PROGRESS, data_date=datetime.date(2023, 3, 1))
    typed_today(task, percent=100, status=TaskStatus.DONE, data_date=datetime.date(2023, 4, 1))
    # Verified only for a later day: on DAY the completion still waits.
    typed_today(
        task, percent=100, status=TaskStatus.DONE, kind=UpdateKind.VERIFIED, data_date=datetime.date(2023, 5, 1)
    )

    snapshot_rebuild(as_of=DAY)
    snapshot_rebuild(as_of=datetime.date(2023, 5, 1))

    on_day = hanoi_row(tree)
    assert (on_day.tasks_awaiting_verification, on_day.tasks_in_progress, on_day.completion) == (1, 1, Decimal("30.00"))
    later = hanoi_row(tree, datetime.date(2023, 5, 1))
    assert (later.tasks_awaiting_verification, later.tasks_done) == (0, 1)


def test_overdue_on_a_past_day_uses_that_days_state(tree, make_task, typed_today):
    task = make_task(start_date=datetime.date(2023, 1, 1), deadline=datetime.date(2023, 4, 1))
    typed_today(task, percent=50, status=TaskStatus.IN_PROGRESS, data_date=datetime.date(2023, 3, 1))

    snapshot_rebuild(as_of=DAY)

    assert hanoi_row(tree).tasks_overdue == 1
