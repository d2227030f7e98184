"""Rolled-up figures, targets, gaps and trends, each checked against figures computed by hand."""

from decimal import Decimal

from indicators.selectors import indicator_board
from pccc.periods import Period

NOV = Period.parse("2026-11")


def figure(board, indicator):
    return next(f for f in board.figures if f.indicator == indicator)


def child_figure(board, code, indicator):
    row = next(r for r in board.rows if r.unit["code"] == code)
    return next(f for f in row.figures if f.indicator == indicator)


def test_the_gap_of_a_ratio_is_the_people_still_missing(tree, programme, chip_ids, put_value, put_target):
    put_value(chip_ids, tree.hanoi, "2026-11", 1_500_000, 1_522_843)
    put_target(chip_ids, None, "100")
    result = figure(indicator_board(programme=programme, unit=tree.hanoi, period=NOV), chip_ids)
    # 1.522.843 − 1.500.000 = 22.843 people; 98,50% shown.
    assert result.amount.rate == Decimal("98.50")
    assert (result.judgement.met, result.judgement.gap) == (False, 22_843)


def test_a_ratio_rolls_up_as_the_ratio_of_sums_and_so_does_its_target(tree, programme, chip_ids, put_value, put_target):
    put_value(chip_ids, tree.hanoi, "2026-11", 900, 1000)
    put_value(chip_ids, tree.haiphong, "2026-11", 450, 500)
    put_target(chip_ids, None, "98.5")
    put_target(chip_ids, tree.haiphong, "80")
    result = figure(indicator_board(programme=programme, unit=None, period=NOV), chip_ids)
    # (900 + 450) / (1000 + 500) = 90%, not the mean of 90% and 90%... nor of the targets:
    # (98,5 × 1000 + 80 × 500) / 1500 = 92,33%; 92,33% × 1500 = 1384,95 → 1385 − 1350 = 35 missing.
    assert result.amount.rate == Decimal("90.00")
    assert result.target == Decimal("92.33")
    assert (result.judgement.met, result.judgement.gap) == (False, 35)


def test_a_province_meets_its_own_target_while_the_country_does_not(tree, programme, chip_ids, put_value, put_target):
    put_value(chip_ids, tree.hanoi, "2026-11", 900, 1000)
    put_value(chip_ids, tree.haiphong, "2026-11", 450, 500)
    put_target(chip_ids, None, "98.5")
    put_target(chip_ids, tree.haiphong, "80")
    board = indicator_board(programme=programme, unit=None, period=NOV)
    haiphong = child_figure(board, "31", chip_ids)
    assert (haiphong.target, haiphong.judgement.met, haiphong.judgement.gap) == (Decimal("80"), True, 0)
    hanoi = child_figure(board, "01", chip_ids)
    assert (hanoi.target, hanoi.judgement.met, hanoi.judgement.gap) == (Decimal("98.5"), False, 85)


def test_a_province_total_is_not_added_to_its_partial_commune_breakdown(tree, programme, security_models, put_value):
    put_value(security_models, tree.hanoi, "2026-11", 3897, paired=98_268)
    put_value(security_models, tree.hoankiem, "2026-11", 1000, paired=20_000)
    put_value(security_models, tree.badinh, "2026-11", 500)
    put_value(security_models, tree.hongbang, "2026-11", 200)
    hanoi = figure(indicator_board(programme=programme, unit=tree.hanoi, period=NOV), security_models)
    assert (hanoi.amount.numerator, hanoi.amount.paired) == (3897, 98_268)
    assert hanoi.unattributed == 3897 - 1000 - 500
    national = figure(indicator_board(programme=programme, unit=None, period=NOV), security_models)
    # Hải Phòng reported no total: its commune's 200 is its figure.
    assert national.amount.numerator == 3897 + 200


def test_count_targets_add_up_and_the_most_specific_wins(tree, programme, security_models, put_value, put_target):
    put_target(security_models, None, "25")
    put_target(security_models, tree.hanoi, "3000")
    put_target(security_models, tree.hanoi, "4000", period="2026-11")
    put_value(security_models, tree.hanoi, "2026-11", 3897)
    national = indicator_board(programme=programme, unit=None, period=NOV)
    assert figure(national, security_models).target == Decimal("4025")  # Hà Nội 4.000 + Hải Phòng 25
    assert child_figure(national, "01", security_models).judgement.gap == 103
    october = indicator_board(programme=programme, unit=None, period=Period.parse("2026-10"))
    assert october.period.key == "2026-10"
    assert figure(october, security_models).target == Decimal("3025")


def test_a_commune_below_a_province_level_count_has_no_target(tree, programme, security_models, put_value, put_target):
    put_target(security_models, None, "25")
    put_value(security_models, tree.hoankiem, "2026-11", 10)
    result = figure(indicator_board(programme=programme, unit=tree.hoankiem, period=NOV), security_models)
    assert result.target is None and result.judgement.met is None


def test_the_trend_is_the_change_since_the_previous_period(tree, programme, chip_ids, security_models, put_value):
    put_value(chip_ids, tree.hanoi, "2026-10", 880, 1000)
    put_value(chip_ids, tree.hanoi, "2026-11", 900, 1000)
    put_value(security_models, tree.hanoi, "2026-10", 3800)
    put_value(security_models, tree.hanoi, "2026-11", 3897)
    board = indicator_board(programme=programme, unit=tree.hanoi)
    assert board.period == NOV  # the latest reported period by default
    assert figure(board, chip_ids).change == Decimal("2.00")  # 88,00% → 90,00%
    assert figure(board, security_models).change == Decimal("97")


def test_a_cap_is_met_at_or_below_it(tree, programme, security_models, put_value, put_target):
    security_models.higher_is_better = False
    security_models.save()
    put_target(security_models, None, "5")
    put_value(security_models, tree.hanoi, "2026-11", 7)
    put_value(security_models, tree.haiphong, "2026-11", 5)
    board = indicator_board(programme=programme, unit=None, period=NOV)
    assert child_figure(board, "01", security_models).judgement.gap == 2
    assert child_figure(board, "31", security_models).judgement.met is True


def test_the_board_runs_a_fixed_number_of_queries(
    tree, programme, chip_ids, security_models, put_value, django_assert_num_queries
):
    for unit in (tree.hanoi, tree.haiphong, tree.hoankiem, tree.badinh):
        put_value(chip_ids, unit, "2026-11", 1, 2)
        put_value(security_models, unit, "2026-11", 3)
    with django_assert_num_queries(7):  # indicators, their phases, their pilot units, period, values, targets, units
        indicator_board(programme=programme, unit=None)
