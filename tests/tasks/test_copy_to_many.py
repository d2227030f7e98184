"""Issue 19, item 10: the task-list copy targets several units or every commune at once, with a preview of
what each target gets (copies, skipped duplicates) before one all-or-nothing confirmation."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.manager import HistoryManager

from tasks import services
from tasks.models import Task

pytestmark = pytest.mark.django_db

COPY_URL = reverse("tasks:programme_copy")


@pytest.fixture
def template_list(make_task, tree):
    """Two tasks at the city, the list the communes receive; Ba Đình already has the first one."""
    make_task(title="Rà soát dữ liệu dân cư")
    make_task(title="Cấp phiếu lý lịch tư pháp trên VNeID")
    make_task(title="Rà soát dữ liệu dân cư", unit=tree.badinh)


def form_data(programme, source, *targets, **extra) -> dict:
    return {
        "source_programme": programme.pk,
        "source_unit": source.pk,
        "target_programme": programme.pk,
        "target_units": [unit.pk for unit in targets],
        **extra,
    }


def test_the_preview_counts_each_target_and_writes_nothing(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    before = Task.objects.count()
    response = client.post(COPY_URL, form_data(programme, tree.hanoi, tree.hoankiem, tree.badinh))
    assert response.status_code == 200
    by_unit = {t.unit: (t.creates, t.skipped) for t in response.context["targets"]}
    assert by_unit == {tree.hoankiem: (2, []), tree.badinh: (1, ["Rà soát dữ liệu dân cư"])}
    body = response.content.decode()
    assert "sẽ tạo 3 nhiệm vụ tại 2 đơn vị, bỏ qua 1 nhiệm vụ đã có" in body
    assert 'name="confirm"' in body
    assert Task.objects.count() == before


def test_confirming_the_preview_creates_every_targets_copies(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    preview = client.post(COPY_URL, form_data(programme, tree.hanoi, tree.hoankiem, tree.badinh))
    confirm = dict(preview.context["previewed"]) | {"target_units": [tree.hoankiem.pk, tree.badinh.pk]}
    response = client.post(COPY_URL, {**confirm, "confirm": "1"})
    assert response.status_code == 302
    assert Task.objects.filter(unit=tree.hoankiem).count() == 2
    assert Task.objects.filter(unit=tree.badinh).count() == 2  # the duplicate skipped, the other copied
    # A second run adds nothing.
    client.post(COPY_URL, {**confirm, "confirm": "1"})
    assert Task.objects.filter(unit__in=[tree.hoankiem, tree.badinh]).count() == 4


def test_every_commune_of_the_province_in_one_go(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    data = form_data(programme, tree.hanoi, all_communes="on")
    response = client.post(COPY_URL, data)
    assert {t.unit for t in response.context["targets"]} == {tree.hoankiem, tree.badinh, tree.soctson}
    client.post(COPY_URL, {**data, "confirm": "1"})
    assert set(Task.objects.values_list("unit__code", flat=True)) == {"01", "00070", "00004", "08974"}


def test_every_commune_from_a_model_commune_leaves_the_source_out(client, users, programme, tree, make_task):
    make_task(title="Mô hình phường", unit=tree.hoankiem)
    client.force_login(users.coordinator_hanoi)
    response = client.post(COPY_URL, form_data(programme, tree.hoankiem, all_communes="on"))
    assert {t.unit for t in response.context["targets"]} == {tree.badinh, tree.soctson}


def test_no_target_is_an_error_of_the_form(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    response = client.post(COPY_URL, form_data(programme, tree.hanoi))
    assert response.status_code == 400
    assert response.context["form"].errors["target_units"]


def test_a_target_of_another_province_is_refused(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    response = client.post(COPY_URL, form_data(programme, tree.hanoi, tree.hoankiem, tree.hongbang, confirm="1"))
    assert response.status_code == 400
    assert not Task.objects.filter(unit__in=[tree.hoankiem, tree.hongbang]).exists()


def _refuse_at(unit):
    real = services.task_check_links

    def check(actor, task, coordinating):
        if task.unit_id == unit.pk:
            raise ValidationError({"deadline": "Không hợp lệ tại đơn vị này."})
        return real(actor, task, coordinating)

    return check


def test_a_problem_at_one_target_is_shown_there_and_nothing_is_created(client, users, programme, tree, template_list):
    client.force_login(users.coordinator_hanoi)
    data = form_data(programme, tree.hanoi, tree.hoankiem, tree.soctson)
    with mock.patch("tasks.services.task_check_links", side_effect=_refuse_at(tree.soctson)):
        preview = client.post(COPY_URL, data)
        problems = {t.unit: t.problems for t in preview.context["targets"]}
        assert problems[tree.hoankiem] == [] and len(problems[tree.soctson]) == 2
        assert 'name="confirm"' not in preview.content.decode()
        response = client.post(COPY_URL, {**data, "confirm": "1"})
    assert response.status_code == 400
    assert not Task.objects.filter(unit__in=[tree.hoankiem, tree.soctson]).exists()


def test_the_copy_to_many_units_is_one_transaction(users, programme, tree, template_list):
    """A failure while writing (after the INSERT of the copies) leaves no copy at any target."""
    with (
        mock.patch.object(HistoryManager, "bulk_history_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.programme_tasks_copy_to_units(
            actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
            target_programme=programme, target_units=[tree.hoankiem, tree.soctson],
        )  # fmt: skip
    assert not Task.objects.filter(unit__in=[tree.hoankiem, tree.soctson]).exists()


def test_previewing_many_targets_costs_the_queries_of_one(users, programme, tree, template_list):
    """The titles already at every target are read in one query: three targets cost what one costs."""

    def queries(targets) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.programme_tasks_copy_plan(
                actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
                target_programme=programme, target_units=targets,
            )  # fmt: skip
        return len(captured.captured_queries)

    queries([tree.soctson])  # warms the actor's permission cache
    assert queries([tree.hoankiem, tree.badinh, tree.soctson]) == queries([tree.hoankiem]) <= 6
