"""Reads of indicators for pages, scoped by the callers' unit checks, in a fixed number of queries."""

import calendar
import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q

from pccc.choices import PeriodKind
from pccc.periods import Period
from provinces.models import AdministrativeUnit
from roles.choices import Role, has_role
from roles.policy import can_coordinate, can_report
from tasks.selectors import programmes_visible_to

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


def unit_in_programme_scope(programme, unit: AdministrativeUnit) -> bool:
    return unit.valid_to is None and (programme.unit_id is None or unit.is_within(programme.unit))


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


def latest_reported_period(programme, unit: AdministrativeUnit | None) -> Period | None:
    """The newest period with a value in the unit's subtree, or None."""
    values = IndicatorValue.objects.filter(indicator__programme=programme)
    if unit is not None:
        values = values.filter(unit.subtree_filter("unit"))
    key = values.aggregate(latest=Max("period"))["latest"]
    return Period.parse(key) if key else None


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


@dataclass
class UnitRow:
    unit: dict
    figures: list[IndicatorFigure]


@dataclass
class IndicatorBoard:
    programme: object
    unit: AdministrativeUnit | None
    period: Period | None
    previous: Period | None
    indicators: list[Indicator]
    figures: list[IndicatorFigure] = field(default_factory=list)
    rows: list[UnitRow] = field(default_factory=list)


