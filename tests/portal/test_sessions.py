"""Idle sessions end after SESSION_IDLE_TIMEOUT; the page's ping keeps a typing user's session."""

import time

import pytest
from django.urls import reverse

from portal.security import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db


def idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_the_idle_limit_is_thirty_minutes(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_a_session_idle_for_thirty_minutes_ends(client, users):
    client.force_login(users.officer_hanoi)
    idle_for(client, 31 * 60)
    response = client.get(reverse("tasks:my_tasks"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=/nhiem-vu/")
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert "không thao tác" in login_page.content.decode()


def test_a_session_used_within_the_limit_goes_on_and_the_clock_restarts(client, users):
    client.force_login(users.officer_hanoi)
    idle_for(client, 29 * 60)
    assert client.get(reverse("tasks:my_tasks")).status_code == 200
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


def test_the_keepalive_ping_restarts_the_clock(client, users):
    client.force_login(users.officer_hanoi)
    idle_for(client, 25 * 60)
    response = client.post(reverse("session_keepalive"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert response.json() == {"remaining": 30 * 60}
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5


def test_a_ping_after_the_end_says_so_instead_of_redirecting(client, users):
    client.force_login(users.officer_hanoi)
    idle_for(client, 31 * 60)
    response = client.post(reverse("session_keepalive"), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 401
    assert response.json()["expired"] is True


def test_signed_in_pages_carry_the_warning_script_and_its_settings(client, users):
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:my_tasks")).content.decode()
    assert 'id="session-timeout"' in html
    assert 'data-timeout-seconds="1800"' in html
    assert "js/session.js" in html
    client.logout()
    assert "js/session.js" not in client.get(reverse("login")).content.decode()


def test_the_clock_is_written_at_most_once_a_minute(client, users):
    """A request within a minute of the last write does not save the session again."""
    client.force_login(users.officer_hanoi)
    idle_for(client, 30)
    written = client.session[LAST_ACTIVITY_KEY]
    client.get(reverse("tasks:my_tasks"))
    assert client.session[LAST_ACTIVITY_KEY] == written
    idle_for(client, 61)
    client.get(reverse("tasks:my_tasks"))
    assert int(time.time()) - client.session[LAST_ACTIVITY_KEY] < 5
