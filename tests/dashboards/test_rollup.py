"""The recompute's tree arithmetic (dashboards.rollup): scopes, sums up the tree, merged units.

Pinned at the boundaries that mutation testing found unpinned (docs/testing.md).
"""

import datetime
from collections import Counter

import pytest

from dashboards.rollup import UnitTree, roll_up, scope_chain
from provinces.models import AdministrativeUnit
from tests.factories import make_unit


def test_scope_chain_is_the_nation_then_each_ancestor_then_the_unit():
    assert scope_chain("/01/00070/") == ["/", "/01/", "/01/00070/"]
    assert scope_chain("/01/") == ["/", "/01/"]
    assert scope_chain("/X1/0X/") == ["/", "/X1/", "/X1/0X/"]  # a code is any text but "/"


def test_roll_up_sums_each_key_into_every_scope_above_its_unit():
    totals = roll_up(
        [
            ("k", "/01/00070/", {"done": 1}),
            ("k", "/01/00004/", {"done": 2, "overdue": 1}),
            ("j", "/31/", {"done": 5}),
        ]
    )
    assert totals[("k", "/")] == Counter(done=3, overdue=1)
    assert totals[("k", "/01/")] == Counter(done=3, overdue=1)
    assert totals[("k", "/01/00070/")] == Counter(done=1)
    assert totals[("j", "/")] == Counter(done=5)
    assert set(totals) == {
        ("k", "/"),
        ("k", "/01/"),
        ("k", "/01/00070/"),
        ("k", "/01/00004/"),
        ("j", "/"),
        ("j", "/31/"),
    }


def merge(unit, into, *, day=datetime.date(2025, 7, 1)):
    """Mark ``unit`` as replaced by ``into`` (None: replaced by nothing the tree knows)."""
    AdministrativeUnit.objects.filter(pk=unit.pk).update(valid_to=day, successor=into)


@pytest.mark.django_db
def test_the_tree_keeps_current_units_and_sends_merged_ones_to_their_successor(tree):
    old = make_unit("00071", "Phường Hàng Bạc", parent=tree.hanoi)
    older = make_unit("00072", "Phường Hàng Đào", parent=tree.hanoi)
    lost = make_unit("00073", "Phường Không Kế Thừa", parent=tree.hanoi)
    merge(old, tree.hoankiem)
    merge(older, old)  # a chain: older → old → Hoàn Kiếm
    merge(lost, None)
    units = UnitTree.load()
    assert units.paths[tree.hoankiem.pk] == "/01/00070/"
    assert old.pk not in units.paths and lost.pk not in units.paths
    assert units.current_unit(tree.hoankiem.pk) == tree.hoankiem.pk
    assert units.current_unit(old.pk) == tree.hoankiem.pk
    assert units.current_unit(older.pk) == tree.hoankiem.pk
    assert units.current_unit(lost.pk) is None
    assert units.current_unit(-1) is None
    assert units.levels[old.pk] == 3 and units.levels[tree.hanoi.pk] == 1


@pytest.mark.django_db
def test_a_successor_cycle_typed_in_admin_is_left_out_not_followed_forever(tree):
    first = make_unit("00075", "Phường A", parent=tree.hanoi)
    second = make_unit("00076", "Phường B", parent=tree.hanoi)
    merge(first, second)
    merge(second, first)
    units = UnitTree.load()
    assert units.current_unit(first.pk) is None and units.current_unit(second.pk) is None
    assert UnitTree._follow(1, {1: 2, 2: 3}, {3: "/03/"}) == 3
    assert UnitTree._follow(1, {1: 2, 2: 1}, {3: "/03/"}) is None
    assert UnitTree._follow(1, {1: 1}, {}) is None
    assert UnitTree._follow(1, {1: 2, 2: 3, 3: 2}, {}) is None  # a loop further down the chain
    assert UnitTree._follow(1, {}, {}) is None


@pytest.mark.django_db
def test_units_per_level_counts_the_current_units_in_each_scope(tree):
    merge(make_unit("00071", "Phường Hàng Bạc", parent=tree.hanoi), tree.hoankiem)
    per_scope = UnitTree.load().units_per_level()
    assert per_scope["/"] == Counter(level1=2, level3=4)
    assert per_scope["/01/"] == Counter(level1=1, level3=3)
    assert per_scope["/31/11296/"] == Counter(level3=1)
