import datetime
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import locks
from dashboards.choices import RunOutcome
from dashboards.jobs import recompute_progress_job
from dashboards.models import CompletionSnapshot, RecomputeRun
from dashboards.services import end_of_day, recompute_run, snapshot_rebuild
from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from tasks.models import Task

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def test_a_run_is_recorded_with_rows_written(tree, make_task):
    make_task(unit=tree.hoankiem)
    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")
    assert run.outcome == RunOutcome.SUCCESS
    assert run.rows_written == 3  # ward, city, national
    assert run.finished_at >= run.started_at


def test_a_failing_run_is_recorded_with_its_error(tree, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr("dashboards.services.snapshot_rebuild", broken)
    with pytest.raises(RuntimeError):
        recompute_run(as_of=AS_OF, triggered_by="kiểm thử")
    run = RecomputeRun.objects.get()
    assert (run.outcome, run.error) == (RunOutcome.FAILED, "RuntimeError: ổ đĩa đầy")


def test_the_job_in_eager_mode_calls_the_service(tree, make_task):
    make_task()
    result = recompute_progress_job.delay(as_of=AS_OF.isoformat(), triggered_by="kiểm thử").get()
    assert result["outcome"] == RunOutcome.SUCCESS
    assert CompletionSnapshot.objects.filter(date=AS_OF).count() == 2


def test_the_command_runs_for_a_given_date_and_rejects_a_bad_one(tree, make_task):
    make_task()
    call_command("recompute_progress", "--date", AS_OF.isoformat(), verbosity=0)
    assert CompletionSnapshot.objects.filter(date=AS_OF).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_progress", "--date", "29/11/2026")


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs a real Redis (TEST_REDIS_URL), as in CI")
def test_a_second_run_while_the_lock_is_held_records_skipped(tree, settings):
    import redis

    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.delete(locks.LOCK_NAME)
    with locks.recompute_lock() as first:
        assert first is True
        run = recompute_run(as_of=AS_OF, triggered_by="lượt thứ hai")
    assert run.outcome == RunOutcome.SKIPPED
    assert client.get(locks.LOCK_NAME) is None  # released after the first run
    assert recompute_run(as_of=AS_OF, triggered_by="lượt sau").outcome == RunOutcome.SUCCESS


def make_units_and_tasks(n_units, programme, agency):
    province = AdministrativeUnit.objects.create(
        code="90", name="Tỉnh thử", kind=UnitKind.TINH, level=UnitLevel.PROVINCE, path="/90/"
    )
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"9{i:05d}",
            name=f"Xã {i}",
            kind=UnitKind.XA,
            level=UnitLevel.COMMUNE,
            parent=province,
            path=f"/90/9{i:05d}/",
        )
        for i in range(n_units)
    )
    units = AdministrativeUnit.objects.filter(parent=province)
    Task.objects.bulk_create(
        Task(
            programme=programme,
            unit=unit,
            group="dich_vu_cong",
            title="Nhiệm vụ",
            lead_agency=agency,
            start_date=datetime.date(2026, 1, 1),
            deadline=datetime.date(2026, 12, 31),
            created_at=end_of_day(datetime.date(2026, 1, 2)),
        )
        for unit in units
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite splits bulk writes at 999 parameters")
@pytest.mark.parametrize("n_units", [100, 3000])
def test_recompute_runs_a_fixed_number_of_statements_whatever_the_number_of_units(n_units, programme, agency, tree):
    make_units_and_tasks(n_units, programme, agency)
    with CaptureQueriesContext(connection) as ctx:
        result = snapshot_rebuild(as_of=AS_OF)
    assert result.completion_rows == n_units + 2
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 10, statements


def test_admin_recompute_now_queues_a_run(client, users, tree):
    client.force_login(users.admin)
    response = client.post(reverse("admin:dashboards_recomputerun_recompute_now"), follow=True)
    assert "Đã đưa yêu cầu tính lại" in response.content.decode()
    assert RecomputeRun.objects.get().outcome == RunOutcome.SUCCESS  # eager without a broker


def test_admin_recompute_now_says_so_when_the_queue_is_unreachable(client, users, monkeypatch):
    from kombu.exceptions import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(recompute_progress_job, "delay", unreachable)
    client.force_login(users.admin)
    response = client.post(reverse("admin:dashboards_recomputerun_recompute_now"), follow=True)
    assert response.status_code == 200
    assert "Không kết nối được hàng đợi công việc (Redis)" in response.content.decode()


def test_admin_recompute_now_refuses_get(client, users):
    client.force_login(users.admin)
    assert client.get(reverse("admin:dashboards_recomputerun_recompute_now")).status_code == 405


def test_backfill_computes_only_missing_days(tree, make_task):
    make_task()
    snapshot_rebuild(as_of=AS_OF - datetime.timedelta(days=2))
    call_command("recompute_progress", "--date", AS_OF.isoformat(), "--backfill-days", "3", verbosity=0)
    dates = set(CompletionSnapshot.objects.values_list("date", flat=True).distinct())
    assert dates == {AS_OF - datetime.timedelta(days=n) for n in range(4)}
    assert RecomputeRun.objects.count() == 1  # the backfill is not a nightly run


def test_backfill_every_third_day_keeps_the_comparison_days():
    from dashboards.management.commands.recompute_progress import backfill_dates

    days = backfill_dates(AS_OF, 30, every=3)
    offsets = sorted((AS_OF - day).days for day in days)
    assert offsets == sorted({*range(3, 31, 3), 7, 30})
