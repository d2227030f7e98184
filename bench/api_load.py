"""Read API latency: the commune snapshot list (3,321 rows, one page) at 20 concurrent clients.

Gunicorn (debug off) on the benchmark database, closed-loop clients on loopback, each with its own
keep-alive connection and a national token. Needs the real units (``load_units``); adds one
programme's snapshots for every current commune on the benchmark date if they are not there:
    DATABASE_URL=postgres://…/portal_bench python -m bench.api_load [--clients 20 --seconds 20]
It also prints the queries of one call (fixed, whatever the number of rows) and the time of a
call just after a recompute. Answers are kept per snapshot generation (api/answers.py): set
DJANGO_CACHE_URL=redis://… as in production, so that the gunicorn workers share them. Each
figure is printed beside the machine's load average: on a shared machine they move with it.
Two loads: clients that take gzip (python-requests, curl --compressed) and clients that do not.
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
import zlib
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Requests made in this process (Django's test client) with debug off, as gunicorn is run: plain HTTP on loopback.
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.services import api_token_issue  # noqa: E402
from bench.dashboards_load import start_gunicorn  # noqa: E402
from dashboards.models import CompletionSnapshot  # noqa: E402
from dashboards.services import GENERATION_KEY, snapshots_generation  # noqa: E402
from provinces.choices import UnitLevel  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from tasks.models import Programme  # noqa: E402

AS_OF = datetime.date(2026, 11, 28)
PROGRAMME_NAME = "Đề án 06 (số liệu đo API)"
# Its own port, apart from the dashboards' bench and from a developer's server on 8000.
PORT = int(os.environ.get("BENCH_API_PORT", "8731"))


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


def queries_of_one_call(path: str, secret: str) -> tuple[int, int]:
    """Queries of a call that computes the answer (just after a recompute) and of one that reuses it."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get("/api/v1/programmes/")  # the token's use time is written once a minute: not counted
    cache.set(GENERATION_KEY, timezone.now().isoformat(), None)
    counts = []

    def counted(execute, sql, *args):
        counts[-1] += 1
        return execute(sql, *args)

    for _ in range(2):
        counts.append(0)
        # Counted by a wrapper, not CaptureQueriesContext: that reads a log that may be full already.
        with connection.execute_wrapper(counted):
            response = client.get(path)
        assert response.status_code == 200, response.content[:300]
    return counts[0], counts[1]


def uncached_call_ms(path: str, secret: str, times: int = 5) -> float:
    """Median time of one call in this process right after a recompute (a new generation: nothing kept)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    seconds = []
    for _ in range(times):
        cache.set(GENERATION_KEY, timezone.now().isoformat(), None)
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(seconds) * 1000


def load_average() -> str:
    """The machine's 1-minute load average (it is shared: every figure is printed beside it)."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def closed_loop(path: str, secret: str, clients: int, seconds: int, expected_rows: int, *, gzip: bool) -> dict:
    """``clients`` threads, each sending the next request as soon as the last one answered.

    The first answer of each client is parsed and its rows counted; the later ones must have the
    same status and length (parsing 1 MB of JSON per answer in these threads would load the
    machine the server runs on). A gzip body's length varies (Django pads it against BREACH): its
    last four bytes give the length of the content it carries.
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {secret}", "Host": "127.0.0.1"}
    if gzip:
        # What python-requests and curl --compressed send: the answer comes compressed.
        headers["Accept-Encoding"] = "gzip"

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        expected_length = None
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            length = int.from_bytes(body[-4:], "little") if gzip else len(body)
            if expected_length is None and response.status == 200:
                text = zlib.decompress(body, 16 + zlib.MAX_WBITS) if gzip else body
                if len(json.loads(text)["results"]) == expected_rows:
                    expected_length = length
            ok = response.status == 200 and length == expected_length
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
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        sys.exit("set DJANGO_CACHE_URL=redis://…: production shares one Redis cache between workers")
    path, rows = prepare()
    # A rate far above the load: the limit is tested in tests/api, not here.
    os.environ.setdefault("DJANGO_API_TOKEN_RATE", "1000000/min")
    _token, secret = api_token_issue(
        name="benchmark", unit=None, expires_at=timezone.now() + datetime.timedelta(hours=2)
    )
    computed, kept = queries_of_one_call(path, secret)
    print(f"{rows} commune rows per call; queries per call ({connection.vendor}): {computed} computing the answer, "
          f"{kept} reusing it")  # fmt: skip
    print(f"one call after a recompute (nothing kept), in this process: {uncached_call_ms(path, secret):.0f} ms "
          f"(median of 5, load average {load_average()})")  # fmt: skip
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    server = start_gunicorn(static_root, port=PORT)
    try:
        print("| endpoint | encoding | clients | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors | load avg. |")
        print("|---|---|---|---|---|---|---|---|---|")
        for gzip in (False, True):
            closed_loop(path, secret, args.clients, 3, rows, gzip=gzip)  # warm-up
            before = load_average()
            r = closed_loop(path, secret, args.clients, args.seconds, rows, gzip=gzip)
            print(f"| commune snapshots ({rows}) | {'gzip' if gzip else 'identity'} | {args.clients} | "
                  f"{r['rps']:.1f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']:.0f} | "
                  f"{before} → {load_average()} |", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
