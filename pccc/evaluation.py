"""Pass/fail of a value against a criterion's comparator, of a unit against a set, and how a
percentage is shown beside its verdict. Pure functions, no queries.

Every page, export, report and the nightly recompute judge through ``verdict`` and
``unit_passes`` and show ratios through ``percent_text``, so that the same fact never
reads two ways.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

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
    return _compare(comparator, ratio, criterion.target)


def _compare(comparator: str, ratio: Decimal, target: Decimal) -> bool:
    if comparator == Comparator.AT_LEAST_PERCENT:
        return ratio >= target
    return ratio <= target


def verdict(criterion, *, value: int | None, denominator: int | None, answer: bool | None) -> bool | None:
    """The mark shown for one criterion: ``meets``, except that a tracking-only criterion
    (``counts_toward_pass`` off) is never judged, so never shown "Chưa đạt" (None)."""
    if not criterion.counts_toward_pass:
        return None
    return meets(criterion, value=value, denominator=denominator, answer=answer)


def assessed_at(criterion, level: int) -> bool:
    """Whether ``criterion`` judges units at ``level`` (UnitLevel): each criterion is assessed at its own
    level only, so a province-level criterion is neither entered for nor held against a commune."""
    return criterion.level == level


class UnitState:
    """The four states of a unit against a criteria set (``unit_verdict``)."""

    PASSES = "dat"
    FAILS = "chua-dat"
    INCOMPLETE = "chua-du"  # every reported value passes, but some are missing: not judged a failure
    NOT_REPORTED = "chua-bao-cao"


@dataclass(frozen=True)
class UnitVerdict:
    """A unit's state with how many of the criteria it is judged on it reported (``reported``/``required``)."""

    state: str
    reported: int
    required: int

    @property
    def passes(self) -> bool | None:
        """THE pass of ``unit_passes``: True, False (a failing value, or values missing), None (nothing reported)."""
        if self.state == UnitState.NOT_REPORTED:
            return None
        return self.state == UnitState.PASSES

    @property
    def label(self) -> str:
        """What the pages write: "Đạt", "Chưa đạt", "chưa đủ số liệu (2/4 đã báo cáo)", "Chưa có số liệu"."""
        if self.state == UnitState.PASSES:
            return str(_("Đạt"))
        if self.state == UnitState.FAILS:
            return str(_("Chưa đạt"))
        if self.state == UnitState.INCOMPLETE:
            return str(
                _("chưa đủ số liệu (%(reported)s/%(required)s đã báo cáo)")
                % {"reported": self.reported, "required": self.required}
            )
        return str(_("Chưa có số liệu"))

    @property
    def colour(self) -> str:
        """Bootstrap colour of the state's badge."""
        return {UnitState.PASSES: "success", UnitState.FAILS: "danger", UnitState.INCOMPLETE: "warning"}.get(
            self.state, "secondary"
        )


def unit_verdict(*, level: int, criteria: Iterable, results: Mapping[int, bool | None]) -> UnitVerdict:
    """A unit's state against a criteria set: THE rule, used everywhere (``unit_passes`` reads it).

    A unit at ``level`` is judged on the active criteria that count toward the set and are
    assessed at its own level; criteria of other levels judge other units (a province-level
    criterion never makes a commune fail). ``results`` maps criterion id to its ``meets``
    result for this unit (None or missing: not reported).

    - a reported value fails: "chưa đạt", whatever else is missing;
    - every criterion reported and met: "đạt";
    - some reported, all of them met, others missing: "chưa đủ số liệu (n/N đã báo cáo)",
      which does not pass but is no failure either (a ✗ there blamed a unit for a late form);
    - none reported, or no counting criterion at its level: "chưa báo cáo" (not judged).
    """
    own = [c for c in criteria if assessed_at(c, level) and c.counts_toward_pass and getattr(c, "is_active", True)]
    outcomes = [results.get(c.pk) for c in own]
    reported = sum(1 for outcome in outcomes if outcome is not None)
    if not reported:
        state = UnitState.NOT_REPORTED
    elif any(outcome is False for outcome in outcomes):
        state = UnitState.FAILS
    elif reported < len(outcomes):
        state = UnitState.INCOMPLETE
    else:
        state = UnitState.PASSES
    return UnitVerdict(state=state, reported=reported, required=len(outcomes))


