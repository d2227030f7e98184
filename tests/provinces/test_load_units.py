import sys
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from provinces.models import AdministrativeUnit
from provinces.services import UnitDataError, UnitRecord, read_current_units_from_package, units_load_current

pytestmark = pytest.mark.django_db


def test_load_units_loads_34_provinces_and_3321_communes_in_under_10_seconds():
    started = time.perf_counter()
    call_command("load_units", verbosity=0)
    elapsed = time.perf_counter() - started

    units = AdministrativeUnit.objects.current()
    assert units.filter(level=1).count() == 34
    assert units.filter(level=3).count() == 3321
    assert units.filter(level=3, parent__isnull=True).count() == 0
    hanoi = units.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.kind == "thanh_pho_tw"
    assert units.get(code="00070").parent == hanoi
    assert elapsed < 10, f"load_units took {elapsed:.1f}s"


def test_second_run_changes_nothing():
    first = units_load_current()
    snapshot = list(AdministrativeUnit.objects.values_list("pk", "code", "name", "path", "parent_id"))

    second = units_load_current()

    assert first.created == 3355
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3355)
    assert list(AdministrativeUnit.objects.values_list("pk", "code", "name", "path", "parent_id")) == snapshot


def test_a_renamed_unit_is_updated_in_place_not_duplicated():
    records = read_current_units_from_package()
    units_load_current(records=records)
    original_pk = AdministrativeUnit.objects.get(code="00070").pk

    renamed = [
        UnitRecord(**{**r.__dict__, "name": "Phường Hoàn Kiếm (tên mới)"}) if r.code == "00070" else r for r in records
    ]
    result = units_load_current(records=renamed)

    assert result.updated == 1
    assert AdministrativeUnit.objects.filter(code="00070").count() == 1
    unit = AdministrativeUnit.objects.get(code="00070")
    assert (unit.pk, unit.name) == (original_pk, "Phường Hoàn Kiếm (tên mới)")


def test_malformed_data_loads_nothing():
    records = read_current_units_from_package()
    broken = [*records[:100], UnitRecord(code="99999", name="Xã Ma", kind="xa", codename="", parent_code="77")]

    with pytest.raises(UnitDataError, match="tỉnh không tồn tại"):
        units_load_current(records=broken)

    assert AdministrativeUnit.objects.count() == 0


def test_error_in_the_middle_of_writing_rolls_back_everything(monkeypatch):
    """A failure after the provinces are written leaves no provinces behind (one transaction)."""
    real_bulk_create = AdministrativeUnit.objects.bulk_create
    calls = []

    def failing_on_second_level(objs, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(AdministrativeUnit.objects, "bulk_create", failing_on_second_level)
    with pytest.raises(RuntimeError):
        units_load_current()
    assert AdministrativeUnit.objects.count() == 0


def test_missing_data_package_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "vietnam_provinces", None)  # makes the import fail

    with pytest.raises(CommandError, match="vietnam-provinces"):
        call_command("load_units", verbosity=0)
    assert AdministrativeUnit.objects.count() == 0


def test_duplicate_codes_are_rejected():
    records = [
        UnitRecord(code="01", name="Thành phố Hà Nội", kind="thanh_pho_tw", codename="", parent_code=None),
        UnitRecord(code="01", name="Trùng", kind="tinh", codename="", parent_code=None),
    ]
    with pytest.raises(UnitDataError, match="trùng"):
        units_load_current(records=records)
    assert AdministrativeUnit.objects.count() == 0
