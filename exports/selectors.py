"""Reads behind the exports: rows ready for a sheet, scoped by the selectors of the owning apps.

Each function runs a fixed number of queries; the task rows are read with ``iterator()``
so that a 50,000-row export never holds every task in memory.
"""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.measures import WEIGHTED_PROGRESS_PERCENT
from dashboards.selectors import Dashboard
from pccc.evaluation import criterion_percent_places, percent
from pccc.models import Assessment, Criterion
from pccc.periods import Period
from pccc.selectors import GridData
from provinces.models import AdministrativeUnit
from tasks.choices import BlockReason, TaskGroup, TaskStatus
from tasks.deadlines import is_overdue
from tasks.models import Task

from . import task_import
from .xlsx import Column, Percent


def task_columns() -> list[Column]:
    """The task sheet's columns: the import's columns (same headers, unit codes and user names beside the
    names people read) plus a few shown only, which the import reads past; an exported list can be
    edited and imported back as is."""
    return [
        Column(task_import.ROW_NUMBER, "number", 5),
        Column(task_import.TITLE, "text", 40),
        Column(task_import.PROGRAMME, "text", 20),
        Column(task_import.UNIT, "text", 10),
        Column(task_import.UNIT_NAME, "text", 16),
        Column(task_import.GROUP, "text", 20),
        Column(task_import.LEAD, "text", 20),
        Column(task_import.COORDINATING, "text", 20),
        Column(task_import.PERSON, "text", 14),
        Column(task_import.PERSON_NAME, "text", 16),
        Column(task_import.START, "date", 12),
        Column(task_import.DEADLINE, "date", 12),
        Column(task_import.WEIGHT, "general", 8),
        Column(task_import.DESCRIPTION, "text", 24),
        Column(task_import.RESULT, "text", 20),
        Column(task_import.STATUS, "text", 14),
        Column(task_import.PERCENT, "number", 10),
        Column(task_import.REASON, "text", 14),
        # Left empty: a state edited in the file is then reported as of the day of the import.
        Column(task_import.DATA_DATE, "date", 12),
        Column(task_import.OVERDUE, "text", 8),
        Column(task_import.LAST_UPDATE, "date", 12),
    ]


TASK_FIELDS = (
    "pk",
    "title",
    "programme__name",
    "unit__code",
    "unit__name",
    "group",
    "lead_agency__name",
    "accountable_person__username",
    "accountable_person__full_name",
    "start_date",
    "deadline",
    "weight",
    "description",
    "expected_result",
    "current_status",
    "current_percent",
    "current_block_reason",
    "last_update_at",
)
ROWS_PER_READ = 2000  # tasks read at once; their coordinating agencies are read with them


def task_rows(tasks) -> Iterator[tuple]:
    """Rows of the task sheet from a scoped, filtered queryset, in its order.

    Two queries per ``ROWS_PER_READ`` tasks (the tasks, then their coordinating agencies), so that a
    50,000-row export never holds every task in memory.
    """
    today = timezone.localdate()
    groups = {k: str(v) for k, v in TaskGroup.choices}
    statuses = {k: str(v) for k, v in TaskStatus.choices}
    reasons = {k: str(v) for k, v in BlockReason.choices}
    yes, no = _("Có"), _("Không")
    values = tasks.values_list(*TASK_FIELDS).iterator(chunk_size=ROWS_PER_READ)
    number = 0
    while chunk := list(islice(values, ROWS_PER_READ)):
        partners = _coordinating_names([row[0] for row in chunk])
        for row in chunk:
            (pk, title, programme, code, unit, group, agency, username, full_name, start, deadline, weight,
             description, result, status, percent, reason, at) = row  # fmt: skip
            number += 1
            overdue = is_overdue(deadline=deadline, status=status, today=today)
            yield (
                number, title, programme, code, unit, groups.get(group, group), agency, "; ".join(partners[pk]),
                username or "", full_name or "", start, deadline, weight, description, result,
                statuses.get(status, status), percent, reasons.get(reason, ""), None,
                yes if overdue else no, timezone.localdate(at) if at else None,
            )  # fmt: skip


def _coordinating_names(task_ids: list[int]) -> dict[int, list[str]]:
    """The coordinating agencies' names of each task, by name (one query)."""
    names = defaultdict(list)
    through = Task.coordinating_agencies.through.objects.filter(task_id__in=task_ids)
    for task_id, name in through.values_list("task_id", "agency__name").order_by("agency__name", "agency_id"):
        names[task_id].append(name)
    return names


