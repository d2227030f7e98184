"""seed_demo's history before the reform (issue 14 item 5): old Hải Dương's 2023 plan."""

import io

import pytest
from django.core.management import call_command

from provinces.services import units_load_legacy
from tasks.choices import BlockReason, TaskStatus
from tasks.models import Programme, Task
from tasks.selectors import tasks_visible_to
from tests.provinces.legacy_fixture import legacy_data

pytestmark = pytest.mark.django_db

PLAN = "Kế hoạch thực hiện Đề án 06 năm 2023 của tỉnh Hải Dương"


def seed(settings) -> str:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_records_old_hai_duongs_2023_plan_on_the_legacy_units(settings, tree):
    units_load_legacy(data=legacy_data())
    seed(settings)

    tasks = Task.objects.filter(programme__name=PLAN)
    assert Programme.objects.get(name=PLAN).unit.path == "/~/30/"
    assert {t.unit.path[:6] for t in tasks} == {"/~/30/"}
    assert tasks.filter(current_status=TaskStatus.DONE, completion_verified=True).count() == 3
    assert tasks.filter(current_status=TaskStatus.NOT_STARTED).count() == 2
    assert (
        tasks.filter(current_status=TaskStatus.BLOCKED, current_block_reason=BlockReason.WAITING_CENTRAL).count() == 3
    )
    # Every report is dated in 2023, before the unit ended.
    assert {u.created_at.year for t in tasks for u in t.updates.all()} == {2023}


def test_the_old_plan_is_seen_from_hai_phong_and_not_from_ha_noi(settings, tree, users):
    units_load_legacy(data=legacy_data())
    seed(settings)

    assert tasks_visible_to(users.officer_haiphong).filter(programme__name=PLAN).count() == 8
    assert not tasks_visible_to(users.officer_hanoi).filter(programme__name=PLAN).exists()


def test_without_the_legacy_units_the_demo_skips_the_old_plan_and_says_so(settings, tree):
    output = seed(settings)

    assert "chạy load_units --legacy trước" in output
    assert not Programme.objects.filter(name=PLAN).exists()


def test_the_old_plan_is_seeded_once(settings, tree):
    units_load_legacy(data=legacy_data())
    seed(settings)
    seed(settings)
    assert Task.objects.filter(programme__name=PLAN).count() == 8
