import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tasks import services
from tasks.choices import TaskStatus

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