def grid_columns(criteria: list[Criterion]) -> list[tuple[Criterion | None, str, Column]]:
    """The PCCC sheet's columns: (criterion, part, column); the same headers make the import template."""
    columns = [
        (None, "code", Column(_("Mã đơn vị"), "text", 10)),
        (None, "name", Column(_("Tên đơn vị"), "text", 24)),
    ]
    for c in criteria:
        label = f"{c.code}. {c.column_title}"
        if c.is_ratio:
            columns += [
                (c, "value", Column(f"{label} – {c.numerator_label or _('Tử số')}", "number", 12)),
                (c, "denominator", Column(f"{label} – {c.denominator_label or _('Mẫu số')}", "number", 12)),
                (c, "rate", Column(f"{label} – {_('Tỷ lệ')}", "percent", 10)),
            ]
        elif c.is_count:
            columns.append((c, "value", Column(f"{label} – {c.measure or _('Số lượng')}", "number", 12)))
        else:
            columns.append((c, "answer", Column(f"{label} – {_('Có/Không')}", "text", 12)))
        columns.append((c, "evidence", Column(f"{label} – {_('Minh chứng')}", "text", 16)))
    return columns


def grid_rows(grid: GridData, columns) -> Iterator[tuple]:
    """One row per unit with its stored values (no query: ``grid`` is already read)."""
    yes, no = _("Có"), _("Không")
    for unit in grid.units:
        row = []
        for criterion, part, _column in columns:
            if criterion is None:
                row.append(unit.code if part == "code" else unit.name)
                continue
            stored = grid.values.get((criterion.pk, unit.pk))
            if stored is None:
                row.append(None)
            elif part == "rate":
                row.append(_rate(criterion, stored))
            elif part == "answer":
                row.append(None if stored.answer is None else yes if stored.answer else no)
            else:
                row.append(getattr(stored, part) or ("" if part == "evidence" else getattr(stored, part)))
        yield tuple(row)


def _rate(criterion: Criterion, stored) -> Percent | None:
    """The ratio as a fraction with as many decimals as the pages show (``pccc.evaluation``)."""
    ratio = percent(stored.value, stored.denominator)
    if ratio is None:
        return None
    shown, decimals = criterion_percent_places(criterion, ratio)
    return Percent(float(shown / 100), decimals)


def current_assessment_ids_for_update(*, root: AdministrativeUnit, period: Period, cells) -> dict[tuple[int, int], int]:
    """``{(criterion_id, unit_id): id}`` of the current PCCC values of ``cells`` under ``root`` (already
    scope-checked), read under a row lock: call inside a transaction. One query.

    Only the assessment rows are locked (not the units joined in for the scope), in id
    order so that two imports over the same cells queue rather than deadlock.
    """
    cells = set(cells)
    rows = (
        Assessment.objects.current()
        .filter(
            period=period.key,
            criterion__in={c for c, _u in cells},
            unit__in={u for _c, u in cells},
            unit__path__startswith=root.path,
        )
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "criterion_id", "unit_id")
    )
    return {(criterion, unit): pk for pk, criterion, unit in rows if (criterion, unit) in cells}


def ranking_columns() -> list[Column]:
    return [
        Column(_("Hạng"), "number", 6),
        Column(_("Đơn vị"), "text", 24),
        Column(str(WEIGHTED_PROGRESS_PERCENT), "percent", 12),
        Column(_("Thay đổi 7 ngày"), "percent", 12),
        Column(_("Thay đổi 30 ngày"), "percent", 12),
        Column(_("Tổng số nhiệm vụ"), "number", 10),
        Column(_("Đã triển khai"), "number", 10),
        Column(_("Tỷ lệ đã triển khai (%)"), "percent", 12),
        Column(_("Quá hạn"), "number", 8),
        Column(_("Vướng mắc"), "number", 8),
        Column(_("Đơn vị đạt PCCC (%)"), "percent", 12),
    ]


def _fraction(value: Decimal | None) -> float | None:
    return None if value is None else float(value) / 100


def ranking_rows(board: Dashboard) -> list[tuple]:
    """The dashboard's ranking (already read by ``dashboards.selectors.dashboard``)."""
    rows = []
    for i, row in enumerate(board.ranking, start=1):
        snap = row.snapshot
        rows.append(
            (
                i,
                row.unit.name,
                _fraction(row.completion),
                _fraction(row.change_7),
                _fraction(row.change_30),
                snap.tasks_total if snap else None,
                snap.tasks_started if snap else None,
                _fraction(snap.started_share) if snap else None,
                row.overdue,
                snap.tasks_blocked if snap else None,
                _fraction(row.pccc_rate),
            )
        )
    return rows
