"""The commune snapshot list: a fixed number of queries whatever its size, its answer kept per generation
and compressed once, and a throttle of one counter per token and window. Timings: bench/api_load.py."""

import gzip
from decimal import Decimal

import django.middleware.gzip
import pytest
from django.core.cache import cache
from django.utils import timezone

from api import answers
from dashboards.models import CompletionSnapshot
from dashboards.services import GENERATION_KEY
from tests.factories import make_unit

from .conftest import AS_OF

SNAPSHOTS = "/api/v1/snapshots/?level=3&date=2026-11-28&page_size=5000"
# A call that computes the answer: the token, the rows, the audit event. One that reuses the kept
# answer: the token and the audit event.
COMPUTED_QUERIES = 3
KEPT_QUERIES = 2


def add_communes_with_snapshots(tree, programme, count: int) -> None:
    now = timezone.now()
    for i in range(count):
        unit = make_unit(f"09{i:03d}", f"Xã thêm {i}", parent=tree.hanoi)
        CompletionSnapshot.objects.create(
            programme=programme, unit=unit, scope_path=unit.path, date=AS_OF, weighted_completion=Decimal(i % 100),
            completion=Decimal(i % 100), tasks_total=3, tasks_done=1, tasks_done_late=0, tasks_in_progress=2,
            tasks_not_started=0, tasks_blocked=0, tasks_overdue=0, tasks_awaiting_verification=0, computed_at=now,
        )  # fmt: skip


def as_after_a_recompute() -> None:
    """A new generation, as a recompute sets it: no kept answer applies."""
    cache.set(GENERATION_KEY, timezone.now().isoformat() + "-test", None)


@pytest.fixture
def warm_token(api, data):
    """The token's use time is written once a minute: done before counting."""
    assert api("/api/v1/programmes/").status_code == 200


def test_commune_snapshots_run_the_same_queries_for_few_and_many_communes(
    api, data, tree, warm_token, django_assert_num_queries
):
    sizes = []
    for added in (0, 40):
        add_communes_with_snapshots(tree, data.national, added)
        as_after_a_recompute()
        with django_assert_num_queries(COMPUTED_QUERIES):
            response = api(SNAPSHOTS)
        sizes.append(len(response.json()["results"]))
        with django_assert_num_queries(KEPT_QUERIES):
            assert api(SNAPSHOTS).status_code == 200
    assert sizes[1] == sizes[0] + 40


def test_a_gzip_client_gets_the_kept_answer_compressed_with_a_weak_etag(api, data):
    plain = api(SNAPSHOTS)
    compressed = api(SNAPSHOTS, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["ETag"] == "W/" + plain["ETag"]
    assert "Accept-Encoding" in compressed["Vary"]


def test_the_answer_is_compressed_once_per_generation_not_per_call(api, data, monkeypatch):
    compressions = []

    def counted(name, compress):
        def wrapper(*args, **kwargs):
            compressions.append(name)
            return compress(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(answers.gzip, "compress", counted("kept", gzip.compress))
    monkeypatch.setattr(
        django.middleware.gzip, "compress_string", counted("middleware", django.middleware.gzip.compress_string)
    )
    for _ in range(3):
        assert api(SNAPSHOTS, HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    assert compressions == ["kept"]


def test_the_weak_etag_of_a_compressed_answer_gets_304(api, data):
    etag = api(SNAPSHOTS, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert api(SNAPSHOTS, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api(SNAPSHOTS, HTTP_IF_NONE_MATCH=etag).status_code == 304  # the same content, uncompressed


def test_the_first_answer_after_a_recompute_is_the_same_whether_compressed_or_not(api, data):
    compressed = api(SNAPSHOTS, HTTP_ACCEPT_ENCODING="gzip")  # computed, kept, then compressed
    as_after_a_recompute()
    plain = api(SNAPSHOTS)  # computed again for the new generation, sent plain
    assert gzip.decompress(compressed.content) == plain.content
    assert "Content-Encoding" not in plain


def test_a_throttled_call_says_when_the_window_ends(api, settings):
    settings.API_TOKEN_RATE = "1/min"
    assert api("/api/v1/units/").status_code == 200
    refused = api("/api/v1/units/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_throttle_counts_every_call_in_one_counter(api, tokens, settings):
    """One integer per token and window (incremented atomically in Redis), not a list of call times."""
    settings.API_TOKEN_RATE = "5/min"
    for _ in range(3):
        api("/api/v1/units/")
    window = int(timezone.now().timestamp() // 60)
    # The calls may straddle a minute's edge: this window and the one before hold them all.
    counters = [cache.get(f"throttle_api_token_{tokens.hanoi.pk}:{w}", 0) for w in (window - 1, window)]
    assert sum(counters) == 3
