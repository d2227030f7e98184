"""The ranking's rows and the tile map are drawn in Python (``dashboard_tags.ranking_rows``, ``tile_links``)
for speed (issue 15): they must draw exactly what the template engine drew, whatever the row.

``reference_ranking_rows.html`` and ``reference_tile_links.html`` beside this file are the template markup
they replaced (the components inlined); each case renders both and compares them, whitespace between
tags aside."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dashboards.models import CompletionSnapshot, PcccSnapshot
from dashboards.selectors import RankingRow
from dashboards.templatetags.dashboard_tags import fixed, ranking_rows, tile_links
from indicators.selectors import RankingGrade
from provinces.models import AdministrativeUnit
from tasks.models import Programme

REFERENCE = Path(__file__).parent
REFERENCE_ROW = (REFERENCE / "reference_ranking_rows.html").read_text()
REFERENCE_TILE = (REFERENCE / "reference_tile_links.html").read_text()


def normalized(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def unit(code: str, name: str) -> AdministrativeUnit:
    return AdministrativeUnit(code=code, name=name)


def completion(value, started=3, total=4, overdue=0) -> CompletionSnapshot:
    return CompletionSnapshot(
        weighted_completion=value, tasks_started=started, tasks_total=total, tasks_overdue=overdue
    )


def pccc(passing, total, period="2026-10", earliest="") -> PcccSnapshot:
    return PcccSnapshot(units_passing=passing, units_total=total, period=period, period_earliest=earliest)


ROWS = [
    RankingRow(
        unit=unit("00004", "Phường Ba Đình"),
        snapshot=completion(Decimal("66.67"), overdue=2),
        pccc=pccc(1, 3),
        change_7=Decimal("1.25"),
        change_30=Decimal("-8.33"),
    ),
    # A name to escape, a change rounded to zero from below, a PCCC period not the scope's.
    RankingRow(
        unit=unit("00070", 'Xã <b>"Thử"</b> & Co'),
        snapshot=completion(Decimal("0.00"), started=0, total=0),
        pccc=pccc(0, 2, period="2026-10", earliest="2026-09"),
        change_7=Decimal("-0.04"),
        change_30=Decimal("0"),
    ),
    # No tasks, no PCCC figures, no changes.
    RankingRow(unit=unit("00073", "Thành phố Rất Dài Tên Ở Đây"), snapshot=None, pccc=None),
    # Graded by the programme's rule, every band's boundary.
    RankingRow(
        unit=unit("10183", "Xã Thường Tín"),
        snapshot=completion(Decimal("80.00"), started=4),
        pccc=pccc(2, 0),
        graded=RankingGrade(score=Decimal("87.455"), grade="A", indicators_met=3, indicators_judged=4, formula=""),
    ),
    RankingRow(unit=unit("10184", "Phường Một"), snapshot=completion(Decimal("49.95")), pccc=None),
    RankingRow(unit=unit("10185", "Phường Hai"), snapshot=completion(Decimal("100.00")), pccc=None),
]


@pytest.fixture
def programme():
    return Programme(pk=7, name="Đề án 06")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_ranking_rows_draw_what_the_template_drew(programme, language):
    scope_pccc = pccc(3, 9)
    with translation.override(language):
        for row in ROWS:
            labels = translation.gettext("7 ngày"), translation.gettext("30 ngày")
            row.changes = list(zip((row.change_7, row.change_30), labels, strict=True))
        expected = (
            engines["django"]
            .from_string(REFERENCE_ROW)
            .render({"rows": ROWS, "programme": programme, "scope_pccc": scope_pccc})
        )
        drawn = ranking_rows(ROWS, programme, scope_pccc)
    assert normalized(drawn) == normalized(expected)
    assert "&lt;b&gt;&quot;Thử&quot;&lt;/b&gt; &amp; Co" in drawn and "<b>" not in drawn


def test_without_a_scope_pccc_snapshot_no_period_is_written(programme):
    drawn = ranking_rows(ROWS[1:2], programme, None)
    assert "Tháng 9/2026" not in drawn
    assert "Tháng 9/2026" in ranking_rows(ROWS[1:2], programme, pccc(3, 9))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_tile_links_draw_what_the_template_drew(programme, language):
    tiles = [{"row": row, "grid_row": i + 1, "grid_col": 2 * i + 1} for i, row in enumerate(ROWS)]
    with translation.override(language):
        expected = engines["django"].from_string(REFERENCE_TILE).render({"tiles": tiles, "programme": programme})
        drawn = tile_links(tiles, programme)
    assert normalized(drawn) == normalized(expected)


@given(
    value=st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False),
    places=st.sampled_from([1, 2]),
    language=st.sampled_from(["vi", "en"]),
)
def test_fixed_is_floatformat_for_decimals(value, places, language):
    with translation.override(language):
        separator = "," if language == "vi" else "."
        assert fixed(value, places, separator) == floatformat(value, places)
