"""Issue 19, item 10: the task list's .xlsx export is the list as filtered on the page, and it can be
edited and imported back as is (same columns, codes beside names, text dates, every error of a row)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tasks.choices import BlockReason, TaskStatus
from tasks.models import ProgressUpdate, Task

from .conftest import open_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db

TITLE_COLUMN = 2


def exported_titles(client, query: str) -> list[str]:
    sheet = open_xlsx(client.get(reverse("exports:tasks_xlsx") + "?" + query)).active
    return [sheet.cell(row=r, column=TITLE_COLUMN).value for r in range(2, sheet.max_row + 1)]


def listed_titles(client, query: str) -> list[str]:
    page = client.get(reverse("tasks:my_tasks") + "?" + query).context["page"]
    return [task.title for task in page.object_list]


@pytest.mark.parametrize(
    "query",
    [
        "scope=unit&q=cap+phieu",  # the search, without diacritics
        "scope=unit&commune=00070",  # one commune
        "scope=unit&overdue=on",  # a status badge
        "scope=unit&sort=han-muon-nhat",  # the sort order
        "scope=unit&q=phieu&sort=han-muon-nhat&status=chua_trien_khai",
    ],
)
def test_the_export_holds_exactly_the_filtered_list_in_its_order(client, users, tree, make_task, query):
    make_task(title="Cấp phiếu lý lịch tư pháp", deadline=datetime.date(2026, 6, 30))
    make_task(title="Cấp phiếu lý lịch tư pháp", unit=tree.hoankiem, deadline=datetime.date(2026, 12, 31))
    make_task(title="Làm sạch dữ liệu dân cư", unit=tree.hoankiem, deadline=datetime.date(2026, 3, 31))
    make_task(title="Kết nối camera", deadline=datetime.date(2027, 3, 31))
    client.force_login(users.coordinator_hanoi)
    listed = listed_titles(client, query)
    assert 0 < len(listed) and listed != ["Cấp phiếu lý lịch tư pháp", "Làm sạch dữ liệu dân cư"]
    assert exported_titles(client, query) == listed


def test_an_officer_with_nothing_assigned_exports_the_unit_list_the_page_shows(client, users, make_task):
    make_task(title="Việc của đơn vị")
    client.force_login(users.officer_hanoi)
    assert listed_titles(client, "") == ["Việc của đơn vị"]
    assert exported_titles(client, "") == ["Việc của đơn vị"]


def column_of(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, title: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=TITLE_COLUMN).value == title)


def upload(client, programme, unit, data: bytes):
    return client.post(
        reverse("exports:task_import"),
        {"programme": programme.pk, "unit": unit.code, "file": SimpleUploadedFile("nhiem-vu.xlsx", data)},
    )


def snapshot() -> dict:
    """Every imported field of every task, its version and its reports."""
    return {
        task.title: (
            task.group,
            task.lead_agency_id,
            task.accountable_person_id,
            task.start_date,
            task.deadline,
            task.weight,
            task.description,
            task.expected_result,
            task.current_status,
            task.current_percent,
            task.current_block_reason,
            sorted(a.pk for a in task.coordinating_agencies.all()),
            task.version,
            ProgressUpdate.objects.filter(task=task).count(),
        )
        for task in Task.objects.prefetch_related("coordinating_agencies")
    }


@pytest.fixture
def listed_tasks(users, tree, agencies, make_task):
    """A varied list: codes with leading zeros, people, partners, decimals, states, a future start."""
    first = make_task(
        title="Hà Nội 1", accountable_person=users.officer_hanoi, weight="1.5", description="=Nội dung",
        expected_result="Báo cáo", current_status=TaskStatus.IN_PROGRESS, current_percent=40,
    )  # fmt: skip
    first.coordinating_agencies.set([agencies.justice_hanoi])
    make_task(
        title="Hoàn Kiếm 1", unit=tree.hoankiem, accountable_person=users.officer_hoankiem,
        current_status=TaskStatus.IN_PROGRESS, current_percent=40,
    )  # fmt: skip
    make_task(
        title="Vướng", current_status=TaskStatus.BLOCKED, current_percent=20,
        current_block_reason=BlockReason.WAITING_CENTRAL,
    )  # fmt: skip
    make_task(title="Xong", current_status=TaskStatus.DONE_LATE, current_percent=100)
    # Not started yet and starting after today: re-importing its state must not ask for a data date.
    make_task(title="Năm sau", start_date=datetime.date(2027, 2, 1), deadline=datetime.date(2027, 6, 30))


def export_for_import(client, programme) -> bytes:
    response = client.get(reverse("exports:tasks_xlsx") + f"?scope=unit&programme={programme.pk}")
    return b"".join(response.streaming_content)


def test_an_export_imported_back_as_is_changes_nothing_and_says_so(client, users, tree, programme, listed_tasks):
    client.force_login(users.coordinator_hanoi)
    data = export_for_import(client, programme)
    before = snapshot()
    preview = upload(client, programme, tree.hanoi, data)
    assert preview.status_code == 200, preview.context["errors"]
    plan = preview.context["plan"]
    assert (plan.creates, plan.changes, plan.reports) == ([], [], [])
    assert len(plan.unchanged) == 5
    assert "5 dòng trùng khớp với nhiệm vụ đã có, không thay đổi" in preview.content.decode()
    client.post(reverse("exports:task_import"), {"token": preview.context["token"]})
    assert snapshot() == before


def test_two_cells_edited_in_an_export_change_exactly_those_two_things(client, users, tree, programme, listed_tasks):
    client.force_login(users.coordinator_hanoi)
    workbook = load_workbook(io.BytesIO(export_for_import(client, programme)))
    sheet = workbook.active
    columns = column_of(sheet)
    # A date typed as text, as an officer does, and a new percentage (written as a progress report).
    sheet.cell(row=row_of(sheet, "Hà Nội 1"), column=columns["Thời hạn hoàn thành"]).value = "15/11/2026"
    sheet.cell(row=row_of(sheet, "Hoàn Kiếm 1"), column=columns["Tỷ lệ hoàn thành (%)"]).value = 60
    edited = io.BytesIO()
    workbook.save(edited)
    before = snapshot()

    preview = upload(client, programme, tree.hanoi, edited.getvalue())
    assert preview.status_code == 200, preview.context["errors"]
    plan = preview.context["plan"]
    assert [(p.task.title, p.changed_fields) for p in plan.changes] == [("Hà Nội 1", ["thời hạn hoàn thành"])]
    assert [(p.task.title, p.report.percent) for p in plan.reports] == [("Hoàn Kiếm 1", 60)]
    assert len(plan.unchanged) == 3
    assert client.post(reverse("exports:task_import"), {"token": preview.context["token"]}).status_code == 302

    after = snapshot()
    changed = {title for title in before if before[title] != after[title]}
    assert changed == {"Hà Nội 1", "Hoàn Kiếm 1"}
    first = Task.objects.get(title="Hà Nội 1")
    assert first.deadline == datetime.date(2026, 11, 15)
    # Only the deadline (and the version that counts edits) moved on the first task.
    assert after["Hà Nội 1"][:4] + after["Hà Nội 1"][5:12] == before["Hà Nội 1"][:4] + before["Hà Nội 1"][5:12]
    ward = Task.objects.get(title="Hoàn Kiếm 1")
    assert (ward.current_status, ward.current_percent) == (TaskStatus.IN_PROGRESS, 60)
    assert after["Hoàn Kiếm 1"][:8] == before["Hoàn Kiếm 1"][:8]
    assert after["Hoàn Kiếm 1"][13] == before["Hoàn Kiếm 1"][13] + 1  # one new report, with history


def test_a_row_of_another_programme_in_an_export_is_refused(client, users, tree, programme, make_task):
    make_task(title="A")
    client.force_login(users.coordinator_hanoi)
    data = b"".join(client.get(reverse("exports:tasks_xlsx") + "?scope=unit").streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    workbook.active.cell(row=2, column=column_of(workbook.active)["Đề án, kế hoạch"]).value = "Đề án 06 năm 2025"
    edited = io.BytesIO()
    workbook.save(edited)
    response = upload(client, programme, tree.hanoi, edited.getvalue())
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Đề án, kế hoạch")]


HEADER = [
    "Nhiệm vụ", "Nhóm nhiệm vụ", "Mã đơn vị", "Cơ quan chủ trì", "Người chịu trách nhiệm (tên đăng nhập)",
    "Ngày bắt đầu", "Thời hạn hoàn thành",
]  # fmt: skip


def test_a_row_with_three_errors_gets_three_messages(client, users, tree, programme, agencies):
    data = xlsx_bytes(
        [HEADER, ["Ba lỗi", "Phục vụ phát triển công dân số", "99999", "Công an thành phố Hà Nội", "ai.do",
                  "01/02/2026", "30/02/2026"]]
    )  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, data)
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (2, "Mã đơn vị"),
        (2, "Người chịu trách nhiệm (tên đăng nhập)"),
        (2, "Thời hạn hoàn thành"),
    ]
    assert Task.objects.count() == 0


def test_a_rule_of_the_task_is_reported_beside_a_bad_cell(client, users, tree, programme, agencies):
    """The deadline before the start (a rule of the task) is reported even when another cell is wrong."""
    data = xlsx_bytes(
        [HEADER, ["Hai lỗi", "Nhóm lạ", "", "Công an thành phố Hà Nội", "", "01/02/2026", "01/01/2026"]]
    )  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, data)
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (2, "Nhóm nhiệm vụ"),
        (2, "Thời hạn hoàn thành"),
    ]
