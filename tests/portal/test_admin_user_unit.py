"""Admin guardrails on a user's unit (issue 19 item 11): required unless "Cấp Trung ương" is ticked."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from roles.choices import Role

from ..factories import make_user
from .test_admin_scope import change_url, new_user_data, user_form_data

pytestmark = pytest.mark.django_db
User = get_user_model()


def add(client, username, unit, *, national=False):
    data = new_user_data(username, unit, Role.LEADER)
    if national:
        data["national"] = "on"
    return client.post(reverse("admin:portal_user_add"), data)


def test_a_user_without_a_unit_is_refused_unless_national_is_ticked(client, users):
    client.force_login(users.admin)

    response = add(client, "lanhdao.moi", None)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["unit"] == [
        "Hãy chọn đơn vị của người dùng, hoặc đánh dấu “Cấp Trung ương” nếu người này xem được toàn quốc."
    ]
    assert not User.objects.filter(username="lanhdao.moi").exists()


def test_a_national_user_is_made_by_ticking_the_box(client, users):
    client.force_login(users.admin)

    assert add(client, "lanhdao.tw2", None, national=True).status_code == 302
    assert User.objects.get(username="lanhdao.tw2").unit is None


def test_a_unit_and_the_national_box_together_are_refused(client, users, tree):
    client.force_login(users.admin)

    response = add(client, "lanhdao.ca.hai", tree.hanoi, national=True)

    assert response.status_code == 200
    assert "Người dùng cấp Trung ương không gắn với đơn vị" in response.context["adminform"].form.errors["unit"][0]


def test_a_user_with_a_unit_needs_no_box(client, users, tree):
    client.force_login(users.admin)

    assert add(client, "lanhdao.hoankiem", tree.hoankiem).status_code == 302
    assert User.objects.get(username="lanhdao.hoankiem").unit == tree.hoankiem


def test_removing_the_unit_of_an_existing_user_is_refused_without_the_box(client, users):
    client.force_login(users.admin)
    target = users.officer_hoankiem

    response = client.post(change_url(target), user_form_data(target, unit=""))

    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["unit"]
    target.refresh_from_db()
    assert target.unit is not None


def test_the_change_form_of_a_national_user_has_the_box_ticked(client, users):
    client.force_login(users.admin)

    form = client.get(change_url(users.national)).context["adminform"].form

    assert form.fields["national"].initial is True
    assert client.post(change_url(users.national), user_form_data(users.national, national="on")).status_code == 302


def test_a_provincial_admin_is_not_offered_the_box(client, tree):
    client.force_login(make_user("quantri.hanoi", unit=tree.hanoi, role=Role.PROVINCE_ADMIN, is_staff=True))

    form = client.get(reverse("admin:portal_user_add")).context["adminform"].form

    assert "national" not in form.fields
    assert form.fields["unit"].required


def test_the_user_admin_speaks_vietnamese(client, users):
    client.force_login(users.admin)

    page = client.get(reverse("admin:portal_user_add")).content.decode()

    assert "Cấp Trung ương" in page and "Tên đăng nhập" in page and "Lưu" in page
    for english in (">Save<", "Username", "Password confirmation", "Add user", "Personal info"):
        assert english not in page, english
