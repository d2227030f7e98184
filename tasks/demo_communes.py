"""Demo tasks for every commune of a province, so that rankings and maps have something to show.

Hundreds of tasks with their timelines, written through the services' bulk paths
(``tasks_bulk_save`` with history, ``progress_history_bulk_load`` taking each task's state from
its last entry): a few statements, not one report at a time, which would make `make demo` slow.
"""

import datetime
import random

from django.utils import timezone

from provinces.models import AdministrativeUnit

from .choices import BlockReason, TaskGroup, TaskStatus, UpdateKind
from .models import Agency, ProgressUpdate, Task
from .services import progress_history_bulk_load, tasks_bulk_save

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
    new = [
        (
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
            ),
            [],
        )
        for commune in communes
        for group, title, result, (start, deadline) in COMMUNE_TASKS
    ]
    tasks, _changed = tasks_bulk_save(actor=coordinator, new=new, changed=[], changed_fields=[], backdated=True)
    timelines = [(task, _timeline(rng, task, pace[task.unit_id], now, officer, coordinator)) for task in tasks]
    progress_history_bulk_load(actor=coordinator, timelines=timelines)
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
