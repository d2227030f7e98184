"""Reads for the tasks pages, always scoped to the user's unit subtree, with a fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.models import AdministrativeUnit
from provinces.selectors import unit_scope_filter, unit_visible_to, units_visible_to

from .choices import BlockReason, TaskGroup, TaskStatus, UpdateKind
from .deadlines import due_soon_q, overdue_q
from .models import Agency, EvidenceFile, Programme, ProgressUpdate, Task

# Fields whose edits are shown in the task's audit log, in display order.
AUDITED_FIELDS = [
    "title",
    "group",
    "description",
    "expected_result",
    "lead_agency",
    "accountable_person",
    "start_date",
    "deadline",
    "weight",
    "parent",
    "unit",
    "programme",
    "current_status",
    "current_percent",
]


def _unit_scope(user, field: str) -> Q:
    """Rows whose ``field`` unit is in the user's subtree, or is a legacy unit whose successor is there
    (a Hải Phòng user sees old Hải Dương's tasks); nothing when the user's unit has no valid path."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.unit_id is None:
        return Q()
    return unit_scope_filter(user.unit, field)


def tasks_visible_to(user) -> QuerySet[Task]:
    """Tasks of the user's unit and every unit below it; all tasks for a national user."""
    return Task.objects.filter(_unit_scope(user, "unit"))


def task_visible_to(user, pk) -> Task | None:
    """The task with this id, or None whether it is missing or out of scope (the view says 404)."""
    return (
        tasks_visible_to(user)
        .select_related("programme", "unit", "lead_agency", "accountable_person", "parent")
        .filter(pk=pk)
        .first()
    )


def programmes_visible_to(user) -> QuerySet[Programme]:
    """National programmes, those issued by an ancestor of the user's unit, and those in the subtree;
    newest first. THE programme scope: task pages, dashboards, exports and imports all use it."""
    if user.unit_id is None:
        return Programme.objects.order_by("-year", "name")
    return (
        Programme.objects.filter(
            Q(unit__isnull=True) | Q(unit__path__in=user.unit.ancestor_paths()) | _unit_scope(user, "unit")
        )
        .select_related("unit")
        .order_by("-year", "name")
    )


def programme_visible_to(user, pk) -> Programme | None:
    """The programme with this id if the user may see it, else None (missing or out of scope alike)."""
    return programmes_visible_to(user).filter(pk=pk).first()


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Central ministries, agencies of the user's ancestors and of the user's subtree."""
    if user.unit_id is None:
        return Agency.objects.select_related("unit")
    return Agency.objects.filter(
        Q(unit__isnull=True) | Q(unit__path__in=user.unit.ancestor_paths()) | _unit_scope(user, "unit")
    ).select_related("unit")


def people_visible_to(user) -> QuerySet:
    """Active users inside the user's subtree, who may be made accountable for a task."""
    return get_user_model().objects.filter(_unit_scope(user, "unit"), is_active=True).order_by("full_name", "username")


def waiting_central_q() -> Q:
    """Blocked while waiting for central guidance [chờ hướng dẫn của Trung ương]."""
    return Q(current_status=TaskStatus.BLOCKED, current_block_reason=BlockReason.WAITING_CENTRAL)


def bottleneck_q(today: datetime.date, *, local_only: bool = False) -> Q:
    """Overdue or blocked [điểm nghẽn]; ``local_only`` leaves out those waiting for central guidance,
    which the dashboards list apart because no local agency can clear them."""
    bottleneck = overdue_q(today) | Q(current_status=TaskStatus.BLOCKED)
    return bottleneck & ~waiting_central_q() if local_only else bottleneck


# Values of the task list's "bottleneck" filter (links from the dashboards).
BOTTLENECK_ALL = "all"
BOTTLENECK_LOCAL = "local"


def units_for_tasks(user):
    """The units offered in the task forms' selects: current units in scope.

    Legacy units in scope (tasks of before 1 July 2025) are left out of these full-list selects: a
    national user would get 10,794 more options. Such tasks come through the import
    (``import_tasks --unit ~30``) and the services; choosing one in a form waits for the unit
    search chooser.
    """
    return units_visible_to(user).filter(valid_to__isnull=True).order_by("path")


def my_tasks(
    user,
    *,
    scope: str = "mine",
    programme_id: int | None = None,
    status: str = "",
    overdue: bool = False,
    due_soon: bool = False,
    unit_code: str = "",
    lead_agency_id: int | None = None,
    block_reason: str = "",
    bottleneck: str = "",
) -> QuerySet[Task]:
    """Tasks for "Việc của tôi", sorted by deadline, with what the list shows already joined.

    ``scope="mine"`` keeps the tasks where the user is accountable or works for the
    lead or a coordinating agency; ``scope="unit"`` keeps every task of the subtree.
    ``unit_code`` narrows to that unit's subtree (within the user's own), ``bottleneck`` to
    overdue or blocked tasks (BOTTLENECK_ALL, or BOTTLENECK_LOCAL without those waiting for
    central guidance): the dashboards link here for the full list behind each count.
    """
    tasks = tasks_visible_to(user)
    if scope == "mine":
        my_agencies = Agency.objects.filter(members=user).values("pk")
        tasks = tasks.filter(
            Q(accountable_person=user)
            | Q(lead_agency__in=my_agencies)
            | Q(pk__in=Task.coordinating_agencies.through.objects.filter(agency__in=my_agencies).values("task"))
        )
    today = timezone.localdate()
    if programme_id:
        tasks = tasks.filter(programme_id=programme_id)
    if status:
        tasks = tasks.filter(current_status=status)
    if overdue:
        tasks = tasks.filter(overdue_q(today))
    if unit_code:
        unit = unit_visible_to(user, unit_code)
        tasks = tasks.filter(unit_scope_filter(unit, "unit")) if unit else tasks.none()
    if lead_agency_id:
        tasks = tasks.filter(lead_agency_id=lead_agency_id)
    if block_reason:
        tasks = tasks.filter(current_status=TaskStatus.BLOCKED, current_block_reason=block_reason)
    if bottleneck in (BOTTLENECK_ALL, BOTTLENECK_LOCAL):
        tasks = tasks.filter(bottleneck_q(today, local_only=bottleneck == BOTTLENECK_LOCAL))
    if due_soon:
        tasks = tasks.filter(due_soon_q(today))
    return tasks.select_related("programme", "unit", "lead_agency", "accountable_person").order_by("deadline", "id")


def narrowing_filter_labels(
    user,
    *,
    unit_code: str = "",
    lead_agency_id: int | None = None,
    block_reason: str = "",
    bottleneck: str = "",
    **_other,
) -> list[str]:
    """What the dashboards' links narrowed the list to, in words, so the list says why it is short."""
    labels = []
    if unit_code:
        unit = unit_visible_to(user, unit_code)
        labels.append(_("Đơn vị: %(name)s") % {"name": unit.name if unit else unit_code})
    if lead_agency_id:
        agency = agencies_visible_to(user).filter(pk=lead_agency_id).first()
        labels.append(_("Cơ quan chủ trì: %(name)s") % {"name": agency.name if agency else lead_agency_id})
    if block_reason in BlockReason.values:
        labels.append(_("Vướng mắc: %(reason)s") % {"reason": BlockReason(block_reason).label})
    if bottleneck == BOTTLENECK_ALL:
        labels.append(_("Quá hạn hoặc vướng mắc"))
    elif bottleneck == BOTTLENECK_LOCAL:
        labels.append(_("Quá hạn hoặc vướng mắc (trừ chờ hướng dẫn của Trung ương)"))
    return labels


def task_counts(tasks: QuerySet[Task]) -> dict[str, int]:
    """Overdue, blocked and awaiting-verification counts of a task list, in one query."""
    today = timezone.localdate()
    return tasks.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        blocked=Count("pk", filter=Q(current_status=TaskStatus.BLOCKED)),
        awaiting=Count("pk", filter=Q(awaiting_verification=True)),
    )


