"""Demo notifications for `make run`: the day's real reminders, and a few unread ones for the Hà Nội logins.

Called by seed_demo after the tasks' demo data (apps in INSTALLED_APPS order). Idempotent: the
notifications' unique key (event, object, recipient, day) makes a second run add nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from tasks.choices import DONE_STATUSES, TaskStatus
from tasks.models import Task

from .choices import EventType
from .events import PlannedNotification, daily_events, task_link
from .models import Notification, NotificationRun
from .services import notifications_store

DEMO_PEOPLE = ("canbo.hanoi", "thuongtruc.hanoi", "lanhdao.hanoi")


def seed_demo(stdout) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_PEOPLE)}
    if not users:
        stdout.write("Thông báo mẫu: chưa có tài khoản demo, bỏ qua.")
        return
    today = timezone.localdate()
    run = NotificationRun.objects.create(day=today, triggered_by="dữ liệu mẫu")
    created = notifications_store(daily_events(today), day=today, run=run)
    created += _store_rows(_examples(users, today), today, run)
    run.notifications_created = len(created)
    run.finished_at = timezone.now()
    run.save(update_fields=["notifications_created", "finished_at"])
    stdout.write(f"Thông báo mẫu: {len(created)} thông báo mới.")


def _examples(users: dict, today) -> list[PlannedNotification]:
    """An overdue reminder for the officer, completion reports for the coordinator, a digest for the leader."""
    planned = []
    tasks = Task.objects.select_related("unit").exclude(current_status__in=DONE_STATUSES)
    if officer := users.get("canbo.hanoi"):
        for task in tasks.filter(accountable_person=officer, deadline__lt=today).order_by("deadline")[:3]:
            planned.append(PlannedNotification(
                officer.pk, EventType.DEADLINE_PASSED, f"task:{task.pk}",
                f"Quá hạn {(today - task.deadline).days} ngày: {task.title}",
                f"Nhiệm vụ “{task.title}” ({task.unit.name}) hết hạn ngày {task.deadline:%d/%m/%Y} mà chưa hoàn thành.",
                task_link(task.pk), task.pk,
            ))  # fmt: skip
    coordinator = users.get("thuongtruc.hanoi")
    if coordinator and coordinator.unit_id:
        scope = Task.objects.filter(coordinator.unit.subtree_filter("unit")).select_related("unit")
        for task in scope.filter(awaiting_verification=True)[:3]:
            planned.append(PlannedNotification(
                coordinator.pk, EventType.AWAITING_VERIFICATION, f"task:{task.pk}",
                f"Chờ xác nhận hoàn thành: {task.title}",
                f"Nhiệm vụ “{task.title}” ({task.unit.name}) có báo cáo hoàn thành đang chờ Thường trực xác nhận.",
                task_link(task.pk), task.pk,
            ))  # fmt: skip
    leader = users.get("lanhdao.hanoi")
    if leader and leader.unit_id:
        scope = Task.objects.filter(leader.unit.subtree_filter("unit")).select_related("unit")
        late = scope.filter(Q(deadline__lt=today) & ~Q(current_status__in=DONE_STATUSES))[:5]
        blocked = scope.filter(current_status=TaskStatus.BLOCKED)[:5]
        sections = [
            {"title": title, "lines": [{"title": t.title, "unit": t.unit.name, "link": task_link(t.pk)} for t in rows]}
            for title, rows in (("Quá hạn", late), ("Vướng mắc", blocked))
            if rows
        ]
        if sections:
            planned.append(PlannedNotification(
                leader.pk, EventType.DAILY_DIGEST, "digest", f"Tổng hợp ngày {today:%d/%m/%Y} (dữ liệu mẫu)",
                "", "/thong-bao/", details={"sections": sections},
            ))  # fmt: skip
    return planned


def _store_rows(planned, today, run) -> list[Notification]:
    """In-app only (no email from demo data): rows that are not there yet."""
    now = timezone.now()
    created = []
    for p in planned:
        row, new = Notification.objects.get_or_create(
            event=p.event, object_key=p.object_key, recipient_id=p.recipient_id, day=today,
            defaults={"task_id": p.task_id, "title": p.title[:300], "body": p.body, "link": p.link,
                      "details": p.details, "created_at": now, "run": run},
        )  # fmt: skip
        if new:
            created.append(row)
    return created
