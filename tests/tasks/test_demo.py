import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tasks.choices import BlockReason, TaskGroup, TaskStatus
from tasks.models import Agency, Programme, ProgressUpdate, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tree):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_creates_a_realistic_programme_for_both_cities(seeded):
    programme = Programme.objects.get(document_number="06/QĐ-TTg")
    tasks = Task.objects.filter(programme=programme)
    assert set(tasks.values_list("unit__path", flat=True)) >= {"/01/", "/31/"}
    assert {path[:4] for path in tasks.values_list("unit__path", flat=True)} == {"/01/", "/31/"}
    assert set(tasks.values_list("group", flat=True)) == set(TaskGroup.values)
    assert Agency.objects.filter(name="Bộ Công an", unit=None).exists()
    assert Agency.objects.filter(name="Công an thành phố Hà Nội").exists()
    statuses = set(tasks.values_list("current_status", flat=True))
    assert {TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.BLOCKED} <= statuses
    assert tasks.filter(current_status=TaskStatus.DONE_LATE).exists()
    assert tasks.filter(current_block_reason=BlockReason.WAITING_CENTRAL).count() >= 2
    assert any(t.is_overdue for t in tasks)
    assert tasks.filter(awaiting_verification=True).exists() and tasks.filter(completion_verified=True).exists()
    oldest = ProgressUpdate.objects.order_by("created_at").first()
    assert (timezone.now() - oldest.created_at).days >= 90  # months of history


def test_demo_is_idempotent(seeded):
    counts = (Task.objects.count(), ProgressUpdate.objects.count(), Agency.objects.count(), Programme.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        Task.objects.count(),
        ProgressUpdate.objects.count(),
        Agency.objects.count(),
        Programme.objects.count(),
    )


def test_demo_officer_sees_their_work_and_a_returned_report(seeded, client):
    officer = get_user_model().objects.get(username="canbo.hanoi")
    client.force_login(officer)
    response = client.get(reverse("tasks:my_tasks"))
    assert response.context["page"].paginator.count >= 8
    assert len(response.context["returned"]) == 1
    assert "Hải Phòng" not in response.content.decode()


def test_demo_tasks_exist_before_their_history(seeded):
    for task in Task.objects.all():
        first = task.updates.order_by("created_at").first()
        assert first is None or task.created_at <= first.created_at


def test_demo_gives_every_commune_three_tasks_with_consistent_state(seeded, tree):
    """Rankings need data below the city: each ward gets tasks whose state matches its timeline."""
    for ward in (tree.hoankiem, tree.badinh, tree.hongbang):
        assert Task.objects.filter(unit=ward).count() == 3
    for task in Task.objects.filter(unit__parent__isnull=False).prefetch_related("updates"):
        latest = task.updates.first()
        if latest is None:
            assert (task.current_status, task.current_percent) == (TaskStatus.NOT_STARTED, 0)
        else:
            assert (task.current_status, task.current_percent) == (latest.status, latest.percent)
            assert task.awaiting_verification == (latest.kind == "bao_cao" and task.is_done)
