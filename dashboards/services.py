"""The recompute: writes CompletionSnapshot and PcccSnapshot rows for a date."""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from provinces.models import AdministrativeUnit

from .choices import RunOutcome
from .locks import recompute_lock
from .models import NATIONAL_SCOPE, CompletionSnapshot, PcccSnapshot, RecomputeRun
from .pccc_figures import criteria_figures, latest_month_per_set, pccc_counters_by_unit
from .rollup import roll_up
from .task_figures import completion_percentages, task_counters_by_unit

logger = logging.getLogger(__name__)

TASK_FIELDS = [
    "weighted_completion",
    "completion",
    "tasks_total",
    "tasks_done",
    "tasks_done_late",
    "tasks_in_progress",
    "tasks_not_started",
    "tasks_blocked",
    "tasks_overdue",
    "tasks_awaiting_verification",
    "unit",
    "computed_at",
]
PCCC_FIELDS = [
    "period",
    "criteria_met",
    "criteria_assessed",
    "units_passing",
    "units_assessed",
    "criteria",
    "unit",
    "computed_at",
]


# Changes after every rebuild; cached dashboard pages are keyed on it.
GENERATION_KEY = "dashboard-snapshots-generation"


def snapshots_generation() -> str | None:
    return cache.get(GENERATION_KEY)


@dataclass(frozen=True)
class RebuildResult:
    completion_rows: int
    pccc_rows: int

    @property
    def rows_written(self) -> int:
        return self.completion_rows + self.pccc_rows


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Asia/Ho_Chi_Minh: figures are "as of" that moment."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def snapshot_rebuild(*, as_of: datetime.date) -> RebuildResult:
    """Recompute every snapshot row for ``as_of`` in one transaction.

    Reads are GROUP BY queries; writes are bulk upserts keyed on (programme, scope,
    date), then rows of that date that no longer have data are deleted. Running it
    twice for a date leaves identical rows; readers see the old day or the new one,
    never half of it.
    """
    computed_at = timezone.now()
    cutoff = end_of_day(as_of)
    with transaction.atomic():
        paths = dict(AdministrativeUnit.objects.current().values_list("pk", "path"))
        units_by_path = {path: pk for pk, path in paths.items()}

        task_rows = task_counters_by_unit(as_of=as_of, cutoff=cutoff)
        task_totals = roll_up((programme_id, paths[unit_id], c) for programme_id, unit_id, c in task_rows)
        completion = [
            _completion_snapshot(programme_id, scope, counters, units_by_path, as_of, computed_at)
            for (programme_id, scope), counters in task_totals.items()
        ]
        _upsert(CompletionSnapshot, completion, ["programme", "scope_path", "date"], TASK_FIELDS)
        CompletionSnapshot.objects.filter(date=as_of).exclude(computed_at=computed_at).delete()
        if settings.RECOMPUTE_PAUSE_BEFORE_COMMIT:
            # Fault-injection aid for the worker-kill tests: half the day is written, nothing committed.
            time.sleep(settings.RECOMPUTE_PAUSE_BEFORE_COMMIT)

        periods = latest_month_per_set(as_of)
        pccc_rows = pccc_counters_by_unit(periods)
        pccc_totals = roll_up((set_id, paths[unit_id], c) for set_id, unit_id, c in pccc_rows)
        pccc = [
            _pccc_snapshot(set_id, scope, counters, periods[set_id], units_by_path, as_of, computed_at)
            for (set_id, scope), counters in pccc_totals.items()
        ]
        _upsert(PcccSnapshot, pccc, ["criteria_set", "scope_path", "date"], PCCC_FIELDS)
        PcccSnapshot.objects.filter(date=as_of).exclude(computed_at=computed_at).delete()
    # After the block: committed (or, nested in a caller's transaction, visible to it).
    cache.set(GENERATION_KEY, computed_at.isoformat(), None)
    return RebuildResult(completion_rows=len(completion), pccc_rows=len(pccc))


def _upsert(model, rows, unique_fields, update_fields) -> None:
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields, batch_size=2000
    )


def _unit_id(scope: str, units_by_path: dict[str, int]) -> int | None:
    return None if scope == NATIONAL_SCOPE else units_by_path[scope]


def _completion_snapshot(programme_id, scope, counters, units_by_path, as_of, computed_at) -> CompletionSnapshot:
    weighted, plain = completion_percentages(counters)
    return CompletionSnapshot(
        programme_id=programme_id,
        unit_id=_unit_id(scope, units_by_path),
        scope_path=scope,
        date=as_of,
        weighted_completion=weighted,
        completion=plain,
        computed_at=computed_at,
        **{name: counters[name] for name in TASK_FIELDS if name.startswith("tasks_")},
    )


def _pccc_snapshot(set_id, scope, counters, period, units_by_path, as_of, computed_at) -> PcccSnapshot:
    return PcccSnapshot(
        criteria_set_id=set_id,
        unit_id=_unit_id(scope, units_by_path),
        scope_path=scope,
        date=as_of,
        period=period,
        criteria_met=counters["criteria_met"],
        criteria_assessed=counters["criteria_assessed"],
        units_passing=counters["units_passing"],
        units_assessed=counters["units_assessed"],
        criteria=criteria_figures(counters),
        computed_at=computed_at,
    )


def recompute_run(*, as_of: datetime.date, triggered_by: str) -> RecomputeRun:
    """Run the recompute under the Redis lock and record the run (skipped when another holds the lock)."""
    run = RecomputeRun.objects.create(as_of=as_of, triggered_by=triggered_by[:100], started_at=timezone.now())
    with recompute_lock() as acquired:
        if not acquired:
            return _finish(run, outcome=RunOutcome.SKIPPED)
        try:
            result = snapshot_rebuild(as_of=as_of)
        except Exception as exc:
            logger.exception("Recompute for %s failed", as_of)
            _finish(run, outcome=RunOutcome.FAILED, error=f"{exc.__class__.__name__}: {exc}")
            raise
    return _finish(run, outcome=RunOutcome.SUCCESS, rows_written=result.rows_written)


def _finish(run: RecomputeRun, *, outcome: str, rows_written: int = 0, error: str = "") -> RecomputeRun:
    run.outcome = outcome
    run.rows_written = rows_written
    run.error = error
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "rows_written", "error", "finished_at"])
    return run
