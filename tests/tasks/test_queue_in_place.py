"""Issue 19, item 3: verify in place: the queue shows each report in full and is worked without leaving it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks import services
from tasks.choices import TaskStatus, UpdateKind
from tasks.models import ProgressUpdate, Task

from .conftest import pdf_file

pytestmark = pytest.mark.django_db

QUEUE = reverse("tasks:verification_queue")


def complete(task, user, note="Đã cấp 1.200 phiếu trên VNeID", files=()):
    services.progress_report_submit(
        actor=user, task=task, percent=100, status=TaskStatus.DONE, note=note, files=list(files)
    )
    task.refresh_from_db()
    return task.updates.first()


def test_the_queue_shows_reporter_note_evidence_and_days_waiting(client, users, task):
    users.officer_hanoi.full_name = "Nguyễn Thị Lan"
    users.officer_hanoi.save()
    report = complete(task, users.officer_hanoi, files=[pdf_file("bien-ban-nghiem-thu.pdf")])
    client.force_login(users.coordinator_hanoi)
    html = client.get(QUEUE).content.decode()
    assert "Báo cáo của Nguyễn Thị Lan" in html
    assert "Đã cấp 1.200 phiếu trên VNeID" in html
    assert (
        "bien-ban-nghiem-thu.pdf" in html
        and reverse("tasks:evidence_download", args=[report.evidence.get().pk]) in html
    )
    assert "Gửi hôm nay" in html


def test_days_waiting_count_from_the_report(client, users, task):
    report = complete(task, users.officer_hanoi)
    sent = timezone.now() - datetime.timedelta(days=4)
    ProgressUpdate.objects.filter(pk=report.pk).update(created_at=sent)
    Task.objects.filter(pk=task.pk).update(last_update_at=sent)
    client.force_login(users.coordinator_hanoi)
    assert "Chờ 4 ngày" in client.get(QUEUE).content.decode()


def test_confirm_from_the_queue_comes_back_to_the_queue(client, users, task):
    report = complete(task, users.officer_hanoi)
    client.force_login(users.coordinator_hanoi)
    response = client.post(
        QUEUE, {"confirm": task.pk, f"report-{task.pk}": report.pk, f"note-{task.pk}": "Đủ minh chứng"}
    )
    assert response.status_code == 302 and response.url == QUEUE
    task.refresh_from_db()
    assert task.completion_verified
    assert task.updates.first().kind == UpdateKind.VERIFIED and task.updates.first().note == "Đủ minh chứng"


def test_a_confirm_without_the_report_that_was_on_screen_is_refused(client, users, task):
    complete(task, users.officer_hanoi)
    client.force_login(users.coordinator_hanoi)
    client.post(QUEUE, {"confirm": task.pk})
    task.refresh_from_db()
    assert task.awaiting_verification and not task.completion_verified


def test_a_report_replaced_after_the_page_was_opened_is_not_confirmed_unread(client, users, task):
    old = complete(task, users.officer_hanoi)
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Sửa lại"
    )
    client.force_login(users.coordinator_hanoi)
    response = client.post(QUEUE, {"confirm": task.pk, f"report-{task.pk}": old.pk}, follow=True)
    assert "đã thay đổi sau khi bạn mở trang" in response.content.decode()
    task.refresh_from_db()
    assert not task.completion_verified


def test_return_with_a_reason_from_the_queue(client, users, task):
    complete(task, users.officer_hanoi)
    client.force_login(users.coordinator_hanoi)
    response = client.post(QUEUE, {"return": task.pk, f"reason-{task.pk}": "Thiếu biên bản nghiệm thu"})
    assert response.url == QUEUE
    task.refresh_from_db()
    assert not task.awaiting_verification
    assert task.updates.first().kind == UpdateKind.RETURNED and task.updates.first().note == "Thiếu biên bản nghiệm thu"


def test_return_without_a_reason_is_refused(client, users, task):
    complete(task, users.officer_hanoi)
    client.force_login(users.coordinator_hanoi)
    response = client.post(QUEUE, {"return": task.pk, f"reason-{task.pk}": "  "}, follow=True)
    assert "Hãy nêu lý do trả lại báo cáo." in response.content.decode()
    task.refresh_from_db()
    assert task.awaiting_verification


def test_confirm_several_at_once_each_through_the_service(client, users, make_task):
    tasks = [make_task(title=f"Nhiệm vụ {i}", accountable_person=users.officer_hanoi) for i in range(3)]
    reports = [complete(t, users.officer_hanoi) for t in tasks]
    client.force_login(users.coordinator_hanoi)
    data = {"confirm_selected": "1", "selected": [tasks[0].pk, tasks[2].pk]}
    data.update({f"report-{t.pk}": r.pk for t, r in zip(tasks, reports, strict=True)})
    client.post(QUEUE, data)
    verified = {t.pk: Task.objects.get(pk=t.pk).completion_verified for t in tasks}
    assert verified == {tasks[0].pk: True, tasks[1].pk: False, tasks[2].pk: True}
    assert ProgressUpdate.objects.filter(kind=UpdateKind.VERIFIED, author=users.coordinator_hanoi).count() == 2


def test_confirm_several_is_all_or_nothing(client, users, make_task):
    """One report the coordinator wrote themself (four eyes) stops the whole batch, in one transaction."""
    first = make_task(title="Của cán bộ", accountable_person=users.officer_hanoi)
    own = make_task(title="Của chính Thường trực")
    first_report = complete(first, users.officer_hanoi)
    own_report = complete(own, users.coordinator_hanoi)
    client.force_login(users.coordinator_hanoi)
    response = client.post(
        QUEUE,
        {
            "confirm_selected": "1",
            "selected": [first.pk, own.pk],
            f"report-{first.pk}": first_report.pk,
            f"report-{own.pk}": own_report.pk,
        },
        follow=True,
    )
    assert "Chưa xác nhận báo cáo nào" in response.content.decode()
    assert not Task.objects.filter(completion_verified=True).exists()


def test_another_provinces_report_cannot_be_confirmed_or_returned_from_the_queue(client, users, haiphong_task):
    report = complete(haiphong_task, users.officer_haiphong)
    client.force_login(users.coordinator_hanoi)
    client.post(QUEUE, {"confirm": haiphong_task.pk, f"report-{haiphong_task.pk}": report.pk})
    client.post(QUEUE, {"return": haiphong_task.pk, f"reason-{haiphong_task.pk}": "x"})
    client.post(
        QUEUE, {"confirm_selected": "1", "selected": [haiphong_task.pk], f"report-{haiphong_task.pk}": report.pk}
    )
    haiphong_task.refresh_from_db()
    assert haiphong_task.awaiting_verification and not haiphong_task.completion_verified
    assert "Hồng Bàng" not in client.get(QUEUE).content.decode()


def test_officers_cannot_post_to_the_queue(client, users, task):
    report = complete(task, users.officer_hanoi)
    client.force_login(users.officer_hoankiem)
    assert client.post(QUEUE, {"confirm": task.pk, f"report-{task.pk}": report.pk}).status_code == 403


def test_forged_ids_are_ignored(client, users, task):
    client.force_login(users.coordinator_hanoi)
    for value in ("abc", "9" * 40, "-1", ""):
        response = client.post(QUEUE, {"confirm_selected": "1", "selected": [value]})
        assert response.status_code == 302


def test_the_queue_runs_a_fixed_number_of_queries(client, users, make_task, django_assert_max_num_queries):
    for i in range(20):
        complete(make_task(title=f"Nhiệm vụ {i}"), users.officer_hanoi, files=[pdf_file()])
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)
    assert len(response.context["tasks"]) == 20
