"""Per-user limits on reports, exports and imports: 429 in Vietnamese, nothing built, other users unaffected."""

from unittest import mock

import pytest
from django.urls import reverse

from exports import pending
from exports.throttle import reset_count

from .conftest import xlsx_bytes
from .test_task_import import HEADER, row, upload

pytestmark = pytest.mark.django_db


def report(client, programme, tree):
    return client.get(reverse("exports:report"), {"programme": programme.pk, "unit": tree.hanoi.code, "ky": "2026-Q3"})


def test_reports_over_the_limit_get_429_with_a_vietnamese_message(client, settings, users, tree, programme):
    settings.THROTTLE_RATES = {"reports": (2, 3600)}
    client.force_login(users.leader_hanoi)
    assert [report(client, programme, tree).status_code for _i in range(2)] == [200, 200]
    with mock.patch("exports.report_views.build_report") as build:
        refused = report(client, programme, tree)
    assert refused.status_code == 429
    assert not build.called
    assert "Bạn đã tạo 2 báo cáo trong 60 phút, đã đến giới hạn." in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600


def test_the_limit_is_per_user(client, settings, users, tree, programme):
    settings.THROTTLE_RATES = {"reports": (1, 3600)}
    client.force_login(users.leader_hanoi)
    assert report(client, programme, tree).status_code == 200
    assert report(client, programme, tree).status_code == 429
    client.force_login(users.coordinator_hanoi)
    assert report(client, programme, tree).status_code == 200


def test_reset_count_lets_only_that_user_start_the_window_again(client, settings, users, tree, programme):
    settings.THROTTLE_RATES = {"reports": (1, 3600)}
    for user in (users.leader_hanoi, users.coordinator_hanoi):
        client.force_login(user)
        assert report(client, programme, tree).status_code == 200
    reset_count(users.leader_hanoi, "reports")
    client.force_login(users.leader_hanoi)
    assert report(client, programme, tree).status_code == 200
    client.force_login(users.coordinator_hanoi)
    assert report(client, programme, tree).status_code == 429


def test_an_invalid_report_form_is_not_counted(client, settings, users, tree, programme):
    settings.THROTTLE_RATES = {"reports": (1, 3600)}
    client.force_login(users.leader_hanoi)
    assert client.get(reverse("exports:report")).status_code == 400
    assert report(client, programme, tree).status_code == 200


@pytest.mark.parametrize("name", ["tasks_xlsx", "task_template"])
def test_exports_over_the_limit_get_429(client, settings, users, name):
    settings.THROTTLE_RATES = {"exports": (1, 3600)}
    client.force_login(users.coordinator_hanoi)
    assert client.get(reverse(f"exports:{name}")).status_code == 200
    refused = client.get(reverse(f"exports:{name}"))
    assert refused.status_code == 429
    assert "Bạn đã tải 1 tệp xuất trong 60 phút" in refused.content.decode()


def test_imports_over_the_limit_get_429_and_keep_nothing(client, settings, users, tree, programme, agencies):
    settings.THROTTLE_RATES = {"imports": (1, 3600)}
    client.force_login(users.coordinator_hanoi)
    data = xlsx_bytes([HEADER, row("Việc mới")])
    assert upload(client, programme, tree.hanoi, data).status_code == 200
    assert client.get(reverse("exports:task_import")).status_code == 200  # the page itself is not counted
    with mock.patch.object(pending, "keep") as keep:
        refused = upload(client, programme, tree.hanoi, data)
    assert refused.status_code == 429
    assert not keep.called
    assert "Bạn đã gửi 1 tệp nhập trong 60 phút" in refused.content.decode()


def test_an_unreachable_cache_lets_the_work_through(client, settings, users, tree, programme):
    settings.THROTTLE_RATES = {"reports": (0, 3600)}
    client.force_login(users.leader_hanoi)
    with mock.patch("exports.throttle.cache.incr", side_effect=ConnectionError("redis down")):
        assert report(client, programme, tree).status_code == 200
