"""Reads of notifications: always a user's own, never another's."""

from django.db.models import QuerySet

from .choices import EMAIL_ON_BY_DEFAULT, EventType
from .models import Notification, NotificationPreference


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (one query per page)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def email_choices_of(user) -> dict[str, bool]:
    """Whether the user gets email for each event type: their choice, else the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "email"))
    return {event: chosen.get(event, event in EMAIL_ON_BY_DEFAULT) for event in EventType.values}


def email_wanted(pairs) -> set[tuple[int, str]]:
    """Of ``(user id, event)`` pairs, those that want email, in one query."""
    pairs = set(pairs)
    if not pairs:
        return set()
    users = {user_id for user_id, _event in pairs}
    chosen = {
        (user_id, event): email
        for user_id, event, email in NotificationPreference.objects.filter(user_id__in=users).values_list(
            "user_id", "event", "email"
        )
    }
    return {pair for pair in pairs if chosen.get(pair, pair[1] in EMAIL_ON_BY_DEFAULT)}
