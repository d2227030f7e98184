import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roles.choices import Role
from tasks import services
from tasks.choices import BlockReason, TaskGroup, TaskStatus, UpdateKind
from tasks.models import EvidenceFile, Programme, ProgressUpdate, Task

from ..factories import make_user
from .conftest import exe_file, office_file, pdf_file

pytestmark = pytest.mark.django_db


def report(task, actor, **fields):
    values = {"percent": 50, "status": TaskStatus.IN_PROGRESS, "note": "Đã triển khai tại 10 phường"}
    values.update(fields)
    return services.progress_report_submit(actor=actor, task=task, **values)


def test_report_appends_an_update_and_sets_the_task_state(task, users):
    update = report(task, users.officer_hanoi, percent=40)
    task.refresh_from_db()
    assert update.kind == UpdateKind.REPORT
    assert (task.current_status, task.current_percent) == (TaskStatus.IN_PROGRESS, 40)
    assert task.last_update_at == update.created_at
    assert task.awaiting_verification is False


@pytest.mark.parametrize("bad", [101, -1, "abc", "50.5", "", None, True])
def test_bad_percent_is_refused_and_nothing_is_saved(task, users, bad):
    with pytest.raises(ValidationError) as error:
        report(task, users.officer_hanoi, percent=bad)
    assert "percent" in error.value.message_dict
    assert "Tỷ lệ hoàn thành" in error.value.message_dict["percent"][0]
    assert ProgressUpdate.objects.count() == 0
    task.refresh_from_db()
    assert task.current_percent == 0


def test_completion_needs_100_percent_and_a_result_note(task, users):
    with pytest.raises(ValidationError) as error:
        report(task, users.officer_hanoi, percent=90, status=TaskStatus.DONE, note="")
    assert set(error.value.message_dict) == {"percent", "note"}
    assert not ProgressUpdate.objects.exists()


def test_blocked_needs_a_reason(task, users):
    with pytest.raises(ValidationError) as error:
        report(task, users.officer_hanoi, status=TaskStatus.BLOCKED, block_reason="")
    assert "block_reason" in error.value.message_dict
    report(task, users.officer_hanoi, status=TaskStatus.BLOCKED, block_reason=BlockReason.WAITING_CENTRAL)
    task.refresh_from_db()
    assert task.current_status == TaskStatus.BLOCKED
    assert task.current_block_reason == BlockReason.WAITING_CENTRAL
    assert task.get_current_block_reason_display() == "Chờ hướng dẫn của Trung ương"


def test_completion_on_time_waits_for_verification(task, users):
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Đã cung cấp đủ 25 dịch vụ")
    task.refresh_from_db()
    assert task.current_status == TaskStatus.DONE
    assert task.awaiting_verification and not task.completion_verified


def test_completion_after_the_deadline_is_recorded_as_late(make_task, users):
    today = timezone.localdate()
    task = make_task(start_date=today - datetime.timedelta(days=90), deadline=today - datetime.timedelta(days=3))
    assert task.is_overdue and task.days_overdue == 3
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    task.refresh_from_db()
    assert task.current_status == TaskStatus.DONE_LATE
    assert not task.is_overdue


def test_a_late_status_chosen_before_the_deadline_is_recorded_as_done(task, users):
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE_LATE, note="Xong")
    task.refresh_from_db()
    assert task.current_status == TaskStatus.DONE


def test_overdue_is_derived_from_the_deadline(make_task):
    today = timezone.localdate()
    assert make_task(deadline=today - datetime.timedelta(days=1)).is_overdue
    assert not make_task(deadline=today).is_overdue


def test_officer_of_another_province_cannot_report(task, users):
    with pytest.raises(PermissionDenied):
        report(task, users.officer_haiphong)
    assert not ProgressUpdate.objects.exists()


def test_commune_officer_cannot_report_on_a_provincial_task(task, users):
    with pytest.raises(PermissionDenied):
        report(task, users.officer_hoankiem)


def test_leader_reads_but_does_not_report(task, users):
    with pytest.raises(PermissionDenied):
        report(task, users.leader_hanoi)


def test_updates_are_append_only(task, users):
    update = report(task, users.officer_hanoi)
    update.note = "sửa lại"
    with pytest.raises(ValueError):
        update.save()
    with pytest.raises(ValueError):
        update.delete()
    assert ProgressUpdate.objects.get().note == "Đã triển khai tại 10 phường"


