"""Reads for the leaders' dashboards: snapshots first, a fixed number of queries per page.

Every function takes a unit the caller has already scope-checked
(``provinces.selectors.unit_visible_to_or_404``) or None for the national view,
which only a national user may open.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import BigIntegerField, BooleanField, Case, Count, F, Min, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.selectors import RankingGrade, ranking_grades
from pccc.evaluation import percent
from pccc.models import CriteriaSet, Criterion
from pccc.selectors import criteria_set_chosen
from provinces.models import AdministrativeUnit
from provinces.selectors import LEGACY_CODE_PREFIX, unit_ids_in_scope, unit_visible_to, units_visible_to
from tasks.choices import DONE_STATUSES, BlockReason, TaskStatus
from tasks.models import Programme, Task
from tasks.selectors import (
    BOTTLENECK_ALL,
    BOTTLENECK_LOCAL,
    bottleneck_q,
    overdue_q,
    programme_visible_to,
    waiting_central_q,
)

from .choices import RunOutcome
from .models import NATIONAL_SCOPE, CompletionSnapshot, PcccSnapshot, RecomputeRun
from .tilemap import tiles

TREND_DAYS = 90
# The page and the report show the first few tasks of each bottleneck group (counts are over all
# of them) and link to the full list; so many groups at most, the largest first.
BOTTLENECK_TASKS_SHOWN = 10
BOTTLENECK_GROUPS_SHOWN = 15


# The code in dashboard URLs that stands for the whole country.
NATIONAL = "toan-quoc"


class NotVisible(Exception):
    """What was asked for is missing or outside the user's scope; the message says so in Vietnamese
    (the views turn it into their 404)."""


def programme_and_unit(
    user, programme_id: int, code: str, *, programmes: list[Programme] | None = None, with_predecessors: bool = False
) -> tuple[Programme, AdministrativeUnit | None]:
    """A programme the user may see and a unit in scope (None for the national view); NotVisible otherwise.

    ``programmes``: the user's visible programmes when the caller has read them already.
    ``with_predecessors``: the unit also carries ``legacy_predecessors``, the old units of its level
    whose records it carries ("gồm số liệu của Tỉnh Hải Dương (cũ)"), read in the same query.
    """
    if programmes is None:
        programme = programme_visible_to(user, programme_id)
    else:
        programme = next((p for p in programmes if p.pk == programme_id), None)
    if programme is None:
        raise NotVisible(_("Không tìm thấy đề án này hoặc bạn không có quyền xem."))
    if code == NATIONAL:
        if not user.is_national:
            raise NotVisible(_("Bạn chỉ xem được số liệu trong phạm vi đơn vị của mình."))
        return programme, None
    unit = (
        _unit_with_predecessors(user, code)
        if with_predecessors and not code.startswith(LEGACY_CODE_PREFIX)
        else unit_visible_to(user, code)
    )
    if unit is None:
        raise NotVisible(_("Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem."))
    return programme, unit


def _unit_with_predecessors(user, code: str) -> AdministrativeUnit | None:
    """``unit_visible_to`` for a current code, with the legacy units of the same level whose default
    successor it is, in one query (the dashboard's query budget has no room for a second)."""
    current = AdministrativeUnit.objects.filter(valid_to__isnull=True, code=code)
    rows = list(
        units_visible_to(user)
        .filter(
            # The current unit and the legacy units of its level whose successor it is, each found by
            # index through a subquery (a join to the successor under an OR scanned every unit: 7.6 ms
            # against 3.9 ms on the national dataset).
            Q(pk__in=current.values("pk"))
            | Q(valid_to__isnull=False, successor__in=current.values("pk"), level=Subquery(current.values("level")[:1]))
        )
        .select_related("parent")
        .order_by("name")
    )
    unit = next((row for row in rows if not row.is_legacy), None)
    if unit is None:
        return None
    unit.legacy_predecessors = [row for row in rows if row.is_legacy]
    return unit


@dataclass
class RankingRow:
    unit: AdministrativeUnit
    snapshot: CompletionSnapshot | None
    pccc: PcccSnapshot | None
    change_7: Decimal | None = None
    change_30: Decimal | None = None
    graded: RankingGrade | None = None  # the programme's grading rule (xếp loại), when it has one

    @property
    def completion(self) -> Decimal | None:
        return self.snapshot.weighted_completion if self.snapshot else None

    @property
    def overdue(self) -> int:
        return self.snapshot.tasks_overdue if self.snapshot else 0

    @property
    def pccc_rate(self) -> Decimal | None:
        """Units passing over ALL units of the level in the scope (not over those that reported)."""
        if not self.pccc or not self.pccc.units_total:
            return None
        return Decimal(self.pccc.units_passing * 100) / self.pccc.units_total


@dataclass
class BottleneckGroup:
    """Overdue or blocked tasks of one lead agency (or all those waiting for central guidance).

    ``count`` is over every such task in scope; ``tasks`` are only the first few by deadline.
    """

    name: str
    count: int
    tasks: list[Task]
    list_url: str

    @property
    def more(self) -> int:
        return self.count - len(self.tasks)


@dataclass
class Bottlenecks:
    """Counts over all overdue or blocked tasks in scope (SQL), with a shortened list per group."""

    total: int = 0
    overdue: int = 0
    blocked: int = 0
    by_agency: list[BottleneckGroup] = field(default_factory=list)
    waiting_central: BottleneckGroup | None = None
    agencies_left_out: int = 0
    tasks_left_out: int = 0
    list_url: str = ""

    @property
    def waiting_central_count(self) -> int:
        return self.waiting_central.count if self.waiting_central else 0


SORT_KEYS = {
    "hoan-thanh": lambda r: (r.completion is None, -(r.completion or 0)),
    "qua-han": lambda r: (-r.overdue, r.unit.name),
    "pccc": lambda r: (r.pccc_rate is None, -(r.pccc_rate or 0)),
    "ten": lambda r: r.unit.name,
    "diem": lambda r: (r.graded is None, -(r.graded.score if r.graded else 0), r.unit.name),
}
# With a grading rule the default order ("hoan-thanh") is by score; this one is completion alone.
SORT_KEYS["tien-do"] = SORT_KEYS["hoan-thanh"]


@dataclass
class Dashboard:
    programme: Programme
    unit: AdministrativeUnit | None
    as_of: datetime.date | None
    snapshot: CompletionSnapshot | None
    pccc: PcccSnapshot | None
    criteria: list[Criterion] = field(default_factory=list)
    # Active criteria sets with figures in this scope (the page offers a choice), and the one shown.
    criteria_sets: list[CriteriaSet] = field(default_factory=list)
    criteria_set: CriteriaSet | None = None
    ranking_loader: "Callable[[], list[RankingRow]] | None" = None
    trend: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    by_agency: list[dict] = field(default_factory=list)
    bottlenecks: Bottlenecks = field(default_factory=Bottlenecks)
    standing: "Standing | None" = None
    # The day picked on the page (?ngay=), None for the latest figures. For a past day the figures
    # by agency, the bottlenecks and the standing (read from the tasks' current state) are not shown.
    requested_date: datetime.date | None = None
    # The picked day has no snapshot: the first day a task of the scope was assigned, to tell
    # "before any data" from "not computed yet".
    first_assigned: datetime.date | None = None

    @property
    def is_live(self) -> bool:
        """Today's figures (or the latest): the live parts of the page apply."""
        return self.requested_date is None or self.requested_date >= timezone.localdate()

    @property
    def missing_day(self) -> bool:
        return self.requested_date is not None and self.snapshot is None

    @property
    def before_any_data(self) -> bool:
        return self.missing_day and (self.first_assigned is None or self.requested_date < self.first_assigned)

    @cached_property
    def ranking(self) -> list[RankingRow]:
        """Read on first use only: the page caches the ranking's HTML until the next run."""
        return self.ranking_loader() if self.ranking_loader else []

    @cached_property
    def tiles(self) -> tuple[list[dict], int]:
        return tiles(self.ranking)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of the snapshot, in the order the page and the report list them."""
        s = self.snapshot
        if s is None:
            return []
        return [
            (TaskStatus.DONE, TaskStatus.DONE.label, s.tasks_done),
            (TaskStatus.DONE_LATE, TaskStatus.DONE_LATE.label, s.tasks_done_late),
            (TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS.label, s.tasks_in_progress),
            (TaskStatus.BLOCKED, TaskStatus.BLOCKED.label, s.tasks_blocked),
            (TaskStatus.NOT_STARTED, TaskStatus.NOT_STARTED.label, s.tasks_not_started),
        ]

    @property
    def criteria_rates(self) -> list[tuple[Criterion, dict]]:
        """Per criterion: units passing over all units of its level in the scope; a tracking-only
        criterion has no pass rate (it is never "chưa đạt")."""
        figures = self.pccc.criteria if self.pccc else {}
        levels = self.pccc.levels if self.pccc else {}
        rows = []
        for criterion in self.criteria:
            numbers = figures.get(criterion.code)
            if numbers:
                total = levels.get(str(criterion.level), {}).get("total") or numbers.get("units_assessed") or 0
                judged = criterion.counts_toward_pass and total
                rate = numbers.get("units_passing", 0) * 100 / total if judged else None
                # The exact ratio of sums: the stored float is rounded, and rounding must not cross the target.
                ratio = percent(numbers.get("value"), numbers.get("denominator"))
                rows.append((criterion, {**numbers, "ratio": ratio, "units_total": total, "pass_rate": rate}))
        return rows


def dashboard(
    *,
    programme: Programme | None,
    unit: AdministrativeUnit | None,
    sort: str = "hoan-thanh",
    viewer=None,
    criteria_set_code: str = "",
    on: datetime.date | None = None,
) -> Dashboard:
    """Everything one dashboard page shows, in a fixed number of queries whatever the number of units.

    ``criteria_set_code`` picks one of the active criteria sets with figures in the scope (default:
    the first). PCCC figures do not depend on the programme: a scope with criterion values and no
    task (or no programme at all, ``programme=None``) still gets them. ``on`` shows the figures as
    of that day (its snapshot, the 7- and 30-day changes and the trend up to it).
    """
    scope = unit.path if unit else NATIONAL_SCOPE
    # The latest TREND_DAYS rows of this scope (up to ``on``): the first is the shown day's figure.
    rows = CompletionSnapshot.objects.filter(programme=programme, scope_path=scope)
    if on is not None:
        rows = rows.filter(date__lte=on)
    recent = list(rows.order_by("-date")[:TREND_DAYS]) if programme is not None else []
    if on is not None and recent and recent[0].date != on:
        recent = []  # that day was not computed: the page says so and offers to compute it
    snapshot = recent[0] if recent else None
    as_of = snapshot.date if snapshot else None
    board = Dashboard(programme=programme, unit=unit, as_of=as_of, snapshot=snapshot, pccc=None, requested_date=on)
    if on is not None and snapshot is None:
        if programme is not None:
            board.first_assigned = Task.objects.filter(_in_scope(unit), programme=programme).aggregate(
                first=Min("start_date")
            )["first"]
        return board
    criteria = _active_criteria()
    latest_pccc = _latest_pccc_by_set(scope, as_of, {c.criteria_set_id for c in criteria})
    board.criteria_sets = [row.criteria_set for row in latest_pccc]
    board.criteria_set = criteria_set_chosen(board.criteria_sets, criteria_set_code)
    board.pccc = next((row for row in latest_pccc if row.criteria_set == board.criteria_set), None)
    criteria_set_id = board.criteria_set.pk if board.criteria_set else None
    board.criteria = [c for c in criteria if c.criteria_set_id == criteria_set_id]
    if as_of is None:
        return board

    board.trend = [(s.date, s.weighted_completion) for s in reversed(recent)]
    pccc_day = board.pccc.date if board.pccc else None
    board.ranking_loader = lambda: _ranking(
        programme, unit, as_of, sort, criteria_set_id=criteria_set_id, pccc_day=pccc_day
    )
    if on is not None and on < timezone.localdate():
        return board  # the live figures are today's, not that day's
    live = _live_figures(programme, unit)
    my_agencies = set(viewer.agencies.values_list("pk", flat=True)) if viewer is not None else set()
    board.by_agency = [{**row, "is_mine": row["lead_agency_id"] in my_agencies} for row in live["by_agency"]]
    board.bottlenecks = live["bottlenecks"]
    if viewer is not None:
        board.standing = _standing(live["people"], viewer)
    return board


def last_successful_run() -> RecomputeRun | None:
    """The latest recompute that succeeded, for empty states that must tell "never ran" from "no data"."""
    return RecomputeRun.objects.filter(outcome=RunOutcome.SUCCESS).order_by("-started_at", "-pk").first()


def _latest_pccc_by_set(scope: str, as_of: datetime.date | None, set_ids: set[int]) -> list[PcccSnapshot]:
    """Each active set's latest PCCC snapshot of this scope (up to ``as_of``), in set order (one query).

    Each set's latest day is an uncorrelated subquery (one backward index probe on the snapshot key),
    not a window over every day of the scope: with years of daily rows that window read them all.
    """
    if not set_ids:
        return []
    latest_of_set = Q()
    for set_id in sorted(set_ids):
        days = PcccSnapshot.objects.filter(scope_path=scope, criteria_set_id=set_id)
        if as_of is not None:
            days = days.filter(date__lte=as_of)
        latest_of_set |= Q(criteria_set_id=set_id, date=Subquery(days.order_by("-date").values("date")[:1]))
    return list(
        PcccSnapshot.objects.filter(latest_of_set, scope_path=scope)
        .select_related("criteria_set")
        .order_by("criteria_set_id")
    )


def _active_criteria() -> list[Criterion]:
    """Active PCCC criteria in display order; edited rarely in admin, so shared for a minute."""
    criteria = cache.get("dashboard-criteria")
    if criteria is None:
        criteria = list(
            Criterion.objects.filter(is_active=True, criteria_set__is_active=True).order_by(
                "criteria_set_id", "order", "code"
            )
        )
        cache.set("dashboard-criteria", criteria, settings.DASHBOARD_LIVE_CACHE_SECONDS)
    return criteria


def _live_figures(programme, unit: AdministrativeUnit | None) -> dict:
    """Figures read from the tasks' current state, shared by every viewer of a scope.

    Kept for DASHBOARD_LIVE_CACHE_SECONDS (a minute): a leader's page then costs a few
    indexed reads instead of three scans of the programme's tasks.
    """
    key = f"dashboard-live:{programme.pk}:{unit.path if unit else NATIONAL_SCOPE}"
    figures = cache.get(key)
    if figures is None:
        agency_rows = _agency_rows(programme, unit)
        figures = {
            "by_agency": _completion_by_agency(agency_rows),
            "bottlenecks": _bottlenecks(programme, unit, agency_rows),
            "people": _completion_by_person(programme, unit),
        }
        cache.set(key, figures, settings.DASHBOARD_LIVE_CACHE_SECONDS)
    return figures


def _pccc_snapshots(criteria_set_id, unit, day: datetime.date | None) -> dict[str, PcccSnapshot]:
    """Each child's PCCC snapshot of ``day``, by scope path (one query).

    ``day`` is the date of the scope's own PCCC row: the recompute writes a row for every scope above a
    unit with figures, so a child with figures has its row that day too. Reading that day only (an
    index probe per child) keeps the query the same size whatever the number of days computed; reading
    every day up to it, as before, took seconds on three years of daily rows.
    """
    if criteria_set_id is None or day is None:
        return {}
    rows = PcccSnapshot.objects.filter(unit__parent=unit, unit__isnull=False, criteria_set_id=criteria_set_id, date=day)
    # The ranking shows each child's pass count and period, never its per-criterion JSON: not decoded.
    return {row.scope_path: row for row in rows.defer("criteria", "levels")}


def _ranking(programme, unit, as_of, sort, *, criteria_set_id, pccc_day) -> list[RankingRow]:
    """Child units with their figures now, 7 and 30 days ago, and their PCCC pass rate (three queries;
    one for a unit without child units, as every commune is)."""
    children = list(AdministrativeUnit.objects.current().filter(parent=unit).order_by("name"))
    if not children:
        return []
    pccc_rows = _pccc_snapshots(criteria_set_id, unit, pccc_day)
    dates = [as_of, as_of - datetime.timedelta(days=7), as_of - datetime.timedelta(days=30)]
    by_unit_date = {
        (s.unit_id, s.date): s
        for s in CompletionSnapshot.objects.filter(
            programme=programme, unit__parent=unit, unit__isnull=False, date__in=dates
        )
    }
    # The dashboard reads its programme with the grading rule (no query here). It used to ride along
    # with each snapshot: a Programme built per row, 391 of them for a province, for one rule.
    rule = getattr(programme, "grading_rule", None) if by_unit_date else None
    rows = []
    for child in children:
        now = by_unit_date.get((child.pk, as_of))
        row = RankingRow(unit=child, snapshot=now, pccc=pccc_rows.get(child.path))
        for days, attr in ((7, "change_7"), (30, "change_30")):
            before = by_unit_date.get((child.pk, as_of - datetime.timedelta(days=days)))
            if now and before:
                setattr(row, attr, now.weighted_completion - before.weighted_completion)
        rows.append(row)
    if rule is not None:
        # A programme with a grading rule ranks by its score (which weighs task completion in).
        completion = {r.unit.pk: r.completion for r in rows}
        grades = ranking_grades(programme=programme, unit=unit, rule=rule, completion=completion)
        for row in rows:
            row.graded = grades[row.unit.pk]
        sort = "diem" if sort == "hoan-thanh" else sort
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["hoan-thanh"]))
    return rows


def _in_scope(unit: AdministrativeUnit | None) -> Q:
    """Tasks on units under ``unit`` (None: the whole country), and on legacy units whose successor is
    there (old Hải Dương's tasks in Hải Phòng's live figures, as the nightly recompute counts them):
    the scope rule as a subquery, which PostgreSQL walks by the path index (Hà Nội's figures by agency:
    26–50 ms with the OR across the successor join, 3 ms this way, on the national dataset)."""
    if unit is None:
        return Q()
    return Q(unit_id__in=unit_ids_in_scope(unit))


def _agency_rows(programme, unit: AdministrativeUnit | None) -> list[dict]:
    """Per lead agency, over every task in scope (one GROUP BY): totals and weights for the completion,
    and the bottleneck counts (overdue or blocked, of which waiting for central guidance)."""
    today = timezone.localdate()
    bottleneck = bottleneck_q(today)
    return list(
        Task.objects.filter(_in_scope(unit), programme=programme)
        .values("lead_agency_id", "lead_agency__name")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(current_status__in=DONE_STATUSES, completion_verified=True)),
            weight_sum=Sum("weight"),
            weighted_sum=Sum(F("weight") * F("current_percent")),
            bottlenecks=Count("pk", filter=bottleneck),
            waiting_central=Count("pk", filter=bottleneck & waiting_central_q()),
            overdue=Count("pk", filter=overdue_q(today)),
            blocked=Count("pk", filter=Q(current_status=TaskStatus.BLOCKED)),
        )
        .order_by("lead_agency__name")
    )


def _completion_by_agency(agency_rows: list[dict]) -> list[dict]:
    """Weighted completion per lead agency from the tasks' current state, weakest first."""
    result = []
    for row in agency_rows:
        completion = (row["weighted_sum"] or 0) / row["weight_sum"] if row["weight_sum"] else 0
        result.append({**row, "completion": Decimal(completion).quantize(Decimal("0.1"))})
    result.sort(key=lambda r: r["completion"])
    return result


@dataclass(frozen=True)
class Standing:
    """Where the viewer's own tasks stand among the accountable people of the scope."""

    tasks: int
    completion: Decimal
    rank: int
    people: int
    scope_completion: Decimal


def _completion_by_person(programme, unit: AdministrativeUnit | None) -> list[dict]:
    """Tasks and weighted percent per accountable person (one GROUP BY)."""
    return list(
        Task.objects.filter(_in_scope(unit), programme=programme, accountable_person__isnull=False)
        .values("accountable_person_id")
        .annotate(n=Count("pk"), weight_sum=Sum("weight"), weighted_sum=Sum(F("weight") * F("current_percent")))
        .order_by()
    )


def _standing(rows: list[dict], viewer) -> Standing | None:
    """The viewer's place among the accountable people of the scope."""
    completion = {r["accountable_person_id"]: r["weighted_sum"] / r["weight_sum"] for r in rows if r["weight_sum"]}
    mine = next((r for r in rows if r["accountable_person_id"] == viewer.pk), None)
    if mine is None or viewer.pk not in completion:
        return None
    total_weight = sum(r["weight_sum"] for r in rows)
    overall = sum(r["weighted_sum"] for r in rows) / total_weight if total_weight else 0
    better = sum(1 for value in completion.values() if value > completion[viewer.pk])
    return Standing(
        tasks=mine["n"],
        completion=Decimal(completion[viewer.pk]).quantize(Decimal("0.1")),
        rank=better + 1,
        people=len(completion),
        scope_completion=Decimal(overall).quantize(Decimal("0.1")),
    )


def task_list_url(programme, unit_code: str, **filters) -> str:
    """The task list ("Việc của tôi", whole unit) narrowed to this programme, unit subtree and filters."""
    params = {"scope": "unit", "programme": programme.pk, **({"unit": unit_code} if unit_code else {}), **filters}
    return f"{reverse('tasks:my_tasks')}?{urlencode(params)}"


def _bottlenecks(programme, unit: AdministrativeUnit | None, agency_rows: list[dict]) -> Bottlenecks:
    """Overdue or blocked tasks in scope: counts per lead agency over all of them (from ``agency_rows``),
    the first few of each shown group by deadline (one query with a window function)."""
    today = timezone.localdate()
    unit_code = unit.code if unit else ""
    in_scope = Task.objects.filter(_in_scope(unit), programme=programme)
    waiting = waiting_central_q()
    rows = [{**r, "n": r["bottlenecks"], "waiting": r["waiting_central"]} for r in agency_rows if r["bottlenecks"]]
    result = Bottlenecks(
        total=sum(r["n"] for r in rows),
        overdue=sum(r["overdue"] for r in agency_rows),
        blocked=sum(r["blocked"] for r in agency_rows),
        list_url=task_list_url(programme, unit_code, bottleneck=BOTTLENECK_ALL),
    )
    local = sorted(
        (r for r in rows if r["n"] > r["waiting"]), key=lambda r: (-(r["n"] - r["waiting"]), r["lead_agency__name"])
    )
    shown = local[:BOTTLENECK_GROUPS_SHOWN]
    result.agencies_left_out = len(local) - len(shown)
    result.tasks_left_out = sum(r["n"] - r["waiting"] for r in local[BOTTLENECK_GROUPS_SHOWN:])
    waiting_count = sum(r["waiting"] for r in rows)
    if not shown and not waiting_count:
        return result

    # Waiting tasks form one group across agencies (partition 0; agency ids start at 1).
    partition = Case(When(waiting, then=Value(0)), default=F("lead_agency_id"), output_field=BigIntegerField())
    first_tasks = (
        in_scope.filter(bottleneck_q(today))
        .filter(waiting | Q(lead_agency_id__in=[r["lead_agency_id"] for r in shown]))
        .annotate(
            place=Window(RowNumber(), partition_by=[partition], order_by=[F("deadline").asc(), F("pk").asc()]),
            waiting_central=Case(When(waiting, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .filter(place__lte=BOTTLENECK_TASKS_SHOWN)
        .select_related("lead_agency", "accountable_person", "unit")
        .order_by("deadline", "pk")
    )
    tasks_by_group: dict[int, list[Task]] = {}
    for task in first_tasks:
        tasks_by_group.setdefault(0 if task.waiting_central else task.lead_agency_id, []).append(task)
    result.by_agency = [
        BottleneckGroup(
            name=r["lead_agency__name"],
            count=r["n"] - r["waiting"],
            tasks=tasks_by_group.get(r["lead_agency_id"], []),
            list_url=task_list_url(programme, unit_code, bottleneck=BOTTLENECK_LOCAL, lead_agency=r["lead_agency_id"]),
        )
        for r in shown
    ]
    if waiting_count:
        result.waiting_central = BottleneckGroup(
            name=str(BlockReason.WAITING_CENTRAL.label),
            count=waiting_count,
            tasks=tasks_by_group.get(0, []),
            list_url=task_list_url(
                programme, unit_code, status=TaskStatus.BLOCKED, block_reason=BlockReason.WAITING_CENTRAL
            ),
        )
    return result


# --- The one-page meeting summary (?in=tom-tat) -------------------------------------------------

# The one-page summary lists this many strongest and weakest units.
SUMMARY_UNITS_SHOWN = 10
# Bottleneck groups (lead agencies) the one-page summary names; the rest are counted in one line.
SUMMARY_BOTTLENECK_GROUPS = 8


@dataclass
class RankingSummary:
    """The strongest and weakest units of a ranking, for a page that must fit on one A4 sheet.

    ``top`` and ``bottom`` hold (place in the full ranking, row); a scope with at most twice
    ``SUMMARY_UNITS_SHOWN`` units has them all in ``top`` and nothing in ``bottom``. Units
    without tasks have no place: they are only counted (``without_figures``).
    """

    top: list[tuple[int, RankingRow]]
    bottom: list[tuple[int, RankingRow]]
    ranked: int
    without_figures: int

    @property
    def left_out(self) -> int:
        return self.ranked - len(self.top) - len(self.bottom)


def ranking_summary(rows: list[RankingRow], *, shown: int = SUMMARY_UNITS_SHOWN) -> RankingSummary:
    """Top and bottom ``shown`` units by weighted completion (no query: ``rows`` is the page's ranking)."""
    ranked = sorted((r for r in rows if r.completion is not None), key=SORT_KEYS["hoan-thanh"])
    placed = list(enumerate(ranked, start=1))
    if len(placed) <= 2 * shown:
        top, bottom = placed, []
    else:
        top, bottom = placed[:shown], placed[-shown:]
    return RankingSummary(top=top, bottom=bottom, ranked=len(ranked), without_figures=len(rows) - len(ranked))


# --- "Since yesterday": what changed between two days -------------------------------------------

# Kept beside the code that uses them (not in the block at the top) while this module is refactored
# in parallel; they can move up when the branches are merged.
from django.db.models import ExpressionWrapper, OuterRef  # noqa: E402

from tasks.choices import UpdateKind  # noqa: E402
from tasks.models import ProgressUpdate  # noqa: E402

from .services import snapshots_generation  # noqa: E402

# The biggest movers among child units, each way.
MOVERS_SHOWN = 5


@dataclass
class UnitMove:
    """A child unit's weighted completion on the two compared days."""

    unit: AdministrativeUnit
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass
class SinceChanges:
    """Tasks that became done, overdue or blocked between ``since`` and ``until`` (the shown day), and the
    child units whose weighted completion moved most. Counts follow the tasks' official state by data
    date, the rule of the nightly figures (``task_figures``), so they agree with the two snapshots."""

    since: datetime.date
    until: datetime.date
    newly_completed: int = 0
    newly_completed_late: int = 0
    newly_overdue: int = 0
    newly_blocked: int = 0
    scope_before: Decimal | None = None
    scope_after: Decimal | None = None
    risers: list[UnitMove] = field(default_factory=list)
    fallers: list[UnitMove] = field(default_factory=list)
    # Child units with figures on both days (the movers are chosen among them).
    units_compared: int = 0
    completed_url: str = ""
    completed_late_url: str = ""
    overdue_url: str = ""
    blocked_url: str = ""

    @property
    def scope_change(self) -> Decimal | None:
        if self.scope_before is None or self.scope_after is None:
            return None
        return self.scope_after - self.scope_before

    @property
    def nothing_changed(self) -> bool:
        return not (self.newly_completed or self.newly_overdue or self.newly_blocked or self.risers or self.fallers)


def previous_snapshot_date(board: Dashboard) -> datetime.date | None:
    """The day of the scope's snapshot before the shown one (no query: the trend has read them)."""
    return board.trend[-2][0] if len(board.trend) >= 2 else None


def _official_status_on(day: datetime.date, known_at: datetime.datetime | None):
    """Subquery: a task's official status on ``day`` (latest update by data date, an unverified
    completion report left out), as the nightly figures take it; NULL when it has none.
    ``known_at``: only updates entered by then (when the shown figures were computed)."""
    updates = ProgressUpdate.objects.filter(task=OuterRef("pk"), data_date__lte=day)
    if known_at is not None:
        updates = updates.filter(created_at__lte=known_at)
    return Subquery(
        updates.exclude(kind=UpdateKind.REPORT, status__in=DONE_STATUSES)
        .order_by("-data_date", "-created_at", "-id")
        .values("status")[:1]
    )


def _may_have_changed(since: datetime.date, until: datetime.date, known_at: datetime.datetime | None) -> Q:
    """The tasks whose state on ``until`` can differ from their state on ``since``: assigned in between,
    deadline passed in between, or an update dated in between. Every other task has the same official
    status, the same deadline facts and was assigned on both days, so it counts in no "newly" figure;
    leaving it out spares its two status lookups (nationally, on three years of data: 449 ms before;
    11 ms with this, the index of updates by data date and no JIT; docs/benchmarks.md)."""
    dated_between = ProgressUpdate.objects.filter(data_date__gt=since, data_date__lte=until)
    if known_at is not None:
        dated_between = dated_between.filter(created_at__lte=known_at)
    return (
        Q(start_date__gt=since) | Q(deadline__gte=since, deadline__lt=until) | Q(pk__in=dated_between.values("task_id"))
    )


def changes_since_shared(
    *,
    programme: Programme,
    unit: AdministrativeUnit | None,
    until: datetime.date,
    since: datetime.date,
    known_at: datetime.datetime | None,
) -> SinceChanges:
    """``changes_since``, shared by every viewer of the scope until the next recompute run (whose
    generation is in the key): the answer depends only on the run's snapshots and the updates
    entered before it."""
    scope = unit.path if unit else NATIONAL_SCOPE
    stamp = known_at.isoformat() if known_at else ""
    key = f"dashboard-since:{programme.pk}:{scope}:{since}:{until}:{stamp}:{snapshots_generation()}"
    changes = cache.get(key)
    if changes is None:
        changes = changes_since(programme=programme, unit=unit, until=until, since=since, known_at=known_at)
        cache.set(key, changes, 86400)
    return changes


def changes_since(
    *,
    programme: Programme,
    unit: AdministrativeUnit | None,
    until: datetime.date,
    since: datetime.date,
    known_at: datetime.datetime | None = None,
) -> SinceChanges:
    """What changed in this scope between ``since`` and ``until`` (two queries whatever the number of tasks
    and units): tasks newly done, newly overdue, newly blocked, and the top ``MOVERS_SHOWN`` child units up
    and down in weighted completion between their snapshots of the two days.

    A task is overdue on a day when it was assigned by then, its deadline is before that day and it was
    not done then (``task_figures``); a task assigned after ``since`` was neither done, overdue nor
    blocked on ``since``. ``known_at`` (the shown snapshot's computed time) leaves out updates entered
    after it, so the counts agree with the figures beside them. The caller has scope-checked ``unit``.
    """
    scope = unit.path if unit else NATIONAL_SCOPE
    unit_code = unit.code if unit else ""
    changes = SinceChanges(
        since=since,
        until=until,
        completed_url=task_list_url(programme, unit_code, status=TaskStatus.DONE),
        completed_late_url=task_list_url(programme, unit_code, status=TaskStatus.DONE_LATE),
        overdue_url=task_list_url(programme, unit_code, overdue="on"),
        blocked_url=task_list_url(programme, unit_code, status=TaskStatus.BLOCKED),
    )
    # One GROUP BY over the tasks assigned by ``until``: each group is a combination of the two days'
    # states and deadline facts, a few dozen rows at most; the rules are then applied in Python.
    groups = (
        Task.objects.filter(_in_scope(unit), programme=programme, start_date__lte=until)
        .filter(_may_have_changed(since, until, known_at))
        .annotate(
            status_after=_official_status_on(until, known_at),
            status_before=_official_status_on(since, known_at),
            assigned_before=ExpressionWrapper(Q(start_date__lte=since), output_field=BooleanField()),
            due_before_until=ExpressionWrapper(Q(deadline__lt=until), output_field=BooleanField()),
            due_before_since=ExpressionWrapper(Q(deadline__lt=since), output_field=BooleanField()),
        )
        .values("status_after", "status_before", "assigned_before", "due_before_until", "due_before_since")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for row in groups:
        after, n = row["status_after"], row["n"]
        before = row["status_before"] if row["assigned_before"] else None
        done_after, done_before = after in DONE_STATUSES, before in DONE_STATUSES
        if done_after and not done_before:
            changes.newly_completed += n
            if after == TaskStatus.DONE_LATE:
                changes.newly_completed_late += n
        overdue_after = row["due_before_until"] and not done_after
        overdue_before = row["assigned_before"] and row["due_before_since"] and not done_before
        if overdue_after and not overdue_before:
            changes.newly_overdue += n
        if after == TaskStatus.BLOCKED and before != TaskStatus.BLOCKED:
            changes.newly_blocked += n

    # The scope's own snapshot and its children's, on both days (one query).
    figures = {
        (s.unit_id, s.date): s
        for s in CompletionSnapshot.objects.filter(programme=programme, date__in=[since, until])
        # The children as a subquery on the snapshot's own unit column, not a join: joined, PostgreSQL
        # hashed the whole unit table for each page (32 ms against 2.5 ms on three years of rows).
        .filter(Q(scope_path=scope) | Q(unit__in=AdministrativeUnit.objects.current().filter(parent=unit).values("pk")))
        .select_related("unit")
    }
    own = unit.pk if unit else None
    if (own, since) in figures and (own, until) in figures:
        changes.scope_before = figures[(own, since)].weighted_completion
        changes.scope_after = figures[(own, until)].weighted_completion
    moves = [
        UnitMove(unit=after.unit, before=figures[(unit_id, since)].weighted_completion, after=after.weighted_completion)
        for (unit_id, day), after in figures.items()
        if unit_id != own and day == until and (unit_id, since) in figures
    ]
    changes.units_compared = len(moves)
    moves.sort(key=lambda move: (-move.change, move.unit.name))
    changes.risers = [move for move in moves if move.change > 0][:MOVERS_SHOWN]
    moves.sort(key=lambda move: (move.change, move.unit.name))
    changes.fallers = [move for move in moves if move.change < 0][:MOVERS_SHOWN]
    return changes
