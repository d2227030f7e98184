"""Issue 19 item 11: navigation and text contrast at least 4.5:1, and the other WCAG 2.1 A/AA rules,
checked by axe-core in the browser on the pages each role works in.

axe-core is the copy bundled by the pinned `axe-playwright-python` package (requirements-dev.txt):
no download at test time. It is injected into the page through Playwright's evaluate (the DevTools
protocol), so the portal's Content-Security-Policy stays as strict as in production.
Screenshots of every page checked go to test-artifacts/a11y-*.png.
"""

import pytest

from pccc.choices import Aggregation, Comparator
from pccc.models import CriteriaSet, Criterion
from provinces.choices import UnitLevel

from .conftest import log_in, screenshot
from .test_journeys import hanoi_work  # noqa: F401 (a fixture: Hà Nội tasks, reports waiting, figures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# WCAG 2.0 and 2.1, levels A and AA: what "WCAG AA" means for a public-sector site.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page, options=None) -> list[dict]:
    """axe-core's violations on the page as it is now (only the violations are returned)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options={**(options or WCAG_AA), "resultTypes": ["violations"]}).response["violations"]


def describe(violations: list[dict]) -> str:
    """One line per failing element: rule, the element, and axe's message (ratio and colours for contrast)."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:8]:
            checks = node.get("any") or node.get("all") or node.get("none") or [{}]
            lines.append(f"{violation['id']}: {node['html'][:120]} | {checks[0].get('message', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def pccc_set(hanoi_work):  # noqa: F811 (the fixture imported above)
    """A "Tỉnh an toàn PCCC" set with a ratio and a count criterion, entered per commune (the grid)."""
    criteria_set = CriteriaSet.objects.create(
        code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC", document_number="64/KH-UBND"
    )
    Criterion.objects.create(
        criteria_set=criteria_set, code="TC1", title="Hộ gia đình được kiểm tra, tự trang bị phương tiện",
        short_title="Hộ được kiểm tra", level=UnitLevel.COMMUNE, comparator=Comparator.AT_LEAST_PERCENT,
        aggregation=Aggregation.RATIO, target=100, numerator_label="Hộ đã kiểm tra", denominator_label="Tổng số hộ",
        order=1,
    )  # fmt: skip
    Criterion.objects.create(
        criteria_set=criteria_set, code="CS1", title="Tổ liên gia an toàn PCCC", short_title="Tổ liên gia",
        level=UnitLevel.COMMUNE, comparator=Comparator.COUNT_AT_LEAST, aggregation=Aggregation.SUM, target=1,
        numerator_label="Số tổ", order=2, counts_toward_pass=False,
    )  # fmt: skip
    return criteria_set


def overdue_task_path(hanoi_work) -> str:  # noqa: F811
    return f"/nhiem-vu/{hanoi_work['Làm sạch dữ liệu hộ tịch'].pk}/"


# (role's login, pages: (name, path or a function of the fixtures giving it)). "/" is the landing page.
PAGES = {
    "canbo.hanoi": [
        ("landing", "/"),
        ("task-list-filtered", "/nhiem-vu/?scope=unit&q=du+lieu&sort=qua-han-nhieu-nhat"),
        ("task-list-all", "/nhiem-vu/?scope=unit&sort=qua-han-nhieu-nhat"),
        ("task", lambda work, pccc: overdue_task_path(work)),
        ("pccc-grid", lambda work, pccc: f"/pccc/{pccc.code}/nhap-lieu/01/"),
    ],
    "lanhdao.hanoi": [("landing", "/")],
    "thuongtruc.hanoi": [("landing", "/"), ("queue", "/nhiem-vu/cho-xac-nhan/")],
    "quantri": [("landing", "/")],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_each_roles_pages_pass_wcag_aa_contrast_and_rules(page, live_server, hanoi_work, pccc_set, username):  # noqa: F811
    """Every page a role works in has no axe-core WCAG 2.1 A/AA violation, colour contrast first of all.

    The officer's task list holds an overdue row (pink) with its red "Quá hạn" and link: the tints
    that failed before the contrast fixes (static/css/contrast.css).
    """
    log_in(page, live_server, username)
    failures = []
    for name, path in PAGES[username]:
        url = path(hanoi_work, pccc_set) if callable(path) else path
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        screenshot(page, f"a11y-{username}-{name}")
        violations = axe_violations(page)
        if violations:
            failures.append(f"--- {name} ({page.url}):\n{describe(violations)}")
    assert not failures, "\n".join(failures)


def test_the_officers_task_list_on_a_phone_passes_wcag_aa(browser, live_server, hanoi_work):  # noqa: F811
    """At 390×844 (a phone), the collapsed navigation and the task list keep their contrast too."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        log_in(phone, live_server, "canbo.hanoi")
        phone.goto(f"{live_server.url}/nhiem-vu/?scope=unit&sort=qua-han-nhieu-nhat")
        phone.wait_for_load_state("networkidle")
        screenshot(phone, "a11y-canbo.hanoi-task-list-phone")
        violations = axe_violations(phone)
        assert not violations, describe(violations)
    finally:
        context.close()


def test_the_check_catches_text_below_4_5_to_1(page):
    """The check itself can fail: grey #777 on white (4.48:1) is reported, #767676 (4.54:1) is not."""
    page.set_content(
        '<html lang="vi"><head><title>Thử độ tương phản</title></head><body><main>'
        '<p id="faint" style="color:#777;background:#fff">Quá hạn 4 ngày</p>'
        '<p id="enough" style="color:#767676;background:#fff">Đang triển khai</p>'
        "</main></body></html>"
    )
    violations = axe_violations(page, {"runOnly": {"type": "rule", "values": ["color-contrast"]}})
    failing = [node["target"] for v in violations for node in v["nodes"]]
    assert failing == [["#faint"]]


def test_axe_core_comes_from_the_pinned_package():
    """The engine is the copy the pinned package ships (axe-core 4.x), not one fetched at run time."""
    from axe_playwright_python.base import AXE_SCRIPT

    assert AXE_SCRIPT.startswith("/*! axe v4.")
