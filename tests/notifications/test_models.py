"""The data: a notification exists once per (event, object, recipient, day), enforced by the database."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications.choices import EventType
from notifications.models import Delivery, Notification, NotificationRun


def _notification(recipient, day, **fields):
    values = {"recipient": recipient, "event": EventType.DEADLINE_PASSED, "object_key": "task:1", "day": day,
              "title": "Quá hạn"}  # fmt: skip
    values.update(fields)
    return Notification.objects.create(**values)


def test_the_database_refuses_a_second_notification_for_the_same_event_object_recipient_and_day(people, today):
    _notification(people.officer_hanoi, today)
    with pytest.raises(IntegrityError), transaction.atomic():
        _notification(people.officer_hanoi, today)


def test_another_day_or_recipient_or_object_is_another_notification(people, today):
    import datetime

    _notification(people.officer_hanoi, today)
    _notification(people.officer_hanoi, today + datetime.timedelta(days=1))
    _notification(people.coordinator_hanoi, today)
    _notification(people.officer_hanoi, today, object_key="task:2")
    assert Notification.objects.count() == 4


def test_one_email_delivery_per_notification(people, today):
    notification = _notification(people.officer_hanoi, today)
    Delivery.objects.create(notification=notification)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(notification=notification)


def test_an_unknown_event_is_refused_by_the_database(people, today):
    with pytest.raises(IntegrityError), transaction.atomic():
        _notification(people.officer_hanoi, today, event="khong_co")


def test_runs_are_listed_in_admin_with_their_counts(client, people, today):
    run = NotificationRun.objects.create(day=today, counts={"qua_han": 3}, notifications_created=3, emails_sent=2)
    client.force_login(people.admin)
    listing = client.get(reverse("admin:notifications_notificationrun_changelist"))
    assert listing.status_code == 200 and NotificationRun in admin.site._registry
    assert f"/admin/notifications/notificationrun/{run.pk}/change/" in listing.content.decode()
    detail = client.get(reverse("admin:notifications_notificationrun_change", args=[run.pk])).content.decode()
    assert "qua_han" in detail
