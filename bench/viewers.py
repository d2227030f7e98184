"""The morning after a run: 50 distinct people open the portal for the first time of the day (issue 19).

Leaders of provinces and of communes, coordinators and officers, each of a different unit, each
with a fresh session: their landing page, their unit's dashboard, then the task list with a search
and filters. Twenty of them at a time. Nothing of theirs is in the cache (the cache is emptied after
the workers are warmed), so every page is rendered for that viewer; what the nightly job leaves
behind (the provinces' "Thay đổi từ ngày …", unless --unwarmed) is there, and what the portal shares
between viewers (a unit's live figures, the snapshot generation) fills as they come, as at 07:30.
Targets: p95 under 150 ms for the landing pages and dashboards, and for the task list.

Run after `python -m bench.recompute` has filled the database (make bench does both), on
PostgreSQL, with gunicorn (debug off) on loopback. Run alone, it builds the scale-1 dataset itself
when the database has no task yet (migrate, units, about a minute of generation):
    DATABASE_URL=postgres://…/portal_bench DJANGO_CACHE_URL=redis://127.0.0.1:6379/14 \
        python -m bench.viewers [--viewers 50 --concurrency 20 --port 8741]
Prints Markdown tables for docs/benchmarks.md; exits 1 when a p95 is over its target.
"""

import argparse
import datetime
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench import dashboards_load, dataset  # noqa: E402
from dashboards.choices import RunOutcome  # noqa: E402
from dashboards.models import CompletionSnapshot, RecomputeRun  # noqa: E402
from dashboards.services import snapshot_rebuild  # noqa: E402
from dashboards.warm import warm_dashboards  # noqa: E402
from portal.models import User  # noqa: E402
from provinces.choices import UnitLevel  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from roles.choices import Role  # noqa: E402
from tasks.models import Programme, Task  # noqa: E402

TARGET_MS = 150
# Who comes in: (role, level of their unit, how many). 50 people, 50 different units.
MIX = [
    (Role.LEADER, UnitLevel.PROVINCE, 10),
    (Role.LEADER, UnitLevel.COMMUNE, 15),
    (Role.COORDINATOR, UnitLevel.PROVINCE, 10),
    (Role.OFFICER, UnitLevel.PROVINCE, 5),
    (Role.OFFICER, UnitLevel.COMMUNE, 10),
]
LOGIN_PREFIX = {Role.LEADER: "lanhdao", Role.COORDINATOR: "thuongtruc", Role.OFFICER: "canbo"}
# An officer has a few tasks of their own (the dataset assigns none): "Việc của tôi" lists them.
TASKS_PER_OFFICER = 25


def ensure_dataset() -> None:
    """The scale-1 national dataset and its snapshots, unless `bench.recompute` left them there."""
    if connection.vendor != "postgresql":
        sys.exit("the viewers bench runs on PostgreSQL: set DATABASE_URL (see docs/benchmarks.md)")
    call_command("migrate", verbosity=0)  # nothing to do after bench.recompute
    if not Task.objects.exists():
        print("No task in the database: building the scale-1 dataset…", flush=True)
        call_command("load_units", legacy=True, verbosity=0)
        dataset.reset()
        dataset.generate(1)
    # Last night's run, and the days the dashboard compares with (7 and 30 days before).
    for days in (30, 7, 1, 0):
        day = dataset.AS_OF - datetime.timedelta(days=days)
        if not CompletionSnapshot.objects.filter(date=day).exists():
            snapshot_rebuild(as_of=day)
    now = timezone.now()
    RecomputeRun.objects.create(
        as_of=dataset.AS_OF, triggered_by="benchmark", started_at=now, finished_at=now, outcome=RunOutcome.SUCCESS
    )


def session_cookie(user) -> str:
    """A signed-in session, written to the session store as a real login (with two-factor) leaves it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session["otp_device_id"] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def units_with_tasks(level: str) -> list[AdministrativeUnit]:
    """Current units of a level that hold tasks, in a fixed random order."""
    with_tasks = Task.objects.filter(unit__level=level).values("unit_id")
    units = list(AdministrativeUnit.objects.current().filter(level=level, pk__in=with_tasks).order_by("code"))
    random.Random(19).shuffle(units)
    return units


def make_viewers(count: int) -> list[dict]:
    """``count`` people of the MIX (scaled), each on a unit no other viewer has, with a fresh session."""
    scale = count / sum(n for _role, _level, n in MIX)
    pools = {level: units_with_tasks(level) for level in (UnitLevel.PROVINCE, UnitLevel.COMMUNE)}
    programme = Programme.objects.order_by("pk").first()
    viewers = []
    for role, level, n in MIX:
        group = Group.objects.get(name=role)
        for i in range(max(1, round(n * scale))):
            unit = pools[level].pop()
            username = f"bench.{LOGIN_PREFIX[role]}.{unit.code}"
            user, _ = User.objects.get_or_create(username=username, defaults={"unit": unit, "full_name": username})
            user.groups.set([group])
            if role == Role.OFFICER:
                mine = Task.objects.filter(unit=unit).order_by("pk").values("pk")[:TASKS_PER_OFFICER]
                Task.objects.filter(pk__in=mine).update(accountable_person=user)
            communes = AdministrativeUnit.objects.current().filter(parent=unit, level=UnitLevel.COMMUNE)
            commune = communes.order_by("code").first() if level == UnitLevel.PROVINCE else None
            # The list a person narrows on a morning: a search without diacritics, the most overdue
            # first, a commune of their province (or their own commune).
            task_query = f"scope=unit&q=nhiem+vu+{i + 1}&sort=qua-han-nhieu-nhat&commune={(commune or unit).code}"
            viewers.append({
                "name": f"{Role(role).label} · {UnitLevel(level).label}", "cookie": session_cookie(user),
                "dashboard": f"/bang-dieu-khien/{programme.pk}/{unit.code}/",
                "task_list": f"/nhiem-vu/?{task_query}",
            })  # fmt: skip
    return viewers[:count] if len(viewers) > count else viewers


def start_gunicorn(port: int, static_root: str) -> subprocess.Popen:
    """The load bench's gunicorn (bin/web, debug off) on our own port, refusing a port already serving."""
    try:  # another server on the port would answer for ours, with none of our sessions
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
        sys.exit(f"port {port} is already serving: choose another with --port")
    except OSError:
        pass
    # One access line per request would bury the tables; PORTAL_ACCESS_LOG_LEVEL=INFO shows them.
    os.environ.setdefault("PORTAL_ACCESS_LOG_LEVEL", "WARNING")
    return dashboards_load.start_gunicorn(static_root, port=port)


