"""Importing tasks from the .xlsx template: read, plan (every row checked), then commit in bulk.

Planning runs a fixed number of queries whatever the number of rows: units, agencies,
people and existing tasks are read once into dictionaries. Each row is checked with the
tasks app's own rules (``tasks.services.check_task_links`` and the model's field
validation); a row whose title already exists for its unit in the programme changes
that task, any other row creates one.

The preview's plan is remembered per row (``planned_actions``); the confirmation plans
again and refuses rows whose action moved since (``planned_action_errors``), so that an
edit or a new task by someone else in between is never silently overwritten.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inputs.numbers import NumberError, decimal_field_range, parse_number
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_within_scope, units_visible_to
from roles import policy
from tasks import selectors as task_selectors
from tasks.choices import DONE_STATUSES, BlockReason, TaskGroup, TaskStatus
from tasks.models import Programme, Task
from tasks.services import task_check_links as check_task_links

from .uploads import CellError

TITLE = _lazy("Nhiệm vụ")
GROUP = _lazy("Nhóm nhiệm vụ")
UNIT = _lazy("Mã đơn vị")
LEAD = _lazy("Cơ quan chủ trì")
COORDINATING = _lazy("Cơ quan phối hợp")
PERSON = _lazy("Người chịu trách nhiệm (tên đăng nhập)")
START = _lazy("Ngày bắt đầu")
DEADLINE = _lazy("Thời hạn hoàn thành")
WEIGHT = _lazy("Trọng số")
DESCRIPTION = _lazy("Nội dung, cách thức thực hiện")
RESULT = _lazy("Sản phẩm đầu ra")
# Optional state of the task as it stood on a date (issue 15, item 3): a row that fills them is
# also written as a progress report, so a whole year's plan can be imported as it stood.
STATUS = _lazy("Trạng thái")
PERCENT = _lazy("Tỷ lệ hoàn thành (%)")
REASON = _lazy("Lý do vướng mắc / chưa triển khai")
DATA_DATE = _lazy("Ngày số liệu")

BATCH = 500
MAX_ROWS = 5_000  # tasks in one file: a province's whole year fits, a runaway sheet does not
REQUIRED_COLUMNS = [TITLE, GROUP, LEAD, START, DEADLINE]
OPTIONAL_COLUMNS = [UNIT, COORDINATING, PERSON, WEIGHT, DESCRIPTION, RESULT, STATUS, PERCENT, REASON, DATA_DATE]
ALL_COLUMNS = [
    TITLE, GROUP, UNIT, LEAD, COORDINATING, PERSON, START, DEADLINE, WEIGHT, DESCRIPTION, RESULT,
    STATUS, PERCENT, REASON, DATA_DATE,
]  # fmt: skip
STATE_COLUMNS = [STATUS, PERCENT, REASON, DATA_DATE]
# The statuses a row may state, by their label; "hoàn thành quá hạn" is a completion whose lateness
# the report service judges from the data date and the deadline, as for a report typed on the page.
IMPORTABLE_STATUSES = [
    TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.DONE_LATE, TaskStatus.BLOCKED
]  # fmt: skip
# A not-started task may carry a reason (e.g. "chờ hướng dẫn của Trung ương"), as a blocked one must.
STATUSES_WITH_REASON = (TaskStatus.NOT_STARTED, TaskStatus.BLOCKED)


class _ColumnNames(NamedTuple):
    title: str
    group: str
    unit: str
    lead: str
    coordinating: str
    person: str
    start: str
    deadline: str
    weight: str
    description: str
    result: str
    status: str
    percent: str
    reason: str
    data_date: str


def _column_names() -> _ColumnNames:
    """The headers in the active language, translated once per file rather than for every cell."""
    return _ColumnNames(*(str(column) for column in ALL_COLUMNS))


CHANGED_FIELDS = [
    "group",
    "lead_agency",
    "accountable_person",
    "start_date",
    "deadline",
    "weight",
    "description",
    "expected_result",
]
FIELD_COLUMNS = {
    "title": TITLE,
    "group": GROUP,
    "unit": UNIT,
    "programme": UNIT,
    "lead_agency": LEAD,
    "coordinating_agencies": COORDINATING,
    "accountable_person": PERSON,
    "start_date": START,
    "deadline": DEADLINE,
    "weight": WEIGHT,
    "description": DESCRIPTION,
    "expected_result": RESULT,
}


@dataclass(frozen=True)
class PlannedReport:
    """The state a row gives its task, written as a progress report (with history) on confirmation."""

    status: str
    percent: int
    block_reason: str
    data_date: datetime.date

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def reason_label(self) -> str:
        return str(dict(BlockReason.choices).get(self.block_reason, self.block_reason))


@dataclass
class PlannedTask:
    row: int
    task: Task
    coordinating: list
    is_new: bool
    changed_fields: list[str] = field(default_factory=list)  # labels of what a change row alters
    report: PlannedReport | None = None  # the state to report; None when the row states none or the same


@dataclass
class TaskImportPlan:
    """What confirming would do; ``errors`` non-empty means nothing may be saved."""

    programme: Programme
    unit: AdministrativeUnit
    rows: list[PlannedTask] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def creates(self) -> list[PlannedTask]:
        return [r for r in self.rows if r.is_new]

    @property
    def changes(self) -> list[PlannedTask]:
        return [r for r in self.rows if not r.is_new and r.changed_fields]

    @property
    def reports(self) -> list[PlannedTask]:
        """Rows whose stated state is written as a progress report."""
        return [r for r in self.rows if r.report is not None]

    @property
    def unchanged(self) -> list[PlannedTask]:
        """Rows identical to the task already stored: nothing is written for them."""
        return [r for r in self.rows if not r.is_new and not r.changed_fields and r.report is None]


def column_names() -> tuple[list[str], list[str]]:
    return [str(c) for c in REQUIRED_COLUMNS], [str(c) for c in OPTIONAL_COLUMNS]


class _Lookups:
    """Everything a row may name, read once (five queries, plus one per 500 existing tasks the file names).

    With ``lock`` (inside a transaction) the named tasks are read under a row lock, so that
    nobody edits them between the confirmation's checks and its write.
    """

    def __init__(self, actor, programme: Programme, unit: AdministrativeUnit, titles: set[str], *, lock: bool = False):
        self.units = {u.code: u for u in units_visible_to(actor).filter(path__startswith=unit.path)}
        self.agencies: dict[str, list] = {}
        for agency in task_selectors.agencies_visible_to(actor):
            self.agencies.setdefault(agency.name.casefold(), []).append(agency)
        people = task_selectors.people_visible_to(actor).select_related("unit")
        self.people = {p.username.casefold(): p for p in people}
        # Only the tasks the file names are loaded whole: a programme may already hold 50,000.
        existing = Task.objects.filter(programme=programme, unit__path__startswith=unit.path)
        ids = [pk for pk, title in existing.values_list("pk", "title").iterator() if title.casefold() in titles]
        self.tasks = {}
        for start in range(0, len(ids), BATCH):
            # task_check_links reads these relations on every changed row.
            batch = Task.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                "unit", "programme__unit", "parent__unit"
            )
            if lock:
                # Only the task rows: not the units and programme joined in for the checks.
                batch = batch.select_for_update(of=("self",))
            for task in batch.prefetch_related("coordinating_agencies"):
                self.tasks[(task.unit_id, task.title.casefold())] = task
        groups = {str(label).casefold(): value for value, label in TaskGroup.choices}
        self.groups = groups | {value: value for value in TaskGroup.values}
        self.statuses = _by_label_or_value([(s.value, s.label) for s in IMPORTABLE_STATUSES])
        self.reasons = _by_label_or_value(BlockReason.choices)

    def agency(self, name: str, unit: AdministrativeUnit):
        """The agency with this name on the unit's branch, the closest one first."""
        candidates = [
            a for a in self.agencies.get(name.casefold(), []) if a.unit is None or unit.is_within(a.unit)
        ] or [a for a in self.agencies.get(name.casefold(), []) if a.unit.is_within(unit)]
        return max(candidates, key=lambda a: len(a.unit.path) if a.unit else 0, default=None)


