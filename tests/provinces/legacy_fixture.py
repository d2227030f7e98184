"""A small pre-reform structure around the test tree (tests/conftest.py ``tree``), shaped like the real data."""

from provinces.choices import UnitKind, UnitLevel
from provinces.services import CrosswalkRecord, LegacyData, LegacyUnitRecord


def province(code, name, kind=UnitKind.TINH):
    return LegacyUnitRecord(code, name, kind, UnitLevel.PROVINCE, "", None)


def district(code, name, parent, kind=UnitKind.QUAN):
    return LegacyUnitRecord(code, name, kind, UnitLevel.DISTRICT, "", parent)


def commune(code, name, parent, kind=UnitKind.PHUONG):
    return LegacyUnitRecord(code, name, kind, UnitLevel.COMMUNE, "", parent)


def legacy_data() -> LegacyData:
    """Old Hà Nội, Hải Dương and Hải Phòng, one district each, and a commune split between two wards."""
    units = [
        province("01", "Thành phố Hà Nội", UnitKind.THANH_PHO_TRUNG_UONG),
        province("30", "Tỉnh Hải Dương"),
        province("31", "Thành phố Hải Phòng", UnitKind.THANH_PHO_TRUNG_UONG),
        district("001", "Quận Ba Đình", "01"),
        district("288", "Thành phố Hải Dương", "30", UnitKind.THANH_PHO),
        district("303", "Quận Hồng Bàng", "31"),
        commune("00001", "Phường Phúc Xá", "001"),
        # The same code as the current Phường Ba Đình: old and new codes may coincide.
        commune("00004", "Phường Trúc Bạch", "001"),
        commune("10507", "Phường Trần Phú", "288"),
        commune("11299", "Phường Hoàng Văn Thụ", "303"),
    ]
    crosswalk = [
        CrosswalkRecord("01", "01", True),
        CrosswalkRecord("30", "31", True),
        CrosswalkRecord("31", "31", True),
        CrosswalkRecord("001", "01", True),
        CrosswalkRecord("288", "31", True),
        CrosswalkRecord("303", "31", True),
        # Phúc Xá was split: mostly into Ba Đình (the default), partly into Hoàn Kiếm.
        CrosswalkRecord("00001", "00004", True),
        CrosswalkRecord("00001", "00070", False),
        CrosswalkRecord("00004", "00004", True),
        CrosswalkRecord("10507", "11296", True),
        CrosswalkRecord("11299", "11296", True),
    ]
    return LegacyData(units=units, crosswalk=crosswalk)
