"""Issue 15, item 3: the task import carries each task's state (status, percent, reason, data date)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.choices import BlockReason, TaskStatus
from tasks.models import ProgressUpdate, Task

from .conftest import open_xlsx, xlsx_bytes
from .test_task_import import GROUP, HEADER, STATE_HEADER, upload

pytestmark = pytest.mark.django_db

START, DEADLINE = datetime.date(2026, 2, 1), datetime.date(2026, 9, 30)
FULL_HEADER = HEADER + STATE_HEADER


def row(title, status="", percent=None, reason="", data_date=None, *, start=START):
    return [
        title, GROUP, "", "Công an thành phố Hà Nội", "", "", datetime.datetime.combine(start, datetime.time()),
        datetime.datetime.combine(DEADLINE, datetime.time()), 1, "", "", status, percent, reason,
        datetime.datetime.combine(data_date, datetime.time()) if data_date else None,
    ]  # fmt: skip


def confirm(client, users, programme, tree, rows):
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([FULL_HEADER, *rows]))
    assert preview.status_code == 200, [(e.row, e.column, e.message) for e in preview.context["errors"]]
    response = client.post(reverse("exports:task_import"), {"token": preview.context["token"]})
    assert response.status_code == 302
    return preview


def test_the_template_and_its_instructions_sheet_offer_the_state_columns(client, users, agencies):
    client.force_login(users.coordinator_hanoi)
    workbook = open_xlsx(client.get(reverse("exports:task_template")))
    assert [c.value for c in workbook["Nhiệm vụ"][1]][-4:] == STATE_HEADER
    guide = {r[0]: r[2] for r in workbook["Hướng dẫn"].iter_rows(min_row=2, values_only=True)}
    assert "Chưa triển khai; Đang triển khai; Hoàn thành; Hoàn thành quá hạn; Vướng mắc" in guide["Trạng thái"]
    assert "báo cáo tiến độ" in guide["Trạng thái"]
    assert "Chờ hướng dẫn của Trung ương" in guide["Lý do vướng mắc / chưa triển khai"]
    assert "trước ngày bắt đầu" in guide["Ngày số liệu"]


def test_rows_with_state_are_written_as_progress_reports_with_history(client, users, tree, programme, agencies):
    on = datetime.date(2026, 9, 15)
    preview = confirm(client, users, programme, tree, [
        row("Xong", "Hoàn thành", 100, data_date=on),
        row("Đang làm", "đang triển khai", "40%", data_date=on),
        row("Chờ Trung ương", "Vướng mắc", 10, "Chờ hướng dẫn của Trung ương", on),
        row("Chưa làm", "Chưa triển khai", data_date=on),
        row("Không ghi trạng thái"),
    ])  # fmt: skip
    assert "4 dòng có trạng thái sẽ được ghi thành báo cáo tiến độ" in preview.content.decode()
    state = {t.title: (t.current_status, t.current_percent, t.current_block_reason) for t in Task.objects.all()}
    assert state == {
        # Done on 15/09 for a deadline of 30/09: on time, though confirmed after the deadline.
        "Xong": (TaskStatus.DONE, 100, ""),
        "Đang làm": (TaskStatus.IN_PROGRESS, 40, ""),
        "Chờ Trung ương": (TaskStatus.BLOCKED, 10, BlockReason.WAITING_CENTRAL),
        "Chưa làm": (TaskStatus.NOT_STARTED, 0, ""),
        "Không ghi trạng thái": (TaskStatus.NOT_STARTED, 0, ""),
    }
    assert ProgressUpdate.objects.count() == 4
    report = ProgressUpdate.objects.get(task__title="Xong")
    assert report.author == users.coordinator_hanoi and "15/09/2026" in report.note
    assert set(ProgressUpdate.objects.values_list("data_date", flat=True)) == {on}  # the day the row describes
    done = Task.objects.get(title="Xong")
    assert done.history.count() == 2  # created by the import, then its state by the report
    assert done.history.first().history_user == users.coordinator_hanoi


def test_a_done_row_dated_after_the_deadline_is_done_late(client, users, tree, programme, agencies):
    confirm(client, users, programme, tree, [row("Muộn", "Hoàn thành", None, data_date=datetime.date(2026, 10, 5))])
    assert Task.objects.get().current_status == TaskStatus.DONE_LATE


def test_importing_the_same_state_twice_writes_no_second_report(client, users, tree, programme, agencies):
    rows = [row("Đang làm", "Đang triển khai", 40, data_date=datetime.date(2026, 9, 15))]
    confirm(client, users, programme, tree, rows)
    confirm(client, users, programme, tree, rows)
    assert ProgressUpdate.objects.count() == 1


def test_a_new_state_of_an_existing_task_is_reported_on_it(client, users, tree, programme, agencies):
    confirm(
        client, users, programme, tree, [row("Đang làm", "Đang triển khai", 40, data_date=datetime.date(2026, 6, 1))]
    )
    confirm(
        client, users, programme, tree, [row("Đang làm", "Đang triển khai", 70, data_date=datetime.date(2026, 7, 1))]
    )
    task = Task.objects.get()
    assert task.current_percent == 70
    assert list(task.updates.order_by("pk").values_list("percent", flat=True)) == [40, 70]


def test_contradictory_or_misdated_state_is_refused_by_row_and_column_and_nothing_is_saved(
    client, users, tree, programme, agencies
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        row("Tốt", "Đang triển khai", 50, data_date=datetime.date(2026, 3, 1)),
        row("Hoàn thành 40%", "hoàn thành", 40),
        row("Chưa triển khai 30%", "Chưa triển khai", 30),
        row("Ngày tương lai", "Đang triển khai", 20, data_date=tomorrow),
        row("Trước khi bắt đầu", "Đang triển khai", 20, data_date=datetime.date(2026, 1, 15)),
        row("Vướng mắc không lý do", "Vướng mắc", 20),
        row("Trạng thái lạ", "Gần xong", 90),
        row("Lý do khi đang làm", "Đang triển khai", 20, "Thiếu kinh phí"),
        row("Tỷ lệ quá 100", "Đang triển khai", 120),
        row("Tỷ lệ không ghi trạng thái", "", 20),
        row("Đang làm thiếu tỷ lệ", "Đang triển khai"),
    ]
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, xlsx_bytes([FULL_HEADER, *rows]))
    assert response.status_code == 400
    errors = {(e.row, e.column): e.message for e in response.context["errors"]}
    assert errors == {
        (3, "Tỷ lệ hoàn thành (%)"): "Trạng thái “Hoàn thành” thì tỷ lệ phải là 100%, không phải 40%.",
        (4, "Tỷ lệ hoàn thành (%)"): "Trạng thái “Chưa triển khai” thì tỷ lệ phải là 0%, không phải 30%.",
        (5, "Ngày số liệu"): (
            f"Ngày số liệu {tomorrow:%d/%m/%Y} chưa đến (hôm nay là {timezone.localdate():%d/%m/%Y})."
        ),
        (6, "Ngày số liệu"): "Ngày số liệu 15/01/2026 trước ngày bắt đầu của nhiệm vụ (01/02/2026).",
        (7, "Lý do vướng mắc / chưa triển khai"): "Nhiệm vụ vướng mắc phải ghi lý do.",
        (8, "Trạng thái"): "Trạng thái “Gần xong” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).",
        (9, "Lý do vướng mắc / chưa triển khai"): (
            "Lý do chỉ ghi cho nhiệm vụ vướng mắc hoặc chưa triển khai, không cho trạng thái “Đang triển khai”."
        ),
        (10, "Tỷ lệ hoàn thành (%)"): "Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100.",
        (11, "Trạng thái"): "Hãy ghi trạng thái khi ghi tỷ lệ, lý do hoặc ngày số liệu.",
        (12, "Tỷ lệ hoàn thành (%)"): "Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ đang triển khai.",
    }
    assert "token" not in response.context
    assert Task.objects.count() == 0 and ProgressUpdate.objects.count() == 0


def test_a_not_started_task_may_carry_its_reason(client, users, tree, programme, agencies):
    """Passed to the report service, which keeps it once not-started reasons are stored (issue 15, item 6)."""
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, xlsx_bytes([FULL_HEADER, row("Chờ", "Chưa triển khai", 0,
                                                                                    "Thiếu kinh phí")]))  # fmt: skip
    assert response.status_code == 200
    (planned,) = response.context["plan"].reports
    assert (planned.report.status, planned.report.block_reason) == (TaskStatus.NOT_STARTED, BlockReason.FUNDING)


def test_a_verified_completion_reimported_as_done_is_left_alone_but_cannot_be_changed(
    client, users, tree, programme, agencies
):
    confirm(client, users, programme, tree, [row("Xong", "Hoàn thành", 100, data_date=datetime.date(2026, 9, 1))])
    Task.objects.update(completion_verified=True, awaiting_verification=False)
    confirm(client, users, programme, tree, [row("Xong", "Hoàn thành", 100, data_date=datetime.date(2026, 9, 1))])
    assert ProgressUpdate.objects.count() == 1
    response = upload(client, programme, tree.hanoi, xlsx_bytes([FULL_HEADER, row("Xong", "Đang triển khai", 50)]))
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Trạng thái")]
