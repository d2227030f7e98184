"""What the nightly recompute writes, and a record of each run.

Dashboards read these rows, never the raw logs. ``scope_path`` is the unit's
materialized path, or "/" for the national row, so that one unique key covers
every level including national (a NULL unit would not be unique).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from pccc.periods import period_label, period_span_label
from provinces.choices import UnitLevel
from tasks.choices import BlockReason, TaskStatus

from .choices import RunOutcome

NATIONAL_SCOPE = "/"


class CompletionSnapshot(models.Model):
    """Đề án 06 task figures of one programme for one unit subtree, as of one date."""

    programme = models.ForeignKey(
        "tasks.Programme", verbose_name=_("đề án"), on_delete=models.CASCADE, related_name="snapshots"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="completion_snapshots",
    )
    scope_path = models.CharField(_("phạm vi"), max_length=255)
    date = models.DateField(_("ngày số liệu"))
    weighted_completion = models.DecimalField(_("tỷ lệ hoàn thành có trọng số (%)"), max_digits=5, decimal_places=2)
    completion = models.DecimalField(_("tỷ lệ hoàn thành bình quân (%)"), max_digits=5, decimal_places=2)
    tasks_total = models.PositiveIntegerField(_("tổng số nhiệm vụ"))
    tasks_done = models.PositiveIntegerField(_("hoàn thành đúng hạn"))
    tasks_done_late = models.PositiveIntegerField(_("hoàn thành quá hạn"))
    tasks_in_progress = models.PositiveIntegerField(_("đang triển khai"))
    tasks_not_started = models.PositiveIntegerField(_("chưa triển khai"))
    tasks_blocked = models.PositiveIntegerField(_("vướng mắc"))
    tasks_overdue = models.PositiveIntegerField(_("quá hạn"))
    tasks_awaiting_verification = models.PositiveIntegerField(_("báo cáo hoàn thành chờ xác nhận"))
    # "Đã triển khai": every status but not started, the share leaders quote first.
    tasks_started = models.PositiveIntegerField(_("đã triển khai"), default=0)
    # Not-started and blocked tasks by reason: {"cho_huong_dan_tw": {"chua_trien_khai": 3, "vuong_mac": 1}}.
    reasons = models.JSONField(_("số nhiệm vụ theo lý do"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("thời điểm tính"))

    class Meta:
        verbose_name = _("số liệu tổng hợp nhiệm vụ")
        verbose_name_plural = _("số liệu tổng hợp nhiệm vụ")
        ordering = ["-date", "programme", "scope_path"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "scope_path", "date"], name="completion_snapshot_key"),
            models.CheckConstraint(
                condition=models.Q(weighted_completion__gte=0, weighted_completion__lte=100),
                name="completion_snapshot_percent_range",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "scope_path"], name="completion_snapshot_scope"),
            # The ranking reads each child unit's rows of a few days: one probe per child, not a scan of
            # every scope of those days (nor, through the unit's own index, of every day of the child).
            models.Index(fields=["unit", "date"], name="completion_snapshot_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.unit or _('Toàn quốc')} · {self.date:%d/%m/%Y}"

    @property
    def tasks_completed(self) -> int:
        return self.tasks_done + self.tasks_done_late

    @property
    def started_share(self) -> Decimal | None:
        """Tasks started over all tasks, in percent (None without tasks)."""
        if not self.tasks_total:
            return None
        return Decimal(self.tasks_started * 100) / self.tasks_total

    @property
    def not_started_by_reason(self) -> list[tuple[str, int, int]]:
        """(reason label, not started, blocked) for each reason given to a not-started task, most first."""
        rows = []
        for reason, counts in self.reasons.items():
            waiting = counts.get(TaskStatus.NOT_STARTED.value, 0)
            if waiting and reason in BlockReason.values:
                label = str(BlockReason(reason).label)
                # Mid-sentence ("trong đó 3 chờ hướng dẫn của Trung ương"): only the first letter is lowered.
                rows.append((label[:1].lower() + label[1:], waiting, counts.get(TaskStatus.BLOCKED.value, 0)))
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    @property
    def blocked_waiting_central(self) -> int:
        """Blocked while waiting for central guidance, that day (the live count covers only today)."""
        return self.reasons.get(BlockReason.WAITING_CENTRAL.value, {}).get(TaskStatus.BLOCKED.value, 0)

    @property
    def by_reason(self) -> list[tuple[str, int, int]]:
        """(reason label, not started, blocked) for every reason given, most tasks first: a not-started
        task waiting for central guidance counts with the blocked ones waiting for it."""
        rows = [
            (str(BlockReason(reason).label), counts.get(TaskStatus.NOT_STARTED.value, 0),
             counts.get(TaskStatus.BLOCKED.value, 0))
            for reason, counts in self.reasons.items()
            if reason in BlockReason.values
        ]  # fmt: skip
        return sorted(rows, key=lambda row: (-(row[1] + row[2]), row[0]))

    @property
    def not_started_without_reason(self) -> int:
        return self.tasks_not_started - sum(waiting for _label, waiting, _blocked in self.not_started_by_reason)


class PcccSnapshot(models.Model):
    """Fire-safety figures of one criteria set for one unit subtree, as of one date.

    ``criteria`` holds each criterion's aggregate: ``{"code": {"value", "denominator",
    "ratio", "units_passing", "units_assessed"}}``. ``levels`` holds, per level judged by the
    set, ``{"3": {"total", "reported", "passing", "judged"}}``: "x/y đơn vị đạt" always has
    every unit of that level in the scope as y, with the number reported beside it. The
    scalar ``units_*`` fields repeat the headline level (the deepest judged, e.g. communes).
    Each unit counts with its own latest month: ``period`` is the latest of them,
    ``period_earliest`` the earliest (equal when every unit is up to date).
    """

    criteria_set = models.ForeignKey(
        "pccc.CriteriaSet", verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="snapshots"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pccc_snapshots",
    )
    scope_path = models.CharField(_("phạm vi"), max_length=255)
    date = models.DateField(_("ngày số liệu"))
    period = models.CharField(_("kỳ số liệu"), max_length=7)
    period_earliest = models.CharField(_("kỳ số liệu sớm nhất"), max_length=7, blank=True)
    criteria_met = models.PositiveIntegerField(_("số tiêu chí đạt"))
    criteria_assessed = models.PositiveIntegerField(_("số tiêu chí đã đánh giá"))
    units_passing = models.PositiveIntegerField(_("số đơn vị đạt mô hình"))
    units_assessed = models.PositiveIntegerField(_("số đơn vị đã báo cáo"))
    units_total = models.PositiveIntegerField(_("tổng số đơn vị"), default=0)
    criteria = models.JSONField(_("số liệu từng tiêu chí"), default=dict)
    levels = models.JSONField(_("số đơn vị đạt theo cấp"), default=dict)
    computed_at = models.DateTimeField(_("thời điểm tính"))

    class Meta:
        verbose_name = _("số liệu tổng hợp PCCC")
        verbose_name_plural = _("số liệu tổng hợp PCCC")
        ordering = ["-date", "criteria_set", "scope_path"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "scope_path", "date"], name="pccc_snapshot_key"),
        ]
        indexes = [
            models.Index(fields=["date", "scope_path"], name="pccc_snapshot_scope"),
            # Each child unit's row of one day, for the ranking (as completion_snapshot_unit_day).
            models.Index(fields=["unit", "date"], name="pccc_snapshot_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} · {self.unit or _('Toàn quốc')} · {self.date:%d/%m/%Y}"

    @property
    def units_incomplete(self) -> int:
        """Units of the headline level that reported, fail nothing, but miss values ("chưa đủ số liệu");
        0 for snapshots written before the count existed."""
        return int(self.levels.get(str(self._headline_level()), {}).get("incomplete", 0))

    @property
    def other_levels(self) -> list[tuple[str, dict]]:
        """(level label, figures) of the levels judged besides the headline one that have units in the
        scope, e.g. the province itself on a province-level criterion, shown beside the communes."""
        return [
            (UnitLevel(int(level)).label, figures)
            for level, figures in sorted(self.levels.items(), key=lambda item: int(item[0]))
            if figures.get("judged") and figures.get("total") and int(level) != self._headline_level()
        ]

    def _headline_level(self) -> int:
        judged = [int(level) for level, figures in self.levels.items() if figures.get("judged")]
        return max(judged) if judged else 0

    @property
    def periods_differ(self) -> bool:
        return bool(self.period_earliest) and self.period_earliest != self.period

    @property
    def period_label(self) -> str:
        """ "Tháng 10/2026", or "Tháng 9/2026 – Tháng 10/2026" when the units' latest periods differ
        (``pccc.periods.period_span_label``: one wording of periods everywhere)."""
        if self.periods_differ:
            return period_span_label(self.period_earliest, self.period)
        return period_label(self.period)


class RecomputeRun(models.Model):
    """One run of the recompute job: when, what it wrote, how it ended."""

    as_of = models.DateField(_("tính cho ngày"))
    triggered_by = models.CharField(_("khởi chạy bởi"), max_length=100)
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=RunOutcome.choices, default=RunOutcome.RUNNING)
    error = models.TextField(_("lỗi"), blank=True)
    warnings = models.TextField(_("cảnh báo"), blank=True)
    records_left_out = models.PositiveIntegerField(
        _("số bản ghi bị bỏ qua"),
        default=0,
        help_text=_(
            "Nhiệm vụ, số liệu PCCC của đơn vị không còn trong cây đơn vị hiện hành và không có đơn vị kế thừa."
        ),
    )
    records_moved = models.PositiveIntegerField(
        _("số bản ghi tính vào đơn vị kế thừa"),
        default=0,
        help_text=_("Nhiệm vụ, số liệu PCCC của đơn vị đã sáp nhập, được tính vào đơn vị kế thừa."),
    )

    class Meta:
        verbose_name = _("lượt tính lại số liệu")
        verbose_name_plural = _("lượt tính lại số liệu")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=RunOutcome.values), name="recompute_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of:%d/%m/%Y} · {self.get_outcome_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
