"""Writes to the administrative-unit tree."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from .choices import UnitKind, UnitLevel
from .models import PATH_SEPARATOR, AdministrativeUnit

# The current two-level structure took effect on 1 July 2025 (Resolution 202/2025/QH15).
CURRENT_STRUCTURE_FROM = date(2025, 7, 1)

# The data package's division types, mapped to ours.
PACKAGE_KINDS = {
    "tỉnh": UnitKind.TINH,
    "thành phố trung ương": UnitKind.THANH_PHO_TRUNG_UONG,
    "xã": UnitKind.XA,
    "phường": UnitKind.PHUONG,
    "đặc khu": UnitKind.DAC_KHU,
}


# Fields that follow the data package; anything else (validity, successor) is ours.
SYNCED_FIELDS = ["name", "kind", "codename", "level", "parent", "path"]


class UnitDataError(Exception):
    """The unit data source is missing or malformed; nothing was written."""


@dataclass(frozen=True)
class UnitRecord:
    """One unit as read from the data source, before it touches the database."""

    code: str
    name: str
    kind: str
    codename: str
    parent_code: str | None


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_current_units_from_package() -> list[UnitRecord]:
    """Read the 34 provinces and 3,321 communes from ``vietnam-provinces``."""
    try:
        from vietnam_provinces import Province, Ward
    except ImportError as exc:
        raise UnitDataError(
            "Không tìm thấy gói dữ liệu 'vietnam-provinces'. Hãy cài đặt: pip install -r requirements.txt"
        ) from exc
    try:
        provinces = [
            UnitRecord(
                code=f"{int(p.code):02d}",
                name=p.name,
                kind=_package_kind(p.division_type),
                codename=p.codename,
                parent_code=None,
            )
            for p in Province.iter_all()
        ]
        wards = [
            UnitRecord(
                code=f"{int(w.code):05d}",
                name=w.name,
                kind=_package_kind(w.division_type),
                codename=w.codename,
                parent_code=f"{int(w.province_code):02d}",
            )
            for w in Ward.iter_all()
        ]
    except (AttributeError, TypeError, ValueError) as exc:
        raise UnitDataError(f"Dữ liệu đơn vị hành chính trong gói không hợp lệ: {exc}") from exc
    return provinces + wards


def _package_kind(division_type) -> str:
    value = getattr(division_type, "value", division_type)
    try:
        return PACKAGE_KINDS[value]
    except KeyError:
        raise UnitDataError(f"Loại đơn vị không xác định trong gói dữ liệu: {value!r}") from None


def validate_unit_records(records: list[UnitRecord]) -> None:
    """Reject the whole source before any write when one record is wrong."""
    if not records:
        raise UnitDataError("Gói dữ liệu không có đơn vị hành chính nào.")
    seen: set[str] = set()
    roots = {r.code for r in records if r.parent_code is None}
    for record in records:
        if not record.code or not record.name or not record.name.strip():
            raise UnitDataError(f"Đơn vị thiếu mã hoặc tên: {record!r}")
        if PATH_SEPARATOR in record.code:
            raise UnitDataError(f"Mã đơn vị chứa ký tự '/': {record.code}")
        if record.code in seen:
            raise UnitDataError(f"Mã đơn vị bị trùng: {record.code}")
        seen.add(record.code)
        if record.kind not in UnitKind.values:
            raise UnitDataError(f"Loại đơn vị không hợp lệ cho {record.code}: {record.kind}")
        if record.parent_code is not None and record.parent_code not in roots:
            raise UnitDataError(f"Đơn vị {record.code} thuộc tỉnh không tồn tại: {record.parent_code}")


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    level: int,
    parent: AdministrativeUnit | None = None,
    codename: str = "",
    valid_from: date | None = None,
) -> AdministrativeUnit:
    """Add one unit under ``parent``; its path follows from the parent.

    Raises ValidationError (Vietnamese messages) for a taken code, a parent of the wrong
    level or a kind that does not belong to the level; nothing is written then.
    """
    unit = AdministrativeUnit(
        code=code, name=name, kind=kind, level=level, parent=parent, codename=codename, valid_from=valid_from
    )
    # The path is derived (clean() and save() compute it), so it is not checked as typed input.
    unit.full_clean(exclude=["path"])
    unit.save()
    return unit


@transaction.atomic
def unit_move(*, unit: AdministrativeUnit, new_parent: AdministrativeUnit | None) -> AdministrativeUnit:
    """Put ``unit`` under ``new_parent`` and rewrite the paths of its whole subtree, all or nothing.

    Raises ValidationError for a parent that is the unit itself or below it, or of a level
    that does not fit; nothing is written then.
    """
    previous_parent = unit.parent
    unit.parent = new_parent
    try:
        unit.full_clean(exclude=["path"])
    except ValidationError:
        unit.parent = previous_parent  # the caller's object stays as stored
        raise
    unit.save()
    return unit


@transaction.atomic
def units_load_current(*, records: Iterable[UnitRecord] | None = None) -> LoadResult:
    """Create or update the current structure, keyed on official codes.

    Idempotent: a second run with the same data writes nothing. A renamed unit
    is updated in place. Everything happens in one transaction, so a failure
    leaves the tree as it was.
    """
    records = list(records) if records is not None else read_current_units_from_package()
    validate_unit_records(records)

    existing = {u.code: u for u in AdministrativeUnit.objects.current()}
    provinces = [r for r in records if r.parent_code is None]
    communes = [r for r in records if r.parent_code is not None]

    created = updated = unchanged = 0
    for level_records, level in ((provinces, UnitLevel.PROVINCE), (communes, UnitLevel.COMMUNE)):
        to_create, to_update = [], []
        for record in level_records:
            parent = existing.get(record.parent_code) if record.parent_code else None
            wanted = {
                "name": record.name,
                "kind": record.kind,
                "codename": record.codename,
                "level": level,
                "parent_id": parent.pk if parent else None,
                "path": AdministrativeUnit.path_under(parent, record.code),
            }
            unit = existing.get(record.code)
            if unit is None:
                to_create.append(AdministrativeUnit(code=record.code, valid_from=CURRENT_STRUCTURE_FROM, **wanted))
            elif any(getattr(unit, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(unit, field, value)
                to_update.append(unit)
            else:
                unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(to_update, fields=SYNCED_FIELDS, batch_size=500)
        created += len(to_create)
        updated += len(to_update)
        if to_create:
            # Re-read so that the next level sees primary keys on every database.
            existing = {u.code: u for u in AdministrativeUnit.objects.current()}
    return LoadResult(created=created, updated=updated, unchanged=unchanged)
