"""The menu and the two-factor rule ask roles.policy (Django permissions), never a group's name."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from portal import mfa
from portal.context_processors import navigation
from roles.choices import Role
from tests.conftest import grant_role_permissions
from tests.factories import make_user

pytestmark = pytest.mark.django_db

COORDINATOR_MENU = "Điều phối nhiệm vụ"
PCCC_MENU = "An toàn PCCC"


@pytest.fixture(autouse=True)
def role_permissions(db):
    grant_role_permissions()


def page_for(client, user) -> str:
    """A page every signed-in user opens (the unit tree), with the menu."""
    client.force_login(user)
    response = client.get(reverse("unit_tree"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def menu(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)["nav"]


def group_with(name: str, *permissions: str) -> Group:
    """A group that is none of the portal's roles, holding ``permissions`` ("app_label.codename")."""
    group = Group.objects.create(name=name)
    for permission in permissions:
        app_label, codename = permission.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


# role -> (read tasks, coordinate, PCCC values, Django admin): what each role's menu showed by group name.
EXPECTED_MENU = {
    Role.OFFICER: (True, False, True, False),
    Role.COORDINATOR: (True, True, True, False),
    Role.LEADER: (True, False, True, False),
}


@pytest.mark.parametrize("role", list(EXPECTED_MENU))
def test_each_working_role_keeps_its_menu(tree, role):
    nav = menu(make_user("nguoidung", unit=tree.hanoi, role=role))
    shown = (nav["can_read_tasks"], nav["can_coordinate"], nav["can_view_assessments"], nav["can_use_admin"])
    assert shown == EXPECTED_MENU[role]


def test_the_national_admin_gets_every_entry():
    nav = menu(make_user("quantri", role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert all(nav.values())


def test_a_group_of_another_name_with_the_coordinating_permission_gets_the_coordinator_menu(client, tree):
    user = make_user("togiupviec", unit=tree.hanoi)
    user.groups.add(group_with("Tổ giúp việc", "tasks.change_task", "tasks.view_task"))
    assert COORDINATOR_MENU in page_for(client, user)


def test_the_coordinator_group_without_its_permission_loses_the_coordinator_menu(client, tree):
    Group.objects.get(name=Role.COORDINATOR).permissions.remove(
        Permission.objects.get(content_type__app_label="tasks", codename="change_task")
    )
    assert COORDINATOR_MENU not in page_for(client, make_user("thuongtruc", unit=tree.hanoi, role=Role.COORDINATOR))


def test_the_pccc_entry_follows_the_permission_its_page_asks(client, tree):
    reader = make_user("doctieuchi", unit=tree.hanoi)
    reader.groups.add(group_with("Đọc PCCC", "pccc.view_assessment"))
    assert PCCC_MENU in page_for(client, reader)
    Group.objects.get(name=Role.OFFICER).permissions.remove(
        Permission.objects.get(content_type__app_label="pccc", codename="view_assessment")
    )
    assert PCCC_MENU not in page_for(client, make_user("canbo", unit=tree.hanoi, role=Role.OFFICER))


def test_the_admin_entry_is_django_admin_s_own_rule_staff(tree):
    assert menu(make_user("nhanvien", unit=tree.hanoi, is_staff=True))["can_use_admin"]
    assert not menu(make_user("quantrikhongstaff", unit=tree.hanoi, role=Role.ADMIN))["can_use_admin"]


@pytest.fixture
def enforced(settings):
    settings.PORTAL_MFA_ENFORCED = True
    settings.DEBUG = False


@pytest.mark.usefixtures("enforced")
@pytest.mark.parametrize(
    ("role", "required"),
    [(Role.LEADER, True), (Role.ADMIN, True), (Role.COORDINATOR, False), (Role.OFFICER, False)],
)
def test_two_factor_is_required_of_the_roles_it_was(tree, role, required):
    assert mfa.mfa_required_for(make_user("nguoidung", unit=tree.hanoi, role=role)) is required


@pytest.mark.usefixtures("enforced")
def test_a_group_of_another_name_with_the_two_factor_permission_must_use_it(tree):
    user = make_user("thanhtra", unit=tree.hanoi)
    user.groups.add(group_with("Thanh tra", "portal.require_two_factor"))
    assert mfa.mfa_required_for(user)


@pytest.mark.usefixtures("enforced")
def test_the_leader_group_without_the_two_factor_permission_need_not(tree):
    Group.objects.get(name=Role.LEADER).permissions.remove(
        Permission.objects.get(content_type__app_label="portal", codename="require_two_factor")
    )
    assert not mfa.mfa_required_for(make_user("lanhdao.khac", unit=tree.hanoi, role=Role.LEADER))


@pytest.mark.usefixtures("enforced")
def test_staff_and_superusers_must_use_it_whatever_their_groups(tree):
    assert mfa.mfa_required_for(make_user("nhanvien", unit=tree.hanoi, is_staff=True))
    assert mfa.mfa_required_for(make_user("sieu", is_superuser=True))
