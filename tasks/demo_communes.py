"""Demo tasks for every commune of a province, so that rankings and maps have something to show.

Hundreds of tasks with their timelines: written with bulk inserts (a few statements),
not through the services one report at a time, which would make `make run` slow. The
current-state fields are set from the last entry exactly as the services would.
"""

import datetime
import random

from django.utils import timezone

from provinces.models import AdministrativeUnit

from .choices import DONE_STATUSES, BlockReason, TaskGroup, TaskStatus, UpdateKind
from .models import Agency, ProgressUpdate, Task

# group, title, expected result, (start, deadline) in days from today
COMMUNE_TASKS = [
    (
        TaskGroup.DATA_ECOSYSTEM,
        "Thu thập, cập nhật, làm sạch dữ liệu dân cư trên địa bàn",
        "100% dữ liệu dân cư “đúng, đủ, sạch, sống”",
        (-300, 20),
    ),
    (
        TaskGroup.DIGITAL_CITIZENS,
        "Hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2",
        "Tỷ lệ công dân từ 15 tuổi kích hoạt VNeID mức 2 đạt chỉ tiêu",
        (-250, 45),
    ),
    (
        TaskGroup.PUBLIC_SERVICES,
        "Tiếp nhận, giải quyết hồ sơ dịch vụ công trực tuyến toàn trình tại Bộ phận Một cửa",
        "Tỷ lệ hồ sơ trực tuyến toàn trình đạt từ 80% trở lên",
        (-200, -5),
    ),
]


def seed_commune_tasks(*, programme, province: AdministrativeUnit, officer, coordinator, seed: int) -> int:
    """Three tasks per commune of ``province`` with a few months of history. Idempotent."""
    communes = list(AdministrativeUnit.objects.current().filter(parent=province).order_by("code"))
    if Task.objects.filter(programme=programme, unit__in=communes).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    lead = Agency.objects.get(name="UBND các xã, phường", unit=province)
    # Communes differ: some are ahead, some behind, a few stuck.
    pace = {c.pk: rng.choice((0.4, 0.7, 0.9, 1.0, 1.1, 1.3)) for c in communes}
    tasks = Task.objects.bulk_create(
        Task(
            programme=programme,
            unit=commune,
            group=group,
            title=title,
            expected_result=result,
            lead_agency=lead,
            accountable_person=officer,
            start_date=today + datetime.timedelta(days=start),
            deadline=today + datetime.timedelta(days=deadline),
            created_at=now + datetime.timedelta(days=start),
        )
        for commune in communes
        for group, title, result, (start, deadline) in COMMUNE_TASKS
    )
    updates = []
    for task in tasks:
        timeline = _timeline(rng, task, pace[task.unit_id], now, officer, coordinator)
        updates.extend(timeline)
        _set_current_state(task, timeline)
    ProgressUpdate.objects.bulk_create(updates, batch_size=1000)
    Task.objects.bulk_update(
        tasks,
        ["current_status", "current_percent", "current_block_reason", "awaiting_verification",
         "completion_verified", "last_update_at", "last_update_kind"],
        batch_size=500,
    )  # fmt: skip
    return len(tasks)


def _timeline(rng, task, pace, now, officer, coordinator) -> list[ProgressUpdate]:
    """Reports every two to four weeks since the start, rising with the commune's pace."""
    entries = []
    day = timezone.make_aware(datetime.datetime.combine(task.start_date, datetime.time(9)))
    percent = 0
    while True:
        day += datetime.timedelta(days=rng.randrange(14, 29))
        if day >= now:
            break
        percent = min(100, percent + int(rng.randrange(2, 12) * pace))
        if percent >= 100:
            late = timezone.localdate(day) > task.deadline
            status = TaskStatus.DONE_LATE if late else TaskStatus.DONE
            entries.append(_entry(task, officer, day, 100, status, UpdateKind.REPORT, "Đã hoàn thành, gửi báo cáo."))
            if rng.random() < 0.8:
                verified_at = day + datetime.timedelta(days=2)
                entries.append(_entry(task, coordinator, verified_at, 100, status, UpdateKind.VERIFIED, "Đã kiểm tra."))
            break
        blocked = pace < 0.5 and rng.random() < 0.3
        status = TaskStatus.BLOCKED if blocked else TaskStatus.IN_PROGRESS
        note = "Chờ hướng dẫn kết nối dữ liệu." if blocked else "Đang triển khai theo kế hoạch."
        entries.append(_entry(task, officer, day, percent, status, UpdateKind.REPORT, note, blocked))
    return entries


def _entry(task, author, at, percent, status, kind, note, blocked=False) -> ProgressUpdate:
    return ProgressUpdate(
        task=task, author=author, created_at=at, data_date=timezone.localdate(at), kind=kind, percent=percent,
        status=status, note=note,
        block_reason=BlockReason.WAITING_CENTRAL if blocked else "",
    )  # fmt: skip


def _set_current_state(task: Task, timeline: list[ProgressUpdate]) -> None:
    if not timeline:
        return
    last = timeline[-1]
    pending = last.kind == UpdateKind.REPORT and last.status in DONE_STATUSES
    task.current_status = last.status
    task.current_percent = last.percent
    task.current_block_reason = last.block_reason
    task.awaiting_verification = pending
    task.completion_verified = last.kind == UpdateKind.VERIFIED
    task.last_update_at = last.created_at
    task.last_update_kind = last.kind
