"""The recompute: writes CompletionSnapshot and PcccSnapshot rows for a date."""

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.snapshots import IndicatorSnapshotResult, indicator_snapshots_rebuild
from pccc.models import CriteriaSet
from tasks.models import Programme

from .choices import RunOutcome
from .locks import recompute_lock
from .models import NATIONAL_SCOPE, CompletionSnapshot, PcccSnapshot, RecomputeRun
from .pccc_figures import criteria_figures, level_figures, pccc_figures
from .rollup import UnitTree, roll_up, scope_chain
from .task_figures import completion_percentages, reasons_from_counters, task_counters_by_unit

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
    "tasks_started",
    "reasons",
    "unit",
    "computed_at",
]
PCCC_FIELDS = [
    "period",
    "period_earliest",
    "criteria_met",
    "criteria_assessed",
    "units_passing",
    "units_assessed",
    "units_total",
    "criteria",
    "levels",
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
    # Rows of units outside the current tree: left out (no current successor) or counted under the successor.
    records_left_out: int = 0
    records_moved: int = 0
    # One line per programme or criteria set whose figures could not be written.
    failures: tuple[str, ...] = ()

    @property
    def rows_written(self) -> int:
        return self.completion_rows + self.pccc_rows

    @property
    def warnings(self) -> str:
        lines = []
        if self.records_left_out:
            lines.append(
                _(
                    "%(count)s bản ghi (nhiệm vụ, số liệu PCCC) thuộc đơn vị không còn trong cây đơn vị "
                    "hiện hành và không có đơn vị kế thừa: không được tính. Hãy khai báo đơn vị kế thừa "
                    "hoặc chuyển các bản ghi này."
                )
                % {"count": self.records_left_out}
            )
        if self.records_moved:
            lines.append(
                _("%(count)s bản ghi của đơn vị đã sáp nhập được tính vào đơn vị kế thừa.")
                % {"count": self.records_moved}
            )
        return "\n".join(lines)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Asia/Ho_Chi_Minh: figures are "as of" that moment."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def snapshot_rebuild(*, as_of: datetime.date) -> RebuildResult:
    """Recompute every snapshot row for ``as_of`` in one transaction.

    Reads are GROUP BY queries; writes are bulk upserts keyed on (programme, scope,
    date), then rows of that date that no longer have data are deleted. Running it
    twice for a date leaves identical rows; readers see the old day or the new one,
    never half of it.

    Each programme and each criteria set is written in its own savepoint: when one fails
    (bad data, a constraint), the others' figures of the day are still written and the
    failure is reported in the result; the failed one keeps what an earlier run wrote.
    Rows of units outside the current tree count under their successor, or are left out
    and counted in the result (``UnitTree``).
    """
    computed_at = timezone.now()
    cutoff = end_of_day(as_of)
    failures: list[str] = []
    failed_programmes: list[int] = []
    failed_sets: list[int] = []
    with transaction.atomic():
        tree = UnitTree.load()
        units_by_path = {path: pk for pk, path in tree.paths.items()}

        by_programme: dict[int, list] = defaultdict(list)
        tasks_left_out = tasks_moved = 0
        for programme_id, unit_id, counters in task_counters_by_unit(as_of=as_of, cutoff=cutoff):
            current = tree.current_unit(unit_id)
            if current is None:
                tasks_left_out += counters["tasks_total"]
                continue
            tasks_moved += counters["tasks_total"] if current != unit_id else 0
            by_programme[programme_id].append((programme_id, tree.paths[current], counters))
        completion_rows = 0
        for programme_id, rows in by_programme.items():
            try:
                with transaction.atomic():
                    completion = [
                        _completion_snapshot(key, scope, counters, units_by_path, as_of, computed_at)
                        for (key, scope), counters in roll_up(rows).items()
                    ]
                    _upsert(CompletionSnapshot, completion, ["programme", "scope_path", "date"], TASK_FIELDS)
                completion_rows += len(completion)
            except Exception as exc:
                logger.exception("Recompute for %s: programme %s failed", as_of, programme_id)
                failed_programmes.append(programme_id)
                failures.append(_failure(_("Đề án"), Programme, programme_id, exc))
        # Rows of that day no longer backed by data go; a failed programme keeps what an earlier run wrote.
        CompletionSnapshot.objects.filter(date=as_of).exclude(computed_at=computed_at).exclude(
            programme_id__in=failed_programmes
        ).delete()
        if settings.RECOMPUTE_PAUSE_BEFORE_COMMIT:
            # Fault-injection aid for the worker-kill tests: half the day is written, nothing committed.
            time.sleep(settings.RECOMPUTE_PAUSE_BEFORE_COMMIT)

        figures = pccc_figures(as_of=as_of, tree=tree)
        for set_id, exc in figures.failed.items():
            logger.error("Recompute for %s: criteria set %s failed: %r", as_of, set_id, exc)
            failed_sets.append(set_id)
            failures.append(_failure(_("Mô hình"), CriteriaSet, set_id, exc))
        units_per_level = tree.units_per_level()
        by_set: dict[int, list] = defaultdict(list)
        for set_id, unit_id, counters in figures.counters:
            by_set[set_id].append((set_id, tree.paths[unit_id], counters, figures.periods[(set_id, unit_id)]))
        pccc_rows = 0
        for set_id, rows in by_set.items():
            try:
                with transaction.atomic():
                    pccc = _pccc_snapshots(set_id, rows, figures, units_per_level, units_by_path, as_of, computed_at)
                    _upsert(PcccSnapshot, pccc, ["criteria_set", "scope_path", "date"], PCCC_FIELDS)
                pccc_rows += len(pccc)
            except Exception as exc:
                logger.exception("Recompute for %s: criteria set %s failed", as_of, set_id)
                failed_sets.append(set_id)
                failures.append(_failure(_("Mô hình"), CriteriaSet, set_id, exc))
        PcccSnapshot.objects.filter(date=as_of).exclude(computed_at=computed_at).exclude(
            criteria_set_id__in=failed_sets
        ).delete()
    # After the block: committed (or, nested in a caller's transaction, visible to it).
    cache.set(GENERATION_KEY, computed_at.isoformat(), None)
    return RebuildResult(
        completion_rows=completion_rows,
        pccc_rows=pccc_rows,
        records_left_out=tasks_left_out + figures.rows_left_out,
        records_moved=tasks_moved + figures.rows_moved,
        failures=tuple(failures),
    )


def _failure(kind: str, model, pk: int, exc: Exception) -> str:
    name = model.objects.filter(pk=pk).values_list("name", flat=True).first() or f"#{pk}"
    return f"{kind} “{name}”: {exc.__class__.__name__}: {exc}"


def _pccc_snapshots(set_id, rows, figures, units_per_level, units_by_path, as_of, computed_at) -> list[PcccSnapshot]:
    """The set's rows for every scope above a reporting unit, with the months they come from."""
    totals = roll_up((key, path, counters) for key, path, counters, _month in rows)
    months: dict[str, tuple[str, str]] = {}
    for _key, path, _counters, month in rows:
        for scope in scope_chain(path):
            earliest, latest = months.get(scope, (month, month))
            months[scope] = (min(earliest, month), max(latest, month))
    headline = str(figures.headline_levels[set_id])
    snapshots = []
    for (_set, scope), counters in totals.items():
        levels = level_figures(counters, units_per_level[scope], figures.levels[set_id], figures.judged_levels[set_id])
        earliest, latest = months[scope]
        snapshots.append(
            PcccSnapshot(
                criteria_set_id=set_id,
                unit_id=_unit_id(scope, units_by_path),
                scope_path=scope,
                date=as_of,
                period=latest,
                period_earliest=earliest,
                criteria_met=counters["criteria_met"],
                criteria_assessed=counters["criteria_assessed"],
                units_passing=levels[headline]["passing"],
                units_assessed=levels[headline]["reported"],
                units_total=levels[headline]["total"],
                criteria=criteria_figures(counters),
                levels=levels,
                computed_at=computed_at,
            )
        )
    return snapshots


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
        reasons=reasons_from_counters(counters),
        **{name: counters[name] for name in TASK_FIELDS if name.startswith("tasks_")},
    )


