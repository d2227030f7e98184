"""A leader and an officer use the portal in a real browser."""

import datetime

import pytest
from django.utils import timezone

from dashboards.services import recompute_run
from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task
from tests.factories import make_unit

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def today() -> datetime.date:
    """Read at test time, not at import: a suite that runs across midnight (Vietnam time)
    would otherwise compare yesterday's date with today's data."""
    return timezone.localdate()


@pytest.fixture
def hanoi_programme(tree, users):
    """Tasks in three Hà Nội wards, none reported yet, and a first recompute."""
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=2026,
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    police = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    police.members.add(users.officer_hanoi)
    make_unit("00008", "Phường Ngọc Hà", parent=tree.hanoi)
    for unit, title, deadline in (
        (tree.hanoi, "Triển khai 25 dịch vụ công thiết yếu", today() + datetime.timedelta(days=20)),
        (tree.hoankiem, "Làm sạch dữ liệu hộ tịch", today() - datetime.timedelta(days=4)),
        (tree.badinh, "Cấp tài khoản định danh điện tử mức 2", today() + datetime.timedelta(days=40)),
    ):
        Task.objects.create(
            programme=programme, unit=unit, group=TaskGroup.PUBLIC_SERVICES, title=title, lead_agency=police,
            accountable_person=users.officer_hanoi, start_date=today() - datetime.timedelta(days=60), deadline=deadline,
            created_at=timezone.now() - datetime.timedelta(days=60),
        )  # fmt: skip
    recompute_run(as_of=today(), triggered_by="kiểm thử trình duyệt")
    return programme


def canvas_has_pixels(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        """canvas => {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
            return false;
        }""",
    )


def test_leader_reads_sorts_and_drills_down(page, live_server, hanoi_programme):
    log_in(page, live_server, "lanhdao.hanoi")
    page.click("text=Bảng điều khiển")
    page.wait_for_selector("#headline-completion")
    assert page.inner_text("#headline-completion") == "0,0%"
    assert "Số liệu tính đến" in page.inner_text("#freshness")
    for chart in ("#trend-chart", "#status-chart", "#agency-chart"):
        assert canvas_has_pixels(page, chart), f"{chart} is empty"
    screenshot(page, "leader-dashboard")

    page.click("#ranking-table thead a[data-sort='qua-han']")
    page.wait_for_url("**sap_xep=qua-han**")
    first_row = page.inner_text("#ranking-table tbody tr:first-child")
    assert "Phường Hoàn Kiếm" in first_row  # the only ward with an overdue task

    page.click("#ranking-table tbody tr:first-child a")
    page.wait_for_url("**/00070/")
    assert "Phường Hoàn Kiếm" in page.inner_text("h1")
    assert "Làm sạch dữ liệu hộ tịch" in page.inner_text("#bottlenecks")
    screenshot(page, "leader-drilldown")

    page.click("nav[aria-label='breadcrumb'] >> text=Thành phố Hà Nội")
    page.wait_for_url("**/01/")
    assert "Thành phố Hà Nội" in page.inner_text("h1")


def test_officer_report_changes_the_leaders_figure(page, live_server, hanoi_programme, browser):
    log_in(page, live_server, "canbo.hanoi")
    page.click("text=Việc của tôi")
    page.click("text=Cấp tài khoản định danh điện tử mức 2")
    page.fill("#id_percent", "60")
    page.select_option("#id_status", "dang_trien_khai")
    page.fill("#id_note", "Đã cấp 60% tài khoản định danh mức 2 cho công dân trên địa bàn.")
    page.click("#bao-cao [type=submit]")
    page.wait_for_selector("text=Đã cấp 60% tài khoản")
    screenshot(page, "officer-report")

    recompute_run(as_of=today(), triggered_by="kiểm thử trình duyệt")

    leader = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(leader, live_server, "lanhdao.hanoi")
    leader.goto(f"{live_server.url}/bang-dieu-khien/")
    assert leader.inner_text("#headline-completion") == "20,0%"  # 60% of one task out of three
    screenshot(leader, "leader-after-report")
    leader.context.close()
