"""`make run`'s demo: the Hà Nội logins find unread notifications; a second seed adds none."""

import io

import pytest
from django.core.management import call_command

from notifications.choices import EventType
from notifications.models import Notification, NotificationRun


@pytest.fixture
def seeded(settings, tree):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _unread(username):
    return set(
        Notification.objects.filter(recipient__username=username, read_at__isnull=True).values_list("event", flat=True)
    )


def test_the_demo_users_have_unread_notifications(seeded):
    assert EventType.DEADLINE_PASSED in _unread("canbo.hanoi")
    assert EventType.AWAITING_VERIFICATION in _unread("thuongtruc.hanoi")
    assert EventType.DAILY_DIGEST in _unread("lanhdao.hanoi")
    assert NotificationRun.objects.filter(triggered_by="dữ liệu mẫu").exists()


def test_seeding_twice_adds_no_notification(seeded):
    count = Notification.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.count() == count


def test_the_demo_officer_sees_the_bell_count(seeded, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="canbo.hanoi"))
    page = client.get("/thong-bao/").content.decode()
    assert 'data-testid="notification-unread">' in page
