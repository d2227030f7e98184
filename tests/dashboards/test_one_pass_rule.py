"""Issue 11, item 4: one pass rule and one denominator on every surface.

A set mixes a province-level criterion with commune-level ones; Hải Phòng reports a month
late. The PCCC pages, the recompute, the dashboards, the Excel ranking and the meeting
report must all say the same "x/y đơn vị đạt" (y: every unit of the level in the scope).
"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dashboards.models import PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.choices import Aggregation, Comparator
from pccc.periods import Period
from pccc.services import CellInput, assessment_grid_save
from tests.pccc.conftest import make_criterion, pccc  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    """Read at test time, not at import: a suite that runs across midnight (Vietnam time)
    would otherwise compare yesterday's date with today's data."""
    return timezone.localdate()


def this_month():
    return Period.month_of(today())


def passing_commune(pccc, unit):  # noqa: F811
    return [
        CellInput(pccc.households.pk, unit.pk, value=100, denominator=100),
        CellInput(pccc.fires.pk, unit.pk, value=0, denominator=5000),
        CellInput(pccc.serious.pk, unit.pk, value=0),
        CellInput(pccc.villages.pk, unit.pk, answer="1", evidence="BC"),
        CellInput(pccc.groups.pk, unit.pk, value=0),  # tracking only, below its "target": never a fail
    ]


@pytest.fixture
def figures(tree, users, pccc, make_task):  # noqa: F811
    steering = make_criterion(
        pccc.set, "T0", Comparator.YES_NO, Aggregation.SHARE_PASSING, level=1, title="Ban chỉ đạo cấp tỉnh"
    )

    def save(user, root, period, cells):
        assessment_grid_save(user=user, criteria_set=pccc.set, root=root, period=period.key, cells=cells)

    # Hà Nội, this month: Ba Đình and Hoàn Kiếm pass, Sóc Sơn has not reported; the province itself fails T0.
    save(users.officer_hanoi, tree.hanoi, this_month(),
         [*passing_commune(pccc, tree.badinh), *passing_commune(pccc, tree.hoankiem),
          CellInput(steering.pk, tree.hanoi.pk, answer="0", evidence="Đang kiện toàn")])  # fmt: skip
    # Hải Phòng is a month late: Hồng Bàng passes last month.
    save(users.officer_haiphong, tree.haiphong, this_month().previous_month(), passing_commune(pccc, tree.hongbang))
    make_task(unit=tree.hoankiem)
    make_task(unit=tree.hongbang)
    snapshot_rebuild(as_of=today())
    return steering


def test_the_recompute_judges_each_unit_at_its_own_level(tree, figures):
    hanoi = PcccSnapshot.objects.get(date=today(), scope_path=tree.hanoi.path)
    assert (hanoi.units_passing, hanoi.units_total, hanoi.units_assessed) == (2, 3, 2)
    assert (hanoi.levels["1"]["passing"], hanoi.levels["1"]["total"]) == (0, 1)
    haiphong = PcccSnapshot.objects.get(date=today(), scope_path=tree.haiphong.path)
    assert (haiphong.units_passing, haiphong.units_total, haiphong.period) == (1, 1, this_month().previous_month().key)


def test_the_pccc_pages_say_the_same(client, users, tree, pccc, figures):  # noqa: F811
    client.force_login(users.national)
    for unit, period, passing, total, reported in (
        (tree.hanoi, this_month(), 2, 3, 2),
        (tree.haiphong, this_month().previous_month(), 1, 1, 1),
    ):
        response = client.get(reverse("pccc:unit_results", args=[pccc.set.code, unit.code]))
        assert response.context["period"] == period  # the unit's own latest month, as the recompute
        (communes,) = response.context["results"].levels
        assert (communes.units_passing, communes.units_total, communes.units_reported) == (passing, total, reported)
        html = response.content.decode()
        assert f"{passing}/{total} đơn vị đạt" in html and f"{reported} đã báo cáo" in html
    hanoi = client.get(reverse("pccc:unit_results", args=[pccc.set.code, tree.hanoi.code]))
    assert hanoi.context["results"].own_passes is False  # T0 judges the province only


def test_the_dashboards_say_the_same(client, users, tree, programme, figures):
    client.force_login(users.national)
    national = client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, "toan-quoc"]))
    rows = {row.unit.code: row for row in national.context["board"].ranking}
    assert (rows["01"].pccc.units_passing, rows["01"].pccc.units_total) == (2, 3)
    assert (rows["31"].pccc.units_passing, rows["31"].pccc.units_total) == (1, 1)
    html = national.content.decode()
    current, last = this_month(), this_month().previous_month()
    assert f"Tháng {last.number}/{last.year} – Tháng {current.number}/{current.year}" in html
    haiphong_row = html.split('data-unit="31"', 1)[1].split("</tr>", 1)[0]
    assert f"Tháng {last.number}/{last.year}" in haiphong_row  # the late province says so
    hanoi = client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, "01"]))
    board = hanoi.context["board"]
    assert (board.pccc.units_passing, board.pccc.units_total, board.pccc.units_assessed) == (2, 3, 2)
    html = hanoi.content.decode()
    assert "2/3" in html and "2 đã báo cáo" in html
    assert "Cấp tỉnh: 0/1 đơn vị đạt · 1 đã báo cáo" in html  # the province itself, judged on T0
    rates = {criterion.code: numbers for criterion, numbers in board.criteria_rates}
    assert rates["CS1"]["pass_rate"] is None  # tracking only: no pass rate
    assert (rates["TC1"]["units_passing"], rates["TC1"]["units_total"]) == (2, 3)


def test_the_excel_ranking_and_the_meeting_report_say_the_same(client, users, tree, programme, figures):
    client.force_login(users.national)
    response = client.get(reverse("exports:ranking_xlsx", args=[programme.pk, "toan-quoc"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    by_name = {
        sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=11).value for r in range(2, sheet.max_row + 1)
    }
    assert by_name["Thành phố Hà Nội"] == pytest.approx(2 / 3)
    assert by_name["Thành phố Hải Phòng"] == pytest.approx(1.0)

    client.force_login(users.leader_hanoi)
    report = client.get(reverse("exports:report"), {"programme": programme.pk, "unit": "01", "ky": str(today().year)})
    document = Document(io.BytesIO(report.content))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Cấp" and len(t.columns) == 5)
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert rows == [["Cấp tỉnh", "1", "1", "0", "0,0%"], ["Cấp xã", "3", "2", "2", "66,7%"]]
