"""`make bench`: the nightly recompute on a national-scale dataset, against a naive loop.

Usage (PostgreSQL; the database is emptied and refilled):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench python -m bench.recompute [--scales 1,2,4]

Prints a Markdown table to paste into docs/benchmarks.md.
"""

import argparse
import os
import platform
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import dataset  # noqa: E402
from bench.naive_recompute import naive_completion, naive_pccc_passing  # noqa: E402
from dashboards.models import CompletionSnapshot, PcccSnapshot  # noqa: E402
from dashboards.pccc_figures import latest_month_per_set  # noqa: E402
from dashboards.services import end_of_day, snapshot_rebuild  # noqa: E402


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def recompute_in_subprocess() -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `manage.py recompute_progress` in a fresh process, as a worker runs it."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.peak_rss", "recompute_progress", "--date", dataset.AS_OF.isoformat()],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    elapsed = time.perf_counter() - started
    return elapsed, float(out.rsplit("PEAK_RSS_MB", 1)[1])


def check_naive_matches(naive: dict) -> None:
    rows = {(s.programme_id, s.scope_path): s for s in CompletionSnapshot.objects.filter(date=dataset.AS_OF)}
    assert set(rows) == set(naive), "set-based and naive recompute disagree on which scopes have tasks"
    for key, figures in naive.items():
        row = rows[key]
        assert (row.tasks_total, row.tasks_done, row.tasks_not_started, row.tasks_overdue) == (
            figures["total"], figures["done"], figures["not_started"], figures["overdue"],
        ), key  # fmt: skip
        assert row.weighted_completion == figures["weighted_completion"], key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,2,4")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench runs on PostgreSQL: set DATABASE_URL (see docs/benchmarks.md)")

    call_command("migrate", verbosity=0)
    # As in production (bin/release): the pre-reform units and the crosswalk are in the tables too.
    call_command("load_units", legacy=True, verbosity=0)
    cutoff = end_of_day(dataset.AS_OF)
    lines = []
    # Largest first, so the database ends at scale 1 for the naive loop and the dashboard load test.
    for scale in sorted((int(s) for s in args.scales.split(",")), reverse=True):
        dataset.reset()
        gen_seconds, sizes = timed(dataset.generate, scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # Warm the cache once, then measure.
        snapshot_rebuild(as_of=dataset.AS_OF)
        with CaptureQueriesContext(connection) as queries:
            seconds, result = timed(snapshot_rebuild, as_of=dataset.AS_OF)
        statements = len([q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])
        sub_seconds, peak_mb = recompute_in_subprocess()
        line = {
            "scale": scale, **sizes, "generate_s": gen_seconds, "recompute_s": seconds, "statements": statements,
            "rows": result.rows_written, "process_s": sub_seconds, "peak_mb": peak_mb,
        }  # fmt: skip
        if scale == 1 and not args.skip_naive:
            reset_queries()
            naive_seconds, naive = timed(naive_completion, as_of=dataset.AS_OF, cutoff=cutoff)
            pccc_seconds, passing = timed(naive_pccc_passing, periods=latest_month_per_set(dataset.AS_OF))
            check_naive_matches(naive)
            for province, count in passing.items():
                assert PcccSnapshot.objects.get(date=dataset.AS_OF, scope_path=province).units_passing == count
            line.update(naive_s=naive_seconds + pccc_seconds, ratio=(naive_seconds + pccc_seconds) / seconds)
        lines.append(line)
        print(line, flush=True)

    print()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"PostgreSQL {connection.pg_version // 10000}")  # fmt: skip
    print()
    print("| scale | tasks | updates | assessments | recompute (s) | SQL statements | rows written | "
          "process incl. start (s) | peak RSS (MB) | naive loop (s) | naive / set-based |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for x in sorted(lines, key=lambda x: x["scale"]):
        naive = f"{x['naive_s']:.1f} | {x['ratio']:.0f}×" if "naive_s" in x else "– | –"
        print(
            f"| {x['scale']}× | {x['tasks']:,} | {x['updates']:,} | {x['assessments']:,} | {x['recompute_s']:.2f} | "
            f"{x['statements']} | {x['rows']:,} | {x['process_s']:.2f} | {x['peak_mb']:.0f} | {naive} |"
        )
    base = next((x["recompute_s"] for x in lines if x["scale"] == 1), lines[-1]["recompute_s"])
    print()
    by_scale = sorted(lines, key=lambda x: x["scale"])
    growth = ", ".join(f"{x['scale']}× → {x['recompute_s'] / base:.2f}" for x in by_scale)
    print("Recompute time against scale 1: " + growth)


if __name__ == "__main__":
    main()
