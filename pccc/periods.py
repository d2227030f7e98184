"""Reporting periods as compact keys: ``2026-03`` (month), ``2026-Q1`` (quarter), ``2026-H1``
(half-year), ``2026`` (year).

One short key per row keeps assessments cheap to insert in bulk and easy to GROUP BY. Within
one kind, keys sort as the periods do (``2025-Q4`` < ``2026-Q1``); across kinds they do not,
so a query comparing keys always narrows to one kind first (``key_of_kind``).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import PeriodKind

PERIOD_KEY_REGEX = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$"
_KEY = re.compile(PERIOD_KEY_REGEX)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def key_of_kind(kind: str, field: str = "period"):
    """A filter on stored keys of one kind without a regex (a Python callback per row on SQLite):
    the check constraint on the column already guarantees the shape, so the separator says the kind."""
    if kind == PeriodKind.QUARTER:
        return Q(**{f"{field}__contains": "-Q"})
    if kind == PeriodKind.HALF_YEAR:
        return Q(**{f"{field}__contains": "-H"})
    if kind == PeriodKind.YEAR:
        return ~Q(**{f"{field}__contains": "-"})
    return Q(**{f"{field}__contains": "-"}) & ~Q(**{f"{field}__contains": "Q"}) & ~Q(**{f"{field}__contains": "H"})


# Finest first: the order the picker lists a year's periods in, and "finer than" for a chosen period.
KINDS_FINEST_FIRST = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR]


class InvalidPeriod(ValueError):
    """The text is not a period key."""


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year; ``number`` is the month or quarter (0 for a year)."""

    year: int
    kind: str
    number: int = 0

    @classmethod
    def parse(cls, key: str) -> "Period":
        key = (key or "").strip()
        if not _KEY.match(key):
            raise InvalidPeriod(key)
        year = int(key[:4])
        if len(key) == 4:
            return cls(year, PeriodKind.YEAR)
        if key[5] == "Q":
            return cls(year, PeriodKind.QUARTER, int(key[6]))
        if key[5] == "H":
            return cls(year, PeriodKind.HALF_YEAR, int(key[6]))
        return cls(year, PeriodKind.MONTH, int(key[5:7]))

    @classmethod
    def month_of(cls, day: date) -> "Period":
        return cls(day.year, PeriodKind.MONTH, day.month)

    @classmethod
    def containing(cls, day: date, kind: str) -> "Period":
        """The period of ``kind`` that ``day`` falls in."""
        if kind == PeriodKind.YEAR:
            return cls(day.year, PeriodKind.YEAR)
        return cls(day.year, kind, (day.month - 1) // PeriodKind.months_in(kind) + 1)

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year:04d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        if self.kind == PeriodKind.HALF_YEAR:
            return f"{self.year:04d}-H{self.number}"
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def start(self) -> date:
        if self.kind == PeriodKind.YEAR:
            return date(self.year, 1, 1)
        return date(self.year, PeriodKind.months_in(self.kind) * (self.number - 1) + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.kind == PeriodKind.YEAR:
            return date(self.year, 12, 31)
        following = self.start.month + PeriodKind.months_in(self.kind)
        if following > 12:
            return date(self.year, 12, 31)
        return date(self.year, following, 1) - timedelta(days=1)

    def is_finer_than_or_as(self, kind: str) -> bool:
        """Whether periods of ``kind`` fit inside this one (a month inside a year, a year inside a year)."""
        return PeriodKind.months_in(kind) <= PeriodKind.months_in(self.kind)

    def is_future(self, today: date) -> bool:
        """A period that has not begun yet cannot be reported on."""
        return self.start > today

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(_("Năm %(year)s") % {"year": self.year})
        if self.kind == PeriodKind.QUARTER:
            return str(_("Quý %(quarter)s/%(year)s") % {"quarter": ROMAN[self.number], "year": self.year})
        if self.kind == PeriodKind.HALF_YEAR:
            if self.number == 1:
                return str(_("6 tháng đầu năm %(year)s") % {"year": self.year})
            return str(_("6 tháng cuối năm %(year)s") % {"year": self.year})
        # As officials write it: "Tháng 3/2026", not "Tháng 03/2026".
        return str(_("Tháng %(month)s/%(year)s") % {"month": self.number, "year": self.year})

    def previous_month(self) -> "Period":
        if self.number == 1:
            return Period(self.year - 1, PeriodKind.MONTH, 12)
        return Period(self.year, PeriodKind.MONTH, self.number - 1)

    def __str__(self) -> str:
        return self.key


def period_label(period: "Period | str", *, in_sentence: bool = False) -> str:
    """THE wording of a period, as officials write it: "Tháng 11/2026", "Quý IV/2026",
    "6 tháng đầu năm 2026", "Năm 2026". Pages (the ``period_label`` filter), exports and the
    meeting report all write periods through it. ``in_sentence``: lower-case first letter, for the
    middle of a sentence ("sơ kết quý IV/2026"). A key that is not a period is returned as given."""
    if not isinstance(period, Period):
        try:
            period = Period.parse(period)
        except InvalidPeriod:
            return str(period)
    text = period.label
    return text[:1].lower() + text[1:] if in_sentence else text


def period_span_label(first: "Period | str", last: "Period | str", *, in_sentence: bool = False) -> str:
    """ "Tháng 11/2026", or "Tháng 10/2026 – Tháng 11/2026" when the two ends differ."""
    first_text, last_text = (period_label(p, in_sentence=in_sentence) for p in (first, last))
    return last_text if first_text == last_text else f"{first_text} – {last_text}"


def sheet_title(period: "Period | str") -> str:
    """``period_label`` for a spreadsheet tab: Excel forbids "/" in a sheet's name ("Tháng 11-2026")."""
    return period_label(period).replace("/", "-")


def recent_periods(today: date, *, months: int = 12) -> list[Period]:
    """Periods an officer may pick, newest first: recent months, quarters and years."""
    result = [Period.month_of(today)]
    while len(result) < months:
        result.append(result[-1].previous_month())
    quarter = (today.month - 1) // 3 + 1
    for i in range(4):
        q, y = quarter - i, today.year
        if q < 1:
            q, y = q + 4, y - 1
        result.append(Period(y, PeriodKind.QUARTER, q))
    result += [Period(today.year, PeriodKind.YEAR), Period(today.year - 1, PeriodKind.YEAR)]
    return result


# How many years back the picker goes when the set does not say when it started.
PICKER_YEARS_WITHOUT_START = 5
PICKER_MAX_YEARS = 15


def periods_offered(
    today: date, *, kinds, first_year: int | None = None, selected: "Period | None" = None
) -> list[tuple[str, list["Period"]]]:
    """The periods the picker offers, grouped by year, newest first: every period of ``kinds`` (the
    kinds the set's criteria use) that has begun, from ``first_year`` (the set's start) to today.

    ``selected`` is always offered, even outside that range (a period reached by URL), so the
    picker never shows another period than the page.
    """
    kinds = [kind for kind in KINDS_FINEST_FIRST if kind in set(kinds)] or [PeriodKind.MONTH]
    first_year = first_year or today.year - PICKER_YEARS_WITHOUT_START + 1
    first_year = max(first_year, today.year - PICKER_MAX_YEARS + 1)
    years = set(range(first_year, today.year + 1))
    if selected is not None:
        years.add(selected.year)
    groups = []
    for year in sorted(years, reverse=True):
        periods = [
            Period.containing(date(year, month, 1), kind)
            for kind in kinds
            for month in range(12, 0, -PeriodKind.months_in(kind))
        ]
        periods = [p for p in periods if not p.is_future(today) or p == selected]
        if selected is not None and selected.year == year and selected not in periods:
            periods.append(selected)
        if periods:
            groups.append((str(year), periods))
    return groups
