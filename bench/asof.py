"""`make bench`: figures as of a past day on three years of daily snapshots (issue 15, Performance).

The national dataset of bench/dataset.py (scale 1) is computed for its day (AS_OF), then three years
of daily snapshots before it are written in SQL (INSERT … SELECT over generate_series, not row by
row): every scope's row of AS_OF, repeated for each earlier day with its completion ramped down, for
the tasks (CompletionSnapshot) and for PCCC (PcccSnapshot), about 7 million rows. Then:

- the dashboard of a past day (?ngay=), national and for a province, rendered from scratch (the
  cache emptied before each request, so neither the page cache nor the shared live figures help),
  its query count, and EXPLAIN ANALYZE of the snapshot reads it makes;
- the backfill of one past day (``snapshot_rebuild`` for it, as `recompute_progress --date` runs it)
  against today's run (``snapshot_rebuild`` for AS_OF), both with the history in place.

Usage (PostgreSQL; the database is emptied and refilled unless --reuse finds the history there):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench python -m bench.asof [--years 3]

Prints Markdown tables to paste into docs/benchmarks.md, with the machine's load (uptime).
"""

import argparse
import datetime
import gc
import io
import os
import platform
import statistics
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Debug off, as in production: pages need the hashed static files' manifest (collected in main()).
os.environ.setdefault("DJANGO_STATIC_ROOT", tempfile.mkdtemp(prefix="bench-asof-static-"))
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import dataset  # noqa: E402
from dashboards.models import CompletionSnapshot, PcccSnapshot  # noqa: E402
from dashboards.services import snapshot_rebuild  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from tasks.models import Programme  # noqa: E402

# The past day shown on the dashboards, and the day backfilled: in the dataset's year, with tasks.
PAST_DAY = datetime.date(dataset.YEAR, 9, 15)
BACKFILL_DAY = datetime.date(dataset.YEAR, 10, 20)
TARGET_MS = 100


def load() -> str:
    """The machine's load average (1, 5, 15 minutes), as `uptime` prints it."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


# --- Data -------------------------------------------------------------------------------------


def build(years: int) -> dict:
    """The national dataset at scale 1, its day computed, then ``years`` of daily history before it."""
    call_command("migrate", verbosity=0)
    call_command("load_units", legacy=True, verbosity=0)
    dataset.reset()
    gen_seconds, sizes = timed(dataset.generate, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    snapshot_rebuild(as_of=dataset.AS_OF)
    history_seconds = fill_history(years)
    return {**sizes, "generate_s": gen_seconds, "history_s": history_seconds}


def fill_history(years: int) -> float:
    """Every scope's AS_OF row, once per day of the ``years`` before AS_OF, in two INSERT … SELECT.

    The completion falls linearly to zero at the first day, so that trends and changes have figures
    that move; counts and PCCC figures are those of AS_OF (their size is what matters here).
    """
    first = dataset.AS_OF - datetime.timedelta(days=365 * years)
    last = dataset.AS_OF - datetime.timedelta(days=1)
    span = (dataset.AS_OF - first).days
    task_counts = (
        "tasks_total, tasks_done, tasks_done_late, tasks_in_progress, tasks_not_started, tasks_blocked, "
        "tasks_overdue, tasks_awaiting_verification, tasks_started"
    )
    pccc_columns = (
        "period, period_earliest, criteria_met, criteria_assessed, units_passing, units_assessed, units_total, "
        "criteria, levels"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO dashboards_completionsnapshot
                (programme_id, unit_id, scope_path, date, weighted_completion, completion, {task_counts},
                 reasons, computed_at)
            SELECT s.programme_id, s.unit_id, s.scope_path, d.day::date,
                   round(s.weighted_completion * (%(span)s - (%(as_of)s::date - d.day::date)) / %(span)s, 2),
                   round(s.completion * (%(span)s - (%(as_of)s::date - d.day::date)) / %(span)s, 2),
                   {task_counts}, s.reasons, s.computed_at
            FROM dashboards_completionsnapshot s
            CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
            WHERE s.date = %(as_of)s
            ORDER BY d.day, s.scope_path
            """,
            {"as_of": dataset.AS_OF, "first": first, "last": last, "span": span},
        )
        cursor.execute(
            f"""
            INSERT INTO dashboards_pcccsnapshot
                (criteria_set_id, unit_id, scope_path, date, {pccc_columns}, computed_at)
            SELECT s.criteria_set_id, s.unit_id, s.scope_path, d.day::date, {pccc_columns}, s.computed_at
            FROM dashboards_pcccsnapshot s
            CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
            WHERE s.date = %(as_of)s
            ORDER BY d.day, s.scope_path
            """,
            {"as_of": dataset.AS_OF, "first": first, "last": last},
        )
        cursor.execute("VACUUM ANALYZE dashboards_completionsnapshot")
        cursor.execute("VACUUM ANALYZE dashboards_pcccsnapshot")
    return time.perf_counter() - started


