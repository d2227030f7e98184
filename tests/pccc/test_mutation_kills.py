"""Boundaries of the pass/fail rules and of the percentages beside them that mutation testing found
unpinned (docs/testing.md). Pure functions: no database."""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from types import SimpleNamespace

import pytest

from pccc.choices import Comparator
from pccc.evaluation import (
    MAX_DECIMALS,
    criterion_percent_places,
    criterion_percent_text,
    meets,
    percent,
    percent_decimals,
    percent_rounded,
    percent_text,
    unit_passes,
    verdict,
)

AT_LEAST, AT_MOST = Comparator.AT_LEAST_PERCENT, Comparator.AT_MOST_PERCENT


def criterion(comparator, target=None, *, pk=1, level=2, counts=True, active=True):
    return SimpleNamespace(
        pk=pk,
        comparator=comparator,
        target=None if target is None else Decimal(target),
        level=level,
        counts_toward_pass=counts,
        is_active=active,
    )


def test_percent_is_value_over_denominator_times_a_hundred():
    assert percent(1, 4) == Decimal(25)
    assert percent(3, 2) == Decimal(150)
    assert percent(0, 5) == Decimal(0)
    assert percent(None, 5) is None
    assert percent(5, 0) is None
    assert percent(5, None) is None


def test_a_ratio_exactly_on_its_target_meets_both_kinds_of_target():
    assert meets(criterion(AT_LEAST, "50"), value=1, denominator=2, answer=None) is True
    assert meets(criterion(AT_MOST, "50"), value=1, denominator=2, answer=None) is True
    assert meets(criterion(AT_MOST, "50"), value=2, denominator=3, answer=None) is False
    assert meets(criterion(AT_LEAST, "50"), value=1, denominator=3, answer=None) is False


def test_a_ratio_without_denominator_is_not_judged_and_a_zero_denominator_has_no_shortfall():
    assert meets(criterion(AT_LEAST, "90"), value=3, denominator=None, answer=None) is None
    assert meets(criterion(AT_MOST, "1"), value=3, denominator=0, answer=None) is True


def test_counts_compare_the_value_itself():
    assert meets(criterion(Comparator.COUNT_AT_LEAST, "3"), value=4, denominator=None, answer=None) is True
    assert meets(criterion(Comparator.COUNT_AT_LEAST, "3"), value=3, denominator=1, answer=None) is True
    assert meets(criterion(Comparator.EQUALS_ZERO), value=0, denominator=5, answer=None) is True
    assert meets(criterion(Comparator.EQUALS_ZERO), value=None, denominator=None, answer=None) is None
    assert meets(criterion(Comparator.YES_NO), value=5, denominator=None, answer=False) is False


def test_verdict_judges_only_criteria_that_count():
    assert verdict(criterion(AT_LEAST, "50"), value=1, denominator=2, answer=None) is True
    assert verdict(criterion(AT_LEAST, "50"), value=1, denominator=4, answer=None) is False
    assert verdict(criterion(AT_LEAST, "50", counts=False), value=1, denominator=4, answer=None) is None


def test_a_unit_passes_when_every_counting_criterion_of_its_level_is_met():
    own, other = criterion(AT_LEAST, "50", pk=1), criterion(AT_LEAST, "50", pk=2)
    province = criterion(AT_LEAST, "50", pk=3, level=1)
    assert unit_passes(level=2, criteria=[own, other, province], results={1: True, 2: True, 3: False}) is True
    assert unit_passes(level=2, criteria=[own, other], results={1: True, 2: False}) is False
    assert unit_passes(level=2, criteria=[own, other], results={1: True}) is False  # reported some, not all
    assert unit_passes(level=2, criteria=[own, other], results={}) is None
    assert unit_passes(level=2, criteria=[province], results={3: True}) is None  # nothing at its level


def test_tracking_only_and_inactive_criteria_never_decide_a_pass():
    own = criterion(AT_LEAST, "50", pk=1)
    tracking = criterion(AT_LEAST, "50", pk=2, counts=False)
    inactive = criterion(AT_LEAST, "50", pk=3, active=False)
    assert unit_passes(level=2, criteria=[own, tracking, inactive], results={1: True, 2: False, 3: False}) is True
    assert unit_passes(level=2, criteria=[tracking], results={2: True}) is None
    no_flag = SimpleNamespace(pk=4, comparator=AT_LEAST, target=Decimal(1), level=2, counts_toward_pass=True)
    assert unit_passes(level=2, criteria=[no_flag], results={4: True}) is True


