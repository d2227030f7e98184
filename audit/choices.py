from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What an audit event records. Some kinds are for features that call audit_record() themselves."""

    LOGIN = "dang_nhap", _("Đăng nhập")
    LOGIN_FAILED = "dang_nhap_that_bai", _("Đăng nhập thất bại")
    LOGOUT = "dang_xuat", _("Đăng xuất")
    LOCKED_OUT = "khoa_dang_nhap", _("Bị khóa đăng nhập")
    PASSWORD_CHANGED = "doi_mat_khau", _("Đổi mật khẩu")
    MFA_CHANGED = "doi_xac_thuc_hai_lop", _("Thay đổi xác thực hai lớp")
    ROLE_CHANGED = "doi_vai_tro", _("Thay đổi vai trò")
    PERMISSION_CHANGED = "doi_quyen", _("Thay đổi quyền")
    UNIT_CHANGED = "doi_don_vi", _("Thay đổi đơn vị")
    EXPORT = "xuat_du_lieu", _("Xuất dữ liệu")
    REPORT_DOWNLOAD = "tai_bao_cao", _("Tải báo cáo")
    EVIDENCE_DOWNLOAD = "tai_minh_chung", _("Tải tệp minh chứng")
    API_TOKEN_USED = "dung_ma_api", _("Dùng mã truy cập API")
    ACCESS_REFUSED = "tu_choi_truy_cap", _("Bị từ chối truy cập")


# Kinds a user sees on their own "recent logins" page.
SIGN_IN_KINDS = (EventKind.LOGIN, EventKind.LOGIN_FAILED, EventKind.LOCKED_OUT, EventKind.LOGOUT)

# Badge colour beside each kind in lists.
KIND_BADGES = {
    EventKind.LOGIN: "success",
    EventKind.LOGIN_FAILED: "warning",
    EventKind.LOCKED_OUT: "danger",
    EventKind.LOGOUT: "secondary",
}
