"""Security headers of every page under the production settings (debug off, HTTPS).

The production profile is built by running portal/settings.py with DJANGO_DEBUG=0, then
its header and cookie settings are applied to the test's settings: what is checked is what
production computes, not a copy of it.
"""

import datetime
import gzip
import re
import runpy
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_PATH",
    "LANGUAGE_COOKIE_DOMAIN",
    "PORTAL_MFA_ENFORCED",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def production_profile(monkeypatch) -> dict:
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-production-profile-" + "x" * 40)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    return runpy.run_path(str(ROOT / "portal" / "settings.py"))


@pytest.fixture
def production(settings, monkeypatch):
    profile = production_profile(monkeypatch)
    for name in PRODUCTION_SETTINGS:
        setattr(settings, name, profile[name])
    return settings


def parameterless_urls(patterns=None, prefix="") -> list[str]:
    """Every URL of the configuration that takes no argument (new pages are covered without editing this)."""
    urls = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if "<" in route or "(" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            urls += parameterless_urls(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            urls.append("/" + prefix + route)
    return urls


@pytest.fixture
def object_urls(tree, users):
    year = timezone.localdate().year
    programme = Programme.objects.create(
        name=f"Đề án 06 năm {year}", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=year,
        start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31),
    )  # fmt: skip
    agency = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    task = Task.objects.create(
        programme=programme, unit=tree.hanoi, group=TaskGroup.PUBLIC_SERVICES, title="Nhiệm vụ kiểm tra",
        lead_agency=agency, accountable_person=users.officer_hanoi,
        start_date=timezone.localdate() - datetime.timedelta(days=30), deadline=timezone.localdate(),
    )  # fmt: skip
    return [
        reverse("provinces:unit_detail", kwargs={"code": "01"}),
        reverse("tasks:task_detail", kwargs={"pk": task.pk}),
        reverse("dashboards:unit_dashboard", kwargs={"programme_id": programme.pk, "code": "01"}),
        f"/admin/portal/user/{users.officer_hanoi.pk}/change/",
    ]


def assert_secure_headers(url, response, *, signed_in):
    headers = response.headers
    directives = [part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";")]
    policy = {parts[0]: parts[1] if len(parts) > 1 else "" for parts in directives if parts[0]}
    assert policy["script-src"] == "'self'", url
    assert "unsafe" not in policy.get("default-src", ""), url
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", url
    assert "camera=()" in headers["Permissions-Policy"], url
    assert headers["X-Frame-Options"] == "DENY", url
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert headers["Referrer-Policy"] == "same-origin", url
    assert "max-age=31536000" in headers["Strict-Transport-Security"], url
    if signed_in:
        assert "no-store" in headers.get("Cache-Control", ""), url
    for name, morsel in response.cookies.items():
        assert name.startswith("__Host-"), (url, name)
        assert morsel["secure"] and morsel["path"] == "/" and not morsel["domain"], (url, name)
    if headers.get("Content-Type", "").startswith("text/html") and not response.streaming:
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))


def test_the_walk_covers_the_portals_pages():
    urls = parameterless_urls()
    for expected in ("/", "/dang-nhap/", "/nhiem-vu/", "/pccc/", "/bang-dieu-khien/", "/xuat-nhap/", "/admin/"):
        assert expected in urls
    assert len(urls) > 40


def test_every_page_sends_the_security_headers_to_a_signed_in_admin(client, users, production, object_urls):
    assert production.PORTAL_MFA_ENFORCED
    client.force_login(users.admin)
    # The admin has passed the second step in this session (tests/portal/test_mfa.py tests the step).
    device = TOTPDevice.objects.create(user=users.admin, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["portal_mfa_enrolled"] = True
    session.save()
    checked = 0
    for url in parameterless_urls() + object_urls:
        response = client.get(url, secure=True)
        assert response.status_code < 500, url
        assert_secure_headers(url, response, signed_in=True)
        checked += 1
    assert checked > 40


def test_every_page_sends_the_security_headers_to_an_officer(client, users, production, object_urls):
    client.force_login(users.officer_hanoi)
    for url in parameterless_urls() + object_urls:
        response = client.get(url, secure=True)
        assert response.status_code < 500, url
        assert_secure_headers(url, response, signed_in=True)


def test_staff_without_the_second_step_get_only_the_enrolment_page(client, users, production):
    client.force_login(users.admin)
    response = client.get("/admin/", secure=True)
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_setup"))
    assert_secure_headers("/admin/ (redirect)", response, signed_in=True)
    setup = client.get(response.url, secure=True)
    assert setup.status_code == 200
    assert_secure_headers("/xac-thuc-hai-buoc/", setup, signed_in=True)


def test_login_page_headers_and_cookies_for_a_visitor(client, production):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert_secure_headers("/dang-nhap/", response, signed_in=False)
    assert "__Host-csrftoken" in response.cookies


def test_production_cookies_are_host_prefixed_and_secure(monkeypatch):
    profile = production_profile(monkeypatch)
    assert profile["DEBUG"] is False
    assert profile["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert profile["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert profile["SESSION_COOKIE_SECURE"] and profile["CSRF_COOKIE_SECURE"]


def test_debug_is_off_unless_the_environment_turns_it_on(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
    assert runpy.run_path(str(ROOT / "portal" / "settings.py"))["DEBUG"] is False
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    assert runpy.run_path(str(ROOT / "portal" / "settings.py"))["DEBUG"] is True


def test_a_signed_in_page_is_not_stored(client, users):
    client.force_login(users.officer_hanoi)
    assert client.get(reverse("tasks:my_tasks"))["Cache-Control"] == "no-store, private"
    unit_page = client.get(reverse("provinces:unit_detail", kwargs={"code": "01"}))
    assert unit_page["Cache-Control"] == "no-store, private"


def test_pages_are_compressed_for_slow_links_and_spreadsheets_are_not(client, users):
    client.force_login(users.officer_hanoi)
    page = client.get(reverse("tasks:my_tasks"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert gzip.decompress(page.content).decode().count("</html>") == 1

    sheet = client.get(reverse("exports:tasks_xlsx") + "?scope=unit", HTTP_ACCEPT_ENCODING="gzip")
    assert sheet.status_code == 200 and not sheet.has_header("Content-Encoding")
