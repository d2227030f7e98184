"""Hand-computed examples for the fire-safety side of the recompute."""

from decimal import Decimal

import pytest

from dashboards.models import NATIONAL_SCOPE, PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.choices import UnitLevel

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")

    def criterion(code, comparator, aggregation, target=None, counts=True):
        return Criterion.objects.create(
            criteria_set=criteria_set,
            code=code,
            title=code,
            level=UnitLevel.COMMUNE,
            comparator=comparator,
            aggregation=aggregation,
            target=target,
            counts_toward_pass=counts,
        )

    return criteria_set, {
        "households": criterion("TC1", Comparator.AT_LEAST_PERCENT, Aggregation.RATIO, Decimal(100)),
        "fires": criterion("TC3", Comparator.AT_MOST_PERCENT, Aggregation.RATIO, Decimal("0.01")),
        "serious": criterion("TC4", Comparator.EQUALS_ZERO, Aggregation.SHARE_PASSING),
        "groups": criterion("SL1", Comparator.COUNT_AT_LEAST, Aggregation.SUM, Decimal(0), counts=False),
    }


@pytest.fixture
def assess(model, users):
    criteria_set, _criteria = model

    def add(unit, criterion, *, value=None, denominator=None, answer=None, period="2026-11"):
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set, unit=unit, period=period, entered_by=users.officer_hanoi
        )
        return Assessment.objects.create(
            submission=submission,
            criterion=criterion,
            unit=unit,
            period=period,
            value=value,
            denominator=denominator,
            answer=answer,
        )

    return add


def pccc(scope):
    return PcccSnapshot.objects.get(date=AS_OF, scope_path=scope)


def test_units_passing_and_ratio_of_sums_roll_up(tree, model, assess):
    _set, c = model
    # Hoàn Kiếm passes everything; Ba Đình misses households (90/100).
    assess(tree.hoankiem, c["households"], value=500, denominator=500)
    assess(tree.hoankiem, c["fires"], value=0, denominator=20000)
    assess(tree.hoankiem, c["serious"], value=0)
    assess(tree.hoankiem, c["groups"], value=12)
    assess(tree.badinh, c["households"], value=90, denominator=100)
    assess(tree.badinh, c["fires"], value=1, denominator=50000)
    assess(tree.badinh, c["serious"], value=0)
    assess(tree.badinh, c["groups"], value=7)

    snapshot_rebuild(as_of=AS_OF)

    hoankiem, badinh, hanoi = pccc(tree.hoankiem.path), pccc(tree.badinh.path), pccc(tree.hanoi.path)
    assert (hoankiem.units_passing, hoankiem.criteria_met, hoankiem.criteria_assessed) == (1, 3, 3)
    assert (badinh.units_passing, badinh.criteria_met, badinh.criteria_assessed) == (0, 2, 3)
    assert (hanoi.units_passing, hanoi.units_assessed) == (1, 2)
    households = hanoi.criteria["TC1"]
    assert (households["value"], households["denominator"]) == (590, 600)
    assert households["ratio"] == pytest.approx(98.3333, abs=1e-4)  # sum over sum, not mean of 100% and 90%
    assert (households["units_passing"], households["units_assessed"]) == (1, 2)
    assert hanoi.criteria["SL1"]["value"] == 19
    assert hanoi.period == "2026-11"
    assert pccc(NATIONAL_SCOPE).units_assessed == 2


def test_uses_the_latest_month_up_to_the_date(tree, model, assess):
    _set, c = model
    assess(tree.hoankiem, c["serious"], value=1, period="2026-10")
    assess(tree.hoankiem, c["serious"], value=0, period="2026-11")
    assess(tree.hoankiem, c["serious"], value=5, period="2026-12")  # after AS_OF: ignored

    snapshot_rebuild(as_of=AS_OF)

    row = pccc(tree.hoankiem.path)
    assert row.period == "2026-11"
    assert row.criteria["TC4"]["units_passing"] == 1


def test_a_unit_missing_a_criterion_does_not_pass_the_model(tree, model, assess):
    _set, c = model
    assess(tree.hoankiem, c["serious"], value=0)

    snapshot_rebuild(as_of=AS_OF)

    row = pccc(tree.hoankiem.path)
    assert (row.criteria_met, row.criteria_assessed, row.units_passing, row.units_assessed) == (1, 1, 0, 1)


