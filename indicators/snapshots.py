"""The nightly indicator snapshots: every programme's figures per unit, indicator and period, rolled up.

The periods written are those the dashboard reads (``snapshot_paths_by_period``): each unit's
latest period, and its parent's latest period (the ranking of the parent's children).

Written by the recompute (``dashboards.services.recompute_run``) after the task and PCCC
snapshots; read by the dashboard's indicator card and ranking. Per programme a fixed number of
statements whatever the number of units: seven reads (indicators, their phases, their pilot
units, units, the periods needed, their values, targets), one DELETE and one bulk INSERT (a single COPY on PostgreSQL;
elsewhere one prepared INSERT executed per row), inside a savepoint.
"""

import csv
import io
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pccc.periods import Period
from provinces.models import AdministrativeUnit
from tasks.models import Programme

from .figures import (
    ProgrammeFigures,
    indicators_of,
    previous_period,
    programme_scope_filter,
    target_rows,
    value_rows,
)
from .models import Indicator, IndicatorSnapshot, IndicatorValue
from .rollup import NATIONAL_PATH, strict_ancestor_paths

logger = logging.getLogger(__name__)

COLUMNS = [
    "programme_id",
    "indicator_id",
    "unit_id",
    "scope_path",
    "period",
    "reported",
    "numerator",
    "denominator",
    "paired_value",
    "target",
    "met",
    "gap",
    "change",
    "phase_id",
    "phase_not_started_id",
    "outside_pilot",
    "computed_at",
]


@dataclass(frozen=True)
class IndicatorSnapshotResult:
    rows: int = 0
    failures: tuple[str, ...] = ()


def indicator_snapshots_rebuild(*, computed_at=None) -> IndicatorSnapshotResult:
    """Replace every programme's indicator snapshots, each programme in its own savepoint.

    A programme that fails keeps the rows an earlier run wrote, and is named in the result.
    """
    computed_at = computed_at or timezone.now()
    rows = 0
    failures: list[str] = []
    programme_ids = Indicator.objects.values_list("programme_id", flat=True).distinct()
    with transaction.atomic():
        for programme in Programme.objects.filter(pk__in=programme_ids).select_related("unit").order_by("pk"):
            try:
                with transaction.atomic():
                    rows += programme_snapshots_write(programme=programme, computed_at=computed_at)
            except Exception as exc:
                logger.exception("Indicator snapshots: programme %s failed", programme.pk)
                failures.append(
                    _("Chỉ tiêu của đề án “%(name)s”: %(error)s")
                    % {"name": programme.name, "error": f"{exc.__class__.__name__}: {exc}"}
                )
        # Programmes that no longer have indicators keep no rows.
        IndicatorSnapshot.objects.exclude(programme_id__in=programme_ids).delete()
    return IndicatorSnapshotResult(rows=rows, failures=tuple(failures))


def programme_snapshots_write(*, programme, computed_at) -> int:
    """Compute and replace one programme's rows; returns how many were written."""
    rows = list(programme_snapshot_rows(programme, computed_at))
    IndicatorSnapshot.objects.filter(programme=programme).delete()
    _insert(rows)
    return len(rows)


def reporting_paths_by_period(values: dict[tuple, dict]) -> dict[str, set[str]]:
    """{period key: paths of the units whose subtree reported any value then, and the country}."""
    paths: dict[str, set[str]] = defaultdict(lambda: {NATIONAL_PATH})
    for (_indicator_id, key), rows in values.items():
        found = paths[key]
        for path in rows:
            if path not in found:
                found.add(path)
                found.update(strict_ancestor_paths(path))
    return paths


def snapshot_paths_by_period(values: dict[tuple, dict]) -> dict[str, set[str]]:
    """{period key: the units to write for it}: what the dashboard reads, not the whole history.

    A unit's card shows its latest period (the newest its subtree reported in), and its ranking
    shows its children at that same period: so a unit gets rows for its own latest period, and
    for its parent's latest period when it reported then. Older periods are read live on the
    indicator page (``indicator_board``).
    """
    reported = reporting_paths_by_period(values)
    latest: dict[str, str] = {}
    for key in sorted(reported):
        for path in reported[key]:
            latest[path] = key  # sorted keys: the newest wins
    wanted: dict[str, set[str]] = defaultdict(set)
    for path, key in latest.items():
        wanted[key].add(path)
        if path == NATIONAL_PATH:
            continue
        ancestors = strict_ancestor_paths(path)
        parent = ancestors[-1] if ancestors else NATIONAL_PATH
        if parent in latest and path in reported[latest[parent]]:
            wanted[latest[parent]].add(path)
    return wanted


def periods_read(programme) -> list[str]:
    """The periods the snapshots need: every unit's latest and the one before it (its trend), one query.

    Reading only these, not the whole history, is most of the run's time saved (twelve months
    of values for every commune are ten times the rows the dashboard's figures come from).
    """
    latest_by_unit = (
        IndicatorValue.objects.filter(indicator__programme=programme)
        .order_by()
        .values("unit__path")
        .annotate(latest=Max("period"))
        .values_list("latest", flat=True)
    )
    keys = set(latest_by_unit)
    return sorted(keys | {previous_period(Period.parse(key)).key for key in keys})


def programme_snapshot_rows(programme, computed_at):
    """Tuples in ``COLUMNS`` order for every indicator, period with values, and unit that reported in it."""
    indicators = indicators_of(programme, with_phases_and_pilots=True)
    if not indicators:
        return
    units = list(AdministrativeUnit.objects.filter(programme_scope_filter(programme)).values("id", "path", "level"))
    computed = ProgrammeFigures(
        indicators=indicators,
        values=value_rows(programme, None, periods_read(programme)),
        targets=target_rows(programme, None, None),
        unit_rows=units,
    )
    by_path = {u["path"]: u for u in units}
    by_path[NATIONAL_PATH] = {"id": None, "path": NATIONAL_PATH, "level": 0}
    for key, paths in sorted(snapshot_paths_by_period(computed.values).items()):
        period = Period.parse(key)
        for path in sorted(paths):
            unit = by_path.get(path)
            if unit is None:
                continue  # a unit outside the programme's current tree: counted above it, no row of its own
            for indicator in indicators:
                figure = computed.figure(indicator, period, path, unit["level"])
                yield (
                    programme.pk,
                    indicator.pk,
                    unit["id"],
                    path,
                    key,
                    figure.amount.reported,
                    figure.amount.numerator,
                    figure.amount.denominator,
                    figure.amount.paired,
                    figure.target,
                    figure.judgement.met,
                    figure.judgement.gap,
                    figure.change,
                    getattr(figure.phase, "pk", None),
                    getattr(figure.phase_not_started, "pk", None),
                    figure.outside_pilot,
                    computed_at,
                )


def _insert(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(rows)
        return
    # Elsewhere (SQLite) one prepared INSERT executed for every row: one statement whatever the
    # number of rows (bulk_create would split them into batches of 999 parameters).
    computed_at = connection.ops.adapt_datetimefield_value(rows[0][-1])
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {IndicatorSnapshot._meta.db_table} ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            [(*row[:-1], computed_at) for row in rows],
        )


def _copy(rows: list[tuple]) -> None:
    """One COPY statement: the fastest bulk write PostgreSQL offers (no per-row SQL).

    csv writes None as an empty unquoted field (NULL), True/False as words PostgreSQL's boolean
    input accepts, and datetimes and decimals in forms its input functions read.
    """
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    table = IndicatorSnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)", buffer)
