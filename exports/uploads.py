"""Checks an uploaded spreadsheet must pass before openpyxl opens it, then reading it as a table.

Refused with a Vietnamese message: anything that is not an .xlsx zip (a renamed .exe, a
CSV, an empty file), files over 5 MB, zip bombs (declared uncompressed sizes are checked
before any member is inflated; zipfile never inflates past the declared size), macros,
formulas, merged cells, missing or extra columns, more rows than the import's limit
(read as a stream, whatever dimension the sheet declares). openpyxl parses the XML through
defusedxml (installed with this app), so entity-expansion bombs are refused too.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from inputs.numbers import grouped

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 150
MAX_MEMBERS = 500
DEFAULT_MAX_ROWS = 5_000  # rows with data in one import (the task import's limit)
# Blank rows tolerated past the limit (a sheet formatted further down than it is filled);
# a row beyond is refused, so a file claiming row 1,048,576 costs no more than this.
BLANK_ROWS_TOLERATED = 1_000
MAX_ERRORS_SHOWN = 200
ZIP_MAGIC = b"PK\x03\x04"
MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z0-9:]+)"')
MACRO_MARKERS = ("vbaproject.bin", "macrosheets/", "activex", "xl/embeddings/")


@dataclass(frozen=True)
class CellError:
    """One problem of the file, by spreadsheet row number (None = the whole file) and column header."""

    row: int | None
    column: str
    message: str


class SpreadsheetRefused(ValidationError):
    """The file cannot be read as a template; ``errors`` say where."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__([e.message for e in errors])


def _refuse(message) -> SpreadsheetRefused:
    return SpreadsheetRefused([CellError(None, "", str(message))])


