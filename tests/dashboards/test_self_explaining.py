"""Issue 19 item 8 on the dashboard: two names for two measures, legends for the grades and the
7/30-day columns, periods as officials write them, and snapshot and live figures labelled."""

import re

import pytest
from django.conf import settings

from dashboards.templatetags.dashboard_tags import grade_bands

from .test_views import figures, url  # noqa: F401  (the Hà Nội figures and the dashboard's URL)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, users, programme, figures):  # noqa: F811
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "01"))
    assert response.status_code == 200
    return response


def test_the_weighted_average_and_the_count_have_a_name_each(page):
    html = page.content.decode()
    snap = page.context["board"].snapshot
    assert "Tiến độ bình quân (có trọng số)" in html
    headline = html.split('id="headline"', 1)[1].split('id="started-share"', 1)[0]
    assert "Nhiệm vụ đã hoàn thành" in headline
    assert f"{snap.tasks_completed}/{snap.tasks_total}" in headline
    # The ambiguous names are gone from the page.
    assert "Tỷ lệ hoàn thành" not in html
    assert ">Hoàn thành <" not in html and ">Đã hoàn thành<" not in html


def test_the_ranking_explains_its_grades_and_its_7_and_30_day_columns(page):
    html = page.content.decode()
    legend = html.split('id="ranking-legend"', 1)[1].split("</div>\n</div>", 1)[0]
    for band in grade_bands():
        assert f">{band['label']}</span>" in legend
    top, second, *_rest = settings.DASHBOARD_GRADES
    assert f"từ {top[0]:g}%" in legend
    assert f"từ {second[0]:g}% đến dưới {top[0]:g}%" in legend
    assert "7 ngày, 30 ngày: tiến độ bình quân tăng" in legend


def test_grade_bands_follow_the_settings_that_grade_judges_by():
    bands = grade_bands()
    assert [b["lower"] for b in bands] == [threshold for threshold, _l, _c in settings.DASHBOARD_GRADES]
    assert bands[0]["upper"] is None and bands[1]["upper"] == bands[0]["lower"]


def test_snapshot_and_live_sections_say_which_they_are(page):
    html = page.content.decode()
    assert re.search(r'id="ranking-source">Số liệu tổng hợp lúc \d\d:\d\d \d\d/\d\d/\d{4}', html)
    assert "(số liệu trực tiếp)" in html.split('id="bottlenecks-source"', 1)[1][:80]
    assert "số liệu trực tiếp" in html.split('id="agency-source"', 1)[1][:80]
    assert "số liệu tổng hợp của lượt tính" in html.split('id="headline-source"', 1)[1][:120]


def test_the_headline_blocked_card_reads_one_clock(page):
    """The blocked card's count and its "chờ hướng dẫn Trung ương" detail both come from the snapshot."""
    snap = page.context["board"].snapshot
    html = page.content.decode()
    assert f"{snap.blocked_waiting_central} chờ hướng dẫn Trung ương" in html


def test_the_pccc_period_is_written_as_officials_write_it(page):
    html = page.content.decode()
    period = page.context["board"].pccc.period
    month, year = int(period[5:7]), period[:4]
    assert f"(Tháng {month}/{year})" in html


def test_the_pccc_card_counts_the_units_without_enough_data(client, users, programme, figures):  # noqa: F811
    from dashboards.models import PcccSnapshot

    snapshot = PcccSnapshot.objects.filter(scope_path=users.leader_hanoi.unit.path).latest("date")
    level = str(max(int(key) for key in snapshot.levels))
    snapshot.levels[level]["incomplete"] = 1
    snapshot.save()
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme, "01")).content.decode()
    assert "trong đó 1 chưa đủ số liệu" in html


@pytest.mark.parametrize(
    ("key", "written"), [("2026-Q4", "Sơ kết quý IV/2026"), ("2026-H1", "Sơ kết 6 tháng đầu năm 2026")]
)
def test_the_meeting_report_writes_its_period_with_the_same_function(tree, programme, figures, key, written):  # noqa: F811
    from exports.report_data import report_data
    from pccc.periods import Period

    data = report_data(programme=programme, unit=tree.hanoi, period=Period.parse(key))
    assert data.subtitle.startswith(written)
    captions = [str(caption) for section in data.sections for caption, _headers, _rows in section.tables]
    pccc_caption = next(caption for caption in captions if "Mô hình" in caption)
    assert "(Tháng " in pccc_caption  # the PCCC figures' own period, as the dashboard writes it
    headers = [str(h) for section in data.sections for _c, headers, _r in section.tables for h in headers]
    assert "Tiến độ bình quân (có trọng số)" in headers and "Nhiệm vụ đã hoàn thành" in headers
