"""Email: content, quiet hours, retries with backoff, bad addresses, exactly once; through a real SMTP server."""

import datetime
import email
import email.policy
import socket

import pytest
from django.core import mail
from django.utils import timezone

from notifications.choices import DeliveryStatus, EventType
from notifications.models import Delivery, Notification, NotificationPreference, NotificationRun
from notifications.services import deliveries_send, preferences_save, quiet_until, reminders_run

TZ = timezone.get_current_timezone()


def _local(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def overdue(make_task, people):
    """A task whose deadline was yesterday: its officer gets DEADLINE_PASSED, email on by default."""
    return make_task(deadline_in=-1, accountable_person=people.officer_hanoi, title="Số hóa hồ sơ hộ tịch")


@pytest.fixture
def awake(settings):
    settings.NOTIFY_QUIET_HOURS = ("00:00", "00:00")  # never quiet, whatever hour the suite runs at


# --- exactly once ---------------------------------------------------------------------------


def test_running_the_day_twice_stores_and_sends_nothing_the_second_time(overdue, people, today, awake, mailoutbox):
    first, created = reminders_run(day=today)
    second, again = reminders_run(day=today)
    assert first.notifications_created == len(created) > 0
    assert second.notifications_created == 0 and again == []
    assert Notification.objects.filter(recipient=people.officer_hanoi, event=EventType.DEADLINE_PASSED).count() == 1
    assert [m.to for m in mailoutbox] == [[people.officer_hanoi.email]]


def test_a_dry_run_counts_but_stores_and_sends_nothing(overdue, today, awake, mailoutbox):
    run, planned = reminders_run(day=today, dry_run=True)
    assert run.dry_run and run.counts[EventType.DEADLINE_PASSED] == 1
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0
    assert mailoutbox == []
    assert len(planned) == 3  # the officer, and the digests of Hà Nội's and the national leader


def test_the_run_records_its_counts_per_event(overdue, today, awake):
    run, _created = reminders_run(day=today)
    run.refresh_from_db()
    assert run.counts == {EventType.DEADLINE_PASSED: 1, EventType.DAILY_DIGEST: 2}  # Hà Nội's and the national leader
    assert run.emails_sent == 1 and run.finished_at is not None


# --- preferences ----------------------------------------------------------------------------


def test_email_off_for_an_event_keeps_the_in_app_notification(overdue, people, today, awake, mailoutbox):
    preferences_save(user=people.officer_hanoi, email_events=[])
    reminders_run(day=today)
    assert Notification.objects.filter(recipient=people.officer_hanoi).count() == 1
    assert mailoutbox == []


def test_email_on_for_an_event_that_is_off_by_default(make_task, people, today, awake, mailoutbox):
    make_task(deadline_in=5)
    task = make_task(deadline_in=-3)  # escalated to the coordinator: email on by default; switch off
    preferences_save(user=people.coordinator_hanoi, email_events=[EventType.AWAITING_VERIFICATION])
    assert NotificationPreference.objects.get(
        user=people.coordinator_hanoi, event=EventType.AWAITING_VERIFICATION
    ).email
    reminders_run(day=today)
    assert Notification.objects.filter(recipient=people.coordinator_hanoi, task=task).exists()
    assert mailoutbox == []


# --- quiet hours ----------------------------------------------------------------------------


def test_quiet_hours_run_from_21_to_07_vietnam_time(today):
    assert quiet_until(_local(today, 22)) == _local(today + datetime.timedelta(days=1), 7)
    assert quiet_until(_local(today, 6, 59)) == _local(today, 7)
    assert quiet_until(_local(today, 7)) is None
    assert quiet_until(_local(today, 20, 59)) is None


def test_email_in_quiet_hours_is_queued_until_the_morning(overdue, people, today, mailoutbox):
    night = _local(today, 22, 30)
    morning = _local(today + datetime.timedelta(days=1), 7)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: night)
        run, _created = reminders_run(day=today)
    assert mailoutbox == [] and run.emails_queued == 1
    assert Delivery.objects.get().next_attempt_at == morning
    assert deliveries_send(now=morning - datetime.timedelta(minutes=1))["sent"] == 0
    assert deliveries_send(now=morning)["sent"] == 1
    assert len(mailoutbox) == 1


# --- content --------------------------------------------------------------------------------


def test_the_email_is_vietnamese_plain_text_and_html_with_the_five_clear_summary_and_link(
    overdue, today, awake, mailoutbox, settings
):
    settings.PORTAL_BASE_URL = "https://theodoi.example.gov.vn"
    reminders_run(day=today)
    message = mailoutbox[0]
    html = message.alternatives[0].content
    link = f"https://theodoi.example.gov.vn/nhiem-vu/{overdue.pk}/"
    for text in (message.body, html):
        for label in ("Rõ việc", "Rõ người", "Rõ trách nhiệm", "Rõ thời gian", "Rõ kết quả"):
            assert label in text
        assert link in text and "Số hóa hồ sơ hộ tịch" in text and "Công an thành phố Hà Nội" in text
    assert message.alternatives[0].mimetype == "text/html"
    assert "Quá hạn 1 ngày" in message.subject


# --- failures -------------------------------------------------------------------------------


