"""Item 2 of issue 11: one bad row never stops the national run."""

import datetime

import pytest
from django.urls import reverse

from dashboards.choices import RunOutcome
from dashboards.models import NATIONAL_SCOPE, CompletionSnapshot, PcccSnapshot, RecomputeRun
from dashboards.services import recompute_run, snapshot_rebuild
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.choices import UnitLevel
from tasks.models import Programme
from tests.factories import make_unit

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def merge(unit, *, into=None):
    """The unit leaves the current tree (as a merger does), pointing at its successor if any."""
    unit.valid_to = datetime.date(2025, 6, 30)
    unit.successor = into
    unit.save()
    return unit


def test_a_task_on_a_merged_unit_counts_under_its_successor(tree, make_task):
    old = make_unit("00073", "Phường Hàng Bạc (cũ)", parent=tree.hanoi)
    make_task(unit=old)
    make_task(unit=tree.hoankiem)
    merge(old, into=tree.hoankiem)

    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert run.outcome == RunOutcome.SUCCESS
    assert CompletionSnapshot.objects.get(date=AS_OF, scope_path=tree.hoankiem.path).tasks_total == 2
    assert not CompletionSnapshot.objects.filter(scope_path=old.path).exclude(unit=tree.hoankiem).exists()
    assert run.records_moved == 1 and run.records_left_out == 0


def test_a_successor_chain_is_followed_to_the_current_unit(tree, make_task):
    oldest = make_unit("00075", "Phường A (cũ)", parent=tree.hanoi)
    middle = make_unit("00076", "Phường B (cũ)", parent=tree.hanoi)
    make_task(unit=oldest)
    merge(middle, into=tree.badinh)
    merge(oldest, into=middle)

    snapshot_rebuild(as_of=AS_OF)

    assert CompletionSnapshot.objects.get(date=AS_OF, scope_path=tree.badinh.path).tasks_total == 1


def test_a_task_on_a_unit_without_successor_is_left_out_with_a_warning(tree, make_task):
    gone = make_unit("00077", "Phường đã giải thể", parent=tree.hanoi)
    make_task(unit=gone)
    make_task(unit=gone)
    make_task(unit=tree.hoankiem)
    merge(gone)

    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert run.outcome == RunOutcome.SUCCESS
    assert run.records_left_out == 2
    assert "2 bản ghi" in run.warnings
    assert CompletionSnapshot.objects.get(date=AS_OF, scope_path=tree.hanoi.path).tasks_total == 1


def test_a_successor_cycle_typed_in_admin_does_not_hang_or_fail(tree, make_task):
    a = make_unit("00078", "Phường A", parent=tree.hanoi)
    b = make_unit("00079", "Phường B", parent=tree.hanoi)
    make_task(unit=a)
    merge(b, into=a)
    merge(a, into=b)

    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert (run.outcome, run.records_left_out) == (RunOutcome.SUCCESS, 1)


def test_pccc_values_of_a_merged_commune_add_up_in_its_successor(tree, users):
    criteria_set = CriteriaSet.objects.create(code="pccc", name="Tỉnh an toàn PCCC")
    households = Criterion.objects.create(
        criteria_set=criteria_set, code="TC1", title="Hộ gia đình", level=UnitLevel.COMMUNE,
        comparator=Comparator.AT_LEAST_PERCENT, aggregation=Aggregation.RATIO, target=90,
    )  # fmt: skip
    old = make_unit("00073", "Phường Hàng Bạc (cũ)", parent=tree.hanoi)
    gone = make_unit("00077", "Phường đã giải thể", parent=tree.hanoi)
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, unit=tree.hanoi, period="2026-11", entered_by=users.officer_hanoi
    )
    for unit, value in ((tree.hoankiem, 80), (old, 100), (gone, 5)):
        Assessment.objects.create(
            submission=submission, criterion=households, unit=unit, period="2026-11", value=value, denominator=100
        )
    merge(old, into=tree.hoankiem)
    merge(gone)

    result = snapshot_rebuild(as_of=AS_OF)

    row = PcccSnapshot.objects.get(date=AS_OF, scope_path=tree.hoankiem.path)
    assert (row.criteria["TC1"]["value"], row.criteria["TC1"]["denominator"]) == (180, 200)
    assert row.units_passing == 1  # 90% meets the ≥90% target once both parts count
    assert (result.records_moved, result.records_left_out) == (1, 1)


