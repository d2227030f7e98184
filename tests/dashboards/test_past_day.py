"""The dashboard as of a chosen day (?ngay=): figures, changes relative to it, and what a missing day offers."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards.choices import RunOutcome
from dashboards.models import CompletionSnapshot, RecomputeRun
from dashboards.services import snapshot_rebuild
from tasks.choices import TaskStatus

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def url(programme, code="01"):
    return reverse("dashboards:unit_dashboard", kwargs={"programme_id": programme.pk, "code": code})


@pytest.fixture
def history(tree, make_task, report):
    """Hoàn Kiếm's one task: 10% 30 days before AS_OF, 40% 7 days before, 70% on AS_OF; computed on those days."""
    task = make_task(unit=tree.hoankiem)
    for days, percent in ((30, 10), (7, 40), (0, 70)):
        day = AS_OF - datetime.timedelta(days=days)
        report(task, percent=percent, status=TaskStatus.IN_PROGRESS, on=day)
        snapshot_rebuild(as_of=day)
    report(task, percent=90, status=TaskStatus.IN_PROGRESS, on=AS_OF + datetime.timedelta(days=2))
    snapshot_rebuild(as_of=AS_OF + datetime.timedelta(days=2))
    return task


def test_a_chosen_day_shows_its_figures_and_changes_relative_to_it(client, users, programme, history, tree):
    client.force_login(users.leader_hanoi)

    response = client.get(url(programme), {"ngay": AS_OF.isoformat()})

    board = response.context["board"]
    assert board.snapshot.date == AS_OF
    assert board.snapshot.weighted_completion == Decimal("70.00")  # not the 90% of two days later
    hoankiem = next(row for row in board.ranking if row.unit.pk == tree.hoankiem.pk)
    assert (hoankiem.change_7, hoankiem.change_30) == (Decimal("30.00"), Decimal("60.00"))
    assert [day for day, _value in board.trend][-1] == AS_OF
    assert "Số liệu tính đến ngày 28/11/2026" in response.content.decode()


def test_the_calendar_shows_the_chosen_day_and_sorting_keeps_it(client, users, programme, history):
    client.force_login(users.leader_hanoi)
    page = client.get(url(programme), {"ngay": AS_OF.isoformat()}).content.decode()
    assert 'id="date-input"' in page and 'value="28/11/2026"' in page  # typed and shown as dd/mm/yyyy
    assert "?sap_xep=ten&amp;ngay=2026-11-28" in page or "?sap_xep=ten&ngay=2026-11-28" in page


def test_a_day_in_dd_mm_yyyy_is_understood(client, users, programme, history):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme), {"ngay": "28/11/2026"})
    assert response.context["board"].snapshot.date == AS_OF


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13-45", "Ngày không hợp lệ: hãy chọn ngày theo dạng ngày/tháng/năm"),
        ("hôm qua", "Ngày không hợp lệ"),
        ("2999-01-01", "Ngày 01/01/2999 chưa đến"),
    ],
)
def test_a_malformed_or_future_day_gives_a_vietnamese_message_and_the_latest_figures(
    client, users, programme, history, text, message
):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme), {"ngay": text})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["board"].snapshot.date == AS_OF + datetime.timedelta(days=2)


def test_a_day_before_any_task_was_assigned_is_explained(client, users, programme, history):
    client.force_login(users.coordinator_hanoi)
    page = client.get(url(programme), {"ngay": "2025-06-01"}).content.decode()
    assert "Chưa có số liệu của ngày 01/06/2025: nhiệm vụ đầu tiên" in page
    assert "được giao ngày 01/01/2026" in page
    assert 'id="compute-day"' not in page


def test_a_day_without_snapshots_offers_coordinators_to_compute_it(client, users, programme, history):
    day = AS_OF - datetime.timedelta(days=3)
    client.force_login(users.coordinator_hanoi)
    page = client.get(url(programme), {"ngay": day.isoformat()}).content.decode()
    assert "Chưa có số liệu tổng hợp của ngày 25/11/2026." in page
    assert 'id="compute-day"' in page

    response = client.post(reverse("dashboards:compute_day", args=[programme.pk, "01"]), {"ngay": day.isoformat()})

    assert response.status_code == 302 and response["Location"].endswith("?ngay=2026-11-25")
    row = CompletionSnapshot.objects.get(date=day, scope_path="/01/")
    assert row.weighted_completion == Decimal("40.00")  # the report of 21/11
    assert RecomputeRun.objects.get(as_of=day).outcome == RunOutcome.SUCCESS


def test_a_leader_is_not_offered_and_may_not_compute_a_day(client, users, programme, history):
    day = AS_OF - datetime.timedelta(days=3)
    client.force_login(users.leader_hanoi)
    page = client.get(url(programme), {"ngay": day.isoformat()}).content.decode()
    assert 'id="compute-day"' not in page
    response = client.post(reverse("dashboards:compute_day", args=[programme.pk, "01"]), {"ngay": day.isoformat()})
    assert response.status_code == 403
    assert not CompletionSnapshot.objects.filter(date=day).exists()


def test_a_coordinator_computes_only_within_their_scope(client, users, programme, history):
    client.force_login(users.coordinator_hanoi)
    response = client.post(reverse("dashboards:compute_day", args=[programme.pk, "31"]), {"ngay": "2026-11-20"})
    assert response.status_code == 404


def test_a_past_day_keeps_the_query_budget(client, users, programme, history, django_assert_max_num_queries):
    client.force_login(users.leader_hanoi)
    with django_assert_max_num_queries(15):
        response = client.get(url(programme), {"ngay": AS_OF.isoformat()})
    assert response.context["board"].snapshot is not None
