"""``unit_ids_in_scope``: the task lists' scope subquery keeps exactly the units ``unit_scope_filter`` keeps."""

import pytest

from provinces.models import AdministrativeUnit
from provinces.selectors import unit_ids_in_scope, unit_scope_filter
from provinces.services import units_load_legacy

from .legacy_fixture import legacy_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_structures(tree):
    units_load_legacy(data=legacy_data())
    return tree


@pytest.mark.parametrize("code", ["01", "31", "00004", "00070", "11296", "08974"])
def test_the_subquery_keeps_the_same_current_and_legacy_units(both_structures, code):
    """Hải Phòng keeps old Hải Dương and its district and ward; Ba Đình keeps old Trúc Bạch and Phúc Xá."""
    scope = AdministrativeUnit.objects.current().get(code=code)
    expected = set(AdministrativeUnit.objects.filter(unit_scope_filter(scope)).values_list("pk", flat=True))
    kept = set(AdministrativeUnit.objects.filter(pk__in=unit_ids_in_scope(scope)).values_list("pk", flat=True))
    assert kept == expected
    assert AdministrativeUnit.objects.legacy().filter(pk__in=kept).exists() == (code in ("01", "31", "00004", "11296"))


@pytest.mark.parametrize("code", ["30", "288", "001"])
def test_a_legacy_scope_is_its_own_legacy_subtree(both_structures, code):
    scope = AdministrativeUnit.objects.legacy().get(code=code)
    expected = set(AdministrativeUnit.objects.filter(unit_scope_filter(scope)).values_list("pk", flat=True))
    kept = set(AdministrativeUnit.objects.filter(pk__in=unit_ids_in_scope(scope)).values_list("pk", flat=True))
    assert kept == expected and kept


def test_a_unit_without_a_valid_path_keeps_nothing(both_structures):
    """Fails closed like ``subtree_filter``: an empty path would be a prefix of every path."""
    scope = AdministrativeUnit.objects.current().get(code="01")
    scope.path = ""
    assert not AdministrativeUnit.objects.filter(pk__in=unit_ids_in_scope(scope)).exists()


def test_the_user_scope_rule_for_a_unit_a_national_and_an_anonymous_user(both_structures):
    """``user_scope_filter``: the unit's subtree with its legacy units, everything nationally, nothing anonymous.

    On units themselves (``field=""``) and through a foreign key (``field="successor"`` here, as
    ``field="unit"`` on tasks).
    """
    from django.contrib.auth.models import AnonymousUser

    from provinces.selectors import user_scope_filter
    from tests.factories import make_user

    hanoi = AdministrativeUnit.objects.current().get(code="01")
    units = AdministrativeUnit.objects.all()
    in_hanoi = set(units.filter(unit_scope_filter(hanoi)).values_list("pk", flat=True))
    officer = make_user("canbo.scope", unit=hanoi)
    assert set(units.filter(user_scope_filter(officer, "")).values_list("pk", flat=True)) == in_hanoi
    successors_in_hanoi = set(units.filter(successor__in=in_hanoi).values_list("pk", flat=True))
    assert successors_in_hanoi
    assert set(units.filter(user_scope_filter(officer, "successor")).values_list("pk", flat=True)) == (
        successors_in_hanoi
    )
    assert units.filter(user_scope_filter(make_user("tw.scope"), "")).count() == units.count()
    assert not units.filter(user_scope_filter(AnonymousUser(), "")).exists()
