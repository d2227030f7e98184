"""Reads of indicators for pages, scoped by the callers' unit checks, in a fixed number of queries."""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, Subquery, prefetch_related_objects

from pccc.periods import Period
from provinces.models import AdministrativeUnit
from roles.choices import Role, has_role
from roles.policy import can_coordinate, can_report
from tasks.selectors import programmes_visible_to

from .figures import (  # noqa: F401 (re-exported: the pages and exports import them from here)
    IndicatorFigure,
    ProgrammeFigures,
    indicators_of,
    period_end,
    phase_in_force,
    previous_period,
    programme_scope_filter,
    target_rows,
    value_rows,
)
from .models import Indicator, IndicatorSnapshot, IndicatorValue, Target
from .rollup import NATIONAL_PATH, NOTHING, Amount, Judgement


def unit_in_programme_scope(programme, unit: AdministrativeUnit) -> bool:
    return unit.valid_to is None and (programme.unit_id is None or unit.is_within(programme.unit))


def latest_reported_period(programme, unit: AdministrativeUnit | None) -> Period | None:
    """The newest period with a value in the unit's subtree, or None."""
    values = IndicatorValue.objects.filter(indicator__programme=programme)
    if unit is not None:
        values = values.filter(unit.subtree_filter("unit"))
    key = values.aggregate(latest=Max("period"))["latest"]
    return Period.parse(key) if key else None


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


def board_unit_rows(programme, unit: AdministrativeUnit | None, indicators: list[Indicator]) -> list[dict]:
    """The units targets are assigned to, and the root's children (a province's are communes, level 3)."""
    deepest = max(indicator.level for indicator in indicators)
    wanted = Q(level__lte=deepest) | (Q(parent=unit) if unit is not None else Q(parent__isnull=True))
    units = AdministrativeUnit.objects.filter(wanted, programme_scope_filter(programme))
    if unit is not None:
        units = units.filter(unit.subtree_filter())
    return list(units.order_by("name").values("id", "code", "name", "path", "level", "parent_id"))


def indicator_board(
    *, programme, unit: AdministrativeUnit | None, period: Period | None = None, indicators: list | None = None
) -> IndicatorBoard:
    """Every indicator of ``programme`` for ``unit`` (None: national) and its children, rolled up.

    The caller has checked that the viewer may see the unit and programme. Seven queries
    whatever the number of units: indicators (with their phases and pilot units), latest period,
    values, targets, units (four when the caller passes ``indicators`` with their phases and pilots).
    """
    if indicators is None:
        indicators = indicators_of(programme, with_phases_and_pilots=True)
    if not indicators:
        return IndicatorBoard(programme, unit, None, None, [])
    period = period or latest_reported_period(programme, unit)
    if period is None:
        return IndicatorBoard(programme, unit, None, None, indicators)
    previous = previous_period(period)
    keys = [period.key, previous.key]
    unit_rows = board_unit_rows(programme, unit, indicators)
    computed = ProgrammeFigures(
        indicators=indicators,
        values=value_rows(programme, unit, keys),
        targets=target_rows(programme, unit, keys),
        unit_rows=unit_rows,
    )
    children = [u for u in unit_rows if (u["parent_id"] == unit.pk if unit is not None else u["level"] == 1)]
    root_path = unit.path if unit is not None else NATIONAL_PATH
    root_level = unit.level if unit is not None else 0
    child_paths = [c["path"] for c in children]
    board = IndicatorBoard(programme, unit, period, previous, indicators)
    board.figures = [
        computed.with_breakdown(computed.figure(i, period, root_path, root_level), period, root_path, child_paths)
        for i in indicators
    ]
    board.rows = [
        UnitRow(child, [computed.figure(i, period, child["path"], child["level"]) for i in indicators])
        for child in children
    ]
    return board


def dashboard_indicator_board(*, programme, unit: AdministrativeUnit | None) -> IndicatorBoard:
    """The unit's indicators at its latest period, as the nightly recompute wrote them (three queries:
    the indicators with their phases, the unit's rows of its latest period).

    Before the programme's first run there is no snapshot at all: the board is computed live
    (``indicator_board_shared``), so a new programme's card is never empty for a day.
    """
    indicators = list(
        Indicator.objects.filter(programme=programme).order_by("order", "code").prefetch_related("phases")
    )
    if not indicators:
        return IndicatorBoard(programme, unit, None, None, [])
    rows = IndicatorSnapshot.objects.filter(programme=programme, scope_path=unit.path if unit else NATIONAL_PATH)
    latest = rows.filter(reported=True).order_by("-period").values("period")[:1]
    found = {row.indicator_id: row for row in rows.filter(period=Subquery(latest))}
    if not found:
        if not IndicatorSnapshot.objects.filter(programme=programme).exists():
            # The live board also needs the pilot units (the snapshot rows already applied them).
            pilots = AdministrativeUnit.objects.only("id", "path", "code", "name")
            prefetch_related_objects(indicators, Prefetch("pilot_units", queryset=pilots))
            return indicator_board_shared(programme=programme, unit=unit, indicators=indicators)
        return IndicatorBoard(programme, unit, None, None, indicators)
    period = Period.parse(next(iter(found.values())).period)
    board = IndicatorBoard(programme, unit, period, previous_period(period), indicators)
    board.figures = [figure_from_snapshot(indicator, found.get(indicator.pk)) for indicator in indicators]
    return board


