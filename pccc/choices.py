"""Fixed vocabularies of the PCCC criteria, enforced by database constraints."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    """How a unit's value is judged against the criterion's target."""

    AT_LEAST_PERCENT = "gte_pct", _("Tỷ lệ tối thiểu (%)")
    AT_MOST_PERCENT = "lte_pct", _("Tỷ lệ tối đa (%)")
    EQUALS_ZERO = "eq_zero", _("Bằng 0")
    YES_NO = "yes_no", _("Có/Không")
    COUNT_AT_LEAST = "count_gte", _("Số lượng tối thiểu")

    @classmethod
    def ratios(cls) -> tuple[str, ...]:
        """Comparators entered as numerator over denominator."""
        return (cls.AT_LEAST_PERCENT.value, cls.AT_MOST_PERCENT.value)

    @classmethod
    def counts(cls) -> tuple[str, ...]:
        """Comparators entered as one whole number."""
        return (cls.EQUALS_ZERO.value, cls.COUNT_AT_LEAST.value)

    @classmethod
    def with_target(cls) -> tuple[str, ...]:
        return (cls.AT_LEAST_PERCENT.value, cls.AT_MOST_PERCENT.value, cls.COUNT_AT_LEAST.value)


class Aggregation(models.TextChoices):
    """How a criterion rolls up the unit tree."""

    RATIO = "ratio", _("Tổng tử số / tổng mẫu số")
    SUM = "sum", _("Tổng số lượng")
    SHARE_PASSING = "share_passing", _("Tỷ lệ đơn vị đạt")


class PeriodKind(models.TextChoices):
    """Length of a reporting period."""

    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF_YEAR = "half", _("6 tháng")
    YEAR = "year", _("Năm")

    @classmethod
    def months_in(cls, kind: str) -> int:
        """How many months a period of ``kind`` spans; periods nest (month ⊂ quarter ⊂ half ⊂ year)."""
        return {cls.MONTH: 1, cls.QUARTER: 3, cls.HALF_YEAR: 6, cls.YEAR: 12}[kind]


# Badge colours beside pass/fail states (Bootstrap classes).
RESULT_BADGES = {True: "text-bg-success", False: "text-bg-danger", None: "text-bg-secondary"}
