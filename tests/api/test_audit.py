"""Every call of the read API that carries a token is an audit event: who (the token), unit, address, path, status."""

import datetime

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_revoke
from audit.choices import EventKind
from audit.models import AuditEvent

from .conftest import issue


@pytest.fixture(autouse=True)
def no_events_yet(tokens):
    AuditEvent.objects.all().delete()  # not the roles granted while making the fixtures


def only_event() -> AuditEvent:
    (event,) = AuditEvent.objects.all()
    return event


def test_an_accepted_call_names_the_token_its_unit_the_address_path_and_status(api, tokens, tree):
    assert api("/api/v1/units/?level=3", REMOTE_ADDR="192.0.2.15").status_code == 200
    event = only_event()
    assert (event.kind, event.user, event.username, event.unit) == (
        EventKind.API_TOKEN_USED, None, f"api:{tokens.hanoi.key_prefix}", tree.hanoi,
    )  # fmt: skip
    assert (event.object_type, event.object_id) == ("api.apitoken", str(tokens.hanoi.pk))
    assert "IOC Hà Nội" in event.object_repr
    assert (event.ip_address, event.path) == ("192.0.2.15", "/api/v1/units/")
    assert event.detail == {"status": 200, "method": "GET", "query": {"level": "3"}}


def test_the_address_is_the_clients_behind_the_trusted_proxy(api, settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.2"]
    api("/api/v1/units/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert only_event().ip_address == "203.0.113.7"


def test_a_national_token_has_no_unit(api, tree):
    _token, secret = issue(None, name="Hệ thống báo cáo quốc gia")
    AuditEvent.objects.all().delete()
    api("/api/v1/units/", secret=secret)
    event = only_event()
    assert event.unit is None and "Hệ thống báo cáo quốc gia" in event.object_repr


def test_a_call_out_of_scope_is_recorded_as_refused(api, tokens):
    assert api("/api/v1/units/11296/").status_code == 404  # Hồng Bàng, Hải Phòng
    event = only_event()
    assert (event.kind, event.object_id, event.detail["status"]) == (
        EventKind.ACCESS_REFUSED, str(tokens.hanoi.pk), 404,
    )  # fmt: skip


def test_a_bad_parameter_and_a_throttled_call_are_recorded_with_their_status(api, settings):
    settings.API_TOKEN_RATE = "1/min"
    api("/api/v1/units/?provice=01")
    api("/api/v1/units/")
    statuses = sorted(event.detail["status"] for event in AuditEvent.objects.all())
    assert statuses == [400, 429]
    assert set(AuditEvent.objects.values_list("kind", flat=True)) == {EventKind.API_TOKEN_USED}


def test_a_revoked_token_is_recorded_as_refused_with_its_name_and_unit(api, tree):
    token, secret = issue(tree.hanoi, name="IOC cũ")
    api_token_revoke(token=token)
    AuditEvent.objects.all().delete()
    assert api("/api/v1/units/", secret=secret).status_code == 401
    event = only_event()
    assert (event.kind, event.object_id, event.unit, event.username) == (
        EventKind.ACCESS_REFUSED, str(token.pk), tree.hanoi, f"api:{token.key_prefix}",
    )  # fmt: skip
    assert event.detail["status"] == 401 and event.detail["refused"] == "revoked"


def test_an_expired_token_is_recorded_as_refused(api, tree):
    token, secret = issue(tree.hanoi)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    AuditEvent.objects.all().delete()
    api("/api/v1/units/", secret=secret)
    assert only_event().detail["refused"] == "expired"


def test_an_unknown_secret_is_recorded_by_its_start_only(api):
    assert api("/api/v1/units/", secret="p06_WrongSecretAbcdefghij").status_code == 401
    event = only_event()
    assert (event.kind, event.username, event.object_id, event.unit) == (
        EventKind.ACCESS_REFUSED, "api:p06_WrongSec", "", None,
    )  # fmt: skip
    assert event.detail["refused"] == "unknown"
    assert "Abcdefghij" not in str(event.__dict__)


def test_header_text_that_is_no_secret_of_ours_is_not_written(api):
    api("/api/v1/units/", secret="hunter2-my-password")
    event = only_event()
    assert event.username == "api:?" and "hunter2" not in str(event.__dict__)


def test_a_malformed_authorization_header_is_recorded_as_refused(client, tree):
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 401
    event = only_event()
    assert (event.kind, event.detail["refused"]) == (EventKind.ACCESS_REFUSED, "malformed")


def test_a_call_without_a_token_is_not_recorded(client, tree):
    assert client.get("/api/v1/units/").status_code == 401
    assert not AuditEvent.objects.exists()


def test_a_kept_snapshot_answer_is_recorded_too(api, data):
    AuditEvent.objects.all().delete()
    api("/api/v1/snapshots/")
    assert api("/api/v1/snapshots/", HTTP_IF_NONE_MATCH=api("/api/v1/snapshots/")["ETag"]).status_code == 304
    assert sorted(event.detail["status"] for event in AuditEvent.objects.all()) == [200, 200, 304]


def test_a_signed_in_user_calling_with_a_token_is_recorded_once_as_the_token(client, users, tokens):
    client.force_login(users.leader_hanoi)
    AuditEvent.objects.all().delete()
    response = client.get("/api/v1/units/11296/", HTTP_AUTHORIZATION=f"Bearer {tokens.hanoi_secret}")
    assert response.status_code == 404
    event = only_event()
    assert event.user is None and event.username == f"api:{tokens.hanoi.key_prefix}"
