"""Every write of the tasks app. Keyword-only, validated, scoped, atomic.

Rules enforced here (views, admin actions and the demo all come through):
- a user writes only inside their unit subtree and only with the right role;
- a progress update is appended, never edited; the task's ``current_*`` fields
  follow the latest update, written in the same transaction;
- "hoàn thành" means 100% and needs a result note; after the deadline it is
  recorded as "hoàn thành quá hạn"; "vướng mắc" needs a reason;
- a completion counts once the coordinator verifies it, or is returned with a reason.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from inputs.numbers import NumberError, parse_number
from notifications import services as notifications
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_within_scope
from provinces.services import unit_check_in_force
from roles.policy import can_coordinate, can_report

from .choices import DONE_STATUSES, REPORTABLE_STATUSES, BlockReason, ExtensionStatus, TaskStatus, UpdateKind
from .evidence import check_evidence_file, check_evidence_quota, evidence_names
from .models import Agency, DeadlineExtensionRequest, EvidenceFile, Programme, ProgressUpdate, Task, TaskComment

EDITABLE_FIELDS = (
    "programme",
    "unit",
    "group",
    "title",
    "description",
    "expected_result",
    "lead_agency",
    "accountable_person",
    "start_date",
    "deadline",
    "weight",
    "parent",
)


# The task's mirror of its latest ProgressUpdate; written only by _append() and progress_history_bulk_load().
_STATE_FIELDS = (
    "current_status",
    "current_percent",
    "current_block_reason",
    "awaiting_verification",
    "completion_verified",
    "last_update_at",
    "last_update_kind",
)


class TaskEditConflict(ValidationError):
    """Someone else saved the task after this editor opened it."""


# --- scope and role checks -------------------------------------------------


def _within(unit: AdministrativeUnit, other: AdministrativeUnit | None) -> bool:
    """``unit`` is ``other`` or below it; a legacy unit also counts as within its successor's subtree
    (old Hải Dương's tasks belong to Hải Phòng's coordinators, programmes and officers)."""
    return unit.is_within(other) or (unit.is_legacy and unit_within_scope(unit, other))


def _require_scope(actor, unit: AdministrativeUnit) -> None:
    if not _within(unit, actor.unit):
        raise PermissionDenied(_("Bạn không có quyền thao tác với nhiệm vụ của đơn vị này."))


def _require_reporter(actor, task: Task) -> None:
    if not can_report(actor):
        raise PermissionDenied(_("Chỉ cán bộ hoặc Thường trực mới được báo cáo tiến độ."))
    _require_scope(actor, task.unit)


def _require_coordinator(actor, unit: AdministrativeUnit) -> None:
    if not can_coordinate(actor):
        raise PermissionDenied(_("Chỉ Thường trực (cơ quan điều phối) mới được thực hiện thao tác này."))
    _require_scope(actor, unit)


def _on_branch(unit: AdministrativeUnit | None, task_unit: AdministrativeUnit) -> bool:
    """True when ``unit`` is national, an ancestor of ``task_unit``, or inside it."""
    return unit is None or _within(task_unit, unit) or unit.is_within(task_unit)


def _may_be_accountable(actor, person, unit: AdministrativeUnit) -> bool:
    """An active officer in the actor's scope, of the task's unit or a unit above it."""
    in_actor_scope = actor.unit_id is None or (person.unit is not None and person.unit.is_within(actor.unit))
    return person.is_active and in_actor_scope and _within(unit, person.unit)


def task_check_links(actor, task: Task, coordinating_agencies: Iterable[Agency]) -> None:
    """Programme, agencies, person and parent must belong with the task's unit."""
    errors = {
        **_branch_errors(actor, task, coordinating_agencies),
        **_parent_errors(task),
        **_schedule_errors(task),
    }
    if errors:
        raise ValidationError(errors)


def _branch_errors(actor, task: Task, coordinating_agencies: Iterable[Agency]) -> dict:
    """The programme, the agencies and the accountable person must be of the task's unit's branch."""
    errors = {}
    if task.programme_id and task.unit_id:
        if task.programme.unit is not None and not _within(task.unit, task.programme.unit):
            errors["programme"] = _("Đề án, kế hoạch này không áp dụng cho đơn vị đã chọn.")
    if task.lead_agency_id and task.unit_id and not _on_branch(task.lead_agency.unit, task.unit):
        errors["lead_agency"] = _("Cơ quan chủ trì không thuộc đơn vị của nhiệm vụ.")
    if task.unit_id and any(not _on_branch(a.unit, task.unit) for a in coordinating_agencies):
        errors["coordinating_agencies"] = _("Có cơ quan phối hợp không thuộc đơn vị của nhiệm vụ.")
    person = task.accountable_person
    if person is not None and task.unit_id and not _may_be_accountable(actor, person, task.unit):
        errors["accountable_person"] = _("Người chịu trách nhiệm phải là cán bộ của đơn vị này hoặc đơn vị cấp trên.")
    return errors


