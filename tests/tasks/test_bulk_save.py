"""tasks.services.tasks_bulk_save: the import's bulk write, with history, inside the tasks app."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tasks.choices import TaskGroup, TaskStatus, UpdateKind
from tasks.models import ProgressUpdate, Task
from tasks.services import progress_history_bulk_load, tasks_bulk_save

pytestmark = pytest.mark.django_db


def new_task(programme, tree, agencies, title):
    template = Task(programme=programme, unit=tree.hanoi, group=TaskGroup.PUBLIC_SERVICES, title=title)
    template.lead_agency = agencies.police_hanoi
    template.start_date, template.deadline = programme.start_date, programme.end_date
    return template


def test_new_tasks_are_inserted_with_a_history_row_by_the_actor_and_their_coordinating_agencies(
    programme, tree, agencies, users
):
    rows = [(new_task(programme, tree, agencies, f"Nhiệm vụ {i}"), [agencies.justice_hanoi]) for i in range(3)]

    created, changed = tasks_bulk_save(actor=users.coordinator_hanoi, new=rows, changed=[], changed_fields=[])

    assert (len(created), changed) == (3, [])
    for task in Task.objects.filter(title__startswith="Nhiệm vụ "):
        assert [h.history_user for h in task.history.all()] == [users.coordinator_hanoi]
        assert list(task.coordinating_agencies.all()) == [agencies.justice_hanoi]


def test_a_changed_task_moves_its_version_keeps_history_and_gets_its_new_coordinating_agencies(
    make_task, agencies, users
):
    task = make_task()
    task.coordinating_agencies.set([agencies.justice_hanoi])
    version = task.version
    task.title = "Tên mới"

    tasks_bulk_save(
        actor=users.coordinator_hanoi, new=[], changed=[(task, [agencies.police_hanoi])], changed_fields=["title"]
    )

    task.refresh_from_db()
    assert (task.title, task.version) == ("Tên mới", version + 1)
    assert list(task.coordinating_agencies.all()) == [agencies.police_hanoi]
    assert task.history.first().history_user == users.coordinator_hanoi


def test_an_officer_cannot_bulk_write(programme, tree, agencies, users):
    rows = [(new_task(programme, tree, agencies, "Nhiệm vụ"), [])]
    with pytest.raises(PermissionDenied):
        tasks_bulk_save(actor=users.officer_hanoi, new=rows, changed=[], changed_fields=[])
    assert not Task.objects.exists()


def test_a_coordinator_cannot_bulk_write_outside_their_unit(programme, tree, agencies, users):
    outside = new_task(programme, tree, agencies, "Nhiệm vụ")
    outside.unit = tree.haiphong
    with pytest.raises(PermissionDenied):
        tasks_bulk_save(actor=users.coordinator_hanoi, new=[(outside, [])], changed=[], changed_fields=[])


def test_new_tasks_are_created_now_unless_backdated(programme, tree, agencies, users):
    """The import's tasks are created when imported; demo data and bench datasets keep the past they carry."""
    long_ago = timezone.now() - datetime.timedelta(days=200)
    imported, backdated = (new_task(programme, tree, agencies, title) for title in ("Nhập", "Mẫu"))
    imported.created_at = backdated.created_at = long_ago

    tasks_bulk_save(actor=users.coordinator_hanoi, new=[(imported, [])], changed=[], changed_fields=[])
    tasks_bulk_save(actor=users.coordinator_hanoi, new=[(backdated, [])], changed=[], changed_fields=[], backdated=True)

    assert Task.objects.get(title="Nhập").created_at > long_ago + datetime.timedelta(days=199)
    assert Task.objects.get(title="Mẫu").created_at == long_ago


def entry(task, author, days_ago, percent, status, kind=UpdateKind.REPORT):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return ProgressUpdate(task=task, author=author, created_at=at, data_date=timezone.localdate(at), kind=kind,
                          percent=percent, status=status)  # fmt: skip


def test_a_loaded_history_makes_each_task_s_last_entry_its_state(make_task, users):
    reported, verified, untouched = make_task(title="Báo cáo"), make_task(title="Xác nhận"), make_task(title="Chưa")
    officer, coordinator = users.officer_hanoi, users.coordinator_hanoi
    timelines = [
        (reported, [entry(reported, officer, 30, 40, TaskStatus.IN_PROGRESS),
                    entry(reported, officer, 9, 100, TaskStatus.DONE)]),
        (verified, [entry(verified, officer, 20, 100, TaskStatus.DONE),
                    entry(verified, coordinator, 18, 100, TaskStatus.DONE, UpdateKind.VERIFIED)]),
        (untouched, []),
    ]  # fmt: skip

    assert progress_history_bulk_load(actor=coordinator, timelines=timelines) == 4

    reported.refresh_from_db()
    verified.refresh_from_db()
    untouched.refresh_from_db()
    assert (reported.current_percent, reported.awaiting_verification, reported.completion_verified) == (
        100,
        True,
        False,
    )
    assert (verified.awaiting_verification, verified.completion_verified) == (False, True)
    assert verified.last_update_kind == UpdateKind.VERIFIED
    assert reported.last_update_at == timelines[0][1][-1].created_at
    assert (untouched.current_percent, untouched.last_update_at) == (0, None)


def test_an_officer_cannot_load_a_history(make_task, users):
    task = make_task()
    with pytest.raises(PermissionDenied):
        progress_history_bulk_load(
            actor=users.officer_hanoi,
            timelines=[(task, [entry(task, users.officer_hanoi, 3, 10, TaskStatus.IN_PROGRESS)])],
        )
    assert not ProgressUpdate.objects.exists()
