"""PCCC values on units that ended on 30/06/2025 (issue 14 item 3): entered for periods before the
reform, refused after it, and read in the pre-reform structure ("x/y huyện đạt") and today's."""

import datetime

import pytest

from dashboards.models import PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.choices import PeriodKind
from pccc.models import Assessment
from pccc.periods import Period
from pccc.selectors import unit_results
from pccc.services import CellInput, GridValidationError, assessment_grid_save
from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from provinces.services import CrosswalkRecord, LegacyData, LegacyUnitRecord, units_load_legacy
from roles.choices import Role
from tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 15)


def legacy_nam_dinh() -> LegacyData:
    """Old Nam Định: three districts, four communes; today all in Ninh Bình's two wards."""
    p = lambda code, name: LegacyUnitRecord(code, name, UnitKind.TINH, UnitLevel.PROVINCE, "", None)  # noqa: E731
    d = lambda code, name: LegacyUnitRecord(code, name, UnitKind.HUYEN, UnitLevel.DISTRICT, "", "36")  # noqa: E731
    c = lambda code, name, parent: LegacyUnitRecord(code, name, UnitKind.XA, UnitLevel.COMMUNE, "", parent)  # noqa: E731
    units = [
        p("36", "Tỉnh Nam Định"),
        d("365", "Huyện Giao Thủy"), d("366", "Huyện Hải Hậu"), d("362", "Huyện Xuân Trường"),
        c("14000", "Xã Giao Thiện", "365"), c("14001", "Xã Giao An", "365"),
        c("14002", "Xã Hải Đông", "366"), c("14003", "Xã Xuân Ninh", "362"),
    ]  # fmt: skip
    crosswalk = [
        CrosswalkRecord("36", "37", True),
        *(CrosswalkRecord(code, "37", True) for code in ("365", "366", "362")),
        CrosswalkRecord("14000", "13660", True), CrosswalkRecord("14001", "13660", True),
        CrosswalkRecord("14002", "13669", True), CrosswalkRecord("14003", "13669", True),
    ]  # fmt: skip
    return LegacyData(units=units, crosswalk=crosswalk)


@pytest.fixture
def nam_dinh(db):
    ninh_binh = make_unit("37", "Tỉnh Ninh Bình")
    make_unit("13660", "Xã Giao Thủy", parent=ninh_binh)
    make_unit("13669", "Xã Hải Hậu", parent=ninh_binh)
    units_load_legacy(data=legacy_nam_dinh())
    return ninh_binh, AdministrativeUnit.objects.legacy().get(code="36")


@pytest.fixture
def officer_ninh_binh(nam_dinh):
    return make_user("canbo.ninhbinh", unit=nam_dinh[0], role=Role.OFFICER)


def legacy(code):
    return AdministrativeUnit.objects.legacy().get(code=code)


def commune_cells(pccc, code, *, households=(100, 100), fires=(0, 1000), serious=0, villages=True):
    unit = legacy(code).pk
    return [
        CellInput(pccc.households.pk, unit, value=str(households[0]), denominator=str(households[1])),
        CellInput(pccc.fires.pk, unit, value=str(fires[0]), denominator=str(fires[1])),
        CellInput(pccc.serious.pk, unit, value=str(serious)),
        CellInput(pccc.villages.pk, unit, answer="1" if villages else "0", evidence="Báo cáo 12/BC-UBND"),
    ]


@pytest.fixture
def values_2024(pccc, nam_dinh, officer_ninh_binh):
    """Giao Thiện and Giao An pass, Hải Đông fails (90% of households), Xuân Ninh did not report."""
    cells = [
        *commune_cells(pccc, "14000"),
        *commune_cells(pccc, "14001", households=(50, 50)),
        *commune_cells(pccc, "14002", households=(90, 100)),
    ]
    assessment_grid_save(
        user=officer_ninh_binh, criteria_set=pccc.set, root=nam_dinh[1], period="2024-12", cells=cells,
        today=AS_OF,
    )  # fmt: skip


def test_an_officer_of_the_successor_enters_2024_values_for_the_old_communes(values_2024):
    assert Assessment.objects.current().filter(unit__code="14000", period="2024-12").count() == 4


