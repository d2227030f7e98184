"""Issue 19 item 6 in a real browser at 390×844 (a phone): the task list, the verification queue,
the ranking, the bottlenecks and the PCCC grid fit the screen (no horizontal scroll), their
actions are on screen, and the task page jumps to the report form and focuses the first error."""

from decimal import Decimal

import pytest

from pccc.choices import Aggregation, Comparator
from pccc.models import CriteriaSet, Criterion
from provinces.choices import UnitLevel

from .conftest import log_in, screenshot
from .test_journeys import hanoi_work  # noqa: F401  (the Hà Nội tasks, reports and snapshot)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, request):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px wide on a {widths[1]} px screen"


def assert_on_screen_horizontally(locator) -> None:
    """Every matched element is visible and lies within the phone's width (not cut off at the right)."""
    assert locator.count() > 0
    for i in range(locator.count()):
        element = locator.nth(i)
        element.scroll_into_view_if_needed()
        assert element.is_visible()
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_the_task_list_is_cards_on_a_phone(phone, live_server, hanoi_work):  # noqa: F811
    log_in(phone, live_server, "canbo.hanoi")
    phone.goto(f"{live_server.url}/nhiem-vu/?scope=unit")
    phone.wait_for_load_state("networkidle")
    assert_no_horizontal_scroll(phone)
    rows = phone.locator("#task-list tbody tr")
    assert rows.count() == 4
    # A card, not a row of one-word columns: each title link is on screen and as wide as the card allows.
    assert_on_screen_horizontally(phone.locator("#task-list tbody td.card-title-cell a"))
    first = rows.first.bounding_box()
    assert first["width"] > PHONE["width"] * 0.8
    # Each value says what it is (the header row is out of sight).
    label = phone.evaluate("getComputedStyle(document.querySelector('#task-list td[data-label]'), '::before').content")
    assert "Đơn vị" in label
    assert_on_screen_horizontally(phone.locator("#task-filters button[type=submit]"))
    screenshot(phone, "phone-task-list")


def test_the_verification_queue_keeps_its_actions_on_screen(phone, live_server, hanoi_work):  # noqa: F811
    log_in(phone, live_server, "thuongtruc.hanoi")
    phone.goto(f"{live_server.url}/nhiem-vu/cho-xac-nhan/")
    phone.wait_for_load_state("networkidle")
    assert_no_horizontal_scroll(phone)
    assert phone.locator("#queue-form article").count() == 3
    assert_on_screen_horizontally(phone.locator("#queue-form button[name=confirm]"))
    assert_on_screen_horizontally(phone.locator("#queue-form button[name=return]"))
    assert_on_screen_horizontally(phone.locator("#queue-form button[name=confirm_selected]"))
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "phone-queue")


def test_the_ranking_and_bottlenecks_are_cards_on_a_phone(phone, live_server, hanoi_work):  # noqa: F811
    log_in(phone, live_server, "lanhdao.hanoi")
    phone.wait_for_load_state("networkidle")
    assert "/bang-dieu-khien/" in phone.url
    assert_no_horizontal_scroll(phone)
    ranking_rows = phone.locator("#ranking-table tbody tr")
    assert ranking_rows.count() == 3
    assert_on_screen_horizontally(phone.locator("#ranking-table tbody td.card-title-cell a"))
    # The sort links of the hidden column heads are offered above the cards.
    assert_on_screen_horizontally(phone.locator("#ranking-sort-phone a"))
    assert phone.locator("#ranking-legend").is_visible()
    assert_on_screen_horizontally(phone.locator("#bottlenecks tbody td.card-title-cell a"))
    screenshot(phone, "phone-dashboard")


def test_the_task_page_jumps_to_the_report_form_and_focuses_the_first_error(
    phone,
    live_server,
    hanoi_work,  # noqa: F811
):
    task = hanoi_work["Làm sạch dữ liệu hộ tịch"]
    log_in(phone, live_server, "canbo.hanoi")
    phone.goto(f"{live_server.url}{task.get_absolute_url()}")
    assert_no_horizontal_scroll(phone)
    jump = phone.locator("#jump-to-report")
    assert_on_screen_horizontally(jump)
    jump.click()
    phone.wait_for_timeout(300)
    assert phone.evaluate("document.getElementById('bao-cao-tien-do').getBoundingClientRect().top < innerHeight")
    phone.fill("#id_percent", "abc")
    phone.click("#bao-cao [type=submit]")
    phone.wait_for_load_state()
    from playwright.sync_api import expect

    expect(phone.locator("#id_percent")).to_be_focused()
    assert "số nguyên" in phone.locator("#bao-cao .invalid-feedback").first.inner_text()
    screenshot(phone, "phone-task-report-error")


@pytest.fixture
def hanoi_criteria(hanoi_work):  # noqa: F811
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    Criterion.objects.create(
        criteria_set=criteria_set, code="TC1", title="Hộ gia đình được kiểm tra, tự trang bị phương tiện",
        level=UnitLevel.COMMUNE, comparator=Comparator.AT_LEAST_PERCENT, aggregation=Aggregation.RATIO,
        target=Decimal("100"), order=1,
    )  # fmt: skip
    Criterion.objects.create(
        criteria_set=criteria_set, code="TC5", title="Thôn, tổ dân phố có tổ liên gia an toàn PCCC",
        level=UnitLevel.COMMUNE, comparator=Comparator.YES_NO, aggregation=Aggregation.SHARE_PASSING, order=2,
    )  # fmt: skip
    return criteria_set


def test_the_criteria_grid_is_entered_one_unit_at_a_time_on_a_phone(phone, live_server, hanoi_criteria):
    log_in(phone, live_server, "canbo.hanoi")
    phone.goto(f"{live_server.url}/pccc/{hanoi_criteria.code}/nhap-lieu/01/")
    phone.wait_for_load_state("networkidle")
    assert_no_horizontal_scroll(phone)
    cards = phone.locator("#pccc-grid tbody tr")
    assert cards.count() == 3
    # One card per unit: its inputs stacked within the screen, each labelled by its criterion.
    assert_on_screen_horizontally(cards.first.locator("input, select"))
    label = phone.evaluate("getComputedStyle(document.querySelector('#pccc-grid td[data-label]'), '::before').content")
    assert "TC1" in label
    assert_on_screen_horizontally(phone.locator("#pccc-grid-form button[type=submit]"))
    screenshot(phone, "phone-pccc-grid")
