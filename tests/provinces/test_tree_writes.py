"""Writes to the unit tree: the database refuses a malformed path, moves rewrite the subtree at once."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from provinces.services import UnitRecord, unit_create, unit_move, units_load_current
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, path",
    [
        ("00070", ""),  # the path admin used to save: a prefix of every path
        ("00070", "/"),
        ("00070", "/00070/"),  # a root's path on a unit that has a parent
        ("00070", "01/00070/"),
        ("00070", "/01/0007/"),
        ("00070", "/01/x00070/"),
        ("00070", "/01//00070/"),
        ("01", "/31/01/"),  # a child's path on a root
    ],
)
def test_the_database_refuses_a_path_that_does_not_follow_the_code(tree, code, path):
    unit = AdministrativeUnit.objects.get(code=code)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.filter(pk=unit.pk).update(path=path)


def test_the_database_refuses_a_code_with_a_slash(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.bulk_create(
            [AdministrativeUnit(code="01/99", name="Giả", kind=UnitKind.TINH, level=UnitLevel.PROVINCE, path="/01/99/")]
        )


def test_save_derives_the_path_whatever_the_caller_passed(tree):
    unit = AdministrativeUnit.objects.create(
        code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.hanoi, path=""
    )
    assert AdministrativeUnit.objects.get(pk=unit.pk).path == "/01/09999/"


def test_unit_create_puts_the_unit_under_its_parent(tree):
    unit = unit_create(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.haiphong)
    assert AdministrativeUnit.objects.get(pk=unit.pk).path == "/31/09999/"


def test_unit_create_refuses_a_taken_code_and_writes_nothing(tree):
    with pytest.raises(ValidationError) as refused:
        unit_create(
            code="00070", name="Phường Trùng", kind=UnitKind.PHUONG, level=UnitLevel.COMMUNE, parent=tree.haiphong
        )
    assert "Mã đơn vị 00070 đang được dùng cho Phường Hoàn Kiếm." in refused.value.message_dict["code"]
    assert AdministrativeUnit.objects.filter(code="00070").count() == 1


@pytest.fixture
def district(tree):
    """A legacy-style branch: Hà Nội > Quận Cũ > Phường Cũ, Phường Cũ 2."""
    district = make_unit("001", "Quận Cũ", parent=tree.hanoi, kind=UnitKind.QUAN, level=UnitLevel.DISTRICT)
    make_unit("00099", "Phường Cũ", parent=district, kind=UnitKind.PHUONG)
    make_unit("00098", "Phường Cũ 2", parent=district, kind=UnitKind.PHUONG)
    return district


def paths_below(code):
    return dict(AdministrativeUnit.objects.filter(path__contains=f"/{code}/").values_list("code", "path"))


def test_unit_move_rewrites_the_whole_subtree(tree, district):
    unit_move(unit=district, new_parent=tree.haiphong)

    assert paths_below("001") == {"001": "/31/001/", "00099": "/31/001/00099/", "00098": "/31/001/00098/"}
    assert [u.code for u in AdministrativeUnit.objects.descendants_of(tree.hanoi)] == [
        "00004",
        "00070",
        "08974",
    ]


def test_a_move_saved_without_the_service_still_rewrites_the_subtree(tree, district):
    district.parent = tree.haiphong
    district.save()

    assert paths_below("001") == {"001": "/31/001/", "00099": "/31/001/00099/", "00098": "/31/001/00098/"}


def test_a_move_that_fails_half_way_changes_no_path(tree, district):
    before = paths_below("001")
    # The unit's own row is written first; the rows below it fail.
    failing = mock.patch.object(QuerySet, "bulk_update", side_effect=IntegrityError("disk full"))
    district.parent = tree.haiphong
    with failing, pytest.raises(IntegrityError):
        district.save()  # not through the service: save() itself is one transaction

    assert paths_below("001") == before
    assert AdministrativeUnit.objects.get(pk=district.pk).parent == tree.hanoi


def test_unit_move_refuses_a_parent_below_the_unit_and_writes_nothing(tree, district):
    ward = AdministrativeUnit.objects.get(code="00099")
    with pytest.raises(ValidationError) as refused:
        unit_move(unit=district, new_parent=ward)

    assert (
        "Đơn vị cấp trên không thể là chính nó hoặc một đơn vị trực thuộc nó." in refused.value.message_dict["parent"]
    )
    assert district.parent == tree.hanoi
    assert paths_below("001") == {"001": "/01/001/", "00099": "/01/001/00099/", "00098": "/01/001/00098/"}


def test_save_refuses_a_cycle_even_without_validation(tree, district):
    district.parent = AdministrativeUnit.objects.get(code="00099")
    with pytest.raises(ValidationError):
        district.save()
    assert AdministrativeUnit.objects.get(pk=district.pk).path == "/01/001/"


def test_the_loader_moves_a_commune_to_its_new_province(tree):
    records = [
        UnitRecord(
            code="01", name="Thành phố Hà Nội", kind=UnitKind.THANH_PHO_TRUNG_UONG, codename="ha_noi", parent_code=None
        ),
        UnitRecord(
            code="31",
            name="Thành phố Hải Phòng",
            kind=UnitKind.THANH_PHO_TRUNG_UONG,
            codename="hai_phong",
            parent_code=None,
        ),
        UnitRecord(code="08974", name="Xã Sóc Sơn", kind=UnitKind.XA, codename="soc_son", parent_code="31"),
    ]
    units_load_current(records=records)

    assert AdministrativeUnit.objects.get(code="08974").path == "/31/08974/"


def test_model_validation_refuses_a_malformed_path_in_vietnamese(tree):
    """The same rule as the database's, for code that validates before saving."""
    tree.hoankiem.path = ""
    with pytest.raises(ValidationError) as refused:
        tree.hoankiem.validate_constraints()
    assert "Đường dẫn cây của đơn vị không khớp với mã và đơn vị cấp trên." in refused.value.messages


def test_model_validation_accepts_the_path_derived_from_the_parent(tree):
    tree.hoankiem.path = ""
    tree.hoankiem.full_clean()
    assert tree.hoankiem.path == "/01/00070/"


def test_a_new_code_rewrites_the_paths_below(tree):
    tree.hanoi.code = "91"
    tree.hanoi.save()

    assert paths_below("91") == {"91": "/91/", "00070": "/91/00070/", "00004": "/91/00004/", "08974": "/91/08974/"}
    assert paths_below("01") == {}


def test_a_current_unit_cannot_be_put_under_a_unit_that_ended(tree):
    AdministrativeUnit.objects.filter(pk=tree.haiphong.pk).update(valid_to="2025-06-30")
    tree.haiphong.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        unit_create(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.haiphong)
    assert "Đơn vị cấp trên Thành phố Hải Phòng đã hết hiệu lực." in refused.value.message_dict["parent"]


def test_the_loader_refuses_a_code_with_a_slash_and_loads_nothing(tree):
    from provinces.services import UnitDataError

    records = [UnitRecord(code="01/99", name="Tỉnh Giả", kind=UnitKind.TINH, codename="gia", parent_code=None)]
    with pytest.raises(UnitDataError):
        units_load_current(records=records)
    assert not AdministrativeUnit.objects.filter(code="01/99").exists()


def test_the_path_check_reads_no_field_left_out_by_only(tree, django_assert_num_queries):
    """Scope checks run on units read with .only(): checking the path must not query per unit."""
    unit = AdministrativeUnit.objects.only("pk", "level", "path").get(code="00070")
    with django_assert_num_queries(0):
        assert unit.has_valid_path()
        assert unit.is_within(tree.hanoi)
        assert not unit.is_within(tree.haiphong)
