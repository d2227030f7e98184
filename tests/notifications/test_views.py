"""The bell, the list, mark as read, preferences: a user's own notifications only."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.choices import EMAIL_ON_BY_DEFAULT, EventType
from notifications.models import Notification, NotificationPreference


def _notify(user, title="Quá hạn 1 ngày: Cấp căn cước", key="task:1", **fields):
    values = {"recipient": user, "event": EventType.DEADLINE_PASSED, "object_key": key, "title": title,
              "day": timezone.localdate(), "link": "/nhiem-vu/"}  # fmt: skip
    values.update(fields)
    return Notification.objects.create(**values)


@pytest.fixture
def signed_in(client, people):
    client.force_login(people.officer_hanoi)
    return client


def test_the_bell_shows_the_unread_count_on_every_page(signed_in, people):
    _notify(people.officer_hanoi, key="task:1")
    _notify(people.officer_hanoi, key="task:2")
    _notify(people.officer_hanoi, key="task:3", read_at=timezone.now())
    _notify(people.coordinator_hanoi, key="task:1")
    page = signed_in.get(reverse("tasks:my_tasks")).content.decode()
    assert 'data-testid="notification-unread">2</span>' in page
    assert reverse("notifications:list") in page


def test_no_badge_when_everything_is_read(signed_in, people):
    _notify(people.officer_hanoi, read_at=timezone.now())
    page = signed_in.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="notification-unread"' not in page


def test_the_list_shows_only_the_users_own_notifications(signed_in, people):
    _notify(people.officer_hanoi, title="Việc của tôi")
    _notify(people.officer_haiphong, title="Việc của Hải Phòng")
    page = signed_in.get(reverse("notifications:list")).content.decode()
    assert "Việc của tôi" in page and "Việc của Hải Phòng" not in page


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_mark_as_read_marks_it_and_lowers_the_count(signed_in, people):
    notification = _notify(people.officer_hanoi)
    response = signed_in.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-testid="notification-unread"' not in signed_in.get(reverse("notifications:list")).content.decode()


def test_someone_elses_notification_cannot_be_marked_read(signed_in, people):
    other = _notify(people.officer_haiphong)
    assert signed_in.post(reverse("notifications:mark_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_as_read_is_post_only_and_needs_the_csrf_token(people):
    notification = _notify(people.officer_hanoi)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.officer_hanoi)
    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_as_read_goes_on_to_a_local_link_only(signed_in, people):
    notification = _notify(people.officer_hanoi)
    url = reverse("notifications:mark_read", args=[notification.pk])
    assert signed_in.post(url, {"next": "/nhiem-vu/1/"})["Location"] == "/nhiem-vu/1/"
    assert signed_in.post(url, {"next": "https://evil.example/"})["Location"] == reverse("notifications:list")


def test_mark_all_read(signed_in, people):
    _notify(people.officer_hanoi, key="task:1")
    _notify(people.officer_hanoi, key="task:2")
    signed_in.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=people.officer_hanoi, read_at__isnull=True).exists()


def test_preferences_show_the_defaults_and_save_the_choice(signed_in, people):
    page = signed_in.get(reverse("notifications:preferences")).content.decode()
    for event in EventType:
        checked = f'value="{event.value}" id="email-{event.value}" checked' in page
        assert checked == (event in EMAIL_ON_BY_DEFAULT)
    signed_in.post(reverse("notifications:preferences"), {"email": [EventType.TASK_ASSIGNED, "khong_co"]})
    chosen = dict(NotificationPreference.objects.filter(user=people.officer_hanoi).values_list("event", "email"))
    assert chosen[EventType.TASK_ASSIGNED] is True and chosen[EventType.REPORT_RETURNED] is False


def test_preferences_are_linked_from_the_user_menu(signed_in):
    assert reverse("notifications:preferences") in signed_in.get(reverse("notifications:list")).content.decode()


def test_the_list_runs_a_fixed_number_of_queries(signed_in, people, django_assert_max_num_queries):
    for i in range(40):
        _notify(people.officer_hanoi, key=f"task:{i}")
    # 7 since the menu asks Django permissions (the user's and the groups', read once per request).
    with django_assert_max_num_queries(7):
        assert signed_in.get(reverse("notifications:list")).status_code == 200
