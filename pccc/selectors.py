"""Reads for the PCCC pages, each in a fixed number of queries and scoped to the user."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Max, Prefetch, Q, QuerySet, Value, Window
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from provinces.choices import UnitLevel
from provinces.models import PATH_SEPARATOR, AdministrativeUnit

from .choices import Aggregation, PeriodKind
from .evaluation import UnitState, UnitVerdict, assessed_at, meets, percent, unit_passes, unit_verdict, verdict
from .models import Assessment, CriteriaSet, Criterion, CriterionPhase
from .periods import KINDS_FINEST_FIRST, Period, key_of_kind, period_span_label


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


def criteria_set_active(code: str) -> CriteriaSet | None:
    """The active criteria set with this code, or None (the views say 404)."""
    return CriteriaSet.objects.filter(code=code, is_active=True).first()


def criteria_of(criteria_set: CriteriaSet) -> list[Criterion]:
    """Active criteria of a set, in display order (one query)."""
    return list(criteria_set.criteria.filter(is_active=True).order_by("order", "code"))


def grid_levels(criteria: list[Criterion], period: Period | None = None) -> list[int]:
    """The levels (UnitLevel) the criteria are assessed at, top down (those entered for ``period``'s
    kind, when given)."""
    return sorted({c.level for c in criteria if period is None or c.takes_period(period)})


def default_entry_period(criteria: list[Criterion], today: date) -> Period:
    """The period the entry grid opens on: this month, or, when the set has no monthly criterion,
    the current period of its finest kind (this quarter, this year...)."""
    kinds = period_kinds(criteria)
    kind = next((k for k in KINDS_FINEST_FIRST if k in kinds), PeriodKind.MONTH)
    return Period.containing(today, kind)


def period_kinds(criteria: list[Criterion]) -> set[str]:
    """The kinds of period the criteria are entered by: what the period picker offers."""
    return {c.period_kind for c in criteria}


def grid_levels_under(criteria: list[Criterion], unit: AdministrativeUnit, period: Period | None = None) -> list[int]:
    """The levels a grid of ``unit`` offers: those of the criteria at the unit's own level or below
    (entered for ``period``'s kind, when given)."""
    return [level for level in grid_levels(criteria, period) if level >= unit.level]


def grid_level_offered(levels: list[int], requested: int | None) -> int:
    """The grid's level: ``requested`` when offered, else the lowest level (communes); 0 when none."""
    return requested if requested in levels else max(levels, default=0)


def criteria_set_chosen(criteria_sets: list[CriteriaSet], code: str) -> CriteriaSet | None:
    """THE choice of criteria set on a page: the one with ``code`` among those offered, else the first
    offered (None when none is)."""
    return next((s for s in criteria_sets if s.code == code), criteria_sets[0] if criteria_sets else None)


# Units per page of the entry grid: a province's 126 communes at once were ~1 MB of HTML (over
# 2 s on 4G); a page of 50 stays under 2 s. Paged in the URL (?trang=2), so a link can be shared.
GRID_PAGE_SIZE = 50


@dataclass
class GridData:
    """Rows (units), columns (criteria) and the stored current values of a grid (of one page of
    units when paged: ``page`` of ``page_count``, out of ``units_total`` units)."""

    criteria: list[Criterion]
    units: list[AdministrativeUnit]
    values: dict = field(default_factory=dict)  # (criterion_id, unit_id) -> Assessment
    page: int = 1
    page_count: int = 1
    units_total: int = 0
    page_size: int = GRID_PAGE_SIZE

    @property
    def first_number(self) -> int:
        """The rank of the page's first unit in the whole list (1-based), for "đơn vị 51–100 / 126"."""
        return (self.page - 1) * self.page_size + 1 if self.units else 0

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.units) - 1 if self.units else 0

    @property
    def pages(self) -> range:
        return range(1, self.page_count + 1)