# A range recomputed in one go (command, admin): longer ones are split by whoever asks.
RECOMPUTE_RANGE_MAX_DAYS = 366


def parse_day(text: str) -> datetime.date | None:
    """A day typed on a page (dd/mm/yyyy) or given in a URL or on the command line (YYYY-MM-DD);
    None when it is neither. The one reader of dates for the dashboards, the admin and the command."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def recompute_range_days(date_from: str | datetime.date | None, date_to: str | datetime.date | None) -> list:
    """The days from ``date_from`` to ``date_to`` (default today), checked: dd/mm/yyyy (pages) or ISO
    (command line) dates, in order, not in the future, at most RECOMPUTE_RANGE_MAX_DAYS. Raises
    ValueError with a Vietnamese message."""

    def parse(value, name):
        if isinstance(value, datetime.date):
            return value
        day = parse_day(str(value))
        if day is None:
            raise ValueError(
                _("Ngày %(name)s không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 20/04/2023.") % {"name": name}
            )
        return day

    today = timezone.localdate()
    if not date_from:
        raise ValueError(_("Hãy nhập ngày bắt đầu (--from)."))
    start = parse(date_from, _("bắt đầu"))
    end = parse(date_to, _("kết thúc")) if date_to else today
    if end > today:
        raise ValueError(
            _("Không tính được số liệu cho ngày trong tương lai (%(date)s).") % {"date": f"{end:%d/%m/%Y}"}
        )
    if start > end:
        raise ValueError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    count = (end - start).days + 1
    if count > RECOMPUTE_RANGE_MAX_DAYS:
        raise ValueError(
            _("Mỗi lần chỉ tính tối đa %(max)s ngày; khoảng đã chọn có %(count)s ngày.")
            % {"max": RECOMPUTE_RANGE_MAX_DAYS, "count": count}
        )
    return [start + datetime.timedelta(days=n) for n in range(count)]


def recompute_runs(days: list[datetime.date], *, triggered_by: str) -> Iterator[RecomputeRun]:
    """One run per day of a range, oldest first (each holds the lock on its own, so a rerun after a
    failure writes the same rows again); the indicator snapshots, figures per period and not per day,
    are replaced once, with the last day. The caller decides whether a failed day stops the range."""
    for day in days:
        yield recompute_run(as_of=day, triggered_by=triggered_by, with_indicators=day == days[-1])


def recompute_run(*, as_of: datetime.date, triggered_by: str, with_indicators: bool = True) -> RecomputeRun:
    """Run the recompute under the Redis lock and record the run (skipped when another holds the lock).

    ``with_indicators``: also replace the indicator snapshots (figures per period, not per day:
    a range of days writes them once, with its last day).
    """
    run = RecomputeRun.objects.create(as_of=as_of, triggered_by=triggered_by[:100], started_at=timezone.now())
    with recompute_lock() as acquired:
        if not acquired:
            return _finish(run, outcome=RunOutcome.SKIPPED)
        try:
            result = snapshot_rebuild(as_of=as_of)
            indicators = indicator_snapshots_rebuild() if with_indicators else IndicatorSnapshotResult()
        except Exception as exc:
            logger.exception("Recompute for %s failed", as_of)
            _finish(run, outcome=RunOutcome.FAILED, error=f"{exc.__class__.__name__}: {exc}")
            raise
    failures = (*result.failures, *indicators.failures)
    return _finish(
        run,
        outcome=RunOutcome.PARTIAL if failures else RunOutcome.SUCCESS,
        rows_written=result.rows_written + indicators.rows,
        error="\n".join(failures),
        result=result,
    )


def _finish(
    run: RecomputeRun, *, outcome: str, rows_written: int = 0, error: str = "", result: RebuildResult | None = None
) -> RecomputeRun:
    run.outcome = outcome
    run.rows_written = rows_written
    run.error = error
    if result is not None:
        run.warnings = result.warnings
        run.records_left_out = result.records_left_out
        run.records_moved = result.records_moved
    run.finished_at = timezone.now()
    fields = ["outcome", "rows_written", "error", "warnings", "records_left_out", "records_moved", "finished_at"]
    run.save(update_fields=fields)
    return run