def indicator_board(*, programme, unit: AdministrativeUnit | None, period: Period | None = None) -> IndicatorBoard:
    """Every indicator of ``programme`` for ``unit`` (None: national) and its children, rolled up.

    The caller has checked that the viewer may see the unit and programme. Seven queries
    whatever the number of units: indicators (with their phases and pilot units), latest period,
    values, targets, units.
    """
    indicators = indicators_of(programme, with_phases_and_pilots=True)
    if not indicators:
        return IndicatorBoard(programme, unit, None, None, [])
    period = period or latest_reported_period(programme, unit)
    if period is None:
        return IndicatorBoard(programme, unit, None, None, indicators)
    previous = previous_period(period)
    root_path = unit.path if unit is not None else NATIONAL_PATH
    root_level = unit.level if unit is not None else 0

    values = IndicatorValue.objects.filter(indicator__programme=programme, period__in=[period.key, previous.key])
    if unit is not None:
        values = values.filter(unit.subtree_filter("unit"))
    rows: dict[tuple, dict[str, ValueRow]] = {}
    for indicator_id, path, key, numerator, denominator, paired in values.values_list(
        "indicator_id", "unit__path", "period", "numerator", "denominator", "paired_value"
    ):
        rows.setdefault((indicator_id, key), {})[path] = ValueRow(path, numerator, denominator, paired)

    target_scope = Q(unit__isnull=True)
    if unit is not None:
        target_scope |= Q(unit__path__in=unit.ancestor_paths(include_self=True)) | unit.subtree_filter("unit")
    else:
        target_scope |= Q(unit__valid_to__isnull=True)
    targets: dict[int, dict] = {}
    for indicator_id, path, key, value in (
        Target.objects.filter(target_scope, indicator__programme=programme, period__in=[period.key, EVERY_PERIOD])
        .values_list("indicator_id", "unit__path", "period", "value")
    ):  # fmt: skip
        targets.setdefault(indicator_id, {})[(path, key)] = value

    deepest = max(indicator.level for indicator in indicators)
    # The units targets are assigned to, and the root's children (a province's are communes, level 3).
    wanted = Q(level__lte=deepest) | (Q(parent=unit) if unit is not None else Q(parent__isnull=True))
    units = AdministrativeUnit.objects.filter(wanted, programme_scope_filter(programme))
    if unit is not None:
        units = units.filter(unit.subtree_filter())
    unit_rows = list(units.order_by("name").values("id", "code", "name", "path", "level", "parent_id"))
    children = [u for u in unit_rows if (u["parent_id"] == unit.pk if unit is not None else u["level"] == 1)]

    pilots = {i.pk: [u.path for u in i.pilot_units.all()] for i in indicators}

    def in_pilot(indicator: Indicator, path: str) -> bool:
        """No pilot list, or ``path`` is a pilot unit, above one or below one."""
        paths = pilots[indicator.pk]
        return not paths or any(path.startswith(p) or p.startswith(path) for p in paths)

    def under_pilot(indicator: Indicator, path: str) -> bool:
        paths = pilots[indicator.pk]
        return not paths or any(path.startswith(p) for p in paths)

    def pilot_rows(indicator: Indicator, key: str) -> dict[str, ValueRow]:
        # With a pilot list, every sum and denominator counts only the pilot units.
        found = rows.get((indicator.pk, key), {})
        return found if not pilots[indicator.pk] else {p: r for p, r in found.items() if under_pilot(indicator, p)}

    prepared: dict[int, tuple] = {}

    def prepare(indicator: Indicator) -> tuple:
        """Once per indicator: the rolled figures of every unit, the target units under each unit, the phase."""
        if indicator.pk not in prepared:
            now = pilot_rows(indicator, period.key)
            level_paths: dict[str, list[str]] = {}  # a unit (or "/") → the target units of its subtree
            for u in unit_rows:
                if u["level"] == indicator.level and under_pilot(indicator, u["path"]):
                    for where in (u["path"], *strict_ancestor_paths(u["path"]), NATIONAL_PATH):
                        level_paths.setdefault(where, []).append(u["path"])
            phase, not_started = phase_in_force(indicator, period)
            indicator_targets = dict(targets.get(indicator.pk, {}))
            if phase is not None:
                indicator_targets[(None, EVERY_PERIOD)] = phase.target  # the phase's own target is the default
            before = rolled_totals(pilot_rows(indicator, previous.key))
            prepared[indicator.pk] = (
                now,
                rolled_totals(now),
                before,
                level_paths,
                phase,
                not_started,
                indicator_targets,
            )
        return prepared[indicator.pk]

    def figure_for(indicator: Indicator, path: str, level: int, *, with_breakdown: bool) -> IndicatorFigure:
        now, totals, before, level_paths, phase, not_started, indicator_targets = prepare(indicator)
        amount = totals.get(path, NOTHING)
        outside = not in_pilot(indicator, path)
        target = None
        if not_started is None and not outside:
            target = rolled_target(
                is_ratio=indicator.is_ratio,
                indicator_level=indicator.level,
                root_path=None if path == NATIONAL_PATH else path,
                root_level=level,
                level_unit_paths=level_paths.get(path, []),
                targets=indicator_targets,
                totals=totals,
                period=period.key,
            )
        figure = IndicatorFigure(
            indicator=indicator,
            amount=amount,
            target=target,
            judgement=judge(
                is_ratio=indicator.is_ratio, higher_is_better=indicator.higher_is_better, amount=amount, target=target
            ),
            change=trend(is_ratio=indicator.is_ratio, now=amount, before=before.get(path, NOTHING)),
            phase=phase,
            phase_not_started=not_started,
            outside_pilot=outside,
        )
        if with_breakdown and path in now:
            row = now[path]
            figure.own = Amount(row.numerator, row.denominator or 0, row.paired, True)
            figure.breakdown = children_sum(totals, [c["path"] for c in children])
        return figure

    board = IndicatorBoard(programme, unit, period, previous, indicators)
    board.figures = [figure_for(i, root_path, root_level, with_breakdown=True) for i in indicators]
    board.rows = [
        UnitRow(child, [figure_for(i, child["path"], child["level"], with_breakdown=False) for i in indicators])
        for child in children
    ]
    return board


def can_enter_values(user) -> bool:
    """Officers and coordinators report figures; leaders only read."""
    return can_report(user)


def can_assign_targets(user) -> bool:
    """Coordinators (Thường trực) and admins assign targets."""
    return can_coordinate(user) or has_role(user, Role.ADMIN)


def values_for_entry(*, programme, unit: AdministrativeUnit, period: Period) -> dict[int, IndicatorValue]:
    """The unit's own values for the period, by indicator id (one query)."""
    return {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(indicator__programme=programme, unit=unit, period=period.key)
    }


