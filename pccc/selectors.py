"""Reads for the PCCC pages, each in a fixed number of queries and scoped to the user."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit

from .choices import Aggregation
from .evaluation import meets, percent
from .models import Assessment, CriteriaSet, Criterion, CriterionPhase
from .periods import Period

MONTH_REGEX = r"^[0-9]{4}-[0-9]{2}$"


def criteria_sets_active() -> QuerySet[CriteriaSet]:
    """Sets (mô hình) offered on the pages, with criteria, phases and facility categories (four queries)."""
    phases = CriterionPhase.objects.prefetch_related("facility_categories").order_by("number")
    criteria = (
        Criterion.objects.filter(is_active=True).order_by("order", "code").prefetch_related(Prefetch("phases", phases))
    )
    return (
        CriteriaSet.objects.filter(is_active=True)
        .order_by("name")
        .prefetch_related(Prefetch("criteria", criteria, to_attr="active_criteria"))
    )


def criteria_set_or_404(code: str) -> CriteriaSet:
    return get_object_or_404(CriteriaSet, code=code, is_active=True)


def criteria_of(criteria_set: CriteriaSet) -> list[Criterion]:
    """Active criteria of a set, in display order (one query)."""
    return list(criteria_set.criteria.filter(is_active=True).order_by("order", "code"))


def grid_levels(criteria: list[Criterion]) -> list[int]:
    return sorted({c.level for c in criteria})


@dataclass
class GridData:
    """Rows (units), columns (criteria) and the stored current values of a grid."""

    criteria: list[Criterion]
    units: list[AdministrativeUnit]
    values: dict = field(default_factory=dict)  # (criterion_id, unit_id) -> Assessment


def assessment_grid(*, criteria: list[Criterion], root: AdministrativeUnit, period: Period, level: int) -> GridData:
    """The entry grid under ``root`` (already scope-checked) at one level: two queries."""
    criteria = [c for c in criteria if c.level == level]
    units = list(
        AdministrativeUnit.objects.current()
        .descendants_of(root, include_self=True)
        .filter(level=level)
        .order_by("name")
    )
    rows = Assessment.objects.current().filter(
        period=period.key, criterion__in=criteria, unit__path__startswith=root.path, unit__level=level
    )
    return GridData(criteria=criteria, units=units, values={(a.criterion_id, a.unit_id): a for a in rows})


def unit_names_under(root: AdministrativeUnit, unit_ids) -> dict[int, str]:
    """Names of the current units with these ids under ``root`` (already scope-checked), one query.

    Ids outside the subtree are left out, so that a message never names a unit the user
    may not see.
    """
    units = AdministrativeUnit.objects.current().descendants_of(root, include_self=True).filter(pk__in=unit_ids)
    return dict(units.values_list("pk", "name"))


@dataclass
class CriterionSummary:
    """A criterion rolled up over the units assessed below a unit."""

    criterion: Criterion
    units_total: int
    units_reported: int = 0
    units_passing: int = 0
    value_sum: int = 0
    denominator_sum: int = 0

    @property
    def ratio(self) -> Decimal | None:
        return percent(self.value_sum, self.denominator_sum)

    @property
    def share_passing(self) -> Decimal | None:
        return percent(self.units_passing, self.units_total)

    @property
    def headline(self) -> Decimal | int | None:
        """The figure a parent shows, by the criterion's aggregation."""
        if self.criterion.aggregation == Aggregation.RATIO:
            return self.ratio
        if self.criterion.aggregation == Aggregation.SUM:
            return self.value_sum if self.units_reported else None
        return self.share_passing

    @property
    def met(self) -> bool | None:
        """Ratios are judged on the rolled-up ratio; the rest when every unit passes."""
        if not self.units_reported:
            return None
        if self.criterion.aggregation == Aggregation.RATIO:
            return meets(self.criterion, value=self.value_sum, denominator=self.denominator_sum, answer=None)
        return self.units_passing == self.units_total


@dataclass
class UnitRow:
    """One unit below, with its result per criterion (None = not reported)."""

    unit: AdministrativeUnit
    results: list[bool | None]
    passes: bool | None


@dataclass
class LevelSummary:
    """ "x/y đơn vị đạt" for one level below a unit."""

    level: int
    label: str
    units_total: int
    units_passing: int
    criteria: list[CriterionSummary]
    units: list["UnitRow"]

    @property
    def share_passing(self) -> Decimal | None:
        return percent(self.units_passing, self.units_total)


