"""Every write of notifications: storing them once, sending email, marking read, preferences.

Exactly once: a notification is unique on (event, object, recipient, day) in the database, so a
job that runs twice (retried, redelivered by Redis after a killed worker, started by hand and by
beat) stores nothing the second time; its email delivery is created with it, claimed by one
conditional UPDATE before sending, and never sent again once sent.
"""

import datetime
import functools
import logging
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .channels import CHANNELS, ChannelResult
from .choices import Channel, DeliveryStatus, EventType
from .events import PlannedNotification, daily_events, task_link
from .models import Delivery, Notification, NotificationPreference, NotificationRun
from .selectors import email_wanted

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
SEND_BATCH = 500


# --- quiet hours -------------------------------------------------------------


def _clock(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours that ``now`` falls in end (Asia/Ho_Chi_Minh); None outside them."""
    start, end = (_clock(v) for v in settings.NOTIFY_QUIET_HOURS)
    local = timezone.localtime(now)
    tz = local.tzinfo
    t = local.time()
    if start == end:
        return None
    if start < end:  # e.g. 12:00–13:30 the same day
        quiet = start <= t < end
        end_day = local.date()
    else:  # across midnight, e.g. 21:00–07:00
        quiet = t >= start or t < end
        end_day = local.date() + datetime.timedelta(days=1) if t >= start else local.date()
    if not quiet:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=tz)


# --- storing -----------------------------------------------------------------


def _row(planned: PlannedNotification, *, day: datetime.date, run: NotificationRun | None, now) -> Notification:
    return Notification(
        recipient_id=planned.recipient_id, event=planned.event, object_key=planned.object_key,
        task_id=planned.task_id, unit_id=planned.unit_id, day=day, title=planned.title[:TITLE_MAX], body=planned.body,
        link=planned.link, details=planned.details, created_at=now, run=run,
    )  # fmt: skip


def _deliveries_for(notifications: list[Notification], now: datetime.datetime) -> list[Delivery]:
    """Email deliveries for those whose recipient wants email for that event; held during quiet hours."""
    wanted = email_wanted((n.recipient_id, n.event) for n in notifications)
    first_attempt = quiet_until(now) or now
    deliveries = [
        Delivery(notification=n, channel=Channel.EMAIL, next_attempt_at=first_attempt)
        for n in notifications
        if (n.recipient_id, n.event) in wanted
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return deliveries


@transaction.atomic
def notifications_store(
    planned: Iterable[PlannedNotification], *, day: datetime.date, run: NotificationRun | None = None
) -> list[Notification]:
    """Store the planned notifications that do not exist yet, with their email deliveries.

    The unique constraint decides (``ignore_conflicts``): two runs at once cannot both store one.
    Returns the rows this call created, read back by their run (a fixed number of queries).
    """
    now = timezone.now()
    run = run or NotificationRun.objects.create(day=day, triggered_by="dịch vụ", started_at=now)
    unique = {(p.event, p.object_key, p.recipient_id): p for p in planned}
    Notification.objects.bulk_create(
        [_row(p, day=day, run=run, now=now) for p in unique.values()], ignore_conflicts=True, batch_size=SEND_BATCH
    )
    created = list(Notification.objects.filter(run=run))
    _deliveries_for(created, now)
    return created


def notify(planned: PlannedNotification, *, when: datetime.datetime | None = None) -> Notification | None:
    """Store one notification of a person's action (assignment, verification…); None if it exists.

    Called inside the action's transaction: the notification exists only if the action does.
    Its email, if wanted, is queued once the transaction commits.
    """
    now = when or timezone.now()
    notification, created = Notification.objects.get_or_create(
        event=planned.event, object_key=planned.object_key, recipient_id=planned.recipient_id,
        day=timezone.localdate(now),
        defaults={"task_id": planned.task_id, "title": planned.title[:TITLE_MAX], "body": planned.body,
                  "link": planned.link, "details": planned.details, "created_at": now},
    )  # fmt: skip
    if not created:
        return None
    deliveries = _deliveries_for([notification], now)
    if deliveries and deliveries[0].next_attempt_at <= now:
        from .jobs import send_pending_emails_job

        transaction.on_commit(lambda: _queue_quietly(send_pending_emails_job))
    return notification


def _queue_quietly(job) -> None:
    """Queue the sending job; a broker that is down only delays the email to the next periodic pass."""
    try:
        job.delay()
    except Exception as error:
        logger.warning("could not queue the email job: %s", error)


# --- the events of a person's action (called from tasks.services) --------------


def in_vietnamese(service):
    """Messages are stored in Vietnamese whatever language the acting user's pages are in."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return service(*args, **kwargs)

    return wrapper


def _task_names(task) -> dict:
    return {"title": task.title, "unit": task.unit.name, "deadline": task.deadline.strftime("%d/%m/%Y")}


@in_vietnamese
def notify_task_assigned(*, task, actor) -> None:
    """The accountable person of a new task (or a task newly given to them) is told; not the actor themself."""
    person_id = task.accountable_person_id
    if person_id is None or person_id == actor.pk:
        return
    names = _task_names(task)
    notify(PlannedNotification(
        person_id, EventType.TASK_ASSIGNED, f"task:{task.pk}", _("Được giao nhiệm vụ: %(title)s") % names,
        _("Bạn được giao chịu trách nhiệm nhiệm vụ “%(title)s” (%(unit)s), thời hạn %(deadline)s.") % names,
        task_link(task.pk), task.pk,
    ))  # fmt: skip


@in_vietnamese
def notify_task_changed(*, task, actor) -> None:
    """After an edit: a new accountable person is told of the assignment, the person of a new deadline.

    Compares the last two history records (one query); a task without a previous record
    (bulk-inserted) tells nobody.
    """
    records = list(
        task.history.order_by("-history_date", "-history_id").values("accountable_person_id", "deadline")[:2]
    )
    if len(records) < 2:
        return
    new, old = records
    if new["accountable_person_id"] != old["accountable_person_id"]:
        notify_task_assigned(task=task, actor=actor)
    elif new["deadline"] != old["deadline"] and task.accountable_person_id not in (None, actor.pk):
        names = {**_task_names(task), "old": old["deadline"].strftime("%d/%m/%Y")}
        notify(PlannedNotification(
            task.accountable_person_id, EventType.DEADLINE_CHANGED, f"task:{task.pk}",
            _("Thời hạn thay đổi: %(title)s") % names,
            _("Thời hạn của nhiệm vụ “%(title)s” (%(unit)s) đổi từ %(old)s thành %(deadline)s.") % names,
            task_link(task.pk), task.pk,
        ))  # fmt: skip


def _report_people(task, report, actor) -> set[int]:
    """Who hears about their completion report: its author and the task's accountable person, not the actor."""
    people = {task.accountable_person_id}
    if report is not None:
        people.add(report.author_id)
    return people - {None, actor.pk}


@in_vietnamese
def notify_report_verified(*, task, report, actor) -> None:
    names = _task_names(task)
    for person in sorted(_report_people(task, report, actor)):
        notify(PlannedNotification(
            person, EventType.REPORT_VERIFIED, f"task:{task.pk}", _("Đã xác nhận hoàn thành: %(title)s") % names,
            _("Báo cáo hoàn thành nhiệm vụ “%(title)s” (%(unit)s) đã được Thường trực xác nhận.") % names,
            task_link(task.pk), task.pk,
        ))  # fmt: skip


@in_vietnamese
def notify_report_returned(*, task, returned, actor) -> None:
    """The return's reason is in the message: the officer learns what to fix without opening the task."""
    from tasks.choices import UpdateKind

    report = (
        task.updates.filter(kind=UpdateKind.REPORT, created_at__lte=returned.created_at)
        .order_by("-created_at", "-id")
        .first()
    )
    names = {**_task_names(task), "reason": returned.note}
    for person in sorted(_report_people(task, report, actor)):
        notify(PlannedNotification(
            person, EventType.REPORT_RETURNED, f"task:{task.pk}", _("Báo cáo bị trả lại: %(title)s") % names,
            _("Báo cáo hoàn thành nhiệm vụ “%(title)s” (%(unit)s) bị trả lại. Lý do: %(reason)s") % names,
            task_link(task.pk), task.pk,
        ))  # fmt: skip


# --- sending -------------------------------------------------------------------


def _after_failure(delivery: Delivery, result: ChannelResult, now) -> dict:
    attempts = delivery.attempts + 1
    if result.permanent:
        return {"status": DeliveryStatus.SKIPPED, "attempts": attempts, "last_error": result.error}
    if attempts >= settings.NOTIFY_EMAIL_MAX_ATTEMPTS:
        return {"status": DeliveryStatus.FAILED, "attempts": attempts, "last_error": result.error}
    wait = datetime.timedelta(minutes=settings.NOTIFY_EMAIL_RETRY_MINUTES * 2 ** (attempts - 1))
    return {"status": DeliveryStatus.PENDING, "attempts": attempts, "last_error": result.error,
            "next_attempt_at": now + wait}  # fmt: skip


def _sending_lease() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.NOTIFY_EMAIL_SENDING_LEASE_MINUTES)