def test_a_failing_programme_does_not_stop_the_others(tree, make_task, programme, monkeypatch):
    other = Programme.objects.create(
        name="Kế hoạch khác", year=2026, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    make_task(unit=tree.hoankiem)
    make_task(unit=tree.hoankiem, programme=other)
    from dashboards import services

    real = services._completion_snapshot

    def broken_for_other(programme_id, *args):
        if programme_id == other.pk:
            raise ValueError("số liệu hỏng")
        return real(programme_id, *args)

    monkeypatch.setattr(services, "_completion_snapshot", broken_for_other)

    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert run.outcome == RunOutcome.PARTIAL
    assert "Kế hoạch khác" in run.error and "số liệu hỏng" in run.error
    assert CompletionSnapshot.objects.filter(date=AS_OF, programme=programme).count() == 3
    assert not CompletionSnapshot.objects.filter(programme=other).exists()


def test_a_programme_failing_in_the_database_keeps_its_earlier_rows_and_the_others_are_written(
    tree, make_task, programme, monkeypatch
):
    """A write that fails inside the database (here a CHECK constraint) is rolled back to its savepoint only."""
    other = Programme.objects.create(
        name="Kế hoạch khác", year=2026, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    make_task(unit=tree.hoankiem)
    make_task(unit=tree.hoankiem, programme=other)
    snapshot_rebuild(as_of=AS_OF)
    make_task(unit=tree.badinh)
    from decimal import Decimal

    from dashboards import services

    real = services._completion_snapshot

    def out_of_range(programme_id, *args):
        row = real(programme_id, *args)
        if programme_id == other.pk:
            row.weighted_completion = Decimal("150.00")  # violates completion_snapshot_percent_range
        return row

    monkeypatch.setattr(services, "_completion_snapshot", out_of_range)
    result = snapshot_rebuild(as_of=AS_OF)

    assert len(result.failures) == 1 and "Kế hoạch khác" in result.failures[0]
    assert CompletionSnapshot.objects.get(date=AS_OF, programme=programme, scope_path=tree.hanoi.path).tasks_total == 2
    assert CompletionSnapshot.objects.filter(date=AS_OF, programme=other).count() == 3  # the earlier run's rows


def test_admin_shows_the_warning_in_the_list_and_the_detail(client, users, tree, make_task):
    gone = make_unit("00077", "Phường đã giải thể", parent=tree.hanoi)
    make_task(unit=gone)
    merge(gone)
    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")
    client.force_login(users.admin)
    listing = client.get(reverse("admin:dashboards_recomputerun_changelist")).content.decode()
    assert "Cảnh báo" in listing or "cảnh báo" in listing
    assert "1 bản ghi" in listing
    detail = client.get(reverse("admin:dashboards_recomputerun_change", args=[run.pk])).content.decode()
    assert "không có đơn vị kế thừa" in detail
    assert "số bản ghi bị bỏ qua" in detail.lower()


def test_the_national_row_is_written_when_a_unit_is_outside_the_tree(tree, make_task):
    gone = make_unit("00077", "Phường đã giải thể", parent=tree.hanoi)
    make_task(unit=gone)
    make_task(unit=tree.hongbang)
    merge(gone)
    snapshot_rebuild(as_of=AS_OF)
    assert CompletionSnapshot.objects.get(date=AS_OF, scope_path=NATIONAL_SCOPE).tasks_total == 1
    assert RecomputeRun.objects.count() == 0  # snapshot_rebuild alone records no run


def test_a_failing_criteria_set_does_not_stop_the_tasks_or_the_other_sets(tree, users, make_task, monkeypatch):
    from dashboards import services

    sets = [CriteriaSet.objects.create(code=f"bo-{i}", name=f"Bộ tiêu chí {i}") for i in (1, 2)]
    for criteria_set in sets:
        criterion = Criterion.objects.create(
            criteria_set=criteria_set, code="TC4", title="Cháy", level=UnitLevel.COMMUNE,
            comparator=Comparator.EQUALS_ZERO, aggregation=Aggregation.SHARE_PASSING,
        )  # fmt: skip
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set, unit=tree.hanoi, period="2026-11", entered_by=users.officer_hanoi
        )
        Assessment.objects.create(
            submission=submission, criterion=criterion, unit=tree.hoankiem, period="2026-11", value=0
        )
    make_task(unit=tree.hoankiem)
    real = services._pccc_snapshots

    def broken_for_first(set_id, *args):
        if set_id == sets[0].pk:
            raise ZeroDivisionError("hỏng")
        return real(set_id, *args)

    monkeypatch.setattr(services, "_pccc_snapshots", broken_for_first)
    run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert run.outcome == RunOutcome.PARTIAL and "Bộ tiêu chí 1" in run.error
    assert PcccSnapshot.objects.filter(date=AS_OF, criteria_set=sets[1]).count() == 3
    assert not PcccSnapshot.objects.filter(criteria_set=sets[0]).exists()
    assert CompletionSnapshot.objects.filter(date=AS_OF).count() == 3


def test_a_criteria_set_whose_values_cannot_be_judged_is_reported_and_the_rest_written(tree, users, make_task):
    """An error while judging one set's values (here a comparison that raises) is reported on the run."""
    good, bad = (CriteriaSet.objects.create(code=f"bo-{i}", name=f"Bộ tiêu chí {i}") for i in (1, 2))
    for criteria_set, comparator, target in ((good, Comparator.EQUALS_ZERO, None), (bad, Comparator.COUNT_AT_LEAST, 3)):
        criterion = Criterion.objects.create(
            criteria_set=criteria_set, code="SL", title="Số lượng", level=UnitLevel.COMMUNE,
            comparator=comparator, aggregation=Aggregation.SUM, target=target,
        )  # fmt: skip
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set, unit=tree.hanoi, period="2026-11", entered_by=users.officer_hanoi
        )
        Assessment.objects.create(
            submission=submission, criterion=criterion, unit=tree.hoankiem, period="2026-11", value=0
        )
    make_task(unit=tree.hoankiem)
    from unittest import mock

    from pccc import evaluation

    real = evaluation.meets

    def broken(criterion, **kwargs):
        if criterion.criteria_set_id == bad.pk:
            raise TypeError("'>=' not supported between instances of 'int' and 'NoneType'")
        return real(criterion, **kwargs)

    with mock.patch("dashboards.pccc_figures.meets", broken):
        run = recompute_run(as_of=AS_OF, triggered_by="kiểm thử")

    assert run.outcome == RunOutcome.PARTIAL and "Bộ tiêu chí 2" in run.error
    assert PcccSnapshot.objects.filter(date=AS_OF, criteria_set=good).count() == 3
    assert CompletionSnapshot.objects.filter(date=AS_OF).count() == 3
