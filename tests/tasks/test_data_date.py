"""A progress report's data date [ngày số liệu]: distinct from its entry, checked, and used for lateness."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.choices import BlockReason, TaskStatus
from tasks.models import ProgressUpdate


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def test_report_data_date_defaults_to_the_local_date_of_entry(task, users):
    update = services.progress_report_submit(actor=users.officer_hanoi, task=task, percent=10, status="dang_trien_khai")
    assert update.data_date == timezone.localdate()


def test_report_keeps_its_data_date_apart_from_its_entry_time(task, users):
    update = services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(3)
    )
    update.refresh_from_db()
    assert update.data_date == days_ago(3)
    assert timezone.localdate(update.created_at) == timezone.localdate()


def test_data_date_in_the_future_is_refused(task, users):
    with pytest.raises(ValidationError) as error:
        services.progress_report_submit(
            actor=users.officer_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(-1)
        )
    assert "Ngày số liệu không được sau ngày hôm nay." in error.value.message_dict["data_date"]
    assert not ProgressUpdate.objects.exists()


def test_data_date_before_the_task_was_assigned_is_refused(make_task, users):
    task = make_task(start_date=days_ago(2))
    with pytest.raises(ValidationError) as error:
        services.progress_report_submit(
            actor=users.coordinator_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(3)
        )
    assert "trước ngày giao nhiệm vụ" in error.value.message_dict["data_date"][0]


def test_back_dating_beyond_the_setting_needs_a_coordinator(task, users, settings):
    settings.PROGRESS_BACKDATE_DAYS = 7
    with pytest.raises(ValidationError) as error:
        services.progress_report_submit(
            actor=users.officer_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(8)
        )
    assert "Chỉ Thường trực" in error.value.message_dict["data_date"][0]
    # Seven days back is allowed to an officer; eight to the coordinator.
    services.progress_report_submit(
        actor=users.coordinator_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(8)
    )
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=20, status=TaskStatus.IN_PROGRESS, data_date=days_ago(7)
    )
    assert task.updates.count() == 2


def test_data_date_before_the_latest_report_is_refused(task, users):
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=10, status=TaskStatus.IN_PROGRESS, data_date=days_ago(2)
    )
    with pytest.raises(ValidationError) as error:
        services.progress_report_submit(
            actor=users.officer_hanoi, task=task, percent=20, status=TaskStatus.IN_PROGRESS, data_date=days_ago(4)
        )
    assert "báo cáo gần nhất" in error.value.message_dict["data_date"][0]


def test_lateness_is_judged_on_the_data_date_not_the_entry(make_task, users):
    task = make_task(start_date=days_ago(30), deadline=days_ago(5))
    on_time = services.progress_report_submit(
        actor=users.coordinator_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Xong",
        data_date=days_ago(6),
    )  # fmt: skip
    assert on_time.status == TaskStatus.DONE
    other = make_task(start_date=days_ago(30), deadline=days_ago(5), title="Khác")
    late = services.progress_report_submit(
        actor=users.coordinator_hanoi, task=other, percent=100, status=TaskStatus.DONE, note="Xong",
        data_date=days_ago(4),
    )  # fmt: skip
    assert late.status == TaskStatus.DONE_LATE


def test_verification_counts_on_the_reported_day(make_task, users):
    task = make_task(start_date=days_ago(30))
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Xong", data_date=days_ago(3)
    )
    verified = services.progress_completion_verify(actor=users.coordinator_hanoi, task=task)
    assert verified.data_date == days_ago(3)


def test_not_started_report_keeps_its_reason(task, users):
    update = services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=0, status=TaskStatus.NOT_STARTED,
        block_reason=BlockReason.NO_BUDGET,
    )  # fmt: skip
    task.refresh_from_db()
    assert update.block_reason == task.current_block_reason == BlockReason.NO_BUDGET


def test_form_takes_the_data_date_and_the_timeline_shows_both_dates(client, users, task):
    client.force_login(users.officer_hanoi)
    url = reverse("tasks:task_detail", kwargs={"pk": task.pk})
    data = {"percent": "40", "status": TaskStatus.IN_PROGRESS, "note": "", "block_reason": "",
            "data_date": days_ago(2).isoformat()}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert task.updates.get().data_date == days_ago(2)
    page = client.get(url).content.decode()
    assert f"Số liệu ngày {days_ago(2):%d/%m/%Y}" in page
    assert "nhập lúc" in page


def test_form_refusal_names_the_data_date(client, users, task):
    client.force_login(users.officer_hanoi)
    url = reverse("tasks:task_detail", kwargs={"pk": task.pk})
    data = {"percent": "40", "status": TaskStatus.IN_PROGRESS, "data_date": days_ago(-2).isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ngày số liệu không được sau ngày hôm nay." in response.content.decode()
    assert not task.updates.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_reports_the_local_date_of_their_entry(role_groups_restored, task, users):
    """Rows entered before the field existed get the date of their entry in Asia/Ho_Chi_Minh."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = ("tasks", "0005_block_reason_not_budgeted")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        Update = executor.loader.project_state([before]).apps.get_model("tasks", "ProgressUpdate")
        # 20:00 UTC on 1 March is 03:00 on 2 March in Asia/Ho_Chi_Minh.
        at = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC)
        pk = Update.objects.create(
            task_id=task.pk, author_id=users.officer_hanoi.pk, created_at=at, percent=5, status="dang_trien_khai"
        ).pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ProgressUpdate.objects.get(pk=pk).data_date == datetime.date(2026, 3, 2)
