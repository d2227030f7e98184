"""Issue 15, item 5: criteria entered by month, quarter, half-year or year, each read by its own kind."""

from datetime import date

import pytest

from dashboards.models import PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.choices import PeriodKind
from pccc.forms import PeriodForm
from pccc.models import Assessment
from pccc.periods import Period
from pccc.selectors import assessment_grid, criteria_of, unit_results
from pccc.services import CellInput, GridValidationError, assessment_grid_save

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def save(user, pccc, root, cells, period):
    return assessment_grid_save(user=user, criteria_set=pccc.set, root=root, period=period, cells=cells, today=TODAY)


@pytest.fixture
def yearly_fires(pccc):
    """TC3 (fires in the year ≤ 0,01% of households + establishments) is entered once a year."""
    pccc.fires.period_kind = PeriodKind.YEAR
    pccc.fires.save()
    return pccc


def monthly_cells(pccc, unit, *, inspected=100, households=100, serious=0, villages="1"):
    return [
        CellInput(pccc.households.pk, unit.pk, value=inspected, denominator=households),
        CellInput(pccc.serious.pk, unit.pk, value=serious),
        CellInput(pccc.villages.pk, unit.pk, answer=villages, evidence="Báo cáo 1/BC-UBND"),
    ]


def fires(pccc, unit, count, households_and_establishments):
    return [CellInput(pccc.fires.pk, unit.pk, value=count, denominator=households_and_establishments)]


def test_a_yearly_value_posted_for_a_month_is_refused_naming_the_criterion_and_nothing_is_saved(
    users, tree, yearly_fires
):
    pccc = yearly_fires
    cells = monthly_cells(pccc, tree.soctson) + fires(pccc, tree.soctson, 1, 20_000)
    with pytest.raises(GridValidationError) as caught:
        save(users.officer_hanoi, pccc, tree.hanoi, cells, "2026-11")
    assert caught.value.cell_errors == {
        (pccc.fires.pk, tree.soctson.pk): ["Tiêu chí TC3 nhập số liệu theo kỳ năm, không nhập cho Tháng 11/2026."]
    }
    assert not Assessment.objects.exists()


def test_a_monthly_value_posted_for_a_year_is_refused(users, tree, yearly_fires):
    with pytest.raises(GridValidationError) as caught:
        save(users.officer_hanoi, yearly_fires, tree.hanoi, monthly_cells(yearly_fires, tree.soctson)[:1], "2026")
    assert list(caught.value.cell_errors.values()) == [
        ["Tiêu chí TC1 nhập số liệu theo kỳ tháng, không nhập cho Năm 2026."]
    ]
    assert not Assessment.objects.exists()


def test_the_grid_of_a_period_has_the_criteria_of_that_kind_only(tree, yearly_fires):
    criteria = criteria_of(yearly_fires.set)
    month = assessment_grid(criteria=criteria, root=tree.hanoi, period=Period.parse("2026-11"), level=3)
    year = assessment_grid(criteria=criteria, root=tree.hanoi, period=Period.parse("2026"), level=3)
    assert [c.code for c in month.criteria] == ["TC1", "TC4", "TC5", "CS1"]
    assert [c.code for c in year.criteria] == ["TC3"]


@pytest.fixture
def mixed_values(users, tree, yearly_fires):
    """Hand-made values, TC1/TC4/TC5 monthly and TC3 yearly (cap 0,01%):

    - Sóc Sơn: November all met; fires 2025: 1/20.000 = 0,005% (met); 2026 not entered yet.
    - Ba Đình: November all met; fires 2025: 1/20.000 (met); 2026: 3/20.000 = 0,015% (not met).
    - Hoàn Kiếm: October all met (no November); fires 2025: 3/10.000 = 0,03% (not met).
    """
    pccc, hanoi = yearly_fires, tree.hanoi
    save(users.officer_hanoi, pccc, hanoi, monthly_cells(pccc, tree.hoankiem), "2026-10")
    save(users.officer_hanoi, pccc, hanoi, monthly_cells(pccc, tree.soctson) + monthly_cells(pccc, tree.badinh),
         "2026-11")  # fmt: skip
    save(users.officer_hanoi, pccc, hanoi,
         fires(pccc, tree.soctson, 1, 20_000) + fires(pccc, tree.badinh, 1, 20_000)
         + fires(pccc, tree.hoankiem, 3, 10_000), "2025")  # fmt: skip
    save(users.officer_hanoi, pccc, hanoi, fires(pccc, tree.badinh, 3, 20_000), "2026")
    return pccc


