"""Importing assigned targets from Excel: every row checked first; any bad row writes nothing.

Columns: "Mã đơn vị" (empty: the whole programme), "Mã chỉ tiêu", "Kỳ" (empty: every period;
e.g. 2026-11, 2026-Q4, 2026), "Chỉ tiêu giao". The file is read by exports/uploads.py (size,
zip-bomb, macro, formula and merged-cell checks); each row then goes through the same rules as
the grid (``targets_save``), all periods in one transaction.
"""

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from exports.uploads import CellError, SpreadsheetRefused, read_table
from inputs.numbers import NumberError, parse_number
from pccc.periods import InvalidPeriod, Period
from provinces.models import AdministrativeUnit

from .models import EVERY_PERIOD, Indicator
from .services import MAX_FIGURE, IndicatorInputError, TargetInput, targets_save

UNIT, INDICATOR, PERIOD, VALUE = "Mã đơn vị", "Mã chỉ tiêu", "Kỳ", "Chỉ tiêu giao"
COLUMNS = [UNIT, INDICATOR, PERIOD, VALUE]
MAX_ROWS = 5_000


def targets_import(*, actor, programme, data: bytes, filename: str = "") -> int:
    """Assign the targets of the file; returns rows changed. SpreadsheetRefused (by row) saves nothing."""
    table = read_table(data, required=[INDICATOR, VALUE], optional=[UNIT, PERIOD], filename=filename, max_rows=MAX_ROWS)
    indicators = {i.code: i for i in Indicator.objects.filter(programme=programme)}
    codes = {str(values.get(UNIT) or "").strip() for _number, values in table} - {""}
    units = {u.code: u for u in AdministrativeUnit.objects.current().filter(code__in=codes)}
    errors: list[CellError] = []
    by_period: dict[str, list[tuple[int, TargetInput]]] = defaultdict(list)
    for number, values in table:
        period, cell = _target_row(number, values, indicators, units, errors)
        if cell is not None:
            by_period[period].append((number, cell))
    if errors:
        raise SpreadsheetRefused(errors)
    changed = 0
    with transaction.atomic():
        for period, rows in by_period.items():
            try:
                changed += targets_save(actor=actor, programme=programme, period=period, cells=[c for _n, c in rows])
            except IndicatorInputError as error:
                errors += _save_errors(error, rows)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise SpreadsheetRefused(sorted(errors, key=lambda e: e.row or 0))
    return changed


def _target_row(number: int, values: dict, indicators: dict, units: dict, errors: list) -> tuple[str, object]:
    """(period key or EVERY_PERIOD, the row's TargetInput), or (…, None) after adding the row's error to ``errors``."""
    indicator = indicators.get(str(values.get(INDICATOR) or "").strip())
    if indicator is None:
        errors.append(CellError(number, INDICATOR, _("Không có chỉ tiêu mã này trong đề án.")))
        return EVERY_PERIOD, None
    code = str(values.get(UNIT) or "").strip()
    unit = units.get(code) if code else None
    if code and unit is None:
        errors.append(CellError(number, UNIT, _("Không có đơn vị hành chính mã %(code)s.") % {"code": code}))
        return EVERY_PERIOD, None
    period = str(values.get(PERIOD) or "").strip()
    if period:
        try:
            period = Period.parse(period).key
        except InvalidPeriod:
            errors.append(CellError(number, PERIOD, _("Kỳ không hợp lệ (ví dụ: 2026-11, 2026-Q4, 2026).")))
            return EVERY_PERIOD, None
    try:
        value = parse_number(values.get(VALUE), max_value=MAX_FIGURE, decimal_places=2)
    except NumberError as error:
        errors.append(CellError(number, VALUE, str(error)))
        return EVERY_PERIOD, None
    if value is None:
        errors.append(CellError(number, VALUE, _("Cần nhập chỉ tiêu giao.")))
        return EVERY_PERIOD, None
    return period or EVERY_PERIOD, TargetInput(indicator.pk, unit.pk if unit else None, value)


def _save_errors(error: IndicatorInputError, rows: list[tuple[int, TargetInput]]) -> list[CellError]:
    """The service's messages, placed on the rows of the file they come from."""
    found = [CellError(None, "", message) for message in error.errors]
    for number, cell in rows:
        if message := error.field_errors.get((cell.indicator_id, cell.unit_id)):
            found.append(CellError(number, UNIT if cell.unit_id else VALUE, message))
    return found
