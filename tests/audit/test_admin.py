"""Auditors read the events (and Django's admin log) in admin: filtered, read-only, superusers only."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.choices import EventKind
from audit.models import AuditEvent
from roles.choices import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(users, tree):
    AuditEvent.objects.all().delete()
    now = timezone.now()
    return [
        AuditEvent.objects.create(kind=EventKind.LOGIN, user=users.officer_hanoi, username="canbo.hanoi",
                                  unit=tree.hanoi, ip_address="10.1.1.1", created_at=now),
        AuditEvent.objects.create(kind=EventKind.LOGIN_FAILED, user=users.officer_haiphong, username="canbo.haiphong",
                                  unit=tree.haiphong, ip_address="10.2.2.2", created_at=now),
        AuditEvent.objects.create(kind=EventKind.EXPORT, user=users.leader_hanoi, username="lanhdao.hanoi",
                                  unit=tree.hanoi, created_at=now - datetime.timedelta(days=40)),
    ]  # fmt: skip


def listed(response) -> set[str]:
    return {event.username for event in response.context["cl"].result_list}


def test_superuser_filters_by_kind_unit_and_searches_by_user(client, users, tree, logged):
    client.force_login(users.admin)
    AuditEvent.objects.filter(user=users.admin).delete()  # this login
    url = reverse("admin:audit_auditevent_changelist")
    assert listed(client.get(url)) == {"canbo.hanoi", "canbo.haiphong", "lanhdao.hanoi"}
    assert listed(client.get(url, {"kind__exact": EventKind.LOGIN_FAILED})) == {"canbo.haiphong"}
    assert listed(client.get(url, {"unit__id__exact": tree.hanoi.pk})) == {"canbo.hanoi", "lanhdao.hanoi"}
    assert listed(client.get(url, {"q": "lanhdao"})) == {"lanhdao.hanoi"}
    since = (timezone.localtime() - datetime.timedelta(days=7)).isoformat()
    assert listed(client.get(url, {"created_at__gte": since})) == {"canbo.hanoi", "canbo.haiphong"}


def test_events_are_read_only_even_for_a_superuser(client, users, logged):
    client.force_login(users.admin)
    event = logged[0]
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200 and "canbo.hanoi" in detail.content.decode()
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"username": "xoa-dau-vet"})
    event.refresh_from_db()
    assert event.username == "canbo.hanoi"


def test_staff_who_are_not_superusers_do_not_see_the_audit(client, tree, logged):
    province_admin = make_user("quantri.hanoi", unit=tree.hanoi, role=Role.ADMIN, is_staff=True)
    client.force_login(province_admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_adminchangelog_changelist")).status_code == 403
    assert "audit" not in {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}


def test_django_admin_log_is_listed_read_only(client, users):
    LogEntry.objects.create(
        user=users.admin, content_type=ContentType.objects.get_for_model(users.officer_hanoi),
        object_id=str(users.officer_hanoi.pk), object_repr="canbo.hanoi", action_flag=CHANGE, change_message="Đổi nhóm",
    )  # fmt: skip
    client.force_login(users.admin)
    response = client.get(reverse("admin:audit_adminchangelog_changelist"))
    assert response.status_code == 200 and "canbo.hanoi" in response.content.decode()
    entry = LogEntry.objects.get()
    delete = reverse("admin:audit_adminchangelog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.exists()
