"""load_units --legacy: the structure before 1 July 2025 beside the current one."""

import dataclasses
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from provinces.models import AdministrativeUnit, UnitCrosswalk
from provinces.selectors import legacy_units_without_target, units_visible_to
from provinces.services import (
    CrosswalkRecord,
    LegacyData,
    UnitDataError,
    units_load_legacy,
)

from .legacy_fixture import commune, legacy_data

pytestmark = pytest.mark.django_db


def legacy(code):
    return AdministrativeUnit.objects.legacy().get(code=code)


def test_legacy_units_are_loaded_with_their_levels_parents_and_end_date(tree):
    result = units_load_legacy(data=legacy_data())

    assert (result.created, result.updated, result.unchanged) == (10, 0, 0)
    trucbach = legacy("00004")
    assert trucbach.parent == legacy("001")
    assert trucbach.parent.parent == legacy("01")
    assert trucbach.valid_to == date(2025, 6, 30)
    assert trucbach.level == 3 and legacy("001").level == 2


def test_legacy_paths_live_under_their_own_root_so_current_prefixes_never_reach_them(tree):
    units_load_legacy(data=legacy_data())

    assert legacy("01").path == "/~/01/"
    assert legacy("00004").path == "/~/01/001/00004/"
    assert not AdministrativeUnit.objects.filter(path__startswith=tree.hanoi.path, valid_to__isnull=False).exists()
    assert legacy("00004").is_within(legacy("01"))
    assert not legacy("00004").is_within(tree.hanoi)


def test_a_user_sees_the_legacy_units_whose_successor_is_in_scope_and_no_other(tree, users):
    units_load_legacy(data=legacy_data())

    hanoi = set(units_visible_to(users.officer_hanoi).values_list("path", flat=True))
    haiphong = set(units_visible_to(users.officer_haiphong).values_list("path", flat=True))

    # Current Hà Nội, and old Hà Nội with Ba Đình and its communes (their successors are in Hà Nội).
    assert hanoi == {"/01/", "/01/00070/", "/01/00004/", "/01/08974/",
                     "/~/01/", "/~/01/001/", "/~/01/001/00001/", "/~/01/001/00004/"}  # fmt: skip
    # Old Hải Dương and old Hải Phòng carry into Hải Phòng, never into Hà Nội.
    assert haiphong == {"/31/", "/31/11296/", "/~/30/", "/~/30/288/", "/~/30/288/10507/",
                        "/~/31/", "/~/31/303/", "/~/31/303/11299/"}  # fmt: skip


def test_a_legacy_code_may_equal_a_current_code_but_not_another_legacy_code(tree):
    units_load_legacy(data=legacy_data())
    assert AdministrativeUnit.objects.filter(code="00004").count() == 2

    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(
            code="00004", name="Phường Trùng", kind="phuong", level=3, parent=legacy("001"), valid_to=date(2025, 6, 30)
        )


def test_every_legacy_unit_gets_its_default_target_as_successor(tree):
    units_load_legacy(data=legacy_data())

    assert legacy("30").successor == tree.haiphong
    assert legacy("288").successor == tree.haiphong
    assert legacy("00001").successor == tree.badinh
    assert set(
        UnitCrosswalk.objects.filter(legacy_unit=legacy("00001")).values_list("current_unit__code", "is_default")
    ) == {
        ("00004", True),
        ("00070", False),
    }
    assert not legacy_units_without_target().exists()


def test_a_second_run_writes_nothing(tree):
    units_load_legacy(data=legacy_data())
    before = list(
        AdministrativeUnit.objects.values_list("pk", "code", "path", "parent_id", "successor_id", "search_name")
    )
    crosswalk_before = list(UnitCrosswalk.objects.values_list("pk", "legacy_unit_id", "current_unit_id", "is_default"))

    result = units_load_legacy(data=legacy_data())

    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert (result.crosswalk_created, result.crosswalk_updated, result.crosswalk_removed) == (0, 0, 0)
    assert (
        list(AdministrativeUnit.objects.values_list("pk", "code", "path", "parent_id", "successor_id", "search_name"))
        == before
    )
    assert (
        list(UnitCrosswalk.objects.values_list("pk", "legacy_unit_id", "current_unit_id", "is_default"))
        == crosswalk_before
    )


