from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of administrative unit, current (from 1 July 2025) and legacy."""

    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TRUNG_UONG = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    # Legacy district level (before 1 July 2025).
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO = "thanh_pho", _("Thành phố thuộc tỉnh")
    # Commune level.
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")


class UnitLevel(models.IntegerChoices):
    """Depth in the tree; the current structure has two levels."""

    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện (trước 01/07/2025)")
    COMMUNE = 3, _("Cấp xã")


# The kinds a unit of each level may have.
KINDS_BY_LEVEL = {
    UnitLevel.PROVINCE: (UnitKind.TINH, UnitKind.THANH_PHO_TRUNG_UONG),
    UnitLevel.DISTRICT: (UnitKind.HUYEN, UnitKind.QUAN, UnitKind.THI_XA, UnitKind.THANH_PHO),
    UnitLevel.COMMUNE: (UnitKind.XA, UnitKind.PHUONG, UnitKind.THI_TRAN, UnitKind.DAC_KHU),
}

# The levels a unit's parent may have. A province is a root. Since 1 July 2025 a commune sits
# directly under its province; the legacy structure had a district in between.
PARENT_LEVELS = {
    UnitLevel.PROVINCE: (),
    UnitLevel.DISTRICT: (UnitLevel.PROVINCE,),
    UnitLevel.COMMUNE: (UnitLevel.PROVINCE, UnitLevel.DISTRICT),
}