def returned_reports_for(user, tasks: QuerySet[Task]) -> list[ProgressUpdate]:
    """Returns [trả lại] that are still the latest entry of one of these tasks: the officer's notifications."""
    return list(
        ProgressUpdate.objects.filter(
            kind=UpdateKind.RETURNED,
            task__in=tasks.order_by().values("pk"),
            task__last_update_kind=UpdateKind.RETURNED,
            created_at=F("task__last_update_at"),
        )
        .select_related("task", "author")
        .order_by("-created_at")[:20]
    )


def verification_queue(user) -> QuerySet[Task]:
    """Completion reports waiting for the coordinator, oldest first."""
    return (
        tasks_visible_to(user)
        .filter(awaiting_verification=True)
        .select_related("programme", "unit", "lead_agency", "accountable_person")
        .order_by("last_update_at", "id")
    )


def task_timeline(task: Task) -> list[ProgressUpdate]:
    """Every entry of the task's timeline, newest first, with authors and evidence (two queries)."""
    return list(
        task.updates.select_related("author").prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.order_by("id"))
        )
    )


def task_audit_log(task: Task, *, limit: int = 50) -> list[dict]:
    """Who changed which field of the task, when, old → new (from django-simple-history).

    Related rows show by name (unit, programme, agencies, person, parent task) and choices by
    their label, never as primary keys; the names are read in one query per kind of row that
    changed (none when only the status or the percent moved).
    """
    records = list(task.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    if not records:
        # Bulk-inserted tasks (demo communes, bulk imports) have no history row at all.
        return []
    labels = {name: Task._meta.get_field(name).verbose_name for name in AUDITED_FIELDS}
    # Compared by hand: simple-history's diff_against skips non-editable fields such as the status.
    attnames = [(name, Task._meta.get_field(name).attname) for name in AUDITED_FIELDS]
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            if len(records) > limit:
                break
            entries.append({"record": newer, "created": True, "changes": []})
            continue
        changes = [
            (name, getattr(older, attname), getattr(newer, attname))
            for name, attname in attnames
            if getattr(older, attname) != getattr(newer, attname)
        ]
        if changes:
            entries.append({"record": newer, "created": False, "changes": changes})
    names = _related_names(entries)
    for entry in entries:
        entry["changes"] = [
            (labels[name], _display(name, old, names), _display(name, new, names))
            for name, old, new in entry["changes"]
        ]
    return entries


def _related_names(entries: list[dict]) -> dict:
    """``{(field, pk): name}`` for the related rows that the entries' changes name, one query per kind."""
    ids: dict[str, set] = {}
    for entry in entries:
        for name, old, new in entry["changes"]:
            if name in _RELATED_NAME_QUERIES:
                ids.setdefault(name, set()).update({old, new} - {None})
    names = {}
    for field, pks in ids.items():
        for pk, name in _RELATED_NAME_QUERIES[field](pks):
            names[(field, pk)] = name
    return names


def _person_names(pks) -> list[tuple]:
    return [(p.pk, p.get_full_name() or p.get_username()) for p in get_user_model().objects.filter(pk__in=pks)]


# The audited foreign keys and how their names are read.
_RELATED_NAME_QUERIES = {
    "lead_agency": lambda pks: Agency.objects.filter(pk__in=pks).values_list("pk", "name"),
    "accountable_person": _person_names,
    "unit": lambda pks: AdministrativeUnit.objects.filter(pk__in=pks).values_list("pk", "name"),
    "programme": lambda pks: Programme.objects.filter(pk__in=pks).values_list("pk", "name"),
    "parent": lambda pks: Task.objects.filter(pk__in=pks).values_list("pk", "title"),
}


def _display(field: str, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field == "current_status":
        return str(TaskStatus(value).label)
    if field == "group":
        return str(TaskGroup(value).label)
    if field == "current_percent":
        return f"{value}%"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(names.get((field, value), value))


def evidence_visible_to(user, pk) -> EvidenceFile | None:
    """An evidence file whose task the user may see; None otherwise (the view says 404)."""
    return (
        EvidenceFile.objects.filter(pk=pk, update__task__in=tasks_visible_to(user).values("pk"))
        .select_related("update__task")
        .first()
    )
