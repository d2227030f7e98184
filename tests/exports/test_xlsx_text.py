"""Exports never carry live formulas: every typed string is written as text, unchanged, whatever its first character."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pccc.models import Assessment, AssessmentSubmission
from tasks.models import Agency

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://x","Bấm vào")',
    "=1+1",
    "+84 912 345 678",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcó tab",
    "\rcó CR",
    "#N/A",
]


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def assert_no_formula(data: bytes):
    """No sheet of the file has a formula element: what Excel would evaluate."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if name.startswith("xl/worksheets/"):
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def text_cells(data: bytes, sheet_index=0, column=None) -> dict:
    """{value: cell} of the string cells of one sheet (optionally one column)."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[sheet_index]
    return {
        cell.value: cell
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value is not None and (column is None or cell.column == column)
    }


def test_task_titles_and_names_are_exported_as_text_unchanged(client, users, tree, make_task, agencies):
    agencies.police_hanoi.name = "=Công an"
    agencies.police_hanoi.save()
    users.officer_hanoi.full_name = "-Người phụ trách"
    users.officer_hanoi.save()
    for title in HOSTILE:
        make_task(title=title, accountable_person=users.officer_hanoi)
    client.force_login(users.coordinator_hanoi)
    data = download(client, reverse("exports:tasks_xlsx") + "?scope=unit")
    assert_no_formula(data)
    cells = text_cells(data)
    for value in [*HOSTILE, "=Công an", "-Người phụ trách"]:
        assert cells[value].data_type == "s", value
        assert cells[value].value == value
    # Excel's quote prefix: editing the cell keeps it text.
    assert cells["=1+1"].quotePrefix and not cells["#N/A"].quotePrefix


def test_a_title_with_control_characters_still_exports(client, users, make_task):
    make_task(title="Nhiệm\x0bvụ\x01 lạ")
    client.force_login(users.coordinator_hanoi)
    data = download(client, reverse("exports:tasks_xlsx") + "?scope=unit")
    assert "Nhiệmvụ lạ" in text_cells(data)


def test_pccc_evidence_is_exported_as_text(client, users, tree, pccc):
    submission = AssessmentSubmission.objects.create(
        criteria_set=pccc.set, unit=tree.hanoi, period="2026-10", entered_by=users.officer_hanoi
    )
    for unit, evidence in zip([tree.badinh, tree.hoankiem, tree.soctson], HOSTILE, strict=False):
        Assessment.objects.create(
            submission=submission, criterion=pccc.villages, unit=unit, period="2026-10", answer=True, evidence=evidence
        )
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    data = download(client, url + "?ky=2026-10")
    assert_no_formula(data)
    cells = text_cells(data)
    for value in HOSTILE[:3]:
        assert cells[value].data_type == "s" and cells[value].value == value


def test_the_task_templates_lists_carry_no_formula(client, users, tree, agencies):
    Agency.objects.create(name='=HYPERLINK("http://x","Bấm vào")', kind=agencies.police_hanoi.kind, unit=tree.hanoi)
    client.force_login(users.coordinator_hanoi)
    data = download(client, reverse("exports:task_template"))
    assert_no_formula(data)
    cell = text_cells(data, sheet_index=1)['=HYPERLINK("http://x","Bấm vào")']
    assert cell.data_type == "s"
