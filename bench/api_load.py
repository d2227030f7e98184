"""Read API latency: the commune snapshot list (3,321 rows, one page) at 20 concurrent clients.

Gunicorn (debug off) on the benchmark database, closed-loop clients on loopback, each with its own
keep-alive connection and a national token. Needs the real units (``load_units``); adds one
programme's snapshots for every current commune on the benchmark date if they are not there:
    DATABASE_URL=postgres://…/portal_bench python -m bench.api_load [--clients 20 --seconds 20]
It also prints the number of queries of one call (fixed, whatever the number of rows). Answers
are cached per snapshot generation: set DJANGO_CACHE_URL=redis://… as in production, so that the
gunicorn workers share them (with the in-process cache each worker computes its own).
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.services import api_token_issue  # noqa: E402
from bench.dashboards_load import PORT, start_gunicorn  # noqa: E402
from dashboards.models import CompletionSnapshot  # noqa: E402
from dashboards.services import GENERATION_KEY, snapshots_generation  # noqa: E402
from provinces.choices import UnitLevel  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from tasks.models import Programme  # noqa: E402

AS_OF = datetime.date(2026, 11, 28)
PROGRAMME_NAME = "Đề án 06 (số liệu đo API)"


def prepare() -> tuple[str, int]:
    """The path to load and the number of commune rows it answers; snapshots written if missing."""
    communes = list(AdministrativeUnit.objects.current().filter(level=UnitLevel.COMMUNE).only("pk", "path"))
    if not communes:
        sys.exit("no units: run `python manage.py load_units` first")
    programme, _ = Programme.objects.get_or_create(
        name=PROGRAMME_NAME,
        defaults={"document_number": "06/QĐ-TTg", "issuing_body": "benchmark", "year": 2026,
                  "start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2026, 12, 31)},
    )  # fmt: skip
    existing = set(
        CompletionSnapshot.objects.filter(programme=programme, date=AS_OF).values_list("scope_path", flat=True)
    )
    now = timezone.now()
    CompletionSnapshot.objects.bulk_create(
        [
            CompletionSnapshot(
                programme=programme,
                unit_id=unit.pk,
                scope_path=unit.path,
                date=AS_OF,
                weighted_completion=Decimal(i % 100),
                completion=Decimal(i % 100),
                tasks_total=15,
                tasks_done=i % 15,
                tasks_done_late=0,
                tasks_in_progress=15 - i % 15,
                tasks_not_started=0,
                tasks_blocked=0,
                tasks_overdue=0,
                tasks_awaiting_verification=0,
                computed_at=now,
            )
            for i, unit in enumerate(communes)
            if unit.path not in existing
        ],
        batch_size=500,
    )
    # As after a nightly run: the generation the cached answers are keyed on (shared through Redis).
    if snapshots_generation() is None:
        cache.set(GENERATION_KEY, now.isoformat(), None)
    path = f"/api/v1/snapshots/?programme={programme.pk}&level=3&date={AS_OF.isoformat()}&page_size=5000"
    return path, len(communes)


def queries_of_one_call(path: str, secret: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


def closed_loop(path: str, secret: str, clients: int, seconds: int, expected_rows: int) -> dict:
    """``clients`` threads, each sending the next request as soon as the last one answered."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {secret}", "Host": "127.0.0.1"}

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            ok = response.status == 200 and len(json.loads(body)["results"]) == expected_rows
            with lock:
                latencies.append(elapsed)
                errors += not ok
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "rps": len(latencies) / seconds, "p50_ms": q[49], "p95_ms": q[94],
            "p99_ms": q[98], "errors": errors}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    path, rows = prepare()
    # A rate far above the load: the limit is tested in tests/api, not here.
    os.environ.setdefault("DJANGO_API_TOKEN_RATE", "1000000/min")
    _token, secret = api_token_issue(
        name="benchmark", unit=None, expires_at=timezone.now() + datetime.timedelta(hours=2)
    )
    print(f"{rows} commune rows per call, {queries_of_one_call(path, secret)} queries per call ({connection.vendor})")
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    server = start_gunicorn(static_root)
    try:
        closed_loop(path, secret, args.clients, 3, rows)  # warm-up
        r = closed_loop(path, secret, args.clients, args.seconds, rows)
        print("| endpoint | clients | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
        print("|---|---|---|---|---|---|---|")
        print(f"| commune snapshots ({rows}) | {args.clients} | {r['rps']:.1f} | {r['p50_ms']:.0f} | "
              f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']:.0f} |")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
