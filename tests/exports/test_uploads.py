"""Bad files are refused with a Vietnamese message before any row is read, including hostile ones built here."""

import io
import zipfile

import pytest

from exports.uploads import SpreadsheetRefused, check_xlsx_bytes, read_table

from .conftest import xlsx_bytes

REQUIRED = ["Nhiệm vụ", "Ngày bắt đầu"]


def refused(data, **kwargs) -> str:
    with pytest.raises(SpreadsheetRefused) as caught:
        read_table(data, required=REQUIRED, **kwargs)
    return " ".join(e.message for e in caught.value.errors)


def test_a_renamed_exe_a_csv_and_an_empty_file_are_not_xlsx():
    assert "không phải là bảng tính Excel" in refused(b"MZ\x90\x00" + b"\x00" * 200, filename="nhiem-vu.xlsx")
    assert "không phải là bảng tính Excel" in refused("Nhiệm vụ;Ngày bắt đầu\nA;01/01/2026\n".encode())
    assert "Tệp rỗng" in refused(b"")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "xin chào")
    assert "không phải là bảng tính Excel" in refused(buffer.getvalue())


def test_a_file_over_5_mb_is_refused():
    assert "lớn hơn 5 MB" in refused(b"PK\x03\x04" + b"0" * (5 * 1024 * 1024))


def test_a_zip_bomb_is_refused_before_anything_is_inflated():
    """Built on the fly: a valid workbook plus a 200 MB member of zeros that compresses to ~200 KB."""
    buffer = io.BytesIO(xlsx_bytes([REQUIRED]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/bomb.bin", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 5 * 1024 * 1024
    with mock_load() as load:
        assert "bom nén" in refused(data)
    load.assert_not_called()


def mock_load():
    from unittest import mock

    return mock.patch("exports.uploads.load_workbook")


def test_macros_are_refused_by_name_and_by_content():
    assert "macro" in refused(xlsx_bytes([REQUIRED]), filename="nhiem-vu.xlsm")
    buffer = io.BytesIO(xlsx_bytes([REQUIRED]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    assert "macro" in refused(buffer.getvalue(), filename="nhiem-vu.xlsx")


def test_formulas_are_refused_with_their_row_and_column():
    with pytest.raises(SpreadsheetRefused) as caught:
        read_table(xlsx_bytes([REQUIRED, ["=1+1", "x"], ["Ổn", '=HYPERLINK("http://x")']]), required=REQUIRED)
    where = {(e.row, e.column) for e in caught.value.errors}
    assert where == {(2, "Nhiệm vụ"), (3, "Ngày bắt đầu")}
    assert all("công thức" in e.message for e in caught.value.errors)


def test_missing_extra_and_merged_columns_are_named():
    message = refused(xlsx_bytes([["Nhiệm vụ", "Cột lạ"], ["A", "B"]]))
    assert "Thiếu cột: Ngày bắt đầu" in message and "Cột không có trong mẫu: Cột lạ" in message
    assert "ô gộp (A2:B2)" in refused(xlsx_bytes([REQUIRED, ["A", None]], merge="A2:B2"))


def test_a_good_file_gives_rows_by_number_and_skips_empty_rows():
    rows = read_table(xlsx_bytes([REQUIRED, ["  A ", 1], [None, None], ["B", 2]]), required=REQUIRED)
    assert rows == [(2, {"Nhiệm vụ": "A", "Ngày bắt đầu": 1}), (4, {"Nhiệm vụ": "B", "Ngày bắt đầu": 2})]


def test_check_accepts_a_plain_workbook():
    check_xlsx_bytes(xlsx_bytes([REQUIRED]))


def test_an_xml_entity_bomb_inside_the_sheet_is_refused():
    """Built on the fly: "billion laughs" in the worksheet XML; defusedxml refuses entity declarations."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([REQUIRED, ["A", 1]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                entities = '<!ENTITY a "hahahahaha">' + "".join(
                    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
                )
                content = f"<!DOCTYPE worksheet [{entities}]>".encode() + content
                content = content.replace(b"<v>1</v>", b"<v>&i;</v>")
            archive.writestr(item, content)
    assert "Không đọc được tệp Excel" in refused(buffer.getvalue())
