"""Reporting periods as compact keys: ``2026-03`` (month), ``2026-Q1`` (quarter), ``2026`` (year).

One short key per row keeps assessments cheap to insert in bulk and easy to GROUP BY.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .choices import PeriodKind

PERIOD_KEY_REGEX = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
_KEY = re.compile(PERIOD_KEY_REGEX)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


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
        return cls(year, PeriodKind.MONTH, int(key[5:7]))

    @classmethod
    def month_of(cls, day: date) -> "Period":
        return cls(day.year, PeriodKind.MONTH, day.month)

    @property
    def key(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return f"{self.year:04d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def start(self) -> date:
        if self.kind == PeriodKind.YEAR:
            return date(self.year, 1, 1)
        if self.kind == PeriodKind.QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, self.number, 1)

    def is_future(self, today: date) -> bool:
        """A period that has not begun yet cannot be reported on."""
        return self.start > today

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return str(_("Năm %(year)s") % {"year": self.year})
        if self.kind == PeriodKind.QUARTER:
            return str(_("Quý %(quarter)s/%(year)s") % {"quarter": ROMAN[self.number], "year": self.year})
        return str(_("Tháng %(month)s/%(year)s") % {"month": f"{self.number:02d}", "year": self.year})

    def previous_month(self) -> "Period":
        if self.number == 1:
            return Period(self.year - 1, PeriodKind.MONTH, 12)
        return Period(self.year, PeriodKind.MONTH, self.number - 1)

    def __str__(self) -> str:
        return self.key


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
