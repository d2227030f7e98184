"""Status values of the tasks app, each with the badge colour it is shown with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    """Trạng thái of a task. "Quá hạn" is not here: it is derived from the deadline."""

    NOT_STARTED = "chua_trien_khai", _("Chưa triển khai")
    IN_PROGRESS = "dang_trien_khai", _("Đang triển khai")
    DONE = "hoan_thanh", _("Hoàn thành")
    DONE_LATE = "hoan_thanh_qua_han", _("Hoàn thành quá hạn")
    BLOCKED = "vuong_mac", _("Vướng mắc")


DONE_STATUSES = (TaskStatus.DONE, TaskStatus.DONE_LATE)

STATUS_BADGES = {
    TaskStatus.NOT_STARTED: "secondary",
    TaskStatus.IN_PROGRESS: "primary",
    TaskStatus.DONE: "success",
    TaskStatus.DONE_LATE: "warning",
    TaskStatus.BLOCKED: "danger",
}

# What an officer may pick in a report; "hoàn thành quá hạn" is set by the service.
REPORTABLE_STATUSES = [
    (s.value, s.label) for s in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.BLOCKED)
]


class BlockReason(models.TextChoices):
    """Why a task is "vướng mắc", or why it is not started yet (the same reasons, counted together)."""

    WAITING_CENTRAL = "cho_huong_dan_tw", _("Chờ hướng dẫn của Trung ương")
    LEGAL = "co_che_chinh_sach", _("Vướng mắc về cơ chế, chính sách")
    FUNDING = "kinh_phi", _("Thiếu kinh phí")
    NO_BUDGET = "chua_bo_tri_kinh_phi", _("Chưa bố trí kinh phí")
    INFRASTRUCTURE = "ha_tang", _("Hạ tầng, thiết bị chưa đáp ứng")
    DATA = "du_lieu", _("Dữ liệu chưa được kết nối, đồng bộ")
    OTHER = "khac", _("Lý do khác")


class UpdateKind(models.TextChoices):
    """What an entry of the timeline records."""

    REPORT = "bao_cao", _("Báo cáo tiến độ")
    VERIFIED = "xac_nhan", _("Xác nhận hoàn thành")
    RETURNED = "tra_lai", _("Trả lại báo cáo")
    REOPENED = "mo_lai", _("Mở lại nhiệm vụ")


class TaskGroup(models.TextChoices):
    """The five groups of tasks of Đề án 06."""

    PUBLIC_SERVICES = "dich_vu_cong", _("Phục vụ giải quyết thủ tục hành chính và cung cấp dịch vụ công trực tuyến")
    SOCIO_ECONOMIC = "kinh_te_xa_hoi", _("Phục vụ phát triển kinh tế, xã hội")
    DIGITAL_CITIZENS = "cong_dan_so", _("Phục vụ phát triển công dân số")
    DATA_ECOSYSTEM = "he_sinh_thai", _("Hoàn thiện hệ sinh thái phục vụ kết nối, khai thác, làm giàu dữ liệu dân cư")
    LEADERSHIP = "chi_dao_dieu_hanh", _("Phục vụ chỉ đạo, điều hành của lãnh đạo các cấp")


class AgencyKind(models.TextChoices):
    """Kinds of lead or coordinating body."""

    CENTRAL = "trung_uong", _("Bộ, ngành Trung ương")
    POLICE = "cong_an", _("Công an")
    DEPARTMENT = "so_nganh", _("Sở, ban, ngành")
    PEOPLES_COMMITTEE = "ubnd", _("Ủy ban nhân dân")
    OTHER = "khac", _("Cơ quan, đơn vị khác")


class ExtensionStatus(models.TextChoices):
    """Where a request for a new deadline [đề nghị gia hạn] stands."""

    PENDING = "cho_duyet", _("Chờ duyệt")
    APPROVED = "da_duyet", _("Đã đồng ý")
    REFUSED = "tu_choi", _("Không đồng ý")


EXTENSION_BADGES = {
    ExtensionStatus.PENDING: "info",
    ExtensionStatus.APPROVED: "success",
    ExtensionStatus.REFUSED: "secondary",
}
