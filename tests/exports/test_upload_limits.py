"""One file cannot hold a worker: rows are streamed and capped, whatever the sheet claims; errors shown are capped."""

import io
import re
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet._reader import WorkSheetParser

from exports import import_views, services
from exports.uploads import MAX_ERRORS_SHOWN, SpreadsheetRefused, read_table
from pccc.models import Assessment
from tasks.models import Task

from .conftest import xlsx_bytes
from .test_pccc_import import PERIOD, post
from .test_task_import import HEADER, row, upload

REQUIRED = ["Nhiệm vụ", "Ngày bắt đầu"]


def rewritten(data: bytes, change) -> bytes:
    """The workbook ``data`` with its first sheet's XML passed through ``change``."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            archive.writestr(member, content)
    return target.getvalue()


def claiming_a_million_rows(data: bytes) -> bytes:
    return rewritten(data, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml))


def with_a_row_at_the_bottom(data: bytes) -> bytes:
    last = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>cuối</t></is></c></row>'
    return rewritten(data, lambda xml: xml.replace("</sheetData>", last + "</sheetData>"))


def timed_read(data, **kwargs):
    started = time.perf_counter()
    try:
        return read_table(data, required=REQUIRED, **kwargs), time.perf_counter() - started
    except SpreadsheetRefused as refused:
        return refused, time.perf_counter() - started


def test_a_small_file_claiming_a_million_rows_is_read_in_no_time():
    data = claiming_a_million_rows(xlsx_bytes([REQUIRED, ["A", 1], ["B", 2]]))
    assert len(data) < 10_000
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    table, seconds = timed_read(data)
    assert seconds < 0.5
    assert [values["Nhiệm vụ"] for _row, values in table] == ["A", "B"]


def test_a_small_file_claiming_a_million_rows_with_a_cell_in_the_last_is_refused_in_no_time():
    """The old reader padded 1,048,574 empty rows of 16,384 cells between them: 4 s for a 5 KB file."""
    data = claiming_a_million_rows(with_a_row_at_the_bottom(xlsx_bytes([REQUIRED, ["A", 1]])))
    assert len(data) < 10_000
    refused, seconds = timed_read(data, max_rows=100)
    assert seconds < 0.5
    assert isinstance(refused, SpreadsheetRefused)
    assert refused.errors[0].message == (
        "Tệp có dòng thứ 1.102 trở đi (kể cả dòng trống): quá giới hạn 100 dòng mỗi lần nhập. "
        "Hãy xóa các dòng thừa hoặc chia nhỏ tệp."
    )


def test_rows_past_the_limit_are_refused_without_reading_the_rest(parsed_rows):
    data = xlsx_bytes([REQUIRED] + [[f"Việc {i}", i] for i in range(2_000)])
    refused, _seconds = timed_read(data, max_rows=10)
    assert len(parsed_rows) <= 13
    assert isinstance(refused, SpreadsheetRefused)
    assert refused.errors[0].message == (
        "Tệp có hơn 10 dòng số liệu: mỗi lần nhập tối đa 10 dòng. Hãy chia nhỏ tệp rồi nhập lần lượt."
    )


def test_cells_right_of_the_header_are_not_read():
    data = xlsx_bytes([REQUIRED, ["A", 1, None, None, "lạc chỗ"]])
    table, _seconds = timed_read(data)
    assert table == [(2, {"Nhiệm vụ": "A", "Ngày bắt đầu": 1})]


def test_a_task_file_over_the_limit_is_refused_with_a_message(client, users, tree, programme, monkeypatch):
    monkeypatch.setattr(import_views, "TASK_IMPORT_MAX_ROWS", 3)
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER] + [row(f"Việc {i}") for i in range(4)]))
    assert response.status_code == 400
    assert "Tệp có hơn 3 dòng số liệu" in response.content.decode()
    assert not Task.objects.exists()


def test_the_task_import_limit_is_5000_rows():
    assert import_views.TASK_IMPORT_MAX_ROWS == 5_000


def test_a_pccc_file_with_more_rows_than_units_is_refused(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    exported = load_workbook(io.BytesIO(b"".join(client.get(url + f"?ky={PERIOD}").streaming_content)))
    header = [c.value for c in exported.active[1]]
    rows = [[tree.badinh.code]] * (services.PCCC_IMPORT_MIN_ROWS + 1)
    response = post(client, pccc, tree.hanoi, xlsx_bytes([header, *rows]))
    assert response.status_code == 400
    assert "nhiều hơn số đơn vị của bảng nhập liệu (3)" in response.content.decode()
    assert not Assessment.objects.exists()


def test_at_most_200_errors_are_shown_and_the_rest_counted(client, users, tree, programme):
    rows = [row(f"Việc {i}", lead="Không có cơ quan này", coord="") for i in range(250)]
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, *rows]))
    html = response.content.decode()
    assert response.status_code == 400
    assert len(response.context["errors"]) == MAX_ERRORS_SHOWN == 200
    assert response.context["errors_hidden"] == 50
    assert "và 50 lỗi khác" in html
    assert html.count("Không có cơ quan “Không có cơ quan này”") == 200


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("1e1000000", "Không phải là số."),
        ("9" * 20, "Số quá lớn: tối đa 9.999,99."),
        (1e300, "Số quá lớn: tối đa 9.999,99."),
        ("0", "Trọng số phải là một số dương."),
    ],
)
def test_a_task_weight_is_read_by_the_strict_parser(client, users, tree, programme, agencies, weight, message):
    line = row("Việc có trọng số lạ")
    line[HEADER.index("Trọng số")] = weight
    client.force_login(users.coordinator_hanoi)
    started = time.perf_counter()
    response = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, line]))
    assert time.perf_counter() - started < 1
    assert [e.message for e in response.context["errors"]] == [message]


@pytest.mark.parametrize(("weight", "expected"), [("2,5", "2.50"), (2.5, "2.50"), ("1.5", "1.50"), (3, "3.00")])
def test_a_task_weight_takes_the_decimal_comma(client, users, tree, programme, agencies, weight, expected):
    line = row("Việc có trọng số")
    line[HEADER.index("Trọng số")] = weight
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, line]))
    assert response.status_code == 200, response.context["errors"]
    assert str(response.context["plan"].rows[0].task.weight) == expected


@pytest.fixture
def parsed_rows(monkeypatch) -> list:
    """Counts the rows openpyxl parses: proof that reading stopped, independent of the machine's load."""
    parsed = []
    parse_row = WorkSheetParser.parse_row
    monkeypatch.setattr(WorkSheetParser, "parse_row", lambda self, row: parsed.append(1) or parse_row(self, row))
    return parsed


def test_a_real_200000_row_file_is_refused_after_the_limit_without_parsing_the_rest(parsed_rows):
    """Rows written out (not merely claimed): parsing stops at row 5,002 (counted, not timed)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 200_002))

    def filled(xml):
        xml = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B200001"', xml)
        return xml.replace("</row></sheetData>", "</row>" + rows + "</sheetData>")

    data = rewritten(xlsx_bytes([REQUIRED]), filled)
    refused, _seconds = timed_read(data, max_rows=5_000)
    assert isinstance(refused, SpreadsheetRefused)
    assert refused.errors[0].message.startswith("Tệp có hơn 5.000 dòng số liệu")
    assert len(parsed_rows) <= 5_002 + 2
