"""In a real browser: the Content-Security-Policy blocks nothing of ours, and the idle-session warning works."""

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def csp_violations(page) -> list[str]:
    found = []

    def keep(message):
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", keep)
    return found


def test_pages_run_under_the_policy_without_violations(page, live_server, users):
    violations = csp_violations(page)
    log_in(page, live_server, "canbo.hanoi")
    for path in ("/nhiem-vu/", "/doi-mat-khau/", "/xac-thuc-hai-buoc/", "/pccc/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    # The enrolment page's QR code is an inline SVG drawn on the server.
    page.goto(f"{live_server.url}/xac-thuc-hai-buoc/")
    assert page.locator(".qr-code svg").count() == 1
    # Bootstrap's script runs: the user menu opens.
    page.click("#mainnav .dropdown-toggle")
    assert page.locator(".dropdown-menu.show").count() == 1
    assert violations == []


def test_the_idle_warning_appears_and_continue_keeps_the_session(page, live_server, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 125  # the warning shows 120 s before the end: here after 5 s
    log_in(page, live_server, "canbo.hanoi")
    page.goto(f"{live_server.url}/doi-mat-khau/")
    page.wait_for_selector("#session-timeout:not([hidden])", timeout=15_000)
    assert "sắp kết thúc" in page.inner_text("#session-timeout")
    with page.expect_response(lambda response: "/phien/gia-han/" in response.url) as ping:
        page.click("#session-timeout [data-keepalive]")
    assert ping.value.status == 200
    page.wait_for_selector("#session-timeout", state="hidden")


def test_typing_in_a_form_keeps_the_session_without_a_warning(page, live_server, users, settings):
    settings.SESSION_IDLE_TIMEOUT = 125
    log_in(page, live_server, "canbo.hanoi")
    page.goto(f"{live_server.url}/doi-mat-khau/")
    page.wait_for_timeout(5_500)  # inside the last two minutes
    with page.expect_response(lambda response: "/phien/gia-han/" in response.url) as ping:
        page.type("#id_old_password", "dang go")
    assert ping.value.status == 200
    assert page.input_value("#id_old_password") == "dang go"
    assert page.locator("#session-timeout").is_hidden()