def _parent_errors(task: Task) -> dict:
    if not task.parent_id:
        return {}
    if task.parent.programme_id != task.programme_id or not _within(task.unit, task.parent.unit):
        return {"parent": _("Nhiệm vụ cha phải cùng đề án và thuộc cùng đơn vị hoặc đơn vị cấp trên.")}
    if task.pk and task.parent_id == task.pk:
        return {"parent": _("Nhiệm vụ không thể là nhiệm vụ cha của chính nó.")}
    return {}


def _schedule_errors(task: Task) -> dict:
    """Dates in order and within the unit's lifetime; a positive weight."""
    errors = {}
    if task.start_date and task.deadline and task.deadline < task.start_date:
        errors["deadline"] = _("Thời hạn hoàn thành không được trước ngày bắt đầu.")
    if task.unit_id and task.deadline:
        # A unit that ended on 30/06/2025 takes tasks of its own time only (a 2023 plan); a task
        # assigned or due after that belongs to the successor, which the message names.
        try:
            unit_check_in_force(unit=task.unit, on=task.deadline)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if task.weight is not None and Decimal(task.weight) <= 0:
        errors["weight"] = _("Trọng số phải là số dương.")
    return errors


# --- tasks -----------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor,
    programme: Programme,
    unit: AdministrativeUnit,
    group: str,
    title: str,
    lead_agency: Agency,
    start_date: datetime.date,
    deadline: datetime.date,
    description: str = "",
    expected_result: str = "",
    coordinating_agencies: Iterable[Agency] = (),
    accountable_person=None,
    weight: Decimal | int = 1,
    parent: Task | None = None,
    at: datetime.datetime | None = None,
) -> Task:
    """Create and assign a task in the actor's scope (coordinators only).

    ``at`` back-dates the creation (imports, demo data whose history starts months ago).
    """
    _require_coordinator(actor, unit)
    coordinating_agencies = list(coordinating_agencies)
    task = Task(
        programme=programme,
        unit=unit,
        group=group,
        title=title,
        description=description,
        expected_result=expected_result,
        lead_agency=lead_agency,
        accountable_person=accountable_person,
        start_date=start_date,
        deadline=deadline,
        weight=weight,
        parent=parent,
        created_at=at or timezone.now(),
    )
    task_check_links(actor, task, coordinating_agencies)
    task.full_clean()
    task._history_user = actor
    task.save()
    task.coordinating_agencies.set(coordinating_agencies)
    notifications.notify_task_assigned(task=task, actor=actor)
    return task


@transaction.atomic
def task_update(
    *, actor, task: Task, expected_version: int, coordinating_agencies: Iterable[Agency] | None = None, **changes
) -> Task:
    """Change a task's fields if nobody saved it since ``expected_version``; else raise TaskEditConflict."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"task_update() cannot change {sorted(unknown)}")
    _require_coordinator(actor, task.unit)
    for name, value in changes.items():
        setattr(task, name, value)
    _require_coordinator(actor, task.unit)
    agencies = list(task.coordinating_agencies.all()) if coordinating_agencies is None else list(coordinating_agencies)
    task_check_links(actor, task, agencies)
    task.full_clean(exclude=["version"])
    # Compare-and-swap on the version: works the same on SQLite and PostgreSQL.
    claimed = Task.objects.filter(pk=task.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        raise TaskEditConflict(
            _("Nhiệm vụ này đã có người sửa trong lúc bạn đang sửa. Nội dung bạn nhập vẫn được giữ lại bên dưới.")
        )
    fresh = Task.objects.values(*_STATE_FIELDS, "version").get(pk=task.pk)
    for name, value in fresh.items():
        setattr(task, name, value)
    task._history_user = actor
    task.save(update_fields=[*EDITABLE_FIELDS])
    if coordinating_agencies is not None:
        task.coordinating_agencies.set(agencies)
    notifications.notify_task_changed(task=task, actor=actor)
    return task


# --- the timeline ----------------------------------------------------------


def _lock(task: Task) -> Task:
    """Re-read the task under a row lock so concurrent reports are applied one after the other."""
    locked = Task.objects.select_for_update().select_related("unit").get(pk=task.pk)
    locked._history_user = getattr(task, "_history_user", None)
    return locked


def _append(
    task: Task, *, actor, kind: str, percent: int, status: str, note: str, block_reason: str = "", at=None,
    data_date: datetime.date | None = None,
):  # fmt: skip
    """Append one entry and make it the task's current state (caller holds the row lock).

    ``data_date`` defaults to the local date of the entry (see ProgressUpdate.save()).
    """
    update = ProgressUpdate(
        task=task,
        author=actor,
        created_at=at or timezone.now(),
        data_date=data_date,
        kind=kind,
        percent=percent,
        status=status,
        block_reason=block_reason,
        note=note,
    )
    update.full_clean()
    update.save()
    _take_state_of(task, update)
    task._history_user = actor
    # Not ``version``: a report does not conflict with someone editing the task's fields.
    task.save(update_fields=_STATE_FIELDS)
    return update


def _take_state_of(task: Task, update: ProgressUpdate) -> None:
    """A task's current state is its latest entry: the one rule of ``_append`` and the bulk history load."""
    task.current_status = update.status
    task.current_percent = update.percent
    task.current_block_reason = update.block_reason
    task.awaiting_verification = update.kind == UpdateKind.REPORT and update.status in DONE_STATUSES
    task.completion_verified = update.kind == UpdateKind.VERIFIED
    task.last_update_at = update.created_at
    task.last_update_kind = update.kind


