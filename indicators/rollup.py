"""Rolling indicator values and targets up the unit tree, in Python over rows already fetched.

The rules, each hand-checked in tests/indicators/test_rollup.py:

- A unit's own figure is the figure of its whole subtree: a province that reports its total
  is not added to the breakdown its communes report (the breakdown may be partial). Without
  its own figure, a unit's figure is the sum of its children's (recursively): counts add,
  ratios add numerators and denominators (ratio of sums).
- A target is assigned at the indicator's level. For a unit of that level the most specific
  row wins: its own, the nearest ancestor's, the programme's; a row for the period before one
  for every period. A unit above the level takes its own assigned target when it has one;
  otherwise counts add their units' targets and ratios take the ratio of sums (each unit's
  target rate weighted by its reported denominator, i.e. the number of people the units must
  reach over their total base).
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .models import EVERY_PERIOD

PATH_SEPARATOR = "/"
NATIONAL_PATH = PATH_SEPARATOR
TWO_PLACES = Decimal("0.01")


@lru_cache(maxsize=65_536)
def strict_ancestor_paths(path: str) -> tuple[str, ...]:
    """``/01/00070/`` → ``("/01/",)``: the paths above a unit, root first (cached: every indicator asks)."""
    codes = path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    return tuple(PATH_SEPARATOR + PATH_SEPARATOR.join(codes[:i]) + PATH_SEPARATOR for i in range(1, len(codes)))


@dataclass(frozen=True)
class ValueRow:
    """One reported figure, keyed by its unit's path."""

    path: str
    numerator: int
    denominator: int | None = None
    paired: int | None = None


@dataclass(frozen=True)
class Amount:
    """A (rolled-up) figure: what a unit and its subtree reported, or nothing."""

    numerator: int = 0
    denominator: int = 0
    paired: int | None = None
    reported: bool = False

    @property
    def rate(self) -> Decimal | None:
        """The percentage, to two places; None without a denominator."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)


NOTHING = Amount()


def rolled_totals(rows: dict[str, ValueRow]) -> dict[str, Amount]:
    """The figure of every unit that has rows in its subtree, keyed by path ("/" is the country).

    One pass, O(rows × depth): a row counts for itself and for each ancestor below its nearest
    ancestor that reported (that one's own figure already covers it), and for the country only
    when no ancestor reported.
    """
    sums: dict[str, list] = {}
    for path, row in rows.items():
        chain = [path, *reversed(strict_ancestor_paths(path))]  # itself, then nearest ancestor first
        for where in chain:
            if where != path and where in rows:
                break  # covered from here up
            _add(sums, where, row)
        else:
            _add(sums, NATIONAL_PATH, row)
    return {where: Amount(n, d, p, True) for where, (n, d, p) in sums.items()}


def _add(sums: dict, where: str, row: ValueRow) -> None:
    numerator, denominator, paired = sums.get(where, (0, 0, None))
    if row.paired is not None:
        paired = (paired or 0) + row.paired
    sums[where] = (numerator + row.numerator, denominator + (row.denominator or 0), paired)


def rolled_amount(rows: dict[str, ValueRow], root_path: str) -> Amount:
    """The figure of ``root_path``'s subtree (for one unit; ``rolled_totals`` gives all of them at once)."""
    return rolled_totals(rows).get(root_path, NOTHING)


def children_sum(totals: dict[str, Amount], child_paths: list[str]) -> Amount:
    """What the children of a unit reported between them (the attributed part of its own figure)."""
    reported = [totals[path] for path in child_paths if path in totals]
    if not reported:
        return NOTHING
    paired_values = [a.paired for a in reported if a.paired is not None]
    return Amount(
        sum(a.numerator for a in reported),
        sum(a.denominator for a in reported),
        sum(paired_values) if paired_values else None,
        True,
    )


TargetKey = tuple  # (unit path or None for the whole programme, period key or EVERY_PERIOD)


def assigned_target(targets: dict[TargetKey, Decimal], path: str | None, period: str) -> Decimal | None:
    """The most specific target for a unit (None: the programme): own, nearest ancestor, programme."""
    # The unit itself first, then its ancestors nearest first, then the programme.
    candidates = ([path, *reversed(strict_ancestor_paths(path))] if path else []) + [None]
    for where in candidates:
        for when in (period, EVERY_PERIOD):
            if (where, when) in targets:
                return targets[(where, when)]
    return None


def own_target(targets: dict[TargetKey, Decimal], path: str | None, period: str) -> Decimal | None:
    """A target assigned to this very unit (for the period, else for every period)."""
    for when in (period, EVERY_PERIOD):
        if (path, when) in targets:
            return targets[(path, when)]
    return None


def rolled_target(
    *,
    is_ratio: bool,
    indicator_level: int,
    root_path: str | None,
    root_level: int,
    level_unit_paths: list[str],
    targets: dict[TargetKey, Decimal],
    totals: dict[str, Amount],
    period: str,
) -> Decimal | None:
    """The target of ``root`` (None: national, ``root_level`` 0) for one indicator and period.

    ``level_unit_paths`` are the units of the indicator's level under the root (within the
    programme's scope); ``totals`` the rolled figures of the period (``rolled_totals``), whose
    denominators weight a ratio's targets.
    """
    if root_path is not None and root_level >= indicator_level:
        # At the level, the assigned target; below it (a commune's breakdown of a province
        # count) a share was never assigned, except explicitly.
        if root_level == indicator_level:
            return assigned_target(targets, root_path, period)
        return own_target(targets, root_path, period)
    if root_path is not None and (own := own_target(targets, root_path, period)) is not None:
        return own
    if not is_ratio:
        assigned = [assigned_target(targets, path, period) for path in level_unit_paths]
        assigned = [value for value in assigned if value is not None]
        return sum(assigned, Decimal(0)) if assigned else None
    weighted = Decimal(0)
    base = 0
    for path in level_unit_paths:
        denominator = totals.get(path, NOTHING).denominator
        target = assigned_target(targets, path, period)
        if denominator and target is not None:
            weighted += target * denominator
            base += denominator
    if base:
        return (weighted / base).quantize(TWO_PLACES, ROUND_HALF_UP)
    # Nothing reported yet: the rate that applies to the root itself.
    return assigned_target(targets, root_path, period)


@dataclass(frozen=True)
class Judgement:
    """A figure against its target: whether it is met and by how much it falls short."""

    met: bool | None  # None: no figure or no target, not judged
    gap: int | None  # people/units still missing (higher is better) or over the cap; 0 when met


def judge(*, is_ratio: bool, higher_is_better: bool, amount: Amount, target: Decimal | None) -> Judgement:
    """``đạt/chưa đạt so với chỉ tiêu giao`` and the gap in the indicator's measure ("còn thiếu 22.843 người")."""
    if target is None or not amount.reported or (is_ratio and not amount.denominator):
        return Judgement(None, None)
    if is_ratio:
        exact = target * amount.denominator / 100
        bound = math.ceil(exact) if higher_is_better else math.floor(exact)
    else:
        bound = math.ceil(target) if higher_is_better else math.floor(target)
    gap = bound - amount.numerator if higher_is_better else amount.numerator - bound
    return Judgement(gap <= 0, max(gap, 0))


def trend(*, is_ratio: bool, now: Amount, before: Amount) -> Decimal | None:
    """Change since the previous period: percentage points for a ratio, the difference for a count."""
    if not now.reported or not before.reported:
        return None
    if is_ratio:
        if now.rate is None or before.rate is None:
            return None
        return now.rate - before.rate
    return Decimal(now.numerator - before.numerator)
