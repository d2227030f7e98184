import pytest

from provinces.models import AdministrativeUnit
from provinces.selectors import units_visible_to


@pytest.mark.django_db
def test_descendants_and_ancestors_are_one_query_each(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        below_hanoi = set(AdministrativeUnit.objects.descendants_of(tree.hanoi).values_list("code", flat=True))
    with django_assert_num_queries(1):
        above_ward = list(AdministrativeUnit.objects.ancestors_of(tree.hoankiem, include_self=True))

    assert below_hanoi == {"00070", "00004", "08974"}
    assert above_ward == [tree.hanoi, tree.hoankiem]


@pytest.mark.django_db
def test_scope_is_the_users_subtree(users, tree):
    assert set(units_visible_to(users.officer_hanoi)) == {tree.hanoi, tree.hoankiem, tree.badinh, tree.soctson}
    assert set(units_visible_to(users.officer_hoankiem)) == {tree.hoankiem}
    assert units_visible_to(users.national).count() == 6


@pytest.mark.django_db
def test_a_unit_whose_code_prefixes_another_is_not_inside_it(tree):
    """Path segments end with '/', so province 01 does not contain a unit under 011."""
    from tests.factories import make_unit

    other = make_unit("011", "Tỉnh giả lập")
    make_unit("01199", "Xã giả lập", parent=other)
    assert "01199" not in set(AdministrativeUnit.objects.descendants_of(tree.hanoi).values_list("code", flat=True))