def _by_label_or_value(choices) -> dict[str, str]:
    """A choice by its Vietnamese label (any case) or its stored value."""
    return {str(label).casefold(): value for value, label in choices} | {value: value for value, _label in choices}


def _date(value, column, row, errors):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None:
        errors.append(CellError(row, column, _("Thông tin này là bắt buộc.")))
    else:
        errors.append(
            CellError(
                row,
                column,
                _(
                    "“%(value)s” không phải là ô ngày tháng của Excel; "
                    "hãy nhập ngày dạng dd/mm/yyyy trong ô định dạng Ngày."
                )
                % {"value": value},
            )
        )
    return None


def _weight(value, row, errors):
    """The weight in the model's range (``inputs.numbers``: "2,5" or 2.5; no exponent), else an error."""
    if value is None:
        return Decimal(1)
    try:
        weight = parse_number(value, **decimal_field_range(Task._meta.get_field("weight")))
    except NumberError as error:
        errors.append(CellError(row, str(WEIGHT), str(error)))
        return None
    if not weight:
        errors.append(CellError(row, str(WEIGHT), _("Trọng số phải là một số dương.")))
        return None
    return weight


def _state_percent(value, column: str, row: int, errors) -> int | None:
    """A whole percentage 0–100 ("40", 40, "40%"); None when empty or wrong (with the error)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().removesuffix("%").strip()
    try:
        return parse_number(text, max_value=100)
    except NumberError:
        errors.append(CellError(row, column, _("Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100.")))
        return None


def _plan_report(look, names, row, values, task: Task, today: datetime.date, errors) -> PlannedReport | None:
    """The state the row states for ``task``, checked against itself and the task's dates.

    None when the row leaves the four state columns empty, or states the task's current state
    (importing the same file twice writes no second report). Errors name the row and column:
    a status and a percentage that contradict each other, a reason on a status that has none,
    a data date in the future or before the task's start.
    """
    raw = {column: values.get(column) for column in (names.status, names.percent, names.reason, names.data_date)}
    if all(value is None or str(value).strip() == "" for value in raw.values()):
        return None
    before = len(errors)
    status_text = str(raw[names.status] or "").strip()
    status = look.statuses.get(status_text.casefold())
    if not status_text:
        errors.append(CellError(row, names.status, _("Hãy ghi trạng thái khi ghi tỷ lệ, lý do hoặc ngày số liệu.")))
    elif status is None:
        errors.append(
            CellError(
                row,
                names.status,
                _("Trạng thái “%(value)s” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).")
                % {"value": status_text},
            )
        )
    percent = _state_percent(raw[names.percent], names.percent, row, errors)
    reason_text = str(raw[names.reason] or "").strip()
    reason = look.reasons.get(reason_text.casefold()) if reason_text else ""
    if reason is None:
        errors.append(
            CellError(
                row,
                names.reason,
                _("Lý do “%(value)s” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).")
                % {"value": reason_text},
            )
        )
    data_date = raw[names.data_date]
    if data_date is None or str(data_date).strip() == "":
        data_date = today
    else:
        data_date = _date(data_date, names.data_date, row, errors)
    if len(errors) > before or status is None:
        return None
    if status == TaskStatus.DONE_LATE:
        status = TaskStatus.DONE  # late or not: judged by the report service from the data date
    label = str(TaskStatus(status).label)
    if status == TaskStatus.DONE:
        percent = 100 if percent is None else percent
        if percent != 100:
            errors.append(
                CellError(
                    row,
                    names.percent,
                    _("Trạng thái “%(status)s” thì tỷ lệ phải là 100%%, không phải %(percent)s%%.")
                    % {"status": label, "percent": percent},
                )
            )
    elif status == TaskStatus.NOT_STARTED:
        percent = 0 if percent is None else percent
        if percent != 0:
            errors.append(
                CellError(
                    row,
                    names.percent,
                    _("Trạng thái “%(status)s” thì tỷ lệ phải là 0%%, không phải %(percent)s%%.")
                    % {"status": label, "percent": percent},
                )
            )
    elif percent is None:
        errors.append(CellError(row, names.percent, _("Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ %(status)s.")
                                % {"status": label.lower()}))  # fmt: skip
    if status == TaskStatus.BLOCKED and not reason:
        errors.append(CellError(row, names.reason, _("Nhiệm vụ vướng mắc phải ghi lý do.")))
    elif reason and status not in STATUSES_WITH_REASON:
        errors.append(
            CellError(
                row,
                names.reason,
                _("Lý do chỉ ghi cho nhiệm vụ vướng mắc hoặc chưa triển khai, không cho trạng thái “%(status)s”.")
                % {"status": label},
            )
        )
    if data_date > today:
        errors.append(
            CellError(
                row,
                names.data_date,
                _("Ngày số liệu %(date)s chưa đến (hôm nay là %(today)s).")
                % {"date": f"{data_date:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"},
            )
        )
    elif task.start_date and data_date < task.start_date:
        errors.append(
            CellError(
                row,
                names.data_date,
                _("Ngày số liệu %(date)s trước ngày bắt đầu của nhiệm vụ (%(start)s).")
                % {"date": f"{data_date:%d/%m/%Y}", "start": f"{task.start_date:%d/%m/%Y}"},
            )
        )
    if len(errors) > before:
        return None
    report = PlannedReport(status=status, percent=percent, block_reason=reason, data_date=data_date)
    if task.pk and _same_state(task, report):
        return None  # already so (a verified completion re-imported as done included): nothing to write
    if task.pk and task.completion_verified:
        errors.append(
            CellError(
                row,
                names.status,
                _("Nhiệm vụ đã được xác nhận hoàn thành; cần Thường trực mở lại trước khi báo cáo tiếp."),
            )
        )
        return None
    return report


def _same_state(task: Task, report: PlannedReport) -> bool:
    """Whether the task already stands as the row says (a completion counts whether late or not)."""
    status = TaskStatus.DONE if task.current_status in DONE_STATUSES else task.current_status
    return (status, task.current_percent, task.current_block_reason or "") == (
        report.status,
        report.percent,
        report.block_reason,
    )


def plan_task_import(
    *, actor, programme: Programme, unit: AdministrativeUnit, table, lock: bool = False
) -> TaskImportPlan:
    """Check every row of ``table`` (from ``uploads.read_table``) against the tasks app's rules.

    ``lock`` reads the tasks the rows change under a row lock (call it inside a transaction).
    """
    # A legacy unit (an old province's 2023 plan) belongs to the coordinators of its successor.
    if not policy.can_coordinate(actor) or not unit_within_scope(unit, actor.unit):
        raise PermissionDenied(_("Bạn không có quyền nhập nhiệm vụ cho đơn vị này."))
    plan = TaskImportPlan(programme=programme, unit=unit)
    if not table:
        plan.errors.append(CellError(None, "", _("Tệp không có dòng nhiệm vụ nào.")))
        return plan
    names = _column_names()
    titles = {str(values.get(names.title) or "").casefold() for _row, values in table}
    look = _Lookups(actor, programme, unit, titles, lock=lock)
    seen: dict[tuple, int] = {}
    today = timezone.localdate()
    for row, values in table:
        planned = _plan_row(actor, programme, unit, look, names, row, values, plan.errors, today)
        if planned is None:
            continue
        key = (planned.task.unit_id, planned.task.title.casefold())
        if key in seen:
            plan.errors.append(
                CellError(
                    row, str(TITLE), _("Trùng với dòng %(row)s (cùng đơn vị và tên nhiệm vụ).") % {"row": seen[key]}
                )
            )
            continue
        seen[key] = row
        plan.rows.append(planned)
    return plan


def _plan_row(actor, programme, root, look, names, row, values, errors, today) -> PlannedTask | None:
    """The task one row creates or changes, or None with the row's errors added to ``errors``.

    Every cell is looked up first, so that a row lists all its errors at once; the task's own
    rules run only on a row whose cells all resolved.
    """
    before = len(errors)
    title = str(values.get(names.title) or "")
    if not title:
        errors.append(CellError(row, names.title, _("Thông tin này là bắt buộc.")))
    unit = _row_unit(look, names, row, values, root, errors)
    if unit is None:
        return None
    cells = {
        "group": _row_group(look, names, row, values, errors),
        "lead_agency": _row_lead(look, names, row, values, unit, errors),
        "coordinating": _row_coordinating(look, names, row, values, unit, errors),
        "accountable_person": _row_person(look, names, row, values, errors),
        "start_date": _date(values.get(names.start), names.start, row, errors),
        "deadline": _date(values.get(names.deadline), names.deadline, row, errors),
        "weight": _weight(values.get(names.weight), row, errors),
    }
    if len(errors) > before:
        return None
    return _row_task(actor, programme, look, names, row, values, unit, title, cells, errors, today)


def _row_unit(look, names, row, values, root, errors):
    """The row's unit by code (the import's unit when the cell is empty), within the import's unit."""
    code = str(values.get(names.unit) or root.code)
    unit = look.units.get(code)
    if unit is None:
        errors.append(
            CellError(
                row,
                names.unit,
                _(
                    "Không có đơn vị mã “%(code)s” trong phạm vi %(unit)s. Mã đơn vị gồm cả số 0 ở đầu "
                    "(ví dụ 00070): hãy định dạng cột này là văn bản."
                )
                % {"code": code, "unit": root.name},
            )
        )
    return unit