@pytest.mark.parametrize(
    ("value", "comparator", "target", "minimum", "expected"),
    [
        (Decimal("98.5"), None, None, 1, (1, ROUND_HALF_UP)),
        (Decimal("98.5"), None, None, 2, (2, ROUND_HALF_UP)),
        (Decimal("98.5"), AT_LEAST, Decimal("90.25"), 1, (2, ROUND_HALF_UP)),  # the target's decimals
        (Decimal("99.99"), AT_LEAST, Decimal("100"), 1, (2, ROUND_HALF_UP)),  # 100,0% would read as passing
        (Decimal("0.0101"), AT_MOST, Decimal("0.01"), 2, (4, ROUND_HALF_UP)),  # 0,01% would read as passing
        (Decimal("0.00225"), None, None, 1, (4, ROUND_HALF_UP)),  # two significant digits: 0,0023%
        (Decimal("0.05"), None, None, 1, (2, ROUND_HALF_UP)),
        (Decimal("0"), None, None, 1, (1, ROUND_HALF_UP)),
        (Decimal("12.34"), None, None, 1, (1, ROUND_HALF_UP)),
    ],
)
def test_percent_decimals_keep_the_figure_on_its_side_of_the_target(value, comparator, target, minimum, expected):
    assert percent_decimals(value, comparator=comparator, target=target, minimum=minimum) == expected


def test_past_the_most_decimals_the_figure_is_rounded_toward_failing():
    assert percent_decimals(Decimal("99.99999999"), comparator=AT_LEAST, target=Decimal(100)) == (
        MAX_DECIMALS,
        ROUND_FLOOR,
    )
    assert percent_decimals(Decimal("0.0100000001"), comparator=AT_MOST, target=Decimal("0.01")) == (
        MAX_DECIMALS,
        ROUND_CEILING,
    )
    assert percent_decimals(Decimal("0.00000001"), comparator=None, target=None) == (MAX_DECIMALS, ROUND_UP)


def test_a_counting_comparator_is_not_judged_as_a_ratio():
    assert percent_decimals(Decimal("99.99"), comparator=Comparator.COUNT_AT_LEAST, target=Decimal(100)) == (
        1,
        ROUND_HALF_UP,
    )


def test_percent_rounded_and_text():
    assert percent_rounded(None) is None
    assert percent_rounded(98.46) == Decimal("98.5")
    assert percent_rounded(Decimal("98.44")) == Decimal("98.4")
    assert percent_rounded(Decimal("99.99999999"), comparator=AT_LEAST, target=Decimal(100)) == Decimal("99.999999")
    assert percent_text(None) == "–"
    assert percent_text(Decimal("98.46")) == "98,5%"
    assert percent_text(Decimal("1234.5")) == "1.234,5%"
    assert percent_text(Decimal("50"), minimum=0) == "50%"
    assert percent_text(Decimal("99.99"), comparator=AT_LEAST, target=Decimal(100)) == "99,99%"


def test_a_criterion_shows_at_least_two_decimals_judged_against_its_target():
    crit = criterion(AT_LEAST, "100")
    assert criterion_percent_text(crit, Decimal("98.5")) == "98,50%"
    assert criterion_percent_text(crit, Decimal("99.999")) == "99,999%"


def test_a_criterion_cell_stores_the_exact_value_unless_it_must_round_toward_failing():
    crit = criterion(AT_LEAST, "100")
    assert criterion_percent_places(crit, Decimal("98.5")) == (Decimal("98.5"), 2)
    assert criterion_percent_places(crit, "98.456") == (Decimal("98.456"), 2)  # exact, shown with 2
    assert criterion_percent_places(crit, Decimal("99.99999999")) == (Decimal("99.999999"), MAX_DECIMALS)


def test_a_yes_no_criterion_is_judged_on_its_answer():
    assert verdict(criterion(Comparator.YES_NO), value=None, denominator=None, answer=True) is True


def test_a_target_without_decimals_asks_for_none():
    assert percent_decimals(Decimal("50"), comparator=AT_LEAST, target=Decimal("90"), minimum=0) == (0, ROUND_HALF_UP)


def test_a_target_alone_does_not_judge_the_figure():
    # 100,0% would read as "≤ 100%" but nothing is judged here: one decimal is enough.
    assert percent_decimals(Decimal("100.04"), comparator=None, target=Decimal(100)) == (1, ROUND_HALF_UP)


def test_the_shown_figure_is_rounded_half_up_when_deciding_the_decimals():
    # Half up, 99,945 shows as 99,95 and would read as meeting ≥ 99,95%; half-even would show 99,94.
    assert percent_decimals(Decimal("99.945"), comparator=AT_LEAST, target=Decimal("99.95")) == (3, ROUND_HALF_UP)


def test_a_leading_one_counts_as_a_significant_digit():
    assert percent_decimals(Decimal("0.00101")) == (4, ROUND_HALF_UP)  # 0,0010% has two significant digits


def test_a_float_is_read_by_its_shortest_text():
    assert percent_rounded(2.675, minimum=2) == Decimal("2.68")  # the float itself is 2.67499999…