def history_present(years: int) -> bool:
    first = dataset.AS_OF - datetime.timedelta(days=365 * years)
    return (
        CompletionSnapshot.objects.filter(date=first).exists()
        and CompletionSnapshot.objects.filter(date=dataset.AS_OF).exists()
    )


def row_counts() -> tuple[int, int, int]:
    """(completion rows, PCCC rows, days) from the planner's statistics (a count(*) would take seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN (%s, %s)",
            [CompletionSnapshot._meta.db_table, PcccSnapshot._meta.db_table],
        )
        tuples = dict(cursor.fetchall())
    days = CompletionSnapshot.objects.filter(scope_path="/").count()
    return tuples[CompletionSnapshot._meta.db_table], tuples[PcccSnapshot._meta.db_table], days


# --- Dashboards of a past day -------------------------------------------------------------------


def leader_client(username: str, unit) -> Client:
    """A leader's logged-in session past two-factor, as after a real login (bench.dashboards_load)."""
    from django.conf import settings

    from bench.dashboards_load import session_cookie

    client = Client()
    _name, key = session_cookie(username, unit).split("=", 1)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def render_from_scratch(client: Client, path: str, day: datetime.date, repeat: int, *, shared_warm: bool) -> dict:
    """``repeat`` requests of the page for ``day``, the cache emptied before each: no page cache, and,
    unless ``shared_warm``, none of the figures shared between viewers either ("Thay đổi từ ngày …",
    kept until the next run; the criteria). With ``shared_warm`` another sorting of the page is opened
    first: it fills the shared figures but not this page's cache, as for the second viewer of the day.
    Returns (median, p95, max) in ms, the queries of the page and their SQL."""
    timings, cpu = [], []
    captured = None
    for n in range(repeat + 1):
        cache.clear()
        if shared_warm:
            client.get(path, {"ngay": f"{day:%d/%m/%Y}", "sap_xep": "ten"})
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path, {"ngay": f"{day:%d/%m/%Y}"})
            elapsed = (time.perf_counter() - started) * 1000
            # The CPU this process spent (Python, templates), which the load inflates far less than the wall clock.
            cpu_ms = (time.process_time() - cpu_started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        assert b"headline-completion" in response.content, path
        if n == 0:
            captured = queries.captured_queries  # the first request warms the process; not counted
            continue
        timings.append(elapsed)
        cpu.append(cpu_ms)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, round(len(timings) * 0.95) - 1)],
        "max_ms": timings[-1],
        "cpu_ms": statistics.median(cpu),
        "queries": len(captured),
        "sql": captured,
    }


