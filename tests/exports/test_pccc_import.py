"""Criterion values from the grid export: preview by row and column, confirm through pccc's save service."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pccc.models import Assessment

from .conftest import open_xlsx

pytestmark = pytest.mark.django_db
PERIOD = "2026-03"
NUM, DEN = "TC1. Tiêu chí TC1 – Tử", "TC1. Tiêu chí TC1 – Mẫu"


def filled_template(client, tree, pccc, values: dict) -> bytes:
    """Download the grid export and type ``{(unit_code, header_prefix): value}`` into it."""
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    response = client.get(url + f"?ky={PERIOD}")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for (code, prefix), value in values.items():
        column = next(i for i, h in enumerate(headers, 1) if h.startswith(prefix))
        sheet.cell(row=rows[code], column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(client, pccc, unit, data):
    return client.post(
        reverse("exports:pccc_import"),
        {
            "criteria_set": pccc.set.code,
            "unit": unit.code,
            "ky": PERIOD,
            "file": SimpleUploadedFile("so-lieu.xlsx", data),
        },
    )


def test_values_are_previewed_then_saved(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    data = filled_template(
        client, tree, pccc, {(tree.badinh.code, NUM): 40, (tree.badinh.code, DEN): 50, (tree.hoankiem.code, "TC4."): 0}
    )
    preview = post(client, pccc, tree.hanoi, data)
    assert preview.status_code == 200, preview.context["errors"]
    assert "Sẽ thay đổi 2 ô số liệu" in preview.content.decode()
    assert Assessment.objects.count() == 0
    response = client.post(reverse("exports:pccc_import"), {"token": preview.context["token"]})
    assert response.status_code == 302
    saved = Assessment.objects.get(unit=tree.badinh, criterion=pccc.households)
    assert (saved.value, saved.denominator, saved.period) == (40, 50, PERIOD)
    assert Assessment.objects.filter(unit=tree.hoankiem, criterion=pccc.serious, value=0).exists()


def test_bad_cells_are_listed_by_row_and_column_and_nothing_is_saved(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    data = filled_template(
        client, tree, pccc, {(tree.badinh.code, NUM): 60, (tree.badinh.code, DEN): 50, (tree.hoankiem.code, "TC4."): 0}
    )
    response = post(client, pccc, tree.hanoi, data)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert len(errors) == 1 and errors[0].column.startswith("TC1.") and "không được lớn hơn mẫu số" in errors[0].message
    assert errors[0].row >= 2
    assert Assessment.objects.count() == 0


def test_unknown_and_duplicate_units_are_errors(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    workbook = open_xlsx(client.get(url + f"?ky={PERIOD}"))
    sheet = workbook.active
    sheet.append([tree.hongbang.code])
    sheet.append([tree.badinh.code, None, 1, 2])
    sheet.append([tree.badinh.code, None, 1, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(client, pccc, tree.hanoi, buffer.getvalue())
    messages = " ".join(e.message for e in response.context["errors"])
    assert "Không có đơn vị mã “11296”" in messages and "Trùng với dòng" in messages
    assert Assessment.objects.count() == 0


def test_a_forged_province_is_refused(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    response = post(client, pccc, tree.haiphong, b"PK\x03\x04")
    assert response.status_code == 400 and "ngoài phạm vi" in response.content.decode()


def test_a_future_period_is_refused(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("exports:pccc_import"),
        {
            "criteria_set": pccc.set.code,
            "unit": tree.hanoi.code,
            "ky": "2099-01",
            "file": SimpleUploadedFile("a.xlsx", b"x"),
        },
    )
    assert response.status_code == 400 and "Chưa đến kỳ báo cáo" in response.content.decode()


def test_a_file_of_another_level_is_imported_at_that_level(client, users, tree, pccc):
    from pccc.choices import Aggregation, Comparator
    from provinces.choices import UnitLevel
    from tests.pccc.conftest import make_criterion

    plan_made = make_criterion(
        pccc.set, "TP1", Comparator.YES_NO, Aggregation.SHARE_PASSING, level=UnitLevel.PROVINCE, order=9
    )
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    workbook = open_xlsx(client.get(url + f"?ky={PERIOD}&cap={UnitLevel.PROVINCE}"))
    sheet = workbook.active
    assert [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)] == [tree.hanoi.code]
    sheet.cell(row=2, column=3, value="Có")
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = {"criteria_set": pccc.set.code, "unit": tree.hanoi.code, "ky": PERIOD, "cap": UnitLevel.PROVINCE}
    preview = client.post(
        reverse("exports:pccc_import"), {**data, "file": SimpleUploadedFile("a.xlsx", buffer.getvalue())}
    )
    assert preview.status_code == 200, preview.context["errors"]
    client.post(reverse("exports:pccc_import"), {"token": preview.context["token"]})
    assert Assessment.objects.get(criterion=plan_made, unit=tree.hanoi).answer is True


def row_of(data: bytes, code: str) -> int:
    sheet = load_workbook(io.BytesIO(data)).active
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == code)


def test_a_confirmation_after_a_unit_was_merged_away_lists_its_row_and_saves_nothing(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    data = filled_template(
        client, tree, pccc, {(tree.badinh.code, NUM): 40, (tree.badinh.code, DEN): 50, (tree.hoankiem.code, "TC4."): 0}
    )
    preview = post(client, pccc, tree.hanoi, data)
    token = preview.context["token"]
    tree.hoankiem.valid_to = datetime.date(2026, 3, 1)  # merged into another ward after the preview
    tree.hoankiem.save()
    response = client.post(reverse("exports:pccc_import"), {"token": token})
    assert response.status_code == 409
    row = row_of(data, tree.hoankiem.code)
    assert [(e.row, e.column, e.message) for e in response.context["errors"]] == [
        (row, "Mã đơn vị", "Không có đơn vị mã “00070” trong bảng nhập liệu này.")
    ]
    body = response.content.decode()
    assert f"<td>{row}</td><td>Mã đơn vị</td>" in body and "đã thay đổi kể từ lúc kiểm tra tệp" in body
    assert Assessment.objects.count() == 0
    # The upload is kept, and the form is filled in for a corrected file for the same place and period.
    assert response.context["token"] == token and f'value="{token}"' in body
    form = response.context["form"]
    assert (form.initial["criteria_set"], form.initial["unit"], form.initial["ky"]) == (pccc.set, tree.hanoi, PERIOD)


def test_a_cell_that_fails_a_rule_changed_since_the_preview_is_listed_and_the_kept_upload_saves_once_fixed(
    client, users, tree, pccc
):
    pccc.villages.requires_evidence = False
    pccc.villages.save()
    client.force_login(users.officer_hanoi)
    values = {(tree.badinh.code, "TC5."): "Có", (tree.hoankiem.code, NUM): 1, (tree.hoankiem.code, DEN): 2}
    data = filled_template(client, tree, pccc, values)
    token = post(client, pccc, tree.hanoi, data).context["token"]
    pccc.villages.requires_evidence = True  # the rule tightened after the preview
    pccc.villages.save()
    response = client.post(reverse("exports:pccc_import"), {"token": token})
    assert response.status_code == 409
    [error] = response.context["errors"]
    assert (error.row, error.message) == (row_of(data, tree.badinh.code), "Chọn “Có” phải kèm minh chứng.")
    assert error.column.startswith("TC5.")
    assert Assessment.objects.count() == 0
    pccc.villages.requires_evidence = False
    pccc.villages.save()
    assert client.post(reverse("exports:pccc_import"), {"token": token}).status_code == 302
    assert Assessment.objects.count() == 2


def colleague_saves(users, tree, pccc, unit, **values):
    """Another officer saves one cell through the data-entry grid's own service."""
    from pccc.services import CellInput, assessment_grid_save

    criterion = values.pop("criterion")
    return assessment_grid_save(
        user=users.officer_hoankiem if unit == tree.hoankiem else users.officer_hanoi,
        criteria_set=pccc.set,
        root=unit,
        period=PERIOD,
        cells=[CellInput(criterion_id=criterion.pk, unit_id=unit.pk, **values)],
    )


