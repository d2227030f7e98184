"""Event types of notifications and the states of an email delivery."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """Why a person is told something. The value is part of a notification's unique key."""

    TASK_ASSIGNED = "giao_viec", _("Được giao nhiệm vụ")
    DEADLINE_CHANGED = "doi_thoi_han", _("Thời hạn nhiệm vụ thay đổi")
    DEADLINE_APPROACHING = "sap_den_han", _("Nhiệm vụ sắp đến hạn")
    DEADLINE_PASSED = "qua_han", _("Nhiệm vụ quá hạn")
    ESCALATED_TO_COORDINATOR = "qua_han_thuong_truc", _("Nhiệm vụ quá hạn (báo Thường trực)")
    ESCALATED_TO_LEADER = "qua_han_lanh_dao", _("Nhiệm vụ quá hạn (báo Lãnh đạo)")
    REPORT_VERIFIED = "bao_cao_xac_nhan", _("Báo cáo hoàn thành được xác nhận")
    REPORT_RETURNED = "bao_cao_tra_lai", _("Báo cáo hoàn thành bị trả lại")
    AWAITING_VERIFICATION = "cho_xac_nhan", _("Báo cáo hoàn thành chờ xác nhận")
    TASK_BLOCKED = "vuong_mac", _("Nhiệm vụ gặp vướng mắc")
    DAILY_DIGEST = "tong_hop_ngay", _("Tổng hợp hằng ngày cho Lãnh đạo")
    CRITERIA_GRID_EMPTY = "chua_nhap_tieu_chi", _("Chưa nhập số liệu tiêu chí của kỳ")


# Email is on by default for reminders and returns; the rest only in the portal unless chosen.
EMAIL_ON_BY_DEFAULT = frozenset(
    {
        EventType.DEADLINE_APPROACHING,
        EventType.DEADLINE_PASSED,
        EventType.ESCALATED_TO_COORDINATOR,
        EventType.ESCALATED_TO_LEADER,
        EventType.REPORT_RETURNED,
        EventType.CRITERIA_GRID_EMPTY,
    }
)


class Channel(models.TextChoices):
    """Ways out of the portal. In-app is the notification row itself and needs no delivery."""

    EMAIL = "email", _("Thư điện tử")


class DeliveryStatus(models.TextChoices):
    PENDING = "cho_gui", _("Chờ gửi")
    SENDING = "dang_gui", _("Đang gửi")
    SENT = "da_gui", _("Đã gửi")
    FAILED = "that_bai", _("Gửi thất bại")
    SKIPPED = "bo_qua", _("Bỏ qua (địa chỉ không hợp lệ)")
