"""Input that is never silently changed (issue 19 item 9): dates dd/mm/yyyy in any language, Vietnamese
numbers, the portal's messages instead of the browser's, buttons of long work marked for the script."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tasks.models import Task

pytestmark = pytest.mark.django_db


def task_data(programme, tree, agencies, **overrides):
    return {
        "programme": programme.pk, "unit": tree.hoankiem.pk, "group": "cong_dan_so",
        "title": "Cấp tài khoản định danh điện tử", "lead_agency": agencies.police_hanoi.pk,
        "start_date": "05/01/2026", "deadline": "30/06/2026", "weight": "1", **overrides,
    }  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_typed_dd_mm_yyyy_is_that_day_whatever_the_language(client, users, programme, tree, agencies, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.coordinator_hanoi)

    data = task_data(programme, tree, agencies, start_date="01/12/2026", deadline="10/12/2026")
    response = client.post(reverse("tasks:task_create"), data)

    assert response.status_code == 302
    assert Task.objects.get().deadline == datetime.date(2026, 12, 10)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_task_form_shows_dates_as_dd_mm_yyyy_text_never_a_browser_date_box(client, users, task, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(users.coordinator_hanoi)

    html = client.get(reverse("tasks:task_edit", kwargs={"pk": task.pk})).content.decode()

    assert 'type="date"' not in html
    deadline = re.search(r'<input [^>]*name="deadline"[^>]*>', html).group(0)
    assert 'type="text"' in deadline and 'placeholder="dd/mm/yyyy"' in deadline
    assert f'value="{task.deadline:%d/%m/%Y}"' in deadline


def test_a_date_in_another_order_gets_the_portals_message(client, users, programme, tree, agencies):
    client.force_login(users.coordinator_hanoi)

    response = client.post(reverse("tasks:task_create"), task_data(programme, tree, agencies, deadline="12/31/2026"))

    assert response.status_code == 400
    assert "hãy nhập theo dạng dd/mm/yyyy" in response.content.decode()
    assert 'value="12/31/2026"' in response.content.decode()  # what was typed is kept, not rewritten


@pytest.mark.parametrize(("typed", "stored"), [("1,5", Decimal("1.50")), ("1.500", Decimal("1500.00"))])
def test_a_weight_is_read_as_vietnamese_write_it(client, users, programme, tree, agencies, typed, stored):
    client.force_login(users.coordinator_hanoi)

    response = client.post(reverse("tasks:task_create"), task_data(programme, tree, agencies, weight=typed))

    assert response.status_code == 302
    assert Task.objects.get().weight == stored


def test_numbers_are_typed_in_text_boxes_the_browser_does_not_rewrite(client, users, task):
    client.force_login(users.coordinator_hanoi)

    edit = client.get(reverse("tasks:task_edit", kwargs={"pk": task.pk})).content.decode()
    client.force_login(users.officer_hanoi)
    report = client.get(reverse("tasks:task_detail", kwargs={"pk": task.pk})).content.decode()

    assert 'type="number"' not in edit and 'type="number"' not in report
    assert re.search(r'<input type="text" name="percent"[^>]*inputmode="numeric"', report)


@pytest.mark.parametrize("page", ["tasks:task_create", "tasks:programme_copy", "exports:task_import"])
def test_forms_leave_checking_to_the_portal_not_the_browser(client, users, page):
    client.force_login(users.coordinator_hanoi)

    html = client.get(reverse(page)).content.decode()

    forms = re.findall(r"<form\b[^>]*>", html)
    assert forms and all("novalidate" in form for form in forms), forms


def test_the_login_form_uses_the_portals_messages(client):
    forms = re.findall(r"<form\b[^>]*>", client.get(reverse("login")).content.decode())

    assert forms and all("novalidate" in form for form in forms)


def test_buttons_of_long_work_are_marked_for_the_busy_script(client, users):
    client.force_login(users.coordinator_hanoi)

    upload = client.get(reverse("exports:task_import")).content.decode()
    report = client.get(reverse("exports:report")).content.decode()

    assert 'data-busy-label="Đang kiểm tra tệp…"' in upload
    assert re.search(r'<form [^>]*data-busy-label="Đang tạo báo cáo…" data-busy-download', report)


def test_every_form_the_portal_writes_uses_the_portals_messages():
    """A new template cannot bring the browser's English bubbles back: every <form> says novalidate."""

    templates = [path for folder in settings.TEMPLATES[0]["DIRS"] for path in Path(folder).rglob("*.html")]
    without = [
        f"{path.name}: {tag}"
        for path in templates
        for tag in re.findall(r"<form\b[^>]*>", path.read_text(encoding="utf-8"))
        if "novalidate" not in tag
    ]
    assert templates and without == []


def test_no_template_asks_the_browser_for_its_own_date_format():
    """type="date" shows and reads the browser's order (mm/dd in English): dates are dd/mm/yyyy text."""
    templates = [path for folder in settings.TEMPLATES[0]["DIRS"] for path in Path(folder).rglob("*.html")]
    offending = [path.name for path in templates if 'type="date"' in path.read_text(encoding="utf-8")]
    assert templates and offending == []
