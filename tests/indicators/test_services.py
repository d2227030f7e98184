"""Entering values and assigning targets: Vietnamese messages on the field, nothing saved on any error."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators.models import IndicatorValue, Target
from indicators.services import IndicatorInputError, TargetInput, ValueInput, indicator_values_save, targets_save

TODAY = datetime.date(2026, 12, 4)


def save(user, programme, unit, *entries, period="2026-11"):
    return indicator_values_save(
        actor=user, programme=programme, unit=unit, period=period, entries=list(entries), today=TODAY
    )


def test_a_rate_with_its_base_population_is_stored_as_the_people_it_stands_for(users, tree, programme, chip_ids):
    save(users.officer_hanoi, programme, tree.hanoi, ValueInput(chip_ids.pk, percent=Decimal("73.6"), base=1_500_000))
    value = IndicatorValue.objects.get()
    assert (value.numerator, value.denominator, value.entered_percent) == (1_104_000, 1_500_000, Decimal("73.6"))
    assert value.entered_by == users.officer_hanoi


def test_a_percentage_above_100_is_refused_on_its_field(users, tree, programme, chip_ids):
    with pytest.raises(IndicatorInputError) as error:
        save(users.officer_hanoi, programme, tree.hanoi, ValueInput(chip_ids.pk, percent=Decimal("100.5"), base=10))
    assert error.value.field_errors == {chip_ids.pk: {"percent": "Tỷ lệ không được lớn hơn 100%."}}
    assert not IndicatorValue.objects.exists()


def test_a_numerator_above_its_denominator_is_refused(users, tree, programme, chip_ids):
    with pytest.raises(IndicatorInputError) as error:
        save(
            users.officer_hanoi,
            programme,
            tree.hanoi,
            ValueInput(chip_ids.pk, numerator=1_600_000, denominator=1_500_000),
        )
    assert error.value.field_errors[chip_ids.pk] == {"numerator": "Tử số không được lớn hơn mẫu số (1.500.000)."}


def test_one_bad_entry_saves_nothing_of_the_others(users, tree, programme, chip_ids, security_models):
    with pytest.raises(IndicatorInputError) as error:
        save(
            users.officer_hanoi, programme, tree.hanoi,
            ValueInput(chip_ids.pk, numerator=9, denominator=10),
            ValueInput(security_models.pk, numerator=-1),
        )  # fmt: skip
    assert error.value.field_errors == {security_models.pk: {"numerator": "Không được là số âm."}}
    assert not IndicatorValue.objects.exists()


def test_a_correction_overwrites_the_figure(users, tree, programme, security_models):
    save(users.officer_hanoi, programme, tree.hanoi, ValueInput(security_models.pk, numerator=3800, paired=90_000))
    save(users.officer_hanoi, programme, tree.hanoi, ValueInput(security_models.pk, numerator=3897, paired=98_268))
    value = IndicatorValue.objects.get()
    assert (value.numerator, value.paired_value) == (3897, 98_268)
    assert value.history.count() == 2


def test_an_officer_cannot_report_for_another_province(users, tree, programme, security_models):
    with pytest.raises(PermissionDenied):
        save(users.officer_hanoi, programme, tree.haiphong, ValueInput(security_models.pk, numerator=1))


def test_a_leader_only_reads(users, tree, programme, security_models):
    with pytest.raises(PermissionDenied):
        save(users.leader_hanoi, programme, tree.hanoi, ValueInput(security_models.pk, numerator=1))


def test_a_future_period_is_refused(users, tree, programme, security_models):
    with pytest.raises(IndicatorInputError):
        save(users.officer_hanoi, programme, tree.hanoi, ValueInput(security_models.pk, numerator=1), period="2027-01")


def test_a_target_for_a_unit_outside_the_programme_is_refused(users, tree, programme, chip_ids):
    programme.unit = tree.hanoi
    programme.save()
    with pytest.raises(IndicatorInputError) as error:
        targets_save(
            actor=users.admin, programme=programme, period="",
            cells=[TargetInput(chip_ids.pk, tree.hoankiem.pk, Decimal("98.5")),
                   TargetInput(chip_ids.pk, tree.hongbang.pk, Decimal("98.5"))],
        )  # fmt: skip
    assert error.value.field_errors == {
        (chip_ids.pk, tree.hongbang.pk): "Phường Hồng Bàng nằm ngoài phạm vi của đề án."
    }
    assert not Target.objects.exists()


def test_a_ratio_target_above_100_is_refused(users, tree, programme, chip_ids):
    with pytest.raises(IndicatorInputError) as error:
        targets_save(actor=users.coordinator_hanoi, programme=programme, period="2026-11",
                     cells=[TargetInput(chip_ids.pk, tree.hanoi.pk, Decimal("101"))])  # fmt: skip
    assert error.value.field_errors == {(chip_ids.pk, tree.hanoi.pk): "Tỷ lệ không được lớn hơn 100%."}


def test_a_coordinator_assigns_overrides_and_removes_targets_in_their_province(users, tree, programme, chip_ids):
    cells = [
        TargetInput(chip_ids.pk, tree.hanoi.pk, Decimal("98.5")),
        TargetInput(chip_ids.pk, tree.badinh.pk, Decimal("99")),
    ]
    assert targets_save(actor=users.coordinator_hanoi, programme=programme, period="2026-11", cells=cells) == 2
    cells = [TargetInput(chip_ids.pk, tree.hanoi.pk, Decimal("98.5")), TargetInput(chip_ids.pk, tree.badinh.pk, None)]
    assert targets_save(actor=users.coordinator_hanoi, programme=programme, period="2026-11", cells=cells) == 1
    assert list(Target.objects.values_list("unit__code", "period", "value")) == [("01", "2026-11", Decimal("98.50"))]


def test_only_a_national_user_sets_the_whole_programme_target(users, programme, chip_ids):
    with pytest.raises(IndicatorInputError):
        targets_save(actor=users.coordinator_hanoi, programme=programme, period="",
                     cells=[TargetInput(chip_ids.pk, None, Decimal("98.5"))])  # fmt: skip


def test_an_officer_cannot_assign_targets(users, tree, programme, chip_ids):
    with pytest.raises(PermissionDenied):
        targets_save(actor=users.officer_hanoi, programme=programme, period="",
                     cells=[TargetInput(chip_ids.pk, tree.hanoi.pk, Decimal("98.5"))])  # fmt: skip
