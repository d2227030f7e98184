from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from pccc.choices import Comparator
from pccc.evaluation import meets
from pccc.periods import InvalidPeriod, Period, recent_periods


def criterion(comparator, target=None):
    return SimpleNamespace(comparator=comparator, target=None if target is None else Decimal(target))


@pytest.mark.parametrize(
    ("comparator", "target", "value", "denominator", "answer", "expected"),
    [
        (Comparator.AT_LEAST_PERCENT, "100", 1000, 1000, None, True),
        (Comparator.AT_LEAST_PERCENT, "100", 999, 1000, None, False),
        (Comparator.AT_LEAST_PERCENT, "90", 0, 0, None, True),
        (Comparator.AT_LEAST_PERCENT, "90", None, None, None, None),
        (Comparator.AT_MOST_PERCENT, "0.01", 1, 10000, None, True),
        (Comparator.AT_MOST_PERCENT, "0.01", 2, 10000, None, False),
        (Comparator.EQUALS_ZERO, None, 0, None, None, True),
        (Comparator.EQUALS_ZERO, None, 1, None, None, False),
        (Comparator.COUNT_AT_LEAST, "3", 3, None, None, True),
        (Comparator.COUNT_AT_LEAST, "3", 2, None, None, False),
        (Comparator.YES_NO, None, None, None, True, True),
        (Comparator.YES_NO, None, None, None, False, False),
        (Comparator.YES_NO, None, None, None, None, None),
    ],
)
def test_each_comparator_judges_a_value(comparator, target, value, denominator, answer, expected):
    assert meets(criterion(comparator, target), value=value, denominator=denominator, answer=answer) is expected


@pytest.mark.parametrize(
    ("key", "label", "start"),
    [
        ("2026-03", "Tháng 3/2026", date(2026, 3, 1)),
        ("2026-11", "Tháng 11/2026", date(2026, 11, 1)),
        ("2026-H1", "6 tháng đầu năm 2026", date(2026, 1, 1)),
        ("2026-H2", "6 tháng cuối năm 2026", date(2026, 7, 1)),
        ("2026-Q4", "Quý IV/2026", date(2026, 10, 1)),
        ("2025", "Năm 2025", date(2025, 1, 1)),
    ],
)
def test_period_keys_round_trip_with_vietnamese_labels(key, label, start):
    period = Period.parse(key)
    assert (period.key, period.label, period.start) == (key, label, start)


@pytest.mark.parametrize("key", ["2026-13", "2026-00", "2026-Q5", "26-01", "", "2026-1"])
def test_malformed_period_keys_are_refused(key):
    with pytest.raises(InvalidPeriod):
        Period.parse(key)


def test_only_periods_that_have_begun_are_offered():
    today = date(2026, 2, 10)
    periods = recent_periods(today)
    assert periods[0].key == "2026-02" and periods[11].key == "2025-03"
    assert [p.key for p in periods[12:16]] == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    assert not any(p.is_future(today) for p in periods)
    assert Period.parse("2026-03").is_future(today)


# Issue 11, item 7: a displayed value never contradicts its verdict.

from pccc.evaluation import percent_text, unit_passes  # noqa: E402


@pytest.mark.parametrize(
    ("value", "comparator", "target", "text"),
    [
        ("99.999", Comparator.AT_LEAST_PERCENT, "100", "99,999%"),  # not "100,00%" beside "Chưa đạt"
        ("0.00225", Comparator.AT_MOST_PERCENT, "0.01", "0,0023%"),  # not "0,00%": there were fires
        ("0.0104", Comparator.AT_MOST_PERCENT, "0.01", "0,0104%"),  # not "0,01%" beside "Chưa đạt"
        ("0.01", Comparator.AT_MOST_PERCENT, "0.01", "0,01%"),
        ("95", Comparator.AT_LEAST_PERCENT, "100", "95,00%"),
        ("100", Comparator.AT_LEAST_PERCENT, "100", "100,00%"),
        ("99.99999999", Comparator.AT_LEAST_PERCENT, "100", "99,999999%"),  # past 6 decimals: toward failing
        ("0", Comparator.AT_MOST_PERCENT, "0.01", "0,00%"),
    ],
)
def test_a_ratio_is_never_rounded_across_its_target(value, comparator, target, text):
    c = criterion(comparator, target)
    shown = percent_text(Decimal(value), comparator=c.comparator, target=c.target, minimum=2)
    assert shown == text
    # What is shown judges like the exact value.
    number = Decimal(shown.rstrip("%").replace(",", "."))
    assert meets(c, value=number * 10**8, denominator=100 * 10**8, answer=None) == meets(
        c, value=Decimal(value) * 10**8, denominator=100 * 10**8, answer=None
    )


def test_a_share_without_target_keeps_one_decimal_but_never_reads_zero():
    assert percent_text(Decimal("57.50")) == "57,5%"
    assert percent_text(Decimal("0.04")) == "0,04%"
    assert percent_text(None) == "–"


def level_criterion(pk, level, counts=True):
    return SimpleNamespace(pk=pk, level=level, counts_toward_pass=counts, is_active=True)


def test_a_unit_is_judged_by_the_criteria_of_its_own_level_only():
    criteria = [level_criterion(1, 1), level_criterion(2, 3), level_criterion(3, 3), level_criterion(4, 3, False)]
    assert unit_passes(level=3, criteria=criteria, results={1: False, 2: True, 3: True, 4: False}) is True
    assert unit_passes(level=1, criteria=criteria, results={1: False}) is False
    assert unit_passes(level=3, criteria=criteria, results={2: True}) is False  # a missing value: not passing
    assert unit_passes(level=3, criteria=criteria, results={4: True}) is None  # tracking only: not reported
    assert unit_passes(level=2, criteria=criteria, results={}) is None  # nothing judged at this level
