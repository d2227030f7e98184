"""Reads behind the exports: rows ready for a sheet, scoped by the selectors of the owning apps.

Each function runs a fixed number of queries; the task rows are read with ``iterator()``
so that a 50,000-row export never holds every task in memory.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dashboards.measures import WEIGHTED_PROGRESS_PERCENT
from dashboards.selectors import Dashboard
from pccc.evaluation import criterion_percent_places, percent
from pccc.models import Assessment, Criterion
from pccc.periods import Period
from pccc.selectors import GridData
from provinces.models import AdministrativeUnit
from tasks.choices import BlockReason, TaskGroup, TaskStatus
from tasks.deadlines import is_overdue

from .xlsx import Column, Percent

TASK_COLUMNS = [
    Column(_lazy("STT"), "number", 5),
    Column(_lazy("Nhiệm vụ"), "text", 40),
    Column(_lazy("Đề án, kế hoạch"), "text", 20),
    Column(_lazy("Đơn vị"), "text", 16),
    Column(_lazy("Nhóm nhiệm vụ"), "text", 20),
    Column(_lazy("Cơ quan chủ trì"), "text", 20),
    Column(_lazy("Người chịu trách nhiệm"), "text", 16),
    Column(_lazy("Ngày bắt đầu"), "date", 12),
    Column(_lazy("Thời hạn hoàn thành"), "date", 12),
    Column(_lazy("Trạng thái"), "text", 14),
    Column(_lazy("Tỷ lệ hoàn thành"), "percent", 10),
    Column(_lazy("Quá hạn"), "text", 8),
    Column(_lazy("Lý do vướng mắc"), "text", 14),
    Column(_lazy("Cập nhật lần cuối"), "date", 12),
]


TASK_FIELDS = (
    "title",
    "programme__name",
    "unit__name",
    "group",
    "lead_agency__name",
    "accountable_person__full_name",
    "accountable_person__username",
    "start_date",
    "deadline",
    "current_status",
    "current_percent",
    "current_block_reason",
    "last_update_at",
)


def task_rows(tasks) -> Iterator[tuple]:
    """Rows of the task sheet from a scoped, filtered queryset (one query, read in chunks)."""
    today = timezone.localdate()
    groups = {k: str(v) for k, v in TaskGroup.choices}
    statuses = {k: str(v) for k, v in TaskStatus.choices}
    reasons = {k: str(v) for k, v in BlockReason.choices}
    yes, no = _("Có"), _("Không")
    values = tasks.values_list(*TASK_FIELDS).iterator(chunk_size=2000)
    for i, row in enumerate(values, start=1):
        (title, programme, unit, group, agency, full_name, username, start, deadline, status, percent, reason, at) = row
        overdue = is_overdue(deadline=deadline, status=status, today=today)
        yield (
            i,
            title,
            programme,
            unit,
            groups.get(group, group),
            agency,
            full_name or username or "",
            start,
            deadline,
            statuses.get(status, status),
            percent / 100,
            yes if overdue else no,
            reasons.get(reason, ""),
            timezone.localdate(at) if at else None,
        )


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