def _abandoned_claims_release(now: datetime.datetime) -> int:
    """Deliveries whose claim outlived its lease go back to PENDING as a failed attempt; returns how many.

    Their worker stopped between the claim and the result (killed, restarted, out of memory), so
    the message may or may not have left: a reminder sent twice is better than an overdue task
    nobody hears about. Past the attempt limit they are FAILED, as any other failure.
    """
    abandoned = Delivery.objects.filter(status=DeliveryStatus.SENDING, next_attempt_at__lte=now)
    error = _("Tiến trình gửi dừng giữa chừng; gửi lại.")
    released = abandoned.filter(attempts__lt=settings.NOTIFY_EMAIL_MAX_ATTEMPTS - 1).update(
        status=DeliveryStatus.PENDING, attempts=F("attempts") + 1, last_error=error, next_attempt_at=now
    )
    released += abandoned.update(status=DeliveryStatus.FAILED, attempts=F("attempts") + 1, last_error=error)
    if released:
        logger.warning("%s email deliveries were abandoned mid-send and released", released)
    return released


def deliveries_send(*, now: datetime.datetime | None = None) -> dict:
    """Send the email deliveries that are due; none in quiet hours. Returns counts and warnings.

    Each delivery is claimed (PENDING → SENDING, one conditional UPDATE) before its message
    leaves, so two workers never send it both; a failure goes back to PENDING with a later
    attempt (5, 10, 20… minutes), then FAILED after NOTIFY_EMAIL_MAX_ATTEMPTS; a bad address
    is SKIPPED with a warning and the others are still sent. A claim is a lease: one still
    SENDING after NOTIFY_EMAIL_SENDING_LEASE_MINUTES belonged to a worker that stopped mid-send
    and is due again (see ``_abandoned_claims_release``).
    """
    now = now or timezone.now()
    outcome = {"sent": 0, "failed": 0, "skipped": 0, "queued": 0, "warnings": []}
    outcome["failed"] += _abandoned_claims_release(now)
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    if quiet_until(now):
        outcome["queued"] = due.count()
        return outcome
    batch = list(
        due.filter(next_attempt_at__lte=now)
        .select_related(
            "notification__recipient", "notification__task__lead_agency", "notification__task__accountable_person"
        )
        .order_by("next_attempt_at", "id")[:SEND_BATCH]
    )
    for delivery in batch:
        claimed = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
        ).update(status=DeliveryStatus.SENDING, next_attempt_at=now + _sending_lease())
        if not claimed:
            continue  # another worker has it
        result = CHANNELS[delivery.channel].send(delivery.notification)
        if result.ok:
            changes = {"status": DeliveryStatus.SENT, "attempts": delivery.attempts + 1, "sent_at": timezone.now(),
                       "last_error": ""}  # fmt: skip
            outcome["sent"] += 1
        else:
            changes = _after_failure(delivery, result, now)
            if changes["status"] == DeliveryStatus.SKIPPED:
                outcome["skipped"] += 1
                recipient = delivery.notification.recipient
                outcome["warnings"].append(
                    _("Bỏ qua thư cho %(user)s: %(error)s") % {"user": recipient.get_username(), "error": result.error}
                )
            else:
                outcome["failed"] += 1
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
    return outcome


