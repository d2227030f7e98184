"""Issue 19, item 1: each role lands on its work after sign-in; the unit tree stays one click away."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.choices import Role
from tasks.choices import AgencyKind, TaskGroup, TaskStatus, UpdateKind
from tasks.models import Agency, Programme, ProgressUpdate, Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def landing(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    return response.url


def test_an_officer_lands_on_my_tasks(client, users):
    assert landing(client, users.officer_hanoi) == reverse("tasks:my_tasks")


def test_a_leader_with_no_programme_lands_on_the_dashboard_page_that_says_so(client, users):
    assert landing(client, users.leader_hanoi) == reverse("dashboards:home")


def test_a_leader_lands_on_their_units_dashboard_in_one_redirect(client, users, tree):
    """No hop through /bang-dieu-khien/: one request less on the first visit of the day."""
    agency = Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    task = _task(tree.hanoi, agency)
    target = landing(client, users.leader_hanoi)
    assert target == reverse("dashboards:unit_dashboard", args=[task.programme_id, "01"])
    assert client.get(target).status_code == 200


def test_a_coordinator_lands_on_the_coordinator_board(client, users):
    assert landing(client, users.coordinator_hanoi) == reverse("coordinator_board")


def test_an_administrator_lands_on_admin(client, users):
    assert landing(client, users.admin) == reverse("admin:index")


def test_a_province_administrator_lands_on_admin(client, tree):
    user = make_user("quantri.hanoi", unit=tree.hanoi, role=Role.PROVINCE_ADMIN, is_staff=True)
    assert landing(client, user) == reverse("admin:index")


def test_the_unit_tree_is_in_the_menu(client, users):
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:my_tasks")).content.decode()
    assert f'href="{reverse("unit_tree")}"' in html


def _programme():
    year = timezone.localdate().year
    return Programme.objects.create(
        name="Đề án 06",
        document_number="06/QĐ-TTg",
        issuing_body="Thủ tướng Chính phủ",
        year=year,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


def _task(unit, agency, *, days_left=30, **fields):
    today = timezone.localdate()
    return Task.objects.create(
        programme=fields.pop("programme", None) or Programme.objects.first() or _programme(),
        unit=unit,
        group=TaskGroup.PUBLIC_SERVICES,
        title=fields.pop("title", "Nhiệm vụ thử"),
        lead_agency=agency,
        start_date=today - datetime.timedelta(days=90),
        deadline=today + datetime.timedelta(days=days_left),
        **fields,
    )


def test_an_officer_with_nothing_assigned_sees_the_units_tasks_with_a_hint(client, users, tree):
    agency = Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    _task(tree.hanoi, agency, title="Việc của sở khác")
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"))
    html = response.content.decode()
    assert "Việc của sở khác" in html
    assert 'id="unit-instead-hint"' in html


def test_an_officer_with_assigned_work_sees_only_it_and_no_hint(client, users, tree):
    agency = Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    _task(tree.hanoi, agency, title="Việc của sở khác")
    _task(tree.hanoi, agency, title="Việc giao cho tôi", accountable_person=users.officer_hanoi)
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:my_tasks")).content.decode()
    assert "Việc giao cho tôi" in html
    assert "Việc của sở khác" not in html
    assert 'id="unit-instead-hint"' not in html


def _completion_report(task, author, *, days_ago):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    ProgressUpdate.objects.create(
        task=task, author=author, percent=100, status=TaskStatus.DONE, note="Đã xong", created_at=moment
    )
    Task.objects.filter(pk=task.pk).update(
        awaiting_verification=True,
        current_status=TaskStatus.DONE,
        current_percent=100,
        last_update_at=moment,
        last_update_kind=UpdateKind.REPORT,
    )


def test_the_board_lists_awaiting_reports_with_their_age_and_overdue_by_unit(client, users, tree):
    agency = Agency.objects.create(name="UBND phường Hoàn Kiếm", kind=AgencyKind.PEOPLES_COMMITTEE, unit=tree.hoankiem)
    waiting = _task(tree.hoankiem, agency, title="Chờ xác nhận đã lâu")
    _completion_report(waiting, users.officer_hoankiem, days_ago=5)
    _task(tree.hoankiem, agency, title="Quá hạn 1", days_left=-3)
    _task(tree.hoankiem, agency, title="Quá hạn 2", days_left=-1)
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("coordinator_board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chờ xác nhận đã lâu" in html and "Chờ 5 ngày" in html
    assert response.context["overdue_by_unit"] == [
        {"unit__code": "00070", "unit__name": "Phường Hoàn Kiếm", "count": 2}
    ]
    assert response.context["counts"]["awaiting"] == 1
    assert response.context["counts"]["overdue"] == 2


def test_the_board_lists_units_without_this_months_criterion_values(client, users, tree):
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("coordinator_board"))
    names = [unit.name for unit in response.context["missing_units"]]
    assert names == ["Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Sóc Sơn"]
    assert response.context["counts"]["missing"] == 3


def test_the_board_never_shows_another_provinces_tasks(client, users, tree):
    agency = Agency.objects.create(name="Công an Hải Phòng", kind=AgencyKind.POLICE, unit=tree.haiphong)
    _task(tree.hongbang, agency, title="Việc Hải Phòng quá hạn", days_left=-4)
    waiting = _task(tree.hongbang, agency, title="Việc Hải Phòng chờ xác nhận")
    _completion_report(waiting, users.officer_haiphong, days_ago=1)
    client.force_login(users.coordinator_hanoi)
    html = client.get(reverse("coordinator_board")).content.decode()
    assert "Hải Phòng" not in html and "Hồng Bàng" not in html


def test_the_board_is_for_coordinators_only(client, users):
    client.force_login(users.officer_hanoi)
    assert client.get(reverse("coordinator_board")).status_code == 403


def test_the_board_empty_states_say_what_to_do(client, users, tree):
    client.force_login(users.coordinator_hanoi)
    html = client.get(reverse("coordinator_board")).content.decode()
    assert "Khi cán bộ báo cáo hoàn thành" in html


def test_the_board_runs_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    agency = Agency.objects.create(name="UBND phường Hoàn Kiếm", kind=AgencyKind.PEOPLES_COMMITTEE, unit=tree.hoankiem)
    for i in range(15):
        task = _task([tree.hoankiem, tree.badinh, tree.soctson][i % 3], agency, title=f"Việc {i}", days_left=-i - 1)
        if i % 2:
            _completion_report(task, users.officer_hoankiem, days_ago=i)
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coordinator_board"))
    assert response.status_code == 200


def test_the_board_lists_pending_deadline_extension_requests(client, users, tree):
    from tasks import services

    agency = Agency.objects.create(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    task = _task(tree.hanoi, agency, title="Cần gia hạn", accountable_person=users.officer_hanoi)
    services.deadline_extension_request(
        actor=users.officer_hanoi,
        task=task,
        requested_deadline=task.deadline + datetime.timedelta(days=10),
        reason="Chờ dữ liệu",
    )
    client.force_login(users.coordinator_hanoi)
    response = client.get(reverse("coordinator_board"))
    assert response.context["counts"]["extensions"] == 1
    assert "Cần gia hạn" in response.content.decode()
