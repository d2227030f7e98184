"""Đề án 06 task figures per (programme, unit) as of a date, in four GROUP BY queries.

Figures "as of" a day follow when facts were true, not when they were typed: a task
counts from its assignment date (``start_date``), and its state is that of its latest
update whose data date [ngày số liệu] is on or before the day (then by entry time), so
a 2023 plan entered today gives 2023's figures. The official state leaves out a
completion report that the coordinating office has not verified yet: such a task
counts apart as "awaiting verification" and keeps its previous state and percent.
A task without any official update is "chưa triển khai" at 0%.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum

from tasks.choices import DONE_STATUSES, BlockReason, TaskStatus, UpdateKind
from tasks.deadlines import deadline_passed_q
from tasks.models import ProgressUpdate, Task

STATUS_COUNTERS = {
    TaskStatus.DONE: "tasks_done",
    TaskStatus.DONE_LATE: "tasks_done_late",
    TaskStatus.IN_PROGRESS: "tasks_in_progress",
    TaskStatus.BLOCKED: "tasks_blocked",
}
WEIGHTED = DecimalField(max_digits=20, decimal_places=2)
# Not-started and blocked tasks counted by reason, e.g. "reason:chua_trien_khai:cho_huong_dan_tw".
REASON_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.BLOCKED)
REASON_PREFIX = "reason:"


def reason_counter(status: str, reason: str) -> str:
    return f"{REASON_PREFIX}{status}:{reason}"


def reasons_from_counters(counters) -> dict[str, dict[str, int]]:
    """``{reason: {status: n}}`` from the rolled-up counters, for the snapshot's JSON."""
    reasons: dict[str, dict[str, int]] = {}
    for name, value in counters.items():
        if name.startswith(REASON_PREFIX) and value:
            status, reason = name[len(REASON_PREFIX) :].split(":", 1)
            reasons.setdefault(reason, {})[status] = value
    return reasons


def task_counters_by_unit(*, as_of: datetime.date, cutoff: datetime.datetime) -> list[tuple[int, int, Counter]]:
    """``(programme_id, unit_id, counters)`` for every unit that has tasks assigned by ``as_of``.

    ``cutoff`` (the end of ``as_of``) is kept for callers; the figures follow data dates.
    Each task's latest official update is found with one indexed lookup
    (``update_task_official_as_of``); the updates are then grouped by the task's
    programme and unit, so the cost follows the number of tasks and updates, and
    the number of statements is fixed.
    """
    tasks = Task.objects.filter(start_date__lte=as_of)
    counters: dict[tuple[int, int], Counter] = defaultdict(Counter)
    _count_tasks(counters, tasks, as_of=as_of)
    official_updates = _official_updates(tasks, as_of=as_of)
    _count_official_states(counters, official_updates, as_of=as_of)
    _count_reasons(counters, official_updates)
    _count_awaiting_verification(counters, as_of=as_of)
    for figures in counters.values():
        started = sum(figures[name] for name in STATUS_COUNTERS.values())
        figures["tasks_not_started"] = figures["tasks_total"] - started
        # "Đã triển khai": every status but not started (an awaiting completion counts by its official state).
        figures["tasks_started"] = started
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


def _official_updates(tasks, *, as_of: datetime.date):
    """Each task's latest official update as of ``as_of`` (by data date, then entry): a queryset."""
    before_cutoff = ProgressUpdate.objects.filter(task=OuterRef("pk"), data_date__lte=as_of).order_by(
        "-data_date", "-created_at", "-id"
    )
    official_ids = tasks.annotate(
        update_id=Subquery(before_cutoff.exclude(PENDING_COMPLETION).values("pk")[:1])
    ).values("update_id")
    return ProgressUpdate.objects.filter(pk__in=official_ids)


def _count_official_states(counters, official_updates, *, as_of: datetime.date) -> None:
    """Statuses and percents of each task's official update, per (programme, unit): one GROUP BY.

    Done tasks past their deadline leave the overdue count that ``_count_tasks`` started.
    """
    official = official_updates.values("task__programme_id", "task__unit_id")
    for row in official.order_by().annotate(
        **{name: Count("pk", filter=Q(status=status)) for status, name in STATUS_COUNTERS.items()},
        done_before_deadline_passed=Count(
            "pk", filter=Q(status__in=DONE_STATUSES) & deadline_passed_q(as_of, deadline_field="task__deadline")
        ),
        percent_sum=Sum("percent"),
        weighted_percent_sum=Sum(F("task__weight") * F("percent"), output_field=WEIGHTED),
    ):
        figures = counters[(row.pop("task__programme_id"), row.pop("task__unit_id"))]
        figures["tasks_overdue"] -= row.pop("done_before_deadline_passed")
        figures.update(row)


def _count_reasons(counters, official_updates) -> None:
    """Not started or blocked, by reason ("6 chưa triển khai, trong đó 3 chờ hướng dẫn của Trung ương")."""
    by_reason = (
        official_updates.filter(status__in=REASON_STATUSES, block_reason__in=BlockReason.values)
        .values("task__programme_id", "task__unit_id", "status", "block_reason")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for row in by_reason:
        key = reason_counter(row["status"], row["block_reason"])
        counters[(row["task__programme_id"], row["task__unit_id"])][key] += row["n"]


def _count_awaiting_verification(counters, *, as_of: datetime.date) -> None:
    """A completion report with no official update after it (in the order of data date, then entry),
    per (programme, unit): one GROUP BY. Such reports are few, so start from them and look ahead
    with an indexed anti-join."""
    later_official = (
        ProgressUpdate.objects.filter(task=OuterRef("task"), data_date__lte=as_of)
        .exclude(PENDING_COMPLETION)
        .filter(
            Q(data_date__gt=OuterRef("data_date"))
            | Q(data_date=OuterRef("data_date"), created_at__gt=OuterRef("created_at"))
            | Q(data_date=OuterRef("data_date"), created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
    )
    awaiting = (
        ProgressUpdate.objects.filter(PENDING_COMPLETION, data_date__lte=as_of, task__start_date__lte=as_of)
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
