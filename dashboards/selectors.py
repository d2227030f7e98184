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

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pccc.evaluation import percent
from pccc.models import Criterion
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_visible_to_or_404
from tasks.choices import DONE_STATUSES, BlockReason, TaskStatus
from tasks.models import Programme, Task
from tasks.selectors import programmes_visible_to as task_programmes_visible_to

from .models import NATIONAL_SCOPE, CompletionSnapshot, PcccSnapshot
from .tilemap import tiles

TREND_DAYS = 90
BOTTLENECK_LIMIT = 40


# The code in dashboard URLs that stands for the whole country.
NATIONAL = "toan-quoc"


def programmes_visible_to(user) -> QuerySet[Programme]:
    """The programmes the tasks app lets this user see, newest first."""
    return task_programmes_visible_to(user).order_by("-year", "name")


def programme_and_unit_or_404(
    user, programme_id: int, code: str, *, programmes: list[Programme] | None = None
) -> tuple[Programme, AdministrativeUnit | None]:
    """A programme the user may see and a unit in scope (None for the national view); the same 404 otherwise.

    ``programmes``: the user's visible programmes when the caller has read them already.
    """
    if programmes is None:
        programme = programmes_visible_to(user).filter(pk=programme_id).first()
    else:
        programme = next((p for p in programmes if p.pk == programme_id), None)
    if programme is None:
        raise Http404(_("Không tìm thấy đề án này hoặc bạn không có quyền xem."))
    if code == NATIONAL:
        if not user.is_national:
            raise Http404(_("Bạn chỉ xem được số liệu trong phạm vi đơn vị của mình."))
        return programme, None
    return programme, unit_visible_to_or_404(user, code)


def grade_for(completion: Decimal | None) -> tuple[str, str] | None:
    """(label, css colour) of the grade band for a completion %, from settings.DASHBOARD_GRADES."""
    if completion is None:
        return None
    for threshold, label, colour in settings.DASHBOARD_GRADES:
        if completion >= threshold:
            return label, colour
    return settings.DASHBOARD_GRADES[-1][1:]


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

    @property
    def grade(self):
        return grade_for(self.completion)


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
    ranking_loader: "Callable[[], list[RankingRow]] | None" = None
    trend: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    by_agency: list[dict] = field(default_factory=list)
    bottlenecks: list[Task] = field(default_factory=list)
    standing: "Standing | None" = None

    @property
    def grade(self):
        return grade_for(self.snapshot.weighted_completion if self.snapshot else None)

    @cached_property
    def ranking(self) -> list[RankingRow]:
        """Read on first use only: the page caches the ranking's HTML until the next run."""
        return self.ranking_loader() if self.ranking_loader else []

    @cached_property
    def tiles(self) -> tuple[list[dict], int]:
        return tiles(self.ranking)

    @property
    def waiting_central(self) -> list[Task]:
        return [t for t in self.bottlenecks if t.current_block_reason == BlockReason.WAITING_CENTRAL]

    @property
    def bottlenecks_by_agency(self) -> list[tuple[str, list[Task]]]:
        """Overdue and blocked tasks (except those waiting on central guidance), grouped by lead agency."""
        groups: dict[str, list[Task]] = {}
        for task in self.bottlenecks:
            if task.current_block_reason != BlockReason.WAITING_CENTRAL:
                groups.setdefault(task.lead_agency.name, []).append(task)
        return sorted(groups.items(), key=lambda item: -len(item[1]))

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        s = self.snapshot
        if s is None:
            return []
        return [
            (TaskStatus.DONE.label, "#198754", s.tasks_done),
            (TaskStatus.DONE_LATE.label, "#fd7e14", s.tasks_done_late),
            (TaskStatus.IN_PROGRESS.label, "#0d6efd", s.tasks_in_progress),
            (TaskStatus.BLOCKED.label, "#dc3545", s.tasks_blocked),
            (TaskStatus.NOT_STARTED.label, "#6c757d", s.tasks_not_started),
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
    *, programme: Programme, unit: AdministrativeUnit | None, sort: str = "hoan-thanh", viewer=None
) -> Dashboard:
    """Everything one dashboard page shows, in nine queries whatever the number of units."""
    scope = unit.path if unit else NATIONAL_SCOPE
    # The latest TREND_DAYS rows of this scope: the first is today's figure.
    recent = list(
        CompletionSnapshot.objects.filter(programme=programme, scope_path=scope).order_by("-date")[:TREND_DAYS]
    )
    snapshot = recent[0] if recent else None
    as_of = snapshot.date if snapshot else None
    board = Dashboard(programme=programme, unit=unit, as_of=as_of, snapshot=snapshot, pccc=None)
    criteria = _active_criteria()
    criteria_set_id = criteria[0].criteria_set_id if criteria else None
    board.criteria = [c for c in criteria if c.criteria_set_id == criteria_set_id]
    if as_of is None:
        return board

    board.trend = [(s.date, s.weighted_completion) for s in reversed(recent)]
    if criteria_set_id:
        board.pccc = (
            PcccSnapshot.objects.filter(criteria_set_id=criteria_set_id, scope_path=scope, date__lte=as_of)
            .order_by("-date")
            .first()
        )
    board.ranking_loader = lambda: _ranking(programme, unit, as_of, _pccc_snapshots(criteria_set_id, unit, as_of), sort)
    live = _live_figures(programme, scope)
    my_agencies = set(viewer.agencies.values_list("pk", flat=True)) if viewer is not None else set()
    board.by_agency = [{**row, "is_mine": row["lead_agency_id"] in my_agencies} for row in live["by_agency"]]
    board.bottlenecks = live["bottlenecks"]
    if viewer is not None:
        board.standing = _standing(live["people"], viewer)
    return board


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


def _live_figures(programme, scope) -> dict:
    """Figures read from the tasks' current state, shared by every viewer of a scope.

    Kept for DASHBOARD_LIVE_CACHE_SECONDS (a minute): a leader's page then costs a few
    indexed reads instead of three scans of the programme's tasks.
    """
    key = f"dashboard-live:{programme.pk}:{scope}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "by_agency": _completion_by_agency(programme, scope),
            "bottlenecks": _bottlenecks(programme, scope),
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
    return Q() if scope == NATIONAL_SCOPE else Q(unit__path__startswith=scope)


def _completion_by_agency(programme, scope) -> list[dict]:
    """Weighted completion per lead agency from the tasks' current state (one GROUP BY)."""
    rows = (
        Task.objects.filter(_in_scope(scope), programme=programme)
        .values("lead_agency_id", "lead_agency__name")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(current_status__in=DONE_STATUSES, completion_verified=True)),
            weight_sum=Sum("weight"),
            weighted_sum=Sum(F("weight") * F("current_percent")),
        )
        .order_by("lead_agency__name")
    )
    result = []
    for row in rows:
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


def _bottlenecks(programme, scope) -> list[Task]:
    """Overdue or blocked tasks in scope, most overdue first (one query)."""
    today = timezone.localdate()
    overdue = Q(deadline__lt=today) & ~Q(current_status__in=DONE_STATUSES)
    return list(
        Task.objects.filter(_in_scope(scope), programme=programme)
        .filter(overdue | Q(current_status=TaskStatus.BLOCKED))
        .select_related("lead_agency", "accountable_person", "unit")
        .order_by("deadline", "pk")[:BOTTLENECK_LIMIT]
    )
