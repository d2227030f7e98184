import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from roles.choices import Role
from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme, Task

from ..factories import make_user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def people(users, tree):
    """The shared users, with email addresses, plus a leader and a coordinator of Hải Phòng."""
    for user in (users.officer_hanoi, users.coordinator_hanoi, users.leader_hanoi, users.officer_hoankiem):
        user.email = f"{user.username}@example.gov.vn"
        user.save(update_fields=["email"])
    return SimpleNamespace(
        **vars(users),
        leader_haiphong=make_user("lanhdao.haiphong", unit=tree.haiphong, role=Role.LEADER, email="lh@example.gov.vn"),
        coordinator_haiphong=make_user(
            "thuongtruc.haiphong", unit=tree.haiphong, role=Role.COORDINATOR, email="th@example.gov.vn"
        ),
    )


@pytest.fixture
def programme(db, today):
    return Programme.objects.create(
        name="Đề án 06", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ", year=today.year,
        start_date=datetime.date(today.year - 1, 1, 1), end_date=datetime.date(today.year + 1, 12, 31),
    )  # fmt: skip


@pytest.fixture
def agency(tree):
    return Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)


@pytest.fixture
def make_task(programme, agency, tree, today):
    def make(*, deadline_in: int = 30, **fields):
        values = {
            "programme": programme, "unit": tree.hoankiem, "group": TaskGroup.PUBLIC_SERVICES,
            "title": "Cung cấp 25 dịch vụ công thiết yếu", "lead_agency": agency,
            "expected_result": "25 dịch vụ công trực tuyến toàn trình",
            "start_date": today - datetime.timedelta(days=90), "deadline": today + datetime.timedelta(days=deadline_in),
        }  # fmt: skip
        values.update(fields)
        return Task.objects.create(**values)

    return make
