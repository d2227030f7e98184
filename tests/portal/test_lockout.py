"""Login lockout behind the reverse proxy: by (username, real client address), growing cool-off."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from portal.security import client_ip, login_cool_off
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.PORTAL_TRUSTED_PROXIES = [PROXY, "172.18.0.0/16"]
    return settings


def post_login(client, username, password, *, remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_another(client, users, behind_proxy):
    for _ in range(5):
        post_login(client, "lanhdao.hanoi", "sai-mat-khau", forwarded="198.51.100.7")
    assert post_login(client, "lanhdao.hanoi", PASSWORD, forwarded="198.51.100.7").status_code == 429

    # The leader at another address, through the same proxy, still logs in.
    response = post_login(client, "lanhdao.hanoi", PASSWORD, forwarded="203.0.113.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users.leader_hanoi.pk)


def test_the_header_of_an_untrusted_address_is_ignored(client, users, behind_proxy):
    # A client that talks to the portal directly cannot escape its lockout by inventing addresses.
    for n in range(5):
        post_login(client, "canbo.hanoi", "sai-mat-khau", remote="192.0.2.50", forwarded=f"198.51.100.{n}")
    locked = post_login(client, "canbo.hanoi", PASSWORD, remote="192.0.2.50", forwarded="198.51.100.99")
    assert locked.status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"192.0.2.50"}


def test_client_ip_reads_the_forwarded_chain_from_the_right_through_trusted_proxies(behind_proxy):
    # The client wrote a fake first hop; our proxies appended the real one.
    assert client_ip(request_from(PROXY, "1.2.3.4, 198.51.100.7, 172.18.0.5")) == "198.51.100.7"
    assert client_ip(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY
    assert client_ip(request_from("192.0.2.50", "198.51.100.7")) == "192.0.2.50"


def test_without_configured_proxies_the_header_is_never_read(settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    assert client_ip(request_from(PROXY, "198.51.100.7")) == PROXY


def test_cool_off_doubles_with_each_series_of_failures(users, settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    request = request_from("192.0.2.50")
    request.axes_ip_address = "192.0.2.50"
    request.POST = {"username": "canbo.hanoi"}

    def failures(count):
        AccessFailureLog.objects.all().delete()
        AccessFailureLog.objects.bulk_create(
            AccessFailureLog(username="canbo.hanoi", ip_address="192.0.2.50", user_agent="", http_accept="",
                             path_info="/dang-nhap/", locked_out=False)
            for _ in range(count)
        )  # fmt: skip
        return login_cool_off(request)

    assert failures(5) == timedelta(minutes=15)
    assert failures(10) == timedelta(minutes=30)
    assert failures(15) == timedelta(minutes=60)
    assert failures(500) == timedelta(hours=24)
    # Another address's failures do not lengthen this one's cool-off.
    request.axes_ip_address = "192.0.2.51"
    assert login_cool_off(request) == timedelta(minutes=15)


def test_second_lockout_lasts_twice_as_long(client, users, settings):
    for _ in range(5):
        post_login(client, "canbo.hanoi", "sai-mat-khau", remote="192.0.2.50")
    first = post_login(client, "canbo.hanoi", PASSWORD, remote="192.0.2.50")
    assert "15 phút" in first.content.decode()

    # The first cool-off ends (16 minutes pass for the lock), then five more failures.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - timedelta(minutes=16))
    assert post_login(client, "canbo.hanoi", "sai-mat-khau", remote="192.0.2.50").status_code == 200
    for _ in range(4):
        post_login(client, "canbo.hanoi", "sai-mat-khau", remote="192.0.2.50")
    second = post_login(client, "canbo.hanoi", PASSWORD, remote="192.0.2.50")
    assert second.status_code == 429
    assert "30 phút" in second.content.decode()


def test_log_lines_carry_the_real_client_address(client, users, behind_proxy, caplog):
    caplog.set_level(logging.INFO)
    post_login(client, "canbo.hanoi", "sai-mat-khau", forwarded="198.51.100.7")
    lines = [record for record in caplog.records if record.name in ("portal.access", "axes.handlers.database")]
    assert lines
    assert all(record.client_ip == "198.51.100.7" for record in lines)
    access = next(record for record in lines if record.name == "portal.access")
    assert "198.51.100.7" in access.getMessage()
    assert PROXY not in access.getMessage()


def test_request_carries_client_ip(client, users, behind_proxy):
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("home"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.wsgi_request.client_ip == "198.51.100.7"
