"""Writes of the imports: all rows or none, in bulk, with the owning apps' history kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tasks.models import Task

from .task_import import CHANGED_FIELDS, TaskImportPlan

BATCH = 500


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
    return len(created), len(changed)
