"""The dashboard "theo địa giới trước 01/07/2025": old provinces → districts, live from the records.

Snapshots are written for the current tree only, so the pre-reform view is computed when asked, as
of a date before the reform, with set-based queries over the legacy subtrees a scope carries (a
current province carries the old provinces whose default successor it is: Hải Phòng carries old
Hải Dương and old Hải Phòng). Three queries for the units and the tasks, three for PCCC, whatever
the number of units.

The rules are those of the nightly figures: a task's state as of the date is its latest official
update before the end of that day (an unverified completion report does not count; no update is
"chưa triển khai" at 0%), completion is weighted by the tasks' weights; a commune passes by
``pccc.evaluation.unit_passes`` on its latest month up to the date, and a district passes when all
of its communes pass (``pccc.selectors.legacy_district_passes``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from pccc.models import CriteriaSet
from pccc.selectors import criteria_set_chosen, legacy_pass_counts
from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit
from tasks.choices import DONE_STATUSES, UpdateKind
from tasks.models import ProgressUpdate, Task

# The last day of the structure before the reform: the view's default date and its latest.
REFORM_LAST_DAY = datetime.date(2025, 6, 30)


@dataclass
class LegacyFigures:
    """One old unit (province or district) as it stood on the date."""

    unit: AdministrativeUnit
    tasks_total: int = 0
    tasks_done: int = 0
    weight_sum: Decimal = Decimal(0)
    weighted_percent_sum: Decimal = Decimal(0)
    # PCCC: communes passing / reported / all; for a province also its districts.
    communes_passing: int = 0
    communes_reported: int = 0
    communes_total: int = 0
    districts_passing: int = 0
    districts_reported: int = 0
    districts_total: int = 0
    passes: bool | None = None  # a district: all its communes pass (None: none reported)

    @property
    def completion(self) -> Decimal | None:
        if not self.tasks_total or not self.weight_sum:
            return None
        return (self.weighted_percent_sum / self.weight_sum).quantize(Decimal("0.1"))


@dataclass
class LegacyProvince:
    figures: LegacyFigures
    districts: list[LegacyFigures] = field(default_factory=list)


@dataclass
class LegacyView:
    on: datetime.date
    provinces: list[LegacyProvince]
    criteria_set: CriteriaSet | None


def legacy_criteria_set(code: str) -> CriteriaSet | None:
    """The active criteria set with this code, else the first active one (one query)."""
    return criteria_set_chosen(list(CriteriaSet.objects.filter(is_active=True).order_by("name")), code)


def legacy_roots_for(unit: AdministrativeUnit | None) -> list[AdministrativeUnit]:
    """The old provinces a scope carries: every old province for the national view; for a current
    province those whose default successor it is; for an old province itself. One query."""
    provinces = AdministrativeUnit.objects.legacy().filter(level=UnitLevel.PROVINCE).order_by("name")
    if unit is None:
        return list(provinces)
    if unit.is_legacy:
        return [unit] if unit.level == UnitLevel.PROVINCE else []
    return list(provinces.filter(successor=unit))


def legacy_view(
    *, programme, unit: AdministrativeUnit | None, on: datetime.date, criteria_set: CriteriaSet | None
) -> LegacyView:
    """Figures of the old provinces carried by ``unit`` (already scope-checked) and of their districts, as of ``on``."""
    roots = legacy_roots_for(unit)
    if not roots:
        return LegacyView(on=on, provinces=[], criteria_set=criteria_set)
    subtrees = Q()
    for root in roots:
        subtrees |= root.subtree_filter()
    districts = list(AdministrativeUnit.objects.legacy().filter(subtrees, level=UnitLevel.DISTRICT).order_by("name"))
    figures = {u.path: LegacyFigures(unit=u) for u in [*roots, *districts]}
    if programme is not None:
        _add_tasks(figures, programme, roots, on)
    if criteria_set is not None:
        counts = legacy_pass_counts(criteria_set=criteria_set, roots=roots, up_to=on)
        for path, numbers in counts.items():
            for name, value in numbers.items():
                setattr(figures[path], name, value)
    return LegacyView(
        on=on,
        provinces=[
            LegacyProvince(
                figures=figures[root.path],
                districts=[figures[d.path] for d in districts if d.path.startswith(root.path)],
            )
            for root in roots
        ],
        criteria_set=criteria_set,
    )


def _add_tasks(figures: dict[str, LegacyFigures], programme, roots, on: datetime.date) -> None:
    """Each task of the programme in the old subtrees with its official state as of ``on``: one query.

    As the recompute: a task counts from its assignment date, in the state of its latest report
    with a data date on or before ``on``."""
    official = (
        ProgressUpdate.objects.filter(task=OuterRef("pk"), data_date__lte=on)
        .exclude(kind=UpdateKind.REPORT, status__in=DONE_STATUSES)
        .order_by("-data_date", "-created_at", "-id")
    )
    in_subtrees = Q()
    for root in roots:
        in_subtrees |= root.subtree_filter("unit")
    rows = (
        Task.objects.filter(in_subtrees, programme=programme, start_date__lte=on)
        .annotate(
            official_status=Subquery(official.values("status")[:1]),
            official_percent=Subquery(official.values("percent")[:1]),
        )
        .values_list("unit__path", "weight", "official_status", "official_percent")
    )
    totals = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    for path, weight, status, percent in rows:
        # The province and district a task belongs to are the first two segments after "/~/".
        for prefix in _legacy_prefixes(path):
            row = totals[prefix]
            row[0] += 1
            row[1] += status in DONE_STATUSES
            row[2] += Decimal(weight)
            row[3] += Decimal(weight) * (percent or 0)
    for path, (total, done, weight_sum, weighted) in totals.items():
        if path in figures:
            item = figures[path]
            item.tasks_total, item.tasks_done, item.weight_sum, item.weighted_percent_sum = (
                total,
                done,
                weight_sum,
                weighted,
            )


def _legacy_prefixes(path: str) -> list[str]:
    """``/~/36/365/14000/`` → ``["/~/36/", "/~/36/365/"]`` (province, district)."""
    parts = path.strip("/").split("/")  # ["~", "36", "365", "14000"]
    return ["/" + "/".join(parts[:n]) + "/" for n in (2, 3) if len(parts) >= n]
