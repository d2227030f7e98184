"""Random grids thrown at the save service: it saves every cell or none of them."""

from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pccc.models import Assessment, AssessmentSubmission
from pccc.services import CellInput, GridValidationError, assessment_grid_save

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)
INVALID = object()

# Mostly valid values, so that many grids are saved; sometimes one bad cell spoils a grid.
whole_numbers = st.one_of(st.integers(0, 40), st.sampled_from(["7", " 12 ", "1.000"]))
odd_numbers = st.one_of(st.none(), st.just(""), st.integers(-3, -1), st.sampled_from(["2,5", "x", "-1", "3.5"]))
numbers = st.one_of(*[whole_numbers] * 8, odd_numbers)


def good_cell(criterion, units):
    """A cell the service must accept."""
    if criterion.is_yes_no:
        values = st.sampled_from([("", ""), ("0", ""), ("1", "Biên bản 5/BB"), ("0", "Ghi chú")])
        return st.builds(lambda u, a: CellInput(criterion.pk, u, answer=a[0], evidence=a[1]), units, values)
    if criterion.is_count:
        return st.builds(lambda u, v: CellInput(criterion.pk, u, value=v), units, whole_numbers)
    pair = st.integers(0, 60).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d)))
    return st.builds(lambda u, p: CellInput(criterion.pk, u, value=p[0], denominator=str(p[1])), units, pair)


def whole(raw):
    """An independent oracle for what the service should accept as a whole number."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else INVALID
    text = raw.strip()
    if text == "1.000":
        return 1000
    return int(text) if text.isdigit() else INVALID


def expected(criterion, cell):
    """(value, denominator, answer, evidence) the service should store, or INVALID."""
    evidence = cell.evidence.strip()
    if criterion.is_yes_no:
        answer = {None: None, "": None, "1": True, "0": False}[cell.answer]
        return INVALID if answer and not evidence else (None, None, answer, evidence)
    value = whole(cell.value)
    if criterion.is_count:
        return INVALID if value is INVALID else (value, None, None, evidence)
    denominator = whole(cell.denominator)
    if INVALID in (value, denominator) or (value is None) != (denominator is None):
        return INVALID
    if value is not None and value > denominator:
        return INVALID
    return (value, denominator, None, evidence)


def snapshot():
    rows = Assessment.objects.values_list("pk", "is_current", "value", "denominator", "answer", "evidence")
    return set(rows), AssessmentSubmission.objects.count()


def current_values():
    return {
        (a.criterion_id, a.unit_id): (a.value, a.denominator, a.answer, a.evidence)
        for a in Assessment.objects.current().filter(period="2026-10")
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_grids_save_all_cells_or_none(users, tree, pccc, data):
    criteria = [pccc.households, pccc.fires, pccc.serious, pccc.villages, pccc.groups]
    in_scope = [tree.hoankiem, tree.badinh, tree.soctson]
    units = st.sampled_from([u.pk for u in in_scope])
    any_cell = st.builds(
        CellInput,
        criterion_id=st.sampled_from([c.pk for c in criteria]),
        unit_id=st.sampled_from([u.pk for u in [*in_scope, *in_scope, tree.hongbang]]),
        value=numbers,
        denominator=numbers,
        answer=st.sampled_from([None, "", "1", "0"]),
        evidence=st.sampled_from(["", " ", "Biên bản 5/BB"]),
    )
    unique = {"unique_by": lambda c: (c.criterion_id, c.unit_id)}
    # Mostly valid grids, then maybe one random cell that may spoil it.
    good = data.draw(st.lists(st.sampled_from(criteria).flatmap(lambda c: good_cell(c, units)), max_size=8, **unique))
    extra = data.draw(st.one_of(st.just([]), st.lists(any_cell, min_size=1, max_size=1)))
    cells = list({(c.criterion_id, c.unit_id): c for c in [*good, *extra]}.values())
    cells = data.draw(st.permutations(cells))
    period = data.draw(st.sampled_from(["2026-10"] * 7 + ["2026-12"]))

    by_id = {c.pk: c for c in criteria}
    keys = [(c.criterion_id, c.unit_id) for c in cells]
    outcome = {key: expected(by_id[key[0]], c) for key, c in zip(keys, cells, strict=True)}
    should_save = (
        period == "2026-10" and tree.hongbang.pk not in {u for _c, u in keys} and INVALID not in outcome.values()
    )
    before, before_values = snapshot(), current_values()

    try:
        assessment_grid_save(
            user=users.officer_hanoi, criteria_set=pccc.set, root=tree.hanoi, period=period, cells=cells, today=TODAY
        )
    except GridValidationError:
        assert not should_save
        assert snapshot() == before
        event("rejected")
        return
    assert should_save
    event("saved")
    after_values = current_values()
    for key, values in outcome.items():
        if values == (None, None, None, "") and key not in before_values:
            assert key not in after_values
        else:
            assert after_values[key] == values
    untouched = set(before_values) - set(outcome)
    assert {k: after_values[k] for k in untouched} == {k: before_values[k] for k in untouched}