def test_current_state_is_the_latest_update(task, users):
    report(task, users.officer_hanoi, percent=30)
    report(task, users.coordinator_hanoi, percent=60)
    task.refresh_from_db()
    assert task.current_percent == 60
    assert task.updates.count() == 2


def test_two_reports_from_stale_copies_are_both_recorded(task, users):
    """Two officers open the task at once and both submit: both reports are kept, the later one is current."""
    first_copy = Task.objects.get(pk=task.pk)
    second_copy = Task.objects.get(pk=task.pk)
    report(first_copy, users.officer_hanoi, percent=30)
    report(second_copy, users.coordinator_hanoi, percent=45)
    task.refresh_from_db()
    assert list(task.updates.values_list("percent", flat=True)) == [45, 30]
    assert task.current_percent == 45


def test_verify_makes_the_completion_count(task, users):
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    services.progress_completion_verify(actor=users.coordinator_hanoi, task=task, note="Đạt")
    task.refresh_from_db()
    assert task.completion_verified and not task.awaiting_verification
    assert task.updates.first().kind == UpdateKind.VERIFIED


def test_return_puts_the_task_back_in_progress(task, users):
    report(task, users.officer_hanoi, percent=70)
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    services.progress_completion_return(actor=users.coordinator_hanoi, task=task, reason="Thiếu biên bản nghiệm thu")
    task.refresh_from_db()
    assert (task.current_status, task.current_percent) == (TaskStatus.IN_PROGRESS, 70)
    assert task.last_update_kind == UpdateKind.RETURNED
    assert not task.awaiting_verification and not task.completion_verified


def test_return_needs_a_reason_and_a_pending_completion(task, users):
    with pytest.raises(ValidationError):
        services.progress_completion_return(actor=users.coordinator_hanoi, task=task, reason="Thiếu")
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    with pytest.raises(ValidationError) as error:
        services.progress_completion_return(actor=users.coordinator_hanoi, task=task, reason="  ")
    assert "reason" in error.value.message_dict
    assert task.updates.count() == 1


def test_only_a_coordinator_in_scope_verifies(task, users):
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    for actor in (users.officer_hanoi, users.leader_hanoi, users.officer_haiphong):
        with pytest.raises(PermissionDenied):
            services.progress_completion_verify(actor=actor, task=task)
    task.refresh_from_db()
    assert task.awaiting_verification


