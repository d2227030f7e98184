"""Benchmark of the daily reminder job (notifications): 50,000 tasks, dry run.

Usage:  .venv/bin/python -m bench.reminders [--tasks 50000] [--scales 1,2]

Runs against a throw-away test database (created and destroyed here, SQLite by default or the
DATABASE_URL server). Builds 34 provinces × 100 communes, their officers, coordinators and
leaders, and ``tasks`` tasks whose deadlines and yesterday's reports hit every event; then times
``reminders_run(dry_run=True)`` and counts its queries. Targets: under 30 s at 50,000 tasks, and
the same number of queries at every scale (the events are computed in a fixed number of queries).
"""

import argparse
import datetime
import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

DAY = datetime.date(2026, 11, 28)


def seed_people():
    from django.contrib.auth.models import Group

    from portal.models import User
    from provinces.choices import UnitKind, UnitLevel
    from provinces.models import AdministrativeUnit
    from roles.choices import Role
    from tasks.choices import AgencyKind
    from tasks.models import Agency, Programme

    provinces = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"{p:02d}", name=f"Tỉnh {p}", kind=UnitKind.TINH, level=UnitLevel.PROVINCE,
                           path=f"/{p:02d}/")
        for p in range(1, 35)
    )  # fmt: skip
    provinces = list(AdministrativeUnit.objects.order_by("code"))
    communes = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"{p.code}{c:03d}", name=f"Xã {c} tỉnh {p.code}", kind=UnitKind.XA,
                           level=UnitLevel.COMMUNE, parent=p, path=f"{p.path}{p.code}{c:03d}/")
        for p in provinces
        for c in range(100)
    )  # fmt: skip
    communes = list(AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).order_by("code"))
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role}
    users = User.objects.bulk_create(
        [User(username=f"canbo.{u.code}", unit=u, email=f"canbo.{u.code}@example.gov.vn") for u in communes]
        + [User(username=f"thuongtruc.{p.code}", unit=p, email=f"tt.{p.code}@example.gov.vn") for p in provinces]
        + [User(username=f"lanhdao.{p.code}", unit=p, email=f"ld.{p.code}@example.gov.vn") for p in provinces]
        + [User(username="lanhdao.tw", email="ld.tw@example.gov.vn")]
    )
    users = {u.username: u for u in User.objects.all()}
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=users[f"canbo.{u.code}"].pk, group_id=groups[Role.OFFICER].pk) for u in communes]
        + [through(user_id=users[f"thuongtruc.{p.code}"].pk, group_id=groups[Role.COORDINATOR].pk) for p in provinces]
        + [through(user_id=users[f"lanhdao.{p.code}"].pk, group_id=groups[Role.LEADER].pk) for p in provinces]
        + [through(user_id=users["lanhdao.tw"].pk, group_id=groups[Role.LEADER].pk)]
    )
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=2026,
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2027, 12, 31),
    )  # fmt: skip
    agencies = {
        p.pk: Agency.objects.create(name=f"Công an tỉnh {p.code}", kind=AgencyKind.POLICE, unit=p) for p in provinces
    }
    return programme, communes, agencies, users


def seed_tasks(count: int, programme, communes, agencies, users, rng: random.Random) -> None:
    """Deadlines spread over ±60 days of DAY; a tenth of the tasks reported yesterday (blocked or done)."""
    from tasks.choices import TaskStatus
    from tasks.models import ProgressUpdate, Task

    author = users["lanhdao.tw"]
    yesterday = timezone.make_aware(datetime.datetime.combine(DAY - datetime.timedelta(days=1), datetime.time(10)))
    tasks = []
    for i in range(count):
        unit = rng.choice(communes)
        deadline = DAY + datetime.timedelta(days=rng.randrange(-60, 61))
        tasks.append(Task(
            programme=programme, unit=unit, group="dich_vu_cong", title=f"Nhiệm vụ {i}",
            lead_agency=agencies[unit.parent_id], accountable_person=users[f"canbo.{unit.code}"],
            start_date=deadline - datetime.timedelta(days=200), deadline=deadline,
        ))  # fmt: skip
    Task.objects.bulk_create(tasks, batch_size=5000)
    reported = [t for t in Task.objects.filter(programme=programme).only("pk") if rng.random() < 0.1]
    updates, blocked, awaiting = [], [], []
    for task in reported:
        status = TaskStatus.BLOCKED if rng.random() < 0.5 else TaskStatus.DONE
        is_blocked = status == TaskStatus.BLOCKED
        updates.append(ProgressUpdate(
            task_id=task.pk, author=author, created_at=yesterday, status=status,
            percent=50 if is_blocked else 100, block_reason="kinh_phi" if is_blocked else "",
        ))  # fmt: skip
        (blocked if status == TaskStatus.BLOCKED else awaiting).append(task.pk)
    ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
    Task.objects.filter(pk__in=blocked).update(
        current_status=TaskStatus.BLOCKED, current_block_reason="kinh_phi", last_update_at=yesterday
    )
    Task.objects.filter(pk__in=awaiting).update(
        current_status=TaskStatus.DONE, current_percent=100, awaiting_verification=True, last_update_at=yesterday,
        last_update_kind="bao_cao",
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--scales", default="1,2")
    args = parser.parse_args()
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from notifications.services import reminders_run

        rng = random.Random(17)
        programme, communes, agencies, users = seed_people()
        seeded = 0
        results = []
        for scale in (int(s) for s in args.scales.split(",")):
            seed_tasks(args.tasks * scale - seeded, programme, communes, agencies, users, rng)
            seeded = args.tasks * scale
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                run, planned = reminders_run(day=DAY, dry_run=True, triggered_by="bench")
                seconds = time.perf_counter() - started
            results.append((seeded, seconds, len(queries), len(planned)))
            print(f"{seeded:>7,} tasks: dry run {seconds:5.1f} s, {len(queries)} queries, "
                  f"{len(planned):,} notifications planned {run.counts}")  # fmt: skip
        query_counts = {q for _tasks, _s, q, _n in results}
        ok = all(s < 30 for _t, s, _q, _n in results) and len(query_counts) == 1
        print("OK: under 30 s, the same queries at every scale" if ok else "FAILED: see the figures above")
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    raise SystemExit(main())
