"""Real components: a Redis server and Celery worker processes against the test PostgreSQL database.

These run in CI (.ci/run installs redis-server and PostgreSQL). Elsewhere they are skipped.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6391"))


def pytest_collection_modifyitems(config, items):
    reasons = []
    if not shutil.which("redis-server"):
        reasons.append("redis-server is not installed")
    if connection.vendor != "postgresql":
        reasons.append("needs PostgreSQL (set DATABASE_URL)")
    if reasons:
        skip = pytest.mark.skip(reason="; ".join(reasons))
        for item in items:
            if "tests/services/" in str(item.fspath):
                item.add_marker(skip)


class RedisServer:
    """A redis-server process of our own on a loopback port, which tests may stop and start."""

    def __init__(self, port: int, data_dir: Path):
        self.port = port
        self.data_dir = data_dir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", str(self.data_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.ping, timeout=10, what="redis-server to start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """A `celery worker` process (solo pool, so SIGKILL stops the job mid-run)."""

    def __init__(self, broker_url: str, log_path: Path, **env):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_of_test_db(),
            "CELERY_BROKER_URL": broker_url,
            "DJANGO_DEBUG": "1",
            # A killed run's message comes back after twice the time limit; its lock expires sooner.
            "CELERY_TASK_TIME_LIMIT": "4",
            "RECOMPUTE_LOCK_TTL": "3",
            **env,
        }
        self.log_path = log_path
        self.process = None

    def start(self):
        celery = Path(sys.executable).with_name("celery")
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(celery), "-A", "portal", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{time.time_ns()}@%h"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.log.close()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(REDIS_PORT, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def start_worker(redis_server, tmp_path):
    workers = []

    def start(**env):
        worker = Worker(redis_server.url, tmp_path / f"worker-{len(workers)}.log", **env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def send_job(redis_server):
    """Queue the recompute job through the real broker, as beat or the admin action would."""
    from celery import Celery

    producer = Celery("test-producer", broker=redis_server.url)

    def send(**kwargs):
        producer.send_task("dashboards.recompute_progress", kwargs=kwargs)

    yield send
    producer.close()