def _parse_percent(value) -> int | None:
    """A whole number through the portal's strict parser (no int(Decimal("1e1000000"))); else None.

    Bounded loosely here: the caller says when it is outside 0–100.
    """
    try:
        return parse_number(value, min_value=-1000, max_value=1000)
    except NumberError:
        return None


def _check_report(task: Task, *, percent, status: str, note: str, block_reason: str, files) -> tuple:
    errors: dict[str, list] = {}
    number = _parse_percent(percent)
    if number is None:
        errors["percent"] = [_("Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100.")]
    elif not 0 <= number <= 100:
        errors["percent"] = [_("Tỷ lệ hoàn thành phải trong khoảng 0–100%.")]
    _check_status(errors, number=number, status=status, note=note, block_reason=block_reason)
    if task.completion_verified:
        errors["__all__"] = [_("Nhiệm vụ đã được xác nhận hoàn thành; cần Thường trực mở lại trước khi báo cáo tiếp.")]
    checked = []
    for upload in files:
        try:
            checked.append((upload, check_evidence_file(upload)))
        except ValidationError as error:
            errors.setdefault("evidence", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return number, checked


def _check_status(errors: dict, *, number: int | None, status: str, note: str, block_reason: str) -> None:
    """The status's own rules: done means 100% with a result note, blocked needs a reason, not started is 0%."""
    allowed = {value for value, _label in REPORTABLE_STATUSES} | {TaskStatus.DONE_LATE}
    if status not in allowed:
        errors["status"] = [_("Trạng thái không hợp lệ.")]
    elif status in DONE_STATUSES:
        if number is not None and number != 100 and "percent" not in errors:
            errors["percent"] = [_("Nhiệm vụ hoàn thành thì tỷ lệ phải là 100%.")]
        if not note.strip():
            errors["note"] = [_("Khi báo cáo hoàn thành, hãy mô tả kết quả, sản phẩm đầu ra.")]
    elif status == TaskStatus.BLOCKED and block_reason not in BlockReason.values:
        errors["block_reason"] = [_("Hãy chọn lý do vướng mắc.")]
    elif status == TaskStatus.NOT_STARTED and number and "percent" not in errors:
        errors["percent"] = [_("Nhiệm vụ chưa triển khai thì tỷ lệ hoàn thành là 0%.")]


def _check_data_date(actor, task: Task, data_date: datetime.date, entered_on: datetime.date) -> None:
    """The day a report describes [ngày số liệu]: not after its entry, not before the task was assigned
    nor before the task's latest entry (the timeline stays in order, so the latest entry is also the
    state as of any later day); more than PROGRESS_BACKDATE_DAYS back needs a coordinator."""
    message = None
    if data_date > entered_on:
        message = _("Ngày số liệu không được sau ngày hôm nay.")
    elif data_date < task.start_date:
        message = _("Ngày số liệu không được trước ngày giao nhiệm vụ (%(date)s).") % {
            "date": task.start_date.strftime("%d/%m/%Y")
        }
    else:
        latest = task.updates.order_by("-data_date").values_list("data_date", flat=True).first()
        if latest is not None and data_date < latest:
            message = _("Ngày số liệu không được trước ngày số liệu của báo cáo gần nhất (%(date)s).") % {
                "date": latest.strftime("%d/%m/%Y")
            }
        elif (entered_on - data_date).days > settings.PROGRESS_BACKDATE_DAYS and not can_coordinate(actor):
            message = _("Chỉ Thường trực mới được báo cáo số liệu của hơn %(days)s ngày trước.") % {
                "days": settings.PROGRESS_BACKDATE_DAYS
            }
    if message is not None:
        raise ValidationError({"data_date": [message]})


def progress_report_submit(
    *,
    actor,
    task: Task,
    percent,
    status: str,
    note: str = "",
    block_reason: str = "",
    files: Iterable = (),
    at: datetime.datetime | None = None,
    data_date: datetime.date | None = None,
) -> ProgressUpdate:
    """Append a progress report [báo cáo tiến độ] with its evidence files; all or nothing.

    ``at`` back-dates the entry (imports, demo data); pages leave it empty. ``data_date`` is the
    day the report describes (default: the local date of the entry); lateness is judged on it.
    A not-started report may carry a reason, like a blocked one ("chờ hướng dẫn của Trung ương").
    """
    _require_reporter(actor, task)
    files = list(files)
    stored = []
    try:
        with transaction.atomic():
            locked = _lock(task)
            number, checked = _check_report(
                locked, percent=percent, status=status, note=note, block_reason=block_reason, files=files
            )
            try:  # under the task's lock: two reports cannot both fit in the last of the quota
                check_evidence_quota(task=locked, user=actor, uploads=files)
            except ValidationError as error:
                raise ValidationError({"evidence": error.error_list}) from None
            when = at or timezone.now()
            data_date = data_date or timezone.localdate(when)
            _check_data_date(actor, locked, data_date, timezone.localdate(when))
            if status in DONE_STATUSES:
                late = data_date > locked.deadline
                status = TaskStatus.DONE_LATE if late else TaskStatus.DONE
            if status not in (TaskStatus.BLOCKED, TaskStatus.NOT_STARTED) or block_reason not in BlockReason.values:
                block_reason = ""
            update = _append(
                locked, actor=actor, kind=UpdateKind.REPORT, percent=number, status=status, note=note.strip(),
                block_reason=block_reason, at=when, data_date=data_date,
            )  # fmt: skip
            for upload, (content_type, extension) in checked:
                # Stored and downloaded with the extension of the checked content, never the uploader's.
                stored_name, shown_name = evidence_names(upload.name, extension)
                evidence = EvidenceFile(
                    update=update, original_name=shown_name, content_type=content_type, size=upload.size
                )
                evidence.file.save(stored_name, upload, save=False)
                stored.append(evidence.file.name)
                evidence.save()
    except Exception:
        # The rows were rolled back; do not leave their files behind.
        for name in stored:
            EvidenceFile._meta.get_field("file").storage.delete(name)
        raise
    _copy_state(locked, task)
    return update


def _copy_state(source: Task, target: Task) -> None:
    for name in (*_STATE_FIELDS, "version"):
        setattr(target, name, getattr(source, name))


def _percent_before_completion(task: Task) -> int:
    latest = (
        task.updates.exclude(status__in=DONE_STATUSES).order_by("-created_at", "-id").values_list("percent", flat=True)
    )
    return latest.first() or 0


@transaction.atomic
def progress_completion_verify(
    *, actor, task: Task, note: str = "", at: datetime.datetime | None = None
) -> ProgressUpdate:
    """The coordinator confirms a completion report [xác nhận]; it now counts in the figures.

    ``at`` back-dates the confirmation (imports, demo history); pages leave it empty.
    """
    _require_coordinator(actor, task.unit)
    locked = _lock(task)
    if not locked.awaiting_verification:
        raise ValidationError(_("Nhiệm vụ này không có báo cáo hoàn thành nào đang chờ xác nhận."))
    # Four eyes: the author of the completion report awaiting verification may not confirm it.
    completion = locked.updates.filter(kind=UpdateKind.REPORT).order_by("-created_at", "-id").first()
    if completion is not None and completion.author_id == actor.pk:
        raise ValidationError(
            _("Bạn không thể tự xác nhận báo cáo hoàn thành do chính mình gửi; cần một Thường trực khác xác nhận."),
            code="self_verification",
        )
    # The confirmation stands for the reported day: a 2023 completion verified today counts in 2023's figures.
    update = _append(
        locked, actor=actor, kind=UpdateKind.VERIFIED, percent=locked.current_percent, status=locked.current_status,
        note=note.strip(), at=at, data_date=completion.data_date if completion is not None else None,
    )  # fmt: skip
    notifications.notify_report_verified(task=locked, report=completion, actor=actor)
    _copy_state(locked, task)
    return update


@transaction.atomic
def progress_completion_return(*, actor, task: Task, reason: str) -> ProgressUpdate:
    """The coordinator returns a completion report [trả lại] with a reason; the task is back in progress."""
    _require_coordinator(actor, task.unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy nêu lý do trả lại báo cáo.")})
    locked = _lock(task)
    if not locked.awaiting_verification:
        raise ValidationError(_("Nhiệm vụ này không có báo cáo hoàn thành nào đang chờ xác nhận."))
    update = _append(
        locked, actor=actor, kind=UpdateKind.RETURNED, percent=_percent_before_completion(locked),
        status=TaskStatus.IN_PROGRESS, note=reason.strip(),
    )  # fmt: skip
    notifications.notify_report_returned(task=locked, returned=update, actor=actor)
    _copy_state(locked, task)
    return update


@transaction.atomic
def task_reopen(*, actor, task: Task, reason: str) -> ProgressUpdate:
    """Reopen a completed task [mở lại] with a reason; it goes back to "đang triển khai"."""
    _require_coordinator(actor, task.unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy nêu lý do mở lại nhiệm vụ.")})
    locked = _lock(task)
    if locked.awaiting_verification:
        raise ValidationError(_("Báo cáo hoàn thành đang chờ xác nhận: hãy xác nhận hoặc trả lại."))
    if locked.current_status not in DONE_STATUSES:
        raise ValidationError(_("Chỉ mở lại được nhiệm vụ đã hoàn thành."))
    update = _append(
        locked, actor=actor, kind=UpdateKind.REOPENED, percent=_percent_before_completion(locked),
        status=TaskStatus.IN_PROGRESS, note=reason.strip(),
    )  # fmt: skip
    _copy_state(locked, task)
    return update


# --- copying a programme's task list ----------------------------------------


def _depth_among(tasks) -> "Callable[[Task], int]":
    """Sort key: a task's depth below the tasks in ``tasks``, so parents are copied before children."""
    by_id = {t.pk: t for t in tasks}

    def depth(task: Task) -> int:
        level = 0
        while task.parent_id in by_id and level < len(by_id):
            task, level = by_id[task.parent_id], level + 1
        return level

    return depth


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


# Rows per INSERT/UPDATE of a copy; Django lowers it on SQLite to stay under 999 parameters.
COPY_BATCH = 500

# Not looked up again for each copy by full_clean() (a query per foreign key and per check
# constraint): the related rows were just read in this transaction, task_check_links() gives
# the constraints' messages (weight, deadline), and the database enforces the rest on INSERT.
_COPY_UNCHECKED_FIELDS = ["programme", "unit", "lead_agency", "accountable_person", "parent"]


@transaction.atomic
def programme_tasks_copy(
    *,
    actor,
    source_programme: Programme,
    source_unit: AdministrativeUnit,
    target_programme: Programme,
    target_unit: AdministrativeUnit,
    fallback_lead_agency: Agency | None = None,
) -> list[Task]:
    """Copy the task list of (programme, unit) to another unit and/or another year's programme.

    Dates move by the difference in years; copies start "chưa triển khai" with no
    history. Tasks whose title already exists at the target are skipped, so a second
    run adds nothing; their children go under that existing task. A lead agency that
    does not belong to the target unit is replaced by ``fallback_lead_agency``; such
    coordinating agencies are dropped. All or nothing, in a fixed number of queries
    per batch of ``COPY_BATCH`` rows, however many tasks and levels the list has.
    """
    (target,) = programme_tasks_copy_to_units(
        actor=actor,
        source_programme=source_programme,
        source_unit=source_unit,
        target_programme=target_programme,
        target_units=[target_unit],
        fallback_lead_agency=fallback_lead_agency,
    )
    return target.plan.created


@dataclass
class CopyTarget:
    """What copying the list does at one target unit: the copies, the titles skipped as already there,
    and the problems that stop the whole copy (shown in the preview, per target)."""

    unit: AdministrativeUnit
    plan: "_CopyPlan"

    @property
    def creates(self) -> int:
        return len(self.plan.created)

    @property
    def skipped(self) -> list[str]:
        return self.plan.skipped

    @property
    def problems(self) -> list[str]:
        return self.plan.problems


def programme_tasks_copy_plan(
    *,
    actor,
    source_programme: Programme,
    source_unit: AdministrativeUnit,
    target_programme: Programme,
    target_units: list[AdministrativeUnit],
    fallback_lead_agency: Agency | None = None,
) -> list[CopyTarget]:
    """The preview of copying (programme, unit)'s task list to each of ``target_units``: nothing is written.

    The rules of ``programme_tasks_copy`` for each target; the titles already at every target are
    read in one query, so previewing 126 communes costs the queries of one plus one per target only
    where a task's person or dates need their own check.
    """
    if not target_units:
        raise ValidationError({"target_units": _("Hãy chọn ít nhất một đơn vị đích.")})
    for target_unit in target_units:
        _check_copy_target(actor, source_programme, source_unit, target_programme, target_unit)
    sources = _copy_sources(source_programme, source_unit)
    for target_unit in target_units:
        _check_fallback_lead(sources, target_unit, fallback_lead_agency)
    existing: dict[int, dict[str, Task]] = {}
    at_targets = target_programme.tasks.filter(unit__in=target_units).select_related("unit").order_by("id")
    for task in at_targets:
        existing.setdefault(task.unit_id, {}).setdefault(task.title, task)  # the oldest, if a title is there twice
    now = timezone.now()
    targets = []
    for target_unit in target_units:
        plan = _CopyPlan(
            actor=actor,
            target_programme=target_programme,
            target_unit=target_unit,
            fallback_lead_agency=fallback_lead_agency,
            years=target_programme.year - source_programme.year,
            now=now,
        )
        plan.add_all(sources, existing.get(target_unit.pk, {}))
        targets.append(CopyTarget(unit=target_unit, plan=plan))
    return targets


@transaction.atomic
def programme_tasks_copy_to_units(
    *,
    actor,
    source_programme: Programme,
    source_unit: AdministrativeUnit,
    target_programme: Programme,
    target_units: list[AdministrativeUnit],
    fallback_lead_agency: Agency | None = None,
) -> list[CopyTarget]:
    """Copy (programme, unit)'s task list to every unit of ``target_units`` at once, as the preview
    (``programme_tasks_copy_plan``) showed it, planned again now: all targets or none, in one
    transaction; one INSERT per ``COPY_BATCH`` copies whatever the number of targets."""
    targets = programme_tasks_copy_plan(
        actor=actor,
        source_programme=source_programme,
        source_unit=source_unit,
        target_programme=target_programme,
        target_units=target_units,
        fallback_lead_agency=fallback_lead_agency,
    )
    problems = [problem for target in targets for problem in target.problems]
    if problems:
        raise ValidationError(problems)
    _insert_copies(actor, [target.plan for target in targets])
    return targets


def _copy_sources(source_programme: Programme, source_unit: AdministrativeUnit) -> list[Task]:
    sources = list(
        source_programme.tasks.filter(unit=source_unit)
        .select_related("lead_agency__unit", "accountable_person__unit", "parent")
        .prefetch_related("coordinating_agencies__unit")
        .order_by("start_date", "id")
    )
    if not sources:
        raise ValidationError(_("Đơn vị nguồn không có nhiệm vụ nào trong đề án này."))
    return sources


def _check_copy_target(actor, source_programme, source_unit, target_programme, target_unit) -> None:
    """Coordinators of both units only, to another place than the source, under a programme that applies."""
    _require_coordinator(actor, source_unit)
    _require_coordinator(actor, target_unit)
    if source_programme.pk == target_programme.pk and source_unit.pk == target_unit.pk:
        raise ValidationError(_("Hãy chọn đơn vị hoặc đề án đích khác với nguồn."))
    if target_programme.unit is not None and not target_unit.is_within(target_programme.unit):
        raise ValidationError({"target_programme": _("Đề án, kế hoạch đích không áp dụng cho đơn vị đích.")})


def _check_fallback_lead(sources: list[Task], target_unit: AdministrativeUnit, fallback: Agency | None) -> None:
    """A fallback lead agency of the target's branch is required when a source's lead is not of it."""
    needs_fallback = [t for t in sources if not _on_branch(t.lead_agency.unit, target_unit)]
    if needs_fallback and fallback is None:
        raise ValidationError(
            {
                "fallback_lead_agency": _(
                    "%(count)s nhiệm vụ có cơ quan chủ trì không thuộc đơn vị đích: hãy chọn cơ quan chủ trì thay thế."
                )
                % {"count": len(needs_fallback)}
            }
        )
    if needs_fallback and not _on_branch(fallback.unit, target_unit):
        raise ValidationError(
            {"fallback_lead_agency": _("Cơ quan chủ trì thay thế phải thuộc đơn vị đích hoặc đơn vị cấp trên.")}
        )


class _CopyPlan:
    """The copies of one ``programme_tasks_copy`` run, built parents first, before any write."""

    def __init__(self, *, actor, target_programme, target_unit, fallback_lead_agency, years: int, now):
        self.actor, self.target_programme, self.target_unit = actor, target_programme, target_unit
        self.fallback_lead_agency, self.years, self.now = fallback_lead_agency, years, now
        self.placed: dict[int, Task] = {}  # source id -> its copy, or the existing target task it was skipped for
        self.created: list[Task] = []
        self.partners: list[tuple[Task, list[Agency]]] = []
        self.pending_parents: list[tuple[Task, Task]] = []  # (copy, parent copy): linked once both have ids
        self.problems: list[str] = []
        self.skipped: list[str] = []  # titles already at the target

    def add_all(self, sources: list[Task], existing: dict[str, Task]) -> None:
        """Plan every source, parents first; a title already at the target is skipped (a rerun adds nothing)
        and its children go under the task already there."""
        for source in sorted(sources, key=_depth_among(sources)):
            if source.title in existing:
                self.placed[source.pk] = existing[source.title]
                self.skipped.append(source.title)
            else:
                self.add(source)

    def add(self, source: Task) -> None:
        """Plan the copy of ``source``, or note why it cannot be copied (the task named in each message)."""
        target_unit = self.target_unit
        on_branch = _on_branch(source.lead_agency.unit, target_unit)
        lead = source.lead_agency if on_branch else self.fallback_lead_agency
        person = source.accountable_person
        if person is not None and not _may_be_accountable(self.actor, person, target_unit):
            person = None  # left, moved, or not of the target unit: the copy waits for a new one
        parent = self.placed.get(source.parent_id)
        # A parent copied in this run has no id before the INSERT (and is at the target by construction).
        link_later = parent is not None and parent.pk is None
        copy = Task(
            programme=self.target_programme, unit=target_unit, group=source.group, title=source.title,
            description=source.description, expected_result=source.expected_result, lead_agency=lead,
            accountable_person=person, weight=source.weight, parent=None if link_later else parent,
            start_date=_shift_years(source.start_date, self.years),
            deadline=_shift_years(source.deadline, self.years), created_at=self.now,
        )  # fmt: skip
        coordinating = [a for a in source.coordinating_agencies.all() if _on_branch(a.unit, target_unit)]
        try:
            task_check_links(self.actor, copy, coordinating)
            copy.full_clean(exclude=_COPY_UNCHECKED_FIELDS, validate_constraints=False)
        except ValidationError as error:
            # The copy form has none of the task's fields: name the task in each message.
            self.problems += [_("Nhiệm vụ “%(title)s”: %(message)s") % {"title": source.title, "message": m}
                              for m in error.messages]  # fmt: skip
            return
        if link_later:
            self.pending_parents.append((copy, parent))
        self.placed[source.pk] = copy
        self.created.append(copy)
        self.partners.append((copy, coordinating))


def _insert_copies(actor, plans: list[_CopyPlan]) -> None:
    """Every level of the tree, for every target, in one INSERT, then one UPDATE gives the children of
    copies their parents' new ids: no round per level or target. Ids come back on PostgreSQL and
    SQLite ≥ 3.35."""
    created = [copy for plan in plans for copy in plan.created]
    pending_parents = [pair for plan in plans for pair in plan.pending_parents]
    if not created:
        return
    Task.objects.bulk_create(created, batch_size=COPY_BATCH)
    for copy, parent in pending_parents:
        copy.parent = parent
    Task.objects.bulk_update([copy for copy, _parent in pending_parents], ["parent"], batch_size=COPY_BATCH)
    # The same "+" record that task_create's save() leaves, taken once the parent is linked.
    Task.history.bulk_history_create(
        created, batch_size=COPY_BATCH, default_user=actor, default_date=plans[0].now, default_change_reason=None
    )
    through = Task.coordinating_agencies.through
    through.objects.bulk_create(
        [
            through(task_id=copy.pk, agency_id=agency.pk)
            for plan in plans
            for copy, agencies in plan.partners
            for agency in agencies
        ],
        batch_size=COPY_BATCH,
    )


# --- discussion and deadline extensions (issue 19) ---------------------------


def task_comment_add(*, actor, task: Task, body: str) -> TaskComment:
    """Add a message to the task's discussion [trao đổi]; officers and coordinators of its scope only.

    A comment is apart from the progress reports: it changes neither the task's state nor its figures.
    """
    _require_reporter(actor, task)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Hãy nhập nội dung trao đổi.")})
    comment = TaskComment(task=task, author=actor, body=body)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def deadline_extension_request(
    *, actor, task: Task, requested_deadline: datetime.date, reason: str
) -> DeadlineExtensionRequest:
    """An officer asks for a new deadline with a reason [đề nghị gia hạn]; the deadline itself does not move.

    Only for a task not yet done, to a date after its current deadline, one waiting request at a time.
    """
    _require_reporter(actor, task)
    locked = _lock(task)
    errors = {}
    if locked.current_status in DONE_STATUSES:
        errors[NON_FIELD_ERRORS] = _("Nhiệm vụ đã hoàn thành: không cần gia hạn.")
    if requested_deadline is None or requested_deadline <= locked.deadline:
        errors["requested_deadline"] = _("Thời hạn đề nghị phải sau thời hạn hiện tại (%(deadline)s).") % {
            "deadline": locked.deadline.strftime("%d/%m/%Y")
        }
    if not (reason or "").strip():
        errors["reason"] = _("Hãy nêu lý do đề nghị gia hạn.")
    if locked.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        errors[NON_FIELD_ERRORS] = _("Nhiệm vụ này đã có một đề nghị gia hạn đang chờ duyệt.")
    if errors:
        raise ValidationError(errors)
    request = DeadlineExtensionRequest(
        task=locked,
        requested_by=actor,
        current_deadline=locked.deadline,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def deadline_extension_decide(
    *, actor, extension: DeadlineExtensionRequest, approve: bool, note: str = ""
) -> DeadlineExtensionRequest:
    """The coordinator approves or refuses a request for a new deadline; a refusal needs a reason.

    An approval moves the task's deadline through ``task_update`` (scope, links, version, audit log),
    so no deadline ever changes without a trace.
    """
    task = extension.task
    _require_coordinator(actor, task.unit)
    locked = DeadlineExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if locked.status != ExtensionStatus.PENDING:
        raise ValidationError(_("Đề nghị gia hạn này đã được quyết định."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"decision_note": _("Hãy nêu lý do không đồng ý gia hạn.")})
    if approve:
        current = Task.objects.get(pk=task.pk)
        task_update(actor=actor, task=current, expected_version=current.version, deadline=locked.requested_deadline)
        task.deadline = current.deadline
        task.version = current.version
    locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.full_clean()
    locked.save()
    return locked


# --- bulk writes (the .xlsx import) ------------------------------------------

# Rows per INSERT/UPDATE of a bulk write; Django lowers it on SQLite to stay under 999 parameters.
BULK_BATCH = 500


@transaction.atomic
def tasks_bulk_save(
    *,
    actor,
    new: list[tuple[Task, list[Agency]]],
    changed: list[tuple[Task, list[Agency]]],
    changed_fields: Iterable[str],
    backdated: bool = False,
) -> tuple[list[Task], list[Task]]:
    """Insert ``new`` tasks and update ``changed_fields`` of ``changed`` ones, each with its coordinating
    agencies (replacing those of a changed task), in bulk: a fixed number of statements per
    ``BULK_BATCH`` rows. For the import, whose rows were each checked already
    (``task_check_links`` and the model's validation, by ``exports.task_import``).

    History is kept as for ``task_create``/``task_update``: one simple_history row per task, by
    ``actor``. A changed task's version moves on, so an editor who opened it before gets a
    conflict. Coordinators only, inside their scope. Returns (created, changed).

    ``backdated``: each new task keeps the ``created_at`` it carries (demo data and benchmark
    datasets, which build a past); the import leaves it off, so its tasks are created now.
    """
    _require_coordinator_of_every_unit(actor, [task for task, _agencies in [*new, *changed]])
    now = timezone.now()
    for task, _agencies in new:
        if not (backdated and task.created_at):
            task.created_at = now
    created = bulk_create_with_history(
        [task for task, _agencies in new], Task, batch_size=BULK_BATCH, default_user=actor, default_date=now
    )
    updated = [task for task, _agencies in changed]
    for task in updated:
        task.version += 1
    if updated:
        bulk_update_with_history(
            updated, Task, [*changed_fields, "version"], batch_size=BULK_BATCH, default_user=actor, default_date=now
        )
    _coordinating_agencies_replace(
        created_rows=created, rows=[*new, *changed], changed_ids=[task.pk for task in updated]
    )
    return created, updated


def _require_coordinator_of_every_unit(actor, tasks: Iterable[Task]) -> None:
    units = {}
    for task in tasks:
        if task.unit_id not in units:
            units[task.unit_id] = task.unit  # read once per unit, not per row
    for unit in units.values():
        _require_coordinator(actor, unit)


@transaction.atomic
def progress_history_bulk_load(*, actor, timelines: list[tuple[Task, list[ProgressUpdate]]]) -> int:
    """Append past timelines in bulk: each task's entries (oldest first), its state taken from the last.

    For demo data, which builds months of history for hundreds of tasks; ``progress_report_submit``
    one report at a time would make ``make demo`` slow. The entries are not validated one by one
    (the caller builds them), the state is ``_take_state_of`` as for a single report. Coordinators
    only, inside their scope. Returns the number of entries written.
    """
    _require_coordinator_of_every_unit(actor, [task for task, _timeline in timelines])
    entries = [entry for _task, timeline in timelines for entry in timeline]
    ProgressUpdate.objects.bulk_create(entries, batch_size=BULK_BATCH)
    moved = []
    for task, timeline in timelines:
        if timeline:
            _take_state_of(task, timeline[-1])
            moved.append(task)
    Task.objects.bulk_update(moved, _STATE_FIELDS, batch_size=BULK_BATCH)
    return len(entries)


def _coordinating_agencies_replace(*, created_rows: list[Task], rows, changed_ids: list[int]) -> None:
    """Drop the changed tasks' coordinating agencies, then link every row's own (once each)."""
    through = Task.coordinating_agencies.through
    for start in range(0, len(changed_ids), BULK_BATCH):
        through.objects.filter(task__in=changed_ids[start : start + BULK_BATCH]).delete()
    # bulk_create_with_history returns the rows with their ids (PostgreSQL, SQLite ≥ 3.35); the
    # objects passed in may lack them, so each new row is found back by (unit, title).
    by_title = {(t.unit_id, t.title): t for t in created_rows}
    links = []
    for task, agencies in rows:
        saved = task if task.pk else by_title[(task.unit_id, task.title)]
        links += [through(task_id=saved.pk, agency_id=a.pk) for a in {a.pk: a for a in agencies}.values()]
    through.objects.bulk_create(links, batch_size=BULK_BATCH)
