"""Phases (not judged before their start, their own target) and pilot units (denominators count only them)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import IndicatorPhase
from indicators.selectors import indicator_board
from pccc.periods import Period
from provinces.choices import UnitLevel


def figure(board, indicator):
    return next(f for f in board.figures if f.indicator == indicator)


def phase(indicator, number, start, end, target):
    return IndicatorPhase.objects.create(
        indicator=indicator, number=number, title=f"Giai đoạn {number}", starts_on=start, deadline=end,
        target=Decimal(target),
    )  # fmt: skip


def test_a_period_before_the_first_phase_is_not_judged(tree, programme, chip_ids, put_value, put_target):
    put_target(chip_ids, None, "50")
    phase(chip_ids, 1, datetime.date(2027, 1, 1), datetime.date(2027, 6, 30), "60")
    put_value(chip_ids, tree.hanoi, "2026-11", 1, 100)
    result = figure(indicator_board(programme=programme, unit=tree.hanoi, period=Period.parse("2026-11")), chip_ids)
    assert result.target is None and result.judgement.met is None
    assert result.phase_not_started.number == 1


def test_the_phase_in_force_gives_the_default_target_and_a_unit_target_still_wins(
    tree, programme, chip_ids, put_value, put_target
):
    phase(chip_ids, 1, datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), "50")
    phase(chip_ids, 2, datetime.date(2026, 7, 1), datetime.date(2026, 12, 31), "80")
    put_target(chip_ids, tree.haiphong, "90")
    for period in ("2026-05", "2026-11"):
        put_value(chip_ids, tree.hanoi, period, 60, 100)
        put_value(chip_ids, tree.haiphong, period, 60, 100)
    may = indicator_board(programme=programme, unit=tree.hanoi, period=Period.parse("2026-05"))
    assert (figure(may, chip_ids).target, figure(may, chip_ids).judgement.met) == (Decimal("50"), True)
    november = indicator_board(programme=programme, unit=tree.hanoi, period=Period.parse("2026-11"))
    assert (figure(november, chip_ids).target, figure(november, chip_ids).judgement.gap) == (Decimal("80"), 20)
    haiphong = indicator_board(programme=programme, unit=tree.haiphong, period=Period.parse("2026-05"))
    assert figure(haiphong, chip_ids).target == Decimal("90")


def test_an_overlapping_phase_is_refused_on_its_start(programme, chip_ids):
    phase(chip_ids, 1, datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), "50")
    overlapping = IndicatorPhase(
        indicator=chip_ids, number=2, title="Giai đoạn 2", starts_on=datetime.date(2026, 6, 1),
        deadline=datetime.date(2026, 12, 31), target=Decimal("80"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert error.value.message_dict["starts_on"] == ["Trùng thời gian với giai đoạn 1 (01/01/2026 – 30/06/2026)."]


def test_with_pilot_units_every_sum_and_denominator_counts_only_them(tree, programme, chip_ids, put_value, put_target):
    chip_ids.level = UnitLevel.COMMUNE
    chip_ids.save()
    chip_ids.pilot_units.set([tree.hoankiem, tree.badinh])
    put_target(chip_ids, None, "80")
    put_value(chip_ids, tree.hoankiem, "2026-11", 90, 100)
    put_value(chip_ids, tree.badinh, "2026-11", 40, 50)
    put_value(chip_ids, tree.soctson, "2026-11", 10, 100)  # not a pilot: left out
    board = indicator_board(programme=programme, unit=tree.hanoi, period=Period.parse("2026-11"))
    hanoi = figure(board, chip_ids)
    # (90 + 40) / (100 + 50) = 86,67%, not (90 + 40 + 10) / 250 = 56%.
    assert (hanoi.amount.numerator, hanoi.amount.denominator, hanoi.amount.rate) == (130, 150, Decimal("86.67"))
    assert (hanoi.target, hanoi.judgement.met) == (Decimal("80.00"), True)
    soctson = next(r for r in board.rows if r.unit["code"] == "08974").figures[0]
    assert soctson.outside_pilot and soctson.target is None and not soctson.amount.reported


def test_the_unit_page_says_a_phase_has_not_started(client, users, tree, programme, chip_ids, put_value):
    phase(chip_ids, 1, datetime.date(2027, 1, 1), datetime.date(2027, 6, 30), "60")
    put_value(chip_ids, tree.hanoi, "2026-11", 1, 100)
    client.force_login(users.leader_hanoi)
    html = client.get(f"/chi-tieu/{programme.pk}/01/?ky=2026-11").content.decode()
    assert "Chưa đến giai đoạn 1 (từ 01/01/2027)" in html


def test_the_admin_adds_a_phase_and_pilot_units(client, users, programme, chip_ids):
    client.force_login(users.admin)
    assert client.get(f"/admin/indicators/indicator/{chip_ids.pk}/change/").status_code == 200
