"""Hand-computed examples for the Đề án 06 side of the recompute."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from dashboards.models import NATIONAL_SCOPE, CompletionSnapshot
from dashboards.services import snapshot_rebuild
from tasks.choices import BlockReason, TaskStatus, UpdateKind

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def snapshot(scope, programme=None):
    rows = CompletionSnapshot.objects.filter(date=AS_OF, scope_path=scope)
    if programme is not None:
        rows = rows.filter(programme=programme)
    return rows.get()


def test_province_with_55_tasks_6_not_started_shows_89_1_percent(tree, make_task, done):
    tasks = [make_task(title=f"Nhiệm vụ {i}") for i in range(55)]
    for task in tasks[6:]:
        done(task)

    snapshot_rebuild(as_of=AS_OF)

    hanoi = snapshot(tree.hanoi.path)
    assert (hanoi.tasks_total, hanoi.tasks_done, hanoi.tasks_not_started) == (55, 49, 6)
    assert hanoi.completion == Decimal("89.09")
    assert hanoi.weighted_completion == Decimal("89.09")
    with translation.override("vi"):
        shown = Template("{{ value|floatformat:1 }}%").render(Context({"value": hanoi.completion}))
    assert shown == "89,1%"


def test_a_province_is_the_aggregate_of_its_communes_not_the_mean_of_their_means(tree, make_task, done):
    done(make_task(unit=tree.hoankiem))
    for _ in range(3):
        make_task(unit=tree.badinh)

    snapshot_rebuild(as_of=AS_OF)

    assert snapshot(tree.hoankiem.path).completion == Decimal("100.00")
    assert snapshot(tree.badinh.path).completion == Decimal("0.00")
    assert snapshot(tree.hanoi.path).completion == Decimal("25.00")  # 100 / 4 tasks, not (100 + 0) / 2
    assert snapshot(tree.hanoi.path).tasks_total == 4


def test_weighted_completion_uses_task_weights(tree, make_task, report, done):
    done(make_task(weight=3))
    half = make_task(weight=1)
    report(half, percent=50, status=TaskStatus.IN_PROGRESS)

    snapshot_rebuild(as_of=AS_OF)

    hanoi = snapshot(tree.hanoi.path)
    assert hanoi.weighted_completion == Decimal("87.50")  # (3×100 + 1×50) / 4
    assert hanoi.completion == Decimal("75.00")  # (100 + 50) / 2
    assert hanoi.tasks_in_progress == 1


def test_an_unverified_completion_counts_apart_and_keeps_its_previous_percent(tree, make_task, report):
    task = make_task()
    report(task, percent=60, status=TaskStatus.IN_PROGRESS, on=AS_OF - datetime.timedelta(days=5))
    report(task, percent=100, status=TaskStatus.DONE, on=AS_OF - datetime.timedelta(days=1))

    snapshot_rebuild(as_of=AS_OF)

    hanoi = snapshot(tree.hanoi.path)
    assert (hanoi.tasks_done, hanoi.tasks_awaiting_verification, hanoi.tasks_in_progress) == (0, 1, 1)
    assert hanoi.completion == Decimal("60.00")


def test_a_returned_completion_is_back_in_progress(tree, make_task, report):
    task = make_task()
    report(task, percent=100, status=TaskStatus.DONE)
    report(task, percent=80, status=TaskStatus.IN_PROGRESS, kind=UpdateKind.RETURNED)

    snapshot_rebuild(as_of=AS_OF)

    hanoi = snapshot(tree.hanoi.path)
    assert (hanoi.tasks_done, hanoi.tasks_awaiting_verification, hanoi.tasks_in_progress) == (0, 0, 1)
    assert hanoi.completion == Decimal("80.00")


def test_figures_are_as_of_the_date_ignoring_later_updates(tree, make_task, report, done):
    task = make_task()
    report(task, percent=30, status=TaskStatus.IN_PROGRESS, on=AS_OF)
    done(task, on=AS_OF + datetime.timedelta(days=1))

    snapshot_rebuild(as_of=AS_OF)

    assert snapshot(tree.hanoi.path).completion == Decimal("30.00")


def test_overdue_blocked_and_done_late_are_counted(tree, make_task, report, done):
    late = make_task(deadline=AS_OF - datetime.timedelta(days=3))
    blocked = make_task(deadline=AS_OF - datetime.timedelta(days=1))
    report(blocked, percent=20, status=TaskStatus.BLOCKED, reason=BlockReason.WAITING_CENTRAL)
    finished_late = make_task(deadline=AS_OF - datetime.timedelta(days=10))
    report(finished_late, percent=100, status=TaskStatus.DONE_LATE)
    report(finished_late, percent=100, status=TaskStatus.DONE_LATE, kind=UpdateKind.VERIFIED)
    done(make_task(deadline=AS_OF - datetime.timedelta(days=20)))

    snapshot_rebuild(as_of=AS_OF)

    hanoi = snapshot(tree.hanoi.path)
    assert hanoi.tasks_overdue == 2  # late (not started) and blocked; done tasks are never overdue
    assert (hanoi.tasks_blocked, hanoi.tasks_done_late, hanoi.tasks_done) == (1, 1, 1)
    assert late.pk  # the not-started overdue task exists


def test_as_of_a_day_a_task_due_that_day_is_not_overdue_and_one_done_on_its_deadline_day_never_is(
    tree, make_task, report, done
):
    """The deadline boundaries of tasks.deadlines, as the recompute applies them on a past date."""
    make_task(deadline=AS_OF)  # due on the day of the figures: on time until the day is over
    done(make_task(deadline=AS_OF - datetime.timedelta(days=1)), on=AS_OF - datetime.timedelta(days=1))
    make_task(deadline=AS_OF - datetime.timedelta(days=1))  # the same deadline, not done: overdue

    snapshot_rebuild(as_of=AS_OF)

    assert snapshot(tree.hanoi.path).tasks_overdue == 1


def test_every_level_has_a_row_including_national(tree, make_task, done):
    done(make_task(unit=tree.hoankiem))
    make_task(unit=tree.hongbang)

    snapshot_rebuild(as_of=AS_OF)

    scopes = set(CompletionSnapshot.objects.filter(date=AS_OF).values_list("scope_path", flat=True))
    assert scopes == {NATIONAL_SCOPE, tree.hanoi.path, tree.hoankiem.path, tree.haiphong.path, tree.hongbang.path}
    national = snapshot(NATIONAL_SCOPE)
    assert national.unit is None
    assert (national.tasks_total, national.completion) == (2, Decimal("50.00"))


def comparable_rows():
    return sorted(
        CompletionSnapshot.objects.filter(date=AS_OF).values_list(
            "programme_id",
            "scope_path",
            "unit_id",
            "weighted_completion",
            "completion",
            "tasks_total",
            "tasks_done",
            "tasks_overdue",
            "tasks_awaiting_verification",
        )
    )


def test_running_twice_gives_identical_rows(tree, make_task, report, done):
    done(make_task(unit=tree.hoankiem))
    report(make_task(unit=tree.badinh), percent=40, status=TaskStatus.IN_PROGRESS)

    snapshot_rebuild(as_of=AS_OF)
    first = comparable_rows()
    snapshot_rebuild(as_of=AS_OF)

    assert comparable_rows() == first
    assert CompletionSnapshot.objects.filter(date=AS_OF).count() == 4


def test_a_rerun_replaces_figures_and_drops_rows_without_data(tree, make_task, report, programme):
    task = make_task(unit=tree.hoankiem)
    snapshot_rebuild(as_of=AS_OF)
    assert snapshot(tree.hoankiem.path).completion == Decimal("0.00")

    report(task, percent=70, status=TaskStatus.IN_PROGRESS)
    task.unit = tree.badinh  # moved to another ward: the old ward has no tasks any more
    task.save(update_fields=["unit"])
    snapshot_rebuild(as_of=AS_OF)

    assert snapshot(tree.badinh.path).completion == Decimal("70.00")
    assert not CompletionSnapshot.objects.filter(date=AS_OF, scope_path=tree.hoankiem.path).exists()
