import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from api.services import api_token_issue
from dashboards.services import snapshot_rebuild
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task

AS_OF = datetime.date(2026, 11, 28)


def issue(unit, *, days=30, name="IOC"):
    """A token of ``unit`` and its secret, valid for ``days`` from now."""
    return api_token_issue(name=name, unit=unit, expires_at=timezone.now() + datetime.timedelta(days=days))


@pytest.fixture
def tokens(tree):
    hanoi, hanoi_secret = issue(tree.hanoi, name="IOC Hà Nội")
    haiphong, haiphong_secret = issue(tree.haiphong, name="IOC Hải Phòng")
    return SimpleNamespace(hanoi=hanoi, hanoi_secret=hanoi_secret, haiphong=haiphong, haiphong_secret=haiphong_secret)


@pytest.fixture
def api(client, tokens):
    """GET as the Hà Nội token."""

    def get(url, secret=None, **headers):
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret or tokens.hanoi_secret}", **headers)

    return get


def _programme(name, unit=None):
    return Programme.objects.create(
        name=name,
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        unit=unit,
        year=2026,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


def _task(programme, unit, agency, title, **fields):
    return Task.objects.create(
        programme=programme,
        unit=unit,
        group=TaskGroup.PUBLIC_SERVICES,
        title=title,
        lead_agency=agency,
        start_date=datetime.date(2026, 1, 1),
        deadline=fields.pop("deadline", datetime.date(2026, 12, 31)),
        weight=Decimal(1),
        created_at=timezone.make_aware(datetime.datetime(2026, 1, 2, 8, 0)),
        **fields,
    )


@pytest.fixture
def data(tree, users):
    """A national programme with tasks in both provinces, a Hải Phòng programme, PCCC values, snapshots."""
    national = _programme("Đề án 06 năm 2026")
    haiphong_plan = _programme("Kế hoạch của Hải Phòng", unit=tree.haiphong)
    hanoi_agency = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)
    haiphong_agency = Agency.objects.create(
        name="Công an thành phố Hải Phòng", kind=AgencyKind.POLICE, unit=tree.haiphong
    )
    users.officer_hanoi.full_name = "Nguyễn Văn A"
    users.officer_hanoi.position = "Phó Trưởng phòng"
    users.officer_hanoi.email = "a@example.vn"
    users.officer_hanoi.save()
    hanoi_task = _task(
        national, tree.hoankiem, hanoi_agency, "Nhiệm vụ Hoàn Kiếm", accountable_person=users.officer_hanoi
    )
    late_task = _task(national, tree.badinh, hanoi_agency, "Nhiệm vụ Ba Đình", deadline=datetime.date(2026, 6, 30))
    haiphong_task = _task(haiphong_plan, tree.hongbang, haiphong_agency, "Nhiệm vụ Hồng Bàng")
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    households = Criterion.objects.create(
        criteria_set=criteria_set,
        code="TC1",
        title="Hộ gia đình được kiểm tra",
        level=3,
        comparator=Comparator.AT_LEAST_PERCENT,
        aggregation=Aggregation.RATIO,
        target=Decimal("90"),
    )
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, entered_by=users.officer_hanoi, unit=tree.hanoi, period="2026-10"
    )
    hanoi_value = Assessment.objects.create(
        submission=submission, criterion=households, unit=tree.hoankiem, period="2026-10", value=95, denominator=100
    )
    failing_value = Assessment.objects.create(
        submission=submission, criterion=households, unit=tree.badinh, period="2026-10", value=50, denominator=100
    )
    haiphong_value = Assessment.objects.create(
        submission=submission, criterion=households, unit=tree.hongbang, period="2026-10", value=99, denominator=100
    )
    snapshot_rebuild(as_of=AS_OF)
    return SimpleNamespace(
        national=national,
        haiphong_plan=haiphong_plan,
        hanoi_task=hanoi_task,
        late_task=late_task,
        haiphong_task=haiphong_task,
        criteria_set=criteria_set,
        hanoi_value=hanoi_value,
        failing_value=failing_value,
        haiphong_value=haiphong_value,
    )