def test_nobody_verifies_a_completion_report_they_wrote(task, users):
    """Four eyes: the coordinator who reported the completion cannot also confirm it."""
    report(task, users.coordinator_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    with pytest.raises(ValidationError) as error:
        services.progress_completion_verify(actor=users.coordinator_hanoi, task=task)
    assert error.value.code == "self_verification"
    assert "chính mình" in error.value.messages[0]
    task.refresh_from_db()
    assert task.awaiting_verification and not task.completion_verified
    assert not task.updates.filter(kind=UpdateKind.VERIFIED).exists()


def test_another_coordinator_verifies_a_coordinators_completion_report(task, users, tree):
    report(task, users.coordinator_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    colleague = make_user("thuongtruc2.hanoi", unit=tree.hanoi, role=Role.COORDINATOR)
    services.progress_completion_verify(actor=colleague, task=task)
    task.refresh_from_db()
    assert task.completion_verified


def test_verified_task_needs_reopening_before_new_reports(task, users):
    report(task, users.officer_hanoi, percent=100, status=TaskStatus.DONE, note="Xong")
    services.progress_completion_verify(actor=users.coordinator_hanoi, task=task)
    with pytest.raises(ValidationError):
        report(task, users.officer_hanoi, percent=50)
    services.task_reopen(actor=users.coordinator_hanoi, task=task, reason="Phát sinh yêu cầu mới")
    report(task, users.officer_hanoi, percent=80)
    task.refresh_from_db()
    assert task.current_percent == 80
    assert [u.kind for u in task.updates.all()] == ["bao_cao", "mo_lai", "xac_nhan", "bao_cao"]


def test_evidence_is_stored_under_a_random_name(task, users, media_root):
    update = report(task, users.officer_hanoi, files=[pdf_file("Biên bản họp.pdf")])
    evidence = update.evidence.get()
    assert evidence.original_name == "Biên bản họp.pdf"
    assert evidence.content_type == "application/pdf"
    assert "Biên" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert (media_root / evidence.file.name).exists()


def test_docx_and_xlsx_are_recognised_by_their_content(task, users):
    update = report(
        task,
        users.officer_hanoi,
        files=[office_file("ke-hoach.docx", "word/document.xml"), office_file("so-lieu.xlsx", "xl/workbook.xml")],
    )
    assert sorted(e.content_type.rsplit(".", 1)[-1] for e in update.evidence.all()) == ["document", "sheet"]


@pytest.mark.parametrize(
    "upload",
    [exe_file(), office_file("gia.docx", "khac/tep.xml"), pdf_file("rong.pdf", size=None).__class__("r.pdf", b"")],
)
def test_disallowed_files_are_refused_and_nothing_is_saved(task, users, upload, media_root):
    with pytest.raises(ValidationError) as error:
        report(task, users.officer_hanoi, files=[pdf_file(), upload])
    assert "evidence" in error.value.message_dict
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_a_50_mb_file_is_refused(task, users):
    with pytest.raises(ValidationError) as error:
        report(task, users.officer_hanoi, files=[pdf_file("lon.pdf", size=50 * 1024 * 1024)])
    assert "vượt quá giới hạn" in error.value.message_dict["evidence"][0]
    assert not ProgressUpdate.objects.exists()


def test_the_size_limit_comes_from_settings(task, users, settings):
    settings.TASK_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        report(task, users.officer_hanoi, files=[pdf_file(size=2048)])
    settings.TASK_EVIDENCE_MAX_BYTES = 4096
    assert report(task, users.officer_hanoi, files=[pdf_file(size=2048)]).evidence.count() == 1


def test_database_refuses_out_of_range_state(task):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(current_percent=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(current_status="qua_han")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(weight=0)


def new_task_fields(programme, tree, agencies, users, **overrides):
    today = timezone.localdate()
    fields = {
        "programme": programme,
        "unit": tree.hanoi,
        "group": TaskGroup.DIGITAL_CITIZENS,
        "title": "Kích hoạt tài khoản định danh điện tử mức 2",
        "lead_agency": agencies.police_hanoi,
        "coordinating_agencies": [agencies.science_hanoi, agencies.ministry],
        "accountable_person": users.officer_hanoi,
        "start_date": today,
        "deadline": today + datetime.timedelta(days=90),
        "weight": 2,
    }
    fields.update(overrides)
    return fields


def test_coordinator_creates_and_assigns_a_task(programme, tree, agencies, users):
    task = services.task_create(actor=users.coordinator_hanoi, **new_task_fields(programme, tree, agencies, users))
    assert task.current_status == TaskStatus.NOT_STARTED
    assert set(task.coordinating_agencies.all()) == {agencies.science_hanoi, agencies.ministry}
    assert task.history.get().history_user == users.coordinator_hanoi


def test_officer_cannot_create_tasks(programme, tree, agencies, users):
    with pytest.raises(PermissionDenied):
        services.task_create(actor=users.officer_hanoi, **new_task_fields(programme, tree, agencies, users))
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"lead_agency": "police_haiphong"}, "lead_agency"),
        ({"accountable_person": "officer_haiphong"}, "accountable_person"),
        ({"coordinating_agencies": ["police_haiphong"]}, "coordinating_agencies"),
        ({"weight": 0}, "weight"),
        ({"deadline": datetime.date(2000, 1, 1)}, "deadline"),
    ],
)
def test_task_links_must_belong_to_the_unit(programme, tree, agencies, users, override, field):
    def resolve(value):
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return getattr(agencies, value, None) or getattr(users, value, None) if isinstance(value, str) else value

    overrides = {key: resolve(value) for key, value in override.items()}
    with pytest.raises(ValidationError) as error:
        services.task_create(
            actor=users.coordinator_hanoi, **new_task_fields(programme, tree, agencies, users, **overrides)
        )
    assert field in error.value.message_dict
    assert not Task.objects.exists()


def test_coordinator_cannot_create_in_another_province(programme, tree, agencies, users):
    fields = new_task_fields(programme, tree, agencies, users, unit=tree.haiphong, lead_agency=agencies.police_haiphong)
    with pytest.raises(PermissionDenied):
        services.task_create(actor=users.coordinator_hanoi, **fields)


def test_edit_with_a_stale_version_is_a_conflict_and_changes_nothing(task, users):
    services.task_update(
        actor=users.coordinator_hanoi, task=Task.objects.get(pk=task.pk), expected_version=1, title="A"
    )
    with pytest.raises(services.TaskEditConflict) as error:
        services.task_update(actor=users.coordinator_hanoi, task=task, expected_version=1, title="B")
    assert "đã có người sửa" in error.value.messages[0]
    task.refresh_from_db()
    assert (task.title, task.version) == ("A", 2)