def verdicts(results):
    (communes,) = results.levels
    return {row.unit.name: row.passes for row in communes.units}, communes


def test_each_unit_counts_with_its_latest_month_and_its_latest_year(tree, mixed_values):
    results = unit_results(criteria_set=mixed_values.set, unit=tree.hanoi, period=None, today=TODAY)
    by_unit, communes = verdicts(results)
    assert by_unit == {"Xã Sóc Sơn": True, "Phường Ba Đình": False, "Phường Hoàn Kiếm": False}
    assert (communes.units_passing, communes.units_reported, communes.units_total) == (1, 3, 3)
    # TC3 rolled up over each commune's latest year: (1 + 3 + 3) / (20.000 + 20.000 + 10.000).
    tc3 = next(s for s in communes.criteria if s.criterion.code == "TC3")
    assert (tc3.value_sum, tc3.denominator_sum) == (7, 50_000)
    assert results.months == ("2026-10", "2026-11")  # the finest kind: months


def test_a_chosen_month_reads_the_yearly_criterion_from_the_latest_year_begun_by_then(tree, mixed_values):
    """On "Tháng 10/2026": October for the monthly criteria (only Hoàn Kiếm has it); the latest year
    with data for TC3 (2026 for Ba Đình, 2025 for the others)."""
    results = unit_results(criteria_set=mixed_values.set, unit=tree.hanoi, period=Period.parse("2026-10"))
    by_unit, _communes = verdicts(results)
    # Sóc Sơn and Ba Đình reported only TC3 for October's view: reported some, not all → not passing.
    assert by_unit == {"Xã Sóc Sơn": False, "Phường Ba Đình": False, "Phường Hoàn Kiếm": False}


def test_a_chosen_year_reads_each_units_latest_month_within_it(tree, mixed_values):
    """On "Năm 2025": no monthly value in 2025, so every unit has only TC3 of 2025 → none passes;
    Sóc Sơn and Ba Đình meet TC3 (0,005%), Hoàn Kiếm does not (0,03%)."""
    results = unit_results(criteria_set=mixed_values.set, unit=tree.hanoi, period=Period.parse("2025"))
    by_unit, communes = verdicts(results)
    assert set(by_unit.values()) == {False}
    tc3 = next(s for s in communes.criteria if s.criterion.code == "TC3")
    assert (tc3.units_passing, tc3.units_reported, tc3.value_sum, tc3.denominator_sum) == (2, 3, 5, 50_000)


def test_the_recompute_judges_each_criterion_by_its_own_period(tree, mixed_values):
    snapshot_rebuild(as_of=TODAY)
    hanoi = PcccSnapshot.objects.get(scope_path=tree.hanoi.path, date=TODAY)
    assert (hanoi.units_passing, hanoi.units_assessed) == (1, 3)
    assert (hanoi.criteria["TC3"]["value"], hanoi.criteria["TC3"]["denominator"]) == (7, 50_000)
    assert hanoi.criteria["TC3"]["units_passing"] == 1  # Sóc Sơn only: 0,005%
    assert (hanoi.period_earliest, hanoi.period) == ("2026-10", "2026-11")


