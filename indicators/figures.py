"""The figures of a programme's indicators, computed from rows fetched once (set-based reads).

``ProgrammeFigures`` holds a programme's values, targets, units and pilot lists for one subtree
(or the whole country) and computes ``IndicatorFigure``s for any unit of it and any period. The
live board (``selectors.indicator_board``, one unit and its children) and the nightly snapshots
(``snapshots.indicator_snapshots_rebuild``, every unit and period) both use it, so that what the
dashboard reads from the snapshots is what the live page computes.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from pccc.choices import PeriodKind
from pccc.periods import Period
from provinces.models import AdministrativeUnit

from .models import EVERY_PERIOD, Indicator, IndicatorValue, Target
from .rollup import (
    NATIONAL_PATH,
    NOTHING,
    Amount,
    Judgement,
    ValueRow,
    children_sum,
    judge,
    rolled_target,
    rolled_totals,
    strict_ancestor_paths,
    trend,
)


def previous_period(period: Period) -> Period:
    """The period just before: last month, last quarter, last year."""
    if period.kind == PeriodKind.MONTH:
        return period.previous_month()
    if period.kind == PeriodKind.QUARTER:
        return (
            Period(period.year - 1, PeriodKind.QUARTER, 4)
            if period.number == 1
            else Period(period.year, PeriodKind.QUARTER, period.number - 1)
        )
    return Period(period.year - 1, PeriodKind.YEAR)


def programme_scope_filter(programme, field: str = "") -> Q:
    """Units (through ``field``) a programme covers: its issuing unit's subtree, every current unit if national."""
    prefix = f"{field}__" if field else ""
    current = Q(**{f"{prefix}valid_to__isnull": True})
    return current & programme.unit.subtree_filter(field) if programme.unit_id else current


def indicators_of(programme, *, with_phases_and_pilots: bool = False) -> list[Indicator]:
    indicators = Indicator.objects.filter(programme=programme).order_by("order", "code")
    if with_phases_and_pilots:
        indicators = indicators.prefetch_related(
            "phases", Prefetch("pilot_units", queryset=AdministrativeUnit.objects.only("id", "path", "code", "name"))
        )
    return list(indicators)


def period_end(period: Period) -> datetime.date:
    """The last day of a month, quarter or year."""
    if period.kind == PeriodKind.YEAR:
        return datetime.date(period.year, 12, 31)
    last_month = period.number * 3 if period.kind == PeriodKind.QUARTER else period.number
    return datetime.date(period.year, last_month, calendar.monthrange(period.year, last_month)[1])


def phase_in_force(indicator: Indicator, period: Period):
    """(the phase that applies to ``period``, the first phase when none has started yet).

    (None, None) for an indicator without phases. The phases are prefetched.
    """
    phases = sorted(indicator.phases.all(), key=lambda phase: phase.starts_on)
    if not phases:
        return None, None
    end = period_end(period)
    started = [phase for phase in phases if phase.starts_on <= end]
    return (started[-1], None) if started else (None, phases[0])


@dataclass
class IndicatorFigure:
    """One indicator for one unit and period: value, target, verdict, gap and trend."""

    indicator: Indicator
    amount: Amount
    target: Decimal | None
    judgement: Judgement
    change: Decimal | None
    own: Amount = NOTHING  # the unit's own entry (a province total), when it has one
    breakdown: Amount = NOTHING  # what its children reported between them
    phase: object = None  # the phase in force for the period
    phase_not_started: object = None  # the first phase, when the period ends before it starts
    outside_pilot: bool = False  # the unit is not among the indicator's pilot units

    @property
    def unattributed(self) -> int | None:
        """The part of the unit's own count that no child accounts for (a partial breakdown)."""
        if not self.own.reported or not self.breakdown.reported:
            return None
        return self.own.numerator - self.breakdown.numerator


def value_rows(programme, unit: AdministrativeUnit | None, period_keys: list[str] | None) -> dict[tuple, dict]:
    """{(indicator id, period key): {unit path: ValueRow}} for the subtree (None: every period), one query."""
    values = IndicatorValue.objects.filter(indicator__programme=programme)
    if period_keys is not None:
        values = values.filter(period__in=period_keys)
    if unit is not None:
        values = values.filter(unit.subtree_filter("unit"))
    rows: dict[tuple, dict[str, ValueRow]] = {}
    for indicator_id, path, key, numerator, denominator, paired in values.values_list(
        "indicator_id", "unit__path", "period", "numerator", "denominator", "paired_value"
    ):
        rows.setdefault((indicator_id, key), {})[path] = ValueRow(path, numerator, denominator, paired)
    return rows


def target_rows(programme, unit: AdministrativeUnit | None, period_keys: list[str] | None) -> dict[int, dict]:
    """{indicator id: {(unit path or None, period key): value}} that can apply in the subtree, one query."""
    scope = Q(unit__isnull=True)
    if unit is not None:
        scope |= Q(unit__path__in=unit.ancestor_paths(include_self=True)) | unit.subtree_filter("unit")
    else:
        scope |= Q(unit__valid_to__isnull=True)
    rows = Target.objects.filter(scope, indicator__programme=programme)
    if period_keys is not None:
        rows = rows.filter(period__in=[*period_keys, EVERY_PERIOD])
    targets: dict[int, dict] = {}
    for indicator_id, path, key, value in rows.values_list("indicator_id", "unit__path", "period", "value"):
        targets.setdefault(indicator_id, {})[(path, key)] = value
    return targets