def _row_group(look, names, row, values, errors):
    group = look.groups.get(str(values.get(names.group) or "").casefold())
    if group is None:
        errors.append(
            CellError(row, names.group, _("Nhóm nhiệm vụ không có trong danh mục (xem trang “Danh mục” của mẫu)."))
        )
    return group


def _row_lead(look, names, row, values, unit, errors):
    lead_name = str(values.get(names.lead) or "")
    lead = look.agency(lead_name, unit) if lead_name else None
    if lead is None:
        message = (
            _("Không có cơ quan “%(name)s” thuộc đơn vị này.") % {"name": lead_name}
            if lead_name
            else _("Thông tin này là bắt buộc.")
        )
        errors.append(CellError(row, names.lead, message))
    return lead


def _row_coordinating(look, names, row, values, unit, errors) -> list:
    """The agencies named in the cell, separated by ";"; each unknown name is an error."""
    coordinating = []
    for name in filter(None, (n.strip() for n in str(values.get(names.coordinating) or "").split(";"))):
        agency = look.agency(name, unit)
        if agency is None:
            errors.append(
                CellError(row, names.coordinating, _("Không có cơ quan “%(name)s” thuộc đơn vị này.") % {"name": name})
            )
        coordinating.append(agency)
    return coordinating


def _row_person(look, names, row, values, errors):
    username = str(values.get(names.person) or "")
    person = look.people.get(username.casefold()) if username else None
    if username and person is None:
        errors.append(
            CellError(
                row,
                names.person,
                _("Không có cán bộ có tên đăng nhập “%(name)s” trong phạm vi của bạn.") % {"name": username},
            )
        )
    return person


