import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tasks import services
from tasks.choices import TaskStatus
from tasks.models import Task

from .conftest import pdf_file

pytestmark = pytest.mark.django_db


def test_task_admin_lists_filters_and_searches(client, users, task, haiphong_task):
    client.force_login(users.admin)
    url = reverse("admin:tasks_task_changelist")
    assert client.get(url, {"q": "25 dịch vụ"}).context["cl"].result_count == 1
    assert client.get(url, {"province": "31"}).context["cl"].result_count == 1
    assert client.get(url, {"current_status__exact": TaskStatus.NOT_STARTED}).context["cl"].result_count == 2


def test_task_admin_shows_updates_read_only_and_history(client, users, task):
    update = services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=35, status=TaskStatus.IN_PROGRESS, note="Ghi chú trong admin",
        files=[pdf_file()],
    )  # fmt: skip
    client.force_login(users.admin)
    page = client.get(reverse("admin:tasks_task_change", args=[task.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ghi chú trong admin" in html
    assert 'name="updates-0-note"' not in html  # read-only inline, no input
    history = client.get(reverse("admin:tasks_task_history", args=[task.pk]))
    assert history.status_code == 200 and "canbo.hanoi" in history.content.decode()
    evidence = update.evidence.get()
    evidence_page = client.get(reverse("admin:tasks_evidencefile_change", args=[evidence.pk])).content.decode()
    assert evidence.get_absolute_url() in evidence_page


def test_programme_and_agency_admin_search(client, users, programme, agencies):
    client.force_login(users.admin)
    found = client.get(reverse("admin:tasks_agency_changelist"), {"q": "Công an"}).context["cl"].result_count
    assert found == 3
    assert client.get(reverse("admin:tasks_programme_changelist"), {"q": "06/QĐ-TTg"}).context["cl"].result_count == 1


def test_role_groups_get_the_tasks_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"add_task", "change_task", "view_task"} <= perms["Thường trực"]
    assert "add_progressupdate" in perms["Cán bộ"] and "add_task" not in perms["Cán bộ"]
    assert "view_task" in perms["Lãnh đạo"] and "add_progressupdate" not in perms["Lãnh đạo"]
    assert "delete_task" in perms["Quản trị"] and "delete_progressupdate" not in perms["Quản trị"]


# Scope: a Hà Nội account with the Quản trị group and staff status (issue 12) ---------------------


@pytest.fixture
def provincial_admin(tree):
    from roles.choices import Role
    from tests.factories import make_user

    return make_user("quantri.hanoi.cu", unit=tree.hanoi, role=Role.ADMIN, is_staff=True)


def answered_as_missing(response):
    """Django admin answers a row outside get_queryset as it answers a deleted one: back to the index."""
    return response.status_code == 302 and response.url == reverse("admin:index")


def test_task_changelist_of_a_provincial_admin_lists_only_the_subtree(client, provincial_admin, task, haiphong_task):
    client.force_login(provincial_admin)
    listed = client.get(reverse("admin:tasks_task_changelist")).context["cl"].result_list
    assert list(listed) == [task]


def test_another_provinces_task_cannot_be_opened_or_changed(client, provincial_admin, haiphong_task):
    client.force_login(provincial_admin)
    url = reverse("admin:tasks_task_change", args=[haiphong_task.pk])
    assert answered_as_missing(client.get(url))
    assert answered_as_missing(client.post(url, {"title": "Đã bị sửa"}))
    haiphong_task.refresh_from_db()
    assert haiphong_task.title == "Thí điểm cấp phiếu lý lịch tư pháp trên VNeID"
    delete = client.post(reverse("admin:tasks_task_delete", args=[haiphong_task.pk]), {"post": "yes"})
    assert answered_as_missing(delete)
    assert Task.objects.filter(pk=haiphong_task.pk).exists()


def test_another_provinces_task_history_is_refused(client, provincial_admin, haiphong_task):
    """simple_history rebuilds a row from its history when get_queryset misses it: the scope still holds."""
    client.force_login(provincial_admin)
    response = client.get(reverse("admin:tasks_task_history", args=[haiphong_task.pk]))
    assert response.status_code == 403
    version = haiphong_task.history.latest("history_date")
    response = client.get(reverse("admin:tasks_task_simple_history", args=[haiphong_task.pk, version.history_id]))
    assert response.status_code == 403


def test_bulk_delete_reaches_only_the_subtree(client, provincial_admin, task, haiphong_task):
    client.force_login(provincial_admin)
    client.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "delete_selected", "_selected_action": [task.pk, haiphong_task.pk], "post": "yes"},
    )
    assert Task.objects.filter(pk=haiphong_task.pk).exists()


