"""Issue 16: the programme's dashboard shows its indicators in a real browser; an officer enters a rate."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.choices import IndicatorKind
from indicators.models import Indicator, IndicatorValue, Target
from pccc.periods import Period
from tasks.models import Programme

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chip_ids(tree, users):
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=today.year,
        start_date=datetime.date(today.year, 1, 1), end_date=datetime.date(today.year, 12, 31),
    )  # fmt: skip
    indicator = Indicator.objects.create(
        programme=programme, code="CT01", name="Tỷ lệ công dân được cấp CCCD gắn chip", measure="người",
        kind=IndicatorKind.RATIO,
    )  # fmt: skip
    Target.objects.create(indicator=indicator, unit=None, value=Decimal("100"))
    last_month = Period.month_of(today).previous_month()
    IndicatorValue.objects.create(
        indicator=indicator, unit=tree.hanoi, period=last_month.key, numerator=1_500_000, denominator=1_522_843
    )
    return indicator


def test_the_dashboard_shows_indicators_and_an_officer_enters_a_rate(page, live_server, chip_ids, browser):
    log_in(page, live_server, "lanhdao.hanoi")
    page.click("text=Bảng điều khiển")
    section = page.wait_for_selector("#indicators")
    text = section.inner_text()
    assert "98,5%" in text and "còn thiếu 22.843 người" in text and "Chưa đạt so với chỉ tiêu giao" in text
    screenshot(page, "indicators-dashboard")

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    officer = context.new_page()
    log_in(officer, live_server, "canbo.hanoi")
    officer.click("nav >> text=Chỉ tiêu")
    officer.click(".list-group >> text=Đề án 06")
    officer.click("text=Nhập số liệu")
    # The stored figure shows as numerator/denominator; the officer switches to a rate of a base.
    assert officer.input_value(f"#id_i{chip_ids.pk}-numerator") == "1500000"
    officer.fill(f"#id_i{chip_ids.pk}-numerator", "")
    officer.fill(f"#id_i{chip_ids.pk}-denominator", "")
    officer.fill(f"#id_i{chip_ids.pk}-percent", "100,5")
    officer.fill(f"#id_i{chip_ids.pk}-base", "1.522.843")
    with officer.expect_navigation():
        officer.click("text=Lưu số liệu")
    assert "Tỷ lệ không được lớn hơn 100%." in officer.inner_text("#indicator-CT01")
    assert officer.input_value(f"#id_i{chip_ids.pk}-percent") == "100,5"
    screenshot(officer, "indicators-entry-refused")
    context.close()
