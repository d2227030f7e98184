"""In a real browser (Chromium through Playwright): the bell counts, opens the list, and a read lowers it."""

import shutil

import pytest
from django.utils import timezone

from notifications.choices import EventType
from notifications.models import Notification

from .conftest import CHROMIUM, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]


def test_the_bell_shows_the_count_and_reading_one_lowers_it(page, live_server, users):
    for i, title in enumerate(("Quá hạn 1 ngày: Cấp căn cước", "Còn 7 ngày đến hạn: Kích hoạt VNeID")):
        Notification.objects.create(
            recipient=users.officer_hanoi, event=EventType.DEADLINE_PASSED, object_key=f"task:{i}", title=title,
            day=timezone.localdate(), link="/nhiem-vu/",
        )  # fmt: skip
    log_in(page, live_server, "canbo.hanoi")
    page.goto(f"{live_server.url}/nhiem-vu/")
    assert page.inner_text("[data-testid=notification-unread]") == "2"

    page.click("[data-testid=notification-bell]")
    page.wait_for_url(f"{live_server.url}/thong-bao/")
    assert page.locator("[data-testid=notification]").count() == 2
    page.locator("[data-testid=mark-read]").first.click()
    page.wait_for_load_state("load")
    assert page.inner_text("[data-testid=notification-unread]") == "1"
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
