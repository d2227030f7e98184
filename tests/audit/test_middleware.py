"""Downloads and refused attempts are recorded from the resolved URL, without touching the views."""

import pytest
from django.test import override_settings
from django.urls import reverse

from audit.choices import EventKind
from audit.models import AuditEvent
from tasks.choices import TaskStatus
from tasks.services import progress_report_submit
from tests.tasks.conftest import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(task, users):
    update = progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=30, status=TaskStatus.IN_PROGRESS, note="Có biên bản",
        files=[pdf_file("biên bản họp.pdf")],
    )  # fmt: skip
    AuditEvent.objects.all().delete()  # not the roles granted while making the users
    return update.evidence.get()


def only_event():
    (event,) = AuditEvent.objects.all()
    return event


def test_evidence_download_names_the_file_the_user_and_the_address(client, users, tree, evidence):
    client.force_login(users.leader_hanoi)
    AuditEvent.objects.all().delete()
    response = client.get(reverse("tasks:evidence_download", kwargs={"pk": evidence.pk}), REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200
    event = only_event()
    assert (event.kind, event.user, event.unit, event.ip_address) == (
        EventKind.EVIDENCE_DOWNLOAD,
        users.leader_hanoi,
        tree.hanoi,
        "192.0.2.44",
    )
    assert (event.object_type, event.object_id, event.object_repr) == (
        "tasks.evidencefile",
        str(evidence.pk),
        "biên bản họp.pdf",
    )


def test_evidence_of_another_province_is_refused_and_recorded(client, users, evidence):
    client.force_login(users.officer_haiphong)
    AuditEvent.objects.all().delete()
    url = reverse("tasks:evidence_download", kwargs={"pk": evidence.pk})
    assert client.get(url).status_code == 404
    event = only_event()
    assert (event.kind, event.user, event.object_type, event.object_id) == (
        EventKind.ACCESS_REFUSED,
        users.officer_haiphong,
        "tasks:evidence_download",
        str(evidence.pk),
    )
    assert event.detail["status"] == 404 and event.path == url


def test_a_refused_role_is_recorded_with_403(client, users, task):
    client.force_login(users.officer_hanoi)
    AuditEvent.objects.all().delete()
    assert client.post(reverse("tasks:task_verify", kwargs={"pk": task.pk})).status_code == 403
    event = only_event()
    assert event.kind == EventKind.ACCESS_REFUSED
    assert event.detail == {"status": 403, "method": "POST", "query": {}}


def test_task_export_is_recorded_with_its_filters(client, users, task):
    client.force_login(users.coordinator_hanoi)
    AuditEvent.objects.all().delete()
    response = client.get(reverse("exports:tasks_xlsx") + "?scope=unit")
    assert response.status_code == 200
    event = only_event()
    assert (event.kind, event.user, event.object_type) == (
        EventKind.EXPORT,
        users.coordinator_hanoi,
        "exports:tasks_xlsx",
    )
    assert event.detail == {"query": {"scope": "unit"}}
    assert event.object_repr.endswith(".xlsx")


def test_any_other_attachment_is_recorded_as_an_export(rf, users):
    """A download added later is audited without editing this app."""
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    from audit.middleware import AuditMiddleware

    def new_export(request):
        response = HttpResponse(b"a,b")
        response["Content-Disposition"] = 'attachment; filename="moi.csv"'
        return response

    request = rf.get("/xuat-nhap/moi.csv")
    request.user = users.leader_hanoi
    request.resolver_match = ResolverMatch(
        new_export, (), {}, url_name="new_csv", app_names=["exports"], namespaces=["exports"]
    )
    AuditEvent.objects.all().delete()
    AuditMiddleware(new_export)(request)
    event = only_event()
    assert (event.kind, event.object_type, event.object_repr) == (EventKind.EXPORT, "exports:new_csv", "moi.csv")


def test_ordinary_pages_blank_templates_and_anonymous_requests_are_not_recorded(client, users, tree):
    AuditEvent.objects.all().delete()
    client.get(reverse("tasks:evidence_download", kwargs={"pk": 999}))  # anonymous: to the login page
    client.force_login(users.coordinator_hanoi)
    AuditEvent.objects.all().delete()
    assert client.get(reverse("tasks:my_tasks")).status_code == 200
    assert client.get(reverse("exports:task_template")).status_code == 200
    assert client.get("/khong-co-trang-nay/").status_code == 404  # not an object URL
    assert not AuditEvent.objects.exists()


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_failing_audit_never_breaks_the_download(client, users, evidence, monkeypatch):
    client.force_login(users.leader_hanoi)

    def broken(*args, **kwargs):
        raise RuntimeError("audit table missing")

    monkeypatch.setattr("audit.middleware.audit_record", broken)
    response = client.get(reverse("tasks:evidence_download", kwargs={"pk": evidence.pk}))
    assert response.status_code == 200


def test_every_named_download_is_a_url_of_the_portal():
    """A renamed URL would silently fall back to 'export' (or to nothing): keep the table in step."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from audit.middleware import DOWNLOAD_KINDS, NOT_AUDITED

    def names(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from names(entry.url_patterns, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
            elif isinstance(entry, URLPattern) and entry.name:
                yield prefix + entry.name

    known = set(names(get_resolver().url_patterns))
    assert set(DOWNLOAD_KINDS) | NOT_AUDITED <= known


def test_ordinary_pages_do_not_load_the_user_for_the_audit(client, users, settings):
    """An ordinary page costs the same queries with or without the audit middleware."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users.officer_hanoi)

    def queries_for_healthz() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("healthz")).status_code == 200
        return len(captured)

    with_audit = queries_for_healthz()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "audit.middleware.AuditMiddleware"]
    assert with_audit == queries_for_healthz()
