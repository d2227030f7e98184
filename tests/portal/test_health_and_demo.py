import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError

from portal import health
from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_healthz_ok_with_broker_not_configured(client, settings):
    settings.CELERY_BROKER_URL = None
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"


def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error")
    assert response.json()["status"] == "degraded"


def test_seed_demo_creates_the_demo_logins_once(settings, tree):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    User = get_user_model()
    expected = {"quantri", "lanhdao.hanoi", "thuongtruc.hanoi", "canbo.hanoi", "canbo.haiphong"}
    assert expected <= set(User.objects.values_list("username", flat=True))
    assert User.objects.filter(username__in=expected).count() == 5
    leader = User.objects.get(username="lanhdao.hanoi")
    assert leader.check_password(DEMO_PASSWORD)
    assert leader.unit.code == "01"
    assert User.objects.get(username="canbo.haiphong").unit.code == "31"
    assert User.objects.get(username="quantri").unit is None
    assert leader.role_names == {"Lãnh đạo"}
