from decimal import Decimal
from types import SimpleNamespace

import pytest

from pccc.choices import Aggregation, Comparator
from pccc.models import CriteriaSet, Criterion
from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit

COMMUNE = UnitLevel.COMMUNE


def make_criterion(criteria_set, code, comparator, aggregation, *, target=None, order=0, **fields):
    return Criterion.objects.create(
        criteria_set=criteria_set,
        code=code,
        title=fields.pop("title", f"Tiêu chí {code}"),
        level=fields.pop("level", COMMUNE),
        comparator=comparator,
        aggregation=aggregation,
        target=None if target is None else Decimal(target),
        order=order,
        **fields,
    )


@pytest.fixture
def pccc(db):
    """A "Tỉnh an toàn PCCC" set with one criterion per comparator, assessed at commune level."""
    criteria_set = CriteriaSet.objects.create(
        code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC", document_number="64/KH-UBND"
    )
    return SimpleNamespace(
        set=criteria_set,
        households=make_criterion(
            criteria_set, "TC1", Comparator.AT_LEAST_PERCENT, Aggregation.RATIO, target="100", order=1
        ),
        fires=make_criterion(
            criteria_set, "TC3", Comparator.AT_MOST_PERCENT, Aggregation.RATIO, target="0.01", order=2
        ),
        serious=make_criterion(criteria_set, "TC4", Comparator.EQUALS_ZERO, Aggregation.SUM, order=3),
        villages=make_criterion(
            criteria_set, "TC5", Comparator.YES_NO, Aggregation.SHARE_PASSING, order=4, requires_evidence=True
        ),
        groups=make_criterion(
            criteria_set,
            "CS1",
            Comparator.COUNT_AT_LEAST,
            Aggregation.SUM,
            target="1",
            order=5,
            counts_toward_pass=False,
        ),
    )


@pytest.fixture
def big_province(db):
    """A province shaped like Hà Nội: 126 communes."""
    province = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.THANH_PHO_TRUNG_UONG, level=UnitLevel.PROVINCE, path="/01/"
    )
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"{i:05d}",
            name=f"Xã số {i}",
            kind=UnitKind.XA,
            level=COMMUNE,
            parent=province,
            path=f"/01/{i:05d}/",
        )
        for i in range(1, 127)
    )
    return province
