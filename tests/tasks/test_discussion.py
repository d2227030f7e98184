"""Issue 19, item 4: a discussion thread on a task, and requests for a new deadline decided by the coordinator."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tasks import selectors, services
from tasks.choices import ExtensionStatus, TaskStatus
from tasks.models import DeadlineExtensionRequest, ProgressUpdate, Task, TaskComment

pytestmark = pytest.mark.django_db


def later(task, days=30):
    return task.deadline + datetime.timedelta(days=days)


def ask(client, task, *, deadline, reason="Chờ kết nối dữ liệu với Bộ Công an"):
    return client.post(
        reverse("tasks:deadline_extension_request", args=[task.pk]),
        {"requested_deadline": deadline.strftime("%d/%m/%Y"), "reason": reason},
    )


def decide(client, extension, decision, note=""):
    return client.post(
        reverse("tasks:deadline_extension_decide", args=[extension.pk]), {"decision": decision, "decision_note": note}
    )


def test_officer_and_coordinator_discuss_a_task_apart_from_reports(client, users, task):
    client.force_login(users.officer_hanoi)
    response = client.post(
        reverse("tasks:task_comment_add", args=[task.pk]), {"body": "Đã gửi công văn, chờ phản hồi?"}
    )
    assert response.status_code == 302 and response.url.endswith("#trao-doi")
    client.force_login(users.coordinator_hanoi)
    client.post(reverse("tasks:task_comment_add", args=[task.pk]), {"body": "Sở TT&TT sẽ trả lời trong tuần."})
    html = client.get(task.get_absolute_url()).content.decode()
    assert "Đã gửi công văn, chờ phản hồi?" in html and "Sở TT&amp;TT sẽ trả lời trong tuần." in html
    assert not ProgressUpdate.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.current_status == TaskStatus.NOT_STARTED


def test_an_empty_comment_is_refused(client, users, task):
    client.force_login(users.officer_hanoi)
    response = client.post(reverse("tasks:task_comment_add", args=[task.pk]), {"body": "   "})
    assert response.status_code == 400
    assert not TaskComment.objects.exists()


def test_leaders_read_the_thread_but_do_not_post(users, task):
    with pytest.raises(PermissionDenied):
        services.task_comment_add(actor=users.leader_hanoi, task=task, body="Chỉ đạo")


def test_officer_requests_a_new_deadline_which_does_not_move_it(client, users, task):
    deadline = task.deadline
    client.force_login(users.officer_hanoi)
    response = ask(client, task, deadline=later(task))
    assert response.status_code == 302
    extension = DeadlineExtensionRequest.objects.get()
    assert (extension.status, extension.current_deadline, extension.requested_deadline) == (
        ExtensionStatus.PENDING,
        deadline,
        later(task),
    )
    task.refresh_from_db()
    assert task.deadline == deadline


def test_a_request_needs_a_reason_and_a_later_date(client, users, task):
    client.force_login(users.officer_hanoi)
    assert ask(client, task, deadline=later(task), reason="").status_code == 400
    assert ask(client, task, deadline=task.deadline).status_code == 400
    assert not DeadlineExtensionRequest.objects.exists()


def test_one_pending_request_per_task(users, task):
    services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="A"
    )
    with pytest.raises(ValidationError):
        services.deadline_extension_request(
            actor=users.officer_hanoi, task=task, requested_deadline=later(task, 60), reason="B"
        )


def test_approval_moves_the_deadline_through_the_task_service_and_the_history_shows_both(client, users, task):
    old_deadline, old_version = task.deadline, task.version
    extension = services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="Chờ hướng dẫn"
    )
    client.force_login(users.coordinator_hanoi)
    response = decide(client, extension, "dong-y", "Đồng ý, lần cuối")
    assert response.status_code == 302
    task.refresh_from_db()
    extension.refresh_from_db()
    assert task.deadline == later(Task(deadline=old_deadline))
    assert task.version == old_version + 1  # the task service's compare-and-swap
    assert extension.status == ExtensionStatus.APPROVED and extension.decided_by == users.coordinator_hanoi
    # The audit log records who moved the deadline; the request list shows the request and its decision.
    entry = selectors.task_audit_log(task)[0]
    assert entry["record"].history_user == users.coordinator_hanoi
    assert any(label == "thời hạn hoàn thành" for label, _old, _new in entry["changes"])
    html = client.get(task.get_absolute_url()).content.decode()
    assert "Chờ hướng dẫn" in html and "Đồng ý, lần cuối" in html and "Đã đồng ý" in html


def test_refusal_needs_a_reason_and_leaves_the_deadline(client, users, task):
    deadline = task.deadline
    extension = services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="Thiếu người"
    )
    client.force_login(users.coordinator_hanoi)
    assert decide(client, extension, "tu-choi").status_code == 400
    assert decide(client, extension, "tu-choi", "Phải xong đúng hạn theo chỉ đạo").status_code == 302
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == ExtensionStatus.REFUSED and task.deadline == deadline
    html = client.get(task.get_absolute_url()).content.decode()
    assert "Thiếu người" in html and "Phải xong đúng hạn theo chỉ đạo" in html


def test_a_decided_request_cannot_be_decided_again(users, task):
    extension = services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="Lý do"
    )
    services.deadline_extension_decide(actor=users.coordinator_hanoi, extension=extension, approve=False, note="Không")
    with pytest.raises(ValidationError):
        services.deadline_extension_decide(actor=users.coordinator_hanoi, extension=extension, approve=True)


def test_officers_cannot_decide(client, users, task):
    extension = services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="Lý do"
    )
    client.force_login(users.officer_hanoi)
    assert decide(client, extension, "dong-y").status_code == 403
    extension.refresh_from_db()
    assert extension.is_pending


def test_another_province_can_neither_read_nor_change_comments_or_requests(client, users, haiphong_task):
    services.task_comment_add(actor=users.officer_haiphong, task=haiphong_task, body="Bí mật Hải Phòng")
    extension = services.deadline_extension_request(
        actor=users.officer_haiphong, task=haiphong_task, requested_deadline=later(haiphong_task), reason="Lý do HP"
    )
    client.force_login(users.coordinator_hanoi)
    assert client.get(haiphong_task.get_absolute_url()).status_code == 404
    assert client.post(reverse("tasks:task_comment_add", args=[haiphong_task.pk]), {"body": "x"}).status_code == 404
    assert ask(client, haiphong_task, deadline=later(haiphong_task, 90)).status_code == 404
    assert decide(client, extension, "dong-y").status_code == 404
    extension.refresh_from_db()
    assert extension.is_pending and TaskComment.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.deadline_extension_decide(actor=users.coordinator_hanoi, extension=extension, approve=True)


def test_task_page_with_a_long_thread_runs_a_fixed_number_of_queries(
    client, users, task, django_assert_max_num_queries
):
    for i in range(20):
        services.task_comment_add(actor=users.officer_hanoi, task=task, body=f"Trao đổi {i}")
    extension = services.deadline_extension_request(
        actor=users.officer_hanoi, task=task, requested_deadline=later(task), reason="Lý do"
    )
    services.deadline_extension_decide(actor=users.coordinator_hanoi, extension=extension, approve=False, note="Không")
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(16):
        response = client.get(task.get_absolute_url())
    assert len(response.context["comments"]) == 20
