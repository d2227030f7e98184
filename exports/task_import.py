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

from dashboards.services import parse_day
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

# Columns of the task list's export that the import reads past (issue 19, item 10: an export is edited and
# imported back as is). Names and figures shown beside the codes the import keys on; the programme's
# name is checked against the programme chosen for the import.
ROW_NUMBER = _lazy("STT")
PROGRAMME = _lazy("Đề án, kế hoạch")
UNIT_NAME = _lazy("Đơn vị")
PERSON_NAME = _lazy("Họ tên người chịu trách nhiệm")
OVERDUE = _lazy("Quá hạn")
LAST_UPDATE = _lazy("Cập nhật lần cuối")
EXPORT_ONLY_COLUMNS = [ROW_NUMBER, PROGRAMME, UNIT_NAME, PERSON_NAME, OVERDUE, LAST_UPDATE]

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
    """(required, optional) headers; the optional ones include the task export's own columns."""
    return [str(c) for c in REQUIRED_COLUMNS], [str(c) for c in OPTIONAL_COLUMNS + EXPORT_ONLY_COLUMNS]


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
    """A date cell of Excel, or a date typed as text dd/mm/yyyy (or ISO): an edited export holds both."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None:
        errors.append(CellError(row, column, _("Thông tin này là bắt buộc.")))
        return None
    day = parse_day(value) if isinstance(value, str) else None
    if day is None:
        errors.append(
            CellError(
                row,
                column,
                _("“%(value)s” không phải là ngày; hãy ghi ngày dạng dd/mm/yyyy (ví dụ 31/12/2026).")
                % {"value": value},
            )
        )
    return day


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


def _row_state(look, names, row, values, today: datetime.date, errors) -> PlannedReport | None:
    """The state the row states in its four state columns, checked against itself (not yet against its task).

    None when the row leaves them empty, or with the row's errors added to ``errors``: every error of
    the four columns, not only the first. Errors name the row and column: a status and a percentage
    that contradict each other, a reason on a status that has none, a data date in the future.
    """
    raw = {column: values.get(column) for column in (names.status, names.percent, names.reason, names.data_date)}
    if all(_empty(value) for value in raw.values()):
        return None
    before = len(errors)
    status = _state_status(look, names, row, raw[names.status], errors)
    percent = _state_percent(raw[names.percent], names.percent, row, errors)
    percent_failed = any(e.column == names.percent for e in errors[before:])
    reason = _state_reason(look, names, row, raw[names.reason], errors)
    data_date = today if _empty(raw[names.data_date]) else _date(raw[names.data_date], names.data_date, row, errors)
    if data_date is not None and data_date > today:
        errors.append(
            CellError(
                row,
                names.data_date,
                _("Ngày số liệu %(date)s chưa đến (hôm nay là %(today)s).")
                % {"date": f"{data_date:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"},
            )
        )
    if status is None:
        return None
    if not percent_failed:
        percent = _status_percent(names, row, status, percent, errors)
    _status_reason(names, row, status, reason, errors)
    if len(errors) > before:
        return None
    return PlannedReport(status=status, percent=percent, block_reason=reason, data_date=data_date)


def _empty(value) -> bool:
    return value is None or str(value).strip() == ""


def _state_status(look, names, row, value, errors) -> str | None:
    """The status named in the cell ("hoàn thành quá hạn" read as a completion), else None with the error."""
    text = str(value or "").strip()
    status = look.statuses.get(text.casefold())
    if not text:
        errors.append(CellError(row, names.status, _("Hãy ghi trạng thái khi ghi tỷ lệ, lý do hoặc ngày số liệu.")))
    elif status is None:
        errors.append(
            CellError(
                row,
                names.status,
                _("Trạng thái “%(value)s” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).") % {"value": text},
            )
        )
    # Late or not: judged by the report service from the data date, as for a report typed on the page.
    return TaskStatus.DONE if status == TaskStatus.DONE_LATE else status


def _state_reason(look, names, row, value, errors) -> str:
    """The reason named in the cell ("" when empty or unknown, with the error)."""
    text = str(value or "").strip()
    reason = look.reasons.get(text.casefold()) if text else ""
    if reason is None:
        errors.append(
            CellError(
                row,
                names.reason,
                _("Lý do “%(value)s” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).") % {"value": text},
            )
        )
        return ""
    return reason


def _status_percent(names, row, status: str, percent: int | None, errors) -> int | None:
    """The percentage a status implies when the cell is empty (done 100, not started 0), or its error."""
    label = str(TaskStatus(status).label)
    implied = {TaskStatus.DONE: 100, TaskStatus.NOT_STARTED: 0}.get(status)
    if implied is None:
        if percent is None:
            errors.append(CellError(row, names.percent, _("Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ %(status)s.")
                                    % {"status": label.lower()}))  # fmt: skip
        return percent
    if percent is not None and percent != implied:
        message = (
            _("Trạng thái “%(status)s” thì tỷ lệ phải là 100%%, không phải %(percent)s%%.")
            if implied == 100
            else _("Trạng thái “%(status)s” thì tỷ lệ phải là 0%%, không phải %(percent)s%%.")
        )
        errors.append(CellError(row, names.percent, message % {"status": label, "percent": percent}))
    return implied


def _status_reason(names, row, status: str, reason: str, errors) -> None:
    """A blocked task must give a reason; only a blocked or not-started one may."""
    if status == TaskStatus.BLOCKED and not reason:
        errors.append(CellError(row, names.reason, _("Nhiệm vụ vướng mắc phải ghi lý do.")))
    elif reason and status not in STATUSES_WITH_REASON:
        errors.append(
            CellError(
                row,
                names.reason,
                _("Lý do chỉ ghi cho nhiệm vụ vướng mắc hoặc chưa triển khai, không cho trạng thái “%(status)s”.")
                % {"status": str(TaskStatus(status).label)},
            )
        )


def _report_for_task(names, row, report: PlannedReport | None, task: Task, errors) -> PlannedReport | None:
    """The row's state as a report to write on ``task``, or None when there is nothing to write.

    A row stating the task's current state writes nothing (importing the same file twice, or an
    exported list re-imported as is, writes no second report), whatever its data date.
    """
    if report is None or (task.pk and _same_state(task, report)):
        return None
    if task.pk and task.completion_verified:
        errors.append(
            CellError(
                row,
                names.status,
                _("Nhiệm vụ đã được xác nhận hoàn thành; cần Thường trực mở lại trước khi báo cáo tiếp."),
            )
        )
        return None
    if task.start_date and report.data_date < task.start_date:
        errors.append(
            CellError(
                row,
                names.data_date,
                _("Ngày số liệu %(date)s trước ngày bắt đầu của nhiệm vụ (%(start)s).")
                % {"date": f"{report.data_date:%d/%m/%Y}", "start": f"{task.start_date:%d/%m/%Y}"},
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

    Every cell is checked, so that a row lists all its errors at once (not only the first): the cells,
    the state columns, then the task's own rules on what resolved; a cell already in error is not
    reported twice by those rules.
    """
    before = len(errors)
    title = str(values.get(names.title) or "")
    if not title:
        errors.append(CellError(row, names.title, _("Thông tin này là bắt buộc.")))
    _row_programme(programme, row, values, errors)
    unit = _row_unit(look, names, row, values, root, errors)
    cells = {
        "group": _row_group(look, names, row, values, errors),
        "lead_agency": _row_lead(look, names, row, values, unit, errors) if unit else None,
        "coordinating": _row_coordinating(look, names, row, values, unit, errors) if unit else [],
        "accountable_person": _row_person(look, names, row, values, errors),
        "start_date": _date(values.get(names.start), names.start, row, errors),
        "deadline": _date(values.get(names.deadline), names.deadline, row, errors),
        "weight": _weight(values.get(names.weight), row, errors),
    }
    state = _row_state(look, names, row, values, today, errors)
    if unit is None:
        return None  # no task to check the rules on: the unit decides the agencies and the existing task
    planned = _row_task(actor, programme, look, names, row, values, unit, title, cells, errors[before:], errors)
    if planned is not None:
        planned.report = _report_for_task(names, row, state, planned.task, errors)
    return planned if len(errors) == before else None


