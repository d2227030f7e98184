"""The public results page ``/cong-khai/<mã tỉnh>/`` rendered uncached, on the national dataset.

Run after ``python -m bench.recompute`` has filled the database (``make bench`` does both):
    DATABASE_URL=postgres://…/portal_bench python -m bench.public_page [--renders 50]

Publishes (``PublicResults``) every programme and criteria set for Hà Nội and for the province
with the most communes; gives them a trend of eight weekly snapshots (a recompute per missing
week: about ten seconds each, once); then renders each page through the full middleware stack
in this process, one request after another, and prints the time of a render (median, p95,
best), its queries and its size, beside the machine's load average. The page is cacheable by
browsers and proxies (Cache-Control: public); this measures what the server does on a miss.
"""

import argparse
import os
import shutil
import statistics
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Requests made in this process (Django's test client) with debug off, as gunicorn is run: plain HTTP on loopback.
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# With debug off (as served) static URLs come from the manifest: collected below into a temporary folder.
OWN_STATIC_ROOT = None if "DJANGO_STATIC_ROOT" in os.environ else tempfile.mkdtemp(prefix="bench-static-")
if OWN_STATIC_ROOT is not None:
    os.environ["DJANGO_STATIC_ROOT"] = OWN_STATIC_ROOT
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from api.models import PublicResults  # noqa: E402
from api.public import TREND_POINTS, _trend_dates  # noqa: E402
from bench import dataset  # noqa: E402
from dashboards.models import CompletionSnapshot  # noqa: E402
from dashboards.services import snapshot_rebuild  # noqa: E402
from pccc.models import CriteriaSet  # noqa: E402
from provinces.choices import UnitLevel  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from tasks.models import Programme  # noqa: E402

BUDGET_MS = 50


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def provinces() -> list[AdministrativeUnit]:
    """Hà Nội and the province with the most current communes."""
    current = AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE)
    largest = current.annotate(
        communes=Count("children", filter=Q(children__valid_to__isnull=True, children__level=UnitLevel.COMMUNE))
    ).order_by("-communes", "code")[0]
    hanoi = current.get(code="01")
    return [hanoi] if largest.pk == hanoi.pk else [hanoi, largest]


def publish(province) -> None:
    opt_in, _created = PublicResults.objects.get_or_create(province=province)
    opt_in.programmes.set(Programme.objects.all())
    opt_in.criteria_sets.set(CriteriaSet.objects.all())


def ensure_trend(province) -> None:
    """Snapshots on each of the trend's weekly dates ending on the dataset's day (recomputed if missing)."""
    for day in _trend_dates(dataset.AS_OF):
        if not CompletionSnapshot.objects.filter(scope_path=province.path, date=day).exists():
            snapshot_rebuild(as_of=day)


def measure(path: str, renders: int) -> dict:
    client = Client()
    for _ in range(3):  # warm-up: templates compiled, connections open
        assert client.get(path).status_code == 200
    queries = []
    # Counted by a wrapper, not CaptureQueriesContext: that reads a log that may be full already.
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get(path)
    seconds = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    q = statistics.quantiles(seconds, n=20)
    return {"median_ms": statistics.median(seconds) * 1000, "p95_ms": q[18] * 1000, "best_ms": min(seconds) * 1000,
            "queries": len(queries), "kb": len(response.content) / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    if not Programme.objects.exists():
        raise SystemExit("no programme: run `python -m bench.recompute` first (make bench does)")
    call_command("collectstatic", interactive=False, verbosity=0)
    chosen = provinces()
    for province in chosen:
        publish(province)
        ensure_trend(province)
    print("| province | communes ranked | trend points | queries | KB | median (ms) | p95 (ms) | best (ms) "
          "| load avg. |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for province in chosen:
        communes = (
            CompletionSnapshot.objects.filter(
                date=dataset.AS_OF, scope_path__startswith=province.path, unit__level=UnitLevel.COMMUNE
            )
            .values("unit")
            .distinct()
            .count()
        )
        before = load_average()
        r = measure(f"/cong-khai/{province.code}/", args.renders)
        print(f"| {province.name} | {communes} | {TREND_POINTS} | {r['queries']} | {r['kb']:.0f} | "
              f"{r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['best_ms']:.1f} | {before} → {load_average()} |",
              flush=True)  # fmt: skip
    print(f"(budget: {BUDGET_MS} ms uncached)")


if __name__ == "__main__":
    try:
        main()
    finally:
        if OWN_STATIC_ROOT is not None:  # only the folder this run made
            shutil.rmtree(OWN_STATIC_ROOT, ignore_errors=True)