# --- the daily run -------------------------------------------------------------


def reminders_run(*, day: datetime.date, dry_run: bool = False, triggered_by: str = "") -> tuple[NotificationRun, list]:
    """The daily job: compute the day's events, store the new ones, send what email is due.

    A dry run computes and counts only (nothing stored, nothing sent). Returns the run and the
    notifications created (the planned ones for a dry run).
    """
    run = NotificationRun.objects.create(day=day, dry_run=dry_run, triggered_by=triggered_by)
    planned = daily_events(day)
    if dry_run:
        result = planned
    else:
        result = notifications_store(planned, day=day, run=run)
    run.counts = dict(sorted(Counter(str(n.event) for n in result).items()))
    run.notifications_created = 0 if dry_run else len(result)
    if not dry_run:
        outcome = deliveries_send()
        run.emails_sent, run.emails_failed = outcome["sent"], outcome["failed"]
        run.emails_skipped, run.emails_queued = outcome["skipped"], outcome["queued"]
        run.warnings = "\n".join(outcome["warnings"])
    run.finished_at = timezone.now()
    run.save()
    return run, result


# --- the user's own actions ------------------------------------------------------


def notification_mark_read(*, user, pk: int) -> bool:
    """Mark one of the user's own notifications read; False when it is not theirs (or does not exist)."""
    rows = Notification.objects.filter(pk=pk, recipient=user)
    rows.filter(read_at__isnull=True).update(read_at=timezone.now())
    return rows.exists()


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user, email_events: Iterable[str]) -> None:
    """Email on for exactly ``email_events``; one row per event type so a later default change keeps the choice."""
    chosen = set(email_events)
    unknown = chosen - set(EventType.values)
    if unknown:
        raise ValueError(f"unknown event types {sorted(unknown)}")
    for event in EventType.values:
        NotificationPreference.objects.update_or_create(user=user, event=event, defaults={"email": event in chosen})
