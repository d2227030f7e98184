"""Demo indicators of Đề án 06 for Hà Nội and Hải Phòng: assigned targets and twelve months of values.

Called by ``seed_demo`` (after tasks/demo.py, which creates the programme). Idempotent: rows are
found by their natural keys and never written twice.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from pccc.models import FacilityCategory
from pccc.periods import Period
from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from tasks.models import Programme

from .choices import IndicatorKind
from .models import EVERY_PERIOD, Indicator, IndicatorPhase, IndicatorValue, Target
from .selectors import indicators_changed

MONTHS = 12

# code, name, measure, kind, programme-wide target (% or count)
INDICATORS = [
    ("CT01", "Tỷ lệ công dân được cấp căn cước công dân gắn chip", "người", IndicatorKind.RATIO, "98.5"),
    ("CT02", "Tỷ lệ công dân có định danh điện tử mức 2", "người", IndicatorKind.RATIO, "73.6"),
    ("CT03", "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến", "hồ sơ", IndicatorKind.RATIO, "70"),
    ("CT04", "Số dịch vụ công thiết yếu cung cấp trực tuyến toàn trình", "dịch vụ", IndicatorKind.COUNT, "25"),
    ("CT05", "Tỷ lệ dữ liệu hộ tịch được số hoá", "bản ghi", IndicatorKind.RATIO, "100"),
]

# Per province: the base of each ratio, the figure a year ago and now (a rate in % or a count).
# Hải Phòng's chip IDs end at 1.500.000/1.522.843 (98,5%), the example of the issue.
FIGURES = {
    "01": {
        "CT01": (7_520_000, Decimal("91.0"), Decimal("97.2")),
        "CT02": (7_520_000, Decimal("48.0"), Decimal("74.1")),
        "CT03": (412_000, Decimal("52.0"), Decimal("66.4")),
        "CT04": (None, 14, 25),
        "CT05": (9_800_000, Decimal("70.0"), Decimal("100")),
    },
    "31": {
        "CT01": (1_522_843, Decimal("90.5"), None),  # ends at exactly 1.500.000 (below)
        "CT02": (1_522_843, Decimal("44.0"), Decimal("69.8")),
        "CT03": (158_000, Decimal("58.0"), Decimal("71.3")),
        "CT04": (None, 12, 22),
        "CT05": (3_400_000, Decimal("62.0"), Decimal("93.5")),
    },
}
HAIPHONG_CHIP_IDS_NOW = 1_500_000
# Assigned targets overriding the programme's (chỉ tiêu giao): Hà Nội must reach 99% chip IDs.
OVERRIDES = {("01", "CT01"): "99", ("31", "CT04"): "20"}


def _months(today) -> list[Period]:
    months = [Period.month_of(today)]
    while len(months) < MONTHS:
        months.append(months[-1].previous_month())
    return months[::-1]


def _value_at(step: int, start, end, base) -> tuple[int, int | None]:
    """The figure ``step`` months into the year, on a straight line from ``start`` to ``end``."""
    fraction = Decimal(step) / (MONTHS - 1)
    if base is None:
        return int(start + (end - start) * fraction), None
    rate = start + (end - start) * fraction
    return int((rate * base / 100).to_integral_value()), base


def seed_demo(*, stdout) -> None:
    today = timezone.localdate()
    programme = Programme.objects.filter(document_number="06/QĐ-TTg", year=today.year, unit=None).first()
    units = {u.code: u for u in AdministrativeUnit.objects.current().filter(code__in=FIGURES)}
    if programme is None or set(units) != set(FIGURES):
        stdout.write("Chỉ tiêu Đề án 06: bỏ qua dữ liệu mẫu (thiếu đề án hoặc đơn vị Hà Nội/Hải Phòng).")
        return
    people = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["canbo.hanoi", "canbo.haiphong", "quantri"])
    }
    indicators = {}
    for order, (code, name, measure, kind, target) in enumerate(INDICATORS, start=1):
        indicators[code], _ = Indicator.objects.get_or_create(
            programme=programme, code=code,
            defaults={"name": name, "measure": measure, "kind": kind, "order": order},
        )  # fmt: skip
        Target.objects.get_or_create(
            indicator=indicators[code], unit=None, period=EVERY_PERIOD,
            defaults={"value": Decimal(target), "set_by": people.get("quantri")},
        )  # fmt: skip
    for (unit_code, code), value in OVERRIDES.items():
        Target.objects.get_or_create(
            indicator=indicators[code], unit=units[unit_code], period=EVERY_PERIOD,
            defaults={"value": Decimal(value), "set_by": people.get("quantri")},
        )  # fmt: skip
    created = 0
    months = _months(today)
    for unit_code, figures in FIGURES.items():
        officer = people.get("canbo.hanoi" if unit_code == "01" else "canbo.haiphong")
        for code, (base, start, end) in figures.items():
            for step, period in enumerate(months):
                if end is None:  # Hải Phòng's chip IDs: the 1.500.000/1.522.843 in the last month
                    last = Decimal(HAIPHONG_CHIP_IDS_NOW) * 100 / base
                    numerator, denominator = _value_at(step, start, last, base)
                    numerator = HAIPHONG_CHIP_IDS_NOW if step == MONTHS - 1 else numerator
                else:
                    numerator, denominator = _value_at(step, start, end, base)
                _, was_created = IndicatorValue.objects.get_or_create(
                    indicator=indicators[code], unit=units[unit_code], period=period.key,
                    defaults={"numerator": numerator, "denominator": denominator, "entered_by": officer},
                )  # fmt: skip
                created += was_created
    stdout.write(f"Chỉ tiêu Đề án 06: {len(indicators)} chỉ tiêu, {created} số liệu tháng mới cho Hà Nội và Hải Phòng.")
    seed_fire_warning_rollout(stdout=stdout)
    indicators_changed()


# The phased fire-warning rollout: (number, title, start month/day offset in years, end, target per ward, categories)
ROLLOUT_PHASES = [
    (1, "Chung cư mini, nhà trọ", (0, 1, 1), (0, 6, 30), 40, ["chung-cu-mini", "nha-tro"]),
    (2, "Nhà ở kết hợp sản xuất, kinh doanh", (0, 7, 1), (0, 12, 31), 80, ["nha-o-kinh-doanh"]),
    (3, "Cơ sở thuộc diện quản lý về PCCC", (1, 1, 1), (1, 12, 31), 120, ["co-so-quan-ly"]),
]
PILOT_WARDS = 4


def seed_fire_warning_rollout(*, stdout) -> None:
    """A Hà Nội plan: fire-warning devices installed by facility type, in phases, piloted in a few wards."""
    today = timezone.localdate()
    hanoi = AdministrativeUnit.objects.current().filter(code="01").first()
    if hanoi is None:
        return
    wards = list(
        AdministrativeUnit.objects.current().filter(parent=hanoi, kind=UnitKind.PHUONG).order_by("code")[:PILOT_WARDS]
    )
    programme, _ = Programme.objects.get_or_create(
        document_number="DEMO/KH-UBND-PCCC", year=today.year, unit=hanoi,
        defaults={
            "name": f"Kế hoạch lắp đặt thiết bị cảnh báo cháy sớm năm {today.year}",
            "issuing_body": "UBND thành phố Hà Nội",
            "start_date": date(today.year, 1, 1), "end_date": date(today.year + 1, 12, 31),
        },
    )  # fmt: skip
    indicator, created = Indicator.objects.get_or_create(
        programme=programme, code="PCCC01",
        defaults={
            "name": "Số cơ sở lắp thiết bị cảnh báo cháy sớm kết nối Cảnh sát PCCC", "measure": "cơ sở",
            "kind": IndicatorKind.COUNT, "level": UnitLevel.COMMUNE,
        },
    )  # fmt: skip
    if created:
        indicator.pilot_units.set(wards)
    for number, title, (start_year, start_month, start_day), (
        end_year,
        end_month,
        end_day,
    ), target, codes in ROLLOUT_PHASES:
        phase, _ = IndicatorPhase.objects.get_or_create(
            indicator=indicator, number=number,
            defaults={
                "title": title, "target": Decimal(target),
                "starts_on": date(today.year + start_year, start_month, start_day),
                "deadline": date(today.year + end_year, end_month, end_day),
            },
        )  # fmt: skip
        phase.facility_categories.set(
            [FacilityCategory.objects.get_or_create(code=code, defaults={"name": title})[0] for code in codes]
        )
    officer = get_user_model().objects.filter(username="canbo.hanoi").first()
    created_values = 0
    for i, ward in enumerate(wards):
        for step, period in enumerate(_months(today)):
            _, was_created = IndicatorValue.objects.get_or_create(
                indicator=indicator, unit=ward, period=period.key,
                defaults={"numerator": 6 * (step + 1) + 3 * i, "entered_by": officer},
            )  # fmt: skip
            created_values += was_created
    stdout.write(f"Chỉ tiêu PCCC thí điểm: {len(wards)} phường của Hà Nội, {created_values} số liệu tháng mới.")