def _row_programme(programme: Programme, row, values, errors) -> None:
    """An exported list names each task's programme: a row of another programme is refused, not moved."""
    column = str(PROGRAMME)
    name = str(values.get(column) or "").strip()
    if name and name.casefold() != programme.name.casefold():
        errors.append(
            CellError(
                row,
                column,
                _(
                    "Nhiệm vụ này thuộc “%(name)s”, không thuộc đề án đã chọn khi nhập (“%(chosen)s”). "
                    "Hãy lọc danh sách theo đề án trước khi xuất, hoặc xóa dòng này."
                )
                % {"name": name, "chosen": programme.name},
            )
        )


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


def _row_task(
    actor, programme, look, names, row, values, unit, title, cells, cell_errors, errors
) -> PlannedTask | None:
    """Apply the row's cells to its task (existing by unit and title, else new) and check the task's rules;
    a rule's message on a column already in ``cell_errors`` (the row's errors so far) is not repeated."""
    existing = look.tasks.get((unit.pk, title.casefold()))
    task = existing or Task(programme=programme, unit=unit, title=title)
    before = _state(task, [a.pk for a in task.coordinating_agencies.all()] if existing else [])
    coordinating = [agency for agency in cells.pop("coordinating") if agency is not None]
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
        failed = {e.column for e in cell_errors}
        for name, messages in error.message_dict.items():
            column = str(FIELD_COLUMNS.get(name, ""))
            if not column or column not in failed:
                errors.extend(CellError(row, column, message) for message in messages)
        return None
    if cell_errors:
        return None
    after = _state(task, [a.pk for a in coordinating])
    changed = [str(_label(name)) for name in before if before[name] != after[name]] if existing else []
    return PlannedTask(row=row, task=task, coordinating=coordinating, is_new=existing is None, changed_fields=changed)


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
