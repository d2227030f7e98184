"""Benchmark of the task list (issue 19, "find any task"): 10,000 tasks, search, commune filter, sort, grouping.

Usage:  .venv/bin/python -m bench.task_list [--tasks 10000] [--repeat 7]

Runs against a throw-away test database (created and destroyed here, SQLite by default or the
DATABASE_URL server), so no real data is touched. For each kind of list a coordinator opens, prints
the median and the worst time of ``--repeat`` requests and the number of queries, which must not
grow with the number of tasks. Target: under 300 ms per list at 10,000 tasks.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TARGET_SECONDS = 0.3
COMMUNES = 100
TITLES = [
    "Rà soát, cập nhật dữ liệu dân cư",
    "Cấp tài khoản định danh điện tử mức 2",
    "Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Thí điểm cấp phiếu lý lịch tư pháp trên VNeID",
    "Triển khai thanh toán không dùng tiền mặt",
]

# What a coordinator opens: the whole list, a search, a commune, the most overdue, a big page, the groups.
LISTS = {
    "toàn bộ": {"scope": "unit"},
    "tìm kiếm": {"scope": "unit", "q": "ly lich tu phap"},
    "một xã": {"scope": "unit", "commune": "00042"},
    "quá hạn nhiều nhất": {"scope": "unit", "sort": "qua-han-nhieu-nhat", "overdue": "on"},
    "200 dòng, trang 20": {"scope": "unit", "per_page": "200", "trang": "20"},
    "gộp theo nhiệm vụ": {"scope": "unit", "group": "on"},
    "tìm + xã + sắp xếp": {"scope": "unit", "q": "du lieu", "commune": "00007", "sort": "qua-han-nhieu-nhat"},
}


def seed(task_count: int):
    from provinces.choices import UnitKind
    from roles.choices import Role
    from tasks.choices import AgencyKind, TaskStatus
    from tasks.models import Agency, Programme, Task
    from tests.factories import make_unit, make_user

    province = make_unit("99", "Tỉnh Thử Nghiệm")
    communes = [make_unit(f"{i:05d}", f"Xã số {i}", parent=province, kind=UnitKind.XA) for i in range(1, COMMUNES + 1)]
    user = make_user("thuongtruc.bench", unit=province, role=Role.COORDINATOR)
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=2026,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    lead = Agency.objects.create(name="Công an tỉnh", kind=AgencyKind.POLICE, unit=province)
    today = datetime.date.today()
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED]
    Task.objects.bulk_create(
        (
            Task(
                programme=programme,
                unit=communes[i % COMMUNES],
                group="dich_vu_cong",
                title=f"{TITLES[i % len(TITLES)]} đợt {i // (COMMUNES * len(TITLES))}",
                lead_agency=lead,
                accountable_person=user,
                start_date=today - datetime.timedelta(days=200),
                deadline=today + datetime.timedelta(days=(i * 7) % 180 - 90),
                current_status=statuses[i % 3],
                current_block_reason="khac" if statuses[i % 3] == TaskStatus.BLOCKED else "",
            )
            for i in range(task_count)
        ),
        batch_size=2000,
    )
    return user


def measure(client, params: dict, repeat: int) -> tuple[float, float, int, float]:
    client.get("/nhiem-vu/", params)  # warm the caches of templates and the database
    seconds, sql = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/nhiem-vu/", params)
            seconds.append(time.perf_counter() - started)
        sql.append(sum(float(query["time"]) for query in queries.captured_queries))
        assert response.status_code == 200, (params, response.status_code)
    return statistics.median(seconds), max(seconds), len(queries), statistics.median(sql)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    # Not setup_test_environment(): it instruments every template render, which a server does not do.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failed = False
    try:
        user = seed(args.tasks)
        client = Client(secure=True)  # the production profile redirects plain HTTP
        client.force_login(user)
        print(f"Task list, {args.tasks:,} tasks in {COMMUNES} communes, {connection.vendor}:")
        for name, params in LISTS.items():
            median, worst, queries, sql = measure(client, params, args.repeat)
            slow = median > TARGET_SECONDS
            failed |= slow
            flag = "  ← over 300 ms" if slow else ""
            timing = f"median {median * 1000:6.0f} ms  worst {worst * 1000:6.0f} ms"
            print(f"  {name:<22} {timing}  {queries:2d} queries ({sql * 1000:4.0f} ms in SQL){flag}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
