"""Printing the dashboard for a meeting: the one-page summary (?in=tom-tat), the report buttons, the print header."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.selectors import RankingRow, ranking_summary
from dashboards.services import snapshot_rebuild
from dashboards.views import css_string
from tasks.choices import TaskStatus
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

WARDS = 25


def today() -> datetime.date:
    return timezone.localdate()


def ward(i: int) -> str:
    return f"Phường Số {i:02d}"


@pytest.fixture
def wards(tree, make_task, report):
    """25 wards of Hà Nội, ward i at 3·i % (ward 25 leads), plus one overdue task in Hoàn Kiếm (0 %)."""
    for i in range(1, WARDS + 1):
        task = make_task(unit=make_unit(f"9{i:04d}", ward(i), parent=tree.hanoi))
        report(task, percent=3 * i, status=TaskStatus.IN_PROGRESS, on=today())
    make_task(unit=tree.hoankiem, title="Làm sạch dữ liệu hộ tịch", deadline=today() - datetime.timedelta(days=3))
    snapshot_rebuild(as_of=today())


def url(programme, code="01"):
    return reverse("dashboards:unit_dashboard", args=[programme.pk, code])


def test_the_summary_lists_the_top_and_bottom_ten_and_leaves_out_the_middle(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme), {"in": "tom-tat"})
    html = response.content.decode()
    assert response.status_code == 200
    # 26 ranked: wards 25..16 lead; wards 9..1 and Hoàn Kiếm (0 %) trail; wards 15..10 are left out.
    for i in [*range(16, WARDS + 1), *range(1, 10)]:
        assert ward(i) in html, i
    assert "Phường Hoàn Kiếm" in html
    for i in range(10, 16):
        assert ward(i) not in html, i
    assert "6 đơn vị khác ở giữa bảng xếp hạng (tổng 26 đơn vị)" in html
    assert "ranking-table" not in html  # not the full ranking


def test_the_summary_has_the_headline_figures_and_the_bottlenecks(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme), {"in": "tom-tat"}).content.decode()
    assert 'id="summary-headline"' in html
    assert "Tiến độ bình quân (có trọng số)" in html
    assert "Làm sạch dữ liệu hộ tịch" in html  # the overdue task, under its lead agency
    assert 'id="since"' not in html and "trend-chart" not in html  # only what fits one page


def test_a_scope_of_at_most_twenty_units_is_listed_whole(client, users, programme, tree, make_task):
    for unit in (tree.hoankiem, tree.badinh):
        make_task(unit=unit)
    snapshot_rebuild(as_of=today())
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme), {"in": "tom-tat"}).content.decode()
    assert "Phường Hoàn Kiếm" in html and "Phường Ba Đình" in html
    assert "thấp nhất" not in html


def test_ranking_summary_places_units_by_completion():
    """Pure: the places are those of the full ranking, units without tasks are only counted."""
    rows = [
        RankingRow(unit=SimpleNamespace(name=f"U{i:02d}"), snapshot=SimpleNamespace(weighted_completion=Decimal(i)),
                   pccc=None)
        for i in range(30)
    ] + [RankingRow(unit=SimpleNamespace(name="Trống"), snapshot=None, pccc=None)]  # fmt: skip
    summary = ranking_summary(rows)
    assert [(place, row.unit.name) for place, row in summary.top[:2]] == [(1, "U29"), (2, "U28")]
    assert [(place, row.unit.name) for place, row in summary.bottom[-2:]] == [(29, "U01"), (30, "U00")]
    assert (len(summary.top), len(summary.bottom), summary.left_out, summary.without_figures) == (10, 10, 10, 1)


def test_the_dashboard_offers_the_summary_and_both_report_formats(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme)).content.decode()
    query = f"programme={programme.pk}&amp;unit=01&amp;ky={today().year}"
    assert f'id="report-docx" href="{reverse("exports:report")}?{query}"' in html
    assert f'id="report-pdf" href="{reverse("exports:report_pdf")}?{query}"' in html
    assert 'id="print-summary" href="?in=tom-tat"' in html
    assert "In bản tóm tắt 1 trang" in html and "Báo cáo sơ kết (PDF)" in html


def test_the_buttons_keep_the_chosen_day(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    day = today() - datetime.timedelta(days=400)
    html = client.get(url(programme), {"ngay": day.isoformat()}).content.decode()
    query = f"programme={programme.pk}&amp;unit=01&amp;ky={day.year}&amp;ngay={day.isoformat()}"
    assert f'id="report-docx" href="{reverse("exports:report")}?{query}"' in html
    assert f'id="report-pdf" href="{reverse("exports:report_pdf")}?{query}"' in html
    assert f'id="print-summary" href="?in=tom-tat&amp;ngay={day.isoformat()}"' in html


def test_the_report_button_downloads_the_docx(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("exports:report"), {"programme": programme.pk, "unit": "01", "ky": today().year})
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")


def test_the_national_dashboard_links_to_the_report_form(client, users, programme, wards):
    client.force_login(users.national)
    html = client.get(url(programme, "toan-quoc")).content.decode()
    assert 'id="report-form"' in html and 'id="report-docx"' not in html


def test_the_printed_page_carries_the_unit_and_data_date(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme)).content.decode()
    day = today().strftime("%d/%m/%Y")
    assert 'id="print-header"' in html and f"Số liệu ngày {day}" in html
    # The running header of every printed page, CSS-escaped: "Thành phố Hà Nội · … · số liệu ngày dd/mm/yyyy".
    assert "@top-left { content: " + css_string(f"Thành phố Hà Nội · Đề án 06 năm 2026 · số liệu ngày {day}") in html
    assert "counter(page)" in html and "counter(pages)" in html


def test_css_string_cannot_end_the_style_element_or_the_string():
    text = css_string('Phường "A" \\ </style><script>')
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner
    assert "Phường" in inner and "\\22 " in inner and "\\3c " in inner


def test_the_summary_and_the_full_page_are_cached_apart(client, users, programme, wards):
    client.force_login(users.leader_hanoi)
    assert "ranking-table" in client.get(url(programme)).content.decode()
    assert 'id="summary-sheet"' in client.get(url(programme), {"in": "tom-tat"}).content.decode()
    assert "ranking-table" in client.get(url(programme)).content.decode()


def test_the_summary_runs_a_fixed_number_of_queries(
    client, users, programme, wards, tree, make_task, django_assert_max_num_queries
):
    client.force_login(users.leader_hanoi)
    # 16 since the page key counts the bell's unread notifications (the page carries the bell).
    with django_assert_max_num_queries(16) as small:
        client.get(url(programme), {"in": "tom-tat"})
    for i in range(20):
        make_task(unit=make_unit(f"8{i:04d}", f"Xã mới {i}", parent=tree.hanoi))
    snapshot_rebuild(as_of=today())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(programme), {"in": "tom-tat"})