def check_xlsx_bytes(data: bytes, *, filename: str = "") -> None:
    """Refuse what is not a plain, reasonably sized .xlsx, without inflating any member."""
    if not data:
        raise _refuse(_("Tệp rỗng. Hãy chọn tệp Excel (.xlsx) theo mẫu."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(_("Tệp lớn hơn 5 MB. Hãy chia nhỏ tệp rồi nhập lần lượt."))
    if filename.lower().endswith((".xlsm", ".xltm", ".xlsb")):
        raise _refuse(_("Không nhận tệp Excel có macro. Hãy lưu lại dưới dạng .xlsx theo mẫu."))
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(_("Tệp không phải là bảng tính Excel (.xlsx). Hãy tải mẫu và nhập số liệu vào mẫu."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(_("Tệp không phải là bảng tính Excel (.xlsx) hoặc đã bị hỏng.")) from None
    names = {m.filename.lower() for m in members}
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(_("Tệp không phải là bảng tính Excel (.xlsx). Hãy tải mẫu và nhập số liệu vào mẫu."))
    if any(marker in name for name in names for marker in MACRO_MARKERS):
        raise _refuse(_("Tệp có macro hoặc đối tượng nhúng. Hãy lưu lại dưới dạng .xlsx thông thường."))
    total = sum(m.file_size for m in members)
    if (
        len(members) > MAX_MEMBERS
        or total > MAX_UNCOMPRESSED_BYTES
        or any(m.file_size > MAX_RATIO * max(m.compress_size, 1) + 1024 for m in members)
    ):
        raise _refuse(_("Tệp có dung lượng giải nén bất thường (nghi là “bom nén”). Tệp không được xử lý."))


def _listed(names: list[str], most: int = 20) -> str:
    """Names for a message, at most ``most`` of them: a crafted header may have 16,384 columns."""
    shown = ", ".join(names[:most])
    return shown + (" …" if len(names) > most else "")


def read_table(
    data: bytes,
    *,
    required: list[str],
    optional: list[str] = (),
    filename: str = "",
    max_rows: int = DEFAULT_MAX_ROWS,
    too_many_rows: str = "",
):
    """Rows of the first sheet as ``(row_number, {header: value})``, or SpreadsheetRefused.

    The header is row 1. Empty rows are skipped. Formulas, merged cells, missing or
    unknown columns are errors of the file. Rows are streamed and reading stops as soon as
    the file has more than ``max_rows`` rows with data (refused with ``too_many_rows``, or
    a general message), or reaches a row past ``max_rows`` plus ``BLANK_ROWS_TOLERATED``:
    the cost of a file is bounded by the limit, not by what the file claims.
    """
    check_xlsx_bytes(data, filename=filename)
    sheet, headers = _open_sheet(data)
    _check_headers(headers, required, optional)
    errors = []
    try:
        table = _read_rows(sheet, headers, errors, max_rows=max_rows, too_many_rows=too_many_rows)
        # Merged cells are listed after the rows (<mergeCells> follows <sheetData>): scanned only
        # once the rows are known to be within the limit.
        merged = _merged_cells(sheet)
    except SpreadsheetRefused:
        raise
    except Exception:  # parsing is lazy: a broken row surfaces here
        raise _refuse(_unreadable()) from None
    if merged:
        cells = ", ".join(ref.decode() for ref in merged[:5])
        errors.insert(
            0, CellError(None, "", _("Tệp có ô gộp (%(cells)s). Hãy bỏ gộp ô rồi nhập lại.") % {"cells": cells})
        )
    if errors:
        raise SpreadsheetRefused(errors)
    return table


def _unreadable() -> str:
    return _("Không đọc được tệp Excel. Hãy tải mẫu và nhập số liệu vào mẫu.")


def _open_sheet(data: bytes):
    """(the first sheet, streamed in read-only mode; its headers without the empty ones at the right)."""
    try:
        # Read-only mode streams the sheet XML: several times faster than building every cell.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        sheet = workbook.worksheets[0]
        # The declared <dimension> is the file's claim, not its content: a 6 KB file claiming
        # A1:XFD1048576 would make openpyxl pad a million empty rows of 16,384 cells.
        sheet.reset_dimensions()
        header_cells = next(sheet.iter_rows(max_row=1, values_only=True), ())
    except Exception:  # openpyxl raises many kinds on a broken or hostile file
        raise _refuse(_unreadable()) from None
    headers = [str(value).strip() if value is not None else "" for value in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    return sheet, headers


def _check_headers(headers: list[str], required: list[str], optional: list[str]) -> None:
    """Refuse a header row with missing, unknown or repeated columns (every one named)."""
    errors = []
    known = set(required) | set(optional)
    missing = [h for h in required if h not in headers]
    extra = [h or _("(cột không có tiêu đề)") for h in headers if h not in known]
    if missing:
        errors.append(CellError(1, "", _("Thiếu cột: %(columns)s.") % {"columns": _listed(missing)}))
    if extra:
        errors.append(CellError(1, "", _("Cột không có trong mẫu: %(columns)s.") % {"columns": _listed(extra)}))
    duplicated = {h for h in headers if h and headers.count(h) > 1}
    if duplicated:
        errors.append(CellError(1, "", _("Cột bị lặp: %(columns)s.") % {"columns": _listed(sorted(duplicated))}))
    if errors:
        raise SpreadsheetRefused(errors)


def _read_rows(sheet, headers: list[str], errors: list, *, max_rows: int, too_many_rows: str) -> list:
    """The rows with data, streamed; refused past ``max_rows`` of them or the blank rows tolerated."""
    table = []
    last_row = max_rows + 1 + BLANK_ROWS_TOLERATED
    # Only the template's columns are read: cells to the right of the header are ignored.
    rows = sheet.iter_rows(min_row=2, max_col=len(headers))
    for number, cells in enumerate(rows, start=2):
        if number > last_row:
            raise _refuse(
                _(
                    "Tệp có dòng thứ %(row)s trở đi (kể cả dòng trống): quá giới hạn %(max)s dòng mỗi lần nhập. "
                    "Hãy xóa các dòng thừa hoặc chia nhỏ tệp."
                )
                % {"row": grouped(number), "max": grouped(max_rows)}
            )
        values = _row_values(headers, cells, number, errors)
        if any(v is not None for v in values.values()):
            table.append((number, values))
        if len(table) > max_rows:
            raise _refuse(
                too_many_rows
                or _(
                    "Tệp có hơn %(max)s dòng số liệu: mỗi lần nhập tối đa %(max)s dòng. "
                    "Hãy chia nhỏ tệp rồi nhập lần lượt."
                )
                % {"max": grouped(max_rows)}
            )
    return table


def _merged_cells(sheet) -> list[bytes]:
    with sheet._get_source() as source:
        xml = source.read()
    return MERGED.findall(xml) if b"mergeCell" in xml else []


def _row_values(headers: list[str], cells: tuple, number: int, errors: list) -> dict:
    values = {}
    for header, cell in zip(headers, cells, strict=False):
        value = cell.value
        # Without data_only a formula cell reads as its text, "=…": refuse it, keep no result. A text
        # cell starting with "=" (an exported title, kept text by its quote prefix) is text, not a formula.
        if cell.data_type == "f":
            errors.append(CellError(number, header, _("Ô có công thức; hãy dán giá trị thay cho công thức.")))
            value = None
        if isinstance(value, str):
            value = value.strip()
        values[header] = None if value == "" else value
    return values


def shown_errors(errors: list) -> tuple[list, int]:
    """(the first ``MAX_ERRORS_SHOWN`` errors, how many more): a page of 5,000 errors helps nobody."""
    return errors[:MAX_ERRORS_SHOWN], max(0, len(errors) - MAX_ERRORS_SHOWN)