def targets_for_grid(*, programme, units: list[AdministrativeUnit], period_key: str) -> dict[tuple, Target]:
    """Targets of the grid's rows, keyed (indicator id, unit id or None) (one query)."""
    rows = Target.objects.filter(indicator__programme=programme, period=period_key).filter(
        Q(unit__isnull=True) | Q(unit__in=[u.pk for u in units])
    )
    return {(t.indicator_id, t.unit_id): t for t in rows}


def programmes_with_indicators(user) -> list:
    """The programmes the user may see that carry indicators, each with its number of indicators."""
    return list(
        programmes_visible_to(user)
        .annotate(indicator_count=Count("indicators"))
        .filter(indicator_count__gt=0)
        .order_by("-year", "name")
    )


def target_grid_units(*, programme, unit: AdministrativeUnit | None) -> list[AdministrativeUnit]:
    """The rows of the target grid: the unit and its children (national: the provinces), within the programme."""
    units = AdministrativeUnit.objects.filter(programme_scope_filter(programme))
    if unit is None:
        units = units.filter(parent__isnull=True)
    else:
        units = units.filter(Q(pk=unit.pk) | Q(parent=unit))
    return sorted(units, key=lambda u: (u.pk != getattr(unit, "pk", None), u.name))


@dataclass
class GradedRow:
    row: UnitRow
    task_completion: Decimal | None
    indicators_met: int
    indicators_judged: int
    score: Decimal
    grade: str

    @property
    def indicators_met_share(self) -> Decimal | None:
        if not self.indicators_judged:
            return None
        return Decimal(self.indicators_met * 100) / self.indicators_judged


def graded_rows(board: IndicatorBoard) -> tuple[object, list[GradedRow]]:
    """(the programme's grading rule, the board's child units ranked by its score); (None, []) without a rule.

    Task completion is the latest nightly snapshot's weighted completion (as on the dashboard).
    Three queries: the rule, the latest snapshot date, the children's snapshots.
    """
    from dashboards.models import CompletionSnapshot

    from .models import GradingRule

    rule = GradingRule.objects.filter(programme=board.programme).first()
    if rule is None or not board.rows:
        return rule, []
    snapshots = CompletionSnapshot.objects.filter(programme=board.programme)
    latest = snapshots.aggregate(latest=Max("date"))["latest"]
    completion = dict(
        snapshots.filter(date=latest, unit_id__in=[r.unit["id"] for r in board.rows]).values_list(
            "unit_id", "weighted_completion"
        )
    )
    graded = []
    for row in board.rows:
        judged = [f for f in row.figures if f.judgement.met is not None]
        met = sum(1 for f in judged if f.judgement.met)
        share = Decimal(met * 100) / len(judged) if judged else None
        tasks = completion.get(row.unit["id"])
        score = rule.score(task_completion=tasks, indicators_met_share=share)
        graded.append(GradedRow(row, tasks, met, len(judged), score, rule.grade(score)))
    graded.sort(key=lambda g: (-g.score, g.row.unit["name"]))
    return rule, graded


# Boards are shared between viewers for a while, and dropped by any write (see indicators_changed).
BOARD_CACHE_SECONDS = 600
GENERATION_KEY = "indicators:generation"


def indicators_changed() -> None:
    """Called after every write of values, targets or indicator settings: boards computed before are not reused."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def indicator_board_shared(
    *, programme, unit: AdministrativeUnit | None, period: Period | None = None
) -> IndicatorBoard:
    """``indicator_board``, shared through the cache until the next write (or ten minutes).

    The caller has checked scope, as for ``indicator_board``: the key holds no viewer, since the
    figures of a unit are the same for everyone allowed to see them. With the cache down (it
    ignores errors), this computes every time.
    """
    generation = cache.get(GENERATION_KEY) or "0"
    key = f"indicators:board:{programme.pk}:{unit.pk if unit else 0}:{period.key if period else ''}:{generation}"
    board = cache.get(key)
    if board is None:
        board = indicator_board(programme=programme, unit=unit, period=period)
        cache.set(key, board, BOARD_CACHE_SECONDS)
    return board