def _row_task(actor, programme, look, names, row, values, unit, title, cells, errors, today) -> PlannedTask | None:
    """Apply the row's cells to its task (existing by unit and title, else new), check the task's rules,
    and plan the row's state (a progress report) if it has one."""
    existing = look.tasks.get((unit.pk, title.casefold()))
    task = existing or Task(programme=programme, unit=unit, title=title)
    before = _state(task, [a.pk for a in task.coordinating_agencies.all()] if existing else [])
    coordinating = cells.pop("coordinating")
    for name, value in cells.items():
        setattr(task, name, value)
    task.description = str(values.get(names.description) or "")
    task.expected_result = str(values.get(names.result) or "")
    try:
        check_task_links(actor, task, coordinating)
        # Foreign keys were looked up above; skipping them (and constraints, checked by the
        # rules above and the database) keeps validation free of per-row queries.
        task.full_clean(
            exclude=["programme", "unit", "lead_agency", "accountable_person", "parent"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = str(FIELD_COLUMNS.get(name, ""))
            errors.extend(CellError(row, column, message) for message in messages)
        return None
    errors_before = len(errors)
    report = _plan_report(look, names, row, values, task, today, errors)
    if len(errors) > errors_before:
        return None
    after = _state(task, [a.pk for a in coordinating])
    changed = [str(_label(name)) for name in before if before[name] != after[name]] if existing else []
    return PlannedTask(
        row=row, task=task, coordinating=coordinating, is_new=existing is None, changed_fields=changed, report=report
    )


def planned_actions(plan: TaskImportPlan) -> dict[str, list[int]]:
    """What the preview promised, kept with the pending upload: ``{row: [task id, version]}``.

    Only rows that change an existing task are listed; any other row creates one. JSON-ready
    (string keys), since it is stored beside the upload.
    """
    return {str(p.row): [p.task.pk, p.task.version] for p in plan.rows if not p.is_new}


def planned_action_errors(plan: TaskImportPlan, planned: dict) -> list[CellError]:
    """Rows of ``plan`` that no longer do what the preview (``planned_actions``) showed.

    A task edited since (its version moved), a task created since under the row's title,
    or the task the row was to change gone (deleted or renamed): confirming would then
    overwrite someone's work or do something the user did not review.
    """
    errors = []
    for p in plan.rows:
        before = planned.get(str(p.row))
        if p.is_new and before is not None:
            message = _(
                "Nhiệm vụ “%(title)s” không còn (vừa bị xóa hoặc đổi tên sau lúc kiểm tra tệp) nên dòng này "
                "sẽ tạo nhiệm vụ mới thay vì cập nhật; hãy xem lại rồi tải tệp lên lại."
            )
        elif not p.is_new and before is None:
            message = _(
                "Nhiệm vụ “%(title)s” vừa được người khác tạo sau lúc kiểm tra tệp nên dòng này sẽ sửa nhiệm vụ "
                "đó thay vì tạo mới; hãy xem lại rồi tải tệp lên lại."
            )
        elif not p.is_new and before != [p.task.pk, p.task.version]:
            message = _(
                "Nhiệm vụ “%(title)s” vừa được người khác sửa sau lúc kiểm tra tệp; hãy xem lại rồi tải tệp lên lại."
            )
        else:
            continue
        errors.append(CellError(p.row, str(TITLE), message % {"title": p.task.title}))
    return errors


def _label(name: str):
    return Task._meta.get_field(name).verbose_name


def _state(task: Task, coordinating_ids: list[int]) -> dict:
    """The imported fields of ``task`` as comparable values."""
    state = {name: getattr(task, Task._meta.get_field(name).attname) for name in CHANGED_FIELDS}
    state["coordinating_agencies"] = sorted(set(coordinating_ids))
    return state
