"""The data-entry grid in a real browser: JSON submit of changed cells, errors, keyboard.

Uses Playwright with Debian's Chromium (never downloads a browser); skipped without them.
"""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from pccc.models import Assessment

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.fixture(autouse=True)
def _role_groups(role_groups_restored):
    """Live-server tests flush the tables."""


@pytest.fixture
def in_browser(live_server, users, monkeypatch):
    """Run ``scenario(page)`` signed in as the Hà Nội officer, in a thread of its own:
    Playwright's sync API owns its thread's event loop, which another suite's browser
    may already hold in the test thread."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # The scenario checks the database between clicks, inside Playwright's event loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = Client()
    client.force_login(users.officer_hanoi)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}

    def run(scenario):
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                try:
                    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
                    context.add_cookies([cookie])
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    scenario(page)
                finally:
                    browser.close()
        finally:
            connection.close()

    def in_thread(scenario):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run, scenario).result()

    return in_thread


def test_an_officer_fixes_a_bad_cell_and_saves_the_grid(in_browser, live_server, tree, pccc):
    in_browser(lambda page: fix_and_save(page, live_server.url, tree, pccc))


def fix_and_save(page, url, tree, pccc):
    def name(criterion, unit, part):
        return f"c{criterion.pk}_u{unit.pk}_{part}"

    ratio_v, ratio_d = name(pccc.households, tree.badinh, "v"), name(pccc.households, tree.badinh, "d")
    count = name(pccc.groups, tree.soctson, "v")
    page.goto(f"{url}/pccc/{pccc.set.code}/nhap-lieu/01/?ky=2026-10")
    page.fill(f"[name={ratio_v}]", "950")
    page.fill(f"[name={ratio_d}]", "1.000")
    page.fill(f"[name={count}]", "-1")
    page.click("text=Lưu toàn bộ bảng")

    page.wait_for_selector(".alert-danger")
    assert "Không được là số âm." in page.inner_text("#pccc-grid")
    assert page.input_value(f"[name={ratio_d}]") == "1.000"  # nothing typed is lost
    assert page.evaluate("document.activeElement.name") == count  # focus on the bad cell
    assert not Assessment.objects.exists()

    page.fill(f"[name={count}]", "7")
    page.click("text=Lưu toàn bộ bảng")
    page.wait_for_selector("text=Đã lưu 2 ô số liệu.")
    assert page.input_value(f"[name={ratio_d}]") == "1000"
    assert sorted(Assessment.objects.values_list("value", flat=True)) == [7, 950]

    page.focus(f"[name={ratio_v}]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == name(pccc.households, tree.hoankiem, "v")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == name(pccc.households, tree.hoankiem, "d")