@dataclass
class Prepared:
    """What one indicator needs for one period, computed once for every unit."""

    now: dict  # the period's value rows (pilot units only, with a pilot list)
    totals: dict  # the rolled figures of every unit
    before: dict  # the rolled figures of the previous period
    phase: object
    not_started: object
    targets: dict


class ProgrammeFigures:
    """A programme's rows for a subtree (``unit`` None: the country), and the figures computed from them."""

    def __init__(self, *, indicators: list[Indicator], values: dict, targets: dict, unit_rows: list[dict]):
        self.indicators = indicators
        self.values = values
        self.targets = targets
        self.unit_rows = unit_rows
        self.pilots = {i.pk: [u.path for u in i.pilot_units.all()] for i in indicators}
        self._totals: dict[tuple, dict] = {}
        self._level_paths: dict[int, dict] = {}
        self._prepared: dict[tuple, Prepared] = {}

    def in_pilot(self, indicator: Indicator, path: str) -> bool:
        """No pilot list, or ``path`` is a pilot unit, above one or below one."""
        paths = self.pilots[indicator.pk]
        return not paths or any(path.startswith(p) or p.startswith(path) for p in paths)

    def under_pilot(self, indicator: Indicator, path: str) -> bool:
        paths = self.pilots[indicator.pk]
        return not paths or any(path.startswith(p) for p in paths)

    def pilot_rows(self, indicator: Indicator, key: str) -> dict[str, ValueRow]:
        """The period's rows; with a pilot list, every sum and denominator counts only the pilot units."""
        found = self.values.get((indicator.pk, key), {})
        if not self.pilots[indicator.pk]:
            return found
        return {p: r for p, r in found.items() if self.under_pilot(indicator, p)}

    def totals(self, indicator: Indicator, key: str) -> dict[str, Amount]:
        if (indicator.pk, key) not in self._totals:
            self._totals[(indicator.pk, key)] = rolled_totals(self.pilot_rows(indicator, key))
        return self._totals[(indicator.pk, key)]

    def level_paths(self, indicator: Indicator) -> dict[str, list[str]]:
        """A unit (or "/") → the units of the indicator's level in its subtree (the ones targets are assigned to)."""
        if indicator.pk not in self._level_paths:
            found: dict[str, list[str]] = {}
            for u in self.unit_rows:
                if u["level"] == indicator.level and self.under_pilot(indicator, u["path"]):
                    for where in (u["path"], *strict_ancestor_paths(u["path"]), NATIONAL_PATH):
                        found.setdefault(where, []).append(u["path"])
            self._level_paths[indicator.pk] = found
        return self._level_paths[indicator.pk]

    def prepare(self, indicator: Indicator, period: Period) -> Prepared:
        key = (indicator.pk, period.key)
        if key not in self._prepared:
            phase, not_started = phase_in_force(indicator, period)
            targets = self.targets.get(indicator.pk, {})
            if phase is not None:
                targets = {**targets, (None, EVERY_PERIOD): phase.target}  # the phase's target is the default
            self._prepared[key] = Prepared(
                now=self.pilot_rows(indicator, period.key),
                totals=self.totals(indicator, period.key),
                before=self.totals(indicator, previous_period(period).key),
                phase=phase,
                not_started=not_started,
                targets=targets,
            )
        return self._prepared[key]

    def figure(self, indicator: Indicator, period: Period, path: str, level: int) -> IndicatorFigure:
        """The figure of the unit at ``path`` (``NATIONAL_PATH``, level 0: the country)."""
        prepared = self.prepare(indicator, period)
        amount = prepared.totals.get(path, NOTHING)
        outside = not self.in_pilot(indicator, path)
        target = None
        if prepared.not_started is None and not outside:
            target = rolled_target(
                is_ratio=indicator.is_ratio,
                indicator_level=indicator.level,
                root_path=None if path == NATIONAL_PATH else path,
                root_level=level,
                level_unit_paths=self.level_paths(indicator).get(path, []),
                targets=prepared.targets,
                totals=prepared.totals,
                period=period.key,
            )
        judgement = judge(
            is_ratio=indicator.is_ratio, higher_is_better=indicator.higher_is_better, amount=amount, target=target
        )
        return IndicatorFigure(
            indicator=indicator,
            amount=amount,
            target=target,
            judgement=judgement,
            change=trend(is_ratio=indicator.is_ratio, now=amount, before=prepared.before.get(path, NOTHING)),
            phase=prepared.phase,
            phase_not_started=prepared.not_started,
            outside_pilot=outside,
        )

    def with_breakdown(self, figure: IndicatorFigure, period: Period, path: str, child_paths: list[str]):
        """Add the unit's own entry and what its children reported between them (a partial breakdown)."""
        prepared = self.prepare(figure.indicator, period)
        if path in prepared.now:
            row = prepared.now[path]
            figure.own = Amount(row.numerator, row.denominator or 0, row.paired, True)
            figure.breakdown = children_sum(prepared.totals, child_paths)
        return figure
