"""Units added or edited in Django admin: the path follows the parent, bad input saves nothing."""

import pytest
from django.urls import reverse

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from provinces.selectors import units_visible_to
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

ADD_URL = "admin:provinces_administrativeunit_add"
CHANGE_URL = "admin:provinces_administrativeunit_change"


def form_data(**fields):
    """The admin form's fields, as a browser posts them."""
    data = {
        "code": "",
        "name": "",
        "kind": "",
        "level": "",
        "parent": "",
        "codename": "",
        "valid_from": "",
        "valid_to": "",
        "successor": "",
    }
    data.update({key: "" if value is None else str(value) for key, value in fields.items()})
    return data


def data_of(unit, **changes):
    """The change form of ``unit`` as displayed, with ``changes`` applied."""
    fields = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "parent": unit.parent_id,
        "codename": unit.codename,
    }
    return form_data(**{**fields, **changes})


def errors_of(response) -> str:
    """Every error message of the admin form, in one string."""
    assert response.status_code == 200, "the form was accepted"
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.fixture
def admin_client(client, users):
    client.force_login(users.admin)
    return client


def test_a_unit_added_in_admin_gets_its_path_from_its_parent(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL),
        form_data(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.hanoi.pk),
    )

    assert response.status_code == 302, errors_of(response)
    assert AdministrativeUnit.objects.get(code="09999").path == "/01/09999/"


def test_a_province_added_in_admin_is_a_root(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL), form_data(code="99", name="Tỉnh Mới", kind=UnitKind.TINH, level=UnitLevel.PROVINCE)
    )

    assert response.status_code == 302, errors_of(response)
    assert AdministrativeUnit.objects.get(code="99").path == "/99/"


def test_a_user_of_a_unit_added_in_admin_sees_only_that_unit(admin_client, tree):
    """Today's bug: the empty path was a prefix of every path, so this user read every province."""
    admin_client.post(
        reverse(ADD_URL),
        form_data(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.hanoi.pk),
    )
    officer = make_user("canbo.xamoi", unit=AdministrativeUnit.objects.get(code="09999"))

    assert [u.code for u in units_visible_to(officer)] == ["09999"]


def test_moving_a_commune_in_admin_gives_it_the_new_parents_path(admin_client, tree):
    response = admin_client.post(
        reverse(CHANGE_URL, args=[tree.soctson.pk]), data_of(tree.soctson, parent=tree.haiphong.pk)
    )

    assert response.status_code == 302, errors_of(response)
    tree.soctson.refresh_from_db()
    assert (tree.soctson.parent, tree.soctson.path) == (tree.haiphong, "/31/08974/")


def test_moving_a_district_in_admin_rewrites_the_paths_below_it(admin_client, tree):
    district = make_unit("001", "Quận Cũ", parent=tree.hanoi, kind=UnitKind.QUAN, level=UnitLevel.DISTRICT)
    ward = make_unit("00099", "Phường Cũ", parent=district, kind=UnitKind.PHUONG)

    response = admin_client.post(reverse(CHANGE_URL, args=[district.pk]), data_of(district, parent=tree.haiphong.pk))

    assert response.status_code == 302, errors_of(response)
    assert AdministrativeUnit.objects.get(pk=district.pk).path == "/31/001/"
    assert AdministrativeUnit.objects.get(pk=ward.pk).path == "/31/001/00099/"


def assert_nothing_saved(unit):
    before = (unit.code, unit.parent_id, unit.level, unit.kind, unit.path)
    unit.refresh_from_db()
    assert (unit.code, unit.parent_id, unit.level, unit.kind, unit.path) == before


def test_admin_refuses_a_unit_as_its_own_parent(admin_client, tree):
    response = admin_client.post(
        reverse(CHANGE_URL, args=[tree.hoankiem.pk]), data_of(tree.hoankiem, parent=tree.hoankiem.pk)
    )

    assert "không thể là chính nó hoặc một đơn vị trực thuộc nó" in errors_of(response)
    assert_nothing_saved(tree.hoankiem)


def test_admin_refuses_a_parent_below_the_unit(admin_client, tree):
    district = make_unit("001", "Quận Cũ", parent=tree.hanoi, kind=UnitKind.QUAN, level=UnitLevel.DISTRICT)
    ward = make_unit("00099", "Phường Cũ", parent=district, kind=UnitKind.PHUONG)

    response = admin_client.post(reverse(CHANGE_URL, args=[district.pk]), data_of(district, parent=ward.pk))

    assert "không thể là chính nó hoặc một đơn vị trực thuộc nó" in errors_of(response)
    assert_nothing_saved(district)


def test_admin_refuses_a_code_used_by_a_current_unit(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL),
        form_data(
            code="00070", name="Phường Trùng", kind=UnitKind.PHUONG, level=UnitLevel.COMMUNE, parent=tree.haiphong.pk
        ),
    )

    assert "Mã đơn vị 00070 đang được dùng" in errors_of(response)
    assert AdministrativeUnit.objects.filter(code="00070").count() == 1


def test_admin_refuses_a_province_with_a_parent(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL),
        form_data(code="99", name="Tỉnh Mới", kind=UnitKind.TINH, level=UnitLevel.PROVINCE, parent=tree.hanoi.pk),
    )

    assert "Đơn vị cấp tỉnh không có đơn vị cấp trên" in errors_of(response)
    assert not AdministrativeUnit.objects.filter(code="99").exists()


def test_admin_refuses_a_commune_under_a_commune(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL),
        form_data(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE, parent=tree.hoankiem.pk),
    )

    assert "Đơn vị cấp xã phải trực thuộc một đơn vị cấp tỉnh" in errors_of(response)
    assert not AdministrativeUnit.objects.filter(code="09999").exists()


def test_admin_refuses_a_commune_without_a_parent(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL), form_data(code="09999", name="Xã Mới", kind=UnitKind.XA, level=UnitLevel.COMMUNE)
    )

    assert "Đơn vị cấp xã phải trực thuộc một đơn vị cấp tỉnh" in errors_of(response)
    assert not AdministrativeUnit.objects.filter(code="09999").exists()


def test_admin_refuses_a_kind_of_another_level(admin_client, tree):
    response = admin_client.post(
        reverse(ADD_URL),
        form_data(code="09999", name="Xã Mới", kind=UnitKind.TINH, level=UnitLevel.COMMUNE, parent=tree.hanoi.pk),
    )

    assert "không phải là loại đơn vị của cấp" in errors_of(response)
    assert not AdministrativeUnit.objects.filter(code="09999").exists()


def test_admin_refuses_to_turn_a_province_with_communes_into_a_commune(admin_client, tree):
    response = admin_client.post(
        reverse(CHANGE_URL, args=[tree.hanoi.pk]),
        data_of(tree.hanoi, level=UnitLevel.COMMUNE, kind=UnitKind.PHUONG, parent=tree.haiphong.pk),
    )

    assert "đang có đơn vị trực thuộc" in errors_of(response)
    assert_nothing_saved(tree.hanoi)


def test_admin_refuses_a_code_with_a_slash(admin_client, tree):
    """'01/99' as a province would read as a unit under Hà Nội in every prefix match."""
    response = admin_client.post(
        reverse(ADD_URL), form_data(code="01/99", name="Tỉnh Giả", kind=UnitKind.TINH, level=UnitLevel.PROVINCE)
    )

    assert "không được chứa ký tự" in errors_of(response)
    assert not AdministrativeUnit.objects.filter(code="01/99").exists()
