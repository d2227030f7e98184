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
        ("2026-03", "Tháng 03/2026", date(2026, 3, 1)),
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
