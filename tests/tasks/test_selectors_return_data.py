"""Selectors answer with data or None; the Vietnamese 404 is the views' business."""

import pytest

from dashboards.selectors import NotVisible, programme_and_unit
from tasks.models import Programme
from tasks.selectors import evidence_visible_to, programme_visible_to, task_visible_to

pytestmark = pytest.mark.django_db


def test_a_task_in_scope_is_returned_and_one_outside_is_none(task, users):
    assert task_visible_to(users.officer_hanoi, task.pk) == task
    assert task_visible_to(users.officer_haiphong, task.pk) is None
    assert task_visible_to(users.officer_hanoi, task.pk + 1000) is None


def test_a_missing_evidence_file_is_none(users):
    assert evidence_visible_to(users.officer_hanoi, 12345) is None


def test_a_programme_of_another_province_is_none(programme, tree, users):
    haiphong_plan = Programme.objects.create(
        name="Kế hoạch của Hải Phòng",
        document_number="1/KH-UBND",
        issuing_body="UBND thành phố Hải Phòng",
        year=programme.year,
        start_date=programme.start_date,
        end_date=programme.end_date,
        unit=tree.haiphong,
    )
    assert programme_visible_to(users.officer_hanoi, programme.pk) == programme
    assert programme_visible_to(users.officer_hanoi, haiphong_plan.pk) is None


def test_the_dashboard_scope_raises_a_domain_error_not_an_http_one(programme, tree, users):
    with pytest.raises(NotVisible, match="phạm vi đơn vị của mình"):
        programme_and_unit(users.leader_hanoi, programme.pk, "toan-quoc")
    with pytest.raises(NotVisible):
        programme_and_unit(users.leader_hanoi, programme.pk, tree.haiphong.code)
    assert programme_and_unit(users.leader_hanoi, programme.pk, tree.hoankiem.code) == (programme, tree.hoankiem)
