"""Writes to the administrative-unit tree."""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import KINDS_BY_LEVEL, UnitKind, UnitLevel
from .models import LEGACY_ROOT_SEGMENT, PATH_SEPARATOR, AdministrativeUnit, UnitCrosswalk, UnitSearchTerm
from .search import fold, search_key
from .selectors import current_unit_for

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
SYNCED_FIELDS = ["name", "kind", "codename", "level", "parent", "path", "search_name"]


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
    named = set()  # codes of units created or renamed: their search terms are rewritten
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
                "search_name": search_key(record.name),
            }
            unit = existing.get(record.code)
            if unit is None or unit.name != record.name:
                named.add(record.code)
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
    UnitSearchTerm.store_for([existing[code] for code in sorted(named)])
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


# --- The structure before 1 July 2025 and the old→new crosswalk --------------------------------

# The last day of the legacy structure (Resolution 202/2025/QH15 took effect the next day).
LEGACY_STRUCTURE_UNTIL = date(2025, 6, 30)

# ``vietnamadminunits``' division types of the legacy table, mapped to ours.
LEGACY_DISTRICT_KINDS = {
    "Quận": UnitKind.QUAN,
    "Huyện": UnitKind.HUYEN,
    "Thị xã": UnitKind.THI_XA,
    "Thành phố": UnitKind.THANH_PHO,
}
LEGACY_COMMUNE_KINDS = {"Phường": UnitKind.PHUONG, "Xã": UnitKind.XA, "Thị trấn": UnitKind.THI_TRAN}


@dataclass(frozen=True)
class LegacyUnitRecord:
    """One unit of the structure before 1 July 2025, as read from the data package."""

    code: str
    name: str
    kind: str
    level: int
    codename: str
    parent_code: str | None


@dataclass(frozen=True)
class CrosswalkRecord:
    """A legacy unit (by its legacy code) and a current unit (by its current code) that took it over."""

    legacy_code: str
    current_code: str
    is_default: bool


@dataclass(frozen=True)
class LegacyData:
    units: list[LegacyUnitRecord]
    crosswalk: list[CrosswalkRecord]


@dataclass(frozen=True)
class LegacyLoadResult:
    created: int
    updated: int
    unchanged: int
    crosswalk_created: int
    crosswalk_updated: int
    crosswalk_removed: int


def read_legacy_units_from_package(*, current_communes: dict[str, tuple[str, str]]) -> LegacyData:
    """Read the 63 provinces, 696 districts, 10,035 communes and the 2025 converter of ``vietnamadminunits``.

    ``current_communes`` maps each current commune code to (name, province code): the two
    packages give some new communes different codes (114 of 3,321 in vietnamadminunits 1.0.4),
    so a converter target is matched to our current unit by code when the names agree, else
    by its name within its province.
    """
    try:
        import vietnamadminunits
        from vietnamadminunits.database import query
    except ImportError as exc:
        raise UnitDataError(
            "Không tìm thấy gói dữ liệu 'vietnamadminunits'. Hãy cài đặt: pip install -r requirements.txt"
        ) from exc
    import json
    from pathlib import Path

    try:
        legacy_rows = query(
            "SELECT DISTINCT province, district, ward, districtType, wardType, provinceCode, districtCode, wardCode,"
            " provinceKey, districtKey, wardKey FROM admin_units_legacy"
        )
        new_rows = query("SELECT DISTINCT provinceKey, provinceCode, wardKey, wardCode, ward FROM admin_units")
        converter_file = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
        converter = json.loads(converter_file.read_text(encoding="utf-8"))
        return legacy_data_from_package_tables(
            legacy_rows=legacy_rows, new_rows=new_rows, converter=converter, current_communes=current_communes
        )
    except UnitDataError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError, OSError) as exc:
        raise UnitDataError(f"Dữ liệu đơn vị hành chính cũ trong gói không hợp lệ: {exc!r}") from exc
    except Exception as exc:  # sqlite3.Error from the package's database: nothing is written either way
        raise UnitDataError(f"Không đọc được dữ liệu đơn vị hành chính cũ trong gói: {exc!r}") from exc


def legacy_data_from_package_tables(
    *, legacy_rows: list[dict], new_rows: list[dict], converter: dict, current_communes: dict[str, tuple[str, str]]
) -> LegacyData:
    """Turn the package's tables (rows as dicts) and converter into our records; pure, no database."""
    tables = _LegacyTables()
    for row in legacy_rows:
        tables.add_row(row)
    crosswalk = _legacy_crosswalk(tables, new_rows=new_rows, converter=converter, current_communes=current_communes)
    units = [*tables.provinces.values(), *tables.districts.values(), *tables.communes.values()]
    return LegacyData(units=units, crosswalk=crosswalk)


