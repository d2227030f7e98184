"""Demo data: the "Tỉnh an toàn PCCC" model and 12 months of values for Hà Nội and Hải Phòng
(the fire ratio TC3 is yearly: one value per commune and year, the fires of the year's months).

Deterministic (seeded random) and idempotent: criteria are upserted by code, values are
only added for a province that has none yet. Values are bulk-inserted (~23,000 rows).
"""

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from provinces.choices import UnitLevel
from provinces.models import AdministrativeUnit

from .choices import Aggregation, Comparator, PeriodKind
from .models import Assessment, AssessmentSubmission, CriteriaSet, Criterion, CriterionPhase, FacilityCategory
from .periods import Period, key_of_kind

SET_CODE = "tinh-an-toan-pccc"
PROVINCES = {"01": "canbo.hanoi", "31": "canbo.haiphong"}
MONTHS = 12

# code, title, short title, measure, numerator label, denominator label, comparator, target, aggregation, extra
CRITERIA = [
    ("TC1", "Hộ gia đình được kiểm tra, hướng dẫn, tự trang bị bình chữa cháy và bảo đảm an toàn điện",
     "Hộ được kiểm tra, tự trang bị", "hộ", "Hộ đã kiểm tra", "Tổng số hộ",
     Comparator.AT_LEAST_PERCENT, "100", Aggregation.RATIO, {}),
    ("TC2", "Cơ sở thuộc diện quản lý về PCCC có phương án chữa cháy",
     "Cơ sở có phương án chữa cháy", "cơ sở", "Cơ sở có phương án", "Cơ sở thuộc diện QL",
     Comparator.AT_LEAST_PERCENT, "100", Aggregation.RATIO, {}),
    ("TC3", "Số vụ cháy trong năm không vượt quá 0,01% tổng số cơ sở và hộ gia đình",
     "Vụ cháy ≤ 0,01% (cơ sở + hộ)", "vụ", "Số vụ cháy", "Tổng cơ sở + hộ",
     Comparator.AT_MOST_PERCENT, "0.01", Aggregation.RATIO, {"period_kind": PeriodKind.YEAR}),
    ("TC4", "Không để xảy ra cháy đặc biệt nghiêm trọng",
     "Cháy đặc biệt nghiêm trọng", "vụ", "Số vụ", "",
     Comparator.EQUALS_ZERO, None, Aggregation.SUM, {}),
    ("TC5", "100% thôn, tổ dân phố có tổ liên gia an toàn PCCC và điểm chữa cháy công cộng",
     "Mọi thôn có tổ liên gia và điểm CCCC", "", "", "",
     Comparator.YES_NO, None, Aggregation.SHARE_PASSING, {"requires_evidence": True}),
    ("CS1", "Số tổ liên gia an toàn PCCC", "Tổ liên gia an toàn PCCC", "tổ", "Số tổ", "",
     Comparator.COUNT_AT_LEAST, "1", Aggregation.SUM, {"counts_toward_pass": False}),
    ("CS2", "Số điểm chữa cháy công cộng", "Điểm chữa cháy công cộng", "điểm", "Số điểm", "",
     Comparator.COUNT_AT_LEAST, "1", Aggregation.SUM, {"counts_toward_pass": False}),
    ("CS3", "Số tổ PCCC lưu động", "Tổ PCCC lưu động", "tổ", "Số tổ", "",
     Comparator.COUNT_AT_LEAST, "1", Aggregation.SUM, {"counts_toward_pass": False}),
]  # fmt: skip

FACILITY_CATEGORIES = {
    "chung-cu-mini": "Chung cư mini",
    "nha-tro": "Nhà trọ, nhà cho thuê",
    "nha-o-kinh-doanh": "Nhà ở kết hợp sản xuất, kinh doanh",
    "co-so-quan-ly": "Cơ sở thuộc diện quản lý về PCCC",
}
# criterion, number, title, deadline, facility categories
PHASES = [
    ("TC2", 1, "Phương án chữa cháy, phương án báo cháy, phương án thoát nạn và cứu hộ", date(2026, 6, 30),
     ["chung-cu-mini", "nha-tro", "nha-o-kinh-doanh"]),
    ("TC2", 2, "Phương án chữa cháy, báo cháy, thoát nạn và cứu hộ cho cơ sở thuộc diện quản lý", date(2026, 12, 31),
     ["co-so-quan-ly"]),
]  # fmt: skip


