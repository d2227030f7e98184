"""audit_api_call: one event per read-API call made with a token, in one INSERT, refused or not."""

import pytest
from django.test import RequestFactory

from audit.choices import EventKind
from audit.models import AuditEvent
from audit.services import audit_api_call

pytestmark = pytest.mark.django_db


def record(status: int, **fields):
    request = RequestFactory().get("/api/v1/tasks/", {"status": "hoan_thanh"}, REMOTE_ADDR="192.0.2.8")
    return audit_api_call(request=request, status=status, **{"key_prefix": "p06_abcdefgh", **fields})


@pytest.mark.parametrize("status", [200, 304, 400, 429])
def test_an_answered_call_is_token_use(status):
    assert record(status).kind == EventKind.API_TOKEN_USED


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_refused_call_is_access_refused(status):
    assert record(status).kind == EventKind.ACCESS_REFUSED


def test_the_event_is_one_insert_and_nothing_read(django_assert_num_queries, tree):
    with django_assert_num_queries(1):
        record(200, token_id=7, token_repr="IOC Hà Nội (p06_abcdefgh…)", unit_id=tree.hanoi.pk)
    event = AuditEvent.objects.get()
    assert (event.username, event.object_id, event.unit_id, event.ip_address, event.path) == (
        "api:p06_abcdefgh", "7", tree.hanoi.pk, "192.0.2.8", "/api/v1/tasks/",
    )  # fmt: skip
    assert event.detail == {"status": 200, "method": "GET", "query": {"status": "hoan_thanh"}}


def test_an_unknown_token_is_named_by_what_was_presented():
    event = record(401, key_prefix="", detail={"refused": "unknown"})
    assert (event.username, event.object_id, event.unit_id, event.detail["refused"]) == ("api:?", "", None, "unknown")
