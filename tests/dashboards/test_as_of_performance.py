"""Figures as of a past day on a long history (issue 15, Performance): the dashboard of a past day reads
a fixed number of queries whatever the number of days computed, and a backfill of a past day writes
what the run of that day wrote. The timings on three years of daily snapshots are in bench/asof.py."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from dashboards.models import CompletionSnapshot, PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.choices import UnitLevel
from tasks.choices import BlockReason, TaskStatus

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def url(programme, code):
    return reverse("dashboards:unit_dashboard", kwargs={"programme_id": programme.pk, "code": code})


@pytest.fixture
def criterion(db):
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    return Criterion.objects.create(
        criteria_set=criteria_set,
        code="TC1",
        title="TC1",
        level=UnitLevel.COMMUNE,
        comparator=Comparator.AT_LEAST_PERCENT,
        aggregation=Aggregation.RATIO,
        target=100,
    )


@pytest.fixture
def assess(criterion, users):
    def add(unit, *, value, denominator, period):
        submission = AssessmentSubmission.objects.create(
            criteria_set=criterion.criteria_set, unit=unit, period=period, entered_by=users.officer_hanoi
        )
        Assessment.objects.create(
            submission=submission, criterion=criterion, unit=unit, period=period, value=value, denominator=denominator
        )

    return add


@pytest.fixture
def wards(tree, make_task, report, assess):
    """Two wards of Hà Nội with a task each (reports before AS_OF) and PCCC values of October."""
    hoankiem, badinh = make_task(unit=tree.hoankiem), make_task(unit=tree.badinh, weight=2)
    report(hoankiem, percent=40, status=TaskStatus.IN_PROGRESS, on=AS_OF - datetime.timedelta(days=40))
    report(badinh, percent=20, status=TaskStatus.BLOCKED, reason=BlockReason.WAITING_CENTRAL, on=AS_OF)
    assess(tree.hoankiem, value=500, denominator=500, period="2026-10")
    assess(tree.badinh, value=90, denominator=100, period="2026-10")
    return hoankiem, badinh


def past_day_queries(client, programme, code, django_assert_max_num_queries) -> int:
    """Queries of the page for AS_OF rendered from scratch (no cached page, figures or criteria)."""
    cache.clear()
    with django_assert_max_num_queries(40) as captured:
        response = client.get(url(programme, code), {"ngay": AS_OF.isoformat()})
    assert response.context["board"].snapshot.date == AS_OF
    return len(captured.captured_queries)


@pytest.mark.parametrize(("code", "viewer"), [("01", "leader_hanoi"), ("toan-quoc", "national")])
def test_a_past_day_reads_as_many_queries_with_30_days_of_snapshots_as_with_3(
    client, users, programme, wards, code, viewer, django_assert_max_num_queries
):
    client.force_login(getattr(users, viewer))
    for days in range(3):
        snapshot_rebuild(as_of=AS_OF - datetime.timedelta(days=days))
    with_3_days = past_day_queries(client, programme, code, django_assert_max_num_queries)

    for days in range(3, 30):
        snapshot_rebuild(as_of=AS_OF - datetime.timedelta(days=days))
    assert CompletionSnapshot.objects.filter(scope_path="/").count() == 30

    assert past_day_queries(client, programme, code, django_assert_max_num_queries) == with_3_days


def test_the_ranking_of_a_past_day_takes_each_wards_pccc_figures_of_that_day(
    client, users, programme, wards, tree, assess
):
    """Not a later day's (the rows after it are not that day's figures) nor an earlier one's."""
    for day in (AS_OF - datetime.timedelta(days=1), AS_OF, AS_OF + datetime.timedelta(days=1)):
        if day == AS_OF + datetime.timedelta(days=1):
            assess(tree.badinh, value=100, denominator=100, period="2026-11")  # entered after AS_OF
        snapshot_rebuild(as_of=day)
    client.force_login(users.leader_hanoi)

    board = client.get(url(programme, "01"), {"ngay": AS_OF.isoformat()}).context["board"]

    pccc = {row.unit.code: row.pccc for row in board.ranking if row.pccc}
    assert {code: row.date for code, row in pccc.items()} == {tree.hoankiem.code: AS_OF, tree.badinh.code: AS_OF}
    assert pccc[tree.badinh.code].units_passing == 0  # 90/100 on that day; 100/100 came later


def figures_of(day):
    """Every snapshot row of ``day``, without the id and the time it was computed."""
    return {
        model.__name__: sorted(
            (
                {k: v for k, v in row.items() if k not in ("id", "computed_at")}
                for row in model.objects.filter(date=day).values()
            ),
            key=lambda row: row["scope_path"],
        )
        for model in (CompletionSnapshot, PcccSnapshot)
    }


def test_a_backfilled_past_day_has_the_figures_its_own_run_wrote(
    programme, tree, wards, make_task, report, done, assess
):
    snapshot_rebuild(as_of=AS_OF)  # the run of that day
    original = figures_of(AS_OF)
    assert original["CompletionSnapshot"] and original["PcccSnapshot"]
    # Later days: progress, a completion, a task assigned after AS_OF, newer PCCC values; each day computed.
    hoankiem, badinh = wards
    later = AS_OF + datetime.timedelta(days=3)
    report(hoankiem, percent=80, status=TaskStatus.IN_PROGRESS, on=later)
    done(badinh, on=later)
    make_task(unit=tree.hoankiem, start_date=later)
    assess(tree.badinh, value=100, denominator=100, period="2026-12")
    for days in range(1, 4):
        snapshot_rebuild(as_of=AS_OF + datetime.timedelta(days=days))
    CompletionSnapshot.objects.filter(date=AS_OF).delete()
    PcccSnapshot.objects.filter(date=AS_OF).delete()

    call_command("recompute_progress", "--date", AS_OF.isoformat(), verbosity=0)

    assert figures_of(AS_OF) == original
    assert figures_of(later) != original  # the later data did change the figures of later days


def test_a_communes_dashboard_reads_nothing_for_a_ranking_it_cannot_have(
    tree, programme, make_task, django_assert_num_queries
):
    """A commune has no child units: one query finds none, and neither the snapshots nor the PCCC rows
    of children are read (3,321 communes' first visits, two queries each)."""
    from dashboards.selectors import dashboard

    make_task(unit=tree.hoankiem)
    make_task(unit=tree.badinh)
    snapshot_rebuild(as_of=AS_OF)
    ward = dashboard(programme=programme, unit=tree.hoankiem, on=AS_OF)
    with django_assert_num_queries(1):
        assert ward.ranking == []
    city = dashboard(programme=programme, unit=tree.hanoi, on=AS_OF)
    assert {row.unit.name for row in city.ranking} >= {"Phường Hoàn Kiếm", "Phường Ba Đình"}
