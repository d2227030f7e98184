"""Writes of PCCC assessments: the whole data-entry grid in one transaction."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inputs.numbers import NumberError, grouped, parse_number
from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_within_scope
from provinces.services import unit_check_in_force
from roles.policy import can_enter_assessments

from .choices import PeriodKind
from .evaluation import assessed_at
from .models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from .periods import InvalidPeriod, Period

EVIDENCE_MAX_LENGTH = 500
# Far above any count of households or establishments, far below the bigint column: the
# sum over every commune of the country (3,321 × 10^15) still fits in 64 bits (a SUM on
# SQLite raises past that), and a value stays exact as a float (< 2^53) when a rate is drawn.
MAX_CELL_VALUE = 10**15 - 1
_YES = {"1", "true", "co", "có", "yes"}
_NO = {"0", "false", "khong", "không", "no"}


@dataclass(frozen=True)
class CellInput:
    """What was typed in one cell of the grid; values may be text, numbers or None."""

    criterion_id: int
    unit_id: int
    value: object = None
    denominator: object = None
    answer: object = None
    evidence: str = ""


@dataclass(frozen=True)
class GridSaveResult:
    submission: AssessmentSubmission | None
    changed: int


class GridValidationError(Exception):
    """Nothing was saved. ``cell_errors`` maps (criterion_id, unit_id) to messages."""

    status = 400

    def __init__(self, *, cell_errors: dict | None = None, errors: list | None = None):
        self.cell_errors = dict(cell_errors or {})
        self.errors = list(errors or [])
        super().__init__(self.errors or self.cell_errors)


class GridTooLarge(GridValidationError):
    """More cells were posted than the grid has: refused whole (413), before any cell is read."""

    status = 413


class _CellError(ValueError):
    pass


def _whole_number(raw) -> int | None:
    """A non-negative whole number from what was typed (``inputs.numbers``); None when empty."""
    try:
        return parse_number(raw, max_value=MAX_CELL_VALUE)
    except NumberError as error:
        raise _CellError(str(error)) from None


def _yes_no(raw) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError(_("Chỉ chọn “Có” hoặc “Không”."))


def _clean_cell(criterion: Criterion, cell: CellInput) -> tuple:
    """(value, denominator, answer, evidence) ready to store, or _CellError."""
    evidence = str(cell.evidence or "").strip()
    if "\x00" in evidence:
        # PostgreSQL refuses NUL in text: refuse it here with the cell's message, not a 500 later.
        raise _CellError(_("Minh chứng chứa ký tự không hợp lệ."))
    if len(evidence) > EVIDENCE_MAX_LENGTH:
        raise _CellError(_("Minh chứng tối đa %(max)s ký tự.") % {"max": EVIDENCE_MAX_LENGTH})
    if criterion.is_yes_no:
        answer = _yes_no(cell.answer)
        if answer and criterion.requires_evidence and not evidence:
            raise _CellError(_("Chọn “Có” phải kèm minh chứng."))
        return None, None, answer, evidence
    value = _whole_number(cell.value)
    if criterion.is_count:
        return value, None, None, evidence
    denominator = _whole_number(cell.denominator)
    if (value is None) != (denominator is None):
        raise _CellError(_("Cần nhập cả tử số và mẫu số."))
    if value is not None and value > denominator:
        raise _CellError(
            _("Tử số (%(value)s) không được lớn hơn mẫu số (%(denominator)s).")
            % {"value": value, "denominator": denominator}
        )
    return value, denominator, None, evidence


def _check_period(period, today: date) -> Period:
    try:
        period = period if isinstance(period, Period) else Period.parse(period)
    except InvalidPeriod:
        raise GridValidationError(errors=[_("Kỳ báo cáo không hợp lệ.")]) from None
    if period.is_future(today):
        raise GridValidationError(
            errors=[_("Kỳ báo cáo %(period)s chưa bắt đầu, chưa thể nhập số liệu.") % {"period": period.label}]
        )
    return period


def _check_in_force(root: AdministrativeUnit, period: Period) -> None:
    """Values of a unit that ended on 30/06/2025 are for periods that end by then; a later period
    belongs to the successor, which the message names. The cells are all in ``root``'s subtree,
    which ended with it."""
    try:
        unit_check_in_force(unit=root, on=period.end)
    except ValidationError as exc:
        raise GridValidationError(errors=exc.messages) from None


def _validate_cells(cells, criteria, units, period: Period) -> dict:
    """Clean every cell; collect every error before deciding anything."""
    cleaned, errors = {}, defaultdict(list)
    for cell in cells:
        key = (cell.criterion_id, cell.unit_id)
        criterion, unit = criteria.get(cell.criterion_id), units.get(cell.unit_id)
        if key in cleaned:
            errors[key].append(_("Ô này bị gửi trùng."))
        elif criterion is None:
            errors[key].append(_("Tiêu chí không thuộc mô hình này."))
        elif unit is None:
            # The words the rest of the portal uses for "missing or out of scope": a forged
            # id must not tell whether a unit exists in another province.
            errors[key].append(_("Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem."))
        elif not assessed_at(criterion, unit.level):
            errors[key].append(
                _("Tiêu chí %(code)s chỉ đánh giá ở %(level)s, không đánh giá ở đơn vị này.")
                % {"code": criterion.code, "level": str(UnitLevel(criterion.level).label).lower()}
            )
        elif not criterion.takes_period(period):
            # A yearly figure (fires in the year) typed into a monthly grid, or the reverse:
            # stored under the wrong kind it would never be read.
            errors[key].append(
                _("Tiêu chí %(code)s nhập số liệu theo kỳ %(kind)s, không nhập cho %(period)s.")
                % {
                    "code": criterion.code,
                    "kind": str(PeriodKind(criterion.period_kind).label).lower(),
                    "period": period.label,
                }
            )
        else:
            try:
                cleaned[key] = _clean_cell(criterion, cell)
            except _CellError as exc:
                errors[key].append(str(exc))
    if errors:
        raise GridValidationError(cell_errors=errors)
    return cleaned


def _check_cell_count(cells: list, criteria: dict, units: dict) -> None:
    """Refuse a post of more cells than the grid of ``root`` has, at all its levels together.

    The page never sends more (each unit is assessed on the criteria of its level), so more
    is a forged or broken post; refusing it bounds the work of one request.
    """
    units_per_level = Counter(unit.level for unit in units.values())
    most = sum(units_per_level[criterion.level] for criterion in criteria.values())
    if len(cells) > most:
        raise GridTooLarge(
            errors=[
                _("Bảng gửi lên có %(count)s ô, nhiều hơn số ô của bảng (%(most)s). Không ô nào được lưu.")
                % {"count": grouped(len(cells)), "most": grouped(most)}
            ]
        )


def assessment_grid_save(
    *,
    user,
    criteria_set: CriteriaSet,
    root: AdministrativeUnit,
    period: Period | str,
    cells: Iterable[CellInput],
    today: date | None = None,
) -> GridSaveResult:
    """Validate and save a whole grid of cells for units under ``root``: all of it or nothing.

    Raises GridValidationError (with messages per cell) and writes nothing on any bad
    cell, a future period, a user who may not enter values, a unit outside the user's scope, or a criterion posted for a
    unit at a level it does not assess; GridTooLarge when more cells are posted than the
    grid has. Unchanged cells write nothing; each changed cell
    appends a new current row and retires the previous one.
    Writes are set-based: one UPDATE and bulk INSERTs, never a save per cell.
    """
    period = _check_period(period, today or timezone.localdate())
    if not can_enter_assessments(user):
        # The pages and the import check it too; this guard holds for every other caller.
        raise GridValidationError(errors=[_("Bạn không có quyền nhập số liệu tiêu chí.")])
    if not unit_within_scope(root, user.unit):
        raise GridValidationError(errors=[_("Đơn vị không thuộc phạm vi của bạn.")])
    _check_in_force(root, period)
    criteria = {c.pk: c for c in criteria_set.criteria.filter(is_active=True)}
    # Every level of the subtree, so that a unit in scope but at the wrong level is told
    # so, rather than being reported as missing.
    # A legacy root (old Nam Định, 2024 values) is entered over its own legacy subtree.
    tree = AdministrativeUnit.objects.legacy() if root.is_legacy else AdministrativeUnit.objects.current()
    units = {u.pk: u for u in tree.descendants_of(root, include_self=True).only("pk", "level", "path")}
    cells = list(cells)
    _check_cell_count(cells, criteria, units)
    cleaned = _validate_cells(cells, criteria, units, period)

    existing = {
        (row[1], row[2]): row
        for row in Assessment.objects.current()
        .filter(period=period.key, criterion__in=list(criteria), unit__in=[u for _c, u in cleaned])
        .order_by()
        .values_list("pk", "criterion_id", "unit_id", "value", "denominator", "answer", "evidence")
    }
    empty = (None, None, None, "")
    changed = {
        key: values
        for key, values in cleaned.items()
        if (tuple(existing[key][3:]) if key in existing else empty) != values
    }
    if not changed:
        return GridSaveResult(submission=None, changed=0)

    try:
        submission = _write(user, criteria_set, root, period, changed, existing)
    except IntegrityError:
        # Someone saved the same cells between our read and our write: the partial unique
        # constraint refused the second current row, and the transaction rolled back.
        raise GridValidationError(
            errors=[_("Số liệu vừa được người khác cập nhật. Hãy tải lại trang, kiểm tra rồi lưu lại.")]
        ) from None
    return GridSaveResult(submission=submission, changed=len(changed))


@transaction.atomic
def _write(user, criteria_set, root, period, changed, existing) -> AssessmentSubmission:
    """Retire the replaced current rows, then bulk-insert the new ones (one UPDATE, bulk INSERTs)."""
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, unit=root, period=period.key, entered_by=user, cells_changed=len(changed)
    )
    retired = [existing[key][0] for key in changed if key in existing]
    if retired:
        Assessment.objects.filter(pk__in=retired, is_current=True).update(is_current=False)
    Assessment.objects.bulk_create(
        Assessment(
            submission=submission,
            criterion_id=criterion_id,
            unit_id=unit_id,
            period=period.key,
            value=value,
            denominator=denominator,
            answer=answer,
            evidence=evidence,
        )
        for (criterion_id, unit_id), (value, denominator, answer, evidence) in changed.items()
    )
    return submission
