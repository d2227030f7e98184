"""The two structures of issue 14 item 3: old Hải Dương's tasks roll into Hải Phòng today
("theo địa giới hiện nay"), and read by old province and district before the reform
("theo địa giới trước 01/07/2025", ?dia_gioi=cu). Expectations computed by hand in each docstring."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.legacy import legacy_view
from dashboards.models import CompletionSnapshot
from dashboards.services import end_of_day, snapshot_rebuild
from provinces.models import AdministrativeUnit
from provinces.services import units_load_legacy
from tasks.choices import AgencyKind, TaskGroup, TaskStatus, UpdateKind
from tasks.models import Agency, Programme, ProgressUpdate, Task
from tests.provinces.legacy_fixture import legacy_data

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def legacy(code):
    return AdministrativeUnit.objects.legacy().get(code=code)


@pytest.fixture
def plan(tree, users):
    """A 2023 plan with tasks on old units (weights in brackets), before and after the reform:

    - A (2) on Tỉnh Hải Dương: done, verified 01/10/2023
    - B (1) on Phường Trần Phú (TP Hải Dương, now Hồng Bàng): 40% on 01/03/2024
    - C (1) on Phường Trần Phú: no report (0%)
    - E (1) on Phường Hoàng Văn Thụ (Q. Hồng Bàng of old Hải Phòng, now Hồng Bàng): 50% on 01/05/2025
    """
    units_load_legacy(data=legacy_data())
    programme = Programme.objects.create(
        name="Đề án 06 năm 2023", year=2023, start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 12, 31)
    )
    agency = Agency.objects.create(name="Bộ Công an", kind=AgencyKind.CENTRAL)

    def task(title, unit, weight):
        return Task.objects.create(
            programme=programme, unit=unit, group=TaskGroup.PUBLIC_SERVICES, title=title, lead_agency=agency,
            start_date=datetime.date(2023, 1, 1), deadline=datetime.date(2023, 12, 31), weight=Decimal(weight),
            created_at=timezone.make_aware(datetime.datetime(2023, 1, 5, 8)),
        )  # fmt: skip

    def update(task_, percent, status, on, kind=UpdateKind.REPORT):
        ProgressUpdate.objects.create(
            task=task_, author=users.officer_haiphong, kind=kind, percent=percent, status=status,
            created_at=end_of_day(on) - datetime.timedelta(hours=12),
        )  # fmt: skip

    a = task("A", legacy("30"), 2)
    b = task("B", legacy("10507"), 1)
    task("C", legacy("10507"), 1)
    e = task("E", legacy("11299"), 1)
    update(a, 100, TaskStatus.DONE, datetime.date(2023, 10, 1))
    update(a, 100, TaskStatus.DONE, datetime.date(2023, 10, 1), kind=UpdateKind.VERIFIED)
    update(b, 40, TaskStatus.IN_PROGRESS, datetime.date(2024, 3, 1))
    update(e, 50, TaskStatus.IN_PROGRESS, datetime.date(2025, 5, 1))
    return programme


def test_old_hai_duongs_tasks_count_in_hai_phongs_completion_today(tree, plan):
    """Hải Phòng: (2×100 + 40 + 0 + 50) / (2+1+1+1) = 58%, 4 tasks, 1 done.
    Phường Hồng Bàng: B, C and E (their communes' successor): (40 + 0 + 50) / 3 = 30%."""
    snapshot_rebuild(as_of=AS_OF)

    haiphong = CompletionSnapshot.objects.get(programme=plan, scope_path=tree.haiphong.path, date=AS_OF)
    hongbang = CompletionSnapshot.objects.get(programme=plan, scope_path=tree.hongbang.path, date=AS_OF)
    assert (haiphong.tasks_total, haiphong.tasks_done, haiphong.weighted_completion) == (4, 1, Decimal("58.00"))
    assert (hongbang.tasks_total, hongbang.weighted_completion) == (3, Decimal("30.00"))
    assert not CompletionSnapshot.objects.filter(programme=plan, scope_path=tree.hanoi.path).exists()


def test_the_pre_reform_view_reads_old_provinces_and_districts_as_of_a_date(tree, plan):
    """30/06/2025: Hải Dương (cũ) (200 + 40 + 0) / 4 = 60%, its district TP Hải Dương (40 + 0) / 2 = 20%;
    Hải Phòng (cũ) 50%. 01/01/2024: B had not reported yet, Hải Dương (cũ) 200 / 4 = 50%."""
    view = legacy_view(programme=plan, unit=tree.haiphong, on=datetime.date(2025, 6, 30), criteria_set=None)
    early = legacy_view(programme=plan, unit=tree.haiphong, on=datetime.date(2024, 1, 1), criteria_set=None)

    figures = {p.figures.unit.name: p for p in view.provinces}
    haiduong, old_haiphong = figures["Tỉnh Hải Dương"], figures["Thành phố Hải Phòng"]
    assert (haiduong.figures.tasks_total, haiduong.figures.tasks_done, haiduong.figures.completion) == (
        3, 1, Decimal("60.0"),
    )  # fmt: skip
    assert [(d.unit.name, d.tasks_total, d.completion) for d in haiduong.districts] == [
        ("Thành phố Hải Dương", 2, Decimal("20.0"))
    ]
    assert old_haiphong.figures.completion == Decimal("50.0")
    assert {p.figures.unit.name: p.figures.completion for p in early.provinces}["Tỉnh Hải Dương"] == Decimal("50.0")


def test_the_two_structures_side_by_side_for_hai_phong(client, tree, plan, users):
    """The same scope, two readings: 58% today (one row, Hải Phòng), 60% and 50% for the two old
    provinces on 30/06/2025 (E's 50% was reported before the reform, so both agree on the records)."""
    snapshot_rebuild(as_of=timezone.localdate())
    client.force_login(users.officer_haiphong)
    page = reverse("dashboards:unit_dashboard", kwargs={"programme_id": plan.pk, "code": "31"})

    today = client.get(page).content.decode()
    before = client.get(page, {"dia_gioi": "cu", "ngay": "2025-06-30"}).content.decode()

    assert "Gồm số liệu của Thành phố Hải Phòng (cũ), Tỉnh Hải Dương (cũ)." in today
    assert "?dia_gioi=cu" in today
    assert "Tỉnh Hải Dương (cũ)" in before and "Thành phố Hải Dương" in before
    assert "60,0%" in before and "20,0%" in before and "50,0%" in before
    assert "Số liệu tại ngày 30/06/2025" in before


def test_a_date_after_the_reform_shows_30_06_2025_and_says_so(client, tree, plan, users):
    client.force_login(users.officer_haiphong)
    page = reverse("dashboards:unit_dashboard", kwargs={"programme_id": plan.pk, "code": "31"})

    html = client.get(page, {"dia_gioi": "cu", "ngay": "2026-01-01"}).content.decode()

    assert "chỉ xem được đến ngày 30/06/2025" in html and "Số liệu tại ngày 30/06/2025" in html


def test_a_ha_noi_user_does_not_see_old_hai_duong_in_the_pre_reform_view(client, tree, plan, users):
    client.force_login(users.officer_hanoi)
    html = client.get(
        reverse("dashboards:unit_dashboard", kwargs={"programme_id": plan.pk, "code": "01"}), {"dia_gioi": "cu"}
    ).content.decode()
    assert "Hải Dương" not in html
    assert (
        client.get(
            reverse("dashboards:unit_dashboard", kwargs={"programme_id": plan.pk, "code": "31"}), {"dia_gioi": "cu"}
        ).status_code
        == 404
    )


def test_the_live_figures_of_hai_phong_count_old_hai_duongs_tasks(client, tree, plan, users):
    snapshot_rebuild(as_of=timezone.localdate())
    client.force_login(users.officer_haiphong)
    response = client.get(reverse("dashboards:unit_dashboard", kwargs={"programme_id": plan.pk, "code": "31"}))

    assert sum(row["total"] for row in response.context["board"].by_agency) == 4


def test_the_pre_reform_view_runs_a_fixed_number_of_queries(tree, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        legacy_view(programme=plan, unit=None, on=datetime.date(2025, 6, 30), criteria_set=None)


def test_the_pre_reform_view_reads_the_data_date_not_the_entry_time(tree, plan, users):
    """B's 40% of 01/03/2024, typed in today, counts on 30/06/2024, and C, assigned after that day
    (01/07/2024), does not: Hải Dương (cũ) (2×100 + 40) / (2 + 1) = 80%."""
    b = Task.objects.get(programme=plan, title="B")
    b.updates.all().update(created_at=timezone.now(), data_date=datetime.date(2024, 3, 1))
    Task.objects.filter(programme=plan, title="C").update(
        start_date=datetime.date(2024, 7, 1), deadline=datetime.date(2024, 12, 31)
    )

    view = legacy_view(programme=plan, unit=tree.haiphong, on=datetime.date(2024, 6, 30), criteria_set=None)

    haiduong = {p.figures.unit.name: p for p in view.provinces}["Tỉnh Hải Dương"]
    assert (haiduong.figures.tasks_total, haiduong.figures.completion) == (2, Decimal("80.0"))
