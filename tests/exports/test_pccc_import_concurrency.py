"""The PCCC values import's confirmation against a colleague's save at the same moment, with real row locks.

SQLite ignores row locks, so this runs on PostgreSQL (CI), like test_task_import_concurrency.py.
"""

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.urls import reverse

from exports import pccc_import
from pccc.models import Assessment
from pccc.services import GridValidationError

from .test_pccc_import import PERIOD, colleague_saves, filled_template, post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.usefixtures("role_groups_restored"),  # earlier transactional tests flushed the grants
]


def test_a_colleagues_save_made_between_the_check_and_the_write_waits_and_is_then_refused(client, users, tree, pccc):
    """The replaced value was compared under lock, so their save cannot land in between and be overwritten."""
    colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=3)
    client.force_login(users.officer_hanoi)
    preview = post(client, pccc, tree.hanoi, filled_template(client, tree, pccc, {(tree.hoankiem.code, "TC4."): 0}))
    assert preview.status_code == 200, preview.context["errors"]
    outcome = {}

    def colleague():
        try:
            colleague_saves(users, tree, pccc, tree.hoankiem, criterion=pccc.serious, value=5)
        except Exception as error:  # the test inspects it
            outcome["save"] = error
        finally:
            connections.close_all()

    save = pccc_import.assessment_grid_save

    def save_while_a_colleague_saves(**kwargs):
        other = threading.Thread(target=colleague)
        other.start()
        other.join(timeout=1)
        outcome["thread"], outcome["save waited"] = other, other.is_alive()
        return save(**kwargs)

    with mock.patch.object(pccc_import, "assessment_grid_save", save_while_a_colleague_saves):
        response = client.post(reverse("exports:pccc_import"), {"token": preview.context["token"]})
    assert response.status_code == 302
    outcome["thread"].join(timeout=10)
    assert outcome["save waited"]
    assert isinstance(outcome.get("save"), GridValidationError)
    current = Assessment.objects.current().get(unit=tree.hoankiem, criterion=pccc.serious, period=PERIOD)
    assert current.value == 0
