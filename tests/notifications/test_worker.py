"""The reminder job on a real Celery worker through a real Redis, with email to a real SMTP server.

The worker is a separate process, so it cannot see the test's database: it gets a migrated SQLite
file of its own, seeded by a `manage.py shell` subprocess. Redis is TEST_REDIS_URL's, as for the other
real-Redis tests (CI sets it; on a shared machine use a database of its own, e.g.
TEST_REDIS_URL=redis://127.0.0.1:6379/14). Only this test's queue keys are touched, nothing is
flushed. Skipped without TEST_REDIS_URL or when Redis does not answer.
"""

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .test_sending import Inbox, _free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def _redis():
    import redis

    if not REDIS_URL:
        return None
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        return None
    return client


pytestmark = pytest.mark.skipif(_redis() is None, reason="needs a real Redis (TEST_REDIS_URL), as in CI")

SEED = """
import datetime
from django.utils import timezone
from roles.choices import Role
from tasks.models import Agency, Programme, Task
from tests.factories import make_unit, make_user
hanoi = make_unit("01", "Thành phố Hà Nội")
officer = make_user("canbo.hanoi", unit=hanoi, role=Role.OFFICER, email="canbo@example.gov.vn")
today = timezone.localdate()
programme = Programme.objects.create(name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="TTg",
    year=today.year, start_date=today - datetime.timedelta(days=400), end_date=today + datetime.timedelta(days=400))
agency = Agency.objects.create(name="Công an thành phố Hà Nội", kind="cong_an", unit=hanoi)
Task.objects.create(programme=programme, unit=hanoi, group="dich_vu_cong", title="Cấp căn cước",
    lead_agency=agency, start_date=today - datetime.timedelta(days=90), deadline=today - datetime.timedelta(days=1),
    accountable_person=officer)
"""


def test_a_doubled_daily_job_on_the_real_worker_stores_and_emails_once(tmp_path):
    from aiosmtpd.controller import Controller
    from celery import Celery

    database = tmp_path / "worker.sqlite3"
    smtp_port = _free_port()
    queue = f"notify-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "NOTIFY_QUIET_START": "00:00",
        "NOTIFY_QUIET_END": "00:00",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SEED], cwd=ROOT, env=env, check=True)

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "portal", "worker", "--pool", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    producer = Celery("test-producer", broker=REDIS_URL)
    try:
        for _ in range(2):  # beat and an operator's manual start, or a redelivery
            producer.send_task("notifications.send_reminders", kwargs={"triggered_by": "kiểm thử worker"}, queue=queue)
        deadline = time.monotonic() + 90
        finished = 0
        while time.monotonic() < deadline and finished < 2:
            time.sleep(0.5)
            with sqlite3.connect(database) as db:
                finished = db.execute(
                    "SELECT COUNT(*) FROM notifications_notificationrun WHERE finished_at IS NOT NULL"
                ).fetchone()[0]
        assert finished == 2, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
        with sqlite3.connect(database) as db:
            events = db.execute("SELECT event FROM notifications_notification").fetchall()
            deliveries = db.execute("SELECT status, attempts FROM notifications_delivery").fetchall()
        assert events == [("qua_han",)]
        assert deliveries == [("da_gui", 1)]
        assert [e.rcpt_tos for e in inbox.envelopes] == [["canbo@example.gov.vn"]]
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=20)
        log.close()
        smtp.stop()
        producer.close()
        client = _redis()
        if client is not None:
            # Only this test's queue; kombu's shared bookkeeping (_kombu.binding_deadlines) is left alone.
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
