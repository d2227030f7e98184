"""A leader lands on the dashboard of a programme that has tasks in their scope (issue 19, "land on the work")."""

import datetime

import pytest
from django.urls import reverse

from tasks.models import Programme

pytestmark = pytest.mark.django_db


def test_the_dashboard_home_skips_a_programme_with_no_task_in_scope(client, users, programme, make_task):
    """A plan with indicators only ("Kế hoạch lắp đặt…", sorted before "Đề án 06") is not the page a leader lands on:
    the demo's leader landed on "Chưa có số liệu nhiệm vụ" while Đề án 06 had 736 tasks."""
    make_task(title="Cấp tài khoản định danh điện tử mức 2")
    Programme.objects.create(
        name="Kế hoạch lắp đặt thiết bị cảnh báo cháy sớm năm 2026", document_number="12/KH-UBND",
        issuing_body="UBND Thành phố", year=2026, start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("dashboards:home"))
    assert response.url == reverse("dashboards:unit_dashboard", args=[programme.pk, "01"])


def test_with_no_task_anywhere_the_first_programme_is_still_shown(client, users, programme):
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("dashboards:home"))
    assert response.url == reverse("dashboards:unit_dashboard", args=[programme.pk, "01"])
