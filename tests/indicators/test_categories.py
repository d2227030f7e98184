"""Values by facility category (issue 16 item 4): a partial breakdown of the unit's value, checked against it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import IndicatorCategoryValue, IndicatorPhase, IndicatorValue
from indicators.selectors import category_breakdown
from indicators.services import (
    CategoryInput,
    IndicatorInputError,
    ValueInput,
    category_values_save,
    indicator_values_save,
)
from pccc.models import FacilityCategory
from pccc.periods import Period

NOV = "2026-11"
TODAY = datetime.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.fixture
def categories(db):
    return {
        code: FacilityCategory.objects.create(code=code, name=name)
        for code, name in (("nha-tro", "Nhà trọ"), ("chung-cu-mini", "Chung cư mini"), ("co-so", "Cơ sở quản lý"))
    }


def phase_for(indicator, categories, *codes):
    phase = IndicatorPhase.objects.create(
        indicator=indicator, number=1, title="Nhà trọ, chung cư mini", starts_on=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 12, 31), target=Decimal(100),
    )  # fmt: skip
    phase.facility_categories.set([categories[code] for code in codes])
    return phase


@pytest.fixture
def rollout(tree, security_models, categories, put_value):
    """Hà Nội reported 120 models in November; the phase in force covers boarding houses and mini flats."""
    phase_for(security_models, categories, "nha-tro", "chung-cu-mini")
    put_value(security_models, tree.hanoi, NOV, 120)
    return security_models


def save(users, programme, tree, indicator, entries):
    return category_values_save(
        actor=users.officer_hanoi, programme=programme, unit=tree.hanoi, indicator=indicator, period=NOV,
        entries=entries, today=TODAY,
    )  # fmt: skip


def test_the_categories_break_the_value_down_and_the_rest_is_unclassified(users, tree, programme, rollout, categories):
    save(users, programme, tree, rollout, [
        CategoryInput(categories["nha-tro"].pk, 70), CategoryInput(categories["chung-cu-mini"].pk, 30),
    ])  # fmt: skip
    breakdown = category_breakdown(indicator=rollout, unit=tree.hanoi, period=Period.parse(NOV))
    # 120 − (70 + 30) = 20 not yet classified.
    assert [(c.code, r.numerator) for c, r in breakdown.rows] == [("chung-cu-mini", 30), ("nha-tro", 70)]
    assert (breakdown.classified, breakdown.unclassified) == (100, 20)


def test_category_totals_above_the_unit_value_save_nothing(users, tree, programme, rollout, categories):
    save(users, programme, tree, rollout, [CategoryInput(categories["nha-tro"].pk, 70)])
    with pytest.raises(IndicatorInputError) as refused:
        # The stored 70 and 60 more: 130 > 120.
        save(users, programme, tree, rollout, [CategoryInput(categories["chung-cu-mini"].pk, 60)])
    assert refused.value.errors == ["Tổng theo loại cơ sở (130) vượt số liệu của đơn vị (120)."]
    assert list(IndicatorCategoryValue.objects.values_list("numerator", flat=True)) == [70]


def test_a_category_outside_the_phase_in_force_is_refused(users, tree, programme, rollout, categories):
    with pytest.raises(IndicatorInputError) as refused:
        save(users, programme, tree, rollout, [CategoryInput(categories["co-so"].pk, 5)])
    assert refused.value.errors == ["Loại cơ sở không thuộc giai đoạn của kỳ này."]
    assert not IndicatorCategoryValue.objects.exists()


def test_a_ratio_checks_numerators_and_denominators(users, tree, programme, chip_ids, categories, put_value):
    phase_for(chip_ids, categories, "nha-tro", "chung-cu-mini")
    put_value(chip_ids, tree.hanoi, NOV, 900, 1000)
    entries = [
        CategoryInput(categories["nha-tro"].pk, 500, 600),
        CategoryInput(categories["chung-cu-mini"].pk, 400, 500),
    ]
    with pytest.raises(IndicatorInputError) as refused:
        save(users, programme, tree, chip_ids, entries)  # numerators 900 ≤ 900, denominators 1.100 > 1.000
    assert refused.value.errors == ["Tổng mẫu số theo loại cơ sở (1.100) vượt mẫu số của đơn vị (1.000)."]
    with pytest.raises(IndicatorInputError) as refused:
        save(users, programme, tree, chip_ids, [CategoryInput(categories["nha-tro"].pk, 700, 600)])
    assert refused.value.field_errors == {
        categories["nha-tro"].pk: {"numerator": "Tử số không được lớn hơn mẫu số (600)."}
    }
    assert not IndicatorCategoryValue.objects.exists()


def test_the_unit_value_comes_first(users, tree, programme, security_models, categories):
    phase_for(security_models, categories, "nha-tro")
    with pytest.raises(IndicatorInputError) as refused:
        save(users, programme, tree, security_models, [CategoryInput(categories["nha-tro"].pk, 5)])
    assert "trước khi chia theo loại cơ sở" in refused.value.errors[0]


def url(programme, indicator):
    return reverse("indicators:categories", args=[programme.pk, "01", indicator.pk]) + f"?ky={NOV}"


def test_the_page_enters_and_shows_the_breakdown(client, users, tree, programme, rollout, categories):
    client.force_login(users.officer_hanoi)
    data = {
        "ky": NOV,
        f"c{categories['nha-tro'].pk}-numerator": "70",
        f"c{categories['chung-cu-mini'].pk}-numerator": "30",
    }
    assert client.post(url(programme, rollout), data).status_code == 302
    html = client.get(url(programme, rollout)).content.decode()
    assert "chưa phân loại: 20 mô hình" in html
    assert 'value="70"' in html and 'value="30"' in html


def test_the_page_keeps_the_typed_text_and_says_why_on_the_field(client, users, tree, programme, rollout, categories):
    client.force_login(users.officer_hanoi)
    data = {"ky": NOV, f"c{categories['nha-tro'].pk}-numerator": "-5"}
    response = client.post(url(programme, rollout), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="-5"' in html and "is-invalid" in html
    assert not IndicatorCategoryValue.objects.exists()


def test_the_page_is_scoped(client, users, programme, rollout):
    client.force_login(users.officer_haiphong)
    assert client.get(url(programme, rollout)).status_code == 404


def test_lowering_the_unit_value_below_its_categories_is_refused_and_saves_nothing(
    users, tree, programme, rollout, categories
):
    """120 models, 70 + 30 of them classified: a correction to 90 would leave −10 "chưa phân loại"."""
    save(users, programme, tree, rollout, [
        CategoryInput(categories["nha-tro"].pk, 70), CategoryInput(categories["chung-cu-mini"].pk, 30),
    ])  # fmt: skip

    def correct(numerator):
        return indicator_values_save(
            actor=users.officer_hanoi, programme=programme, unit=tree.hanoi, period=NOV,
            entries=[ValueInput(rollout.pk, numerator=numerator)], today=TODAY,
        )  # fmt: skip

    with pytest.raises(IndicatorInputError) as refused:
        correct(90)
    assert refused.value.field_errors == {
        rollout.pk: {
            "numerator": "Số liệu mới (90) nhỏ hơn tổng đã nhập theo loại cơ sở (100): "
            "sửa số liệu theo loại cơ sở trước."
        }
    }
    assert IndicatorValue.objects.get(indicator=rollout, unit=tree.hanoi, period=NOV).numerator == 120
    assert correct(100) == 1  # down to exactly what is classified: nothing left unclassified
