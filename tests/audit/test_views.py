"""A user sees their own recent logins, failures and lockouts, and nobody else's."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/tai-khoan/dang-nhap-gan-day/"


def test_the_page_lists_the_users_own_failed_and_successful_logins(client, users):
    client.post(reverse("login"), {"username": "canbo.hanoi", "password": "sai"}, REMOTE_ADDR="203.0.113.50")
    client.post(reverse("login"), {"username": "canbo.haiphong", "password": "sai"}, REMOTE_ADDR="203.0.113.99")
    client.post(reverse("login"), {"username": "canbo.hanoi", "password": PASSWORD}, REMOTE_ADDR="203.0.113.51")
    assert reverse("audit:recent_logins") == URL
    page = client.get(URL).content.decode()
    assert "Đăng nhập thất bại" in page and "203.0.113.50" in page and "203.0.113.51" in page
    assert "203.0.113.99" not in page  # another user's failure


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_menu_links_to_it(client, users):
    client.force_login(users.officer_hanoi)
    assert URL in client.get(reverse("home"), follow=True).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    client.force_login(users.officer_hanoi)
    for _ in range(5):
        client.post(reverse("login"), {"username": "canbo.hanoi", "password": "sai"})
    client.force_login(users.officer_hanoi)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