def unit_passes(*, level: int, criteria: Iterable, results: Mapping[int, bool | None]) -> bool | None:
    """Whether a unit at ``level`` passes a criteria set (``unit_verdict``): True when it meets every
    criterion it is judged on; None when it reported none of them ("chưa báo cáo"); False otherwise
    (a unit that reported some but not all does not pass)."""
    return unit_verdict(level=level, criteria=criteria, results=results).passes


# Percentages beside a verdict ------------------------------------------------------------

MAX_DECIMALS = 6


def _decimals_of(number: Decimal | None) -> int:
    if number is None:
        return 0
    exponent = Decimal(number).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _significant_digits(number: Decimal) -> int:
    digits = list(number.as_tuple().digits)
    while digits and digits[0] == 0:
        digits.pop(0)
    return len(digits)


def percent_decimals(value: Decimal, *, comparator: str | None = None, target: Decimal | None = None,
                     minimum: int = 1) -> tuple[int, str]:  # fmt: skip
    """(decimals, rounding) so that ``value`` (a percentage) never reads across its target.

    At least ``minimum`` decimals and as many as the target has; more while the rounded
    figure would judge differently from the exact one (99,999% against ≥100% is not
    "100,00%") or would hide a non-zero value behind fewer than two significant digits
    (0,00225% is "0,0023%", not "0,00%"). Past
    MAX_DECIMALS the figure is rounded toward the failing side.
    """
    value = Decimal(value)
    decimals = max(minimum, _decimals_of(target))
    judged = comparator in Comparator.ratios() and target is not None
    while True:
        shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        crosses = judged and _compare(comparator, shown, target) != _compare(comparator, value, target)
        hides = value != 0 and shown != value and _significant_digits(shown) < 2
        if not crosses and not hides:
            return decimals, ROUND_HALF_UP
        if decimals >= MAX_DECIMALS:
            if crosses:
                return decimals, ROUND_FLOOR if comparator == Comparator.AT_LEAST_PERCENT else ROUND_CEILING
            return decimals, ROUND_UP
        decimals += 1


def percent_rounded(value, *, comparator: str | None = None, target=None, minimum: int = 1) -> Decimal | None:
    """``value`` (a percentage) rounded by ``percent_decimals``; None stays None."""
    if value is None:
        return None
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    decimals, rounding = percent_decimals(value, comparator=comparator, target=target, minimum=minimum)
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def percent_text(value, *, comparator: str | None = None, target=None, minimum: int = 1) -> str:
    """ "98,5%" in the active language's format, never reading across the target; "–" for None."""
    shown = percent_rounded(value, comparator=comparator, target=target, minimum=minimum)
    if shown is None:
        return "–"
    decimals = max(0, -shown.as_tuple().exponent)
    return f"{number_format(shown, decimal_pos=decimals, use_l10n=True, force_grouping=True)}%"


CRITERION_MIN_DECIMALS = 2


def criterion_percent_text(criterion, value) -> str:
    """A criterion's ratio (a percentage) as text, judged against the criterion's own target."""
    return percent_text(value, comparator=criterion.comparator, target=criterion.target, minimum=CRITERION_MIN_DECIMALS)


def criterion_percent_places(criterion, value) -> tuple[Decimal, int]:
    """(the percentage to store, decimals to show) for a spreadsheet cell: the same rule as the
    pages. The value is exact unless the rule had to round toward the failing side."""
    value = Decimal(value)
    decimals, rounding = percent_decimals(
        value, comparator=criterion.comparator, target=criterion.target, minimum=CRITERION_MIN_DECIMALS
    )
    if rounding != ROUND_HALF_UP:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
    return value, decimals