def test_task_form_choices_exclude_other_provinces(
    client, provincial_admin, tree, users, agencies, task, haiphong_task
):
    client.force_login(provincial_admin)
    fields = client.get(reverse("admin:tasks_task_change", args=[task.pk])).context["adminform"].form.fields
    assert tree.haiphong not in fields["unit"].queryset and tree.hoankiem in fields["unit"].queryset
    assert users.officer_haiphong not in fields["accountable_person"].queryset
    assert users.officer_hanoi in fields["accountable_person"].queryset
    assert agencies.police_haiphong not in fields["lead_agency"].queryset
    assert agencies.ministry in fields["lead_agency"].queryset  # a central ministry may lead a province's task
    assert agencies.police_haiphong not in fields["coordinating_agencies"].queryset
    assert haiphong_task not in fields["parent"].queryset


def test_task_cannot_be_moved_to_another_province(client, provincial_admin, tree, task, programme, agencies):
    client.force_login(provincial_admin)
    data = {
        "programme": programme.pk,
        "unit": tree.haiphong.pk,
        "group": task.group,
        "title": task.title,
        "lead_agency": agencies.science_hanoi.pk,
        "start_date": task.start_date.strftime("%d/%m/%Y"),
        "deadline": task.deadline.strftime("%d/%m/%Y"),
        "weight": "1",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:tasks_task_change", args=[task.pk]), data)
    assert response.status_code == 200 and list(response.context["adminform"].form.errors) == ["unit"]
    task.refresh_from_db()
    assert task.unit == tree.hanoi


def test_task_autocomplete_answers_only_inside_the_subtree(client, provincial_admin, task, haiphong_task):
    client.force_login(provincial_admin)

    def search(field_name, term):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "tasks", "model_name": "task", "field_name": field_name, "term": term},
        )
        return [row["text"] for row in response.json()["results"]]

    assert search("accountable_person", "canbo") == ["canbo.hanoi", "canbo.hoankiem"]
    assert search("lead_agency", "Hải Phòng") == []
    assert search("parent", "VNeID") == []
    assert search("unit", "Hồng Bàng") == []


def test_national_and_parent_agencies_are_listed_but_read_only(client, provincial_admin, agencies):
    client.force_login(provincial_admin)
    listed = set(client.get(reverse("admin:tasks_agency_changelist")).context["cl"].result_list)
    assert agencies.ministry in listed and agencies.police_hanoi in listed
    assert agencies.police_haiphong not in listed
    url = reverse("admin:tasks_agency_change", args=[agencies.ministry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Đã bị sửa", "kind": agencies.ministry.kind}).status_code == 403
    agencies.ministry.refresh_from_db()
    assert agencies.ministry.name == "Bộ Công an"


def test_national_programme_is_read_only_for_a_provincial_admin(client, provincial_admin, programme):
    client.force_login(provincial_admin)
    url = reverse("admin:tasks_programme_change", args=[programme.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Đã bị sửa"}).status_code == 403
    programme.refresh_from_db()
    assert programme.name != "Đã bị sửa"


def test_evidence_of_another_province_cannot_be_opened(client, provincial_admin, users, haiphong_task):
    update = services.progress_report_submit(
        actor=users.officer_haiphong, task=haiphong_task, percent=10, status=TaskStatus.IN_PROGRESS,
        files=[pdf_file()],
    )  # fmt: skip
    evidence = update.evidence.get()
    client.force_login(provincial_admin)
    assert client.get(reverse("admin:tasks_evidencefile_changelist")).context["cl"].result_count == 0
    assert answered_as_missing(client.get(reverse("admin:tasks_evidencefile_change", args=[evidence.pk])))
