"""The .xlsx exports: scope, Vietnamese headers, typed cells, frozen header, filter, widths, write-only."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pccc.models import Assessment, AssessmentSubmission
from tasks.choices import TaskStatus
from tasks.models import Task

from .conftest import open_xlsx

pytestmark = pytest.mark.django_db


def test_task_export_is_scoped_typed_frozen_and_filterable(client, users, tree, make_task, agencies):
    make_task(title="Hà Nội 1", current_percent=40, current_status=TaskStatus.IN_PROGRESS)
    make_task(title="Hoàn Kiếm 1", unit=tree.hoankiem)
    make_task(title="Hải Phòng 1", unit=tree.haiphong, lead_agency=agencies.police_haiphong)
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("exports:tasks_xlsx") + "?scope=unit")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = open_xlsx(response).active
    assert [c.value for c in sheet[1]][:5] == ["STT", "Nhiệm vụ", "Đề án, kế hoạch", "Mã đơn vị", "Đơn vị"]
    titles = {sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert titles == {"Hà Nội 1", "Hoàn Kiếm 1"}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "Hà Nội 1")
    deadline, percent = sheet.cell(row=row, column=12), sheet.cell(row=row, column=17)
    assert deadline.value == datetime.datetime(2026, 12, 31) and deadline.number_format == "DD/MM/YYYY"
    # The import's column: a whole percentage, as typed back into it.
    assert sheet.cell(row=1, column=17).value == "Tỷ lệ hoàn thành (%)" and percent.value == 40
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:U3"
    assert sheet.column_dimensions["B"].width >= len("Hoàn Kiếm 1")


def test_task_export_applies_the_my_tasks_filters(client, users, make_task):
    make_task(title="Đang làm", current_percent=10, current_status=TaskStatus.IN_PROGRESS)
    make_task(title="Chưa làm")
    client.force_login(users.coordinator_hanoi)
    sheet = open_xlsx(client.get(reverse("exports:tasks_xlsx") + "?scope=unit&status=dang_trien_khai")).active
    assert sheet.max_row == 2 and sheet.cell(row=2, column=2).value == "Đang làm"


def test_task_export_of_another_province_is_404(client, users, tree):
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("exports:tasks_xlsx") + f"?scope=unit&don_vi={tree.hongbang.code}")
    assert response.status_code == 404


def test_large_task_export_uses_write_only_mode_streams_and_a_fixed_number_of_queries(
    client, users, tree, programme, agencies, django_assert_max_num_queries
):
    Task.objects.bulk_create(
        Task(programme=programme, unit=tree.hanoi, group="dich_vu_cong", title=f"Nhiệm vụ {i}",
             lead_agency=agencies.police_hanoi, start_date=datetime.date(2026, 1, 1),
             deadline=datetime.date(2026, 12, 31))
        for i in range(1200)
    )  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    with mock.patch("exports.xlsx.Workbook", wraps=Workbook) as spy, django_assert_max_num_queries(8):
        response = client.get(reverse("exports:tasks_xlsx") + "?scope=unit")
    spy.assert_called_once_with(write_only=True)
    assert response.streaming
    assert open_xlsx(response).active.max_row == 1201


def test_pccc_grid_export_has_units_by_criteria_with_rates(client, users, tree, pccc, django_assert_max_num_queries):
    period = "2026-03"
    submission = AssessmentSubmission.objects.create(
        criteria_set=pccc.set, unit=tree.hanoi, period=period, entered_by=users.officer_hanoi
    )
    Assessment.objects.create(
        submission=submission, criterion=pccc.households, unit=tree.badinh, period=period, value=45, denominator=50
    )
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.hanoi.code})
    with django_assert_max_num_queries(10):
        response = client.get(url + f"?ky={period}")
    sheet = open_xlsx(response).active
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert any(h.startswith("TC1.") and h.endswith("Tỷ lệ") for h in headers)
    codes = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert tree.hongbang.code not in codes and tree.badinh.code in codes
    row = codes.index(tree.badinh.code) + 2
    rate = sheet.cell(row=row, column=5)
    assert (sheet.cell(row=row, column=3).value, sheet.cell(row=row, column=4).value) == (45, 50)
    assert rate.value == pytest.approx(0.9) and rate.number_format == "0.00%"  # as the pages show it (issue 11, item 7)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_pccc_grid_export_of_another_province_is_404(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": tree.haiphong.code})
    assert client.get(url).status_code == 404


def test_ranking_export_follows_the_dashboard(client, users, tree, programme, make_task, django_assert_max_num_queries):
    from dashboards.services import snapshot_rebuild
    from tasks.services import progress_report_submit

    started = make_task(unit=tree.hoankiem, title="A")
    make_task(unit=tree.hoankiem, title="A2")
    make_task(unit=tree.badinh, title="B")
    progress_report_submit(actor=users.officer_hanoi, task=started, percent="40", status=TaskStatus.IN_PROGRESS)
    snapshot_rebuild(as_of=timezone.localdate())
    client.force_login(users.leader_hanoi)
    url = reverse("exports:ranking_xlsx", kwargs={"programme_id": programme.pk, "code": tree.hanoi.code})
    with django_assert_max_num_queries(16):
        response = client.get(url)
    sheet = open_xlsx(response).active
    assert [c.value for c in sheet[1]][:3] == ["Hạng", "Đơn vị", "Tiến độ bình quân (có trọng số, %)"]
    names = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert set(names) == {tree.hoankiem.name, tree.badinh.name, tree.soctson.name}
    assert sheet.cell(row=2, column=3).number_format == "0.0%"
    # "Đã triển khai" as leaders quote it (issue 15 item 6): started tasks and their share.
    headers = [c.value for c in sheet[1]]
    assert headers[5:8] == ["Tổng số nhiệm vụ", "Đã triển khai", "Tỷ lệ đã triển khai (%)"]
    by_name = {sheet.cell(row=r, column=2).value: [sheet.cell(row=r, column=c).value for c in (6, 7, 8)]
               for r in range(2, sheet.max_row + 1)}  # fmt: skip
    assert by_name[tree.hoankiem.name] == [2, 1, 0.5]  # one of its two tasks reported in progress
    assert by_name[tree.badinh.name] == [1, 0, 0]


def test_ranking_export_refuses_the_national_view_and_other_provinces(client, users, tree, programme):
    client.force_login(users.leader_hanoi)
    for code in ("toan-quoc", tree.haiphong.code):
        url = reverse("exports:ranking_xlsx", kwargs={"programme_id": programme.pk, "code": code})
        assert client.get(url).status_code == 404


def test_task_export_of_one_units_subtree(client, users, tree, make_task):
    make_task(title="Thành phố")
    make_task(title="Phường", unit=tree.hoankiem)
    client.force_login(users.leader_hanoi)
    sheet = open_xlsx(client.get(reverse("exports:tasks_xlsx") + f"?don_vi={tree.hoankiem.code}")).active
    assert [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)] == ["Phường"]
