"""`make bench`: the indicator part of the nightly recompute, 10 indicators × 3,321 communes × 12 months.

Usage (PostgreSQL; the benchmark's indicators are replaced, the rest of the data is kept):
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_bench python -m bench.indicators

Runs after bench.recompute, on its scale-1 dataset (bench/dataset.py: the real units and the
Đề án 06 programme); on an empty database it loads the units and generates that dataset first.
Measures, after one warm-up run: the whole recompute (tasks, PCCC and indicator snapshots, as
``recompute_run`` does it; target under 10 s), the indicator part alone with its statements,
the dashboard's indicator card live against the snapshots, and the national and a province
dashboard's queries (budget: 21 as tests/dashboards/test_views.py, + 1 for the second factor).
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import dataset  # noqa: E402
from dashboards.services import snapshot_rebuild  # noqa: E402
from indicators.choices import IndicatorKind  # noqa: E402
from indicators.models import Indicator, IndicatorSnapshot, IndicatorValue, Target  # noqa: E402
from indicators.selectors import dashboard_indicator_board, indicator_board  # noqa: E402
from indicators.snapshots import indicator_snapshots_rebuild  # noqa: E402
from provinces.choices import UnitLevel  # noqa: E402
from provinces.models import AdministrativeUnit  # noqa: E402
from tasks.models import Programme  # noqa: E402

INDICATORS = 10
MONTHS = 12
RECOMPUTE_TARGET_SECONDS = 10
# 21 as tests/dashboards/test_views.py, + 1: the leader's second-factor device, read on every request
# (django_otp; the tests' users sign in without one).
DASHBOARD_QUERY_BUDGET = 22


def months() -> list[str]:
    """The twelve months up to the dataset's day: 2025-12 … 2026-11."""
    year, month = dataset.AS_OF.year, dataset.AS_OF.month
    keys = []
    for _ in range(MONTHS):
        keys.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return sorted(keys)


@transaction.atomic
def generate(programme, *, seed: int = 16) -> int:
    """Six ratios and four counts at commune level, targets for the programme and half the provinces, values."""
    rng = random.Random(seed)
    Indicator.objects.filter(programme=programme).delete()
    indicators = [
        Indicator.objects.create(
            programme=programme,
            code=f"BI{n:02d}",
            name=f"Chỉ tiêu thử {n}",
            measure="người",
            kind=IndicatorKind.RATIO if n < 6 else IndicatorKind.COUNT,
            level=UnitLevel.COMMUNE,
            order=n,
            paired_measure="số người tham gia" if n == 9 else "",
        )
        for n in range(INDICATORS)
    ]
    provinces = list(AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE).values_list("pk", flat=True))
    communes = list(AdministrativeUnit.objects.current().filter(level=UnitLevel.COMMUNE).values_list("pk", flat=True))
    targets = []
    for indicator in indicators:
        targets.append(Target(indicator=indicator, value=Decimal("90") if indicator.is_ratio else Decimal(50)))
        for province in provinces[::2]:
            value = Decimal(rng.randrange(70, 100)) if indicator.is_ratio else Decimal(rng.randrange(20, 80))
            targets.append(Target(indicator=indicator, unit_id=province, value=value))
    Target.objects.bulk_create(targets, batch_size=5000)
    keys = months()
    batch = []
    written = 0
    for commune in communes:
        base = rng.randrange(2_000, 60_000)
        for indicator in indicators:
            start = rng.uniform(0.3, 0.8)
            for step, key in enumerate(keys):
                share = min(1.0, start + step * rng.uniform(0.0, 0.04))
                row = IndicatorValue(indicator=indicator, unit_id=commune, period=key)
                if indicator.is_ratio:
                    row.numerator, row.denominator = int(base * share), base
                else:
                    row.numerator = int(100 * share)
                    row.paired_value = int(base * share) if indicator.paired_measure else None
                batch.append(row)
        if len(batch) >= 20_000:
            IndicatorValue.objects.bulk_create(batch, batch_size=5000)
            written += len(batch)
            batch = []
    IndicatorValue.objects.bulk_create(batch, batch_size=5000)
    return written + len(batch)


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def dashboard_queries(client, programme, code: str) -> tuple[int, float]:
    cache.clear()  # a first view: nothing cached
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        # Behind the proxy of the production profile (SECURE_PROXY_SSL_HEADER): HTTPS as it forwards it.
        response = client.get(f"/bang-dieu-khien/{programme.pk}/{code}/", headers={"x-forwarded-proto": "https"})
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    assert 'id="indicators"' in response.content.decode()
    return len(queries.captured_queries), seconds


