"""Issue 19 in a real browser: each role lands on its work, and the coordinator works the queue in place."""

import datetime

import pytest
from django.utils import timezone

from dashboards.services import recompute_run
from tasks import services
from tasks.choices import AgencyKind, TaskGroup, TaskStatus
from tasks.models import Agency, Programme, Task

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hanoi_work(role_groups_restored, tree, users):
    """Hà Nội tasks: one overdue in Hoàn Kiếm, three completion reports waiting, one with evidence text."""
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=today.year,
        start_date=datetime.date(today.year, 1, 1), end_date=datetime.date(today.year, 12, 31),
    )  # fmt: skip
    police = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    police.members.add(users.officer_hanoi)
    tasks = {}
    for unit, title, days in (
        (tree.hanoi, "Triển khai 25 dịch vụ công thiết yếu", 20),
        (tree.hoankiem, "Làm sạch dữ liệu hộ tịch", -4),
        (tree.badinh, "Cấp tài khoản định danh điện tử mức 2", 40),
        (tree.soctson, "Số hoá hồ sơ đất đai", 15),
    ):
        tasks[title] = Task.objects.create(
            programme=programme, unit=unit, group=TaskGroup.PUBLIC_SERVICES, title=title, lead_agency=police,
            accountable_person=users.officer_hanoi, start_date=today - datetime.timedelta(days=60),
            deadline=today + datetime.timedelta(days=days), created_at=timezone.now() - datetime.timedelta(days=60),
        )  # fmt: skip
    for title, note in (
        ("Triển khai 25 dịch vụ công thiết yếu", "Đã đưa 25/25 dịch vụ lên Cổng dịch vụ công quốc gia"),
        ("Cấp tài khoản định danh điện tử mức 2", "Đạt 92% dân số trưởng thành"),
        ("Số hoá hồ sơ đất đai", "Đã số hoá 100% hồ sơ"),
    ):
        services.progress_report_submit(
            actor=users.officer_hanoi, task=tasks[title], percent=100, status=TaskStatus.DONE, note=note
        )
    recompute_run(as_of=today, triggered_by="kiểm thử trình duyệt")
    return tasks


@pytest.mark.parametrize(
    ("username", "path_part", "heading"),
    [
        ("canbo.hanoi", "/nhiem-vu/", "Việc của tôi"),
        ("lanhdao.hanoi", "/bang-dieu-khien/", None),
        ("thuongtruc.hanoi", "/dieu-phoi/", "Bảng điều phối"),
        ("quantri", "/admin/", None),
    ],
)
def test_each_role_lands_on_its_work(page, live_server, hanoi_work, username, path_part, heading):
    log_in(page, live_server, username)
    page.wait_for_load_state("networkidle")
    assert path_part in page.url
    if heading:
        assert heading in page.locator("h1").first.inner_text()
    if username != "quantri":
        # The unit tree stays one click away.
        assert page.locator("nav a[href='/don-vi/']").count() == 1
    screenshot(page, f"journeys-landing-{username}")


def test_the_coordinator_board_counts_and_links(page, live_server, hanoi_work):
    log_in(page, live_server, "thuongtruc.hanoi")
    menu = page.locator("#board-menu")
    assert "3" in menu.locator("a[href='#cho-xac-nhan'] .badge").inner_text()
    assert "1" in menu.locator("a[href='#qua-han'] .badge").inner_text()
    page.click("#qua-han a:has-text('Phường Hoàn Kiếm')")
    page.wait_for_load_state()
    assert "Làm sạch dữ liệu hộ tịch" in page.content()
    assert "Phường Hoàn Kiếm" in page.locator("h1").inner_text()


def test_the_coordinator_verifies_in_place(page, live_server, hanoi_work):
    log_in(page, live_server, "thuongtruc.hanoi")
    page.goto(f"{live_server.url}/nhiem-vu/cho-xac-nhan/")
    assert page.locator("article").count() == 3
    assert "Đã đưa 25/25 dịch vụ lên Cổng dịch vụ công quốc gia" in page.content()
    assert "Gửi hôm nay" in page.content()
    screenshot(page, "journeys-queue")

    # Enter in a reason box must not confirm the first report on the page.
    land = hanoi_work["Số hoá hồ sơ đất đai"]
    page.fill(f"#reason-{land.pk}", "Thiếu biên bản nghiệm thu")
    page.press(f"#reason-{land.pk}", "Enter")
    page.wait_for_timeout(500)
    assert not Task.objects.filter(completion_verified=True).exists()

    page.click(f"button[name='return'][value='{land.pk}']")
    page.wait_for_url("**/nhiem-vu/cho-xac-nhan/")
    assert "Đã trả lại báo cáo" in page.content()
    assert page.locator("article").count() == 2

    for title in ("Triển khai 25 dịch vụ công thiết yếu", "Cấp tài khoản định danh điện tử mức 2"):
        page.check(f"#chon-{hanoi_work[title].pk}")
    page.click("button[name='confirm_selected']")
    page.wait_for_url("**/nhiem-vu/cho-xac-nhan/")
    assert "Đã xác nhận 2 báo cáo hoàn thành." in page.content()
    assert Task.objects.filter(completion_verified=True).count() == 2
    screenshot(page, "journeys-queue-done")


def test_the_task_list_search_and_filters_live_in_the_url(page, live_server, hanoi_work):
    log_in(page, live_server, "thuongtruc.hanoi")
    page.goto(f"{live_server.url}/nhiem-vu/?scope=unit")
    page.fill("#id_q", "so hoa ho so")
    page.click("#task-filters button[type='submit']")
    page.wait_for_load_state()
    assert "q=so+hoa+ho+so" in page.url
    assert page.locator("#task-list tbody tr").count() == 1
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#task-list tbody tr").count() == 4
    screenshot(page, "journeys-task-list")
