from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EventKind


class AuditEvent(models.Model):
    """One security-relevant fact [sự kiện kiểm toán]: who, their unit, when, from where, what, on what.

    Append-only and written only by audit.services (``audit_record``; ``audit_api_call`` for the
    read API's calls, made by a token, not a user); pruned after
    AUDIT_RETENTION_DAYS by a job. ``username`` keeps the typed name of a failed login
    (there may be no such user) and the name of a user deleted later.
    """

    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    kind = models.CharField(_("loại sự kiện"), max_length=32, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True, db_index=True)
    unit = models.ForeignKey(
        "provinces.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Đơn vị của người thực hiện tại thời điểm đó; để trống là cấp Trung ương."),
    )
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "kind", "-created_at"], name="audit_user_kind_time"),
            models.Index(fields=["kind", "-created_at"], name="audit_kind_time"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)
        return f"{self.get_kind_display()} · {self.username or '-'} · {when:%d/%m/%Y %H:%M}"


class AdminChangeLog(LogEntry):
    """Django admin's own change log [lịch sử thay đổi trong trang quản trị], shown beside the audit events.

    A proxy so that it sits in this app's admin section under a clear name (Django's Vietnamese
    catalogue calls LogEntry "mục đăng nhập", which reads as "logins").
    """

    class Meta:
        proxy = True
        verbose_name = _("thay đổi trong trang quản trị")
        verbose_name_plural = _("lịch sử thay đổi trong trang quản trị")
