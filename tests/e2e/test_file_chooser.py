"""Issue 19 item 9: file inputs in the portal's Vietnamese, in an English browser.

Chromium draws ``<input type="file">`` in the browser's language ("Choose Files / No file chosen"),
text no page can translate or even read from the DOM. So the checks are: the native box is not
drawn (clipped by btn-check), the portal's "Chọn tệp" button and "Chưa chọn tệp" are, the native
input is still reached by Tab (its focus ring drawn on the button), choosing files shows their
names, and axe-core finds no WCAG A/AA violation on the pages with the box.
Screenshots: test-artifacts/file-chooser-*.png.
"""

import pytest
from django.urls import reverse

from .conftest import log_in, screenshot
from .test_accessibility import axe_violations, describe
from .test_input import english_page  # noqa: F401 (a fixture: a browser context with locale en-US)
from .test_journeys import hanoi_work  # noqa: F401 (a fixture: Hà Nội tasks, reports waiting)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assert_portal_box(page, input_selector: str) -> None:
    """The portal's button and empty text are shown, the browser's own file box is not."""
    box = page.locator(f"div.file-chooser:has({input_selector})")
    assert box.locator("label.btn").is_visible()
    assert box.locator("label.btn").inner_text().strip() == "Chọn tệp"
    assert box.locator(".file-chooser-names").inner_text() == "Chưa chọn tệp"
    # The native input (the only thing that could show "Choose File") is clipped to nothing.
    clip = page.eval_on_selector(input_selector, "el => getComputedStyle(el).clip")
    assert clip == "rect(0px, 0px, 0px, 0px)"
    assert "Choose File" not in page.inner_text("body") and "No file chosen" not in page.inner_text("body")


def assert_no_axe_violations(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"--- {name} ({page.url}):\n{describe(violations)}"


def test_the_evidence_box_reads_chon_tep_and_shows_the_names(english_page, live_server, hanoi_work):  # noqa: F811
    page = english_page
    log_in(page, live_server, "canbo.hanoi")
    task = hanoi_work["Làm sạch dữ liệu hộ tịch"]
    page.goto(f"{live_server.url}{reverse('tasks:task_detail', kwargs={'pk': task.pk})}")
    assert_portal_box(page, "#id_evidence")

    # Keyboard: Tab from the note reaches the native input, and the button shows the focus ring.
    page.focus("#id_note")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_evidence"
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    # The ring fades in (Bootstrap's .15s transition): poll (the portal's CSP forbids wait_for_function's eval).
    ring = "none"
    for _ in range(40):
        ring = page.eval_on_selector("label.btn[for=id_evidence]", "el => getComputedStyle(el).boxShadow")
        if ring != "none":
            break
        page.wait_for_timeout(50)
    assert ring != "none"

    page.set_input_files(
        "#id_evidence",
        files=[
            {"name": "bien-ban-nghiem-thu.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
            {"name": "anh-hien-truong.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"},
        ],
    )
    names = page.locator("#id_evidence_names")
    assert names.inner_text() == "bien-ban-nghiem-thu.pdf, anh-hien-truong.png"
    screenshot(page, "file-chooser-evidence")
    assert_no_axe_violations(page, "task evidence")

    page.set_input_files("#id_evidence", files=[])
    assert names.inner_text() == "Chưa chọn tệp"


def test_the_excel_import_boxes_read_chon_tep_and_show_the_name(english_page, live_server, hanoi_work):  # noqa: F811
    page = english_page
    log_in(page, live_server, "thuongtruc.hanoi")
    page.goto(f"{live_server.url}{reverse('exports:task_import')}")
    assert_portal_box(page, "#id_file")
    assert page.eval_on_selector("#id_file", "el => [el.required, el.accept, el.multiple]") == [True, ".xlsx", False]
    page.set_input_files("#id_file", files=[{"name": "nhiem-vu-ha-noi.xlsx", "mimeType": XLSX, "buffer": b"x"}])
    assert page.locator("#id_file_names").inner_text() == "nhiem-vu-ha-noi.xlsx"
    screenshot(page, "file-chooser-task-import")
    assert_no_axe_violations(page, "task import")

    programme = next(iter(hanoi_work.values())).programme
    page.goto(f"{live_server.url}{reverse('indicators:targets', kwargs={'programme_id': programme.pk, 'code': '01'})}")
    assert_portal_box(page, "#tep-chi-tieu-giao")
    page.set_input_files("#tep-chi-tieu-giao", files=[{"name": "chi-tieu.xlsx", "mimeType": XLSX, "buffer": b"x"}])
    assert page.locator("#tep-chi-tieu-giao_names").inner_text() == "chi-tieu.xlsx"
    screenshot(page, "file-chooser-targets")
    assert_no_axe_violations(page, "targets import")
