"""The nightly indicator snapshots: a fixed number of statements, and the live board's figures."""

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators import demo
from indicators.models import IndicatorSnapshot
from indicators.rollup import NATIONAL_PATH
from indicators.selectors import indicator_board
from indicators.snapshots import indicator_snapshots_rebuild
from pccc.periods import Period
from provinces.choices import UnitKind
from tasks.models import Programme
from tests.factories import make_unit

NOV = "2026-11"


def add_communes(parent, count: int, start: int) -> list:
    return [
        make_unit(f"{start + n:05d}", f"Phường Thử {start + n}", parent=parent, kind=UnitKind.PHUONG)
        for n in range(count)
    ]


def statements_of_the_indicator_part() -> int:
    with CaptureQueriesContext(connection) as captured:
        indicator_snapshots_rebuild()
    return len(captured.captured_queries)


def test_the_snapshot_statements_do_not_grow_with_the_units(
    tree, programme, chip_ids, security_models, put_value, put_target
):
    put_target(chip_ids, None, "98.5")
    for commune in (tree.hoankiem, tree.badinh):
        put_value(chip_ids, commune, NOV, 90, 100)
        put_value(security_models, commune, NOV, 3, paired=40)
    small = statements_of_the_indicator_part()
    rows_small = IndicatorSnapshot.objects.count()

    for n, commune in enumerate(add_communes(tree.hanoi, 30, 20000) + add_communes(tree.haiphong, 30, 30000)):
        put_value(chip_ids, commune, NOV, 80 + n % 20, 100)
        put_value(security_models, commune, NOV, n, paired=10 * n)
        put_value(chip_ids, commune, "2026-10", 70, 100)
    large = statements_of_the_indicator_part()

    # 2 → 62 communes, 1 → 2 periods: many more rows, the same statements (one programme: its
    # list, 7 reads, a savepoint pair, a DELETE, one INSERT, the clean-up DELETE).
    assert IndicatorSnapshot.objects.count() > 10 * rows_small
    assert large == small
    assert small <= 15


def live_figures(programme, unit, period):
    board = indicator_board(programme=programme, unit=unit, period=Period.parse(period))
    return board.figures


def as_tuple(figure):
    return (
        figure.amount.reported,
        figure.amount.numerator,
        figure.amount.denominator,
        figure.amount.paired,
        figure.target,
        figure.judgement.met,
        figure.judgement.gap,
        figure.change,
        getattr(figure.phase, "pk", None),
        getattr(figure.phase_not_started, "pk", None),
        figure.outside_pilot,
    )


def snapshot_tuple(row):
    return (
        row.reported,
        row.numerator,
        row.denominator,
        row.paired_value,
        row.target,
        row.met,
        row.gap,
        row.change,
        row.phase_id,
        row.phase_not_started_id,
        row.outside_pilot,
    )


def test_the_snapshots_equal_the_live_board_on_the_demo_data(tree):
    """Every row written (unit, indicator, period) against the live board of that unit and period."""
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="TTg", year=today.year,
        start_date=datetime.date(today.year, 1, 1), end_date=datetime.date(today.year, 12, 31),
    )  # fmt: skip
    demo.seed_demo(stdout=io.StringIO())
    fire = Programme.objects.exclude(pk=programme.pk).filter(indicators__isnull=False).distinct()
    result = indicator_snapshots_rebuild()
    assert result.failures == ()
    rows = list(IndicatorSnapshot.objects.select_related("unit"))
    assert result.rows == len(rows) > 10
    units = {row.unit for row in rows}
    # The national rows, both provinces and the wards of the fire-warning pilot.
    assert None in units and tree.hanoi in units and tree.haiphong in units
    checked = 0
    for programme_row in [programme, *fire]:
        for (unit, period), group in _grouped(r for r in rows if r.programme_id == programme_row.pk).items():
            live = {f.indicator.pk: as_tuple(f) for f in live_figures(programme_row, unit, period)}
            for row in group:
                assert snapshot_tuple(row) == live[row.indicator_id], (unit, period, row.indicator_id)
                checked += 1
    assert checked == len(rows)


def _grouped(rows):
    groups = {}
    for row in rows:
        groups.setdefault((row.unit, row.period), []).append(row)
    return groups


def test_a_unit_has_rows_for_its_latest_period_and_its_parents(tree, programme, chip_ids, put_value):
    """What the dashboard reads: a unit's latest period (its card), its parent's (the parent's ranking)."""
    put_value(chip_ids, tree.hoankiem, NOV, 90, 100)
    put_value(chip_ids, tree.badinh, "2026-10", 60, 100)
    put_value(chip_ids, tree.hongbang, "2026-10", 50, 100)
    put_value(chip_ids, tree.hongbang, "2026-09", 40, 100)  # history: read live on the indicator page
    indicator_snapshots_rebuild()
    periods = {}
    for path, period in IndicatorSnapshot.objects.values_list("scope_path", "period"):
        periods.setdefault(path, set()).add(period)
    assert periods == {
        NATIONAL_PATH: {NOV},
        tree.hanoi.path: {NOV},
        tree.hoankiem.path: {NOV},
        tree.badinh.path: {"2026-10"},  # latest October; Hà Nội's ranking (November) has no row: not reported
        tree.haiphong.path: {"2026-10"},  # not reported in November: absent from the country's ranking
        tree.hongbang.path: {"2026-10"},
    }


