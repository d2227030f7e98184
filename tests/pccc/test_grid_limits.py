"""One post cannot hold the grid's workers: hostile values answer fast, oversize posts are refused whole."""

import json
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from pccc.models import Assessment

pytestmark = pytest.mark.django_db
PERIOD = "2026-10"


def grid_url(pccc):
    return reverse("pccc:grid", kwargs={"set_code": pccc.set.code, "unit_code": "01"})


def name(criterion, unit, part):
    return f"c{criterion.pk}_u{unit.pk}_{part}"


def test_a_huge_exponent_answers_fast_with_a_form_error(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    client.get(grid_url(pccc), {"ky": PERIOD})  # templates and catalogues loaded: time the post alone
    started = time.perf_counter()
    response = client.post(grid_url(pccc), {"ky": PERIOD, name(pccc.groups, tree.soctson, "v"): "1e1000000"})
    assert time.perf_counter() - started < 0.5
    assert response.status_code == 400
    assert "Không phải là số." in response.content.decode()
    assert not Assessment.objects.exists()


def test_twenty_digits_give_a_message_and_the_other_cells_keep_what_was_typed(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    response = client.post(
        grid_url(pccc),
        {
            "ky": PERIOD,
            name(pccc.groups, tree.soctson, "v"): "9" * 20,
            name(pccc.households, tree.badinh, "v"): "980",
            name(pccc.households, tree.badinh, "d"): "1.000",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Số quá lớn: tối đa 999.999.999.999.999." in html
    assert f'name="{name(pccc.groups, tree.soctson, "v")}" data-typed="1" value="{"9" * 20}"' in html
    assert f'name="{name(pccc.households, tree.badinh, "d")}" data-typed="1" value="1.000"' in html
    assert not Assessment.objects.exists()


def test_more_cells_than_the_grid_shows_are_refused_with_413_and_nothing_written(client, users, tree, pccc):
    cells = [{"c": pccc.groups.pk, "u": tree.soctson.pk, "v": str(i)} for i in range(16)]
    client.force_login(users.officer_hanoi)
    response = client.post(grid_url(pccc), {"ky": PERIOD, "cells_json": json.dumps(cells)})
    assert response.status_code == 413
    assert "nhiều hơn số ô của bảng (15). Không ô nào được lưu." in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("payload", ["[" * 100_000, '[{"c": 1, "u": 1, "v": ' + "9" * 5_000 + "}]"])
def test_hostile_json_is_refused_as_malformed(client, users, tree, pccc, payload):
    client.force_login(users.officer_hanoi)
    response = client.post(grid_url(pccc), {"ky": PERIOD, "cells_json": payload})
    assert response.status_code == 400
    assert "Dữ liệu bảng gửi lên không hợp lệ." in response.content.decode()


@pytest.mark.parametrize("cap", ["²", "9" * 5_000])
def test_a_hostile_level_is_ignored_not_a_500(client, users, tree, pccc, cap):
    client.force_login(users.officer_hanoi)
    assert client.get(grid_url(pccc), {"ky": PERIOD, "cap": cap}).status_code == 200
    export = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": "01"})
    assert client.get(export, {"ky": PERIOD, "cap": cap}).status_code == 200


def test_a_field_name_with_thousands_of_digits_is_not_a_cell(client, users, tree, pccc):
    client.force_login(users.officer_hanoi)
    body = urlencode({"ky": PERIOD, f"c{'9' * 5_000}_u1_v": "1"})
    response = client.post(grid_url(pccc), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert not Assessment.objects.exists()
