"""Issue 19 item 6, the wait itself: the PCCC entry grid opened on a phone over a throttled link.

Chromium is slowed through the DevTools protocol as Lighthouse's mobile default ("Slow 4G": 150 ms
round trip, 1.6 Mbit/s down, 750 kbit/s up; a CPU 4× slower, a mid-range phone). Each visit is
timed by the page itself (Navigation Timing: from navigation start to the load event, i.e. the HTML,
the styles, the scripts and the icon font are in and the grid's script has run), in a new browser
context (cold cache), then again in the same context (warm: static files cached).

The target is the issue's: a commune officer waits under 2 s. The province officer's page 1 of
126 communes (paged by 50) is bounded generously; docs/benchmarks.md has the measured figures.
Run with ``-s`` to see them.

Static files are served as in production, not as the other browser tests serve them: pytest-django's
live server answers /static/ with Django's development handler (uncompressed, no Cache-Control),
which made 556 KB of a 560 KB cold visit and 3.6 s of wait by itself. Here they are collected once
with the production storage (hashed names, gzip files) and served by WhiteNoise through the
portal's own middleware, with DEBUG off, as gunicorn serves them behind the proxy.
"""

import statistics
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import make_user
from tests.pccc.conftest import big_province, pccc  # noqa: F401  (the 126-commune province, 5 criteria)
from tests.pccc.test_views import PERIOD, fill, grid_url, passing_commune

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Lighthouse's "Slow 4G" (its mobile default) and its CPU slowdown of a mid-range phone.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
COLD_LOADS = 3
# The target for the commune officer is 2 s (cold cache, median of 3): measured 0.9 s here since
# the icon font is cut to the icons in use (1.7-1.8 s with the full font; docs/benchmarks.md). A busier
# machine slows the throttled CPU further, so the test bounds the time at three times the target (a page
# gone wrong) and pins what the wait is made of: the bytes a cold visit fetches (64 KB measured; 203 KB
# with the full font, 134 KB of it the font), which no machine load changes.
COMMUNE_TARGET_MS = 2000
COMMUNE_TIME_BOUND_MS = 3 * COMMUNE_TARGET_MS
COMMUNE_COLD_BYTES_BOUND = 100_000
# Page 1 of the province (50 of 126 communes): 1.1 s cold (median of 3) on this machine (1.9-2.2 s with
# the full icon font), see docs/benchmarks.md. Not the target (that is the commune officer's):
# bounded at five times the target, as a shared CI machine needs, to catch a page gone wrong by far.
PROVINCE_PAGE_BOUND_MS = 10_000

# The production storage of static files (portal/settings.py when DEBUG is off).
PRODUCTION_STATIC_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    load: nav.loadEventEnd - nav.startTime,
    dcl: nav.domContentLoadedEventEnd - nav.startTime,
    responseEnd: nav.responseEnd - nav.startTime,
    documentBytes: nav.transferSize,
    resourceBytes: resources.reduce((sum, r) => sum + r.transferSize, 0),
    resources: resources.map(r => [r.name.split('/').pop(), r.transferSize, Math.round(r.responseEnd - r.startTime)]),
  };
}"""


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """The static files collected as the release step does: hashed names and a .gz of each."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC_STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture(scope="module")
def production_static_server(django_db_setup, collected_static):
    """A live server whose /static/ goes through the portal's middleware (WhiteNoise), DEBUG off.

    One per module, like pytest-django's own (per session): stopping it under a test would race
    the browser's keep-alive connections closing the shared SQLite connection.
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    production = override_settings(
        DEBUG=False,
        STATIC_ROOT=collected_static,
        STORAGES=PRODUCTION_STATIC_STORAGE,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
        ALLOWED_HOSTS=["localhost"],
    )
    production.enable()
    # No static handler in front of the application: WhiteNoiseMiddleware answers /static/.
    thread = LiveServerThread("localhost", static_handler=lambda handler: handler, connections_override=shared)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()
        production.disable()


@pytest.fixture
def province_grid(role_groups_restored, pccc, big_province):  # noqa: F811
    """The 126 communes filled for the month by the province officer; a commune officer of the first."""
    province_officer = make_user("canbo.tinh", unit=big_province, role="Cán bộ")
    communes = list(big_province.children.order_by("name", "pk"))
    fill(province_officer, pccc, big_province, [cell for unit in communes for cell in passing_commune(pccc, unit)])
    make_user("canbo.xa", unit=communes[0], role="Cán bộ")
    return {"pccc": pccc, "province": big_province, "commune": communes[0]}


def signed_in_state(browser, server_url: str, username: str) -> dict:
    """Cookies of a signed-in session, signed in once without throttling (the login is not timed)."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, SimpleNamespace(url=server_url), username)
    state = context.storage_state()
    context.close()
    return state


