"""The meeting report [báo cáo sơ kết] as a .docx in the state format (Nghị định 30/2020/NĐ-CP).

A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman 13–14 pt;
heading blocks side by side (issuing body and number left, national motto right), title,
numbered sections with tables, then "Nơi nhận" bottom-left and the signature bottom-right.
"""

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .report_data import ReportData

FONT = "Times New Roman"


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    italic: bool = False
    size: int = 13


def _paragraph(container, lines, *, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line.text)
        run.bold, run.italic, run.font.size = line.bold, line.italic, Pt(line.size)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _setup(document):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(6)


def _two_blocks(document, left, right, widths=None):
    widths = widths or (Mm(62), Mm(103))
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, lines, width in zip(table.rows[0].cells, (left, right), widths, strict=True):
        cell.width = width
        cell.paragraphs[0].text = ""
        for block in lines:
            _paragraph(cell, block[1], align=block[0])
    return table


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(str(header))
        run.bold, run.font.size = True, Pt(12)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].text = ""
            cell.paragraphs[0].add_run("" if value is None else str(value)).font.size = Pt(12)
    document.add_paragraph()
    return table


def _heading(document, text):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    return paragraph


def build_report(data: ReportData) -> bytes:
    """The report as .docx bytes (no query: ``data`` is already read)."""
    document = Document()
    _setup(document)
    today = timezone.localdate()
    c = WD_ALIGN_PARAGRAPH.CENTER
    _two_blocks(
        document,
        [
            (c, [Line(data.issuer_parent.upper(), size=13), Line(data.issuer.upper(), bold=True, size=13)]),
            (c, [Line("_______", bold=True)]),
            (c, [Line(_("Số: %(number)s") % {"number": data.number}, size=13)]),
        ],
        [
            (c, [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)]),
            (c, [Line("Độc lập - Tự do - Hạnh phúc", bold=True, size=14), Line("_______________", bold=True)]),
            (
                c,
                [
                    Line(
                        _("%(place)s, ngày %(day)02d tháng %(month)02d năm %(year)s")
                        % {"place": data.place, "day": today.day, "month": today.month, "year": today.year},
                        italic=True,
                        size=14,
                    )
                ],
            ),
        ],
    )
    _paragraph(document, [Line("BÁO CÁO", bold=True, size=14)], space_after=0).paragraph_format.space_before = Pt(12)
    _paragraph(document, [Line(data.subtitle, bold=True, size=14)])
    _paragraph(document, [Line("_________")], space_after=12)
    for section in data.sections:
        _heading(document, section.title)
        for paragraph in section.paragraphs:
            p = document.add_paragraph(paragraph)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            p.paragraph_format.first_line_indent = Mm(10)
        for caption, headers, rows in section.tables:
            _heading(document, caption)
            _table(document, headers, rows)
    left = WD_ALIGN_PARAGRAPH.LEFT
    _two_blocks(
        document,
        [
            (left, [Line(_("Nơi nhận:"), bold=True, italic=True, size=12)]),
            (left, [Line(text, size=11) for text in data.recipients]),
        ],
        [
            (c, [Line(data.signer_title, bold=True, size=14)]),
            (c, [Line(_("(Ký, ghi rõ họ tên, đóng dấu)"), italic=True, size=13)]),
        ],
        widths=(Mm(80), Mm(85)),
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