def test_a_rerun_replaces_the_rows(tree, programme, chip_ids, put_value):
    value = put_value(chip_ids, tree.hanoi, NOV, 90, 100)
    indicator_snapshots_rebuild()
    value.numerator = 95
    value.save()
    indicator_snapshots_rebuild()
    row = IndicatorSnapshot.objects.get(scope_path=tree.hanoi.path)
    assert row.numerator == 95
    assert IndicatorSnapshot.objects.count() == 2  # Hà Nội and the country


def dashboard_section(client, programme, code="01") -> str:
    from django.urls import reverse

    html = client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, code])).content.decode()
    return html[html.index('id="indicators"') :]


def test_the_dashboard_card_reads_the_snapshots_once_written(
    client, users, tree, programme, chip_ids, put_value, put_target
):
    value = put_value(chip_ids, tree.hanoi, NOV, 1_500_000, 1_522_843)
    put_target(chip_ids, None, "100")
    indicator_snapshots_rebuild()
    value.numerator = 1_522_843  # entered after the night's run: shown after the next one
    value.save()
    client.force_login(users.leader_hanoi)
    section = dashboard_section(client, programme)
    assert "Tháng 11/2026" in section
    assert "1.500.000/1.522.843" in section and "còn thiếu 22.843 người" in section
    assert "Chưa đạt so với chỉ tiêu giao" in section


def test_the_dashboard_card_computes_live_before_the_first_run(
    client, users, tree, programme, chip_ids, put_value, put_target
):
    put_value(chip_ids, tree.hanoi, NOV, 1_500_000, 1_522_843)
    put_target(chip_ids, None, "100")
    client.force_login(users.leader_hanoi)
    assert "còn thiếu 22.843 người" in dashboard_section(client, programme)


def test_the_snapshot_card_costs_three_queries_whatever_the_units(
    tree, programme, chip_ids, security_models, put_value, django_assert_num_queries
):
    from indicators.selectors import dashboard_indicator_board

    for n, commune in enumerate([tree.hoankiem, tree.badinh, *add_communes(tree.hanoi, 20, 20000)]):
        put_value(chip_ids, commune, NOV, 80 + n % 20, 100)
        put_value(security_models, commune, NOV, n)
    indicator_snapshots_rebuild()
    with django_assert_num_queries(3):  # indicators, their phases, the unit's rows of its latest period
        board = dashboard_indicator_board(programme=programme, unit=tree.hanoi)
    assert [f.amount.numerator for f in board.figures] == [sum(80 + n % 20 for n in range(22)), sum(range(22))]


def test_the_nightly_run_writes_the_indicator_snapshots(tree, programme, chip_ids, put_value):
    from dashboards.choices import RunOutcome
    from dashboards.services import recompute_run

    put_value(chip_ids, tree.hanoi, NOV, 90, 100)
    run = recompute_run(as_of=datetime.date(2026, 12, 1), triggered_by="test")
    assert run.outcome == RunOutcome.SUCCESS
    assert run.rows_written == IndicatorSnapshot.objects.count() == 2  # Hà Nội and the country (no task)


def test_a_programme_whose_snapshots_fail_makes_the_run_partial(tree, programme, chip_ids, put_value, monkeypatch):
    from dashboards.choices import RunOutcome
    from dashboards.services import recompute_run
    from indicators import snapshots

    put_value(chip_ids, tree.hanoi, NOV, 90, 100)
    snapshots.indicator_snapshots_rebuild()

    def broken(**kwargs):
        raise ValueError("hỏng")

    monkeypatch.setattr(snapshots, "programme_snapshots_write", broken)
    run = recompute_run(as_of=datetime.date(2026, 12, 1), triggered_by="test")
    assert run.outcome == RunOutcome.PARTIAL
    assert "Chỉ tiêu của đề án “Đề án 06 năm 2026”: ValueError: hỏng" in run.error
    assert IndicatorSnapshot.objects.count() == 2  # what the earlier run wrote is kept


def test_a_range_of_days_writes_the_indicator_snapshots_once(tree, programme, chip_ids, put_value, monkeypatch):
    from dashboards import jobs
    from indicators import snapshots

    calls = []
    real = snapshots.indicator_snapshots_rebuild
    monkeypatch.setattr("dashboards.services.indicator_snapshots_rebuild", lambda **kw: calls.append(1) or real(**kw))
    put_value(chip_ids, tree.hanoi, NOV, 90, 100)
    jobs.recompute_progress_range_job("2026-11-28", "2026-12-01")
    assert len(calls) == 1
    assert IndicatorSnapshot.objects.count() == 2
