import time
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from pccc.models import Assessment, AssessmentSubmission
from pccc.services import MAX_CELL_VALUE, CellInput, GridTooLarge, GridValidationError, assessment_grid_save

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def save(user, pccc, root, cells, period="2026-10"):
    return assessment_grid_save(user=user, criteria_set=pccc.set, root=root, period=period, cells=cells, today=TODAY)


def current(criterion, unit, period="2026-10"):
    return Assessment.objects.current().get(criterion=criterion, unit=unit, period=period)


def test_a_valid_grid_is_saved_with_its_author_and_one_current_row_per_cell(users, tree, pccc):
    result = save(
        users.officer_hanoi,
        pccc,
        tree.hanoi,
        [
            CellInput(pccc.households.pk, tree.hoankiem.pk, value="950", denominator="1.000"),
            CellInput(pccc.serious.pk, tree.hoankiem.pk, value=0),
            CellInput(pccc.villages.pk, tree.badinh.pk, answer="1", evidence="Báo cáo 12/BC-UBND"),
            CellInput(pccc.groups.pk, tree.badinh.pk, value=""),
        ],
    )
    assert result.changed == 3
    assert result.submission.entered_by == users.officer_hanoi
    row = current(pccc.households, tree.hoankiem)
    assert (row.value, row.denominator) == (950, 1000)
    assert current(pccc.villages, tree.badinh).answer is True
    assert not Assessment.objects.filter(criterion=pccc.groups).exists()


def test_a_new_value_keeps_the_old_one_as_history_and_the_latest_counts(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.serious.pk, tree.soctson.pk, value=1)])
    save(users.officer_hoankiem, pccc, tree.hoankiem, [CellInput(pccc.serious.pk, tree.hoankiem.pk, value=0)])
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.serious.pk, tree.soctson.pk, value=0)])

    history = Assessment.objects.filter(criterion=pccc.serious, unit=tree.soctson).order_by("pk")
    assert [(a.value, a.is_current) for a in history] == [(1, False), (0, True)]
    assert current(pccc.serious, tree.soctson).value == 0


def test_unchanged_cells_write_nothing(users, tree, pccc):
    cells = [CellInput(pccc.households.pk, tree.badinh.pk, value="5", denominator="10")]
    save(users.officer_hanoi, pccc, tree.hanoi, cells)
    result = save(users.officer_hanoi, pccc, tree.hanoi, cells)
    assert result.changed == 0
    assert Assessment.objects.count() == 1
    assert AssessmentSubmission.objects.count() == 1


def test_clearing_a_cell_records_an_empty_current_value(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value="7")])
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value="")])
    row = current(pccc.groups, tree.badinh)
    assert row.value is None and not row.has_data
    assert Assessment.objects.filter(criterion=pccc.groups).count() == 2


def assert_rejected(user, pccc, root, bad_cell, message, *, period="2026-10"):
    """The bad cell gets the message and the valid cell beside it is not saved either."""
    good = CellInput(pccc.serious.pk, root.pk if root.level == 3 else user.unit.children.first().pk, value=0)
    with pytest.raises(GridValidationError) as excinfo:
        save(user, pccc, root, [good, bad_cell], period=period)
    assert Assessment.objects.count() == 0
    assert AssessmentSubmission.objects.count() == 0
    return excinfo.value


@pytest.mark.parametrize(
    ("value", "denominator", "message"),
    [
        ("11", "10", "Tử số (11) không được lớn hơn mẫu số (10)."),
        ("5", "", "Cần nhập cả tử số và mẫu số."),
        ("-1", "10", "Không được là số âm."),
        ("2,5", "10", "Phải là số nguyên, không có phần thập phân."),
        ("abc", "10", "Không phải là số."),
    ],
)
def test_bad_ratio_cells_are_reported_on_the_cell_and_nothing_is_saved(users, tree, pccc, value, denominator, message):
    bad = CellInput(pccc.households.pk, tree.badinh.pk, value=value, denominator=denominator)
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, bad, message)
    assert error.cell_errors == {(pccc.households.pk, tree.badinh.pk): [message]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-3, "Không được là số âm."),
        ("1.5", "Phải là số nguyên, không có phần thập phân."),
        ("0,5", "Phải là số nguyên, không có phần thập phân."),
    ],
)
def test_negative_or_fractional_counts_are_rejected(users, tree, pccc, value, message):
    error = assert_rejected(
        users.officer_hanoi, pccc, tree.hanoi, CellInput(pccc.groups.pk, tree.soctson.pk, value=value), message
    )
    assert error.cell_errors[(pccc.groups.pk, tree.soctson.pk)] == [message]


def test_grouped_thousands_are_read_the_vietnamese_way(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.soctson.pk, value="1.500")])
    assert current(pccc.groups, tree.soctson).value == 1500