def throttled_phone(browser, state: dict):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True, storage_state=state)
    page = context.new_page()
    page.set_default_timeout(30_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page


def visit(page, url: str) -> dict:
    response = page.goto(url, wait_until="load")
    assert response.status == 200, (response.status, page.url)
    return page.evaluate(TIMING_JS)


def measure(browser, state: dict, url: str, *, screenshot_name: str) -> dict:
    """Median of COLD_LOADS cold visits (a new context each) and of the warm second visits."""
    cold, warm = [], []
    for attempt in range(COLD_LOADS):
        context, page = throttled_phone(browser, state)
        try:
            cold.append(visit(page, url))
            assert page.locator("#pccc-grid tbody tr").count() > 0
            warm.append(visit(page, url))
            if attempt == 0:
                screenshot(page, screenshot_name)
        finally:
            context.close()
    return {
        "cold": cold,
        "warm": warm,
        "cold_load_ms": statistics.median(v["load"] for v in cold),
        "cold_dcl_ms": statistics.median(v["dcl"] for v in cold),
        "warm_load_ms": statistics.median(v["load"] for v in warm),
        "warm_dcl_ms": statistics.median(v["dcl"] for v in warm),
        "cold_bytes": statistics.median(v["documentBytes"] + v["resourceBytes"] for v in cold),
        "warm_bytes": statistics.median(v["documentBytes"] + v["resourceBytes"] for v in warm),
    }


def report(label: str, figures: dict) -> None:
    print(
        f"\n{label}: cold load {figures['cold_load_ms']:.0f} ms (DOMContentLoaded {figures['cold_dcl_ms']:.0f} ms,"
        f" {figures['cold_bytes']:,.0f} bytes), warm load {figures['warm_load_ms']:.0f} ms"
        f" (DOMContentLoaded {figures['warm_dcl_ms']:.0f} ms, {figures['warm_bytes']:,.0f} bytes);"
        f" cold loads {[round(v['load']) for v in figures['cold']]},"
        f" document {[v['documentBytes'] for v in figures['cold']]} bytes"
    )
    print(f"  first cold visit's files (name, bytes, ms): {figures['cold'][0]['resources']}")


def test_a_commune_officer_gets_the_month_grid_on_slow_4g(browser, production_static_server, province_grid):
    state = signed_in_state(browser, production_static_server, "canbo.xa")
    url = f"{production_static_server}{grid_url(province_grid['pccc'], province_grid['commune'].code)}?ky={PERIOD}"
    figures = measure(browser, state, url, screenshot_name="phone-4g-pccc-grid-commune")
    report("commune officer, own commune's grid", figures)
    assert figures["cold_load_ms"] < COMMUNE_TIME_BOUND_MS
    assert figures["cold_bytes"] < COMMUNE_COLD_BYTES_BOUND
    assert figures["warm_load_ms"] <= figures["cold_load_ms"]


def test_a_province_officer_gets_page_1_of_126_communes_on_slow_4g(browser, production_static_server, province_grid):
    state = signed_in_state(browser, production_static_server, "canbo.tinh")
    url = f"{production_static_server}{grid_url(province_grid['pccc'])}?ky={PERIOD}"
    figures = measure(browser, state, url, screenshot_name="phone-4g-pccc-grid-province-page-1")
    report("province officer, page 1 (50 of 126 communes)", figures)
    assert figures["cold_load_ms"] < PROVINCE_PAGE_BOUND_MS
    assert figures["warm_load_ms"] <= figures["cold_load_ms"]
