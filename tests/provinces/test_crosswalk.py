"""The old→new crosswalk: corrected in admin (audited), refusals, the report, legacy units read-only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from provinces.models import AdministrativeUnit, UnitCrosswalk
from provinces.selectors import current_unit_for, legacy_units_without_target, successor_map
from provinces.services import crosswalk_save, units_load_legacy

from .legacy_fixture import legacy_data

pytestmark = pytest.mark.django_db

CROSSWALK_ADD = "admin:provinces_unitcrosswalk_add"
CROSSWALK_CHANGE = "admin:provinces_unitcrosswalk_change"
UNIT_CHANGE = "admin:provinces_administrativeunit_change"
UNIT_CHANGELIST = "admin:provinces_administrativeunit_changelist"


@pytest.fixture
def old(tree):
    units_load_legacy(data=legacy_data())
    return {u.code: u for u in AdministrativeUnit.objects.legacy()}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users.admin)
    return client


def row(legacy_code, current_code):
    return UnitCrosswalk.objects.get(
        legacy_unit__code=legacy_code, legacy_unit__valid_to__isnull=False, current_unit__code=current_code
    )


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def test_successor_map_gives_each_legacy_unit_its_default_current_unit(old, tree):
    mapping = successor_map()

    assert mapping[old["30"].pk] == tree.haiphong.pk
    assert mapping[old["00001"].pk] == tree.badinh.pk
    assert len(mapping) == 10


def test_current_unit_for_is_the_unit_itself_when_current_and_its_successor_when_legacy(old, tree):
    assert current_unit_for(tree.hanoi) == tree.hanoi
    assert current_unit_for(old["10507"]) == tree.hongbang


def test_a_mapping_to_a_legacy_unit_is_refused(old):
    mapping = row("10507", "11296")
    mapping.current_unit = old["31"]

    with pytest.raises(ValidationError) as refused:
        crosswalk_save(crosswalk=mapping)

    assert "đã hết hiệu lực" in " ".join(refused.value.message_dict["current_unit"])
    assert row("10507", "11296").current_unit_id != old["31"].pk


def test_a_mapping_onto_itself_is_refused_as_a_loop(old):
    mapping = UnitCrosswalk(legacy_unit=old["30"], current_unit=old["30"])

    with pytest.raises(ValidationError) as refused:
        crosswalk_save(crosswalk=mapping)

    assert "vòng lặp" in " ".join(refused.value.message_dict["current_unit"])


def test_a_mapping_whose_target_leads_back_through_successors_is_refused_as_a_loop(old, tree):
    # A current unit that (wrongly) names the legacy unit as its successor.
    AdministrativeUnit.objects.filter(pk=tree.hongbang.pk).update(successor=old["10507"])
    tree.hongbang.refresh_from_db()
    mapping = row("10507", "11296")

    with pytest.raises(ValidationError) as refused:
        mapping.full_clean()

    assert "vòng lặp" in " ".join(refused.value.message_dict["current_unit"])


def test_a_mapping_from_a_current_unit_is_refused(old, tree):
    mapping = UnitCrosswalk(legacy_unit=tree.hanoi, current_unit=tree.haiphong, is_default=True)

    with pytest.raises(ValidationError) as refused:
        crosswalk_save(crosswalk=mapping)

    assert "không phải đơn vị cũ" in " ".join(refused.value.message_dict["legacy_unit"])


def test_a_new_default_takes_over_and_moves_the_successor(old, tree):
    crosswalk_save(crosswalk=_with(row("00001", "00070"), is_default=True))

    assert AdministrativeUnit.objects.get(pk=old["00001"].pk).successor == tree.hoankiem
    assert row("00001", "00004").is_default is False
    assert UnitCrosswalk.objects.filter(legacy_unit=old["00001"], is_default=True).count() == 1


def test_the_loader_keeps_an_admins_correction(old, tree):
    crosswalk_save(crosswalk=_with(row("00001", "00070"), is_default=True))

    units_load_legacy(data=legacy_data())

    assert row("00001", "00070").is_default is True
    assert AdministrativeUnit.objects.get(pk=old["00001"].pk).successor == tree.hoankiem


def test_an_admin_correction_is_audited_with_the_user(admin_client, old, users, tree):
    mapping = row("10507", "11296")
    response = admin_client.post(
        reverse(CROSSWALK_CHANGE, args=[mapping.pk]),
        {"legacy_unit": old["10507"].pk, "current_unit": tree.badinh.pk, "is_default": "on", "note": "Sửa theo NQ"},
    )

    assert response.status_code == 302
    last = UnitCrosswalk.history.filter(id=mapping.pk).latest("history_date")
    assert (last.current_unit_id, last.history_user, last.history_type) == (tree.badinh.pk, users.admin, "~")
    assert AdministrativeUnit.objects.get(pk=old["10507"].pk).successor == tree.badinh
    assert admin_client.get(reverse("admin:provinces_unitcrosswalk_history", args=[mapping.pk])).status_code == 200


def test_the_admin_refuses_a_mapping_to_a_legacy_unit_with_a_vietnamese_message(admin_client, old):
    mapping = row("10507", "11296")
    response = admin_client.post(
        reverse(CROSSWALK_CHANGE, args=[mapping.pk]),
        {"legacy_unit": old["10507"].pk, "current_unit": old["31"].pk, "is_default": "on", "note": ""},
    )

    assert "Không thể chuyển sang Thành phố Hải Phòng: đơn vị này đã hết hiệu lực" in errors_of(response)
    assert row("10507", "11296").is_default


def test_the_admin_adds_a_second_default_by_taking_the_flag_from_the_first(admin_client, old, tree):
    response = admin_client.post(
        reverse(CROSSWALK_ADD),
        {"legacy_unit": old["10507"].pk, "current_unit": tree.badinh.pk, "is_default": "on", "note": ""},
    )

    assert response.status_code == 302, errors_of(response)
    assert row("10507", "11296").is_default is False
    assert AdministrativeUnit.objects.get(pk=old["10507"].pk).successor == tree.badinh


def test_a_legacy_unit_is_read_only_in_admin_even_for_a_superuser(admin_client, old):
    unit = old["30"]
    page = admin_client.get(reverse(UNIT_CHANGE, args=[unit.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]

    response = admin_client.post(
        reverse(UNIT_CHANGE, args=[unit.pk]),
        {"code": "30", "name": "Tỉnh Hải Dương (sửa)", "kind": "tinh", "level": 1},
    )

    assert response.status_code == 403
    assert AdministrativeUnit.objects.get(pk=unit.pk).name == "Tỉnh Hải Dương"
    assert (
        admin_client.post(
            reverse("admin:provinces_administrativeunit_delete", args=[unit.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_current_unit_stays_editable_in_admin(admin_client, tree, old):
    page = admin_client.get(reverse(UNIT_CHANGE, args=[tree.hanoi.pk]))
    assert page.context["has_change_permission"]


def test_the_admin_report_lists_legacy_units_without_a_target(admin_client, old):
    AdministrativeUnit.objects.filter(pk=old["288"].pk).update(successor=None)

    response = admin_client.get(reverse(UNIT_CHANGELIST), {"successor": "missing"})

    assert [u.code for u in response.context["cl"].result_list] == ["288"]
    assert list(legacy_units_without_target()) == [old["288"]]


def test_a_provincial_admin_reads_the_map_into_their_province_but_cannot_change_it(client, old, users, tree):
    from roles.choices import Role
    from tests.factories import make_user

    admin_haiphong = make_user("quantri.haiphong", unit=tree.haiphong, role=Role.PROVINCE_ADMIN, is_staff=True)
    client.force_login(admin_haiphong)

    listing = client.get(reverse("admin:provinces_unitcrosswalk_changelist"))
    shown = {(r.legacy_unit.code, r.current_unit.code) for r in listing.context["cl"].result_list}
    assert ("30", "31") in shown and ("10507", "11296") in shown
    assert not any(current in {"01", "00004", "00070"} for _, current in shown)
    mapping = row("10507", "11296")
    response = client.post(
        reverse(CROSSWALK_CHANGE, args=[mapping.pk]),
        {"legacy_unit": old["10507"].pk, "current_unit": tree.hongbang.pk, "is_default": "", "note": "x"},
    )
    assert response.status_code == 403


def _with(mapping, **changes):
    for field, value in changes.items():
        setattr(mapping, field, value)
    return mapping


def test_a_units_successor_may_not_be_a_legacy_unit_nor_itself(old, tree):
    tree.hongbang.successor = old["31"]
    with pytest.raises(ValidationError) as refused:
        tree.hongbang.full_clean()
    assert "đã hết hiệu lực" in " ".join(refused.value.message_dict["successor"])

    tree.hongbang.successor = tree.hongbang
    with pytest.raises(ValidationError) as refused:
        tree.hongbang.full_clean()
    assert "vòng lặp" in " ".join(refused.value.message_dict["successor"])


def test_bulk_delete_in_admin_leaves_legacy_units_alone(admin_client, old):
    UnitCrosswalk.objects.filter(legacy_unit=old["11299"]).delete()  # nothing else protects it then

    response = admin_client.post(
        reverse(UNIT_CHANGELIST),
        {"action": "delete_selected", "_selected_action": [old["11299"].pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert AdministrativeUnit.objects.filter(pk=old["11299"].pk).exists()


def test_a_record_dated_after_the_reform_on_a_legacy_unit_is_refused_naming_the_successor(old):
    from datetime import date

    from provinces.services import unit_check_in_force

    unit_check_in_force(unit=old["30"], on=date(2025, 6, 30))  # the last day of the old structure
    with pytest.raises(ValidationError) as refused:
        unit_check_in_force(unit=old["30"], on=date(2025, 7, 1))

    assert refused.value.message_dict["unit"] == [
        "Tỉnh Hải Dương đã hết hiệu lực sau ngày 30/06/2025; hãy chọn Thành phố Hải Phòng."
    ]