def test_a_future_period_is_rejected(users, tree, pccc):
    error = assert_rejected(
        users.officer_hanoi, pccc, tree.hanoi, CellInput(pccc.groups.pk, tree.soctson.pk, value=1), "", period="2026-12"
    )
    assert error.errors == ["Kỳ báo cáo Tháng 12/2026 chưa bắt đầu, chưa thể nhập số liệu."]


def test_the_current_month_quarter_and_year_are_accepted(users, tree, pccc):
    for period, kind in (("2026-11", "month"), ("2026-Q4", "quarter"), ("2026", "year")):
        pccc.groups.period_kind = kind  # each criterion is entered for its own kind of period (issue 15)
        pccc.groups.save()
        save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.soctson.pk, value=2)], period)
    assert Assessment.objects.current().count() == 3


NOT_FOUND = "Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem."


def test_a_unit_outside_the_users_scope_is_rejected(users, tree, pccc):
    forged = CellInput(pccc.serious.pk, tree.hongbang.pk, value=0)
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, forged, "")
    assert error.cell_errors == {(pccc.serious.pk, tree.hongbang.pk): [NOT_FOUND]}


def test_a_unit_in_another_province_gets_the_same_words_as_a_unit_that_does_not_exist(users, tree, pccc):
    """The message must not let a forged id probe which units exist elsewhere."""
    missing = tree.hongbang.pk + 1000
    elsewhere = assert_rejected(
        users.officer_hanoi, pccc, tree.hanoi, CellInput(pccc.serious.pk, tree.hongbang.pk, value=0), ""
    )
    nowhere = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, CellInput(pccc.serious.pk, missing, value=0), "")
    assert elsewhere.cell_errors[(pccc.serious.pk, tree.hongbang.pk)] == nowhere.cell_errors[(pccc.serious.pk, missing)]


def test_a_criterion_posted_for_a_unit_at_another_level_names_the_criterion_and_its_level(users, tree, pccc):
    """The province is in scope, so it is not "not found": TC4 is simply not assessed there."""
    bad = CellInput(pccc.serious.pk, tree.hanoi.pk, value=0)
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, bad, "")
    assert error.cell_errors == {
        (pccc.serious.pk, tree.hanoi.pk): ["Tiêu chí TC4 chỉ đánh giá ở cấp xã, không đánh giá ở đơn vị này."]
    }


def test_a_root_outside_the_users_scope_is_rejected(users, tree, pccc):
    with pytest.raises(GridValidationError) as excinfo:
        save(users.officer_hoankiem, pccc, tree.hanoi, [CellInput(pccc.serious.pk, tree.hoankiem.pk, value=0)])
    assert excinfo.value.errors == ["Đơn vị không thuộc phạm vi của bạn."]
    assert not Assessment.objects.exists()


def test_a_sibling_commune_is_outside_a_commune_officers_scope(users, tree, pccc):
    forged = CellInput(pccc.serious.pk, tree.badinh.pk, value=0)
    error = assert_rejected(users.officer_hoankiem, pccc, tree.hoankiem, forged, "")
    assert error.cell_errors[(pccc.serious.pk, tree.badinh.pk)] == [NOT_FOUND]


def test_yes_without_required_evidence_is_rejected_but_no_needs_none(users, tree, pccc):
    bad = CellInput(pccc.villages.pk, tree.soctson.pk, answer="1", evidence="  ")
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, bad, "")
    assert error.cell_errors[(pccc.villages.pk, tree.soctson.pk)] == ["Chọn “Có” phải kèm minh chứng."]
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.villages.pk, tree.soctson.pk, answer="0")])
    assert current(pccc.villages, tree.soctson).answer is False


def test_a_criterion_of_another_set_is_rejected(users, tree, pccc):
    from pccc.models import CriteriaSet

    other = CriteriaSet.objects.create(code="khac", name="Khác")
    foreign = other.criteria.create(code="X", title="X", level=3, comparator="eq_zero", aggregation="sum")
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, CellInput(foreign.pk, tree.badinh.pk, value=0), "")
    assert error.cell_errors[(foreign.pk, tree.badinh.pk)] == ["Tiêu chí không thuộc mô hình này."]


def test_the_database_allows_one_current_row_per_cell(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value=1)])
    row = current(pccc.groups, tree.badinh)
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_the_database_refuses_a_numerator_above_the_denominator(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.households.pk, tree.badinh.pk, value=1, denominator=2)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.update(value=3)


