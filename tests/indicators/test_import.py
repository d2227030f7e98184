"""Importing targets from Excel: all rows or none, a Vietnamese message by row."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from exports.uploads import SpreadsheetRefused
from indicators.importer import targets_import
from indicators.models import Target


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị", "Mã chỉ tiêu", "Kỳ", "Chỉ tiêu giao"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_targets_are_imported_for_the_programme_units_and_periods(users, tree, programme, chip_ids, security_models):
    data = xlsx(("", "CT1", "", "98,5"), ("01", "CT1", "2026-11", 99), ("31", "CT2", "2026", "25"))
    assert targets_import(actor=users.admin, programme=programme, data=data) == 3
    assert sorted(Target.objects.values_list("unit__code", "indicator__code", "period", "value"), key=str) == sorted([
        (None, "CT1", "", Decimal("98.50")), ("01", "CT1", "2026-11", Decimal("99.00")),
        ("31", "CT2", "2026", Decimal("25.00")),
    ], key=str)  # fmt: skip


def test_one_bad_row_writes_nothing(users, tree, programme, chip_ids):
    programme.unit = tree.hanoi
    programme.save()
    data = xlsx(("01", "CT1", "", "98,5"), ("31", "CT1", "", "98,5"), ("01", "CT1", "2026-11", "101"))
    with pytest.raises(SpreadsheetRefused) as error:
        targets_import(actor=users.admin, programme=programme, data=data)
    assert [(e.row, e.message) for e in error.value.errors] == [
        (3, "Thành phố Hải Phòng nằm ngoài phạm vi của đề án."),
        (4, "Tỷ lệ không được lớn hơn 100%."),
    ]
    assert not Target.objects.exists()


def test_an_unknown_indicator_or_unit_is_named_by_row(users, tree, programme, chip_ids):
    data = xlsx(("01", "XX", "", "1"), ("99999", "CT1", "", "1"), ("01", "CT1", "tháng 5", "1"))
    with pytest.raises(SpreadsheetRefused) as error:
        targets_import(actor=users.admin, programme=programme, data=data)
    assert [(e.row, e.column) for e in error.value.errors] == [(2, "Mã chỉ tiêu"), (3, "Mã đơn vị"), (4, "Kỳ")]
    assert not Target.objects.exists()


def test_the_grid_page_imports_a_file_or_lists_its_errors(client, users, tree, programme, chip_ids):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/chi-tieu/{programme.pk}/01/chi-tieu-giao/"
    client.force_login(users.coordinator_hanoi)
    bad = SimpleUploadedFile("chi-tieu.xlsx", xlsx(("01", "CT1", "", "98,5"), ("31", "CT1", "", "98,5")))
    response = client.post(url, {"ky": "", "tep": bad})
    assert response.status_code == 400
    assert "Bạn không có quyền giao chỉ tiêu cho đơn vị này." in response.content.decode()
    assert not Target.objects.exists()
    good = SimpleUploadedFile("chi-tieu.xlsx", xlsx(("01", "CT1", "", "98,5"), ("00070", "CT1", "", "99")))
    assert client.post(url, {"ky": "", "tep": good}).status_code == 302
    assert Target.objects.count() == 2
