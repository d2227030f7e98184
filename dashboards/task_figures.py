"""Đề án 06 task figures per (programme, unit) as of a date, in three GROUP BY queries.

A task's official state is its latest update before the cutoff, leaving out a
completion report that the coordinating office has not verified yet: such a task
counts apart as "awaiting verification" and keeps its previous state and percent.
A task without any official update is "chưa triển khai" at 0%.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum

from tasks.choices import DONE_STATUSES, TaskStatus, UpdateKind
from tasks.deadlines import deadline_passed_q
from tasks.models import ProgressUpdate, Task

STATUS_COUNTERS = {
    TaskStatus.DONE: "tasks_done",
    TaskStatus.DONE_LATE: "tasks_done_late",
    TaskStatus.IN_PROGRESS: "tasks_in_progress",
    TaskStatus.BLOCKED: "tasks_blocked",
}
WEIGHTED = DecimalField(max_digits=20, decimal_places=2)


def task_counters_by_unit(*, as_of: datetime.date, cutoff: datetime.datetime) -> list[tuple[int, int, Counter]]:
    """``(programme_id, unit_id, counters)`` for every unit that has tasks, as of ``cutoff``.

    Each task's latest and latest official update are found with one indexed lookup
    each (``update_task_latest``); the updates are then grouped by the task's
    programme and unit, so the cost follows the number of tasks and updates, and
    the number of statements is fixed.
    """
    tasks = Task.objects.filter(created_at__lt=cutoff)
    counters: dict[tuple[int, int], Counter] = defaultdict(Counter)
    _count_tasks(counters, tasks, as_of=as_of)
    _count_official_states(counters, tasks, as_of=as_of, cutoff=cutoff)
    _count_awaiting_verification(counters, cutoff=cutoff)
    for figures in counters.values():
        started = sum(figures[name] for name in STATUS_COUNTERS.values())
        figures["tasks_not_started"] = figures["tasks_total"] - started
    return [(programme_id, unit_id, figures) for (programme_id, unit_id), figures in counters.items()]


# A completion report the coordinating office has not verified yet: not official.
PENDING_COMPLETION = Q(kind=UpdateKind.REPORT, status__in=DONE_STATUSES)


def _count_tasks(counters, tasks, *, as_of: datetime.date) -> None:
    """Tasks, their weights and those past their deadline, per (programme, unit): one GROUP BY."""
    by_unit = tasks.values("programme_id", "unit_id").order_by()
    for row in by_unit.annotate(
        tasks_total=Count("pk"),
        weight_sum=Sum("weight"),
        due_before=Count("pk", filter=deadline_passed_q(as_of)),
    ):
        counters[(row["programme_id"], row["unit_id"])].update(
            tasks_total=row["tasks_total"], weight_sum=row["weight_sum"], tasks_overdue=row["due_before"]
        )


def _count_official_states(counters, tasks, *, as_of: datetime.date, cutoff: datetime.datetime) -> None:
    """Statuses and percents of each task's latest official update before ``cutoff``: one GROUP BY.

    Done tasks past their deadline leave the overdue count that ``_count_tasks`` started.
    """
    before_cutoff = ProgressUpdate.objects.filter(task=OuterRef("pk"), created_at__lt=cutoff).order_by(
        "-created_at", "-id"
    )
    official_ids = tasks.annotate(
        update_id=Subquery(before_cutoff.exclude(PENDING_COMPLETION).values("pk")[:1])
    ).values("update_id")
    official = ProgressUpdate.objects.filter(pk__in=official_ids).values("task__programme_id", "task__unit_id")
    for row in official.order_by().annotate(
        **{name: Count("pk", filter=Q(status=status)) for status, name in STATUS_COUNTERS.items()},
        done_before_deadline_passed=Count(
            "pk", filter=Q(status__in=DONE_STATUSES) & deadline_passed_q(as_of, deadline_field="task__deadline")
        ),
        percent_sum=Sum("percent"),
        weighted_percent_sum=Sum(F("task__weight") * F("percent"), output_field=WEIGHTED),
    ):
        figures = counters[(row.pop("task__programme_id"), row.pop("task__unit_id"))]
        # A task past its deadline is overdue unless it is done (tasks.deadlines.is_overdue, as of the cutoff).
        figures["tasks_overdue"] -= row.pop("done_before_deadline_passed")
        figures.update(row)


def _count_awaiting_verification(counters, *, cutoff: datetime.datetime) -> None:
    """A completion report with no official update after it, per (programme, unit): one GROUP BY.

    Such reports are few, so start from them and look ahead with an indexed anti-join.
    """
    later_official = (
        ProgressUpdate.objects.filter(task=OuterRef("task"), created_at__lt=cutoff)
        .exclude(PENDING_COMPLETION)
        .filter(Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")))
    )
    awaiting = (
        ProgressUpdate.objects.filter(PENDING_COMPLETION, created_at__lt=cutoff, task__created_at__lt=cutoff)
        .filter(~Exists(later_official))
        .values("task__programme_id", "task__unit_id")
        .order_by()
        .annotate(n=Count("task", distinct=True))
    )
    for row in awaiting:
        counters[(row["task__programme_id"], row["task__unit_id"])]["tasks_awaiting_verification"] += row["n"]


def completion_percentages(counters: Counter) -> tuple[Decimal, Decimal]:
    """(weighted, unweighted) completion in percent, rounded to two decimals."""
    weight = Decimal(counters["weight_sum"] or 0)
    total = counters["tasks_total"]
    weighted = Decimal(counters["weighted_percent_sum"] or 0) / weight if weight else Decimal(0)
    plain = Decimal(counters["percent_sum"] or 0) / total if total else Decimal(0)
    return _two_places(weighted), _two_places(plain)


def _two_places(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
