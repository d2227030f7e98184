"""Pass/fail of a value against a criterion's comparator. Pure functions, no queries."""

from decimal import Decimal

from .choices import Comparator

HUNDRED = Decimal(100)


def percent(value: int | None, denominator: int | None) -> Decimal | None:
    """``value`` as a percentage of ``denominator``; None when there is nothing to divide."""
    if value is None or not denominator:
        return None
    return Decimal(value) * HUNDRED / Decimal(denominator)


def meets(criterion, *, value: int | None, denominator: int | None, answer: bool | None) -> bool | None:
    """True/False by the comparator; None when no value was reported.

    A ratio with a zero denominator (nothing to inspect) meets an "at least" target
    and an "at most" cap: there is no shortfall.
    """
    comparator = criterion.comparator
    if comparator == Comparator.YES_NO:
        return answer
    if value is None:
        return None
    if comparator == Comparator.EQUALS_ZERO:
        return value == 0
    if comparator == Comparator.COUNT_AT_LEAST:
        return value >= criterion.target
    if denominator is None:
        return None
    ratio = percent(value, denominator)
    if ratio is None:
        return True
    if comparator == Comparator.AT_LEAST_PERCENT:
        return ratio >= criterion.target
    return ratio <= criterion.target
