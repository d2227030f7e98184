"""Dashboard latency under load: gunicorn (debug off) on the benchmark database, wrk on loopback.

Run after `python -m bench.recompute` has filled the database (make bench does both), with
Redis as the shared cache as in production (docker-compose); that Redis database is emptied:
    DATABASE_URL=postgres://…/portal_bench DJANGO_CACHE_URL=redis://127.0.0.1:6379/14 \
        python -m bench.dashboards_load [--seconds 20 --connections 20]
"""

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench import dataset  # noqa: E402
from dashboards.choices import RunOutcome  # noqa: E402
from dashboards.models import RecomputeRun  # noqa: E402
from dashboards.services import snapshot_rebuild  # noqa: E402
from portal.models import User  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from roles.choices import Role  # noqa: E402
from tasks.models import Programme  # noqa: E402

PORT = 8766


def session_cookie(username: str, unit) -> str:
    """A logged-in session for a leader, written straight to the session store."""
    user, _ = User.objects.get_or_create(username=username, defaults={"unit": unit, "full_name": username})
    user.groups.add(Group.objects.get(name=Role.LEADER))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Leaders must pass two-factor in production: the session has, as after a real login.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session["otp_device_id"] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def prepare() -> list[tuple[str, str, str]]:
    """Snapshots for today, 7 and 30 days before; a successful run; two leaders' sessions."""
    for days in (30, 7, 0):
        snapshot_rebuild(as_of=dataset.AS_OF - datetime.timedelta(days=days))
    now = timezone.now()
    RecomputeRun.objects.create(
        as_of=dataset.AS_OF, triggered_by="benchmark", started_at=now, finished_at=now, outcome=RunOutcome.SUCCESS
    )
    # The dataset and the snapshots were just bulk-written: let PostgreSQL's vacuum catch up now
    # rather than during the load (it has by morning after a real night's run).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    programme = Programme.objects.order_by("pk").first()
    hanoi = AdministrativeUnit.objects.current().get(code="01")
    return [
        ("national", f"/bang-dieu-khien/{programme.pk}/toan-quoc/", session_cookie("bench.national", None)),
        ("Hà Nội", f"/bang-dieu-khien/{programme.pk}/01/", session_cookie("bench.hanoi", hanoi)),
    ]


def start_gunicorn(static_root: str, port: int = PORT) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": static_root,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "4"),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(["bin/web", "--log-level", "warning", "--access-logfile", "/dev/null"], env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def wrk(path: str, cookie: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", "bench/wrk_report.lua",
         "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{PORT}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = re.search(r"RESULT (.*)", out)
    result = {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    result["rps"] = result["requests"] / seconds
    return result


def paced_users(path: str, cookie: str, users: int, seconds: int) -> dict:
    """``users`` people each opening the page, reading 1–3 s, opening it again, for ``seconds``.

    Latency is measured per request from the client side (keep-alive connection per user).
    """
    import http.client
    import random
    import statistics
    import threading

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        time.sleep(rng.uniform(0, 2))  # people do not arrive at the same instant
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += response.status != 200
            time.sleep(rng.uniform(1, 3))
        conn.close()

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "rps": len(latencies) / seconds, "p50_ms": q[49], "p95_ms": q[94],
            "p99_ms": q[98], "errors": errors}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        sys.exit("set DJANGO_CACHE_URL=redis://…: production shares one Redis cache between workers")
    cache.clear()
    cache.set("bench-ping", 1)
    if cache.get("bench-ping") != 1:  # an unreachable Redis is a silent cache miss (settings)
        sys.exit(f"Redis at {settings.CACHES['default']['LOCATION']} is not answering")
    pages = prepare()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    server = start_gunicorn(static_root)
    try:
        print("| page | load | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
        print("|---|---|---|---|---|---|---|")
        for name, path, cookie in pages:
            with urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
            ) as response:
                assert response.status == 200 and b"headline-completion" in response.read(), name
            wrk(path, cookie, 3, args.connections)  # warm-up
            runs = [
                (f"{args.connections} users, 1–3 s between pages", paced_users(path, cookie, args.connections, 30)),
                (f"wrk, {args.connections} connections, no pause", wrk(path, cookie, args.seconds, args.connections)),
            ]
            for load, r in runs:
                print(f"| {name} | {load} | {r['rps']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                      f"{r['p99_ms']:.0f} | {r['errors']:.0f} |", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