def get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, str, float]:
    """(status, Location, milliseconds) of one request on a kept-alive connection."""
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location", ""), (time.perf_counter() - started) * 1000


def visit(port: int, viewer: dict, timings: dict, errors: list, lock: threading.Lock) -> None:
    """One person's first minute: the front door (and where it sends them), the dashboard, the task list.

    A leader's landing page is their dashboard: the page they open next is the task list. The
    landing time is the redirect plus the page, as the person waits for both.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # "/" sends a leader to /bang-dieu-khien/, which sends them to their unit's page: follow every hop.
        landing, landing_ms = "/", 0.0
        for _hop in range(5):
            status, location, ms = get(conn, landing, viewer["cookie"])
            landing_ms += ms
            if status != 302:
                break
            landing = location.replace(f"http://127.0.0.1:{port}", "")
        steps = [("trang đầu (landing)", status, landing_ms, landing)]
        if not landing.startswith("/bang-dieu-khien/"):
            status, _, ms = get(conn, viewer["dashboard"], viewer["cookie"])
            steps.append(("bảng điều khiển", status, ms, viewer["dashboard"]))
        status, _, ms = get(conn, viewer["task_list"], viewer["cookie"])
        steps.append(("danh sách nhiệm vụ, tìm + lọc", status, ms, viewer["task_list"]))
    finally:
        conn.close()
    with lock:
        for page, status, ms, path in steps:
            timings.setdefault(page, []).append(ms)
            timings.setdefault(f"{page} · {viewer['name']}", []).append(ms)
            if status != 200:
                errors.append(f"{viewer['name']} {path}: HTTP {status}")


def warm_workers(port: int) -> None:
    """The server has run all night: each worker has loaded its code and compiled its templates.

    A national leader and coordinator who is not among the viewers opens every page they open (a
    worker compiles a template on its first render of it: 30-60 ms, not a morning's cost); the
    caller then empties the cache, so nobody's pages are in it.
    """
    warm_user = User.objects.get_or_create(username="bench.warmup", defaults={"full_name": "warm"})[0]
    warm_user.groups.set(Group.objects.filter(name__in=[Role.LEADER, Role.COORDINATOR]))
    warm = session_cookie(warm_user)
    programme = Programme.objects.order_by("pk").first()
    province = AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE).order_by("code").first()
    pages = ("/", "/dieu-phoi/", "/nhiem-vu/", "/nhiem-vu/?scope=unit&q=nhiem+vu&sort=qua-han-nhieu-nhat",
             f"/bang-dieu-khien/{programme.pk}/{province.code}/", "/don-vi/")  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(5 * int(os.environ.get("WEB_CONCURRENCY", "4"))):
        for path in pages:
            status, _location, _ms = get(conn, path, warm)
            assert status in (200, 302), (path, status)
    conn.close()


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument("--unwarmed", action="store_true", help="skip the nightly job's warm-up (to compare)")
    args = parser.parse_args()
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        print("note: no DJANGO_CACHE_URL=redis://…; each gunicorn worker keeps its own cache", flush=True)
    ensure_dataset()
    viewers = make_viewers(args.viewers)
    # The dataset was just bulk-written: let PostgreSQL's statistics catch up (they have by morning).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    server = start_gunicorn(args.port, static_root)
    try:
        warm_workers(args.port)
        cache.clear()
        if not args.unwarmed:
            # What the nightly job does after its run (dashboards.jobs): the national and provincial
            # "Thay đổi từ ngày …" computed once, shared by their viewers. Nobody's own page is cached.
            warm_dashboards(dataset.AS_OF)
        timings: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for future in [pool.submit(visit, args.port, v, timings, errors, lock) for v in viewers]:
                future.result()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(static_root, ignore_errors=True)

    load = os.getloadavg()
    print(f"\n{len(viewers)} viewers, {args.concurrency} at a time, {wall:.1f} s in all; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {connection.vendor}\n")  # fmt: skip
    print("| page | requests | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target p95 |")
    print("|---|---|---|---|---|---|---|")
    failed = bool(errors)
    for page in sorted(timings, key=lambda name: (" · " in name, name)):
        values = timings[page]
        p95 = percentile(values, 95)
        overall = " · " not in page
        failed |= overall and p95 > TARGET_MS
        target = (f"< {TARGET_MS} {'✓' if p95 <= TARGET_MS else '✗'}") if overall else ""
        print(f"| {page} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} | {percentile(values, 99):.0f} "
              f"| {max(values):.0f} | {target} |")  # fmt: skip
    for error in errors:
        print("error:", error)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
