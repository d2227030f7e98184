"""Ways a notification leaves the portal. Each channel has ``send(notification) -> ChannelResult``.

In-app and email are implemented; a Zalo OA or SMS channel is one more class with the same
method, registered in CHANNELS, plus a value in choices.Channel.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelResult:
    """``ok``: delivered. ``permanent``: retrying cannot help (a bad address): skip it with a warning."""

    ok: bool
    error: str = ""
    permanent: bool = False


class NotificationChannel(Protocol):
    name: str

    def send(self, notification: Notification) -> ChannelResult: ...


class InAppChannel:
    """The notification row is the in-app message (the bell, the list): nothing more to do."""

    name = "in_app"

    def send(self, notification: Notification) -> ChannelResult:
        return ChannelResult(ok=notification.pk is not None)


def five_clear_summary(task) -> list[tuple[str, str]]:
    """The task's "5 rõ": clear task, person, responsibility, schedule, result."""
    if task is None:
        return []
    person = task.accountable_person.get_full_name() if task.accountable_person_id else "—"
    return [
        (_("Rõ việc"), task.title),
        (_("Rõ người"), person),
        (_("Rõ trách nhiệm"), task.lead_agency.name),
        (_("Rõ thời gian"), f"{task.start_date:%d/%m/%Y} – {task.deadline:%d/%m/%Y}"),
        (_("Rõ kết quả"), task.expected_result or "—"),
    ]


def absolute(link: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{link}" if link.startswith("/") else link


class EmailChannel:
    """Plain text plus HTML, in Vietnamese, through Django's email framework (SMTP in production)."""

    name = "email"

    def send(self, notification: Notification) -> ChannelResult:
        address = (notification.recipient.email or "").strip()
        try:
            validate_email(address)
        except ValidationError:
            return ChannelResult(ok=False, permanent=True, error=f"địa chỉ thư không hợp lệ: {address!r}")
        message = self.build(notification, address)
        try:
            message.send(fail_silently=False)
        except Exception as error:  # SMTP down, refused, timed out: recorded and retried later
            logger.warning("email of notification %s failed: %s", notification.pk, error)
            return ChannelResult(ok=False, error=f"{type(error).__name__}: {error}"[:1000])
        return ChannelResult(ok=True)

    def build(self, notification: Notification, address: str) -> EmailMultiAlternatives:
        with translation.override("vi"):
            context = {
                "notification": notification,
                "recipient": notification.recipient,
                "summary": five_clear_summary(notification.task),
                "link": absolute(notification.link),
                "sections": [
                    {"title": s["title"], "lines": [{**line, "link": absolute(line["link"])} for line in s["lines"]]}
                    for s in notification.details.get("sections", [])
                ],
                "base_url": settings.PORTAL_BASE_URL,
            }
            text = render_to_string("notifications/email.txt", context)
            html = render_to_string("notifications/email.html", context)
        subject = " ".join(notification.title.split())[:200]
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html, "text/html")
        return message


CHANNELS: dict[str, NotificationChannel] = {"in_app": InAppChannel(), "email": EmailChannel()}
