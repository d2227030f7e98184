"""Issue 13 item 6: a row that changes only a task's coordinating agencies is a change, and is written."""

import pytest
from django.urls import reverse

from tasks.choices import AgencyKind
from tasks.models import Agency, Task

from .conftest import xlsx_bytes
from .test_task_import import HEADER, row, upload

pytestmark = pytest.mark.django_db


def test_a_row_that_only_changes_the_coordinating_agencies_is_applied(client, users, tree, programme, agencies):
    Agency.objects.create(name="Sở Tài chính", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    client.force_login(users.coordinator_hanoi)
    first = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A", coord="Sở Tư pháp")]))
    client.post(reverse("exports:task_import"), {"token": first.context["token"]})

    again = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A", coord="Sở Tài chính")]))
    plan = again.context["plan"]
    assert [r.changed_fields for r in plan.changes] == [["cơ quan phối hợp"]]
    client.post(reverse("exports:task_import"), {"token": again.context["token"]})

    task = Task.objects.get(title="A")
    assert [a.name for a in task.coordinating_agencies.all()] == ["Sở Tài chính"]