@dataclass
class UnitResults:
    """What the PCCC unit page shows for one unit and period."""

    unit: AdministrativeUnit
    period: Period
    own: list[tuple[Criterion, Assessment | None, bool | None]]
    own_passes: bool | None
    levels: list[LevelSummary]


def unit_results(*, criteria_set: CriteriaSet, unit: AdministrativeUnit, period: Period) -> UnitResults:
    """Pass/fail of ``unit`` (already scope-checked) and its subtree, in three queries.

    A unit "đạt" when it meets every criterion that counts toward the model at its level;
    a unit with a missing value does not pass.
    """
    criteria = criteria_of(criteria_set)
    by_id = {c.pk: c for c in criteria}
    levels_below = [level for level in grid_levels(criteria) if level > unit.level]
    units_below = defaultdict(list)
    for child in (
        AdministrativeUnit.objects.current().descendants_of(unit).filter(level__in=levels_below).order_by("name")
    ):
        units_below[child.level].append(child)
    rows = list(
        Assessment.objects.current()
        .filter(period=period.key, criterion__in=criteria, unit__path__startswith=unit.path)
        .select_related("unit")
    )
    results = defaultdict(dict)  # unit_id -> criterion_id -> bool | None
    for row in rows:
        results[row.unit_id][row.criterion_id] = meets(
            by_id[row.criterion_id], value=row.value, denominator=row.denominator, answer=row.answer
        )

    own_rows = {row.criterion_id: row for row in rows if row.unit_id == unit.pk}
    own = [(c, own_rows.get(c.pk), results[unit.pk].get(c.pk)) for c in criteria if c.level == unit.level]
    own_passes = _passes_all([c for c, _row, _ok in own], results[unit.pk]) if own else None
    levels = [_level_summary(level, units_below[level], criteria, rows, results) for level in levels_below]
    return UnitResults(unit=unit, period=period, own=own, own_passes=own_passes, levels=levels)


def _passes_all(criteria: list[Criterion], unit_results_: dict) -> bool:
    return all(unit_results_.get(c.pk) is True for c in criteria if c.counts_toward_pass)


def _level_summary(level, units, criteria, rows, results) -> LevelSummary:
    level_criteria = [c for c in criteria if c.level == level]
    summaries = {c.pk: CriterionSummary(criterion=c, units_total=len(units)) for c in level_criteria}
    level_units = set()
    for row in rows:
        summary = summaries.get(row.criterion_id)
        if summary is None or row.unit.level != level or not row.has_data:
            continue
        level_units.add(row.unit_id)
        summary.units_reported += 1
        summary.units_passing += results[row.unit_id][row.criterion_id] is True
        summary.value_sum += row.value or 0
        summary.denominator_sum += row.denominator or 0
    passing = Counter(_passes_all(level_criteria, results[unit_id]) for unit_id in level_units)
    return LevelSummary(
        level=level,
        label=UnitLevel(level).label,
        units_total=len(units),
        units_passing=passing[True] if any(c.counts_toward_pass for c in level_criteria) else 0,
        criteria=list(summaries.values()),
        units=[
            UnitRow(
                unit=u,
                results=[results[u.pk].get(c.pk) for c in level_criteria],
                passes=_passes_all(level_criteria, results[u.pk]) if u.pk in level_units else None,
            )
            for u in units
        ],
    )


def latest_period_with_data(*, criteria_set: CriteriaSet, unit: AdministrativeUnit) -> Period | None:
    """The latest month with any current value under ``unit`` (one query)."""
    key = (
        Assessment.objects.current()
        .filter(criterion__criteria_set=criteria_set, unit__path__startswith=unit.path, period__regex=MONTH_REGEX)
        .aggregate(latest=Max("period"))["latest"]
    )
    return Period.parse(key) if key else None


HISTORY_LIMIT = 50


def assessment_history(*, criteria_set: CriteriaSet, unit: AdministrativeUnit, period: Period) -> list[Assessment]:
    """Every value entered for ``unit`` (already scope-checked) and period, newest first, with
    its author and time: one query, at most HISTORY_LIMIT rows."""
    return list(
        Assessment.objects.filter(criterion__criteria_set=criteria_set, unit=unit, period=period.key)
        .select_related("criterion", "submission__entered_by")
        .order_by("-submission__entered_at", "-pk")[:HISTORY_LIMIT]
    )
