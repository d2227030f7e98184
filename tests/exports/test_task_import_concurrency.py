"""The task import's confirmation against an edit made at the same moment, with real row locks.

SQLite ignores row locks, so this runs on PostgreSQL (CI), like tests/tasks/test_concurrency.py.
"""

import io
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections

from exports import services
from exports.task_import import column_names, plan_task_import, planned_actions
from exports.uploads import read_table
from roles.choices import Role
from tasks.models import Task
from tasks.services import TaskEditConflict, task_update
from tests.factories import make_user

from .conftest import xlsx_bytes
from .test_task_import import HEADER, row

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.usefixtures("role_groups_restored"),  # roles.policy asks the groups' permissions
]


@contextmanager
def edit_during_the_write(task, editor_user):
    """Another coordinator edits ``task`` once the import has checked its rows and is about to write.

    Yields what happened: whether the edit had to wait (1 s) and what it raised.
    """
    outcome = {}

    def edit():
        try:
            fresh = Task.objects.get(pk=task.pk)
            task_update(actor=editor_user, task=fresh, expected_version=1, description="Sửa cùng lúc")
        except Exception as error:  # the test inspects it
            outcome["edit"] = error
        finally:
            connections.close_all()

    commit = services.task_import_commit

    def commit_while_someone_edits(*, actor, plan):
        editor = threading.Thread(target=edit)
        editor.start()
        editor.join(timeout=1)
        outcome["editor"], outcome["edit waited"] = editor, editor.is_alive()
        return commit(actor=actor, plan=plan)

    with mock.patch.object(services, "task_import_commit", commit_while_someone_edits):
        yield outcome


def test_an_edit_made_between_the_checks_and_the_write_waits_and_is_then_refused(
    users, tree, programme, agencies, make_task
):
    """The rows were checked under lock, so the edit cannot land before the write and be overwritten."""
    task = make_task(title="Đã có")
    other = make_user("thuongtruc2.hanoi", unit=tree.hanoi, role=Role.COORDINATOR)
    required, optional = column_names()
    table = read_table(xlsx_bytes([HEADER, row("Đã có")]), required=required, optional=optional)
    importer = users.coordinator_hanoi
    planned = planned_actions(plan_task_import(actor=importer, programme=programme, unit=tree.hanoi, table=table))
    with edit_during_the_write(task, other) as outcome:
        result = services.task_import_confirm(
            actor=importer, programme=programme, unit=tree.hanoi, table=table, planned=planned
        )
    assert result == (0, 1)
    outcome["editor"].join(timeout=10)
    assert outcome["edit waited"]
    assert isinstance(outcome.get("edit"), TaskEditConflict)
    task.refresh_from_db()
    assert (task.description, task.version) == ("Nội dung", 2)


def test_the_import_tasks_command_holds_the_lock_from_its_checks_to_its_write(
    tmp_path, users, tree, programme, agencies, make_task
):
    """No preview, but the same locked path: an edit made while the command writes waits, then is refused."""
    task = make_task(title="Đã có")
    other = make_user("thuongtruc2.hanoi", unit=tree.hanoi, role=Role.COORDINATOR)
    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, row("Đã có")]))
    args = ["--programme", str(programme.pk), "--unit", tree.hanoi.code, "--user", users.coordinator_hanoi.username]
    with edit_during_the_write(task, other) as outcome:
        call_command("import_tasks", str(path), *args, stdout=io.StringIO())
    outcome["editor"].join(timeout=10)
    assert outcome["edit waited"]
    assert isinstance(outcome.get("edit"), TaskEditConflict)
    task.refresh_from_db()
    assert (task.description, task.version) == ("Nội dung", 2)
