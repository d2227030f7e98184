import datetime
from decimal import Decimal

import pytest

from indicators.choices import IndicatorKind
from indicators.models import Indicator, IndicatorValue, Target
from tasks.models import Programme


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Đề án 06 năm 2026",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=2026,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def chip_ids(programme):
    """A ratio reported by provinces: citizens with chip ID cards."""
    return Indicator.objects.create(
        programme=programme, code="CT1", name="Tỷ lệ công dân được cấp CCCD gắn chip", measure="người",
        kind=IndicatorKind.RATIO, order=1,
    )  # fmt: skip


@pytest.fixture
def security_models(programme):
    """A count with a paired measure, reported by provinces with an optional commune breakdown."""
    return Indicator.objects.create(
        programme=programme, code="CT2", name="Mô hình tự quản về an ninh trật tự", measure="mô hình",
        kind=IndicatorKind.COUNT, paired_measure="số người tham gia", order=2,
    )  # fmt: skip


@pytest.fixture
def put_value():
    def put(indicator, unit, period, numerator, denominator=None, paired=None):
        return IndicatorValue.objects.create(
            indicator=indicator, unit=unit, period=period, numerator=numerator, denominator=denominator,
            paired_value=paired,
        )  # fmt: skip

    return put


@pytest.fixture
def put_target():
    def put(indicator, unit, value, period=""):
        return Target.objects.create(indicator=indicator, unit=unit, period=period, value=Decimal(value))

    return put