def test_edit_keeps_progress_reported_meanwhile(task, users):
    stale = Task.objects.get(pk=task.pk)
    report(task, users.officer_hanoi, percent=55)
    services.task_update(actor=users.coordinator_hanoi, task=stale, expected_version=1, title="Tên mới")
    task.refresh_from_db()
    assert (task.title, task.current_percent) == ("Tên mới", 55)


def test_edits_are_audited_with_old_and_new_values(task, users):
    services.task_update(
        actor=users.coordinator_hanoi, task=task, expected_version=1, deadline=task.deadline + datetime.timedelta(1)
    )
    latest = task.history.first()
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["deadline"]
    assert latest.history_user == users.coordinator_hanoi


def test_copy_a_programme_to_another_year(task, programme, users, tree):
    next_year = type(programme).objects.create(
        name="Đề án 06 năm sau", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ",
        year=programme.year + 1, start_date=programme.start_date.replace(year=programme.year + 1),
        end_date=programme.end_date.replace(year=programme.year + 1),
    )  # fmt: skip
    report(task, users.officer_hanoi, percent=50)
    copies = services.programme_tasks_copy(
        actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
        target_programme=next_year, target_unit=tree.hanoi,
    )  # fmt: skip
    assert len(copies) == 1
    copy = copies[0]
    assert copy.deadline == task.deadline.replace(year=task.deadline.year + 1)
    assert (copy.current_percent, copy.updates.count()) == (0, 0)
    again = services.programme_tasks_copy(
        actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
        target_programme=next_year, target_unit=tree.hanoi,
    )  # fmt: skip
    assert again == []


def test_copy_to_a_commune_keeps_provincial_agencies(task, programme, users, tree):
    copies = services.programme_tasks_copy(
        actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
        target_programme=programme, target_unit=tree.hoankiem,
    )  # fmt: skip
    assert copies[0].unit == tree.hoankiem
    assert copies[0].lead_agency == task.lead_agency
    assert copies[0].accountable_person == users.officer_hanoi  # a provincial officer sees the commune


def test_copy_to_another_province_needs_a_replacement_lead_agency(task, programme, users, tree, agencies):
    fields = {
        "actor": users.admin, "source_programme": programme, "source_unit": tree.hanoi,
        "target_programme": programme, "target_unit": tree.haiphong,
    }  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.programme_tasks_copy(**fields)
    assert "fallback_lead_agency" in error.value.message_dict
    assert Task.objects.count() == 1
    [copy] = services.programme_tasks_copy(**fields, fallback_lead_agency=agencies.police_haiphong)
    assert (copy.unit, copy.lead_agency, copy.accountable_person) == (tree.haiphong, agencies.police_haiphong, None)


def test_coordinator_cannot_copy_into_another_province(task, programme, users, tree, agencies):
    with pytest.raises(PermissionDenied):
        services.programme_tasks_copy(
            actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
            target_programme=programme, target_unit=tree.haiphong, fallback_lead_agency=agencies.police_haiphong,
        )  # fmt: skip
    assert Task.objects.count() == 1


# --- copying a task list in bulk ---------------------------------------------


def make_programme(year: int, name: str = "Đề án 06") -> Programme:
    return Programme.objects.create(
        name=f"{name} năm {year}", document_number="06/QĐ-TTg", issuing_body="Thủ tướng Chính phủ",
        year=year, start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31),
    )  # fmt: skip


def make_task_tree(make_task, programme, agencies, users, count: int) -> list[Task]:
    """``count`` tasks three levels deep (root, child, grandchild, …), each with a coordinating agency."""
    tasks = []
    for i in range(count):
        parent = tasks[-1] if i % 3 else None
        task = make_task(
            programme=programme, title=f"Nhiệm vụ {i}", parent=parent, accountable_person=users.officer_hanoi
        )
        task.coordinating_agencies.add(agencies.justice_hanoi, agencies.ministry)
        tasks.append(task)
    return tasks


def copy_queries(make_task, agencies, users, tree, count: int) -> int:
    """Queries to copy a fresh list of ``count`` tasks to the next year's programme."""
    year = 2100 + count  # a pair of programmes of its own for every size
    source, target = make_programme(year, f"Nguồn {count}"), make_programme(year + 1, f"Đích {count}")
    make_task_tree(make_task, source, agencies, users, count)
    actor = type(users.coordinator_hanoi).objects.get(pk=users.coordinator_hanoi.pk)  # roles not cached yet
    with CaptureQueriesContext(connection) as queries:
        copies = services.programme_tasks_copy(
            actor=actor, source_programme=source, source_unit=tree.hanoi,
            target_programme=target, target_unit=tree.hanoi,
        )  # fmt: skip
    assert len(copies) == count
    return len(queries)