def figure_from_snapshot(indicator: Indicator, row: IndicatorSnapshot | None) -> IndicatorFigure:
    """The figure a snapshot row holds (an indicator added since the run: nothing reported, no target)."""
    if row is None:
        return IndicatorFigure(indicator, NOTHING, None, Judgement(None, None), None)
    phases = {phase.pk: phase for phase in indicator.phases.all()}
    return IndicatorFigure(
        indicator=indicator,
        amount=Amount(row.numerator, row.denominator, row.paired_value, row.reported),
        target=row.target,
        judgement=Judgement(row.met, row.gap),
        change=row.change,
        phase=phases.get(row.phase_id),
        phase_not_started=phases.get(row.phase_not_started_id),
        outside_pilot=row.outside_pilot,
    )


@dataclass
class CategoryBreakdown:
    """A unit's value for one indicator and period split by the facility categories of the phase in force."""

    indicator: Indicator
    period: Period
    phase: object  # None: no phase in force, nothing to split
    value: IndicatorValue | None
    rows: list[tuple]  # (category, its IndicatorCategoryValue or None), in name order

    @property
    def classified(self) -> int:
        return sum(row.numerator for _category, row in self.rows if row is not None)

    @property
    def unclassified(self) -> int | None:
        """The part of the unit's value no category accounts for (negative: the categories exceed it)."""
        return None if self.value is None else self.value.numerator - self.classified


def category_breakdown(*, indicator: Indicator, unit: AdministrativeUnit, period: Period) -> CategoryBreakdown:
    """The unit's figures by facility category (four queries: phases, categories, value, its rows)."""
    phase, _not_started = phase_in_force(indicator, period)
    categories = list(phase.facility_categories.order_by("name")) if phase is not None else []
    value = (
        IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=period.key)
        .prefetch_related("by_category")
        .first()
    )
    stored = {row.category_id: row for row in value.by_category.all()} if value is not None else {}
    return CategoryBreakdown(indicator, period, phase, value, [(c, stored.get(c.pk)) for c in categories])


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


@dataclass(frozen=True)
class RankingGrade:
    """A child unit's grade on the dashboard's ranking, from the nightly snapshots."""

    score: Decimal
    grade: str
    indicators_met: int
    indicators_judged: int
    formula: str  # the rule's published formula, shown under the ranking


def ranking_grades(*, programme, unit: AdministrativeUnit | None, rule, completion: dict) -> dict[int, RankingGrade]:
    """The grade of each child unit (``completion``: {unit id: weighted task completion or None}), one query.

    The same score as ``graded_rows``: task completion from the completion snapshots the ranking
    shows, indicators met over indicators judged at the parent's latest period, from the
    indicator snapshots. A child without judged indicators counts 0 for that part.
    """
    scope = IndicatorSnapshot.objects.filter(programme=programme, scope_path=unit.path if unit else NATIONAL_PATH)
    latest = scope.filter(reported=True).order_by("-period").values("period")[:1]
    counts = {
        row["unit_id"]: row
        for row in IndicatorSnapshot.objects.filter(
            programme=programme, unit_id__in=list(completion), period=Subquery(latest)
        )
        .values("unit_id")
        .annotate(judged=Count("pk", filter=Q(met__isnull=False)), met=Count("pk", filter=Q(met=True)))
    }
    grades = {}
    for unit_id, tasks in completion.items():
        judged = counts.get(unit_id, {}).get("judged", 0)
        met = counts.get(unit_id, {}).get("met", 0)
        share = Decimal(met * 100) / judged if judged else None
        score = rule.score(task_completion=tasks, indicators_met_share=share)
        grades[unit_id] = RankingGrade(score, rule.grade(score), met, judged, rule.formula_text())
    return grades


# Boards are shared between viewers for a while, and dropped by any write (see indicators_changed).
BOARD_CACHE_SECONDS = 600
GENERATION_KEY = "indicators:generation"


def indicators_changed() -> None:
    """Called after every write of values, targets or indicator settings: boards computed before are not reused."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def indicator_board_shared(
    *, programme, unit: AdministrativeUnit | None, period: Period | None = None, indicators: list | None = None
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
        board = indicator_board(programme=programme, unit=unit, period=period, indicators=indicators)
        cache.set(key, board, BOARD_CACHE_SECONDS)
    return board
