import io
from datetime import date

import pytest
from django.contrib.auth.models import Group

from pccc import demo
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from pccc.periods import Period
from pccc.selectors import unit_results

pytestmark = pytest.mark.django_db


def values():
    return list(Assessment.objects.order_by("unit__code", "period", "criterion__code").values_list("value", "answer"))


def test_seed_demo_adds_the_model_and_a_year_of_values_once(users, tree):
    demo.seed_demo(stdout=io.StringIO())
    first = values()
    demo.seed_demo(stdout=io.StringIO())

    criteria_set = CriteriaSet.objects.get(code=demo.SET_CODE)
    assert criteria_set.document_number == "64/KH-UBND"
    assert Criterion.objects.filter(criteria_set=criteria_set).count() == 8
    assert Criterion.objects.filter(criteria_set=criteria_set, counts_toward_pass=True).count() == 5
    assert criteria_set.criteria.get(code="TC2").phases.count() == 2
    communes = 4  # three in Hà Nội, one in Hải Phòng
    # Seven monthly criteria × 12 months, and the yearly fire ratio (TC3) for the years the twelve
    # months touch.
    years = {str(month.year) for month in demo.demo_months(date.today())}
    assert Assessment.objects.count() == communes * (7 * 12 + len(years)) == len(first)
    assert set(Assessment.objects.filter(criterion__code="TC3").values_list("period", flat=True)) == years
    assert AssessmentSubmission.objects.count() == 2 * 12
    assert values() == first
    assert AssessmentSubmission.objects.filter(unit=tree.hanoi).first().entered_by == users.officer_hanoi


def test_demo_values_are_deterministic_and_plausible(users, tree):
    demo.seed_demo(stdout=io.StringIO())
    first = values()
    Assessment.objects.all().delete()
    AssessmentSubmission.objects.all().delete()
    demo.seed_demo(stdout=io.StringIO())
    assert values() == first
    rows = Assessment.objects.filter(denominator__isnull=False)
    assert all(row.value <= row.denominator for row in rows)


def test_demo_months_are_the_twelve_complete_months_before_today():
    months = demo.demo_months(date(2026, 11, 29))
    assert [months[0].key, months[-1].key, len(months)] == ["2025-11", "2026-10", 12]


def test_the_bigger_demo_has_communes_passing_and_failing(users, tree, pccc):
    """With the seeded random profiles, a realistic share of communes pass in the last month."""
    from tests.factories import make_unit
    from tests.pccc.conftest import COMMUNE

    for i in range(40):
        make_unit(f"9{i:04d}", f"Xã mẫu {i}", parent=tree.hanoi)
    demo.seed_demo(stdout=io.StringIO())
    criteria_set = CriteriaSet.objects.get(code=demo.SET_CODE)
    last = demo.demo_months(date.today())[-1]
    (level,) = unit_results(criteria_set=criteria_set, unit=tree.hanoi, period=Period.parse(last.key)).levels
    assert level.level == COMMUNE and level.units_total == 43
    assert 0 < level.units_passing < level.units_total


@pytest.mark.parametrize(
    ("group", "granted", "refused"),
    [
        ("Cán bộ", {"add_assessment", "view_assessment", "view_criterion"}, {"change_criterion"}),
        ("Thường trực", {"add_assessment", "view_assessment"}, {"delete_assessment"}),
        ("Lãnh đạo", {"view_assessment", "view_criteriaset"}, {"add_assessment"}),
        ("Quản trị", {"change_criterion", "add_criteriaset", "view_assessment"}, {"change_assessment"}),
    ],
)
def test_role_groups_get_the_pccc_permissions(group, granted, refused):
    codenames = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="pccc")
        .values_list("codename", flat=True)
    )
    assert granted <= codenames
    assert not refused & codenames


def test_a_demo_seeded_with_monthly_fires_gets_its_yearly_values_once(users, tree):
    """A database seeded before TC3 became yearly: seed_demo adds the yearly values from the months."""
    from pccc.choices import PeriodKind

    demo.seed_demo(stdout=io.StringIO())
    fires = Criterion.objects.get(code="TC3")
    Assessment.objects.filter(criterion=fires).delete()  # as an old demo: TC3 entered by month
    fires.period_kind = PeriodKind.MONTH
    fires.save()
    submission = AssessmentSubmission.objects.first()
    Assessment.objects.bulk_create(
        Assessment(submission=submission, criterion=fires, unit=tree.soctson, period=key, value=v, denominator=5000)
        for key, v in (("2025-12", 1), ("2026-01", 2), ("2026-02", 0))
    )
    demo.seed_demo(stdout=io.StringIO())  # TC3 yearly again
    demo.seed_demo(stdout=io.StringIO())
    yearly = Assessment.objects.filter(criterion=fires, unit=tree.soctson, period__in=["2025", "2026"])
    assert sorted(yearly.values_list("period", "value", "denominator")) == [("2025", 1, 5000), ("2026", 2, 5000)]
