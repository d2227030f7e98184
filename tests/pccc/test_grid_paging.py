"""Issue 19 item 6: a province's entry grid is paged by 50 units (?trang=) so it loads fast on 4G."""

import json

import openpyxl
import pytest
from django.urls import reverse

from pccc.models import Assessment
from pccc.selectors import GRID_PAGE_SIZE

from .test_views import PERIOD, fill, grid_url, passing_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_officer(pccc, big_province):
    from tests.factories import make_user

    officer = make_user("canbo.tinh", unit=big_province, role="Cán bộ")
    communes = list(big_province.children.order_by("name", "pk"))
    fill(officer, pccc, big_province, [cell for unit in communes for cell in passing_commune(pccc, unit)])
    return officer


def test_the_grid_shows_one_page_of_units_and_says_which(client, pccc, province_officer):
    client.force_login(province_officer)
    response = client.get(grid_url(pccc), {"ky": PERIOD, "trang": "2"})
    html = response.content.decode()
    grid = response.context["grid"]
    assert (grid.page, grid.page_count, grid.units_total, len(grid.units)) == (2, 3, 126, GRID_PAGE_SIZE)
    assert "Đơn vị 51–100 / 126" in html
    assert 'name="trang" value="2"' in html
    assert f"?ky={PERIOD}&amp;cap=3&amp;trang=3" in html


def test_a_page_past_the_end_or_not_a_number_is_clamped(client, pccc, province_officer):
    client.force_login(province_officer)
    assert client.get(grid_url(pccc), {"ky": PERIOD, "trang": "99"}).context["grid"].page == 3
    assert client.get(grid_url(pccc), {"ky": PERIOD, "trang": "x"}).context["grid"].page == 1
    assert len(client.get(grid_url(pccc), {"ky": PERIOD, "trang": "3"}).context["rows"]) == 26


def test_a_page_of_the_grid_is_under_half_the_bytes_of_the_whole_province(client, pccc, province_officer):
    """126 communes × 5 criteria were 318,841 bytes of HTML before paging (measured on this fixture)."""
    client.force_login(province_officer)
    first_page = len(client.get(grid_url(pccc), {"ky": PERIOD}).content)
    assert first_page < 318_841 / 2


def test_saving_a_page_comes_back_to_that_page(client, pccc, province_officer):
    client.force_login(province_officer)
    unit = province_officer.unit.children.order_by("name", "pk")[60]
    cells = [{"c": pccc.serious.pk, "u": unit.pk, "v": "2"}]
    response = client.post(grid_url(pccc), {"ky": PERIOD, "cap": "3", "trang": "2", "cells_json": json.dumps(cells)})
    assert response.status_code == 302
    assert response["Location"].endswith("&trang=2")
    assert Assessment.objects.current().get(unit=unit, criterion=pccc.serious).value == 2


def test_the_excel_export_still_has_every_unit(client, pccc, province_officer):
    client.force_login(province_officer)
    url = reverse("exports:pccc_grid_xlsx", kwargs={"set_code": pccc.set.code, "unit_code": "01"})
    response = client.get(url, {"ky": PERIOD})
    import io

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    (sheet,) = workbook.worksheets
    assert sheet.max_row == 1 + 126
    assert sheet.title == "Tháng 10-2026"  # the period as officials write it (no "/" in a tab's name)
