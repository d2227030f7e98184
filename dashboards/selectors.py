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
from django.db.models import BigIntegerField, BooleanField, Case, Count, F, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pccc.evaluation import percent
from pccc.models import CriteriaSet, Criterion
from pccc.selectors import criteria_set_chosen
from provinces.models import AdministrativeUnit
from provinces.selectors import LEGACY_CODE_PREFIX, unit_visible_to, units_visible_to
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
    rows = list(
        units_visible_to(user)
        .filter(
            Q(valid_to__isnull=True, code=code)
            | Q(
                valid_to__isnull=False,
                successor__code=code,
                successor__valid_to__isnull=True,
                successor__level=F("level"),
            )
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
}


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
) -> Dashboard:
    """Everything one dashboard page shows, in a fixed number of queries whatever the number of units.

    ``criteria_set_code`` picks one of the active criteria sets with figures in the scope (default:
    the first). PCCC figures do not depend on the programme: a scope with criterion values and no
    task (or no programme at all, ``programme=None``) still gets them.
    """
    scope = unit.path if unit else NATIONAL_SCOPE
    # The latest TREND_DAYS rows of this scope: the first is today's figure.
    recent = (
        list(CompletionSnapshot.objects.filter(programme=programme, scope_path=scope).order_by("-date")[:TREND_DAYS])
        if programme is not None
        else []
    )
    snapshot = recent[0] if recent else None
    as_of = snapshot.date if snapshot else None
    board = Dashboard(programme=programme, unit=unit, as_of=as_of, snapshot=snapshot, pccc=None)
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
    board.ranking_loader = lambda: _ranking(programme, unit, as_of, _pccc_snapshots(criteria_set_id, unit, as_of), sort)
    live = _live_figures(programme, scope, unit.code if unit else "")
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
    """Each active set's latest PCCC snapshot of this scope (up to ``as_of``), in set order (one query)."""
    if not set_ids:
        return []
    rows = PcccSnapshot.objects.filter(scope_path=scope, criteria_set_id__in=set_ids)
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    return list(
        rows.annotate(place=Window(RowNumber(), partition_by=[F("criteria_set_id")], order_by=[F("date").desc()]))
        .filter(place=1)
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


def _live_figures(programme, scope, unit_code: str) -> dict:
    """Figures read from the tasks' current state, shared by every viewer of a scope.

    Kept for DASHBOARD_LIVE_CACHE_SECONDS (a minute): a leader's page then costs a few
    indexed reads instead of three scans of the programme's tasks.
    """
    key = f"dashboard-live:{programme.pk}:{scope}"
    figures = cache.get(key)
    if figures is None:
        agency_rows = _agency_rows(programme, scope)
        figures = {
            "by_agency": _completion_by_agency(agency_rows),
            "bottlenecks": _bottlenecks(programme, scope, unit_code, agency_rows),
            "people": _completion_by_person(programme, scope),
        }
        cache.set(key, figures, settings.DASHBOARD_LIVE_CACHE_SECONDS)
    return figures


def _pccc_snapshots(criteria_set_id, unit, as_of) -> dict[str, PcccSnapshot]:
    """The latest PCCC snapshot of each child, by scope path (one query)."""
    if criteria_set_id is None:
        return {}
    rows = PcccSnapshot.objects.filter(
        unit__parent=unit, unit__isnull=False, criteria_set_id=criteria_set_id, date__lte=as_of
    )
    latest = {}
    for row in rows.order_by("date"):
        latest[row.scope_path] = row  # the latest date wins
    return latest


def _ranking(programme, unit, as_of, pccc_rows, sort) -> list[RankingRow]:
    """Child units with their figures now, 7 and 30 days ago, and their PCCC pass rate (two queries)."""
    children = list(AdministrativeUnit.objects.current().filter(parent=unit).order_by("name"))
    dates = [as_of, as_of - datetime.timedelta(days=7), as_of - datetime.timedelta(days=30)]
    by_unit_date = {
        (s.unit_id, s.date): s
        for s in CompletionSnapshot.objects.filter(
            programme=programme, unit__parent=unit, unit__isnull=False, date__in=dates
        )
    }
    rows = []
    for child in children:
        now = by_unit_date.get((child.pk, as_of))
        row = RankingRow(unit=child, snapshot=now, pccc=pccc_rows.get(child.path))
        for days, attr in ((7, "change_7"), (30, "change_30")):
            before = by_unit_date.get((child.pk, as_of - datetime.timedelta(days=days)))
            if now and before:
                setattr(row, attr, now.weighted_completion - before.weighted_completion)
        rows.append(row)
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["hoan-thanh"]))
    return rows


def _in_scope(scope: str) -> Q:
    """Tasks on units under ``scope``, and on legacy units whose successor is there (old Hải Dương's
    tasks in Hải Phòng's live figures, as the nightly recompute counts them)."""
    if scope == NATIONAL_SCOPE:
        return Q()
    return Q(unit__path__startswith=scope) | Q(unit__valid_to__isnull=False, unit__successor__path__startswith=scope)


def _agency_rows(programme, scope) -> list[dict]:
    """Per lead agency, over every task in scope (one GROUP BY): totals and weights for the completion,
    and the bottleneck counts (overdue or blocked, of which waiting for central guidance)."""
    today = timezone.localdate()
    bottleneck = bottleneck_q(today)
    return list(
        Task.objects.filter(_in_scope(scope), programme=programme)
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


def _completion_by_person(programme, scope) -> list[dict]:
    """Tasks and weighted percent per accountable person (one GROUP BY)."""
    return list(
        Task.objects.filter(_in_scope(scope), programme=programme, accountable_person__isnull=False)
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


def _bottlenecks(programme, scope, unit_code: str, agency_rows: list[dict]) -> Bottlenecks:
    """Overdue or blocked tasks in scope: counts per lead agency over all of them (from ``agency_rows``),
    the first few of each shown group by deadline (one query with a window function)."""
    today = timezone.localdate()
    in_scope = Task.objects.filter(_in_scope(scope), programme=programme)
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