REPLACED = "Ô này vừa được người khác nhập số liệu mới sau lúc kiểm tra tệp; hãy xem lại rồi tải tệp lên lại."


def test_a_value_a_colleague_saved_after_the_preview_is_not_overwritten(client, users, tree, pccc):
    """The cell is refused by row and column, their value kept, nothing of the file written; a new upload is asked."""
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=3)
    client.force_login(users.officer_hanoi)
    values = {(tree.badinh.code, NUM): 40, (tree.badinh.code, DEN): 50, (tree.hoankiem.code, "TC4."): 0}
    data = filled_template(client, tree, pccc, values)
    preview = post(client, pccc, tree.hanoi, data)
    assert preview.status_code == 200, preview.context["errors"]
    token = preview.context["token"]
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=5)
    rows = Assessment.objects.count()

    response = client.post(reverse("exports:pccc_import"), {"token": token})

    assert response.status_code == 409
    [error] = response.context["errors"]
    assert (error.row, error.message) == (row_of(data, tree.hoankiem.code), REPLACED)
    assert error.column.startswith("TC4.")
    body = response.content.decode()
    assert f"<td>{error.row}</td><td>{error.column}</td>" in body
    assert "Kiểm tra lại và nhập" not in body and "có thể là chính tệp này" in body
    current = Assessment.objects.current().get(unit=tree.hoankiem, criterion=pccc.serious)
    assert current.value == 5
    assert Assessment.objects.count() == rows and not Assessment.objects.filter(unit=tree.badinh).exists()
    # The upload is kept; confirming it again is refused again, since the preview it showed is out of date.
    assert response.context["token"] == token
    assert client.post(reverse("exports:pccc_import"), {"token": token}).status_code == 409
    again = post(client, pccc, tree.hanoi, data)
    assert ("5", "0") in [(old, new) for _r, _u, _c, old, new in again.context["plan"].changes]
    assert client.post(reverse("exports:pccc_import"), {"token": again.context["token"]}).status_code == 302
    assert Assessment.objects.current().get(unit=tree.hoankiem, criterion=pccc.serious).value == 0


