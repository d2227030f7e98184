"""The demo site of `make run`, built once per module for the crawl and the page measurements."""

import io
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """load_units + seed_demo + recompute_progress, as `make run` does, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        began = time.perf_counter()
        call_command("load_units", legacy=True, stdout=io.StringIO())
        # The tests' fast hasher (tests/conftest.py) must also be the one the demo passwords are made with.
        with override_settings(DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo", stdout=io.StringIO())
        # In-process and without the Redis lock: a lock left by another suite's killed worker must not skip it.
        with override_settings(CELERY_BROKER_URL=""):
            call_command("recompute_progress", stdout=io.StringIO())
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum gives a real database minutes after `make run`:
            # without them PostgreSQL plans the crosswalk's joins for empty tables (8+ minutes).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"\ndemo data built in {time.perf_counter() - began:.1f} s")
        yield
        transaction.set_rollback(True)
