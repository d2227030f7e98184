"""Importing a 2023 plan of an old province (issue 14 item 3): rows dated before the reform are
recorded on the legacy units; a row due after 30/06/2025 is refused naming the successor."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from provinces.services import units_load_legacy
from roles.choices import Role
from tasks.choices import AgencyKind
from tasks.models import Agency, Programme, Task
from tests.factories import make_user
from tests.provinces.legacy_fixture import legacy_data

from .conftest import xlsx_bytes
from .test_task_import import HEADER, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(tree):
    units_load_legacy(data=legacy_data())
    make_user("thuongtruc.haiphong", unit=tree.haiphong, role=Role.COORDINATOR)
    programme = Programme.objects.create(
        name="Đề án 06 năm 2023", year=2023, start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 12, 31)
    )
    Agency.objects.create(name="Bộ Công an", kind=AgencyKind.CENTRAL)
    return programme


def run(tmp_path, programme, rows, err=None):
    path = tmp_path / "ke-hoach-2023.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, *rows]))
    args = ["--programme", str(programme.pk), "--unit", "~30", "--user", "thuongtruc.haiphong"]
    call_command("import_tasks", str(path), *args, stdout=io.StringIO(), stderr=err or io.StringIO())


def test_a_2023_plan_is_imported_onto_old_hai_duong(tmp_path, setting):
    run(tmp_path, setting, [row("Năm 2023", unit="10507", lead="Bộ Công an", coord="",
                                start=datetime.datetime(2023, 2, 1), end=datetime.datetime(2023, 12, 31))])  # fmt: skip

    task = Task.objects.get()
    assert task.unit.path == "/~/30/288/10507/"


def test_a_row_due_after_the_reform_is_refused_naming_the_successor(tmp_path, setting):
    late = row("Sau sáp nhập", lead="Bộ Công an", coord="", start=datetime.datetime(2025, 2, 1),
               end=datetime.datetime(2025, 9, 30))  # fmt: skip
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa nhập dòng nào"):
        run(tmp_path, setting, [late], err)

    assert not Task.objects.exists()
    assert "Tỉnh Hải Dương đã hết hiệu lực sau ngày 30/06/2025; hãy chọn Thành phố Hải Phòng." in err.getvalue()
