"""Fire-safety criteria as data, and the values units report against them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.choices import UnitLevel

from .choices import Aggregation, Comparator, PeriodKind
from .periods import PERIOD_KEY_REGEX, Period, period_label


class CriteriaSet(models.Model):
    """A "mô hình": a named set of criteria issued by a plan, e.g. "Tỉnh an toàn PCCC" (64/KH-UBND).

    Kept inside pccc so that pccc does not depend on ``tasks``; ``document_number`` is the
    natural key a later change can use to link it to ``tasks.Programme``.
    """

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên mô hình"), max_length=200)
    document_number = models.CharField(_("số hiệu văn bản"), max_length=50, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("mô hình (bộ tiêu chí)")
        verbose_name_plural = _("mô hình (bộ tiêu chí)")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="pccc_set_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.document_number})" if self.document_number else self.name

    def get_absolute_url(self) -> str:
        return reverse("pccc:index") + f"?mo_hinh={self.code}"


class FacilityCategory(models.Model):
    """A kind of facility a phase targets, e.g. "Chung cư mini", "Nhà trọ", "Cơ sở thuộc diện quản lý"."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên loại cơ sở"), max_length=200)

    class Meta:
        verbose_name = _("loại cơ sở")
        verbose_name_plural = _("loại cơ sở")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One measurable criterion [tiêu chí] of a set, assessed for units at one level."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("mã tiêu chí"), max_length=20)
    title = models.CharField(_("tên tiêu chí"), max_length=300)
    short_title = models.CharField(_("tên ngắn (cột nhập liệu)"), max_length=60, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    level = models.PositiveSmallIntegerField(_("cấp đơn vị được đánh giá"), choices=UnitLevel.choices)
    measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    numerator_label = models.CharField(_("nhãn tử số / số lượng"), max_length=100, blank=True)
    denominator_label = models.CharField(_("nhãn mẫu số"), max_length=100, blank=True)
    comparator = models.CharField(_("cách so sánh"), max_length=10, choices=Comparator.choices)
    target = models.DecimalField(
        _("chỉ tiêu"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Tỷ lệ % tối thiểu/tối đa, hoặc số lượng tối thiểu N."),
    )
    aggregation = models.CharField(_("cách tổng hợp lên cấp trên"), max_length=15, choices=Aggregation.choices)
    period_kind = models.CharField(
        _("kỳ báo cáo"),
        max_length=10,
        choices=PeriodKind.choices,
        default=PeriodKind.MONTH,
        help_text=_("Số liệu của tiêu chí được nhập theo tháng, quý, 6 tháng hay năm (ví dụ số vụ cháy: theo năm)."),
    )
    requires_evidence = models.BooleanField(_("“Có” phải kèm minh chứng"), default=False)
    counts_toward_pass = models.BooleanField(
        _("tính vào đánh giá đạt"),
        default=True,
        help_text=_("Bỏ chọn với chỉ số chỉ để theo dõi (ví dụ số tổ liên gia)."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="pccc_criterion_code_unique"),
            models.CheckConstraint(condition=models.Q(comparator__in=Comparator.values), name="pccc_comparator_valid"),
            models.CheckConstraint(
                condition=models.Q(aggregation__in=Aggregation.values), name="pccc_aggregation_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(comparator__in=Comparator.with_target()) | models.Q(target__isnull=False),
                name="pccc_target_when_needed",
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="pccc_target_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_kind__in=PeriodKind.values), name="pccc_criterion_period_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def clean(self):
        if self.comparator in Comparator.with_target() and self.target is None:
            raise ValidationError({"target": _("Tiêu chí này cần có chỉ tiêu.")})
        if self.aggregation == Aggregation.RATIO and self.comparator not in Comparator.ratios():
            raise ValidationError({"aggregation": _("Chỉ tổng hợp theo tỷ lệ với tiêu chí nhập tử số/mẫu số.")})
        if self.aggregation == Aggregation.SUM and self.comparator not in Comparator.counts():
            raise ValidationError({"aggregation": _("Chỉ cộng số lượng với tiêu chí nhập số lượng.")})

    @property
    def is_ratio(self) -> bool:
        return self.comparator in Comparator.ratios()

    @property
    def is_count(self) -> bool:
        return self.comparator in Comparator.counts()

    @property
    def is_yes_no(self) -> bool:
        return self.comparator == Comparator.YES_NO

    @property
    def column_title(self) -> str:
        return self.short_title or self.title

    def takes_period(self, period: Period) -> bool:
        """Whether values of this criterion are entered for ``period`` (its own kind only)."""
        return period.kind == self.period_kind


class CriterionPhase(models.Model):
    """A phase of a criterion with its deadline and the facility categories it covers."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="phases"
    )
    number = models.PositiveSmallIntegerField(_("giai đoạn"))
    title = models.CharField(_("nội dung"), max_length=300)
    deadline = models.DateField(_("thời hạn"))
    facility_categories = models.ManyToManyField(FacilityCategory, verbose_name=_("loại cơ sở"), blank=True)

    class Meta:
        verbose_name = _("giai đoạn")
        verbose_name_plural = _("giai đoạn")
        ordering = ["criterion", "number"]
        constraints = [models.UniqueConstraint(fields=["criterion", "number"], name="pccc_phase_number_unique")]

    def __str__(self) -> str:
        return f"{self.criterion.code} – {self.number}: {self.title}"


class AssessmentSubmission(models.Model):
    """One save of the data-entry grid: who, when, for which unit subtree and period."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("mô hình"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit", verbose_name=_("đơn vị nhập liệu"), on_delete=models.PROTECT
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=7, validators=[RegexValidator(PERIOD_KEY_REGEX)])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)
    cells_changed = models.PositiveIntegerField(_("số ô thay đổi"), default=0)

    class Meta:
        verbose_name = _("lần nhập số liệu")
        verbose_name_plural = _("lần nhập số liệu")
        ordering = ["-entered_at"]

    def __str__(self) -> str:
        return f"{self.unit} · {Period.parse(self.period).label} · {timezone.localtime(self.entered_at):%d/%m/%Y %H:%M}"


class AssessmentQuerySet(models.QuerySet):
    def current(self):
        """The value that counts: one row per (criterion, unit, period)."""
        return self.filter(is_current=True)


class Assessment(models.Model):
    """The value of one criterion for one unit and one period [số liệu đánh giá].

    Append-only: a new value is a new row and the previous one loses ``is_current``;
    a partial unique constraint keeps exactly one current row per (criterion, unit,
    period), so a recompute can ``GROUP BY`` over ``is_current`` rows. ``value`` is the
    numerator of a ratio or the count; ``answer`` is the yes/no. All three empty records
    that a value was cleared.
    """

    submission = models.ForeignKey(
        AssessmentSubmission, verbose_name=_("lần nhập"), on_delete=models.PROTECT, related_name="assessments"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="pccc_assessments",
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=7, validators=[RegexValidator(PERIOD_KEY_REGEX)])
    value = models.PositiveBigIntegerField(_("tử số / số lượng"), null=True, blank=True)
    denominator = models.PositiveBigIntegerField(_("mẫu số"), null=True, blank=True)
    answer = models.BooleanField(_("có/không"), null=True, blank=True)
    evidence = models.CharField(_("minh chứng"), max_length=500, blank=True)
    is_current = models.BooleanField(_("là giá trị hiện hành"), default=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu đánh giá")
        verbose_name_plural = _("số liệu đánh giá")
        ordering = ["period", "criterion", "unit", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit", "period"],
                condition=models.Q(is_current=True),
                name="pccc_one_current_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | models.Q(denominator__isnull=True)
                | models.Q(value__lte=models.F("denominator")),
                name="pccc_numerator_not_above_denominator",
            ),
            models.CheckConstraint(condition=models.Q(period__regex=PERIOD_KEY_REGEX), name="pccc_period_key_valid"),
        ]
        indexes = [
            models.Index(
                fields=["period", "criterion", "unit"],
                name="pccc_assessment_current",
                condition=models.Q(is_current=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} · {self.unit} · {self.period}"

    @property
    def has_data(self) -> bool:
        return self.value is not None or self.answer is not None

    @property
    def period_label(self) -> str:
        """ "Năm 2025", "Tháng 11/2026": shown beside a value read from its criterion's own period."""
        return period_label(self.period)
