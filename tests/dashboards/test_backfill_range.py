"""Snapshots for a range of past days: the command and the admin page, same service and lock as the nightly run."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from dashboards.choices import RunOutcome
from dashboards.models import CompletionSnapshot, RecomputeRun
from tasks.choices import TaskStatus

pytestmark = pytest.mark.django_db


def test_the_command_computes_every_day_of_a_range_from_the_data_as_it_stood(tree, make_task, report):
    task = make_task(start_date=datetime.date(2023, 4, 2), deadline=datetime.date(2023, 12, 31))
    report(task, percent=30, status=TaskStatus.IN_PROGRESS, on=datetime.date(2023, 4, 3))

    call_command("recompute_progress", "--from", "2023-04-01", "--to", "2023-04-04", verbosity=0)

    rows = dict(
        CompletionSnapshot.objects.filter(scope_path=tree.hanoi.path).values_list("date", "weighted_completion")
    )
    # 01/04: not assigned yet (no row); 02/04: assigned, not started; 03/04 and 04/04: 30%.
    assert sorted(rows) == [datetime.date(2023, 4, d) for d in (2, 3, 4)]
    assert [rows[datetime.date(2023, 4, d)] for d in (2, 3, 4)] == [0, 30, 30]
    assert RecomputeRun.objects.filter(outcome=RunOutcome.SUCCESS).count() == 4


def test_running_a_range_twice_leaves_identical_rows(tree, make_task, report):
    report(make_task(), percent=50, status=TaskStatus.IN_PROGRESS, on=datetime.date(2026, 3, 1))
    call_command("recompute_progress", "--from", "2026-03-01", "--to", "2026-03-03", verbosity=0)
    first = list(
        CompletionSnapshot.objects.order_by("date", "scope_path").values("date", "scope_path", "tasks_started")
    )
    call_command("recompute_progress", "--from", "2026-03-01", "--to", "2026-03-03", verbosity=0)
    again = list(
        CompletionSnapshot.objects.order_by("date", "scope_path").values("date", "scope_path", "tasks_started")
    )
    assert first == again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "45/13/2023"], "dd/mm/yyyy"),
        (["--from", "2023-04-05", "--to", "2023-04-01"], "Ngày bắt đầu phải trước"),
        (["--from", "2023-04-05", "--to", "2999-01-01"], "trong tương lai"),
        (["--from", "2020-01-01", "--to", "2023-01-01"], "tối đa 366 ngày"),
        (["--to", "2023-01-01"], "ngày bắt đầu"),
        (["--date", "2023-01-01", "--from", "2023-01-01"], "không dùng cả hai"),
    ],
)
def test_the_command_refuses_a_bad_range_in_vietnamese(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("recompute_progress", *args, verbosity=0)
    assert not RecomputeRun.objects.exists()


def test_admin_computes_a_range_of_days(client, users, tree, make_task):
    make_task()
    client.force_login(users.admin)
    url = reverse("admin:dashboards_recomputerun_recompute_range")
    assert (
        "Tính lại cho khoảng ngày" in client.get(reverse("admin:dashboards_recomputerun_changelist")).content.decode()
    )
    assert client.get(url).status_code == 200

    typed = {"tu_ngay": "01/03/2026", "den_ngay": "02/03/2026"}  # dd/mm/yyyy, as typed on the page
    response = client.post(url, typed, follow=True)

    assert "Đã đưa yêu cầu tính lại số liệu 2 ngày (01/03/2026–02/03/2026)" in response.content.decode()
    assert set(CompletionSnapshot.objects.values_list("date", flat=True)) == {
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 2),
    }


def test_admin_range_refuses_a_future_end_with_a_message(client, users, tree):
    client.force_login(users.admin)
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("admin:dashboards_recomputerun_recompute_range"), {"tu_ngay": "2026-03-01", "den_ngay": future}
    )
    assert response.status_code == 400
    assert "Không tính được số liệu cho ngày trong tương lai" in response.content.decode()
    assert not RecomputeRun.objects.exists()


@pytest.mark.parametrize("entry", ["command", "admin job"])
def test_a_range_replaces_the_indicator_snapshots_once_with_its_last_day(tree, make_task, monkeypatch, entry):
    """Indicator figures are per period, not per day: a 3-day range writes them once, not three times."""
    from dashboards import services
    from dashboards.jobs import recompute_progress_range_job

    real, calls = services.indicator_snapshots_rebuild, []

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(services, "indicator_snapshots_rebuild", counted)
    make_task()
    if entry == "command":
        call_command("recompute_progress", "--from", "2026-03-01", "--to", "2026-03-03", verbosity=0)
    else:
        recompute_progress_range_job.delay("2026-03-01", "2026-03-03").get()
    assert len(calls) == 1
    assert RecomputeRun.objects.filter(outcome=RunOutcome.SUCCESS).count() == 3
