"""Logins, failures, lockouts and account changes become audit events with who, unit and address."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.choices import EventKind
from audit.models import AuditEvent
from roles.choices import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


@pytest.fixture
def accounts(users):
    """The users of the fixture, without the events of their creation (roles granted by the factory)."""
    AuditEvent.objects.all().delete()
    return users


def test_login_records_the_user_their_unit_and_address(client, users, tree):
    post_login(client, "canbo.hanoi", PASSWORD, ip="203.0.113.7")
    (event,) = events(EventKind.LOGIN)
    assert (event.user, event.username, event.unit, event.ip_address) == (
        users.officer_hanoi,
        "canbo.hanoi",
        tree.hanoi,
        "203.0.113.7",
    )


def test_failed_logins_are_kept_after_a_successful_one(client, users):
    """django-axes forgets failures on success; the audit does not."""
    post_login(client, "canbo.hanoi", "sai-mat-khau")
    post_login(client, "canbo.hanoi", "sai-lan-nua")
    post_login(client, "canbo.hanoi", PASSWORD)
    failed = events(EventKind.LOGIN_FAILED)
    assert len(failed) == 2
    assert all(e.user == users.officer_hanoi and e.ip_address == "10.0.0.1" for e in failed)
    assert len(events(EventKind.LOGIN)) == 1


def test_failed_login_of_an_unknown_name_keeps_the_typed_name(client, users):
    post_login(client, "lanhdao.khong-co", "x")
    (event,) = events(EventKind.LOGIN_FAILED)
    assert (event.user, event.username, event.unit) == (None, "lanhdao.khong-co", None)


def test_password_is_never_stored(client, users):
    post_login(client, "canbo.hanoi", "mat-khau-bi-mat")
    assert "mat-khau-bi-mat" not in str(list(AuditEvent.objects.values()))


def test_lockout_is_recorded(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "canbo.hanoi", "sai-mat-khau")
    locked = events(EventKind.LOCKED_OUT)
    assert len(locked) == 1
    assert (locked[0].user, locked[0].ip_address) == (users.officer_hanoi, "10.0.0.1")


def test_logout_is_recorded(client, users):
    client.force_login(users.officer_hanoi)
    client.post(reverse("logout"))
    assert [e.user for e in events(EventKind.LOGOUT)] == [users.officer_hanoi]


def test_role_granted_in_admin_names_the_admin_and_the_target(client, accounts, tree):
    client.force_login(accounts.admin)
    officer = accounts.officer_haiphong
    url = reverse("admin:portal_user_change", args=[officer.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        username=officer.username,
        unit=tree.hanoi.pk,
        groups=[Group.objects.get(name=Role.LEADER).pk],
        date_joined_0="01/01/2026",
        date_joined_1="08:00:00",
    )
    response = client.post(url, data, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302, response.context["adminform"].form.errors
    role = AuditEvent.objects.filter(kind=EventKind.ROLE_CHANGED, object_id=str(officer.pk)).order_by("id")
    assert [e.detail for e in role] == [{"removed": [Role.OFFICER]}, {"added": [Role.LEADER]}]
    assert all(e.user == accounts.admin and e.ip_address == "198.51.100.9" for e in role)
    (unit_change,) = AuditEvent.objects.filter(kind=EventKind.UNIT_CHANGED, object_id=str(officer.pk))
    assert unit_change.detail == {"unit": [f"31 {tree.haiphong.name}", f"01 {tree.hanoi.name}"]}


def test_group_added_from_the_group_side_is_recorded_per_user(accounts):
    Group.objects.get(name=Role.LEADER).user_set.add(accounts.officer_hanoi)
    (event,) = AuditEvent.objects.filter(kind=EventKind.ROLE_CHANGED, object_id=str(accounts.officer_hanoi.pk))
    assert event.detail == {"added": [Role.LEADER]}


def test_groups_cleared_names_the_removed_roles(accounts):
    accounts.officer_hanoi.groups.clear()
    (event,) = AuditEvent.objects.filter(kind=EventKind.ROLE_CHANGED, object_id=str(accounts.officer_hanoi.pk))
    assert event.detail == {"removed": [Role.OFFICER]}


def test_direct_permission_grant_is_recorded(accounts):
    permission = Permission.objects.get(codename="change_user")
    accounts.officer_hanoi.user_permissions.add(permission)
    (event,) = events(EventKind.PERMISSION_CHANGED)
    assert event.detail == {"added": ["portal.change_user"]}


def test_superuser_flag_change_is_recorded_with_before_and_after(accounts):
    accounts.officer_hanoi.is_superuser = True
    accounts.officer_hanoi.save()
    (event,) = events(EventKind.PERMISSION_CHANGED)
    assert event.detail == {"is_superuser": [False, True]}
    assert event.object_repr == str(accounts.officer_hanoi)


def test_an_unchanged_save_and_a_login_stamp_record_nothing(users):
    before = AuditEvent.objects.count()
    users.officer_hanoi.full_name = "Nguyễn Văn A"
    users.officer_hanoi.save()
    users.officer_hanoi.save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == before


def test_password_change_is_recorded_but_not_a_rehash(users):
    officer = users.officer_hanoi
    officer.set_password("Mot-mat-khau-moi-2026")
    officer.save()
    assert len(events(EventKind.PASSWORD_CHANGED)) == 1
    officer.set_password("Rehash-boi-he-thong")
    officer.save(update_fields=["password"])  # what check_password does after upgrading the hasher
    assert len(events(EventKind.PASSWORD_CHANGED)) == 1


def test_a_roles_permissions_changed_name_the_role(accounts):
    leader = Group.objects.get(name=Role.LEADER)
    leader.permissions.add(Permission.objects.get(codename="delete_user"))
    (event,) = events(EventKind.PERMISSION_CHANGED)
    assert (event.object_type, event.object_repr) == ("auth.group", Role.LEADER)
    assert event.detail == {"added": ["portal.delete_user"]}