def test_before_the_year_is_entered_the_recompute_uses_the_previous_year(tree, mixed_values):
    """As of 31/12/2025 (no 2026 month yet): only the 2025 fire values exist, so no commune reported
    every criterion and none passes; TC3 counts 2 of 3 met."""
    snapshot_rebuild(as_of=date(2025, 12, 31))
    hanoi = PcccSnapshot.objects.get(scope_path=tree.hanoi.path, date=date(2025, 12, 31))
    assert (hanoi.units_passing, hanoi.units_assessed) == (0, 3)
    assert hanoi.criteria["TC3"]["units_passing"] == 2
    assert hanoi.period == "2025"


def test_the_picker_offers_past_years_and_the_kinds_the_set_uses():
    form = PeriodForm(today=TODAY, kinds={"month", "year"}, first_year=2024, selected=Period.parse("2024-03"))
    groups = dict(form.fields["ky"].choices)
    assert list(groups) == ["2026", "2025", "2024"]
    assert [key for key, _label in groups["2026"]][:2] == ["2026-11", "2026-10"]  # December has not begun
    assert ("2026", "Năm 2026") in groups["2026"]
    assert ("2024-03", "Tháng 3/2024") in groups["2024"]
    assert not any(key.endswith(("Q1", "H1")) for year in groups.values() for key, _label in year)
    assert form["ky"].value() == "2024-03"


def test_a_period_reached_by_url_before_the_range_is_still_the_one_selected():
    form = PeriodForm(today=TODAY, kinds={"quarter", "half"}, first_year=2025, selected=Period.parse("2019-H2"))
    groups = dict(form.fields["ky"].choices)
    assert ("2019-H2", "6 tháng cuối năm 2019") in groups["2019"]
    assert ("2026-Q4", "Quý IV/2026") in groups["2026"]


def results_url(pccc, code="01"):
    from django.urls import reverse

    return reverse("pccc:unit_results", kwargs={"set_code": pccc.set.code, "unit_code": code})


def grid_url(pccc, code="01"):
    from django.urls import reverse

    return reverse("pccc:grid", kwargs={"set_code": pccc.set.code, "unit_code": code})


def test_a_past_period_opened_by_url_is_the_one_the_picker_shows(client, users, yearly_fires):
    client.force_login(users.leader_hanoi)
    response = client.get(results_url(yearly_fires), {"ky": "2019-05"})
    html = response.content.decode()
    assert '<option value="2019-05" selected>Tháng 5/2019</option>' in html
    assert '<option value="2025">Năm 2025</option>' in html  # the yearly criterion's periods
    assert "2025-Q1" not in html  # no quarterly criterion in the set


def test_the_yearly_grid_shows_the_yearly_criterion_and_saves_it(client, users, tree, yearly_fires):
    pccc = yearly_fires
    client.force_login(users.officer_hanoi)
    html = client.get(grid_url(pccc), {"ky": "2025"}).content.decode()
    assert f"c{pccc.fires.pk}_u{tree.soctson.pk}_v" in html
    assert f"c{pccc.households.pk}_u{tree.soctson.pk}_v" not in html
    response = client.post(
        grid_url(pccc),
        {"ky": "2025", "cap": "3", f"c{pccc.fires.pk}_u{tree.soctson.pk}_v": "1",
         f"c{pccc.fires.pk}_u{tree.soctson.pk}_d": "20.000"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Assessment.objects.get().period == "2025"


def test_posting_a_monthly_criterion_into_the_yearly_grid_is_refused_on_the_page(client, users, tree, yearly_fires):
    pccc = yearly_fires
    client.force_login(users.officer_hanoi)
    response = client.post(grid_url(pccc), {"ky": "2025", "cap": "3", f"c{pccc.serious.pk}_u{tree.soctson.pk}_v": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Xã Sóc Sơn – TC4" in html
    assert "Tiêu chí TC4 nhập số liệu theo kỳ tháng, không nhập cho Năm 2025." in html
    assert not Assessment.objects.exists()


def test_the_index_says_how_often_each_criterion_is_entered(client, users, yearly_fires):
    from django.urls import reverse

    client.force_login(users.officer_hanoi)
    html = client.get(reverse("pccc:index")).content.decode()
    assert "nhập theo kỳ năm" in html and "nhập theo kỳ tháng" in html
