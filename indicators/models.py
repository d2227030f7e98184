"""Indicators of a programme [chỉ tiêu], their assigned targets [chỉ tiêu giao] and reported values.

A PCCC criteria set (``pccc.CriteriaSet``) is an older, fire-safety-only form of the same idea;
see docs/architecture.md ("Indicators of a programme") for how the two relate.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pccc.periods import PERIOD_KEY_REGEX, Period
from provinces.choices import UnitLevel

from .choices import AGGREGATION_OF_KIND, IndicatorAggregation, IndicatorKind

# A target row with this period applies to every period without a target of its own.
EVERY_PERIOD = ""
TARGET_PERIOD_REGEX = r"^([0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?)?$"


class Indicator(models.Model):
    """A measurable figure of a programme, e.g. "Tỷ lệ công dân được cấp CCCD gắn chip".

    ``level`` is the level whose units are assigned targets and report: a target set for the
    whole programme applies to each unit of that level; above it targets roll up (sum of
    counts, ratio of sums). Values may still be entered above the level (a province total)
    or below it (a commune breakdown).
    """

    programme = models.ForeignKey(
        "tasks.Programme", verbose_name=_("đề án, kế hoạch"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("mã chỉ tiêu"), max_length=20)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    measure = models.CharField(
        _("đơn vị tính"), max_length=50, help_text=_("Của tử số hoặc số lượng, ví dụ: người, hồ sơ, dịch vụ.")
    )
    kind = models.CharField(_("loại chỉ tiêu"), max_length=10, choices=IndicatorKind.choices)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=15, choices=IndicatorAggregation.choices)
    level = models.PositiveSmallIntegerField(
        _("cấp được giao chỉ tiêu"), choices=UnitLevel.choices, default=UnitLevel.PROVINCE
    )
    higher_is_better = models.BooleanField(
        _("càng cao càng tốt"), default=True, help_text=_("Bỏ chọn khi chỉ tiêu là mức tối đa (ví dụ số vụ cháy).")
    )
    paired_measure = models.CharField(
        _("số liệu kèm theo"), max_length=100, blank=True, help_text=_("Ví dụ: số người tham gia.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    pilot_units = models.ManyToManyField(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị thí điểm"),
        blank=True,
        related_name="pilot_indicators",
        help_text=_("Để trống: mọi đơn vị. Khi chọn, mọi số liệu tổng hợp và mẫu số chỉ tính các đơn vị này."),
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(kind__in=IndicatorKind.values), name="indicator_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=IndicatorKind.RATIO, aggregation=IndicatorAggregation.RATIO_OF_SUMS)
                | Q(kind=IndicatorKind.COUNT, aggregation=IndicatorAggregation.SUM),
                name="indicator_aggregation_fits_kind",
                violation_error_message=_(
                    "Tỷ lệ tổng hợp theo tổng tử số/tổng mẫu số; số lượng tổng hợp bằng cách cộng."
                ),
            ),
            models.CheckConstraint(condition=Q(level__in=UnitLevel.values), name="indicator_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        # The aggregation follows from the kind; filling it here keeps admin forms short.
        if not self.aggregation and self.kind in AGGREGATION_OF_KIND:
            self.aggregation = AGGREGATION_OF_KIND[self.kind]
        super().save(*args, **kwargs)

    @property
    def is_ratio(self) -> bool:
        return self.kind == IndicatorKind.RATIO


class IndicatorPhase(models.Model):
    """A phase [giai đoạn] of an indicator: from ``starts_on`` to ``deadline``, for some facility
    categories, with its own target. A period that ends before the first phase starts is not
    judged; within a phase its target is the programme's default (a target assigned to a unit
    still wins). Phases of one indicator never overlap.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="phases"
    )
    number = models.PositiveSmallIntegerField(_("giai đoạn"))
    title = models.CharField(_("nội dung"), max_length=300)
    starts_on = models.DateField(_("bắt đầu"))
    deadline = models.DateField(_("thời hạn"))
    target = models.DecimalField(_("chỉ tiêu của giai đoạn"), max_digits=18, decimal_places=2)
    facility_categories = models.ManyToManyField(
        "pccc.FacilityCategory", verbose_name=_("loại cơ sở"), blank=True, related_name="indicator_phases"
    )

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["indicator", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicator_phase_number_unique"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("starts_on")),
                name="indicator_phase_dates_ordered",
                violation_error_message=_("Thời hạn không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="indicator_phase_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} – {self.number}: {self.title}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.deadline and self.indicator_id:
            overlapping = (
                IndicatorPhase.objects.filter(
                    indicator_id=self.indicator_id, starts_on__lte=self.deadline, deadline__gte=self.starts_on
                )
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping is not None:
                raise ValidationError(
                    {
                        "starts_on": _("Trùng thời gian với giai đoạn %(number)s (%(start)s – %(end)s).")
                        % {
                            "number": overlapping.number,
                            "start": overlapping.starts_on.strftime("%d/%m/%Y"),
                            "end": overlapping.deadline.strftime("%d/%m/%Y"),
                        }
                    }
                )
        if self.target is not None and self.indicator_id and self.indicator.is_ratio and self.target > 100:
            raise ValidationError({"target": _("Tỷ lệ không được lớn hơn 100%.")})


class Target(models.Model):
    """An assigned target [chỉ tiêu giao]: a percentage for a ratio, a number for a count.

    ``unit`` empty is the whole programme; ``period`` empty is every period. For a unit and a
    period the most specific row wins: the unit's own, then the nearest ancestor's, then the
    programme's; at each of them a row for the period before one for every period.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_targets",
        help_text=_("Để trống: áp dụng cho toàn đề án."),
    )
    period = models.CharField(
        _("kỳ"), max_length=7, blank=True, default=EVERY_PERIOD, validators=[RegexValidator(TARGET_PERIOD_REGEX)],
        help_text=_("Để trống: áp dụng cho mọi kỳ."),
    )  # fmt: skip
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=18, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người giao"), null=True, blank=True, on_delete=models.SET_NULL
    )
    set_at = models.DateTimeField(_("thời điểm giao"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu giao")
        verbose_name_plural = _("chỉ tiêu giao")
        ordering = ["indicator", "unit__path", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"], condition=Q(unit__isnull=False), name="target_unique_per_unit"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"], condition=Q(unit__isnull=True), name="target_unique_programme_wide"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
            models.CheckConstraint(condition=Q(period__regex=TARGET_PERIOD_REGEX), name="target_period_valid"),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("toàn đề án")
        when = Period.parse(self.period).label if self.period else _("mọi kỳ")
        return f"{self.indicator.code} · {where} · {when}: {self.value}"


class IndicatorValue(models.Model):
    """The figure a unit reports for one indicator and period [số liệu chỉ tiêu].

    ``numerator`` is the count, or the numerator of a ratio over ``denominator``. A ratio
    reported as a percentage of a base population stores the numerator it stands for and keeps
    the typed percentage in ``entered_percent``. One row per (indicator, unit, period); a
    correction overwrites it and the history keeps the previous figure.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=7, validators=[RegexValidator(PERIOD_KEY_REGEX)])
    numerator = models.PositiveBigIntegerField(_("tử số / số lượng"))
    denominator = models.PositiveBigIntegerField(_("mẫu số"), null=True, blank=True)
    entered_percent = models.DecimalField(_("tỷ lệ đã nhập (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    paired_value = models.PositiveBigIntegerField(_("số liệu kèm theo"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        ordering = ["period", "indicator", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="indicator_value_unique"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__lte=F("denominator")),
                name="indicator_value_numerator_not_above_denominator",
            ),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_KEY_REGEX), name="indicator_value_period_valid"),
        ]
        indexes = [models.Index(fields=["period", "indicator"], name="indicator_value_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.unit} · {self.period}"


class GradingRule(models.Model):
    """How a programme grades its units [xếp loại]: a weighted score of task completion and of the
    share of judged indicators met (phases count through their own targets; a phase not started is
    not judged), then bands. ``formula_text`` is published on the page and is built from the same
    fields ``score`` and ``grade`` compute with (tests/indicators/test_grading.py checks they agree).
    """

    programme = models.OneToOneField(
        "tasks.Programme", verbose_name=_("đề án, kế hoạch"), on_delete=models.CASCADE, related_name="grading_rule"
    )
    weight_tasks = models.PositiveSmallIntegerField(_("trọng số hoàn thành nhiệm vụ"), default=1)
    weight_indicators = models.PositiveSmallIntegerField(_("trọng số chỉ tiêu đạt"), default=1)
    band_a = models.PositiveSmallIntegerField(_("loại A từ (điểm)"), default=90)
    band_b = models.PositiveSmallIntegerField(_("loại B từ (điểm)"), default=75)
    band_c = models.PositiveSmallIntegerField(_("loại C từ (điểm)"), default=50)

    class Meta:
        verbose_name = _("cách xếp loại")
        verbose_name_plural = _("cách xếp loại")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_tasks__gt=0) | Q(weight_indicators__gt=0), name="grading_some_weight"
            ),
            models.CheckConstraint(
                condition=Q(band_a__lte=100, band_a__gt=F("band_b"), band_b__gt=F("band_c")),
                name="grading_bands_ordered",
                violation_error_message=_("Ngưỡng loại A > loại B > loại C, tối đa 100 điểm."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)

    def score(self, *, task_completion, indicators_met_share):
        """The score out of 100, two decimals; a missing part counts as 0 (nothing shown is nothing done)."""
        from decimal import ROUND_HALF_UP, Decimal

        total = (
            self.weight_tasks * Decimal(task_completion or 0)
            + self.weight_indicators * Decimal(indicators_met_share or 0)
        ) / (self.weight_tasks + self.weight_indicators)
        return total.quantize(Decimal("0.01"), ROUND_HALF_UP)

    def grade(self, score) -> str:
        for band, name in ((self.band_a, "A"), (self.band_b, "B"), (self.band_c, "C")):
            if score >= band:
                return name
        return "D"

    def formula_text(self) -> str:
        return _(
            "Điểm = (%(wt)s × tỷ lệ hoàn thành nhiệm vụ + %(wi)s × tỷ lệ chỉ tiêu đạt) / %(total)s; "
            "loại A từ %(a)s điểm, loại B từ %(b)s, loại C từ %(c)s, còn lại loại D."
        ) % {
            "wt": self.weight_tasks,
            "wi": self.weight_indicators,
            "total": self.weight_tasks + self.weight_indicators,
            "a": self.band_a,
            "b": self.band_b,
            "c": self.band_c,
        }


class IndicatorSnapshot(models.Model):
    """What the nightly recompute wrote for one indicator, unit (None: national) and period.

    The same figures the live board computes (``indicators.figures``), rolled up, so that the
    dashboard's indicator card and its ranking read rows instead of computing a subtree. A unit
    has rows for a period when its subtree reported any value of the programme in it (so its
    latest period is the live board's); each run replaces the programme's rows at once.
    """

    programme = models.ForeignKey(
        "tasks.Programme", verbose_name=_("đề án, kế hoạch"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit", verbose_name=_("đơn vị"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    scope_path = models.CharField(_("phạm vi"), max_length=255)
    period = models.CharField(_("kỳ"), max_length=7)
    reported = models.BooleanField(_("đã báo cáo"), default=False)
    numerator = models.BigIntegerField(_("tử số / số lượng"), default=0)
    denominator = models.BigIntegerField(_("mẫu số"), default=0)
    paired_value = models.BigIntegerField(_("số liệu kèm theo"), null=True)
    target = models.DecimalField(_("chỉ tiêu giao"), max_digits=18, decimal_places=2, null=True)
    met = models.BooleanField(_("đạt"), null=True)
    gap = models.BigIntegerField(_("còn thiếu"), null=True)
    change = models.DecimalField(_("so với kỳ trước"), max_digits=20, decimal_places=2, null=True)
    phase = models.ForeignKey(IndicatorPhase, null=True, on_delete=models.SET_NULL, related_name="+")
    phase_not_started = models.ForeignKey(IndicatorPhase, null=True, on_delete=models.SET_NULL, related_name="+")
    outside_pilot = models.BooleanField(_("ngoài thí điểm"), default=False)
    computed_at = models.DateTimeField(_("thời điểm tính"))

    class Meta:
        verbose_name = _("số liệu chỉ tiêu tổng hợp")
        verbose_name_plural = _("số liệu chỉ tiêu tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "scope_path", "period"], name="indicator_snapshot_unique"),
        ]
        indexes = [models.Index(fields=["programme", "scope_path", "period"], name="indicator_snapshot_scope")]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.scope_path} · {self.period}"


class IndicatorCategoryValue(models.Model):
    """A unit's figure for one facility category of the phase in force [theo loại cơ sở].

    A partial breakdown of the unit's own value (``IndicatorValue``), as a commune breakdown is
    of a province total: the categories' totals are checked against the value (never above it,
    numerators and, for a ratio, denominators) and the rest is shown as not yet classified.
    """

    value = models.ForeignKey(
        IndicatorValue, verbose_name=_("số liệu"), on_delete=models.CASCADE, related_name="by_category"
    )
    category = models.ForeignKey(
        "pccc.FacilityCategory", verbose_name=_("loại cơ sở"), on_delete=models.PROTECT, related_name="+"
    )
    numerator = models.PositiveBigIntegerField(_("tử số / số lượng"))
    denominator = models.PositiveBigIntegerField(_("mẫu số"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu theo loại cơ sở")
        verbose_name_plural = _("số liệu theo loại cơ sở")
        ordering = ["value", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["value", "category"], name="indicator_category_value_unique"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__lte=F("denominator")),
                name="indicator_category_value_numerator_not_above_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} · {self.category_id}"
