"""Fire-safety figures per (criteria set, unit) from each unit's latest period with data, in three queries.

Each unit counts with its own latest period up to the date, each criterion by its own kind
(monthly, quarterly, half-yearly, yearly): a province whose communes report a month late
still shows (with the month its figures come from), instead of vanishing behind one
national month; a yearly criterion (fires in the year) counts with the latest year reported.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q

from pccc.evaluation import UnitState, meets, unit_verdict, verdict
from pccc.models import Assessment, Criterion
from pccc.periods import KINDS_FINEST_FIRST
from pccc.selectors import latest_per_unit

from .rollup import UnitTree

MONTH_REGEX = r"^[0-9]{4}-[0-9]{2}$"
HAS_DATA = Q(value__isnull=False) | Q(answer__isnull=False)


def latest_month_per_set(as_of: datetime.date) -> dict[int, str]:
    """For each criteria set, the latest month up to ``as_of`` that has any value.

    No longer what the recompute uses (each unit has its own latest month); kept for the
    naive loop of ``bench.recompute``, whose dataset has one month for every unit.
    """
    rows = _months_up_to(as_of).values("criterion__criteria_set_id").annotate(latest=Max("period")).order_by()
    return {row["criterion__criteria_set_id"]: row["latest"] for row in rows}


def _months_up_to(as_of: datetime.date):
    return Assessment.objects.current().filter(
        HAS_DATA,
        period__regex=MONTH_REGEX,
        period__lte=f"{as_of:%Y-%m}",
        criterion__is_active=True,
        criterion__criteria_set__is_active=True,
    )


@dataclass
class PcccFigures:
    """What the recompute needs from the assessments, per (criteria set, current unit)."""

    counters: list[tuple[int, int, Counter]] = field(default_factory=list)
    periods: dict[tuple[int, int], str] = field(default_factory=dict)  # (set, unit) -> month its figures are from
    headline_levels: dict[int, int] = field(default_factory=dict)  # set -> level whose units "x/y đạt" counts
    judged_levels: dict[int, list[int]] = field(default_factory=dict)  # set -> levels with a counting criterion
    levels: dict[int, list[int]] = field(default_factory=dict)  # set -> levels of its active criteria
    rows_left_out: int = 0
    rows_moved: int = 0
    failed: dict[int, Exception] = field(default_factory=dict)  # set -> what went wrong computing it


def pccc_figures(*, as_of: datetime.date, tree: UnitTree) -> PcccFigures:
    """Counters of every unit that reported, each from its own latest period (per kind) up to ``as_of``.

    Counters are additive so they roll up the tree: per criterion code the sums of
    numerators, denominators and counts and the units passing/reported; per level the
    units reported and passing (``pccc.evaluation.unit_passes``, the one pass rule).
    A value on a unit that is no longer current counts under its successor (numerators,
    denominators and counts add up; a yes/no holds when every part says yes).
    """
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(is_active=True, criteria_set__is_active=True).only(
            "pk",
            "criteria_set_id",
            "code",
            "level",
            "comparator",
            "target",
            "counts_toward_pass",
            "is_active",
            "period_kind",
        )
    }
    figures = PcccFigures()
    by_set: dict[int, list] = defaultdict(list)
    for c in criteria.values():
        by_set[c.criteria_set_id].append(c)
    for set_id, items in by_set.items():
        figures.levels[set_id] = sorted({c.level for c in items})
        figures.judged_levels[set_id] = sorted({c.level for c in items if c.counts_toward_pass})
        figures.headline_levels[set_id] = max(figures.judged_levels[set_id] or figures.levels[set_id])
    if not criteria:
        return figures

    # Each (set, unit)'s latest month, found by a window in the same statement that reads the values.
    rows = latest_per_unit(Assessment.objects.current().filter(criterion_id__in=criteria), up_to=as_of).values_list(
        "criterion_id", "unit_id", "period", "value", "denominator", "answer"
    )
    # Rows of merged units join their successor's, which keeps the latest month among them.
    grouped: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for criterion_id, unit_id, period, value, denominator, answer in rows.iterator(chunk_size=5000):
        current = tree.current_unit(unit_id)
        if current is None:
            figures.rows_left_out += 1
            continue
        figures.rows_moved += current != unit_id
        grouped[(criteria[criterion_id].criteria_set_id, current)].append(
            (criterion_id, period, value, denominator, answer)
        )

    for (set_id, unit_id), unit_rows in grouped.items():
        if set_id in figures.failed:
            continue
        try:
            # Per kind of period, the latest among the merged units' (each criterion reads its own kind).
            latest = {}
            for criterion_id, period, *_rest in unit_rows:
                kind = criteria[criterion_id].period_kind
                latest[kind] = max(latest.get(kind, period), period)
            values = _combined(row for row in unit_rows if row[1] == latest[criteria[row[0]].period_kind])
            counters = _unit_counters(set_id, tree.levels[unit_id], values, criteria, by_set[set_id])
        except Exception as exc:  # one set's bad data must not stop the others (reported on the run)
            figures.failed[set_id] = exc
            continue
        figures.counters.append((set_id, unit_id, counters))
        # The period shown beside the figures: that of the finest kind (the month when any
        # criterion is monthly; a yearly fire ratio is read from its own year).
        figures.periods[(set_id, unit_id)] = next(latest[kind] for kind in KINDS_FINEST_FIRST if kind in latest)
    figures.counters = [row for row in figures.counters if row[0] not in figures.failed]
    return figures


def _combined(rows) -> dict[int, tuple]:
    """Per criterion, (value, denominator, answer) summed over the units merged into one."""
    combined: dict[int, tuple] = {}
    for criterion_id, _period, value, denominator, answer in rows:
        if criterion_id not in combined:
            combined[criterion_id] = (value, denominator, answer)
            continue
        v, d, a = combined[criterion_id]
        combined[criterion_id] = (
            _add(v, value),
            _add(d, denominator),
            None if a is None and answer is None else bool(a is not False and answer is not False),
        )
    return combined


def _add(a, b):
    return b if a is None else a if b is None else a + b


def _unit_counters(set_id, level, values, criteria, set_criteria) -> Counter:
    counters: Counter = Counter()
    results = {}
    for criterion_id, (value, denominator, answer) in values.items():
        criterion = criteria[criterion_id]
        results[criterion_id] = meets(criterion, value=value, denominator=denominator, answer=answer)
        _add_cell(counters, criterion, value, denominator, answer)
    state = unit_verdict(level=level, criteria=set_criteria, results=results)
    if state.passes is not None:
        counters[f"level{level}|reported"] += 1
        counters[f"level{level}|passing"] += int(state.passes)
        # Reported, nothing failing, values missing: "chưa đủ số liệu", counted apart from the failures.
        counters[f"level{level}|incomplete"] += int(state.state == UnitState.INCOMPLETE)
    return counters


def _add_cell(counters: Counter, criterion, value, denominator, answer) -> None:
    reported = meets(criterion, value=value, denominator=denominator, answer=answer)
    if reported is None:
        return
    code = criterion.code
    counters[f"{code}|units_assessed"] += 1
    if verdict(criterion, value=value, denominator=denominator, answer=answer):
        counters[f"{code}|units_passing"] += 1
    if value is not None:
        counters[f"{code}|value"] += value
    if denominator is not None:
        counters[f"{code}|denominator"] += denominator
    if criterion.counts_toward_pass:
        counters["criteria_assessed"] += 1
        counters["criteria_met"] += int(reported)


def criteria_figures(counters: Counter) -> dict[str, dict]:
    """Per criterion code: sums, the ratio of sums (%), units passing/reported, as JSON-ready numbers."""
    figures: dict[str, dict] = defaultdict(dict)
    for key, number in counters.items():
        if "|" in key and not key.startswith("level"):
            code, name = key.split("|", 1)
            figures[code][name] = int(number)
    for numbers in figures.values():
        numbers.setdefault("units_passing", 0)
        denominator = numbers.get("denominator")
        numerator = numbers.get("value")
        numbers["ratio"] = (
            float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.000001")))
            if denominator and numerator is not None
            else None
        )
    return dict(figures)


def level_figures(counters: Counter, units_per_level: Counter, levels: list[int], judged: list[int]) -> dict:
    """Per level of the set: units in the scope, reported, passing (``{"3": {"total", ...}}``)."""
    return {
        str(level): {
            "total": units_per_level.get(f"level{level}", 0),
            "reported": counters.get(f"level{level}|reported", 0),
            "passing": counters.get(f"level{level}|passing", 0),
            "incomplete": counters.get(f"level{level}|incomplete", 0),
            "judged": level in judged,
        }
        for level in levels
    }
