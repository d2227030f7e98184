"""tasks.services.tasks_bulk_save: the import's bulk write, with history, inside the tasks app."""

import pytest
from django.core.exceptions import PermissionDenied

from tasks.choices import TaskGroup
from tasks.models import Task
from tasks.services import tasks_bulk_save

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