@dataclass
class _LegacyTables:
    """The package's legacy rows as our records, and the package's keys → our legacy codes."""

    provinces: dict[str, LegacyUnitRecord] = dataclasses.field(default_factory=dict)
    districts: dict[str, LegacyUnitRecord] = dataclasses.field(default_factory=dict)
    communes: dict[str, LegacyUnitRecord] = dataclasses.field(default_factory=dict)
    province_code_by_key: dict[str, str] = dataclasses.field(default_factory=dict)
    district_code_by_key: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    commune_code_by_key: dict[str, str] = dataclasses.field(default_factory=dict)

    def add_row(self, row: dict) -> None:
        """One row of the package's table: a commune with its district and province (or an island district)."""
        province_code, district_code = _code(row["provinceCode"], 2), _code(row["districtCode"], 3)
        province_name = row["province"]
        _add_record(
            self.provinces,
            LegacyUnitRecord(
                code=province_code,
                name=province_name,
                kind=UnitKind.THANH_PHO_TRUNG_UONG if province_name.startswith("Thành phố") else UnitKind.TINH,
                level=UnitLevel.PROVINCE,
                codename=row["provinceKey"],
                parent_code=None,
            ),
        )
        _add_record(
            self.districts,
            LegacyUnitRecord(
                code=district_code,
                name=row["district"],
                kind=_legacy_kind(LEGACY_DISTRICT_KINDS, row["districtType"], district_code),
                level=UnitLevel.DISTRICT,
                codename=row["districtKey"],
                parent_code=province_code,
            ),
        )
        self.province_code_by_key[row["provinceKey"]] = province_code
        self.district_code_by_key[(row["provinceKey"], row["districtKey"])] = district_code
        if row["wardCode"] is None:  # an island district without communes (Bạch Long Vĩ, Cồn Cỏ, …)
            return
        commune_code = _code(row["wardCode"], 5)
        _add_record(
            self.communes,
            LegacyUnitRecord(
                code=commune_code,
                name=row["ward"],
                kind=_legacy_kind(LEGACY_COMMUNE_KINDS, row["wardType"], commune_code),
                level=UnitLevel.COMMUNE,
                codename=row["wardKey"],
                parent_code=district_code,
            ),
        )
        self.commune_code_by_key[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = commune_code


def _add_record(records: dict, record: LegacyUnitRecord) -> None:
    known = records.get(record.code)
    if known is not None and known != record:
        raise UnitDataError(f"Mã đơn vị cũ {record.code} mang hai tên khác nhau: {known.name} / {record.name}")
    records[record.code] = record


def _legacy_crosswalk(
    tables: _LegacyTables, *, new_rows: list[dict], converter: dict, current_communes: dict[str, tuple[str, str]]
) -> list[CrosswalkRecord]:
    """The converter's old → new mappings as crosswalk rows: provinces, then communes, then districts."""
    new_province_code_by_key = {row["provinceKey"]: _code(row["provinceCode"], 2) for row in new_rows}
    crosswalk: list[CrosswalkRecord] = []
    new_province_of_legacy: dict[str, str] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            old_code = _lookup(tables.province_code_by_key, old_key, "tỉnh cũ")
            new_province_of_legacy[old_code] = _lookup(new_province_code_by_key, new_key, "tỉnh mới")
            crosswalk.append(CrosswalkRecord(old_code, new_province_of_legacy[old_code], True))
    mapped_districts: set[str] = set()
    crosswalk.extend(
        _commune_crosswalk(
            tables, converter, resolve=_current_commune_resolver(new_rows, current_communes), into=mapped_districts
        )
    )
    # A district maps to the current province that took its province over (its communes went
    # to communes of that province), except the island districts that became a special zone.
    for district in tables.districts.values():
        if district.code not in mapped_districts:
            province = _lookup(new_province_of_legacy, district.parent_code, "tỉnh mới của huyện")
            crosswalk.append(CrosswalkRecord(district.code, province, True))
    return crosswalk


def _commune_crosswalk(tables: _LegacyTables, converter: dict, *, resolve, into: set[str]) -> list[CrosswalkRecord]:
    """Communes taken over whole, then split communes (one default each); island districts are added to ``into``."""

    def legacy_code_of(old_full_key: str) -> str:
        province_key, district_key, ward_key = old_full_key.split("_", 2)
        if not ward_key:  # the whole island district became a special zone (đặc khu)
            code = _lookup(tables.district_code_by_key, (province_key, district_key), "huyện cũ")
            into.add(code)
            return code
        return _lookup(tables.commune_code_by_key, old_full_key, "xã cũ")

    crosswalk: list[CrosswalkRecord] = []
    for new_province_key, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_full_keys in new_wards.items():
            current_code = resolve(new_province_key, new_ward_key)
            crosswalk.extend(CrosswalkRecord(legacy_code_of(k), current_code, True) for k in old_full_keys)
    for new_province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_full_key, targets in divided.items():
            legacy_code = legacy_code_of(old_full_key)
            crosswalk.extend(
                CrosswalkRecord(legacy_code, resolve(new_province_key, t["newWardKey"]), bool(t["isDefaultNewWard"]))
                for t in targets
            )
    return crosswalk


def _code(value, width: int) -> str:
    if value is None or not str(value).strip().isdigit():
        raise UnitDataError(f"Mã đơn vị cũ không hợp lệ: {value!r}")
    return f"{int(value):0{width}d}"


def _legacy_kind(kinds: dict, value, code: str) -> str:
    try:
        return kinds[value]
    except KeyError:
        raise UnitDataError(f"Loại đơn vị không xác định trong gói dữ liệu cho {code}: {value!r}") from None


def _lookup(mapping: dict, key, what: str):
    try:
        return mapping[key]
    except KeyError:
        raise UnitDataError(f"Bảng chuyển đổi nhắc tới {what} không có trong dữ liệu: {key!r}") from None


def _current_commune_resolver(new_rows: list[dict], current_communes: dict[str, tuple[str, str]]):
    """(new province key, new ward key) of the converter → the code of our current commune."""
    by_key = {(row["provinceKey"], row["wardKey"]): row for row in new_rows}
    by_exact_name: dict[tuple[str, str], list[str]] = {}
    by_folded_name: dict[tuple[str, str], list[str]] = {}
    for code, (name, province_code) in current_communes.items():
        by_exact_name.setdefault((province_code, name.casefold()), []).append(code)
        by_folded_name.setdefault((province_code, fold(name)), []).append(code)

    def resolve(province_key: str, ward_key: str) -> str:
        row = _lookup(by_key, (province_key, ward_key), "xã mới")
        code, name, province_code = _code(row["wardCode"], 5), row["ward"], _code(row["provinceCode"], 2)
        ours = current_communes.get(code)
        if ours is not None and ours[1] == province_code and fold(ours[0]) == fold(name):
            return code
        for candidates in (
            by_exact_name.get((province_code, name.casefold())),
            by_folded_name.get((province_code, fold(name))),
        ):
            if candidates and len(candidates) == 1:
                return candidates[0]
        raise UnitDataError(f"Không xác định được đơn vị hiện nay cho {name} (mã {code}, tỉnh {province_code}).")

    return resolve


def validate_legacy_data(data: LegacyData, *, current_codes: set[str]) -> None:
    """Reject the whole legacy source before any write when one record or mapping is wrong."""
    if not data.units:
        raise UnitDataError("Gói dữ liệu không có đơn vị hành chính cũ nào.")
    levels = _legacy_levels_checked(data.units)
    _check_legacy_parents(data.units, levels)
    _check_crosswalk(data.crosswalk, levels, current_codes)


def _legacy_levels_checked(units: list[LegacyUnitRecord]) -> dict[str, int]:
    """Each legacy code's level, once every record has a code, a name and a kind of its level."""
    levels: dict[str, int] = {}
    for record in units:
        if not record.code or not record.name or not record.name.strip():
            raise UnitDataError(f"Đơn vị cũ thiếu mã hoặc tên: {record!r}")
        if PATH_SEPARATOR in record.code or record.code == LEGACY_ROOT_SEGMENT:
            raise UnitDataError(f"Mã đơn vị cũ không hợp lệ: {record.code}")
        if record.code in levels:
            raise UnitDataError(f"Mã đơn vị cũ bị trùng: {record.code}")
        if record.level not in KINDS_BY_LEVEL or record.kind not in KINDS_BY_LEVEL[record.level]:
            raise UnitDataError(f"Loại đơn vị không hợp lệ cho {record.code}: {record.kind}")
        levels[record.code] = record.level
    return levels


def _check_legacy_parents(units: list[LegacyUnitRecord], levels: dict[str, int]) -> None:
    """A province has no parent, a district's is a province, a commune's a district (before the reform)."""
    for record in units:
        wanted_parent_level = {UnitLevel.DISTRICT: UnitLevel.PROVINCE, UnitLevel.COMMUNE: UnitLevel.DISTRICT}.get(
            record.level
        )
        if wanted_parent_level is None:
            if record.parent_code is not None:
                raise UnitDataError(f"Tỉnh cũ {record.code} không được có đơn vị cấp trên.")
        elif levels.get(record.parent_code) != wanted_parent_level:
            raise UnitDataError(f"Đơn vị cũ {record.code} thuộc đơn vị cấp trên không tồn tại: {record.parent_code}")


def _check_crosswalk(crosswalk: list[CrosswalkRecord], levels: dict[str, int], current_codes: set[str]) -> None:
    """Every row joins a known legacy unit to a known current one, once; each legacy unit has one default."""
    defaults: dict[str, int] = {}
    pairs: set[tuple[str, str]] = set()
    for mapping in crosswalk:
        if mapping.legacy_code not in levels:
            raise UnitDataError(f"Bảng chuyển đổi có đơn vị cũ không tồn tại: {mapping.legacy_code}")
        if mapping.current_code not in current_codes:
            raise UnitDataError(
                f"Bảng chuyển đổi trỏ tới đơn vị hiện nay không tồn tại: {mapping.legacy_code} → {mapping.current_code}"
            )
        if (mapping.legacy_code, mapping.current_code) in pairs:
            raise UnitDataError(f"Bảng chuyển đổi bị trùng: {mapping.legacy_code} → {mapping.current_code}")
        pairs.add((mapping.legacy_code, mapping.current_code))
        defaults[mapping.legacy_code] = defaults.get(mapping.legacy_code, 0) + mapping.is_default
    for code in levels:
        if defaults.get(code, 0) != 1:
            raise UnitDataError(
                f"Đơn vị cũ {code} phải có đúng một đơn vị kế thừa mặc định (có {defaults.get(code, 0)})."
            )


@transaction.atomic
def units_load_legacy(*, data: LegacyData | None = None) -> LegacyLoadResult:
    """Create or update the structure before 1 July 2025 and its crosswalk to the current units.

    Needs the current structure loaded (``units_load_current``). Keyed on legacy codes, so a
    second run writes nothing; every legacy unit ends on 30/06/2025, lives under the legacy
    path root and gets its default target as ``successor``. Mappings an admin corrected are
    left as they are. One transaction: malformed data, or a mapping to a unit we do not have,
    loads nothing.
    """
    current = {
        u.code: u
        for u in AdministrativeUnit.objects.current()
        .select_related("parent")
        .only("pk", "code", "name", "level", "parent__code")
    }
    if data is None:
        current_communes = {
            code: (u.name, u.parent.code) for code, u in current.items() if u.level == UnitLevel.COMMUNE and u.parent
        }
        if not current_communes:
            raise UnitDataError("Chưa có cơ cấu đơn vị hiện hành: hãy chạy 'python manage.py load_units' trước.")
        data = read_legacy_units_from_package(current_communes=current_communes)
    validate_legacy_data(data, current_codes=set(current))

    existing = {u.code: u for u in AdministrativeUnit.objects.legacy()}
    created = updated = unchanged = 0
    named = set()  # codes of units created or renamed: their search terms are rewritten
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create, to_update = [], []
        for record in (r for r in data.units if r.level == level):
            parent = existing[record.parent_code] if record.parent_code else None
            wanted = {
                "name": record.name,
                "kind": record.kind,
                "codename": record.codename,
                "level": level,
                "parent_id": parent.pk if parent else None,
                "path": AdministrativeUnit.path_under(parent, record.code, legacy=True),
                "search_name": search_key(record.name),
                "valid_to": LEGACY_STRUCTURE_UNTIL,
            }
            unit = existing.get(record.code)
            if unit is None or unit.name != record.name:
                named.add(record.code)
            if unit is None:
                to_create.append(AdministrativeUnit(code=record.code, **wanted))
            elif any(getattr(unit, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(unit, field, value)
                to_update.append(unit)
            else:
                unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(to_update, fields=[*SYNCED_FIELDS, "valid_to"], batch_size=500)
        created += len(to_create)
        updated += len(to_update)
        if to_create:
            existing = {u.code: u for u in AdministrativeUnit.objects.legacy()}

    UnitSearchTerm.store_for([existing[code] for code in sorted(named)])
    counts = _crosswalk_sync(data.crosswalk, legacy=existing, current=current)
    return LegacyLoadResult(created, updated, unchanged, *counts)


def _crosswalk_sync(
    records: list[CrosswalkRecord], *, legacy: dict[str, AdministrativeUnit], current: dict[str, AdministrativeUnit]
) -> tuple[int, int, int]:
    """Make the package's rows of the crosswalk (and the successors) match ``records``; keep corrected units."""
    corrected = set(UnitCrosswalk.objects.filter(corrected=True).values_list("legacy_unit_id", flat=True))
    wanted = {
        (legacy[r.legacy_code].pk, current[r.current_code].pk): r.is_default
        for r in records
        if legacy[r.legacy_code].pk not in corrected
    }
    stored = {
        (row.legacy_unit_id, row.current_unit_id): row
        for row in UnitCrosswalk.objects.exclude(legacy_unit_id__in=corrected).only(
            "pk", "legacy_unit_id", "current_unit_id", "is_default"
        )
    }
    stale = [row.pk for key, row in stored.items() if key not in wanted]
    changed = [row for key, row in stored.items() if key in wanted and row.is_default != wanted[key]]
    UnitCrosswalk.objects.filter(pk__in=stale).delete()
    # Clear the old defaults before setting the new ones: one default per legacy unit at any time.
    for flag in (False, True):
        batch = [row for row in changed if wanted[(row.legacy_unit_id, row.current_unit_id)] is flag]
        for row in batch:
            row.is_default = flag
        UnitCrosswalk.objects.bulk_update(batch, ["is_default"], batch_size=500)
    new_rows = [
        UnitCrosswalk(legacy_unit_id=legacy_id, current_unit_id=current_id, is_default=is_default)
        for (legacy_id, current_id), is_default in wanted.items()
        if (legacy_id, current_id) not in stored
    ]
    UnitCrosswalk.objects.bulk_create(new_rows, batch_size=1000)

    successors = {legacy_id: current_id for (legacy_id, current_id), is_default in wanted.items() if is_default}
    moved = []
    for unit in legacy.values():
        if unit.pk in successors and unit.successor_id != successors[unit.pk]:
            unit.successor_id = successors[unit.pk]
            moved.append(unit)
    AdministrativeUnit.objects.bulk_update(moved, ["successor"], batch_size=500)
    return len(new_rows), len(changed), len(stale)


@transaction.atomic
def crosswalk_save(*, crosswalk: UnitCrosswalk) -> UnitCrosswalk:
    """Save an admin's correction of one mapping and keep the legacy unit's successor in step.

    Raises ValidationError (Vietnamese) for a target that is itself a legacy unit, a source that
    is not, or a loop. A new default takes the flag from the previous one. The row is marked
    ``corrected`` so that the loader does not put the package's mapping back.
    """
    crosswalk.full_clean(validate_constraints=False)
    if crosswalk.is_default:
        for previous in UnitCrosswalk.objects.filter(legacy_unit=crosswalk.legacy_unit, is_default=True).exclude(
            pk=crosswalk.pk
        ):
            previous.is_default = False
            previous.corrected = True
            previous.save()  # row by row: each change gets its history entry
    crosswalk.corrected = True
    crosswalk.validate_constraints()
    crosswalk.save()
    default = UnitCrosswalk.objects.filter(legacy_unit=crosswalk.legacy_unit, is_default=True).first()
    AdministrativeUnit.objects.filter(pk=crosswalk.legacy_unit_id).update(
        successor_id=default.current_unit_id if default else None
    )
    return crosswalk


def unit_check_in_force(*, unit: AdministrativeUnit, on: date, field: str = "unit") -> None:
    """Refuse a record dated ``on`` for a unit that had already ended, naming the unit that took it over.

    For the writers of tasks and criterion values (issue 14, "Bad input"): a legacy unit is
    valid for records dated up to its ``valid_to`` (30/06/2025), never after. Raises
    ValidationError on ``field``.
    """
    if unit.valid_to is None or on <= unit.valid_to:
        return
    successor = current_unit_for(unit)
    ended = unit.valid_to.strftime("%d/%m/%Y")
    if successor is None:
        message = _("%(name)s đã hết hiệu lực sau ngày %(date)s.") % {"name": unit.name, "date": ended}
    else:
        message = _("%(name)s đã hết hiệu lực sau ngày %(date)s; hãy chọn %(successor)s.") % {
            "name": unit.name,
            "date": ended,
            "successor": successor.name,
        }
    raise ValidationError({field: message})