def _tree_of(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The structure ``unit`` belongs to: a legacy unit (old Nam Định) is read over the legacy tree,
    provinces → districts → communes; a current unit over the current one."""
    return AdministrativeUnit.objects.legacy() if unit.is_legacy else AdministrativeUnit.objects.current()


def assessment_grid(
    *,
    criteria: list[Criterion],
    root: AdministrativeUnit,
    period: Period,
    level: int,
    page: int | None = None,
    page_size: int = GRID_PAGE_SIZE,
) -> GridData:
    """The entry grid under ``root`` (already scope-checked) at one level: two queries (three when paged).

    Only the criteria entered for ``period``'s kind are columns: a yearly criterion is in the
    grid of "Năm 2026", not in that of "Tháng 11/2026". ``page`` None: every unit (the Excel
    export); a number: that page of ``page_size`` units by name, clamped to the pages there are.
    """
    criteria = [c for c in criteria if assessed_at(c, level) and c.takes_period(period)]
    units_query = _tree_of(root).descendants_of(root, include_self=True).filter(level=level).order_by("name", "pk")
    rows = Assessment.objects.current().filter(
        period=period.key, criterion__in=criteria, unit__path__startswith=root.path, unit__level=level
    )
    if page is None:
        units = list(units_query)
        return GridData(
            criteria=criteria, units=units, values={(a.criterion_id, a.unit_id): a for a in rows},
            units_total=len(units), page_size=max(len(units), 1),
        )  # fmt: skip
    units_total = units_query.count()
    page_count = max(1, -(-units_total // page_size))
    page = min(max(page, 1), page_count)
    units = list(units_query[(page - 1) * page_size : page * page_size])
    rows = rows.filter(unit__in=[u.pk for u in units])
    return GridData(
        criteria=criteria, units=units, values={(a.criterion_id, a.unit_id): a for a in rows},
        page=page, page_count=page_count, units_total=units_total, page_size=page_size,
    )  # fmt: skip


def unit_names_under(root: AdministrativeUnit, unit_ids) -> dict[int, str]:
    """Names of the current units with these ids under ``root`` (already scope-checked), one query.

    Ids outside the subtree are left out, so that a message never names a unit the user
    may not see.
    """
    units = _tree_of(root).descendants_of(root, include_self=True).filter(pk__in=unit_ids)
    return dict(units.values_list("pk", "name"))


@dataclass
class CriterionSummary:
    """A criterion rolled up over the units of its level below a unit."""

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
        """Ratios are judged on the rolled-up ratio; the rest when every unit passes. A tracking-only
        criterion is never judged."""
        if not self.units_reported or not self.criterion.counts_toward_pass:
            return None
        if self.criterion.aggregation == Aggregation.RATIO:
            return verdict(self.criterion, value=self.value_sum, denominator=self.denominator_sum, answer=None)
        return self.units_passing == self.units_total


@dataclass
class UnitRow:
    """One unit below, with its mark per criterion (None = not reported, or tracking only)."""

    unit: AdministrativeUnit
    results: list[bool | None]
    passes: bool | None
    tracking: list[bool] = field(default_factory=list)  # per criterion: tracking only, never judged
    verdict: UnitVerdict | None = None  # the state shown (None for an old district: its communes decide)

    @property
    def cells(self) -> list[tuple[bool | None, bool]]:
        """(mark, tracking only) per criterion, for the template."""
        return list(zip(self.results, self.tracking or [False] * len(self.results), strict=True))


@dataclass
class LevelSummary:
    """ "x/y đơn vị đạt" for one level below a unit: y is every unit of the level, reported beside it."""

    level: int
    label: str
    units_total: int
    units_reported: int
    units_passing: int
    judged: bool  # the set has a criterion counting toward the pass at this level
    criteria: list[CriterionSummary]
    units: list["UnitRow"]
    units_incomplete: int = 0  # reported, nothing failing, values missing: "chưa đủ số liệu"

    @property
    def share_passing(self) -> Decimal | None:
        return percent(self.units_passing, self.units_total)


@dataclass
class UnitResults:
    """What the PCCC unit page shows for one unit and period (None: each unit's latest month)."""

    unit: AdministrativeUnit
    period: Period | None
    own: list[tuple[Criterion, Assessment | None, bool | None]]
    own_passes: bool | None
    levels: list[LevelSummary]
    own_verdict: UnitVerdict | None = None
    months: tuple[str, str] | None = None  # (earliest, latest) keys of the finest kind the figures come from
    criteria: list[Criterion] = field(default_factory=list)  # the set's active criteria, for the period picker

    @property
    def months_differ(self) -> bool:
        return self.months is not None and self.months[0] != self.months[1]

    @property
    def months_label(self) -> str:
        """ "Tháng 10/2026", or "Tháng 9/2026 – Tháng 10/2026" when the units' latest periods differ."""
        if self.months is None:
            return ""
        return period_span_label(*self.months)


def finest_period_span(keys) -> tuple[str, str] | None:
    """(earliest, latest) of the keys of the finest kind among ``keys``: the months when any criterion
    is monthly, else the quarters, and so on. None when there are none."""
    periods = [Period.parse(key) for key in keys]
    for kind in KINDS_FINEST_FIRST:
        of_kind = sorted(p for p in periods if p.kind == kind)
        if of_kind:
            return of_kind[0].key, of_kind[-1].key
    return None


def unit_results(
    *, criteria_set: CriteriaSet, unit: AdministrativeUnit, period: Period | None, today: date | None = None
) -> UnitResults:
    """Pass/fail of ``unit`` (already scope-checked) and its subtree, in three queries.

    ``period`` None: each unit with its own latest period (of each criterion's kind) up to
    ``today`` (``latest_per_unit``), as the nightly figures on the dashboards count it, so that
    a commune a month late is counted with its last report rather than as not reported.
    ``period`` given: each criterion read by its own kind (``latest_per_unit(within=period)``):
    a monthly criterion on "Tháng 11/2026" reads November; a yearly one reads the latest year
    with data that has begun by then ("Năm 2026" once entered, else "Năm 2025").

    A unit "đạt" by ``pccc.evaluation.unit_passes``: it meets every criterion that counts
    toward the model at its own level; one with a missing value does not pass. Only the
    values of current units count (a merged unit's values show under its successor in the
    nightly figures, not here). A legacy unit is read over the legacy tree (the view "theo địa
    giới trước 01/07/2025"), live from the values: an old province also shows its districts,
    by ``_district_summary``.
    """
    criteria = criteria_of(criteria_set)
    by_id = {c.pk: c for c in criteria}
    levels_below = [level for level in grid_levels(criteria) if level > unit.level]
    # The pre-reform view of an old province also counts its districts ("x/10 huyện đạt").
    with_districts = unit.is_legacy and unit.level < UnitLevel.DISTRICT and UnitLevel.COMMUNE in levels_below
    units_below = defaultdict(list)
    for child in (
        _tree_of(unit)
        .descendants_of(unit)
        .filter(level__in=[*levels_below, *([UnitLevel.DISTRICT] if with_districts else [])])
        .order_by("name")
    ):
        units_below[child.level].append(child)
    current_ids = {u.pk for units in units_below.values() for u in units} | {unit.pk}
    values = Assessment.objects.current().filter(criterion__in=criteria, unit__path__startswith=unit.path)
    if period is None:
        values = latest_per_unit(values, up_to=today or timezone.localdate())
    else:
        values = latest_per_unit(values, up_to=period.end, within=period)
    rows = [row for row in values.select_related("unit") if row.unit_id in current_ids]
    months = finest_period_span(r.period for r in rows) if period is None else None
    results = defaultdict(dict)  # unit_id -> criterion_id -> bool | None (meets)
    for row in rows:
        results[row.unit_id][row.criterion_id] = meets(
            by_id[row.criterion_id], value=row.value, denominator=row.denominator, answer=row.answer
        )

    own_rows = {row.criterion_id: row for row in rows if row.unit_id == unit.pk}
    own = [(c, own_rows.get(c.pk), _mark(c, results[unit.pk])) for c in criteria if assessed_at(c, unit.level)]
    own_verdict = unit_verdict(level=unit.level, criteria=criteria, results=results[unit.pk])
    own_passes = own_verdict.passes
    levels = [_level_summary(level, units_below[level], criteria, rows, results) for level in levels_below]
    if with_districts:
        levels.insert(
            0, _district_summary(units_below[UnitLevel.DISTRICT], units_below[UnitLevel.COMMUNE], criteria, results)
        )
    return UnitResults(
        unit=unit, period=period, own=own, own_passes=own_passes, levels=levels, months=months, criteria=criteria,
        own_verdict=own_verdict,
    )  # fmt: skip


def _mark(criterion: Criterion, unit_results_: dict) -> bool | None:
    """The per-criterion mark: none for a tracking-only criterion (it is never "chưa đạt")."""
    return unit_results_.get(criterion.pk) if criterion.counts_toward_pass else None


def _level_summary(level, units, criteria, rows, results) -> LevelSummary:
    level_criteria = [c for c in criteria if assessed_at(c, level)]
    summaries = {c.pk: CriterionSummary(criterion=c, units_total=len(units)) for c in level_criteria}
    for row in rows:
        summary = summaries.get(row.criterion_id)
        if summary is None or row.unit.level != level or not row.has_data:
            continue
        summary.units_reported += 1
        summary.units_passing += _mark(summary.criterion, results[row.unit_id]) is True
        summary.value_sum += row.value or 0
        summary.denominator_sum += row.denominator or 0
    states = {u.pk: unit_verdict(level=level, criteria=criteria, results=results[u.pk]) for u in units}
    verdicts = {pk: state.passes for pk, state in states.items()}
    return LevelSummary(
        level=level,
        label=UnitLevel(level).label,
        units_total=len(units),
        units_reported=sum(1 for v in verdicts.values() if v is not None),
        units_passing=sum(1 for v in verdicts.values() if v is True),
        judged=any(c.counts_toward_pass for c in level_criteria),
        criteria=list(summaries.values()),
        units_incomplete=sum(1 for state in states.values() if state.state == UnitState.INCOMPLETE),
        units=[
            UnitRow(
                unit=u,
                results=[_mark(c, results[u.pk]) for c in level_criteria],
                passes=verdicts[u.pk],
                tracking=[not c.counts_toward_pass for c in level_criteria],
                verdict=states[u.pk],
            )
            for u in units
        ],
    )


def _district_summary(districts, communes, criteria, results) -> LevelSummary:
    """ "x/y huyện đạt" of an old province: a district passes when every one of its communes passes
    (the criteria are assessed at commune level); reported when any of its communes reported.

    The rule of the pre-reform model ("100% xã đạt" makes the district), computed from the
    commune verdicts of ``unit_passes``, so the two levels never disagree.
    """
    verdicts = defaultdict(list)
    for commune in communes:
        verdicts[commune.parent_id].append(
            unit_passes(level=UnitLevel.COMMUNE, criteria=criteria, results=results[commune.pk])
        )
    rows = [
        UnitRow(unit=district, results=[], passes=legacy_district_passes(verdicts[district.pk]), tracking=[])
        for district in districts
    ]
    return LevelSummary(
        level=UnitLevel.DISTRICT,
        label=UnitLevel.DISTRICT.label,
        units_total=len(districts),
        units_reported=sum(1 for r in rows if r.passes is not None),
        units_passing=sum(1 for r in rows if r.passes is True),
        judged=True,
        criteria=[],
        units=rows,
    )


def legacy_district_passes(commune_verdicts: list[bool | None]) -> bool | None:
    """A district of the old structure passes when every one of its communes passes; None when none reported."""
    if not any(v is not None for v in commune_verdicts):
        return None
    return all(v is True for v in commune_verdicts)


def legacy_pass_counts(*, criteria_set: CriteriaSet, roots: list[AdministrativeUnit], up_to: date) -> dict[str, dict]:
    """PCCC pass counts of old provinces and their districts, by path, each commune on its latest month
    up to ``up_to``: three queries (criteria, the old subtrees' communes, the values) for any number of roots.

    Per province and district: ``communes_passing``, ``communes_reported``, ``communes_total``; per
    province also ``districts_passing``, ``districts_reported``, ``districts_total``; per district
    ``passes`` (``legacy_district_passes``).
    """
    criteria = criteria_of(criteria_set)
    by_id = {c.pk: c for c in criteria}
    subtrees, values_in_subtrees = Q(), Q()
    for root in roots:
        subtrees |= root.subtree_filter()
        values_in_subtrees |= root.subtree_filter("unit")
    units = list(
        AdministrativeUnit.objects.legacy()
        .filter(subtrees, level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE])
        .only("pk", "path", "level", "parent_id", "code")
    )
    values = latest_per_unit(
        Assessment.objects.current().filter(values_in_subtrees, criterion__in=criteria), up_to=up_to
    ).values_list("unit_id", "criterion_id", "value", "denominator", "answer")
    results = defaultdict(dict)
    for unit_id, criterion_id, value, denominator, answer in values:
        results[unit_id][criterion_id] = meets(by_id[criterion_id], value=value, denominator=denominator, answer=answer)
    counts = defaultdict(lambda: defaultdict(int))
    district_verdicts = defaultdict(list)
    district_paths = {u.pk: u.path for u in units if u.level == UnitLevel.DISTRICT}
    for unit in units:
        if unit.level != UnitLevel.COMMUNE:
            continue
        verdict_ = unit_passes(level=UnitLevel.COMMUNE, criteria=criteria, results=results[unit.pk])
        district_verdicts[unit.parent_id].append(verdict_)
        for path in (p for p in roots_and_district(unit, district_paths, roots)):
            counts[path]["communes_total"] += 1
            counts[path]["communes_reported"] += verdict_ is not None
            counts[path]["communes_passing"] += verdict_ is True
    for district_id, path in district_paths.items():
        passes = legacy_district_passes(district_verdicts[district_id])
        counts[path]["passes"] = passes
        province = next(root.path for root in roots if path.startswith(root.path))
        counts[province]["districts_total"] += 1
        counts[province]["districts_reported"] += passes is not None
        counts[province]["districts_passing"] += passes is True
    return {path: dict(numbers) for path, numbers in counts.items()}


def roots_and_district(commune: AdministrativeUnit, district_paths: dict[int, str], roots) -> list[str]:
    """The old province and district paths a commune counts in."""
    paths = [root.path for root in roots if commune.path.startswith(root.path)]
    if commune.parent_id in district_paths:
        paths.append(district_paths[commune.parent_id])
    return paths


HAS_DATA = Q(value__isnull=False) | Q(answer__isnull=False)  # a cleared value is no data


def latest_per_unit(
    assessments: QuerySet[Assessment], *, up_to: date, within: Period | None = None
) -> QuerySet[Assessment]:
    """``assessments`` (current values) narrowed to each unit's latest period with data up to ``up_to``,
    per criteria set and kind of period: in the same statement, by a window. The one definition
    of "each unit's latest period", used by the PCCC pages and the nightly recompute alike.

    Each criterion is read by its own kind only (a value stored under another kind is never
    read): the monthly ones from the unit's latest month that has begun by ``up_to``, the yearly
    ones from its latest year, and so on. Keys are compared within one kind only, where they
    sort as the periods do. ``within`` (a chosen period) also keeps the criteria of the same or a
    finer kind inside it: on "Năm 2025" a monthly criterion reads the unit's latest month of 2025.
    """
    by_kind = Q()
    for kind in KINDS_FINEST_FIRST:
        of_kind = Q(criterion__period_kind=kind, period__lte=Period.containing(up_to, kind).key) & key_of_kind(kind)
        if within is not None and within.is_finer_than_or_as(kind):
            of_kind &= Q(period__gte=Period.containing(within.start, kind).key)
        by_kind |= of_kind
    latest = Window(
        Max("period"), partition_by=[F("criterion__criteria_set_id"), F("unit_id"), F("criterion__period_kind")]
    )
    return (
        assessments.filter(HAS_DATA)
        .filter(by_kind)
        .annotate(latest_period=latest)
        .filter(period=F("latest_period"))
        .order_by()  # the model's default order would join the sets and units only to sort
    )


HISTORY_LIMIT = 50


def assessment_history(*, criteria_set: CriteriaSet, unit: AdministrativeUnit, period: Period) -> list[Assessment]:
    """Every value entered for ``unit`` (already scope-checked) and period, newest first, with
    its author and time: one query, at most HISTORY_LIMIT rows."""
    return list(
        Assessment.objects.filter(criterion__criteria_set=criteria_set, unit=unit, period=period.key)
        .select_related("criterion", "submission__entered_by")
        .order_by("-submission__entered_at", "-pk")[:HISTORY_LIMIT]
    )


def units_without_values(*, root: AdministrativeUnit | None, period) -> list[AdministrativeUnit]:
    """The current units directly under ``root`` (provinces when None) with no value entered for ``period``.

    A unit counts as having entered when any current assessment with data exists in its subtree for
    the period, so a province whose communes entered is not listed at national level. One query.

    Each entered value's unit path is cut to the child level under ``root`` ("/01/00004/…" →
    "/01/00004/") and the children are those whose path is not among the cuts. Matched the other way
    round (each child's path as a LIKE pattern over every entered value), PostgreSQL could not use
    the path index and compared every pair: 43 ms for a province of 65 communes, against a few ms.
    """
    root_path = root.path if root is not None else PATH_SEPARATOR
    if root is not None and not root.has_valid_path():
        return []
    below_root = Substr("unit__path", len(root_path) + 1)
    entered_children = (
        Assessment.objects.current()
        .filter(period=period.key, unit__path__startswith=root_path)
        .filter(Q(value__isnull=False) | Q(answer__isnull=False))
        .annotate(child_path=Substr("unit__path", 1, len(root_path) + StrIndex(below_root, Value(PATH_SEPARATOR))))
        .values("child_path")
    )
    units = AdministrativeUnit.objects.current().filter(parent=root)
    return list(units.exclude(path__in=entered_children).order_by("name"))