def test_an_invalid_address_is_skipped_with_a_warning_and_the_others_are_sent(
    make_task, people, today, awake, mailoutbox
):
    make_task(deadline_in=-1, accountable_person=people.officer_hanoi)
    make_task(deadline_in=-1, accountable_person=people.officer_hoankiem)
    people.officer_hoankiem.email = "không-phải-địa-chỉ"
    people.officer_hoankiem.save(update_fields=["email"])
    run, _created = reminders_run(day=today)
    assert [m.to for m in mailoutbox] == [[people.officer_hanoi.email]]
    assert run.emails_skipped == 1 and run.emails_sent == 1
    assert "canbo.hoankiem" in run.warnings
    assert Delivery.objects.get(notification__recipient=people.officer_hoankiem).status == DeliveryStatus.SKIPPED


class BrokenBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


def test_a_failure_is_recorded_and_retried_later_with_backoff_then_sent_once(overdue, today, awake, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_sending.BrokenBackend"
    now = timezone.now()
    reminders_run(day=today)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "Connection refused" in delivery.last_error
    assert delivery.next_attempt_at >= now + datetime.timedelta(minutes=5)
    deliveries_send(now=delivery.next_attempt_at + datetime.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at >= now + datetime.timedelta(minutes=15)  # 5, then 10 more

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert deliveries_send(now=delivery.next_attempt_at)["sent"] == 1
    assert deliveries_send(now=delivery.next_attempt_at + datetime.timedelta(days=1))["sent"] == 0
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_delivery_is_failed_and_not_tried_again(overdue, today, awake, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_sending.BrokenBackend"
    settings.NOTIFY_EMAIL_MAX_ATTEMPTS = 2
    reminders_run(day=today)
    later = timezone.now() + datetime.timedelta(days=1)
    deliveries_send(now=later)
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert deliveries_send(now=later + datetime.timedelta(days=1)) == {
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "queued": 0,
        "warnings": [],
    }


def test_a_delivery_claimed_by_another_worker_is_not_sent_again(overdue, today, awake, mailoutbox):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "notifications.services.deliveries_send",
            lambda **kw: {"sent": 0, "failed": 0, "skipped": 0, "queued": 0, "warnings": []},
        )
        reminders_run(day=today)
    # Another worker claimed it a minute ago: its lease runs for NOTIFY_EMAIL_SENDING_LEASE_MINUTES.
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() + datetime.timedelta(minutes=29)
    )
    assert deliveries_send()["sent"] == 0
    assert mailoutbox == []


def test_a_delivery_left_by_a_worker_that_stopped_mid_send_is_sent_after_its_lease(overdue, today, awake, mailoutbox):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "notifications.services.deliveries_send",
            lambda **kw: {"sent": 0, "failed": 0, "skipped": 0, "queued": 0, "warnings": []},
        )
        reminders_run(day=today)
    waiting = Delivery.objects.count()
    assert waiting > 0
    # Claimed 31 minutes ago by a worker that was killed before it recorded the result.
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    outcome = deliveries_send()
    assert outcome["sent"] == waiting
    assert len(mailoutbox) == waiting
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 2)}
    assert deliveries_send()["sent"] == 0  # and never again


def test_a_delivery_abandoned_on_its_last_attempt_is_failed_not_retried(overdue, today, awake, mailoutbox, settings):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "notifications.services.deliveries_send",
            lambda **kw: {"sent": 0, "failed": 0, "skipped": 0, "queued": 0, "warnings": []},
        )
        reminders_run(day=today)
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=settings.NOTIFY_EMAIL_MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1),
    )  # fmt: skip
    deliveries_send()
    assert mailoutbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert "dừng giữa chừng" in Delivery.objects.first().last_error


# --- a real SMTP server on loopback ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_reminders_go_through_a_real_smtp_server(make_task, people, today, awake, smtp_server):
    first = make_task(deadline_in=-1, accountable_person=people.officer_hanoi, title="Cấp căn cước gắn chip")
    make_task(deadline_in=7, accountable_person=people.officer_hoankiem, title="Kích hoạt định danh mức 2")
    run, _created = reminders_run(day=today)
    assert run.emails_sent == 2
    received = {
        tuple(e.rcpt_tos): email.message_from_bytes(e.content, policy=email.policy.default)
        for e in smtp_server.envelopes
    }
    assert set(received) == {(people.officer_hanoi.email,), (people.officer_hoankiem.email,)}
    message = received[(people.officer_hanoi.email,)]
    assert "Cấp căn cước gắn chip" in message["Subject"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Rõ người" in plain and f"/nhiem-vu/{first.pk}/" in plain
    assert "<table" in html and f"/nhiem-vu/{first.pk}/" in html


def test_smtp_down_then_up_the_run_records_failures_and_the_retry_sends_each_once(
    overdue, people, today, awake, settings
):
    from aiosmtpd.controller import Controller

    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    run, _created = reminders_run(day=today)  # nothing listens on the port
    assert run.emails_failed == 1 and run.emails_sent == 0
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retry_at = delivery.next_attempt_at
        assert deliveries_send(now=retry_at)["sent"] == 1
        assert deliveries_send(now=retry_at + datetime.timedelta(hours=1))["sent"] == 0
        second, _again = reminders_run(day=today)
        assert second.emails_sent == 0
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in inbox.envelopes] == [[people.officer_hanoi.email]]
    assert NotificationRun.objects.filter(emails_failed=1).count() == 1