def test_copy_runs_the_same_number_of_queries_for_5_or_35_tasks(make_task, agencies, users, tree):
    """35 rows fit one INSERT even on SQLite (999 parameters); longer lists add one query per batch, not per task."""
    few = copy_queries(make_task, agencies, users, tree, 5)
    many = copy_queries(make_task, agencies, users, tree, 35)
    assert many == few


def test_copy_of_300_tasks_runs_a_few_queries_per_batch_of_rows(make_task, agencies, users, tree):
    """One query per task would be 300 at least; SQLite's small batches still keep it under 30."""
    assert copy_queries(make_task, agencies, users, tree, 300) <= 30


def test_copy_keeps_the_tree_and_writes_one_history_record_per_task(make_task, programme, agencies, users, tree):
    make_task_tree(make_task, programme, agencies, users, 6)
    target = make_programme(programme.year + 1)
    copies = services.programme_tasks_copy(
        actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
        target_programme=target, target_unit=tree.hanoi,
    )  # fmt: skip
    by_title = {t.title: t for t in Task.objects.filter(programme=target)}
    assert {t.pk for t in copies} == {t.pk for t in by_title.values()}
    assert by_title["Nhiệm vụ 1"].parent == by_title["Nhiệm vụ 0"]
    assert by_title["Nhiệm vụ 2"].parent == by_title["Nhiệm vụ 1"]
    assert by_title["Nhiệm vụ 3"].parent is None
    assert set(by_title["Nhiệm vụ 2"].coordinating_agencies.all()) == {agencies.justice_hanoi, agencies.ministry}
    for copy in by_title.values():
        [record] = copy.history.all()
        assert (record.history_type, record.history_user) == ("+", users.coordinator_hanoi)
        assert record.parent_id == copy.parent_id  # the record shows the task as it was created
        assert (copy.current_status, copy.version) == (TaskStatus.NOT_STARTED, 1)


def test_copy_to_another_province_drops_its_coordinating_agencies(task, programme, agencies, users, tree):
    task.coordinating_agencies.add(agencies.justice_hanoi, agencies.ministry)
    [copy] = services.programme_tasks_copy(
        actor=users.admin, source_programme=programme, source_unit=tree.hanoi, target_programme=programme,
        target_unit=tree.haiphong, fallback_lead_agency=agencies.police_haiphong,
    )  # fmt: skip
    assert list(copy.coordinating_agencies.all()) == [agencies.ministry]


def test_children_of_a_skipped_parent_go_under_the_existing_target_task(make_task, programme, agencies, users, tree):
    parent = make_task(title="Chuyển đổi số")
    child = make_task(title="Số hoá hồ sơ", parent=parent)
    make_task(title="Số hoá hồ sơ năm trước", parent=child)
    target = make_programme(programme.year + 1)
    existing = make_task(programme=target, title="Chuyển đổi số")
    services.programme_tasks_copy(
        actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
        target_programme=target, target_unit=tree.hanoi,
    )  # fmt: skip
    copied_child = Task.objects.get(programme=target, title="Số hoá hồ sơ")
    assert copied_child.parent == existing
    assert Task.objects.get(programme=target, title="Số hoá hồ sơ năm trước").parent == copied_child
    assert Task.objects.filter(programme=target, title="Chuyển đổi số").count() == 1


def test_a_failure_midway_leaves_nothing_copied(make_task, programme, agencies, users, tree):
    """The last write (the coordinating agencies) fails: the tasks and their history written before it go too."""
    make_task_tree(make_task, programme, agencies, users, 4)
    target = make_programme(programme.year + 1)
    tasks, records = Task.objects.count(), Task.history.count()
    through = Task.coordinating_agencies.through._meta.db_table

    def fail_on_agencies(execute, sql, params, many, context):
        if sql.startswith("INSERT") and f'"{through}"' in sql:
            raise DatabaseError("injected failure")
        return execute(sql, params, many, context)

    with pytest.raises(DatabaseError), connection.execute_wrapper(fail_on_agencies):
        services.programme_tasks_copy(
            actor=users.coordinator_hanoi, source_programme=programme, source_unit=tree.hanoi,
            target_programme=target, target_unit=tree.hanoi,
        )  # fmt: skip
    assert (Task.objects.count(), Task.history.count()) == (tasks, records)
    assert not Task.objects.filter(programme=target).exists()