def test_a_full_province_grid_takes_at_most_three_statements_per_criterion(
    pccc, big_province, django_assert_max_num_queries
):
    """126 communes × 5 criteria: bulk writes, not one save per cell; also on a full re-save."""
    from tests.factories import make_user

    officer = make_user("canbo.tinh", unit=big_province, role="Cán bộ")
    officer = type(officer).objects.select_related("unit").get(pk=officer.pk)
    communes = list(big_province.children.all())
    criteria = [pccc.households, pccc.fires, pccc.serious, pccc.villages, pccc.groups]

    def grid(n):
        return [
            CellInput(c.pk, u.pk, value=n, denominator=n + 1000, answer="1", evidence=f"BC {n}")
            for c in criteria
            for u in communes
        ]

    for n in (1, 2):
        with django_assert_max_num_queries(3 * len(criteria)):
            result = save(officer, pccc, big_province, grid(n))
        assert result.changed == 126 * 5
    assert Assessment.objects.current().count() == 126 * 5
    assert Assessment.objects.count() == 126 * 5 * 2


def test_a_concurrent_save_of_the_same_cell_is_refused_not_a_crash(users, tree, pccc, monkeypatch):
    """Two officers read the same current row; the second write hits the unique constraint."""
    from pccc import services

    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value=1)])
    real_write = services._write

    def racing_write(user, criteria_set, root, period, changed, existing):
        # Another officer's save lands between our read and our write.
        real_write(user, criteria_set, root, period, {k: (5, None, None, "") for k in changed}, existing)
        return real_write(user, criteria_set, root, period, changed, {})

    monkeypatch.setattr(services, "_write", racing_write)
    with pytest.raises(GridValidationError) as excinfo:
        save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value=2)])
    assert "vừa được người khác cập nhật" in excinfo.value.errors[0]
    assert current(pccc.groups, tree.badinh).value == 5  # the other officer's value; ours rolled back
    assert Assessment.objects.filter(criterion=pccc.groups, value=2).count() == 0


def test_a_malformed_period_is_refused(users, tree, pccc):
    with pytest.raises(GridValidationError) as excinfo:
        save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.badinh.pk, value=1)], "2026-13")
    assert excinfo.value.errors == ["Kỳ báo cáo không hợp lệ."]


def test_a_group_by_over_current_rows_counts_only_the_latest_values(users, tree, pccc):
    """The contract for the nightly recompute: aggregate ``current()`` rows set-based."""
    from django.db.models import Count, Sum

    cells = [CellInput(pccc.households.pk, u.pk, value=50, denominator=100) for u in (tree.badinh, tree.hoankiem)]
    save(users.officer_hanoi, pccc, tree.hanoi, cells)
    save(
        users.officer_hanoi,
        pccc,
        tree.hanoi,
        [CellInput(pccc.households.pk, tree.badinh.pk, value=90, denominator=100)],
    )

    totals = (
        Assessment.objects.current()
        .filter(period="2026-10", unit__parent=tree.hanoi)
        .values("criterion")
        .annotate(units=Count("unit"), value=Sum("value"), denominator=Sum("denominator"))
        .order_by()
    )
    assert list(totals) == [{"criterion": pccc.households.pk, "units": 2, "value": 140, "denominator": 200}]


def test_a_value_with_a_huge_exponent_is_refused_at_once(users, tree, pccc):
    """The value "1e1000000" once cost 26 s of CPU in int(Decimal(...)): now a regular expression refuses it."""
    started = time.perf_counter()
    error = assert_rejected(
        users.officer_hanoi, pccc, tree.hanoi, CellInput(pccc.groups.pk, tree.soctson.pk, value="1e1000000"), ""
    )
    assert time.perf_counter() - started < 0.5
    assert error.cell_errors[(pccc.groups.pk, tree.soctson.pk)] == ["Không phải là số."]


def test_a_value_beyond_the_columns_range_gets_a_message_not_an_overflow(users, tree, pccc):
    bad = CellInput(pccc.households.pk, tree.badinh.pk, value="5", denominator="9" * 20)
    error = assert_rejected(users.officer_hanoi, pccc, tree.hanoi, bad, "")
    assert error.cell_errors == {(pccc.households.pk, tree.badinh.pk): ["Số quá lớn: tối đa 999.999.999.999.999."]}


def test_the_largest_value_allowed_is_stored(users, tree, pccc):
    save(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.groups.pk, tree.soctson.pk, value=MAX_CELL_VALUE)])
    assert current(pccc.groups, tree.soctson).value == MAX_CELL_VALUE


def test_more_cells_than_the_grid_has_are_refused_whole(users, tree, pccc):
    """Hà Nội's grid has 3 communes × 5 criteria: a sixteenth cell is a forged post."""
    cells = [CellInput(pccc.groups.pk, tree.soctson.pk, value=i) for i in range(16)]
    with pytest.raises(GridTooLarge) as excinfo:
        save(users.officer_hanoi, pccc, tree.hanoi, cells)
    assert excinfo.value.status == 413
    assert excinfo.value.errors == ["Bảng gửi lên có 16 ô, nhiều hơn số ô của bảng (15). Không ô nào được lưu."]
    assert not Assessment.objects.exists() and not AssessmentSubmission.objects.exists()
