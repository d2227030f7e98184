"""Writes of the imports: all rows or none, in bulk, with the owning apps' history kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tasks.models import Task
from tasks.services import progress_report_submit

from .task_import import CHANGED_FIELDS, TaskImportPlan, plan_task_import, planned_action_errors, planned_actions

BATCH = 500


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
    """Create and change the planned tasks (bulk INSERT/UPDATE plus their simple_history rows).

    Refuses a plan with errors. Returns (created, changed).
    """
    if plan.errors:
        raise ValidationError(_("Tệp còn lỗi nên chưa nhập dòng nào."))
    now = timezone.now()
    new = [p.task for p in plan.creates]
    for task in new:
        task.created_at = now
    created = bulk_create_with_history(new, Task, batch_size=BATCH, default_user=actor, default_date=now)
    changed = [p.task for p in plan.changes]
    for task in changed:
        task.version += 1
    if changed:
        bulk_update_with_history(
            changed, Task, [*CHANGED_FIELDS, "version"], batch_size=BATCH, default_user=actor, default_date=now
        )
    through = Task.coordinating_agencies.through
    ids = [t.pk for t in changed]
    for start in range(0, len(ids), BATCH):
        through.objects.filter(task__in=ids[start : start + BATCH]).delete()
    by_title = {(t.unit_id, t.title): t for t in created}
    links = []
    for planned in [*plan.creates, *plan.changes]:
        task = planned.task if planned.task.pk else by_title[(planned.task.unit_id, planned.task.title)]
        links += [through(task_id=task.pk, agency_id=a.pk) for a in {a.pk: a for a in planned.coordinating}.values()]
    through.objects.bulk_create(links, batch_size=BATCH)
    # Rows that state the task's state (issue 15, item 3): one progress report each, through the
    # report service (its rules, the timeline, the history), in this same transaction.
    for planned in plan.reports:
        task = planned.task if planned.task.pk else by_title[(planned.task.unit_id, planned.task.title)]
        report = planned.report
        progress_report_submit(
            actor=actor, task=task, percent=report.percent, status=report.status, block_reason=report.block_reason,
            note=_("Trạng thái nhập từ tệp Excel (số liệu ngày %(date)s).") % {"date": f"{report.data_date:%d/%m/%Y}"},
            data_date=report.data_date,
        )  # fmt: skip
    return len(created), len(changed)
