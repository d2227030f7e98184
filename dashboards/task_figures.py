"""Đề án 06 task figures per (programme, unit) as of a date, in one GROUP BY query."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tasks.choices import DONE_STATUSES, BlockReason, TaskStatus, UpdateKind
from tasks.models import ProgressUpdate, Task

COUNTERS = (
    "tasks_total",
    "tasks_done",
    "tasks_done_late",
    "tasks_in_progress",
    "tasks_not_started",
    "tasks_blocked",
    "tasks_overdue",
    "tasks_awaiting_verification",
    "blocked_waiting_central",
)


def task_counters_by_unit(*, as_of: datetime.date, cutoff: datetime.datetime) -> list[tuple[int, int, Counter]]:
    """``(programme_id, unit_id, counters)`` for every unit that has tasks, as of ``cutoff``.

    A task's official state is its latest update before the cutoff, leaving out a
    completion report that the coordinating office has not verified yet: such a
    task counts apart as "awaiting verification" and keeps its previous percent.
    """
    updates = ProgressUpdate.objects.filter(task=OuterRef("pk"), created_at__lt=cutoff).order_by("-created_at", "-id")
    official = updates.exclude(kind=UpdateKind.REPORT, status__in=DONE_STATUSES)
    tasks = Task.objects.filter(created_at__lt=cutoff).annotate(
        state=Coalesce(Subquery(official.values("status")[:1]), Value(TaskStatus.NOT_STARTED.value)),
        state_percent=Coalesce(Subquery(official.values("percent")[:1]), Value(0), output_field=IntegerField()),
        state_reason=Subquery(official.values("block_reason")[:1]),
        latest_kind=Subquery(updates.values("kind")[:1]),
        latest_status=Subquery(updates.values("status")[:1]),
    )
    done = Q(state__in=DONE_STATUSES)
    grouped = (
        tasks.values("programme_id", "unit_id")
        .annotate(
            tasks_total=Count("pk"),
            tasks_done=Count("pk", filter=Q(state=TaskStatus.DONE)),
            tasks_done_late=Count("pk", filter=Q(state=TaskStatus.DONE_LATE)),
            tasks_in_progress=Count("pk", filter=Q(state=TaskStatus.IN_PROGRESS)),
            tasks_not_started=Count("pk", filter=Q(state=TaskStatus.NOT_STARTED)),
            tasks_blocked=Count("pk", filter=Q(state=TaskStatus.BLOCKED)),
            blocked_waiting_central=Count(
                "pk", filter=Q(state=TaskStatus.BLOCKED, state_reason=BlockReason.WAITING_CENTRAL)
            ),
            tasks_overdue=Count("pk", filter=Q(deadline__lt=as_of) & ~done),
            tasks_awaiting_verification=Count(
                "pk", filter=Q(latest_kind=UpdateKind.REPORT, latest_status__in=DONE_STATUSES)
            ),
            percent_sum=Sum("state_percent"),
            weight_sum=Sum("weight"),
            weighted_percent_sum=Sum(
                F("weight") * F("state_percent"), output_field=DecimalField(max_digits=20, decimal_places=2)
            ),
        )
        .order_by()
    )
    return [
        (
            row["programme_id"],
            row["unit_id"],
            Counter({k: v for k, v in row.items() if k not in ("programme_id", "unit_id")}),
        )
        for row in grouped
    ]


def completion_percentages(counters: Counter) -> tuple[Decimal, Decimal]:
    """(weighted, unweighted) completion in percent, rounded to two decimals."""
    weight = Decimal(counters["weight_sum"] or 0)
    total = counters["tasks_total"]
    weighted = Decimal(counters["weighted_percent_sum"] or 0) / weight if weight else Decimal(0)
    plain = Decimal(counters["percent_sum"] or 0) / total if total else Decimal(0)
    return _two_places(weighted), _two_places(plain)


def _two_places(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
