import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.services import end_of_day
from tasks.choices import AgencyKind, TaskGroup, TaskStatus, UpdateKind
from tasks.models import Agency, Programme, ProgressUpdate, Task

AS_OF = datetime.date(2026, 11, 28)


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
def agency(tree):
    return Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hanoi)


@pytest.fixture
def make_task(programme, agency, tree):
    """A task created well before AS_OF, with a deadline after it unless told otherwise."""

    def make(*, unit=None, weight=1, deadline=datetime.date(2026, 12, 31), **fields):
        return Task.objects.create(
            programme=fields.pop("programme", programme),
            unit=unit or tree.hanoi,
            group=TaskGroup.PUBLIC_SERVICES,
            title=fields.pop("title", "Nhiệm vụ"),
            lead_agency=agency,
            start_date=fields.pop("start_date", datetime.date(2026, 1, 1)),
            deadline=deadline,
            weight=Decimal(weight),
            created_at=timezone.make_aware(datetime.datetime(2026, 1, 2, 8, 0)),
            **fields,
        )

    return make


@pytest.fixture
def report(users):
    """Append a timeline entry at a given local date (default: the day before AS_OF)."""

    def add(task, *, percent, status, kind=UpdateKind.REPORT, on=AS_OF - datetime.timedelta(days=1), reason=""):
        return ProgressUpdate.objects.create(
            task=task,
            author=users.officer_hanoi,
            kind=kind,
            percent=percent,
            status=status,
            block_reason=reason,
            created_at=end_of_day(on) - datetime.timedelta(hours=12),
        )

    return add


@pytest.fixture
def done(report):
    """Report a task done and have it verified, as the official figures require."""

    def finish(task, on=AS_OF - datetime.timedelta(days=1)):
        report(task, percent=100, status=TaskStatus.DONE, on=on)
        return report(task, percent=100, status=TaskStatus.DONE, kind=UpdateKind.VERIFIED, on=on)

    return finish
