"""Writes of the imports: all rows or none, in bulk, with the owning apps' history kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pccc import selectors as pccc_selectors
from tasks.services import progress_report_submit, tasks_bulk_save

from .pccc_import import PcccImportPlan, pccc_import_save, plan_pccc_import
from .pccc_import import column_names as pccc_columns
from .task_import import CHANGED_FIELDS, TaskImportPlan, plan_task_import, planned_action_errors, planned_actions
from .uploads import SpreadsheetRefused, read_table

# A PCCC values file may hold this many rows even for a small grid (see pccc_import_apply).
PCCC_IMPORT_MIN_ROWS = 100


class TaskImportStale(Exception):
    """Confirming found rows that fail now, or no longer do what the preview showed; nothing was written.

    ``plan.errors`` lists every failing row; ``conflicts`` are those whose task was created,
    edited or removed by someone else since the preview (re-uploading shows what changes now).
    """

    def __init__(self, plan: TaskImportPlan, conflicts: list):
        super().__init__(plan.errors)
        self.plan = plan
        self.conflicts = conflicts


@transaction.atomic
def task_import_confirm(*, actor, programme, unit, table, planned: dict | None) -> tuple[int, int]:
    """Check the rows and write them, in one transaction: all or nothing.

    ``planned`` is what the preview promised (``task_import.planned_actions``), or None for
    a caller without a preview (the ``import_tasks`` command): then the plan made here, under
    the lock, is the one promised. The tasks the rows change are read under a row lock before
    the checks, so an edit cannot slip in between the checks and the write (on PostgreSQL;
    SQLite ignores the lock). A task created by someone else under a row's title during
    these few statements is not caught (there is no row to lock and titles are not unique):
    the import would then add a second task of that title. Raises TaskImportStale, writing
    nothing, when a row fails the rules now or its task was edited, created or removed since
    the preview. Returns (created, changed).
    """
    plan = plan_task_import(actor=actor, programme=programme, unit=unit, table=table, lock=True)
    if planned is None:
        planned = planned_actions(plan)  # nothing to compare with: no window since these checks
    conflicts = planned_action_errors(plan, planned)
    if plan.errors or conflicts:
        # Row order, as in the sheet; errors of the whole file first.
        plan.errors = sorted([*plan.errors, *conflicts], key=lambda e: e.row or 0)
        raise TaskImportStale(plan, conflicts)
    return task_import_commit(actor=actor, plan=plan)


@transaction.atomic
def task_import_commit(*, actor, plan: TaskImportPlan) -> tuple[int, int]:
    """Write the planned tasks through ``tasks.services.tasks_bulk_save`` (bulk, with history).

    Refuses a plan with errors. Returns (created, changed).
    """
    if plan.errors:
        raise ValidationError(_("Tệp còn lỗi nên chưa nhập dòng nào."))
    created, changed = tasks_bulk_save(
        actor=actor,
        new=[(p.task, p.coordinating) for p in plan.creates],
        changed=[(p.task, p.coordinating) for p in plan.changes],
        changed_fields=CHANGED_FIELDS,
    )
    # Rows that state the task's state (issue 15, item 3): one progress report each, through the
    # report service (its rules, the timeline, the history), in this same transaction.
    by_title = {(t.unit_id, t.title): t for t in created}
    for planned in plan.reports:
        task = planned.task if planned.task.pk else by_title[(planned.task.unit_id, planned.task.title)]
        report = planned.report
        progress_report_submit(
            actor=actor, task=task, percent=report.percent, status=report.status, block_reason=report.block_reason,
            note=_("Trạng thái nhập từ tệp Excel (số liệu ngày %(date)s).") % {"date": f"{report.data_date:%d/%m/%Y}"},
            data_date=report.data_date,
        )  # fmt: skip
    return len(created), len(changed)


def pccc_import_apply(
    *,
    user,
    data: bytes,
    criteria_set,
    unit,
    period,
    level: int | None,
    dry_run: bool = True,
    planned: dict | None = None,
) -> tuple[PcccImportPlan | None, list, int]:
    """Read a PCCC values file for ``unit`` (already scope-checked) at one level, check every cell and,
    unless ``dry_run`` (the preview), save them all or none through ``pccc.services``.

    ``level`` falls back as the grid's does (``pccc.selectors.grid_level_offered``). ``planned``
    (the preview's ``planned_cells``) refuses cells someone else saved since the preview.
    Returns (plan, errors, cells changed); the plan is None when the file itself is refused.
    """
    criteria = pccc_selectors.criteria_of(criteria_set)
    level = pccc_selectors.grid_level_offered(pccc_selectors.grid_levels_under(criteria, unit), level)
    grid = pccc_selectors.assessment_grid(criteria=criteria, root=unit, period=period, level=level)
    required, optional = pccc_columns(grid.criteria)
    # One row per unit of the grid and one spare, but never fewer than PCCC_IMPORT_MIN_ROWS:
    # a small grid's file with a few stray rows still gets a message per row (they cost nothing).
    max_rows = max(len(grid.units) + 1, PCCC_IMPORT_MIN_ROWS)
    too_many = _(
        "Tệp có hơn %(max)s dòng số liệu, nhiều hơn số đơn vị của bảng nhập liệu (%(units)s). "
        "Hãy dùng tệp xuất từ đúng bảng nhập liệu này."
    ) % {"max": max_rows, "units": len(grid.units)}
    try:
        table = read_table(data, required=required, optional=optional, max_rows=max_rows, too_many_rows=too_many)
        plan = plan_pccc_import(grid=grid, table=table)
    except SpreadsheetRefused as refused:
        return None, refused.errors, 0
    changed = pccc_import_save(
        user=user, criteria_set=criteria_set, root=unit, period=period, plan=plan, dry_run=dry_run, planned=planned
    )
    return plan, plan.errors, changed
