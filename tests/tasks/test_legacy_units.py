"""Tasks and progress reports on units that ended on 30/06/2025 (issue 14 item 3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from provinces.models import AdministrativeUnit
from provinces.services import units_load_legacy
from roles.choices import Role
from tasks import services
from tasks.choices import AgencyKind, TaskGroup, TaskStatus
from tasks.models import Agency, Programme, Task
from tasks.selectors import my_tasks, tasks_visible_to
from tests.factories import make_user
from tests.provinces.legacy_fixture import legacy_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(tree):
    units_load_legacy(data=legacy_data())
    legacy = AdministrativeUnit.objects.legacy()
    return legacy.get(code="30"), legacy.get(code="10507")  # Tỉnh Hải Dương, Phường Trần Phú (→ Hồng Bàng)


@pytest.fixture
def plan_2023(old):
    haiduong, _commune = old
    return Programme.objects.create(
        name="Kế hoạch Đề án 06 năm 2023 (tỉnh Hải Dương)", year=2023, unit=haiduong,
        start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 12, 31),
    )  # fmt: skip


@pytest.fixture
def coordinator_haiphong(tree):
    return make_user("thuongtruc.haiphong", unit=tree.haiphong, role=Role.COORDINATOR)


def fields(plan, unit, agency, **overrides):
    return {
        "programme": plan, "unit": unit, "group": TaskGroup.PUBLIC_SERVICES,
        "title": "Cung cấp dịch vụ công trực tuyến toàn trình", "lead_agency": agency,
        "start_date": datetime.date(2023, 3, 1), "deadline": datetime.date(2023, 12, 31),
        **overrides,
    }  # fmt: skip


@pytest.fixture
def police_haiduong(old):
    return Agency.objects.create(name="Công an tỉnh Hải Dương", kind=AgencyKind.POLICE, unit=old[0])


def test_a_coordinator_of_the_successor_records_a_2023_task_on_the_old_province(
    old, plan_2023, police_haiduong, coordinator_haiphong
):
    task = services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[1], police_haiduong))

    assert task.unit == old[1]


def test_a_task_on_a_legacy_unit_due_after_30_06_2025_is_refused_naming_the_successor(
    old, plan_2023, police_haiduong, coordinator_haiphong
):
    late = fields(plan_2023, old[0], police_haiduong, deadline=datetime.date(2025, 7, 1))

    with pytest.raises(ValidationError) as error:
        services.task_create(actor=coordinator_haiphong, **late)

    assert error.value.message_dict["unit"] == [
        "Tỉnh Hải Dương đã hết hiệu lực sau ngày 30/06/2025; hãy chọn Thành phố Hải Phòng."
    ]
    assert not Task.objects.exists()


def test_a_task_due_on_30_06_2025_is_still_accepted(old, plan_2023, police_haiduong, coordinator_haiphong):
    task = services.task_create(
        actor=coordinator_haiphong, **fields(plan_2023, old[0], police_haiduong, deadline=datetime.date(2025, 6, 30))
    )
    assert task.pk


def test_moving_a_deadline_past_the_reform_on_update_is_refused(old, plan_2023, police_haiduong, coordinator_haiphong):
    task = services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[0], police_haiduong))

    with pytest.raises(ValidationError) as error:
        services.task_update(
            actor=coordinator_haiphong, task=task, expected_version=task.version, deadline=datetime.date(2026, 1, 1)
        )

    assert "Thành phố Hải Phòng" in error.value.message_dict["unit"][0]


def test_a_coordinator_of_another_province_may_not_record_on_old_hai_duong(old, plan_2023, police_haiduong, users):
    with pytest.raises(PermissionDenied):
        services.task_create(actor=users.coordinator_hanoi, **fields(plan_2023, old[0], police_haiduong))


def test_a_hai_phong_user_sees_old_hai_duongs_tasks_and_a_ha_noi_user_does_not(
    old, plan_2023, police_haiduong, coordinator_haiphong, users
):
    task = services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[1], police_haiduong))

    assert list(tasks_visible_to(users.officer_haiphong)) == [task]
    assert list(tasks_visible_to(users.officer_hanoi)) == []
    # The list narrowed to the old province ("~30": its code in URLs) finds it too.
    assert list(my_tasks(users.officer_haiphong, scope="unit", unit_code="~30")) == [task]
    assert list(my_tasks(users.officer_haiphong, scope="unit", unit_code="31")) == [task]


def test_progress_is_reported_on_a_legacy_task(old, plan_2023, police_haiduong, coordinator_haiphong, users):
    task = services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[1], police_haiduong))

    services.progress_report_submit(
        actor=users.officer_haiphong, task=task, percent=40, status=TaskStatus.IN_PROGRESS, note="Đã triển khai"
    )

    task.refresh_from_db()
    assert task.current_percent == 40


def test_the_task_scope_is_one_query(old, plan_2023, police_haiduong, coordinator_haiphong, users,
                                     django_assert_num_queries):  # fmt: skip
    services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[1], police_haiduong))
    with django_assert_num_queries(1):
        assert len(list(tasks_visible_to(users.officer_haiphong))) == 1


# --- the task form (issue 14 item 3: a 2023 plan's task is entered in the page, not only imported) ---


def form_data(plan, unit, agency, **overrides):
    return {
        "programme": plan.pk, "unit": unit.pk, "group": TaskGroup.PUBLIC_SERVICES,
        "title": "Cung cấp dịch vụ công trực tuyến toàn trình", "lead_agency": agency.pk,
        "start_date": "01/03/2023", "deadline": "31/12/2023", "weight": "1", **overrides,
    }  # fmt: skip


def test_the_task_form_takes_a_legacy_unit_for_a_task_due_before_the_reform(
    client, old, plan_2023, police_haiduong, coordinator_haiphong
):
    client.force_login(coordinator_haiphong)

    response = client.post(reverse("tasks:task_create"), form_data(plan_2023, old[1], police_haiduong))

    assert response.status_code == 302
    assert Task.objects.get().unit == old[1]


def test_the_task_form_refuses_a_legacy_unit_after_the_reform_naming_the_successor(
    client, old, plan_2023, police_haiduong, coordinator_haiphong
):
    client.force_login(coordinator_haiphong)

    response = client.post(
        reverse("tasks:task_create"), form_data(plan_2023, old[1], police_haiduong, deadline="01/07/2025")
    )

    assert response.status_code == 400
    assert "Phường Trần Phú đã hết hiệu lực sau ngày 30/06/2025; hãy chọn Phường Hồng Bàng." in (
        response.content.decode()
    )
    assert not Task.objects.exists()


def test_the_task_form_refuses_a_legacy_unit_outside_the_scope(client, old, plan_2023, police_haiduong, users):
    client.force_login(users.coordinator_hanoi)

    response = client.post(reverse("tasks:task_create"), form_data(plan_2023, old[1], police_haiduong))

    assert response.status_code == 400
    assert not Task.objects.exists()


def test_the_task_form_lists_current_units_and_finds_legacy_ones_by_search(client, old, coordinator_haiphong):
    client.force_login(coordinator_haiphong)

    page = client.get(reverse("tasks:task_create")).content.decode()

    assert "Phường Hồng Bàng · Thành phố Hải Phòng (11296)" in page
    assert "Phường Trần Phú" not in page  # 10,794 legacy units would not fit in a list
    assert f'data-search-url="{reverse("provinces:unit_suggest")}"' in page


def test_editing_a_legacy_task_keeps_its_unit_chosen(client, old, plan_2023, police_haiduong, coordinator_haiphong):
    task = services.task_create(actor=coordinator_haiphong, **fields(plan_2023, old[1], police_haiduong))
    client.force_login(coordinator_haiphong)

    page = client.get(reverse("tasks:task_edit", kwargs={"pk": task.pk})).content.decode()

    assert (
        f'<option value="{old[1].pk}" selected>Phường Trần Phú · Thành phố Hải Dương · Tỉnh Hải Dương (cũ)'
        " → Phường Hồng Bàng · Thành phố Hải Phòng (10507)</option>"
    ) in page


def test_the_chooser_search_returns_legacy_units_of_the_scope_only(client, old, users):
    client.force_login(users.officer_haiphong)
    found = client.get(reverse("provinces:unit_suggest"), {"q": "tran phu"}).json()["results"]

    assert found == [
        {
            "id": old[1].pk,
            "text": "Phường Trần Phú · Thành phố Hải Dương · Tỉnh Hải Dương (cũ)"
            " → Phường Hồng Bàng · Thành phố Hải Phòng (10507)",
            "legacy": True,
        }
    ]
    client.force_login(users.officer_hanoi)
    assert client.get(reverse("provinces:unit_suggest"), {"q": "tran phu"}).json()["results"] == []
