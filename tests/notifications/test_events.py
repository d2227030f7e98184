"""The day's events: who is told what, computed from the data in a fixed number of queries."""

import datetime

from django.utils import timezone

from notifications.choices import EventType
from notifications.events import daily_events
from tasks.choices import BlockReason, TaskStatus
from tasks.models import ProgressUpdate, Task


def _pairs(day):
    return {(p.event, p.recipient_id, p.task_id) for p in daily_events(day)}


def _at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def test_the_accountable_officer_is_reminded_seven_days_and_one_day_before_the_deadline(make_task, people, today):
    in7 = make_task(deadline_in=7, accountable_person=people.officer_hanoi)
    in1 = make_task(deadline_in=1, accountable_person=people.officer_hanoi)
    make_task(deadline_in=3, accountable_person=people.officer_hanoi)
    events = _pairs(today)
    assert events == {
        (EventType.DEADLINE_APPROACHING, people.officer_hanoi.pk, in7.pk),
        (EventType.DEADLINE_APPROACHING, people.officer_hanoi.pk, in1.pk),
    }


def test_reminder_days_are_a_setting(make_task, people, today, settings):
    settings.NOTIFY_REMINDER_DAYS_BEFORE = [3]
    in3 = make_task(deadline_in=3, accountable_person=people.officer_hanoi)
    make_task(deadline_in=7, accountable_person=people.officer_hanoi)
    assert _pairs(today) == {(EventType.DEADLINE_APPROACHING, people.officer_hanoi.pk, in3.pk)}


def test_a_done_task_gets_no_reminder(make_task, people, today):
    task = make_task(deadline_in=1, accountable_person=people.officer_hanoi)
    Task.objects.filter(pk=task.pk).update(current_status=TaskStatus.DONE, current_percent=100)
    assert _pairs(today) == set()


def test_the_ladder_officer_the_day_after_coordinator_after_three_days_leader_after_seven(make_task, people, today):
    """A ward's task climbs to the coordinators and leaders of the nearest unit that has them (Hà Nội)."""
    late1 = make_task(deadline_in=-1, accountable_person=people.officer_hoankiem)
    late3 = make_task(deadline_in=-3, accountable_person=people.officer_hoankiem)
    late7 = make_task(deadline_in=-7, accountable_person=people.officer_hoankiem)
    make_task(deadline_in=-5, accountable_person=people.officer_hoankiem)  # between the rungs: nobody
    events = {(e, r, t) for e, r, t in _pairs(today) if e != EventType.DAILY_DIGEST}
    assert events == {
        (EventType.DEADLINE_PASSED, people.officer_hoankiem.pk, late1.pk),
        (EventType.ESCALATED_TO_COORDINATOR, people.coordinator_hanoi.pk, late3.pk),
        (EventType.ESCALATED_TO_LEADER, people.leader_hanoi.pk, late7.pk),
    }


def test_the_ladder_days_are_settings(make_task, people, today, settings):
    settings.NOTIFY_ESCALATION_DAYS = {"officer": 2, "coordinator": 4, "leader": 10}
    late4 = make_task(deadline_in=-4)
    make_task(deadline_in=-3)
    assert (EventType.ESCALATED_TO_COORDINATOR, people.coordinator_hanoi.pk, late4.pk) in _pairs(today)
    assert not [e for e in _pairs(today) if e[2] != late4.pk and e[0] != EventType.DAILY_DIGEST]


def _report(task, author, *, status, day, kind="bao_cao", block_reason="", percent=None):
    update = ProgressUpdate.objects.create(
        task=task, author=author, kind=kind, status=status, block_reason=block_reason, created_at=_at(day),
        percent=100 if status in (TaskStatus.DONE, TaskStatus.DONE_LATE) else (percent or 40),
    )  # fmt: skip
    Task.objects.filter(pk=task.pk).update(
        current_status=status, current_block_reason=block_reason, last_update_at=update.created_at,
        last_update_kind=kind, current_percent=update.percent,
        awaiting_verification=kind == "bao_cao" and status == TaskStatus.DONE,
    )  # fmt: skip
    return update


def test_a_task_that_became_blocked_yesterday_tells_the_coordinators_with_the_reason(make_task, people, today):
    task = make_task()
    _report(task, people.officer_hoankiem, status=TaskStatus.BLOCKED, block_reason=BlockReason.FUNDING,
            day=today - datetime.timedelta(days=1))  # fmt: skip
    blocked = [p for p in daily_events(today) if p.event == EventType.TASK_BLOCKED]
    assert [p.recipient_id for p in blocked] == [people.coordinator_hanoi.pk]
    assert "Thiếu kinh phí" in blocked[0].body


def test_a_task_already_blocked_before_yesterday_is_not_announced_again(make_task, people, today):
    task = make_task()
    _report(task, people.officer_hoankiem, status=TaskStatus.BLOCKED, block_reason=BlockReason.FUNDING,
            day=today - datetime.timedelta(days=5))  # fmt: skip
    _report(task, people.officer_hoankiem, status=TaskStatus.BLOCKED, block_reason=BlockReason.DATA,
            day=today - datetime.timedelta(days=1))  # fmt: skip
    assert not [p for p in daily_events(today) if p.event == EventType.TASK_BLOCKED]


def test_a_completion_report_of_yesterday_awaits_the_coordinators_verification(make_task, people, today):
    task = make_task()
    _report(task, people.officer_hoankiem, status=TaskStatus.DONE, day=today - datetime.timedelta(days=1))
    awaiting = [p for p in daily_events(today) if p.event == EventType.AWAITING_VERIFICATION]
    assert [(p.recipient_id, p.task_id) for p in awaiting] == [(people.coordinator_hanoi.pk, task.pk)]


