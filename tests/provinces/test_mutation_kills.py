"""The scope helpers at their boundaries (docs/testing.md): a path of the wrong shape opens nothing."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from provinces.models import AdministrativeUnit
from provinces.selectors import units_visible_to
from tests.factories import make_unit, make_user


def unit(path, code, parent_id=None):
    return AdministrativeUnit(path=path, code=code, parent_id=parent_id, name=code)


def test_a_path_must_end_with_the_units_code_and_match_whether_it_has_a_parent():
    assert unit("/01/", "01").has_valid_path()
    assert unit("/01/00070/", "00070", parent_id=1).has_valid_path()
    assert not unit("/01/", "02").has_valid_path()
    assert not unit("/01/00070/", "00070").has_valid_path()  # two levels deep but no parent
    assert not unit("/01/", "01", parent_id=1).has_valid_path()  # a parent but a root's path
    assert not unit("", "01").has_valid_path()


@pytest.mark.django_db
def test_a_unit_read_with_only_its_path_is_checked_on_what_was_read(tree):
    only_path = AdministrativeUnit.objects.only("path").get(pk=tree.hoankiem.pk)
    assert only_path.has_valid_path()
    only_path.path = "/01/00071/"  # no code read: the shape alone is checked, and it is fine
    assert only_path.has_valid_path()
    with_code = AdministrativeUnit.objects.only("path", "code").get(pk=tree.hoankiem.pk)
    with_code.path = "/01/00071/"
    assert not with_code.has_valid_path()


def test_subtree_filter_is_a_prefix_match_through_the_field_and_nothing_for_a_bad_path():
    hanoi = unit("/01/", "01")
    assert hanoi.subtree_filter() == Q(path__startswith="/01/")
    assert hanoi.subtree_filter("unit") == Q(unit__path__startswith="/01/")
    assert unit("", "01").subtree_filter("unit") == Q(pk__in=[])


def test_is_within_itself_its_ancestors_and_the_whole_country_only():
    hanoi, ward = unit("/01/", "01"), unit("/01/00070/", "00070", parent_id=1)
    haiphong, broken = unit("/31/", "31"), unit("", "01")
    assert ward.is_within(hanoi) and ward.is_within(ward) and ward.is_within(None)
    assert not hanoi.is_within(ward) and not ward.is_within(haiphong)
    assert not broken.is_within(None) and not ward.is_within(broken)


@pytest.mark.django_db
def test_units_visible_to_is_the_users_subtree_of_current_units(tree):
    gone = make_unit("00071", "Phường Đã Sáp Nhập", parent=tree.hanoi)
    AdministrativeUnit.objects.filter(pk=gone.pk).update(valid_to=datetime.date(2025, 7, 1))

    def codes(user):
        return set(units_visible_to(user).values_list("code", flat=True))

    everything = {"01", "31", "00070", "00004", "08974", "11296"}
    assert codes(make_user("toan.quoc")) == everything
    assert codes(make_user("ha.noi", unit=tree.hanoi)) == {"01", "00070", "00004", "08974"}
    assert codes(make_user("hoan.kiem", unit=tree.hoankiem)) == {"00070"}
    assert codes(AnonymousUser()) == set()