def explain(sql: str) -> tuple[float, str]:
    """(execution ms, plan text) of EXPLAIN (ANALYZE, BUFFERS) for one captured statement."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
    execution = next(float(line.split(":")[1].split()[0]) for line in plan if line.startswith("Execution Time"))
    return execution, "\n".join(plan)


def snapshot_reads(captured: list[dict]) -> list[dict]:
    return [q for q in captured if "snapshot" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]


def dashboards(repeat: int, show_plans: bool) -> list[dict]:
    programme = Programme.objects.order_by("pk").first()
    hanoi = AdministrativeUnit.objects.current().get(code="01")
    pages = [
        ("national", reverse("dashboards:unit_dashboard", args=[programme.pk, "toan-quoc"]), None, "bench.national"),
        ("Hà Nội", reverse("dashboards:unit_dashboard", args=[programme.pk, "01"]), hanoi, "bench.hanoi"),
    ]
    lines = []
    for name, path, unit, username in pages:
        client = leader_client(username, unit)
        for day, shared_warm in (
            (PAST_DAY, False),
            (PAST_DAY, True),
            (dataset.AS_OF - datetime.timedelta(days=365 * 2), False),
        ):
            result = render_from_scratch(client, path, day, repeat, shared_warm=shared_warm)
            reads = []
            for query in snapshot_reads(result["sql"]):
                ms, plan = explain(query["sql"])
                reads.append((ms, query["sql"], plan))
            line = {
                "page": name,
                "day": day,
                "cache": "shared figures warm" if shared_warm else "empty",
                "load": load(),
            }
            line.update({k: v for k, v in result.items() if k != "sql"})
            line["snapshot_sql_ms"] = sum(ms for ms, _sql, _plan in reads)
            line["slowest"] = sorted(result["sql"], key=lambda q: -float(q["time"]))[:3]
            lines.append(line)
            print({k: v for k, v in line.items() if k != "slowest"}, flush=True)
            for query in line["slowest"]:
                print(f"   {float(query['time']) * 1000:.1f} ms  {query['sql'][:160]}", flush=True)
            if show_plans:
                for ms, sql, plan in reads:
                    print(f"--- {ms:.2f} ms: {sql[:200]}\n{plan}\n", flush=True)
    return lines


# --- Backfill of one past day against today's run ----------------------------------------------


def backfill(repeat: int) -> dict:
    """``recompute_progress --date`` for BACKFILL_DAY and for AS_OF (today's run), alternated."""
    today_runs, past_runs = [], []
    call_command("recompute_progress", date=dataset.AS_OF.isoformat(), verbosity=0)  # warm-up
    for _ in range(repeat):
        for day, runs in ((dataset.AS_OF, today_runs), (BACKFILL_DAY, past_runs)):
            with CaptureQueriesContext(connection) as queries:
                seconds, _ = timed(
                    call_command, "recompute_progress", date=day.isoformat(), verbosity=0, stdout=io.StringIO()
                )
            sql_seconds = sum(float(q["time"]) for q in queries.captured_queries)
            runs.append((seconds, len(queries.captured_queries), sql_seconds))
    rows = {
        "today": CompletionSnapshot.objects.filter(date=dataset.AS_OF).count()
        + PcccSnapshot.objects.filter(date=dataset.AS_OF).count(),
        "past": CompletionSnapshot.objects.filter(date=BACKFILL_DAY).count()
        + PcccSnapshot.objects.filter(date=BACKFILL_DAY).count(),
    }
    return {
        "today_s": statistics.median(s for s, _n, _sql in today_runs),
        "past_s": statistics.median(s for s, _n, _sql in past_runs),
        "today_min": min(s for s, _n, _sql in today_runs),
        "past_min": min(s for s, _n, _sql in past_runs),
        "today_sql": statistics.median(sql for _s, _n, sql in today_runs),
        "past_sql": statistics.median(sql for _s, _n, sql in past_runs),
        "today_all": [round(s, 2) for s, _n, _sql in today_runs],
        "past_all": [round(s, 2) for s, _n, _sql in past_runs],
        "today_statements": today_runs[0][1],
        "past_statements": past_runs[0][1],
        "rows": rows,
        "load": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page and day")
    parser.add_argument("--backfill-repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the data when the history is there")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE of every snapshot read")
    parser.add_argument("--skip-backfill", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench runs on PostgreSQL: set DATABASE_URL (see docs/benchmarks.md)")
    built = {}
    if args.reuse and history_present(args.years):
        call_command("migrate", verbosity=0)
    else:
        built = build(args.years)
        print(built, flush=True)
    completion_rows, pccc_rows, days = row_counts()
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"PostgreSQL {connection.pg_version // 10000}; snapshots: {completion_rows:,} completion + "
        f"{pccc_rows:,} PCCC = {completion_rows + pccc_rows:,} rows over {days:,} days"
        + (f"; history written in {built['history_s']:.0f} s" if built else ""),
        flush=True,
    )
    call_command("collectstatic", interactive=False, verbosity=0)
    # As portal/wsgi.py does in each gunicorn worker once the portal is loaded: what exists now is not
    # scanned again by the collector during the requests measured.
    gc.collect()
    gc.freeze()
    pages = dashboards(args.repeat, args.plans)
    fill = None if args.skip_backfill else backfill(args.backfill_repeat)

    print()
    print(
        f"| page | day shown | cache | load (uptime) | median (ms) | p95 (ms) | max (ms) | "
        "process CPU, median (ms) | queries | snapshot reads, "
        f"EXPLAIN ANALYZE (ms) | under {TARGET_MS} ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for x in pages:
        print(
            f"| {x['page']} | {x['day']:%d/%m/%Y} | {x['cache']} | {x['load']} | {x['median_ms']:.0f} | "
            f"{x['p95_ms']:.0f} | {x['max_ms']:.0f} | {x['cpu_ms']:.0f} | {x['queries']} | "
            f"{x['snapshot_sql_ms']:.1f} | "
            f"{'yes' if x['p95_ms'] < TARGET_MS else 'no'} |"
        )
    if fill:
        print()
        print(
            "| run | load (uptime) | seconds (median) | fastest (s) | SQL time, median (s) | runs (s) | "
            "SQL statements | rows of the day |"
        )
        print("|---|---|---|---|---|---|---|---|")
        print(
            f"| today ({dataset.AS_OF:%d/%m/%Y}) | {fill['load']} | {fill['today_s']:.2f} | {fill['today_min']:.2f} | "
            f"{fill['today_sql']:.2f} | {fill['today_all']} | "
            f"{fill['today_statements']} | {fill['rows']['today']:,} |"
        )
        print(
            f"| backfill {BACKFILL_DAY:%d/%m/%Y} | {fill['load']} | {fill['past_s']:.2f} | {fill['past_min']:.2f} | "
            f"{fill['past_sql']:.2f} | {fill['past_all']} | "
            f"{fill['past_statements']} | {fill['rows']['past']:,} |"
        )
        print(
            f"\nBackfill / today: median {fill['past_s'] / fill['today_s']:.2f}, fastest "
            f"{fill['past_min'] / fill['today_min']:.2f}, SQL {fill['past_sql'] / fill['today_sql']:.2f}"
        )


if __name__ == "__main__":
    main()