def test_the_leaders_digest_lists_what_changed_in_their_scope_only(make_task, people, tree, today):
    overdue = make_task(deadline_in=-1, title="Việc mới quá hạn")
    blocked = make_task(title="Việc mới vướng mắc")
    _report(blocked, people.officer_hoankiem, status=TaskStatus.BLOCKED, block_reason=BlockReason.LEGAL,
            day=today - datetime.timedelta(days=1))  # fmt: skip
    done = make_task(title="Việc đã xong")
    _report(done, people.officer_hoankiem, status=TaskStatus.DONE, day=today - datetime.timedelta(days=2))
    _report(
        done, people.coordinator_hanoi, status=TaskStatus.DONE, kind="xac_nhan", day=today - datetime.timedelta(days=1)
    )
    waiting = make_task(title="Việc chờ xác nhận")
    _report(waiting, people.officer_hoankiem, status=TaskStatus.DONE, day=today - datetime.timedelta(days=1))
    make_task(unit=tree.hongbang, deadline_in=-1, title="Việc của Hải Phòng")

    digests = {p.recipient_id: p for p in daily_events(today) if p.event == EventType.DAILY_DIGEST}
    hanoi = digests[people.leader_hanoi.pk]
    lines = {(s["title"], line["title"]) for s in hanoi.details["sections"] for line in s["lines"]}
    assert lines == {
        ("Mới quá hạn", overdue.title),
        ("Mới vướng mắc", blocked.title),
        ("Đã hoàn thành (được xác nhận)", done.title),
        ("Chờ xác nhận hoàn thành", waiting.title),
    }
    assert all(line["link"].startswith("/nhiem-vu/") for s in hanoi.details["sections"] for line in s["lines"])
    haiphong = digests[people.leader_haiphong.pk]
    assert [line["title"] for s in haiphong.details["sections"] for line in s["lines"]] == ["Việc của Hải Phòng"]


def test_no_digest_for_a_leader_whose_scope_did_not_change(make_task, people, today):
    make_task(deadline_in=20)
    assert not [p for p in daily_events(today) if p.event == EventType.DAILY_DIGEST]


def test_the_events_take_a_fixed_number_of_queries(make_task, people, today, django_assert_num_queries, settings):
    settings.NOTIFY_EMPTY_GRID_DAYS_BEFORE = -1  # not the criteria reminder's day (3 queries more on that day)
    make_task(deadline_in=-1, accountable_person=people.officer_hanoi)
    with django_assert_num_queries(5) as few:
        daily_events(today)
    for offset in (-7, -3, -1, 1, 7) * 10:
        make_task(deadline_in=offset, accountable_person=people.officer_hanoi)
    with django_assert_num_queries(5):
        planned = daily_events(today)
    assert len(planned) > 40
    assert few


def test_a_long_digest_section_lists_the_first_tasks_and_counts_the_rest(make_task, people, today, settings):
    from notifications import events

    for i in range(events.DIGEST_LINES + 5):
        make_task(deadline_in=-1, title=f"Việc {i}")
    digest = next(
        p for p in daily_events(today) if p.event == EventType.DAILY_DIGEST and p.recipient_id == people.leader_hanoi.pk
    )
    lines = digest.details["sections"][0]["lines"]
    assert len(lines) == events.DIGEST_LINES + 1
    assert lines[-1]["title"] == "… và 5 nhiệm vụ khác"
    assert f"Mới quá hạn: {events.DIGEST_LINES + 5}" in digest.title


def _five_days_before_month_end(today):
    from notifications.events import _month_end

    end = _month_end(today)
    return end - datetime.timedelta(days=5)


def _criteria_set():
    from pccc.choices import Aggregation, Comparator
    from pccc.models import CriteriaSet, Criterion

    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    criterion = Criterion.objects.create(
        criteria_set=criteria_set, code="TC4", title="Số vụ cháy nghiêm trọng", level=3,
        comparator=Comparator.EQUALS_ZERO, aggregation=Aggregation.SUM,
    )  # fmt: skip
    return criteria_set, criterion


def test_an_officer_whose_unit_has_no_criterion_value_is_reminded_before_the_month_ends(people, tree, today):
    from pccc.models import Assessment, AssessmentSubmission

    day = _five_days_before_month_end(today)
    criteria_set, criterion = _criteria_set()
    key = f"{day:%Y-%m}"
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, unit=tree.badinh, period=key, entered_by=people.officer_hanoi
    )
    # Ba Đình entered a value: Hà Nội's officer is not reminded; Hoàn Kiếm's and Hải Phòng's are.
    Assessment.objects.create(submission=submission, criterion=criterion, unit=tree.badinh, period=key, value=0)
    reminded = {p.recipient_id: p for p in daily_events(day) if p.event == EventType.CRITERIA_GRID_EMPTY}
    assert set(reminded) == {people.officer_hoankiem.pk, people.officer_haiphong.pk}
    assert reminded[people.officer_hoankiem.pk].link == f"/pccc/tinh-an-toan-pccc/nhap-lieu/00070/?ky={key}"


def test_no_empty_grid_reminder_on_other_days(people, today):
    _criteria_set()
    day = _five_days_before_month_end(today) - datetime.timedelta(days=1)
    assert not [p for p in daily_events(day) if p.event == EventType.CRITERIA_GRID_EMPTY]
