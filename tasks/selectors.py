"""Reads for the tasks pages, always scoped to the user's unit subtree, with a fixed number of queries."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, Min, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit
from provinces.search import fold
from provinces.selectors import unit_ids_in_scope, unit_visible_to, units_visible_to
from provinces.selectors import user_scope_filter as _unit_scope  # the one user-scope rule, under its old name here

from .choices import DONE_STATUSES, BlockReason, ExtensionStatus, TaskGroup, TaskStatus, UpdateKind
from .deadlines import due_soon_q, overdue_q
from .models import Agency, DeadlineExtensionRequest, EvidenceFile, Programme, ProgressUpdate, Task, TaskComment

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
    (``import_tasks --unit ~30``), the services, or the task form, whose chooser finds legacy
    units by search (``provinces.widgets.UnitOrLegacyUnitChoiceField``).
    """
    return units_visible_to(user).filter(valid_to__isnull=True).order_by("path")


def communes_of_province_of(user, unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """The current communes and wards of ``unit``'s province (``unit`` itself when it is one) in the
    user's scope: the targets of "copy to every commune"."""
    ancestors = AdministrativeUnit.objects.ancestors_of(unit, include_self=True)
    province = ancestors.filter(level=UnitLevel.PROVINCE).first()
    if province is None:
        return AdministrativeUnit.objects.none()
    return units_for_tasks(user).filter(province.subtree_filter(), level=UnitLevel.COMMUNE)


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
        tasks = tasks.filter(unit__in=unit_ids_in_scope(unit)) if unit else tasks.none()
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


def days_since(moment, today: datetime.date) -> int:
    """Whole days between ``moment`` (a datetime) and ``today``, in Vietnam's time zone."""
    return (today - timezone.localtime(moment).date()).days if moment else 0


def pending_completion_reports(task_ids) -> dict[int, ProgressUpdate]:
    """``{task id: the completion report awaiting verification}`` with author and evidence (two queries).

    The report awaiting verification is the task's latest entry, a report made when the task moved
    to awaiting verification: the one the verify service checks for four eyes.
    """
    task_ids = list(task_ids)
    if not task_ids:
        return {}
    reports = (
        ProgressUpdate.objects.filter(
            task__in=task_ids,
            task__awaiting_verification=True,
            kind=UpdateKind.REPORT,
            created_at=F("task__last_update_at"),
        )
        .select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=EvidenceFile.objects.order_by("id")))
        .order_by("task_id", "-id")
    )
    latest = {}
    for report in reports:
        latest.setdefault(report.task_id, report)
    return latest


def verification_queue_with_reports(user) -> list[Task]:
    """The verification queue with what the coordinator must read before confirming (three queries).

    Each task carries ``pending_report`` (the completion report waiting: reporter, note, evidence)
    and ``waiting_days`` (days since it was sent), so the queue can be worked without leaving it.
    """
    today = timezone.localdate()
    tasks = list(verification_queue(user))
    reports = pending_completion_reports(task.pk for task in tasks)
    for task in tasks:
        task.pending_report = reports.get(task.pk)
        task.waiting_days = days_since(task.last_update_at, today)
    return tasks


def overdue_by_unit(user) -> list[dict]:
    """Overdue tasks counted per unit (commune, ward or department's unit), most first, in one query."""
    return list(
        tasks_visible_to(user)
        .filter(overdue_q(timezone.localdate()))
        .order_by()
        .values("unit__code", "unit__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "unit__name")
    )


# Orderings of the task list (values of tasks.forms.TaskListForm.sort).
TASK_LIST_ORDERINGS = {
    "han": ("deadline", "id"),
    "han-muon-nhat": ("-deadline", "-id"),
    # Overdue first, the longest overdue (earliest deadline) at the top; then the rest by deadline.
    "qua-han-nhieu-nhat": ("-is_overdue_now", "deadline", "id"),
}


def task_list(user, *, search: str = "", title: str = "", sort: str = "han", **filters) -> QuerySet[Task]:
    """The task list: ``my_tasks`` with a diacritic-insensitive search, an exact title and a sort order.

    Every word of ``search`` must appear in the folded title ("cap phieu ly lich" finds "Cấp phiếu
    lý lịch tư pháp"); ``title`` keeps one task copied across units (a group's link).
    """
    tasks = my_tasks(user, **filters)
    for word in fold(search).split():
        tasks = tasks.filter(search_text__contains=word)
    if title:
        tasks = tasks.filter(title=title)
    ordering = TASK_LIST_ORDERINGS.get(sort, TASK_LIST_ORDERINGS["han"])
    if "-is_overdue_now" in ordering:
        tasks = tasks.alias(is_overdue_now=Case(When(overdue_q(timezone.localdate()), then=Value(1)), default=Value(0)))
    return tasks.order_by(*ordering)


def task_groups(tasks: QuerySet[Task]):
    """The same task across units, one row per (programme, title): "126 xã, phường · 98 quá hạn".

    Rows carry ``units`` (how many units hold it), ``overdue``, ``done``, ``total``, the earliest
    deadline and, for a single unit, its name; most overdue first. One query (plus the pager's count).
    """
    today = timezone.localdate()
    return (
        tasks.order_by()
        .values("programme_id", "programme__name", "title")
        .annotate(
            units=Count("unit_id", distinct=True),
            total=Count("pk"),
            overdue=Count("pk", filter=overdue_q(today)),
            done=Count("pk", filter=Q(current_status__in=DONE_STATUSES)),
            first_deadline=Min("deadline"),
            unit_name=Min("unit__name"),
        )
        .order_by("-overdue", "-units", "title", "programme_id")
    )


def task_comments(task: Task) -> list[TaskComment]:
    """The task's discussion, oldest first, with authors (one query)."""
    return list(task.comments.select_related("author").order_by("created_at", "id"))


def task_extension_requests(task: Task) -> list[DeadlineExtensionRequest]:
    """Every request for a new deadline of the task and its decision, newest first (one query)."""
    return list(task.extension_requests.select_related("requested_by", "decided_by").order_by("-requested_at", "-id"))


def extension_request_visible_to(user, pk) -> DeadlineExtensionRequest | None:
    """A request for a new deadline whose task the user may see; None otherwise (the view says 404)."""
    return (
        DeadlineExtensionRequest.objects.filter(pk=pk, task__in=tasks_visible_to(user).values("pk"))
        .select_related("task__unit")
        .first()
    )


def pending_extension_requests(user) -> QuerySet[DeadlineExtensionRequest]:
    """Requests for a new deadline waiting for the coordinator, oldest first."""
    return (
        DeadlineExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING, task__in=tasks_visible_to(user).values("pk")
        )
        .select_related("task", "task__unit", "requested_by")
        .order_by("requested_at", "id")
    )


def units_for_task_list(user, chosen_code: str = "") -> QuerySet[AdministrativeUnit]:
    """The units offered by the task list's commune chooser.

    A provincial user gets every current unit of their scope (one province: a few hundred). A national
    user would get all 3,355 on every list page, so they get the provinces, plus the communes of the
    province of the unit already chosen: choose a province, then a commune in it.
    """
    units = units_for_tasks(user)
    if user.unit_id is not None:
        return units
    chosen = units.filter(code=chosen_code).only("path").first() if chosen_code else None
    narrowing = Q(level=UnitLevel.PROVINCE)
    if chosen is not None:
        province_path = "/".join(chosen.path.split("/")[:2]) + "/"
        narrowing |= Q(path__startswith=province_path)
    return units.filter(narrowing)
