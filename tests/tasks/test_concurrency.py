"""Real concurrent writers: two threads with their own database connections.

SQLite serialises every writer on one file lock and its test database lives in
memory, so these run on PostgreSQL (CI), where the row lock and the version check
are what keep both reports and refuse the second edit.
"""

import threading

import pytest
from django.db import connection, connections

from tasks import services
from tasks.choices import TaskStatus
from tasks.models import ProgressUpdate, Task

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.usefixtures("role_groups_restored"),  # roles.policy asks the groups' permissions
]


def run_together(*calls):
    """Start every call at the same moment in its own thread; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_simultaneous_reports_are_both_recorded(task, users):
    def report(actor, percent):
        return lambda: services.progress_report_submit(
            actor=actor, task=Task.objects.get(pk=task.pk), percent=percent, status=TaskStatus.IN_PROGRESS
        )

    results = run_together(report(users.officer_hanoi, 30), report(users.coordinator_hanoi, 45))
    assert all(isinstance(r, ProgressUpdate) for r in results), results
    task.refresh_from_db()
    latest = task.updates.first()
    assert task.updates.count() == 2
    assert (task.current_percent, task.last_update_at) == (latest.percent, latest.created_at)


def test_simultaneous_edits_save_one_and_refuse_the_other(task, users):
    def edit(title):
        return lambda: services.task_update(
            actor=users.coordinator_hanoi, task=Task.objects.get(pk=task.pk), expected_version=1, title=title
        )

    results = run_together(edit("Bản sửa A"), edit("Bản sửa B"))
    conflicts = [r for r in results if isinstance(r, services.TaskEditConflict)]
    saved = [r for r in results if isinstance(r, Task)]
    assert (len(saved), len(conflicts)) == (1, 1), results
    task.refresh_from_db()
    assert (task.title, task.version) == (saved[0].title, 2)
