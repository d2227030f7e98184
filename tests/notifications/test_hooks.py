"""The events of a person's action, raised by the task services: assigned, deadline changed, verified, returned."""

import datetime

import pytest

from notifications.choices import EventType
from notifications.models import Notification
from tasks import services
from tasks.choices import TaskGroup, TaskStatus


def _of(user):
    return list(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_creating_a_task_tells_its_accountable_person(people, programme, agency, tree, today):
    task = services.task_create(
        actor=people.coordinator_hanoi, programme=programme, unit=tree.hanoi, group=TaskGroup.PUBLIC_SERVICES,
        title="Làm sạch dữ liệu dân cư", lead_agency=agency, start_date=today,
        deadline=today + datetime.timedelta(days=20), accountable_person=people.officer_hanoi,
    )  # fmt: skip
    notification = Notification.objects.get(recipient=people.officer_hanoi)
    assert notification.event == EventType.TASK_ASSIGNED
    assert notification.link == f"/nhiem-vu/{task.pk}/"
    assert "Làm sạch dữ liệu dân cư" in notification.title


def test_assigning_a_task_to_oneself_tells_nobody(people, programme, agency, tree, today):
    services.task_create(
        actor=people.coordinator_hanoi, programme=programme, unit=tree.hanoi, group=TaskGroup.PUBLIC_SERVICES,
        title="Việc tự giao", lead_agency=agency, start_date=today, deadline=today + datetime.timedelta(days=20),
        accountable_person=people.coordinator_hanoi,
    )  # fmt: skip
    assert Notification.objects.count() == 0


@pytest.fixture
def created_task(people, programme, agency, tree, today):
    task = services.task_create(
        actor=people.coordinator_hanoi, programme=programme, unit=tree.hanoi, group=TaskGroup.PUBLIC_SERVICES,
        title="Triển khai VNeID", lead_agency=agency, start_date=today, deadline=today + datetime.timedelta(days=20),
        accountable_person=people.officer_hanoi,
    )  # fmt: skip
    Notification.objects.all().delete()
    return task


def test_changing_the_deadline_tells_the_accountable_person_old_and_new_dates(created_task, people, today):
    new_deadline = today + datetime.timedelta(days=40)
    services.task_update(actor=people.coordinator_hanoi, task=created_task, expected_version=1, deadline=new_deadline)
    notification = Notification.objects.get(recipient=people.officer_hanoi)
    assert notification.event == EventType.DEADLINE_CHANGED
    assert new_deadline.strftime("%d/%m/%Y") in notification.body
    assert (today + datetime.timedelta(days=20)).strftime("%d/%m/%Y") in notification.body


def test_an_edit_of_other_fields_tells_nobody(created_task, people):
    services.task_update(actor=people.coordinator_hanoi, task=created_task, expected_version=1, title="Tên mới")
    assert Notification.objects.count() == 0


def test_giving_the_task_to_someone_else_tells_the_new_person(created_task, people):
    services.task_update(
        actor=people.coordinator_hanoi, task=created_task, expected_version=1, accountable_person=people.leader_hanoi
    )
    assert _of(people.leader_hanoi) == [EventType.TASK_ASSIGNED]
    assert _of(people.officer_hanoi) == []


def _report_completion(task, people):
    services.progress_report_submit(
        actor=people.officer_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Đã xong, có biên bản."
    )


def test_a_verified_report_tells_its_author(created_task, people):
    _report_completion(created_task, people)
    services.progress_completion_verify(actor=people.coordinator_hanoi, task=created_task)
    assert _of(people.officer_hanoi) == [EventType.REPORT_VERIFIED]


def test_a_returned_report_tells_its_author_with_the_reason(created_task, people):
    _report_completion(created_task, people)
    services.progress_completion_return(
        actor=people.coordinator_hanoi, task=created_task, reason="Thiếu biên bản nghiệm thu"
    )
    notification = Notification.objects.get(recipient=people.officer_hanoi)
    assert notification.event == EventType.REPORT_RETURNED
    assert "Thiếu biên bản nghiệm thu" in notification.body


def test_a_returned_report_queues_its_email_which_is_on_by_default(
    created_task, people, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.NOTIFY_QUIET_HOURS = ("00:00", "00:00")  # never quiet: the test may run at night
    _report_completion(created_task, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_completion_return(actor=people.coordinator_hanoi, task=created_task, reason="Thiếu số liệu")
    assert [m.to for m in mailoutbox] == [[people.officer_hanoi.email]]
    assert "Thiếu số liệu" in mailoutbox[0].body


def test_a_verification_sends_no_email_by_default(
    created_task, people, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.NOTIFY_QUIET_HOURS = ("00:00", "00:00")
    _report_completion(created_task, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_completion_verify(actor=people.coordinator_hanoi, task=created_task)
    assert mailoutbox == []
    assert _of(people.officer_hanoi) == [EventType.REPORT_VERIFIED]


def test_the_message_is_written_in_vietnamese_when_the_actor_reads_the_portal_in_english(
    created_task, people, monkeypatch
):
    from django.utils import translation

    from notifications import services as notification_services

    languages = []
    real_notify = notification_services.notify
    monkeypatch.setattr(
        notification_services,
        "notify",
        lambda planned: languages.append(translation.get_language()) or real_notify(planned),
    )
    _report_completion(created_task, people)
    with translation.override("en"):
        services.progress_completion_return(actor=people.coordinator_hanoi, task=created_task, reason="Thiếu số liệu")
    assert languages == ["vi"]