def seed_criteria() -> CriteriaSet:
    """Create or update the model, its criteria and phases by code."""
    criteria_set, _ = CriteriaSet.objects.update_or_create(
        code=SET_CODE,
        defaults={
            "name": "Tỉnh an toàn PCCC",
            "document_number": "64/KH-UBND",
            "issuing_body": "Ủy ban nhân dân tỉnh",
            "starts_on": date(2024, 1, 1),
            "description": "Kế hoạch xây dựng mô hình “Tỉnh an toàn phòng cháy, chữa cháy” (5 tiêu chí).",
        },
    )
    for order, (code, title, short, measure, num, den, comparator, target, aggregation, extra) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            code=code,
            defaults={
                "title": title,
                "short_title": short,
                "measure": measure,
                "numerator_label": num,
                "denominator_label": den,
                "comparator": comparator,
                "target": Decimal(target) if target else None,
                "aggregation": aggregation,
                "level": UnitLevel.COMMUNE,
                "order": order + 1,
                **extra,
            },
        )
    categories = {
        code: FacilityCategory.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in FACILITY_CATEGORIES.items()
    }
    for criterion_code, number, title, deadline, category_codes in PHASES:
        phase, _ = CriterionPhase.objects.update_or_create(
            criterion=criteria_set.criteria.get(code=criterion_code),
            number=number,
            defaults={"title": title, "deadline": deadline},
        )
        phase.facility_categories.set([categories[c] for c in category_codes])
    return criteria_set


def demo_months(today: date) -> list[Period]:
    """The last twelve complete months, oldest first."""
    months = [Period.month_of(today).previous_month()]
    while len(months) < MONTHS:
        months.append(months[-1].previous_month())
    return months[::-1]


def _commune_profile(rng: random.Random) -> dict:
    households = rng.randint(2500, 16000)
    villages = rng.randint(6, 30)
    return {
        "households": households,
        "establishments": rng.randint(40, 700),
        "households_start": rng.uniform(0.6, 0.85),
        "households_end": 1.0 if rng.random() < 0.5 else rng.uniform(0.88, 0.995),
        "plans_start": rng.uniform(0.5, 0.8),
        "plans_end": 1.0 if rng.random() < 0.7 else rng.uniform(0.85, 0.99),
        "villages": villages,
        "villages_ready_month": rng.choice([0, 2, 4, 6, 8, 10, 12, 14]),
        "fire_points": rng.randint(2, 15),
        "mobile_teams": rng.randint(0, 3),
    }


def _month_values(profile: dict, month: int, rng: random.Random, criteria: dict) -> list[tuple]:
    """(criterion, value, denominator, answer, evidence) for one commune and one month."""
    progress = month / (MONTHS - 1)
    households = profile["households"]
    establishments = profile["establishments"]
    inspected = round(
        households
        * (profile["households_start"] + (profile["households_end"] - profile["households_start"]) * progress)
    )
    plans = round(
        establishments * (profile["plans_start"] + (profile["plans_end"] - profile["plans_start"]) * progress)
    )
    # Fires of the month; the demo enters them as a yearly total when TC3 is yearly (``seed_values``).
    fires = rng.choices([0, 1, 2], weights=[94, 5, 1])[0]
    serious = 1 if rng.random() < 0.004 else 0
    ready = month >= profile["villages_ready_month"]
    groups = round(profile["villages"] * (0.7 + 0.3 * progress)) + (2 if ready else 0)
    return [
        (criteria["TC1"], inspected, households, None, ""),
        (criteria["TC2"], plans, establishments, None, ""),
        (criteria["TC3"], fires, households + establishments, None, ""),
        (criteria["TC4"], serious, None, None, ""),
        (criteria["TC5"], None, None, ready, f"Báo cáo số {rng.randint(10, 250)}/BC-UBND" if ready else ""),
        (criteria["CS1"], groups, None, None, ""),
        (criteria["CS2"], profile["fire_points"] + (1 if ready else 0), None, None, ""),
        (criteria["CS3"], profile["mobile_teams"], None, None, ""),
    ]  # fmt: skip


