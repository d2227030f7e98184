"""Issue 13 item 7: the task's history names units, agencies, people, parent tasks and choices, never ids."""

import datetime

import pytest

from tasks.choices import TaskGroup, TaskStatus
from tasks.models import Programme
from tasks.selectors import task_audit_log
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def changes_of(task) -> dict:
    """{field label: (old, new)} of the newest entry of the task's audit log."""
    return {str(label): (old, new) for label, old, new in task_audit_log(task)[0]["changes"]}


def test_a_change_of_unit_agency_and_person_shows_their_names(task, tree, agencies, users):
    officer = make_user("canbo.hoankiem2", unit=tree.hoankiem, full_name="Nguyễn Văn Bình")
    task.unit, task.lead_agency, task.accountable_person = tree.hoankiem, agencies.hoankiem, officer
    task.save()
    changes = changes_of(task)
    assert changes["đơn vị"] == ("Thành phố Hà Nội", "Phường Hoàn Kiếm")
    assert changes["cơ quan chủ trì"] == ("Sở Khoa học và Công nghệ", "UBND phường Hoàn Kiếm")
    assert changes["người chịu trách nhiệm"] == (users.officer_hanoi.get_full_name(), "Nguyễn Văn Bình")


def test_a_change_of_parent_task_and_programme_shows_the_title_and_the_name(task, make_task, programme):
    parent = make_task(title="Nhiệm vụ cha: hạ tầng dữ liệu")
    other = Programme.objects.create(
        name="Kế hoạch 64/KH-UBND", document_number="64/KH-UBND", issuing_body="UBND thành phố",
        year=programme.year, start_date=programme.start_date, end_date=programme.end_date,
    )  # fmt: skip
    task.parent, task.programme = parent, other
    task.save()
    changes = changes_of(task)
    assert changes["nhiệm vụ cha"] == ("—", "Nhiệm vụ cha: hạ tầng dữ liệu")
    assert changes["đề án"] == (programme.name, "Kế hoạch 64/KH-UBND")


def test_choices_dates_and_percent_show_as_people_read_them(task):
    task.group, task.deadline = TaskGroup.LEADERSHIP, datetime.date(2030, 3, 9)
    task.current_status, task.current_percent = TaskStatus.IN_PROGRESS, 40
    old_deadline = task.history.first().deadline
    task.save()
    changes = changes_of(task)
    assert changes["nhóm nhiệm vụ"][1] == "Phục vụ chỉ đạo, điều hành của lãnh đạo các cấp"
    assert changes["trạng thái"] == ("Chưa triển khai", "Đang triển khai")
    assert changes["tỷ lệ hoàn thành (%)"] == ("0%", "40%")
    assert changes["thời hạn hoàn thành"] == (old_deadline.strftime("%d/%m/%Y"), "09/03/2030")


def test_a_status_only_history_reads_no_names(task, django_assert_num_queries):
    task.current_status, task.current_percent = TaskStatus.IN_PROGRESS, 10
    task.save()
    with django_assert_num_queries(1):  # the history rows with their authors; no name look-up
        task_audit_log(task)
