import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.search import fold

from .choices import (
    DONE_STATUSES,
    EXTENSION_BADGES,
    STATUS_BADGES,
    AgencyKind,
    BlockReason,
    ExtensionStatus,
    TaskGroup,
    TaskStatus,
    UpdateKind,
)
from .deadlines import is_due_soon, is_overdue

PERCENT_VALIDATORS = [
    MinValueValidator(0, _("Tỷ lệ hoàn thành không được nhỏ hơn 0%%.")),
    MaxValueValidator(100, _("Tỷ lệ hoàn thành không được lớn hơn 100%%.")),
]


class Programme(models.Model):
    """An đề án / kế hoạch, e.g. "Đề án 06 năm 2026" (06/QĐ-TTg).

    ``unit`` is the unit that issued it; empty for a national programme.
    """

    name = models.CharField(_("tên đề án, kế hoạch"), max_length=255)
    document_number = models.CharField(_("số văn bản"), max_length=60, help_text=_("Ví dụ: 06/QĐ-TTg, 64/KH-UBND"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=255)
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("Để trống nếu là đề án cấp Trung ương."),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("đề án, kế hoạch")
        verbose_name_plural = _("đề án, kế hoạch")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="programme_period_valid",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A body that leads or coordinates tasks: a department, a people's committee, a ministry.

    ``unit`` is where it sits; empty for a central ministry. ``members`` are the
    officers who work for it, so its tasks appear on their "Việc của tôi".
    """

    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("thuộc đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("Để trống nếu là bộ, ngành Trung ương."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), blank=True, related_name="agencies"
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "unit"], name="agency_name_unique_in_unit"),
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


def task_search_text(title: str) -> str:
    """What the task list's search matches: the title folded like unit names (no diacritics, lowercase)."""
    return fold(title or "")


class TaskQuerySet(models.QuerySet):
    """Keeps ``search_text`` filled on the bulk paths too (imports, copies, demo communes), which skip save()."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for task in objs:
            task.search_text = task_search_text(task.title)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "title" in fields:
            for task in objs:
                task.search_text = task_search_text(task.title)
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Task(models.Model):
    """A nhiệm vụ of a programme for one unit, with its "5 rõ" fields.

    The ``current_*`` fields, ``awaiting_verification``, ``completion_verified``
    and ``last_update_*`` mirror the latest ProgressUpdate. Only the services in
    ``tasks.services`` write them, in the same transaction as the update, so that
    set-based reports can read a task's state without scanning the log.
    ``version`` grows with every edit of the fields by hand (optimistic locking).
    """

    programme = models.ForeignKey(Programme, verbose_name=_("đề án"), on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="tasks"
    )
    group = models.CharField(_("nhóm nhiệm vụ"), max_length=30, choices=TaskGroup.choices)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung, cách thức thực hiện"), blank=True)
    expected_result = models.TextField(_("sản phẩm đầu ra"), blank=True)
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    coordinating_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="coordinated_tasks"
    )
    accountable_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chịu trách nhiệm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountable_tasks",
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    deadline = models.DateField(_("thời hạn hoàn thành"))
    weight = models.DecimalField(_("trọng số"), max_digits=6, decimal_places=2, default=1)
    parent = models.ForeignKey(
        "self", verbose_name=_("nhiệm vụ cha"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    current_status = models.CharField(
        _("trạng thái"), max_length=30, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED, editable=False
    )
    current_percent = models.PositiveSmallIntegerField(_("tỷ lệ hoàn thành (%)"), default=0, editable=False)
    current_block_reason = models.CharField(
        _("lý do vướng mắc"), max_length=30, choices=BlockReason.choices, blank=True, editable=False
    )
    awaiting_verification = models.BooleanField(_("chờ xác nhận"), default=False, editable=False)
    completion_verified = models.BooleanField(_("đã xác nhận hoàn thành"), default=False, editable=False)
    last_update_at = models.DateTimeField(_("cập nhật lần cuối"), null=True, blank=True, editable=False)
    last_update_kind = models.CharField(
        _("loại cập nhật cuối"), max_length=20, choices=UpdateKind.choices, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)
    # The title folded for the list's search ("cap phieu" finds "cấp phiếu"), written with the title.
    search_text = models.CharField(_("từ khoá tìm kiếm"), max_length=500, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("lịch sử nhiệm vụ"), excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_percent__gte=0, current_percent__lte=100), name="task_percent_range"
            ),
            models.CheckConstraint(condition=Q(current_status__in=TaskStatus.values), name="task_status_valid"),
            models.CheckConstraint(condition=Q(group__in=TaskGroup.values), name="task_group_valid"),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="task_weight_positive",
                violation_error_message=_("Trọng số phải là số dương."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start_date")),
                name="task_deadline_after_start",
                violation_error_message=_("Thời hạn hoàn thành không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=~Q(current_status__in=DONE_STATUSES) | Q(current_percent=100), name="task_done_is_100"
            ),
            models.CheckConstraint(
                condition=~Q(awaiting_verification=True, completion_verified=True), name="task_verified_xor_awaiting"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "deadline"], name="task_unit_deadline"),
            models.Index(fields=["programme", "unit"], name="task_programme_unit"),
            # Bottlenecks: a programme's tasks in deadline order, most overdue first.
            models.Index(fields=["programme", "deadline"], name="task_programme_deadline"),
            # "Báo cáo bị trả lại" on every task list: the few tasks whose latest entry is a return,
            # found without reading every task (5 ms of each list nationally, growing with the tasks).
            models.Index(
                fields=["last_update_at"], name="task_returned", condition=Q(last_update_kind=UpdateKind.RETURNED)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived data, not a rule: the search key always follows the title.
        self.search_text = task_search_text(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tasks:task_detail", kwargs={"pk": self.pk})

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.current_status]

    @property
    def is_done(self) -> bool:
        return self.current_status in DONE_STATUSES

    @property
    def days_left(self) -> int:
        """Days until the deadline (negative when past), counted in Vietnam's time zone."""
        return (self.deadline - timezone.localdate()).days

    @property
    def is_overdue(self) -> bool:
        """ "Quá hạn": the deadline has passed and the task is not done (tasks.deadlines)."""
        return is_overdue(deadline=self.deadline, status=self.current_status, today=timezone.localdate())

    @property
    def is_due_soon(self) -> bool:
        """Not done and due within DUE_SOON_DAYS (tasks.deadlines): the deadline shows in warning colour."""
        return is_due_soon(deadline=self.deadline, status=self.current_status, today=timezone.localdate())

    @property
    def days_overdue(self) -> int:
        return -self.days_left


class ProgressUpdate(models.Model):
    """One entry of a task's append-only timeline: a report, a verification, a return or a reopening.

    Never edited or deleted; a correction is a new entry. The latest one is the task's state.
    """

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    # The day the report describes [ngày số liệu], distinct from when it was typed (``created_at``):
    # figures "as of" a day and lateness are judged on it. Empty on a new entry means the local
    # date of its entry (see save()).
    data_date = models.DateField(_("ngày số liệu"), blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.REPORT)
    percent = models.PositiveSmallIntegerField(_("tỷ lệ hoàn thành (%)"), validators=PERCENT_VALIDATORS)
    status = models.CharField(_("trạng thái"), max_length=30, choices=TaskStatus.choices)
    block_reason = models.CharField(_("lý do vướng mắc"), max_length=30, choices=BlockReason.choices, blank=True)
    note = models.TextField(_("nội dung báo cáo"), blank=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="update_percent_range"),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="update_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=UpdateKind.values), name="update_kind_valid"),
            models.CheckConstraint(condition=~Q(status__in=DONE_STATUSES) | Q(percent=100), name="update_done_is_100"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.BLOCKED) | ~Q(block_reason=""), name="update_blocked_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "-created_at", "-id"], name="update_task_latest"),
            # A task's state as of a day: its latest entry by data date, then by entry time.
            models.Index(fields=["task", "-data_date", "-created_at", "-id"], name="update_task_as_of"),
            models.Index(
                fields=["task", "-data_date", "-created_at", "-id"],
                name="update_task_official_as_of",
                condition=~Q(kind=UpdateKind.REPORT, status__in=DONE_STATUSES),
            ),
            # The nightly recompute looks up each task's latest official update (not an
            # unverified completion report); this partial index answers it from the index alone.
            models.Index(
                fields=["task", "-created_at", "-id"],
                name="update_task_official",
                condition=~Q(kind=UpdateKind.REPORT, status__in=DONE_STATUSES),
            ),
            # The tasks reported between two days ("Thay đổi từ ngày …" on the dashboards): a range of
            # data dates, not one task's history (without it, a scan of every update: 60 ms nationally).
            models.Index(fields=["data_date", "task"], name="update_data_date"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.get_kind_display()} · {self.percent}%"

    def save(self, *args, **kwargs):
        # Append-only: the timeline is evidence; a correction is a new entry.
        if self.pk is not None:
            raise ValueError("ProgressUpdate is append-only")
        if self.data_date is None:
            self.data_date = timezone.localdate(self.created_at)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ProgressUpdate is append-only")

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.status]


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """A random name under MEDIA_ROOT; the extension comes from the checked content, not the user."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"nhiem-vu/minh-chung/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A file attached to a progress report [minh chứng]; served only through a scope-checking view."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("tasks:evidence_download", kwargs={"pk": self.pk})


class TaskComment(models.Model):
    """One message of a task's discussion [trao đổi] between officers and the coordinator.

    Apart from the progress reports: a comment never changes the task's state or its figures.
    Never edited or deleted, like the timeline, so the discussion stays a record.
    """

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("nội dung"), max_length=5000)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("trao đổi về nhiệm vụ")
        verbose_name_plural = _("trao đổi về nhiệm vụ")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="comment_task_created")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty")]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.author_id} · {self.created_at:%d/%m/%Y %H:%M}"


class DeadlineExtensionRequest(models.Model):
    """An officer's request for a new deadline [đề nghị gia hạn], with a reason, and the coordinator's decision.

    ``current_deadline`` is the deadline when the request was made, so the history reads
    "31/10 → 30/11" even after the task moved. An approval changes the task's deadline through
    ``tasks.services.task_update`` (audit log, version), never by editing the task here. At most
    one request per task waits for a decision.
    """

    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    current_deadline = models.DateField(_("thời hạn khi đề nghị"))
    requested_deadline = models.DateField(_("thời hạn đề nghị"))
    reason = models.TextField(_("lý do"), max_length=2000)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến của Thường trực"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExtensionStatus.values), name="extension_status_valid"),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=models.F("current_deadline")),
                name="extension_later_deadline",
                violation_error_message=_("Thời hạn đề nghị phải sau thời hạn hiện tại."),
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_reason_not_empty"),
            models.CheckConstraint(
                condition=Q(status=ExtensionStatus.PENDING, decided_at__isnull=True)
                | Q(~Q(status=ExtensionStatus.PENDING), decided_at__isnull=False),
                name="extension_decided_when_not_pending",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_task",
                violation_error_message=_("Nhiệm vụ này đã có một đề nghị gia hạn đang chờ duyệt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.current_deadline:%d/%m/%Y} → {self.requested_deadline:%d/%m/%Y}"

    @property
    def status_badge(self) -> str:
        return EXTENSION_BADGES[self.status]

    @property
    def is_pending(self) -> bool:
        return self.status == ExtensionStatus.PENDING
