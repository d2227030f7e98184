"""Programmes, agencies, tasks, a PCCC set and spreadsheet builders for the exports tests."""

import datetime
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task
from tests.pccc.conftest import big_province, pccc  # noqa: F401  (fixtures of the PCCC tests)

YEAR = 2026


@pytest.fixture(autouse=True)
def pending_dir(settings, tmp_path):
    """Uploads waiting for confirmation go to a temporary folder."""
    settings.EXPORTS_PENDING_DIR = tmp_path / "pending"
    return settings.EXPORTS_PENDING_DIR


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ",
        year=YEAR, start_date=datetime.date(YEAR, 1, 1), end_date=datetime.date(YEAR, 12, 31),
    )  # fmt: skip


@pytest.fixture
def agencies(tree, users):
    return SimpleNamespace(
        police_hanoi=Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi),
        justice_hanoi=Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi),
        police_haiphong=Agency.objects.create(
            name="Công an thành phố Hải Phòng", kind=AgencyKind.POLICE, unit=tree.haiphong
        ),
    )


@pytest.fixture
def make_task(programme, agencies, tree):
    def make(**fields):
        values = {
            "programme": programme, "unit": tree.hanoi, "group": TaskGroup.PUBLIC_SERVICES,
            "title": "Cung cấp 25 dịch vụ công thiết yếu", "lead_agency": agencies.police_hanoi,
            "start_date": datetime.date(YEAR, 1, 1), "deadline": datetime.date(YEAR, 12, 31),
        }  # fmt: skip
        values.update(fields)
        return Task.objects.create(**values)

    return make


def xlsx_bytes(rows, *, merge=None, sheet_title="Nhiệm vụ") -> bytes:
    """A workbook built on the fly: ``rows`` (header first); ``merge`` a range such as "A2:B2"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))
