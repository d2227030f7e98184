"""Benchmark of the exports app: import of 5,000 task rows, export of 50,000 tasks (streamed).

Usage:  .venv/bin/python -m bench.exports [--import-rows 5000] [--export-rows 50000]

Runs against a throw-away test database (created and destroyed here, SQLite by default or
the DATABASE_URL server), so no real data is touched. Prints seconds and the growth of
the process's memory (RSS, sampled) during each step. Targets: import < 10 s; the
export's memory stays flat as rows grow (write-only workbook, streamed file).
"""

import argparse
import datetime
import io
import os
import resource
import sys
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

GROUP = "Phục vụ phát triển công dân số"


def build_file(rows: int) -> bytes:
    from exports.task_import import ALL_COLUMNS

    # Not write-only: like a file saved by Excel, the sheet then states its size (<dimension>);
    # without it openpyxl's reader parses the whole sheet once more just to measure it.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append([str(c) for c in ALL_COLUMNS])
    for i in range(rows):
        sheet.append(
            [
                f"Nhiệm vụ nhập {i}",
                GROUP,
                f"{1 + i % 100:05d}",
                "Công an tỉnh",
                "Sở Tư pháp",
                "",
                datetime.datetime(2026, 1, 1),
                datetime.datetime(2026, 12, 31),
                1,
                "Nội dung",
                "Kết quả",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def with_peak_rss(fn):
    """(result, seconds, peak RSS growth in MB while ``fn`` ran), sampled every 20 ms."""
    start, peak, done = rss_mb(), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb() - start)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return result, seconds, max(peak[0], rss_mb() - start)


def seed(export_rows: int):
    from provinces.choices import UnitKind
    from roles.choices import Role
    from tasks.choices import AgencyKind
    from tasks.models import Agency, Programme, Task
    from tests.factories import make_unit, make_user

    province = make_unit("99", "Tỉnh Thử Nghiệm")
    for i in range(1, 101):
        make_unit(f"{i:05d}", f"Xã số {i}", parent=province, kind=UnitKind.XA)
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
    Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=province)
    Task.objects.bulk_create(
        (
            Task(
                programme=programme,
                unit=province,
                group="dich_vu_cong",
                title=f"Nhiệm vụ có sẵn {i}",
                lead_agency=lead,
                start_date=datetime.date(2026, 1, 1),
                deadline=datetime.date(2026, 12, 31),
            )
            for i in range(export_rows)
        ),
        batch_size=2000,
    )
    return user, programme, province


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--export-rows", type=int, default=50000)
    args = parser.parse_args()
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from exports.services import task_import_confirm
        from exports.task_import import column_names, plan_task_import, planned_actions
        from exports.uploads import read_table

        user, programme, province = seed(args.export_rows)
        client = Client()
        client.force_login(user)

        def do_export():
            response = client.get("/xuat-nhap/nhiem-vu.xlsx?scope=unit")
            return sum(len(chunk) for chunk in response.streaming_content)

        size, export_seconds, export_rss = with_peak_rss(do_export)
        print(
            f"export {args.export_rows} rows: {export_seconds:.2f} s, {size / 1024 / 1024:.1f} MB .xlsx, "
            f"peak RSS growth {export_rss:.1f} MB"
        )

        data = build_file(args.import_rows)
        required, optional = column_names()

        def do_import():
            """As the pages do it: read and check the file (preview), then read it again, check under lock, write."""
            started = time.perf_counter()
            table = read_table(data, required=required, optional=optional)
            plan = plan_task_import(actor=user, programme=programme, unit=province, table=table)
            assert not plan.errors, plan.errors[:3]
            preview_seconds = time.perf_counter() - started
            table = read_table(data, required=required, optional=optional)
            created = task_import_confirm(
                actor=user, programme=programme, unit=province, table=table, planned=planned_actions(plan)
            )
            return created, preview_seconds

        (created, preview_seconds), import_seconds, import_rss = with_peak_rss(do_import)
        print(
            f"import {args.import_rows} rows ({len(data) / 1024:.0f} KB): {import_seconds:.2f} s "
            f"(preview {preview_seconds:.2f} s, confirm {import_seconds - preview_seconds:.2f} s), "
            f"created/changed {created}, peak RSS growth {import_rss:.1f} MB"
        )
        print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        ok = import_seconds < 10
        print("OK" if ok else "SLOW: import over 10 s")
        return 0 if ok else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
