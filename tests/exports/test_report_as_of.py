"""The meeting report takes the dashboard's date (ngay=): that day's figures, the started share and the reasons."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from dashboards.services import snapshot_rebuild
from tasks.choices import BlockReason, TaskStatus
from tasks.models import ProgressUpdate

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 31)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def entry(task, author, *, percent, status, on, reason=""):
    return ProgressUpdate.objects.create(
        task=task, author=author, percent=percent, status=status, block_reason=reason, data_date=on
    )


@pytest.fixture
def four_tasks(tree, users, make_task):
    """As of 31/03: 2 in progress (50%, then 90% on 15/04), 1 not started waiting for central guidance, 1 untouched."""
    author = users.officer_hanoi
    first, second = make_task(title="NV 1"), make_task(title="NV 2")
    entry(first, author, percent=50, status=TaskStatus.IN_PROGRESS, on=datetime.date(2026, 3, 10))
    entry(first, author, percent=90, status=TaskStatus.IN_PROGRESS, on=datetime.date(2026, 4, 15))
    entry(second, author, percent=50, status=TaskStatus.IN_PROGRESS, on=datetime.date(2026, 3, 10))
    waiting = make_task(title="NV 3")
    entry(waiting, author, percent=0, status=TaskStatus.NOT_STARTED, reason=BlockReason.WAITING_CENTRAL,
          on=datetime.date(2026, 3, 1))  # fmt: skip
    make_task(title="NV 4")
    snapshot_rebuild(as_of=DAY)
    snapshot_rebuild(as_of=datetime.date(2026, 4, 30))


def report_text(client, programme, tree, **params):
    response = client.get(
        reverse("exports:report"), {"programme": programme.pk, "unit": tree.hanoi.code, "ky": "2026-Q1", **params}
    )
    return response, (all_text(Document(io.BytesIO(response.content))) if response.status_code == 200 else "")


def test_report_for_a_day_gives_that_days_figures_and_started_share(client, users, tree, programme, four_tasks):
    client.force_login(users.leader_hanoi)

    _response, text = report_text(client, programme, tree, ngay=DAY.isoformat())

    assert "Tính đến ngày 31/03/2026" in text
    assert "25,0%" in text  # (50 + 50 + 0 + 0) / 4, not the 35% of 30/04
    assert "2/4 nhiệm vụ đã triển khai (50,0%); 2 chưa triển khai, trong đó 1 chờ hướng dẫn của Trung ương, " \
           "1 chưa nêu lý do." in text  # fmt: skip
    assert "Tính đến ngày 31/03/2026 có 0 nhiệm vụ quá hạn, 0 nhiệm vụ vướng mắc." in text


def test_report_for_a_day_without_figures_says_so(client, users, tree, programme, four_tasks):
    client.force_login(users.leader_hanoi)
    _response, text = report_text(client, programme, tree, ngay="2026-03-15")
    assert "Chưa có số liệu tổng hợp của ngày 15/03/2026" in text


def test_report_refuses_a_future_day(client, users, tree, programme, four_tasks):
    client.force_login(users.leader_hanoi)
    response, _text = report_text(client, programme, tree, ngay="2999-01-01")
    assert response.status_code == 400
    assert "Không có số liệu của ngày trong tương lai." in response.content.decode()
