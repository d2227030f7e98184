"""The coordinator board's "units that have not entered this period's criterion values"."""

from decimal import Decimal

import pytest

from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from pccc.periods import Period
from pccc.selectors import units_without_values
from provinces.choices import UnitLevel
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

NOVEMBER = Period.parse("2026-11")


@pytest.fixture
def enter(users):
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    criterion = Criterion.objects.create(
        criteria_set=criteria_set,
        code="TC1",
        title="TC1",
        level=UnitLevel.COMMUNE,
        comparator=Comparator.AT_LEAST_PERCENT,
        aggregation=Aggregation.RATIO,
        target=Decimal(100),
    )

    def add(unit, *, value=Decimal(5), period="2026-11"):
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set, unit=unit, period=period, entered_by=users.officer_hanoi
        )
        Assessment.objects.create(
            submission=submission, criterion=criterion, unit=unit, period=period, value=value, denominator=10
        )

    return add


def names(units):
    return [unit.name for unit in units]


def test_a_commune_with_a_value_is_not_listed_one_with_an_empty_cell_or_another_month_is(tree, enter):
    enter(tree.hoankiem)
    enter(tree.badinh, value=None)  # a cell left empty is not a value entered
    enter(tree.soctson, period="2026-10")
    enter(tree.hanoi)  # the province's own value does not stand for its communes
    assert names(units_without_values(root=tree.hanoi, period=NOVEMBER)) == ["Phường Ba Đình", "Xã Sóc Sơn"]


def test_nationally_a_province_counts_as_entered_when_one_of_its_communes_has(tree, enter):
    enter(tree.soctson)
    assert names(units_without_values(root=None, period=NOVEMBER)) == ["Thành phố Hải Phòng"]


def test_a_commune_whose_code_starts_like_anothers_is_judged_on_its_own(tree, enter):
    """Paths are cut at the separator: "/01/00070/" entering says nothing of "/01/0007/"."""
    short = make_unit("0007", "Phường Mã Ngắn", parent=tree.hanoi)
    enter(tree.hoankiem)
    assert short.name in names(units_without_values(root=tree.hanoi, period=NOVEMBER))


def test_a_unit_without_a_valid_path_sees_nothing(tree, enter):
    tree.hanoi.path = ""
    assert units_without_values(root=tree.hanoi, period=NOVEMBER) == []