@pytest.mark.parametrize("period", ["2025-07", "2025-Q3", "2025", "2026-01"])
def test_values_of_a_legacy_unit_for_a_period_after_30_06_2025_are_refused_naming_the_successor(
    pccc, nam_dinh, officer_ninh_binh, period
):
    with pytest.raises(GridValidationError) as error:
        assessment_grid_save(
            user=officer_ninh_binh, criteria_set=pccc.set, root=nam_dinh[1], period=period,
            cells=commune_cells(pccc, "14000"), today=AS_OF,
        )  # fmt: skip

    assert error.value.errors == ["Tỉnh Nam Định đã hết hiệu lực sau ngày 30/06/2025; hãy chọn Tỉnh Ninh Bình."]
    assert not Assessment.objects.exists()


def test_values_for_june_2025_and_the_second_quarter_are_still_accepted(pccc, nam_dinh, officer_ninh_binh):
    for period, kind in (("2025-06", PeriodKind.MONTH), ("2025-Q2", PeriodKind.QUARTER)):
        # Values are entered for the period kind their criteria declare (issue 15, item 5).
        pccc.set.criteria.update(period_kind=kind)
        assessment_grid_save(
            user=officer_ninh_binh, criteria_set=pccc.set, root=nam_dinh[1], period=period,
            cells=commune_cells(pccc, "14000"), today=AS_OF,
        )  # fmt: skip
    assert Assessment.objects.filter(period__in=["2025-06", "2025-Q2"]).count() == 8


def test_a_user_of_another_province_may_not_enter_values_for_old_nam_dinh(pccc, nam_dinh, users):
    with pytest.raises(GridValidationError):
        assessment_grid_save(
            user=users.officer_hanoi, criteria_set=pccc.set, root=nam_dinh[1], period="2024-12",
            cells=commune_cells(pccc, "14000"), today=AS_OF,
        )  # fmt: skip


def test_the_pre_reform_view_counts_old_nam_dinhs_districts_and_communes(pccc, nam_dinh, values_2024):
    results = unit_results(criteria_set=pccc.set, unit=nam_dinh[1], period=Period.parse("2024-12"))

    districts, communes = results.levels
    # Giao Thủy: both communes pass; Hải Hậu: its one commune fails; Xuân Trường: nothing reported.
    assert (districts.units_passing, districts.units_reported, districts.units_total) == (1, 2, 3)
    assert {row.unit.name: row.passes for row in districts.units} == {
        "Huyện Giao Thủy": True, "Huyện Hải Hậu": False, "Huyện Xuân Trường": None,
    }  # fmt: skip
    assert (communes.units_passing, communes.units_reported, communes.units_total) == (2, 3, 4)


def test_both_structures_side_by_side_for_one_scope(pccc, nam_dinh, values_2024):
    """Today Ninh Bình carries old Nam Định: Giao Thủy ward = Giao Thiện + Giao An (both pass, 150/150
    households), Hải Hậu ward = Hải Đông + Xuân Ninh (90/100, fails). So 1/2 xã đạt now, against
    1/3 huyện and 2/4 xã đạt in the old structure."""
    ninh_binh, old = nam_dinh
    snapshot_rebuild(as_of=AS_OF)

    now = PcccSnapshot.objects.get(scope_path=ninh_binh.path, date=AS_OF)
    before = unit_results(criteria_set=pccc.set, unit=old, period=Period.parse("2024-12"))

    assert (now.units_passing, now.units_total) == (1, 2)
    assert now.criteria["TC1"]["value"] == 240 and now.criteria["TC1"]["denominator"] == 250
    assert [(lvl.units_passing, lvl.units_total) for lvl in before.levels] == [(1, 3), (2, 4)]


def test_the_unit_page_of_a_legacy_province_shows_the_old_structure(
    client, pccc, nam_dinh, values_2024, officer_ninh_binh
):
    client.force_login(officer_ninh_binh)

    response = client.get(f"/pccc/{pccc.set.code}/don-vi/~36/?ky=2024-12")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tỉnh Nam Định (cũ)" in page and "Theo địa giới trước 01/07/2025" in page
    assert "1/3 đơn vị đạt" in page and "2/4 đơn vị đạt" in page
    assert f"/pccc/{pccc.set.code}/don-vi/~365/" in page  # a district opens as the old district


def test_the_current_province_page_is_unchanged_by_a_legacy_unit_of_the_same_code(client, pccc, nam_dinh, users):
    client.force_login(users.admin)
    response = client.get(f"/pccc/{pccc.set.code}/don-vi/37/")
    assert response.status_code == 200 and "Theo địa giới trước" not in response.content.decode()
