"""Writing .xlsx files in openpyxl's write-only mode, streamed from a temporary file.

A write-only workbook keeps no cell objects: rows go to disk as they are appended, so
50,000 tasks cost the memory of one row. Column widths, the frozen header and the
auto-filter must be set before the first row, which is why ``Column`` carries a width.
"""

import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
WIDTH_SAMPLE = 500  # rows read ahead to size the columns
MAX_WIDTH = 60
MAX_CELL_TEXT = 32_767  # Excel's limit of characters in one cell
# First characters that make a spreadsheet (or a CSV saved from it) read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Column:
    """One column: its Vietnamese header and how its values are shown (``date``, ``percent``, ``number``)."""

    header: str
    kind: str = "text"
    min_width: int = 8


FORMATS = {"date": DATE_FORMAT, "percent": PERCENT_FORMAT, "number": NUMBER_FORMAT}


@dataclass(frozen=True)
class Percent:
    """A fraction shown with its own number of decimals (a criterion's ratio: never rounded across its target)."""

    value: float
    decimals: int

    @property
    def number_format(self) -> str:
        return "0." + "0" * self.decimals + "%" if self.decimals else "0%"


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, float):
        return 7
    if isinstance(value, Percent):
        return 6 + value.decimals
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(columns: list[Column], sample: list[tuple]) -> list[int]:
    widths = [max(c.min_width, min(MAX_WIDTH, len(str(c.header)) + 2)) for c in columns]
    for row in sample:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(MAX_WIDTH, _text_width(value) + 2))
    return widths


def write_sheet(workbook: Workbook, *, title: str, columns: list[Column], rows: Iterable[tuple]) -> None:
    """Append a sheet with a styled, frozen, filterable header and typed cells to a write-only workbook."""
    sheet = workbook.create_sheet(title=title[:31])
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for i, width in enumerate(_widths(columns, sample), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    header = []
    for column in columns:
        cell = text_cell(sheet, str(column.header))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    count = 0
    formats = [FORMATS.get(c.kind) for c in columns]
    for row in chain(sample, rows):
        sheet.append([_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _cell(sheet, value, fmt):
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = value.number_format
        return cell
    if value is None:
        return None
    if isinstance(value, str):
        return text_cell(sheet, value)
    # A fresh cell each time: openpyxl would write a bare value into the last cell object
    # appended, inheriting its style (a quote prefix, a date format).
    cell = WriteOnlyCell(sheet, value=value)
    if fmt is not None:
        cell.number_format = fmt
    return cell


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell holding ``value`` as text, whatever its first character: never a formula.

    openpyxl writes a str starting with "=" as a live formula (and "#N/A" as an error), so
    a task titled ``=HYPERLINK("http://…","Bấm vào")`` would become a link in every
    exported file. Every string of every sheet (titles, notes, names, evidence, headers)
    goes through here: the type is forced to an inline string, and a value starting with
    a character a spreadsheet reads as a formula (= + - @, tab, CR, LF) also gets Excel's
    "quote prefix", so that editing the cell keeps it text. Characters XML cannot carry
    (control characters a form may have let in) are dropped, rather than failing the export.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def new_workbook() -> Workbook:
    """A write-only workbook (rows are flushed to disk as they are appended)."""
    return Workbook(write_only=True)


def workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    """Save to a temporary file and stream it back in chunks; the file is gone once closed."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def rows_with_number(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Prefix each row with its ordinal [STT]."""
    for i, row in enumerate(rows, start=1):
        yield (i, *row)
