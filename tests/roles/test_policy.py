"""roles.policy answers from Django permissions, role by role, and never from a group's name."""

import pytest
from django.contrib.auth.models import Group

from roles import policy
from roles.choices import Role
from tests.conftest import grant_role_permissions
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def role_permissions(db):
    grant_role_permissions()


# role -> (report, coordinate, enter assessments, view assessments)
EXPECTED = {
    Role.OFFICER: (True, False, True, True),
    Role.COORDINATOR: (True, True, True, True),
    Role.LEADER: (False, False, False, True),
    Role.PROVINCE_ADMIN: (False, False, False, True),
    Role.ADMIN: (True, True, True, True),
}


def answers(user):
    return (
        policy.can_report(user),
        policy.can_coordinate(user),
        policy.can_enter_assessments(user),
        policy.can_view_assessments(user),
    )


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_may_do_what_its_group_s_permissions_say(tree, role):
    assert answers(make_user("nguoidung", unit=tree.hanoi, role=role)) == EXPECTED[role]


def test_a_user_without_a_role_may_do_nothing(tree):
    assert answers(make_user("khongvaitro", unit=tree.hanoi)) == (False, False, False, False)


def test_a_superuser_may_do_everything_without_a_group():
    assert answers(make_user("sieuquantri", is_superuser=True)) == (True, True, True, True)


def test_a_group_s_name_alone_grants_nothing(tree):
    """The answer follows the permissions: a coordinator group stripped of them coordinates nothing."""
    Group.objects.get(name=Role.COORDINATOR).permissions.clear()
    assert answers(make_user("thuongtruc", unit=tree.hanoi, role=Role.COORDINATOR)) == (False, False, False, False)


def test_an_inactive_account_may_do_nothing(tree):
    user = make_user("danghi", unit=tree.hanoi, role=Role.COORDINATOR, is_active=False)
    assert answers(user) == (False, False, False, False)
