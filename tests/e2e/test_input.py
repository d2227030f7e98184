"""Input that is never silently changed, in an English browser (issue 19 item 9)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tasks.choices import AgencyKind
from tasks.models import Agency, Programme, Task

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(browser, request):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def programme(tree, users):
    year = timezone.localdate().year
    Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    return Programme.objects.create(
        name=f"Đề án 06 năm {year}", year=year,
        start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31),
    )  # fmt: skip


def test_an_english_browser_stores_the_day_typed_and_keeps_a_wrong_weight_visible(
    english_page, live_server, programme, tree, users
):
    page = english_page
    log_in(page, live_server, "thuongtruc.hanoi")
    page.goto(f"{live_server.url}/nhiem-vu/tao-moi/")
    page.select_option("#id_programme", str(programme.pk))
    page.select_option("#id_unit", str(tree.hoankiem.pk))
    page.select_option("#id_group", index=1)
    page.fill("#id_title", "Cấp tài khoản định danh điện tử")
    page.select_option("#id_lead_agency", index=1)
    page.fill("#id_start_date", "01/12/2026")
    page.fill("#id_deadline", "10/12/2026")
    page.fill("#id_weight", "1,5x")
    page.click("#submit-id-submit")

    # The portal's message (the browser's own checks are off), the typed text kept and readable.
    page.wait_for_selector("#id_weight.is-invalid")
    assert page.input_value("#id_weight") == "1,5x"
    icon = page.eval_on_selector("#id_weight", "el => getComputedStyle(el).backgroundImage")
    assert icon == "none"
    screenshot(page, "input-weight-error")

    page.fill("#id_weight", "1,5")
    page.click("#submit-id-submit")
    page.wait_for_url(lambda url: "/tao-moi/" not in url)
    task = Task.objects.get()
    assert (task.deadline, task.weight) == (datetime.date(2026, 12, 10), Decimal("1.50"))


def test_the_file_check_button_shows_progress_and_cannot_be_pressed_twice(page, live_server, programme, tree, users):
    log_in(page, live_server, "thuongtruc.hanoi")
    page.goto(f"{live_server.url}/xuat-nhap/nhap-nhiem-vu/")
    page.set_input_files("#id_file", files=[{"name": "a.xlsx", "mimeType": "application/octet-stream", "buffer": b"x"}])
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    # The check is held here: the page stays, as it does while a large file is being checked.
    held = []
    page.route(
        "**/xuat-nhap/nhap-nhiem-vu/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )

    # The answer goes to a frame, so that the page itself can be read while the check runs.
    page.evaluate(
        """() => {
            const sink = document.createElement("iframe");
            sink.name = "sink";
            document.body.append(sink);
            document.querySelector("#submit-id-submit").form.target = "sink";
        }"""
    )
    button = page.locator("#submit-id-submit")
    button.click(no_wait_after=True)
    page.wait_for_function("document.querySelector('[aria-busy=true]') !== null")
    button.click(force=True, no_wait_after=True)
    page.wait_for_timeout(300)

    assert button.is_disabled()
    assert button.input_value() == "Đang kiểm tra tệp…"
    assert len(posts) == 1
    held[0].fulfill(status=200, content_type="text/html", body="<p>ok</p>")
