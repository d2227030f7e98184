"""Attacks found by the walk and the fuzzers (or by issue 12's black-box test), each pinned after its fix.

A new finding is added here as a strict xfail naming who fixes it; when the fix lands the mark goes.
"""

import time

import pytest
from django.db import DataError, connection
from django.test import Client
from django.urls import reverse

from pccc.models import Assessment
from tests.security.database import changed_models, database_fingerprint, refuse_nul_like_postgresql

pytestmark = pytest.mark.django_db


def grid_post(world, **cell):
    """The Hà Nội officer posts one cell of the grid for a Hà Nội commune."""
    client = Client()
    client.force_login(world.users.officer_hanoi)
    prefix = f"c{world.hanoi.criterion.pk}_u{world.hanoi.commune.pk}_"
    body = {"ky": "2026-10", **{prefix + part: value for part, value in cell.items()}}
    url = reverse("pccc:grid", args=[world.hanoi.criteria_set.code, world.hanoi.unit.code])
    before = database_fingerprint()
    started = time.perf_counter()
    with connection.execute_wrapper(refuse_nul_like_postgresql):
        response = client.post(url, body)
    return response, time.perf_counter() - started, changed_models(before, database_fingerprint())


def test_a_grid_value_with_a_huge_exponent_is_refused_within_2_seconds(world):
    """'1e200000' (8 bytes) costs ~3 s of CPU in int(Decimal(...)); issue 12 measured 26 s for 1e1000000."""
    response, seconds, changed = grid_post(world, v="1e200000")
    assert (response.status_code, changed) == (400, [])
    assert seconds < 2, f"{seconds:.1f} s"


def test_a_grid_value_of_20_digits_is_refused_with_400(world):
    """20 digits overflow the 64-bit column: today a 500 ('Python int too large to convert to SQLite INTEGER')."""
    response, _seconds, changed = grid_post(world, v="99999999999999999999")
    assert (response.status_code, changed) == (400, [])


def test_a_nul_character_in_a_grid_cell_is_refused_with_400(world):
    response, _seconds, changed = grid_post(world, v="3", e="Biên bản\x00")
    assert (response.status_code, changed) == (400, [])
    # In Python: SQLite's LIKE stops at the NUL, so a ``contains`` lookup would match every row.
    assert not [a.pk for a in Assessment.objects.all() if "\x00" in a.evidence]


@pytest.mark.parametrize(
    "url",
    ["/don-vi/%00/", "/bang-dieu-khien/1/%00/", "/xuat-nhap/nhiem-vu.xlsx?don_vi=%00"],
)
def test_a_nul_character_in_a_unit_code_is_a_404_not_a_500(world, url):
    client = Client()
    client.force_login(world.users.officer_hanoi)
    with connection.execute_wrapper(refuse_nul_like_postgresql):
        assert client.get(url).status_code in (400, 404)


@pytest.mark.parametrize("agency_id", ["9223372036854775808", "-9223372036854775809", "9" * 20, "9" * 5000])
@pytest.mark.parametrize("page", ["create", "edit"])
def test_a_coordinating_agency_id_beyond_the_integer_range_is_refused_with_400(world, page, agency_id):
    """Found by the fuzzer: Django's multiple choice looks the ids up with ``pk__in``; on SQLite an id
    past 2^63 raised OverflowError (a 500). Now it is an invalid choice like any unknown id."""
    client = Client()
    client.force_login(world.users.coordinator_hanoi)
    url = reverse("tasks:task_create") if page == "create" else reverse("tasks:task_edit", args=[world.hanoi.task.pk])
    before = database_fingerprint()
    response = client.post(url, {"title": "Nhiệm vụ", "coordinating_agencies": [world.hanoi.agency.pk, agency_id]})
    assert response.status_code == 400
    assert "coordinating_agencies" in response.context["form"].errors
    assert changed_models(before, database_fingerprint()) == []


def test_a_username_longer_than_the_column_is_refused_without_reaching_the_lockout_records(world):
    """Found by the sign-in fuzzer on PostgreSQL: a 300-character username reached axes' varchar(255) (a 500)."""
    client = Client()
    before = database_fingerprint()
    with connection.execute_wrapper(refuse_long_varchar_like_postgresql):
        response = client.post(reverse("login"), {"username": "a" * 300, "password": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert changed_models(before, database_fingerprint()) == []


def refuse_long_varchar_like_postgresql(execute, sql, params, many, context):
    """SQLite stores any length; PostgreSQL refuses a string longer than its varchar(255)."""
    values = [v for row in params for v in row] if many else list(params or [])
    if any(isinstance(v, str) and len(v) > 255 for v in values) and sql.lstrip().upper().startswith("INSERT"):
        raise DataError("value too long for type character varying(255)")
    return execute(sql, params, many, context)