def seed_values(criteria_set: CriteriaSet, province: AdministrativeUnit, author, months: list[Period]) -> int:
    """Bulk-insert twelve months of values for every commune of ``province``; returns rows written."""
    tree = AdministrativeUnit.objects.legacy() if province.is_legacy else AdministrativeUnit.objects.current()
    criteria = {c.code: c for c in criteria_set.criteria.all()}
    communes = list(tree.descendants_of(province).filter(level=UnitLevel.COMMUNE).order_by("code"))
    rng = random.Random(f"pccc-demo-{province.path}")
    profiles = {unit.pk: _commune_profile(rng) for unit in communes}
    rows = []
    # A criterion entered by year (TC3, fires in the year): the monthly figures add up into one
    # value per commune and year, entered with the year's last month of the demo.
    yearly: dict[tuple, list] = {}
    for index, period in enumerate(months):
        # The profile moves from its start to its end over the months given, however many.
        step = index * (MONTHS - 1) // max(len(months) - 1, 1)
        submission = AssessmentSubmission.objects.create(
            criteria_set=criteria_set,
            unit=province,
            period=period.key,
            entered_by=author,
            entered_at=timezone.make_aware(datetime.combine(period.start, time(9))),
            cells_changed=len(communes) * len(criteria),
        )
        for unit in communes:
            for criterion, value, denominator, answer, evidence in _month_values(
                profiles[unit.pk], step, rng, criteria
            ):
                if criterion.period_kind != PeriodKind.MONTH:
                    key = (criterion, unit, Period.containing(period.start, criterion.period_kind).key)
                    total = yearly.setdefault(key, [submission, 0, denominator])
                    total[0], total[1] = submission, total[1] + value
                    continue
                rows.append(
                    Assessment(
                        submission=submission,
                        criterion=criterion,
                        unit=unit,
                        period=period.key,
                        value=value,
                        denominator=denominator,
                        answer=answer,
                        evidence=evidence,
                    )
                )
    rows += [
        Assessment(
            submission=submission,
            criterion=criterion,
            unit=unit,
            period=key,
            value=value,
            denominator=denominator,
        )
        for (criterion, unit, key), (submission, value, denominator) in yearly.items()
    ]
    Assessment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_demo(*, stdout) -> None:
    """Called by ``manage.py seed_demo`` after the units are loaded. Idempotent."""
    criteria_set = seed_criteria()
    months = demo_months(timezone.localdate())
    users = {u.username: u for u in get_user_model().objects.filter(username__in=PROVINCES.values())}
    _seed_legacy_values(criteria_set, users=get_user_model().objects.filter(username="quantri").first(), stdout=stdout)
    for code, username in PROVINCES.items():
        province = AdministrativeUnit.objects.current().filter(code=code, level=UnitLevel.PROVINCE).first()
        if province is None:
            stdout.write(f"PCCC: chưa có đơn vị mã {code}, bỏ qua (chạy load_units trước).")
            continue
        if Assessment.objects.filter(
            criterion__criteria_set=criteria_set, unit__path__startswith=province.path
        ).exists():
            _yearly_from_monthly(criteria_set, province, users.get(username), stdout=stdout)
            continue
        written = seed_values(criteria_set, province, users.get(username), months)
        stdout.write(f"PCCC: {province.name}: {written} số liệu mẫu ({months[0].label} – {months[-1].label}).")


def _yearly_from_monthly(criteria_set: CriteriaSet, province: AdministrativeUnit, author, *, stdout) -> None:
    """A demo seeded before TC3 became yearly holds its fires month by month: add the yearly values
    (fires of the months summed, the largest denominator) once, so that its communes are judged on
    TC3 again. Idempotent: nothing when the criterion already has values of its own kind there."""
    for criterion in criteria_set.criteria.exclude(period_kind=PeriodKind.MONTH):
        values = Assessment.objects.current().filter(criterion=criterion, unit__path__startswith=province.path)
        if values.filter(key_of_kind(criterion.period_kind)).exists():
            continue
        totals = {}
        for unit_id, key, value, denominator in values.filter(key_of_kind(PeriodKind.MONTH)).values_list(
            "unit_id", "period", "value", "denominator"
        ):
            period = Period.containing(Period.parse(key).start, criterion.period_kind).key
            total = totals.setdefault((unit_id, period), [0, 0])
            total[0] += value or 0
            total[1] = max(total[1], denominator or 0)
        submissions = {}
        for _unit_id, period in totals:
            if period not in submissions:
                submissions[period] = AssessmentSubmission.objects.create(
                    criteria_set=criteria_set, unit=province, period=period, entered_by=author, cells_changed=0
                )
        Assessment.objects.bulk_create(
            Assessment(
                submission=submissions[period],
                criterion=criterion,
                unit_id=unit_id,
                period=period,
                value=min(value, denominator),
                denominator=denominator,
            )
            for (unit_id, period), (value, denominator) in totals.items()
        )
        if totals:
            kind = criterion.get_period_kind_display().lower()
            stdout.write(f"PCCC: {province.name}: {criterion.code} theo kỳ {kind}: {len(totals)} số liệu từ tháng.")


# Before the reform: the old province Nam Định (now part of Ninh Bình), its communes in 2024.
LEGACY_PROVINCE = "36"
LEGACY_MONTHS = [Period.parse("2024-06"), Period.parse("2024-12")]


def _seed_legacy_values(criteria_set: CriteriaSet, *, users, stdout) -> None:
    """Values of 2024 for the communes of old Nam Định (two months, ~3,700 rows), entered by the national
    admin. Today they count under Ninh Bình; the PCCC page of "~36" shows them by old district."""
    province = AdministrativeUnit.objects.legacy().filter(code=LEGACY_PROVINCE, level=UnitLevel.PROVINCE).first()
    if province is None:
        stdout.write("PCCC trước 01/07/2025: bỏ qua (chưa nạp địa giới cũ; chạy load_units --legacy trước).")
        return
    if Assessment.objects.filter(criterion__criteria_set=criteria_set, unit__path__startswith=province.path).exists():
        return
    written = seed_values(criteria_set, province, users, LEGACY_MONTHS)
    stdout.write(f"PCCC trước 01/07/2025: {province.name} (cũ): {written} số liệu mẫu năm 2024.")