def test_a_changed_default_in_the_package_moves_the_successor(tree):
    units_load_legacy(data=legacy_data())
    data = legacy_data()
    swapped = [
        dataclasses.replace(r, is_default=not r.is_default) if r.legacy_code == "00001" else r for r in data.crosswalk
    ]

    result = units_load_legacy(data=LegacyData(units=data.units, crosswalk=swapped))

    assert result.crosswalk_updated == 2
    assert legacy("00001").successor == tree.hoankiem


@pytest.mark.parametrize(
    "breakage",
    [
        "unknown parent",
        "duplicate code",
        "commune without a target",
        "two defaults",
        "target that does not exist",
        "wrong kind for the level",
    ],
)
def test_malformed_legacy_data_loads_nothing(tree, breakage):
    data = legacy_data()
    units, crosswalk = list(data.units), list(data.crosswalk)
    if breakage == "unknown parent":
        units.append(commune("99999", "Xã Ma", "999"))
        crosswalk.append(CrosswalkRecord("99999", "00070", True))
    elif breakage == "duplicate code":
        units.append(commune("00001", "Phường Phúc Xá 2", "001"))
    elif breakage == "commune without a target":
        crosswalk = [r for r in crosswalk if r.legacy_code != "10507"]
    elif breakage == "two defaults":
        crosswalk.append(CrosswalkRecord("10507", "00070", True))
    elif breakage == "target that does not exist":
        crosswalk.append(CrosswalkRecord("10507", "77777", False))
    else:
        units[0] = dataclasses.replace(units[0], kind="xa")

    with pytest.raises(UnitDataError):
        units_load_legacy(data=LegacyData(units=units, crosswalk=crosswalk))

    assert not AdministrativeUnit.objects.legacy().exists()
    assert not UnitCrosswalk.objects.exists()


def test_the_command_refuses_to_load_legacy_units_on_top_of_an_unreadable_package(tree, monkeypatch):
    """Malformed package data: the command fails and neither structure changes (one transaction)."""
    from django.core.management.base import CommandError

    from provinces import services

    def broken(**kwargs):
        raise UnitDataError("hỏng")

    monkeypatch.setattr(services, "read_legacy_units_from_package", broken)
    current_before = AdministrativeUnit.objects.count()
    with pytest.raises(CommandError):
        call_command("load_units", "--legacy", verbosity=0)
    assert AdministrativeUnit.objects.count() == current_before
    assert not AdministrativeUnit.objects.legacy().exists()


def test_a_legacy_root_moves_its_subtree_under_the_legacy_segment_when_saved(tree):
    """A province that ends (valid_to set and saved) leaves every current prefix with its subtree."""
    tree.haiphong.valid_to = date(2025, 6, 30)
    tree.haiphong.save()

    assert AdministrativeUnit.objects.get(code="11296").path == "/~/31/11296/"


def test_the_loader_of_current_units_leaves_legacy_units_alone(tree):
    """Same codes in both structures: loading the current one (here Hà Nội "01") never touches the old one."""
    from provinces.services import UnitRecord, units_load_current

    units_load_legacy(data=legacy_data())
    before = list(AdministrativeUnit.objects.legacy().values_list("pk", "name", "path", "parent_id"))

    result = units_load_current(
        records=[UnitRecord(code="01", name="Thủ đô Hà Nội", kind="thanh_pho_tw", codename="", parent_code=None)]
    )

    assert result.updated == 1
    assert list(AdministrativeUnit.objects.legacy().values_list("pk", "name", "path", "parent_id")) == before


def test_the_real_package_loads_63_provinces_696_districts_10035_communes_each_with_a_target_in_under_30_seconds():
    started = time.perf_counter()
    call_command("load_units", "--legacy", verbosity=0)
    elapsed = time.perf_counter() - started

    old = AdministrativeUnit.objects.legacy()
    assert old.filter(level=1).count() == 63
    assert old.filter(level=2).count() == 696
    assert old.filter(level=3).count() == 10035
    assert not legacy_units_without_target().exists()
    assert not old.filter(successor__valid_to__isnull=False).exists()
    assert legacy("30").name == "Tỉnh Hải Dương" and legacy("30").successor.name == "Thành phố Hải Phòng"
    assert legacy("36").name == "Tỉnh Nam Định" and legacy("36").successor.name == "Ninh Bình"
    assert elapsed < 30, f"load_units --legacy took {elapsed:.1f}s"

    second = time.perf_counter()
    call_command("load_units", "--legacy", verbosity=0)
    assert AdministrativeUnit.objects.legacy().count() == 63 + 696 + 10035
    assert time.perf_counter() - second < 30
