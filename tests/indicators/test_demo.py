import datetime
import io

from django.utils import timezone

from indicators import demo
from indicators.models import Indicator, IndicatorValue, Target
from indicators.selectors import indicator_board
from tasks.models import Programme


def test_the_demo_adds_five_indicators_with_targets_and_twelve_months_once(tree):
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="TTg", year=today.year,
        start_date=datetime.date(today.year, 1, 1), end_date=datetime.date(today.year, 12, 31),
    )  # fmt: skip
    demo.seed_demo(stdout=io.StringIO())
    demo.seed_demo(stdout=io.StringIO())
    assert Indicator.objects.filter(programme=programme).count() == 5
    assert IndicatorValue.objects.filter(indicator__programme=programme).count() == 5 * 2 * 12
    assert Target.objects.filter(indicator__programme=programme).count() == 5 + 2
    board = indicator_board(programme=programme, unit=tree.haiphong)
    chip = next(f for f in board.figures if f.indicator.code == "CT01")
    assert (chip.amount.numerator, chip.amount.denominator) == (1_500_000, 1_522_843)
    assert str(chip.amount.rate) == "98.50"


def test_the_demo_says_why_it_skips_without_the_programme(tree):
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    assert "bỏ qua" in out.getvalue() and not Indicator.objects.exists()


def test_the_demo_adds_a_phased_fire_warning_rollout_piloted_in_a_few_hanoi_wards(tree):
    today = timezone.localdate()
    Programme.objects.create(
        name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="TTg", year=today.year,
        start_date=datetime.date(today.year, 1, 1), end_date=datetime.date(today.year, 12, 31),
    )  # fmt: skip
    demo.seed_demo(stdout=io.StringIO())
    demo.seed_demo(stdout=io.StringIO())
    rollout = Indicator.objects.get(code="PCCC01")
    assert rollout.programme.unit == tree.hanoi
    assert sorted(rollout.pilot_units.values_list("code", flat=True)) == ["00004", "00070"]  # the wards of the tree
    assert list(rollout.phases.values_list("number", flat=True)) == [1, 2, 3]
    board = indicator_board(programme=rollout.programme, unit=tree.hanoi)
    hanoi = board.figures[0]
    assert hanoi.phase.number == 2 if today.month >= 7 else 1
    # Two pilot wards at the latest month (step 11): 6 × 12 + 0 and 6 × 12 + 3.
    assert hanoi.amount.numerator == 72 + 75
    assert hanoi.target == 2 * (80 if today.month >= 7 else 40)
