"""Fixed vocabularies of programme indicators, enforced by database constraints."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    """What one value of the indicator is."""

    RATIO = "ratio", _("Tỷ lệ (tử số/mẫu số)")
    COUNT = "count", _("Số lượng")


class IndicatorAggregation(models.TextChoices):
    """How the figures of the units below roll up into their parent's."""

    SUM = "sum", _("Cộng số lượng")
    RATIO_OF_SUMS = "ratio_of_sums", _("Tổng tử số / tổng mẫu số")


# The one aggregation that makes sense for each kind (a CheckConstraint holds them together).
AGGREGATION_OF_KIND = {
    IndicatorKind.RATIO: IndicatorAggregation.RATIO_OF_SUMS,
    IndicatorKind.COUNT: IndicatorAggregation.SUM,
}
