from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryStatus, EventType


class NotificationRun(models.Model):
    """One run of the daily reminder job: its day, what it created per event, what email did."""

    day = models.DateField(_("ngày"))
    dry_run = models.BooleanField(_("chạy thử (không gửi)"), default=False)
    triggered_by = models.CharField(_("khởi chạy bởi"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    counts = models.JSONField(_("số thông báo theo sự kiện"), default=dict, blank=True)
    notifications_created = models.PositiveIntegerField(_("thông báo mới"), default=0)
    emails_sent = models.PositiveIntegerField(_("thư đã gửi"), default=0)
    emails_failed = models.PositiveIntegerField(_("thư lỗi (sẽ thử lại)"), default=0)
    emails_skipped = models.PositiveIntegerField(_("thư bỏ qua"), default=0)
    emails_queued = models.PositiveIntegerField(_("thư chờ (giờ yên lặng)"), default=0)
    warnings = models.TextField(_("cảnh báo"), blank=True)

    class Meta:
        verbose_name = _("lượt gửi nhắc việc")
        verbose_name_plural = _("lượt gửi nhắc việc")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} · {self.started_at:%H:%M}"


class Notification(models.Model):
    """One message to one person, shown in the portal (the bell) and maybe sent by email.

    ``object_key`` names what it is about ("task:12", "unit:01", "digest"); with the event,
    the recipient and the day it is unique in the database, so a retried, redelivered or
    doubled job never creates (nor sends) a second one.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("sự kiện"), max_length=30, choices=EventType.choices)
    object_key = models.CharField(_("đối tượng"), max_length=40)
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("nhiệm vụ"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("ngày"))
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    # The digest's lines (section, title, link), rendered as links in the page and the email.
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    run = models.ForeignKey(
        NotificationRun, verbose_name=_("lượt chạy"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "object_key", "recipient", "day"], name="notification_once_per_event_object_day"
            ),
            models.CheckConstraint(condition=Q(event__in=EventType.values), name="notification_event_valid"),
        ]
        indexes = [
            # The bell: a user's unread count, on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_list"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """Sending one notification through one channel (email): its state, attempts and last error."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lần tới"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt gửi thông báo")
        verbose_name_plural = _("lượt gửi thông báo")
        ordering = ["-next_attempt_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="delivery_channel_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class NotificationPreference(models.Model):
    """A user's choice of email for one event type; without a row, the default of EMAIL_ON_BY_DEFAULT.

    In-app notifications are always on: there is no switch for them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("sự kiện"), max_length=30, choices=EventType.choices)
    email = models.BooleanField(_("gửi thư điện tử"))

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_once"),
            models.CheckConstraint(condition=Q(event__in=EventType.values), name="notification_preference_event_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_event_display()}"
