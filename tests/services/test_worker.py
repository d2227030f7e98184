"""The recompute through a real Celery worker, real Redis and the real PostgreSQL test database."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.choices import RunOutcome
from dashboards.models import CompletionSnapshot, RecomputeRun
from dashboards.services import snapshot_rebuild
from tasks.choices import AgencyKind, TaskGroup, TaskStatus
from tasks.models import Agency, Programme, Task
from tasks.services import progress_report_submit

from .conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def as_of() -> datetime.date:
    """Read at test time, not at import: a suite that runs across midnight (Vietnam time)
    would otherwise compare yesterday's date with today's data."""
    return timezone.localdate()


@pytest.fixture
def programme_with_tasks(tree, users):
    programme = Programme.objects.create(
        name="Đề án 06 năm 2026", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=2026,
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    agency = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    for unit in (tree.hanoi, tree.hoankiem, tree.badinh, tree.hongbang):
        for i in range(3):
            Task.objects.create(
                programme=programme, unit=unit, group=TaskGroup.PUBLIC_SERVICES, title=f"Nhiệm vụ {i}",
                lead_agency=agency, start_date=datetime.date(2026, 1, 1), deadline=datetime.date(2026, 12, 31),
                accountable_person=users.officer_hanoi if unit != tree.hongbang else users.officer_haiphong,
            )  # fmt: skip
    return programme


def snapshot_rows():
    return sorted(
        CompletionSnapshot.objects.filter(date=as_of()).values_list(
            "programme_id",
            "scope_path",
            "weighted_completion",
            "completion",
            "tasks_total",
            "tasks_done",
            "tasks_in_progress",
            "tasks_not_started",
        )
    )


def successful_run():
    return RecomputeRun.objects.filter(as_of=as_of(), outcome=RunOutcome.SUCCESS).exists()


def test_a_queued_job_is_run_by_the_worker(programme_with_tasks, start_worker, send_job):
    start_worker()
    send_job(as_of=as_of().isoformat(), triggered_by="kiểm thử worker")

    wait_until(successful_run, timeout=60, what="the worker to finish the run")

    worker_rows = snapshot_rows()
    assert len(worker_rows) == 6  # two wards and the city of Hà Nội, a ward and the city of Hải Phòng, national
    snapshot_rebuild(as_of=as_of())
    assert snapshot_rows() == worker_rows


@pytest.mark.parametrize("attempt", range(5))
def test_killing_the_worker_mid_run_leaves_no_partial_day(attempt, programme_with_tasks, start_worker, send_job):
    snapshot_rebuild(as_of=as_of())
    clean = snapshot_rows()
    CompletionSnapshot.objects.all().delete()

    doomed = start_worker(RECOMPUTE_PAUSE_BEFORE_COMMIT="30")
    send_job(as_of=as_of().isoformat(), triggered_by=f"lượt bị ngắt {attempt}")
    wait_until(lambda: RecomputeRun.objects.filter(outcome=RunOutcome.RUNNING).exists(), timeout=60, what="run start")
    time.sleep(1.0)  # inside the pause: completion rows written, not committed
    assert snapshot_rows() == []
    doomed.kill()
    assert snapshot_rows() == []

    start_worker()  # the message was never acknowledged: Redis hands it out again
    wait_until(successful_run, timeout=90, what="the redelivered run to succeed")

    assert snapshot_rows() == clean
    assert RecomputeRun.objects.filter(outcome=RunOutcome.RUNNING).count() == 1  # the killed one never finished


def test_redis_down_then_back(programme_with_tasks, users, redis_server, start_worker, send_job, client, settings):
    start_worker()
    redis_server.stop()
    settings.CELERY_BROKER_URL = redis_server.url

    # Officers' saves do not need the queue.
    task = Task.objects.filter(unit=users.officer_hanoi.unit).first()
    progress_report_submit(actor=users.officer_hanoi, task=task, percent=40, status=TaskStatus.IN_PROGRESS, note="")
    assert task.updates.count() == 1

    # /healthz says the broker is unreachable but the portal is up.
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["broker"].startswith("error")

    # The admin action explains in Vietnamese instead of crashing.
    with real_broker(redis_server.url):
        client.force_login(users.admin)
        response = client.post(reverse("admin:dashboards_recomputerun_recompute_now"), follow=True)
    assert response.status_code == 200
    assert "Không kết nối được hàng đợi công việc (Redis)" in response.content.decode()

    time.sleep(5)
    redis_server.start()
    send_job(as_of=as_of().isoformat(), triggered_by="sau khi Redis hoạt động lại")
    started = time.monotonic()
    wait_until(successful_run, timeout=60, what="the same worker to consume again")
    assert time.monotonic() - started < 60
    assert client.get("/healthz").json()["broker"] == "ok"


class real_broker:
    """Point this process's Celery app at a real broker (tests otherwise run jobs eagerly)."""

    def __init__(self, url):
        from portal.celery import app

        self.app, self.url = app, url

    def __enter__(self):
        self.saved = (self.app.conf.task_always_eager, self.app.conf.broker_url)
        self.app.conf.task_always_eager = False
        self.app.conf.broker_url = self.url
        self.app._pool = None
        return self

    def __exit__(self, *exc):
        self.app.conf.task_always_eager, self.app.conf.broker_url = self.saved
        self.app._pool = None
        self.app.amqp._producer_pool = None
        return False
