import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng"


def post_login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_login_with_the_right_password_goes_home(client, users):
    response = post_login(client, "canbo.hanoi", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_and_unknown_user_get_the_same_message(client, users):
    wrong_password = post_login(client, "canbo.hanoi", "sai-mat-khau")
    unknown_user = post_login(client, "khong.ton.tai", "sai-mat-khau")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    # The form keeps the username that was typed.
    assert 'value="canbo.hanoi"' in wrong_password.content.decode()


def test_five_failures_lock_that_username_and_ip_for_fifteen_minutes(client, users, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.PORTAL_LOGIN_COOLOFF_BASE.total_seconds() == 15 * 60
    for _ in range(5):
        post_login(client, "canbo.hanoi", "sai-mat-khau")

    locked = post_login(client, "canbo.hanoi", PASSWORD)
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # Same username from another IP, and another username from the same IP, still work.
    assert post_login(client, "canbo.hanoi", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert post_login(client, "canbo.haiphong", PASSWORD).status_code == 302


def test_pages_require_login(client, tree):
    response = client.get(reverse("provinces:unit_detail", kwargs={"code": "01"}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_applies_the_validators(client, users):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    users.officer_hanoi.refresh_from_db()
    assert users.officer_hanoi.check_password(PASSWORD)


def test_logout_is_a_post(client, users):
    client.force_login(users.officer_hanoi)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
