"""A user whose unit has no valid path sees nothing: every scope check fails closed.

The database now refuses such a row, so these tests read a valid unit back with an empty
path, as rows saved by admin before the constraint existed were read (the empty path is a
prefix of every path: today that user reads every province).
"""

import datetime

import pytest
from django.urls import reverse

from pccc.models import CriteriaSet
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_breadcrumbs, units_visible_to
from roles.choices import Role
from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task
from tasks.selectors import tasks_visible_to
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_with_empty_path(monkeypatch):
    """Call with units: from then on every read of them returns an empty path."""
    broken: set[int] = set()
    original = AdministrativeUnit.from_db

    def from_db(cls, db, field_names, values):
        unit = original(db, field_names, values)
        if unit.pk in broken and "path" in unit.__dict__:
            unit.path = ""
        return unit

    monkeypatch.setattr(AdministrativeUnit, "from_db", classmethod(from_db))

    def break_paths(*units):
        broken.update(u.pk for u in units)
        for unit in units:
            unit.path = ""

    return break_paths


@pytest.fixture
def lost_user(tree, read_with_empty_path):
    """An officer of Sóc Sơn (may read dashboards and enter PCCC values), whose unit's path reads as empty."""
    read_with_empty_path(tree.soctson)
    return make_user("canbo.lac", unit=tree.soctson, role=Role.OFFICER)


def test_the_lost_user_sees_no_unit(lost_user):
    assert list(units_visible_to(lost_user)) == []


def test_nothing_is_below_a_unit_without_a_valid_path(tree, read_with_empty_path):
    read_with_empty_path(tree.soctson)

    assert list(AdministrativeUnit.objects.descendants_of(tree.soctson, include_self=True)) == []
    assert list(AdministrativeUnit.objects.ancestors_of(tree.soctson, include_self=True)) == []


def test_no_unit_is_within_a_unit_without_a_valid_path(tree, read_with_empty_path):
    read_with_empty_path(tree.soctson)

    assert not tree.hongbang.is_within(tree.soctson)
    assert not tree.soctson.is_within(tree.soctson)


def test_a_unit_without_a_valid_path_is_within_nothing(tree, read_with_empty_path):
    read_with_empty_path(tree.soctson)

    assert not tree.soctson.is_within(tree.hanoi)
    assert not tree.soctson.is_within(None)


def test_the_lost_user_sees_no_task(lost_user, tree):
    Programme.objects.create(
        name="Đề án 06",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=2026,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    agency = Agency.objects.create(name="Công an thành phố Hải Phòng", kind=AgencyKind.POLICE, unit=tree.haiphong)
    Task.objects.create(
        programme=Programme.objects.get(),
        unit=tree.hongbang,
        title="Nhiệm vụ của Hải Phòng",
        group=TaskGroup.PUBLIC_SERVICES,
        lead_agency=agency,
        start_date=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 12, 31),
    )

    assert list(tasks_visible_to(lost_user)) == []


def test_the_lost_user_gets_no_breadcrumbs(lost_user, tree):
    assert unit_breadcrumbs(lost_user, tree.hongbang) == []


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Đề án 06 năm 2026",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=2026,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.mark.parametrize("code", ["31", "01", "08974"])
def test_the_lost_user_opens_no_unit_page(client, lost_user, code):
    client.force_login(lost_user)

    assert client.get(reverse("provinces:unit_detail", args=[code])).status_code == 404


@pytest.mark.parametrize("code", ["31", "01", "08974"])
def test_the_lost_user_opens_no_dashboard(client, lost_user, programme, code):
    client.force_login(lost_user)

    assert client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, code])).status_code == 404


@pytest.mark.parametrize("code", ["31", "01", "08974"])
def test_the_lost_user_opens_no_pccc_page(client, lost_user, code):
    CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    client.force_login(lost_user)

    assert client.get(reverse("pccc:unit_results", args=["tinh-an-toan-pccc", code])).status_code == 404
    assert client.get(reverse("pccc:grid", args=["tinh-an-toan-pccc", code])).status_code == 404
