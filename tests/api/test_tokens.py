"""Tokens: stored hashed, expire, revocable, rate-limited per token, every call logged."""

import datetime
import hashlib
import logging

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_issue, api_token_revoke

from .conftest import issue


def test_only_the_hash_of_the_secret_is_stored(tokens):
    stored = ApiToken.objects.get(pk=tokens.hanoi.pk)
    assert stored.key_hash == hashlib.sha256(tokens.hanoi_secret.encode()).hexdigest()
    assert tokens.hanoi_secret not in str(stored.__dict__)


def test_a_token_cannot_be_issued_already_expired(tree):
    with pytest.raises(ValidationError):
        api_token_issue(name="x", unit=tree.hanoi, expires_at=timezone.now() - datetime.timedelta(seconds=1))


def test_no_token_is_401_with_www_authenticate(client, tree):
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_is_401(api, tree):
    assert api("/api/v1/units/", secret="p06_not-a-token").status_code == 401


def test_expired_token_is_401(api, tree):
    token, secret = issue(tree.hanoi)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = api("/api/v1/units/", secret=secret)
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]


def test_revoked_token_is_401(api, tree):
    token, secret = issue(tree.hanoi)
    assert api("/api/v1/units/", secret=secret).status_code == 200
    api_token_revoke(token=token)
    assert api("/api/v1/units/", secret=secret).status_code == 401


def test_rate_limit_is_per_token(api, tokens, settings):
    settings.API_TOKEN_RATE = "2/min"
    assert api("/api/v1/units/").status_code == 200
    assert api("/api/v1/units/").status_code == 200
    assert api("/api/v1/units/").status_code == 429
    # Another token has its own count.
    assert api("/api/v1/units/", secret=tokens.haiphong_secret).status_code == 200


def test_every_call_is_logged_with_its_token_and_status(api, tokens, caplog):
    with caplog.at_level(logging.INFO, logger="api"):
        api("/api/v1/units/?provice=1")
    line = next(r.getMessage() for r in caplog.records if r.name == "api")
    assert tokens.hanoi.key_prefix in line and " 400 " in line and "unit=01" in line


def test_use_is_recorded_on_the_token(api, tokens):
    api("/api/v1/units/")
    assert ApiToken.objects.get(pk=tokens.hanoi.pk).last_used_at is not None


def test_admin_issues_a_token_and_shows_the_secret_once(client, users, tree):
    client.force_login(users.admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"name": "IOC Hà Nội", "unit": tree.hanoi.pk, "expires_at_0": "31/12/2027", "expires_at_1": "00:00:00"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    secret = next(m.rsplit(" ", 1)[1] for m in shown if token.key_prefix in m)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    # The list never shows it again.
    assert secret not in client.get("/admin/api/apitoken/").content.decode()


def test_province_admin_cannot_see_tokens(client, tree):
    from tests.factories import make_user

    province_admin = make_user("quantri.hanoi", unit=tree.hanoi, role="Quản trị tỉnh", is_staff=True)
    client.force_login(province_admin)
    assert client.get("/admin/api/apitoken/").status_code == 403