def test_rerun_is_identical(tree, model, assess):
    _set, c = model
    assess(tree.hoankiem, c["households"], value=3, denominator=4)
    snapshot_rebuild(as_of=AS_OF)
    first = list(PcccSnapshot.objects.order_by("scope_path").values("scope_path", "criteria", "units_passing"))
    snapshot_rebuild(as_of=AS_OF)
    assert list(PcccSnapshot.objects.order_by("scope_path").values("scope_path", "criteria", "units_passing")) == first


def test_a_province_a_month_behind_keeps_its_figures_from_its_own_latest_month(tree, model, assess):
    """Issue 11, item 5: each unit's latest month up to the date, not one month for the whole country."""
    _set, c = model

    def passing(unit, period):
        assess(unit, c["households"], value=10, denominator=10, period=period)
        assess(unit, c["fires"], value=0, denominator=100, period=period)
        assess(unit, c["serious"], value=0, period=period)

    passing(tree.hoankiem, "2026-11")
    passing(tree.hongbang, "2026-10")  # Hải Phòng reports a month late
    assess(tree.hongbang, c["serious"], value=3, period="2026-09")

    snapshot_rebuild(as_of=AS_OF)

    haiphong = pccc(tree.haiphong.path)
    assert (haiphong.units_passing, haiphong.period, haiphong.period_label) == (1, "2026-10", "Tháng 10/2026")
    national = pccc(NATIONAL_SCOPE)
    assert national.units_passing == 2
    assert (national.period_earliest, national.period) == ("2026-10", "2026-11")
    assert national.periods_differ and national.period_label == "Tháng 10/2026 – Tháng 11/2026"
    assert not pccc(tree.hanoi.path).periods_differ


def test_a_period_with_only_cleared_values_is_not_the_latest(tree, model, assess):
    _set, c = model
    assess(tree.hoankiem, c["serious"], value=0, period="2026-10")
    assess(tree.hoankiem, c["serious"], period="2026-11")  # cleared: no value

    snapshot_rebuild(as_of=AS_OF)

    assert pccc(tree.hoankiem.path).period == "2026-10"


def test_a_province_level_criterion_judges_the_province_and_never_fails_communes(tree, model, assess):
    """Issue 11, item 4: a unit passes when it meets every criterion of ITS level."""
    criteria_set, c = model
    steering = Criterion.objects.create(
        criteria_set=criteria_set, code="T0", title="Ban chỉ đạo", level=UnitLevel.PROVINCE,
        comparator=Comparator.YES_NO, aggregation=Aggregation.SHARE_PASSING,
    )  # fmt: skip
    for unit in (tree.hoankiem, tree.badinh):
        assess(unit, c["households"], value=10, denominator=10)
        assess(unit, c["fires"], value=0, denominator=100)
        assess(unit, c["serious"], value=0)
    assess(tree.hanoi, steering, answer=False)

    snapshot_rebuild(as_of=AS_OF)

    hanoi = pccc(tree.hanoi.path)
    assert (hanoi.units_passing, hanoi.units_total, hanoi.units_assessed) == (2, 3, 2)  # communes: 2/3, 2 reported
    assert hanoi.levels["1"] == {"total": 1, "reported": 1, "passing": 0, "incomplete": 0, "judged": True}
    assert hanoi.levels["3"] == {"total": 3, "reported": 2, "passing": 2, "incomplete": 0, "judged": True}


def test_a_tracking_only_criterion_is_never_counted_as_failing(tree, model, assess):
    _set, c = model
    assess(tree.hoankiem, c["serious"], value=0)
    assess(tree.hoankiem, c["groups"], value=0)  # tracking only: no verdict

    snapshot_rebuild(as_of=AS_OF)

    groups = pccc(tree.hoankiem.path).criteria["SL1"]
    assert (groups["units_assessed"], groups["units_passing"], groups["value"]) == (1, 0, 0)


def test_a_unit_missing_values_is_counted_as_not_enough_data_not_as_a_failure(tree, model, assess):
    """Issue 19 item 8: reported, nothing failing, values missing: "chưa đủ số liệu", counted apart."""
    _set, c = model
    assess(tree.hoankiem, c["serious"], value=0)  # 1 of 3 counting criteria, and it passes
    assess(tree.badinh, c["serious"], value=2)  # a failure

    snapshot_rebuild(as_of=AS_OF)

    hanoi = pccc(tree.hanoi.path)
    assert (hanoi.units_passing, hanoi.units_assessed, hanoi.units_incomplete) == (0, 2, 1)
    assert pccc(tree.badinh.path).units_incomplete == 0