def test_a_cell_that_was_empty_at_the_preview_and_got_a_value_since_is_refused(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    values = {(tree.badinh.code, NUM): 40, (tree.badinh.code, DEN): 50, (tree.hoankiem.code, "TC4."): 0}
    data = filled_template(client, tree, pccc, values)
    token = post(client, pccc, tree.hanoi, data).context["token"]
    colleague_saves(users, tree, pccc, tree.badinh, criterion=pccc.households, value=1, denominator=2)

    response = client.post(reverse("exports:pccc_import"), {"token": token})

    assert response.status_code == 409
    assert [(e.row, e.message) for e in response.context["errors"]] == [(row_of(data, tree.badinh.code), REPLACED)]
    assert response.context["errors"][0].column.startswith(NUM)
    saved = Assessment.objects.get(unit=tree.badinh, criterion=pccc.households)
    assert (saved.value, saved.denominator) == (1, 2)
    assert not Assessment.objects.filter(unit=tree.hoankiem).exists()


def test_unchanged_stored_values_and_a_colleagues_other_cells_do_not_stop_the_confirmation(client, users, tree, pccc):
    """Only the cells the file writes are compared: a stored value replaced as previewed saves."""
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=3)
    client.force_login(users.officer_hanoi)
    data = filled_template(client, tree, pccc, {(tree.hoankiem.code, "TC4."): 0})
    preview = post(client, pccc, tree.hanoi, data)
    assert [(old, new) for _r, _u, _c, old, new in preview.context["plan"].changes] == [("3", "0")]
    colleague_saves(users, tree, pccc, tree.badinh, criterion=pccc.households, value=1, denominator=2)

    response = client.post(reverse("exports:pccc_import"), {"token": preview.context["token"]})

    assert response.status_code == 302
    assert Assessment.objects.current().get(unit=tree.hoankiem, criterion=pccc.serious).value == 0
    assert Assessment.objects.current().get(unit=tree.badinh, criterion=pccc.households).value == 1


def test_replaced_cells_and_cells_that_now_break_a_rule_are_listed_together_in_sheet_order(client, users, tree, pccc):
    pccc.villages.requires_evidence = False
    pccc.villages.save()
    client.force_login(users.officer_hanoi)
    values = {(tree.badinh.code, "TC5."): "Có", (tree.hoankiem.code, "TC4."): 0}
    data = filled_template(client, tree, pccc, values)
    token = post(client, pccc, tree.hanoi, data).context["token"]
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=5)
    pccc.villages.requires_evidence = True
    pccc.villages.save()

    response = client.post(reverse("exports:pccc_import"), {"token": token})

    assert response.status_code == 409
    expected = sorted(
        [
            (row_of(data, tree.badinh.code), "Chọn “Có” phải kèm minh chứng."),
            (row_of(data, tree.hoankiem.code), REPLACED),
        ]
    )
    assert [(e.row, e.message) for e in response.context["errors"]] == expected
    assert Assessment.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_the_confirmation_locks_the_values_it_replaces_before_comparing_them(client, users, tree, pccc):
    """Compared and written in one transaction, the current values read FOR UPDATE (only the assessment rows)."""
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=3)
    client.force_login(users.officer_hanoi)
    token = post(client, pccc, tree.hanoi, filled_template(client, tree, pccc, {(tree.hoankiem.code, "TC4."): 0}))
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("exports:pccc_import"), {"token": token.context["token"]}).status_code == 302
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and locks[0].endswith('FOR UPDATE OF "pccc_assessment"')
