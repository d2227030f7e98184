"""The PCCC rules that pages, exports and imports share, each at its boundaries (no queries)."""

from types import SimpleNamespace

from pccc.evaluation import assessed_at
from pccc.selectors import criteria_set_chosen, grid_level_offered, grid_levels_under
from provinces.choices import UnitLevel


def criterion(level):
    return SimpleNamespace(level=level)


def test_a_criterion_is_assessed_at_its_own_level_only():
    assert assessed_at(criterion(UnitLevel.COMMUNE), UnitLevel.COMMUNE)
    assert not assessed_at(criterion(UnitLevel.PROVINCE), UnitLevel.COMMUNE)
    assert not assessed_at(criterion(UnitLevel.COMMUNE), UnitLevel.PROVINCE)


def test_a_grid_offers_the_unit_s_own_level_and_those_below_never_above():
    criteria = [criterion(UnitLevel.PROVINCE), criterion(UnitLevel.COMMUNE), criterion(UnitLevel.COMMUNE)]
    assert grid_levels_under(criteria, SimpleNamespace(level=UnitLevel.PROVINCE)) == [
        UnitLevel.PROVINCE,
        UnitLevel.COMMUNE,
    ]
    assert grid_levels_under(criteria, SimpleNamespace(level=UnitLevel.COMMUNE)) == [UnitLevel.COMMUNE]


def test_the_grid_level_is_the_requested_one_when_offered_else_the_lowest_else_zero():
    offered = [UnitLevel.PROVINCE, UnitLevel.COMMUNE]
    assert grid_level_offered(offered, UnitLevel.PROVINCE) == UnitLevel.PROVINCE
    assert grid_level_offered(offered, UnitLevel.DISTRICT) == UnitLevel.COMMUNE
    assert grid_level_offered(offered, None) == UnitLevel.COMMUNE
    assert grid_level_offered([], UnitLevel.PROVINCE) == 0


def test_the_criteria_set_is_the_one_asked_for_else_the_first_offered_else_none():
    first, second = SimpleNamespace(code="pccc"), SimpleNamespace(code="an-ninh")
    assert criteria_set_chosen([first, second], "an-ninh") is second
    assert criteria_set_chosen([first, second], "khong-co") is first
    assert criteria_set_chosen([first, second], "") is first
    assert criteria_set_chosen([], "pccc") is None