def dashboards(programme) -> list[tuple[int, float]]:
    """(queries, seconds) of a national leader's first view of the national and Hà Nội dashboards."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # No collectstatic in the bench: static URLs without the manifest's hashes (same queries).
    storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": storage}}
    from portal.models import User
    from roles.choices import Role
    from tests.factories import make_user

    # A national leader (no unit): the role that opens the national dashboard (a superuser is sent to 2FA set-up).
    leader = User.objects.filter(username="bench.leader").first() or make_user("bench.leader", role=Role.LEADER)
    client = Client(secure=True)
    client.force_login(leader)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Leaders sign in with a second factor (as bench/dashboards_load.py): the session says it was given.
    device, _ = TOTPDevice.objects.get_or_create(user=leader, name="bench", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return [dashboard_queries(client, programme, code) for code in ("toan-quoc", "01")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", action="store_true", help="keep the indicators and values of a previous run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("make bench runs on PostgreSQL: set DATABASE_URL (see docs/benchmarks.md)")
    call_command("migrate", verbosity=0)
    if AdministrativeUnit.objects.current().filter(level=UnitLevel.COMMUNE).count() < 3000:
        call_command("load_units", legacy=True, verbosity=0)
    programme = Programme.objects.filter(name=f"Đề án 06 năm {dataset.YEAR}").order_by("pk").last()
    if programme is None:
        dataset.reset()
        dataset.generate(1)
        programme = Programme.objects.get(name=f"Đề án 06 năm {dataset.YEAR}")
    if args.reuse and IndicatorValue.objects.filter(indicator__programme=programme).exists():
        gen_seconds, values = 0.0, IndicatorValue.objects.filter(indicator__programme=programme).count()
    else:
        gen_seconds, values = timed(generate, programme)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # Warm-up, then the recompute as recompute_run does it (without the Redis lock and run row).
    snapshot_rebuild(as_of=dataset.AS_OF)
    indicator_snapshots_rebuild()
    tasks_seconds, _result = timed(snapshot_rebuild, as_of=dataset.AS_OF)
    with CaptureQueriesContext(connection) as queries:
        indicator_seconds, result = timed(indicator_snapshots_rebuild)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    total = tasks_seconds + indicator_seconds
    assert result.failures == (), result.failures
    assert IndicatorSnapshot.objects.count() == result.rows

    print(f"recompute: tasks + PCCC {tasks_seconds:.2f} s, indicators {indicator_seconds:.2f} s "
          f"({len(statements)} statements, {result.rows:,} rows)", flush=True)  # fmt: skip
    live_seconds, live = timed(indicator_board, programme=programme, unit=None)
    card_seconds, card = timed(dashboard_indicator_board, programme=programme, unit=None)
    assert [f.amount for f in live.figures] == [f.amount for f in card.figures]
    assert [(f.target, f.judgement) for f in live.figures] == [(f.target, f.judgement) for f in card.figures]

    (national_queries, national_seconds), (province_queries, province_seconds) = dashboards(programme)

    print(f"{INDICATORS} indicators × {len(set(IndicatorValue.objects.values_list('unit_id', flat=True))):,} "
          f"communes × {MONTHS} months = {values:,} values (generated in {gen_seconds:.0f} s)")  # fmt: skip
    print()
    print("| recompute, whole (s) | tasks + PCCC (s) | indicators (s) | indicator statements | indicator rows | "
          "national card live (s) | from snapshots (s) | national dashboard, first view (queries, s) | "
          "province dashboard (queries, s) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {total:.2f} | {tasks_seconds:.2f} | {indicator_seconds:.2f} | {len(statements)} | "
          f"{result.rows:,} | {live_seconds:.2f} | {card_seconds:.3f} | {national_queries}, {national_seconds:.2f} | "
          f"{province_queries}, {province_seconds:.2f} |")  # fmt: skip
    print()
    print("Statements of the indicator part (BEGIN and COMMIT included):")
    for sql in statements:
        print("  ", sql[:110])
    failed = total > RECOMPUTE_TARGET_SECONDS or max(national_queries, province_queries) > DASHBOARD_QUERY_BUDGET
    print(f"\nrecompute {total:.2f} s (target < {RECOMPUTE_TARGET_SECONDS} s), dashboards "
          f"{national_queries}/{province_queries} queries (budget {DASHBOARD_QUERY_BUDGET}): "
          f"{'OVER' if failed else 'ok'}")  # fmt: skip
    print("Date:", datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
