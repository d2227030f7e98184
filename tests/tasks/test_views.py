import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from roles.choices import Role
from tasks import services
from tasks.choices import TaskGroup, TaskStatus
from tasks.forms import TaskForm
from tasks.models import EvidenceFile, ProgressUpdate, Task
from tests.factories import make_user
from tests.timing import stopwatch

from .conftest import exe_file, pdf_file

pytestmark = pytest.mark.django_db


def detail_url(task):
    return reverse("tasks:task_detail", kwargs={"pk": task.pk})


def post_report(client, task, **fields):
    data = {"percent": "60", "status": TaskStatus.IN_PROGRESS, "note": "Đã hoàn thiện hạ tầng", "block_reason": ""}
    data.update(fields)
    return client.post(detail_url(task), data)


def test_my_tasks_lists_my_tasks_sorted_by_deadline_with_progress(client, users, make_task, agencies):
    today = timezone.localdate()
    later = make_task(title="Nhiệm vụ sau", deadline=today + datetime.timedelta(days=40))
    sooner = make_task(title="Nhiệm vụ trước", deadline=today + datetime.timedelta(days=3))
    make_task(title="Việc của Sở Tư pháp", lead_agency=agencies.justice_hanoi)
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"))
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [sooner, later]
    assert "Còn 3 ngày" in html and "progress-bar" in html
    assert "Việc của Sở Tư pháp" not in html


def test_my_tasks_filters_overdue_and_due_soon(client, users, make_task):
    today = timezone.localdate()
    overdue = make_task(
        title="Quá hạn", start_date=today - datetime.timedelta(days=90), deadline=today - datetime.timedelta(days=5)
    )
    soon = make_task(title="Sắp đến hạn", deadline=today + datetime.timedelta(days=6))
    make_task(title="Còn xa", deadline=today + datetime.timedelta(days=60))
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"), {"overdue": "on"})
    assert list(response.context["page"].object_list) == [overdue]
    assert "Quá hạn 5 ngày" in response.content.decode()
    response = client.get(reverse("tasks:my_tasks"), {"due_soon": "on"})
    assert list(response.context["page"].object_list) == [soon]


def test_my_tasks_filters_by_status_and_programme(client, users, task, make_task, programme):
    other = make_task(title="Đang làm")
    services.progress_report_submit(actor=users.officer_hanoi, task=other, percent=10, status=TaskStatus.IN_PROGRESS)
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"), {"status": TaskStatus.IN_PROGRESS, "programme": programme.pk})
    assert list(response.context["page"].object_list) == [other]


def test_my_tasks_never_shows_another_provinces_tasks(client, users, task, haiphong_task):
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"), {"scope": "unit"})
    assert list(response.context["page"].object_list) == [task]
    assert haiphong_task.title not in response.content.decode()


def test_my_tasks_with_500_tasks_runs_a_fixed_number_of_queries(
    client, users, programme, agencies, tree, django_assert_max_num_queries
):
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(
            programme=programme, unit=tree.hanoi, group="cong_dan_so", title=f"Nhiệm vụ {i}",
            lead_agency=agencies.science_hanoi, accountable_person=users.officer_hanoi,
            start_date=today, deadline=today + datetime.timedelta(days=i % 90),
        )
        for i in range(500)
    )  # fmt: skip
    client.force_login(users.officer_hanoi)
    with django_assert_max_num_queries(
        12
    ):  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        response = client.get(reverse("tasks:my_tasks"), {"scope": "mine", "programme": programme.pk})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 500
    with django_assert_max_num_queries(
        12
    ):  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        client.get(reverse("tasks:my_tasks"), {"trang": "10", "scope": "unit"})


def test_officer_reports_progress_through_the_form(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.current_percent == 60
    page = client.get(detail_url(task)).content.decode()
    assert "Đã hoàn thiện hạ tầng" in page


@pytest.mark.parametrize(
    ("percent", "message"),
    [("101", "không được lớn hơn 100%"), ("abc", "phải là một số nguyên"), ("-5", "không được nhỏ hơn 0%")],
)
def test_bad_percent_shows_a_vietnamese_error_and_keeps_the_input(client, users, task, percent, message):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, percent=percent, note="Nội dung tôi đã gõ")
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Nội dung tôi đã gõ" in html
    assert not ProgressUpdate.objects.exists()


def test_completion_without_result_note_is_refused(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, percent="100", status=TaskStatus.DONE, note="")
    assert response.status_code == 400
    assert "mô tả kết quả" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_blocked_without_reason_is_refused(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, status=TaskStatus.BLOCKED)
    assert response.status_code == 400
    assert "lý do vướng mắc" in response.content.decode()


def test_forged_post_for_another_provinces_task_is_a_404(client, users, haiphong_task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, haiphong_task)
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_nonexistent_task_is_a_vietnamese_404(client, users):
    client.force_login(users.officer_hanoi)
    response = client.post(reverse("tasks:task_detail", kwargs={"pk": 999999}), {"percent": "10"})
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_leader_sees_the_task_but_cannot_report(client, users, task):
    client.force_login(users.leader_hanoi)
    page = client.get(detail_url(task))
    assert page.status_code == 200 and page.context["report_form"] is None
    assert post_report(client, task).status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_upload_and_download_evidence_within_scope(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, evidence=[pdf_file("Biên bản.pdf")])
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    download = client.get(evidence.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    client.force_login(users.officer_haiphong)
    assert client.get(evidence.get_absolute_url()).status_code == 404


def test_exe_renamed_to_pdf_is_refused_with_nothing_saved(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, evidence=[exe_file("bao-cao.pdf")])
    assert response.status_code == 400
    assert "không đúng định dạng" in response.content.decode()
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()


def test_oversized_upload_is_refused(client, users, task, settings):
    settings.TASK_EVIDENCE_MAX_BYTES = 1024
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, evidence=[pdf_file(size=4096)])
    assert response.status_code == 413
    assert "vượt quá giới hạn" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def complete(task, users):
    services.progress_report_submit(
        actor=users.officer_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Đã xong"
    )


def test_coordinator_queue_verify_and_return(client, users, task, make_task):
    second = make_task(title="Nhiệm vụ thứ hai", accountable_person=users.officer_hanoi)
    complete(task, users)
    complete(second, users)
    client.force_login(users.coordinator_hanoi)
    queue = client.get(reverse("tasks:verification_queue"))
    assert list(queue.context["tasks"]) == [task, second]
    response = client.post(reverse("tasks:task_verify", kwargs={"pk": task.pk}), {"next": "queue"})
    assert response.url == reverse("tasks:verification_queue")
    response = client.post(
        reverse("tasks:task_return", kwargs={"pk": second.pk}), {"tra-lai-reason": "Thiếu minh chứng"}
    )
    assert response.status_code == 302
    assert list(client.get(reverse("tasks:verification_queue")).context["tasks"]) == []
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:my_tasks")).content.decode()
    assert "bị trả lại" in html and "Thiếu minh chứng" in html
    timeline = client.get(detail_url(second)).content.decode()
    assert "Trả lại báo cáo" in timeline


def test_coordinator_is_told_in_vietnamese_they_cannot_verify_their_own_completion(client, users, task):
    services.progress_report_submit(
        actor=users.coordinator_hanoi, task=task, percent=100, status=TaskStatus.DONE, note="Đã xong"
    )
    client.force_login(users.coordinator_hanoi)
    response = client.post(reverse("tasks:task_verify", kwargs={"pk": task.pk}), follow=True)
    assert "không thể tự xác nhận" in response.content.decode()
    task.refresh_from_db()
    assert task.awaiting_verification and not task.completion_verified


def test_return_without_reason_is_refused(client, users, task):
    complete(task, users)
    client.force_login(users.coordinator_hanoi)
    response = client.post(reverse("tasks:task_return", kwargs={"pk": task.pk}), {"tra-lai-reason": ""})
    assert response.status_code == 400
    assert "Hãy nêu lý do" in response.content.decode()
    task.refresh_from_db()
    assert task.awaiting_verification


def test_officer_cannot_verify_or_open_coordinator_pages(client, users, task):
    complete(task, users)
    client.force_login(users.officer_hanoi)
    assert client.post(reverse("tasks:task_verify", kwargs={"pk": task.pk})).status_code == 403
    for name in ("verification_queue", "task_create", "programme_copy"):
        assert client.get(reverse(f"tasks:{name}")).status_code == 403
    task.refresh_from_db()
    assert task.awaiting_verification


def test_coordinator_creates_a_task_through_the_form(client, users, programme, tree, agencies):
    client.force_login(users.coordinator_hanoi)
    assert client.get(reverse("tasks:task_create")).status_code == 200
    data = {
        "programme": programme.pk, "unit": tree.hoankiem.pk, "group": "cong_dan_so",
        "title": "Cấp tài khoản định danh điện tử", "lead_agency": agencies.police_hanoi.pk,
        "coordinating_agencies": [agencies.hoankiem.pk], "accountable_person": users.officer_hoankiem.pk,
        "start_date": "2026-01-05", "deadline": "2026-06-30", "weight": "1.5",
    }  # fmt: skip
    response = client.post(reverse("tasks:task_create"), data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.unit, task.accountable_person) == (tree.hoankiem, users.officer_hoankiem)


def test_create_form_refuses_out_of_scope_choices(client, users, programme, tree, agencies):
    client.force_login(users.coordinator_hanoi)
    data = {
        "programme": programme.pk, "unit": tree.haiphong.pk, "group": "cong_dan_so", "title": "X",
        "lead_agency": agencies.police_haiphong.pk, "start_date": "2026-01-05", "deadline": "2025-06-30",
        "weight": "0",
    }  # fmt: skip
    response = client.post(reverse("tasks:task_create"), data)
    assert response.status_code == 400
    assert "ngoài phạm vi của bạn" in response.content.decode()
    assert not Task.objects.exists()


def edit_data(task, **overrides):
    data = {
        "programme": task.programme_id, "unit": task.unit_id, "group": task.group, "title": task.title,
        "lead_agency": task.lead_agency_id, "accountable_person": task.accountable_person_id or "",
        "start_date": task.start_date.isoformat(), "deadline": task.deadline.isoformat(),
        "weight": str(task.weight), "version": task.version,
    }  # fmt: skip
    data.update(overrides)
    return data


def test_second_editor_gets_a_conflict_and_keeps_their_input(client, users, task):
    client.force_login(users.coordinator_hanoi)
    url = reverse("tasks:task_edit", kwargs={"pk": task.pk})
    first = client.post(url, edit_data(task, title="Sửa của người thứ nhất"))
    assert first.status_code == 302
    second = client.post(url, edit_data(task, title="Sửa của người thứ hai"))
    html = second.content.decode()
    assert second.status_code == 409
    assert "đã có người sửa" in html
    assert "Sửa của người thứ hai" in html
    task.refresh_from_db()
    assert task.title == "Sửa của người thứ nhất"
    # Saving again after seeing the warning is a deliberate overwrite.
    third = client.post(url, second.context["form"].data)
    assert third.status_code == 302
    task.refresh_from_db()
    assert task.title == "Sửa của người thứ hai"
    assert "Sửa của người thứ nhất" in client.get(detail_url(task)).content.decode()


def test_copy_page_copies_a_list_to_a_commune(client, users, task, programme, tree):
    client.force_login(users.coordinator_hanoi)
    data = {
        "source_programme": programme.pk, "source_unit": tree.hanoi.pk,
        "target_programme": programme.pk, "target_units": tree.badinh.pk, "confirm": "1",
    }  # fmt: skip
    response = client.post(reverse("tasks:programme_copy"), data)
    assert response.status_code == 302
    assert Task.objects.filter(unit=tree.badinh).count() == 1


def test_task_page_shows_five_clear_fields_timeline_and_audit(client, users, task):
    services.task_update(
        actor=users.coordinator_hanoi, task=task, expected_version=1, expected_result="Báo cáo tổng kết"
    )
    services.progress_report_submit(actor=users.officer_hanoi, task=task, percent=20, status=TaskStatus.IN_PROGRESS)
    client.force_login(users.officer_hanoi)
    html = client.get(detail_url(task)).content.decode()
    for text in ("Rõ việc", "Rõ người", "Rõ trách nhiệm", "Rõ thời gian", "Rõ kết quả", "Sở Khoa học và Công nghệ"):
        assert text in html
    assert "Báo cáo tổng kết" in html and "Lịch sử thay đổi" in html
    assert "Sản phẩm đầu ra" in html  # the audit entry names the changed field


def test_task_page_opens_for_a_task_without_history_rows(client, users, programme, agencies, tree):
    """Bulk-inserted tasks (the demo communes, imports) have no history row: the page must still open."""
    today = timezone.localdate()
    (task,) = Task.objects.bulk_create([
        Task(
            programme=programme, unit=tree.hoankiem, group=TaskGroup.DATA_ECOSYSTEM, title="Thu thập dữ liệu dân cư",
            lead_agency=agencies.hoankiem, start_date=today, deadline=today + datetime.timedelta(days=30),
        )
    ])  # fmt: skip
    assert not task.history.exists()
    client.force_login(users.officer_hanoi)
    response = client.get(detail_url(task))
    assert response.status_code == 200
    assert "Chưa có thay đổi." in response.content.decode()


def test_menu_shows_task_entries_by_role(client, users):
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("tasks:my_tasks")).content.decode()
    assert reverse("tasks:my_tasks") in html and reverse("tasks:verification_queue") not in html
    client.force_login(users.coordinator_hanoi)
    assert reverse("tasks:verification_queue") in client.get(reverse("tasks:my_tasks")).content.decode()


def test_leader_starts_from_every_task_of_the_unit(client, users, task, haiphong_task):
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("tasks:my_tasks"))
    assert list(response.context["page"].object_list) == [task]


def test_a_real_50_mb_upload_is_refused_with_nothing_saved(client, users, task):
    client.force_login(users.officer_hanoi)
    response = post_report(client, task, evidence=[pdf_file("lon.pdf", size=50 * 1024 * 1024)])
    assert response.status_code == 413
    assert "vượt quá giới hạn 10,0\xa0MB" in response.content.decode()  # filesizeformat uses a no-break space
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()


def test_nonexistent_evidence_is_a_404(client, users):
    client.force_login(users.officer_hanoi)
    assert client.get(reverse("tasks:evidence_download", kwargs={"pk": 424242})).status_code == 404


def test_forged_coordinator_posts_for_another_province_change_nothing(client, users, haiphong_task):
    services.progress_report_submit(
        actor=users.officer_haiphong, task=haiphong_task, percent=100, status=TaskStatus.DONE, note="Xong"
    )
    client.force_login(users.coordinator_hanoi)
    for name, data in [
        ("task_verify", {}),
        ("task_return", {"tra-lai-reason": "Giả mạo"}),
        ("task_reopen", {"mo-lai-reason": "Giả mạo"}),
        ("task_edit", edit_data(haiphong_task, title="Giả mạo")),
    ]:
        assert client.post(reverse(f"tasks:{name}", kwargs={"pk": haiphong_task.pk}), data).status_code == 404
    haiphong_task.refresh_from_db()
    assert haiphong_task.awaiting_verification and haiphong_task.title != "Giả mạo"
    assert haiphong_task.updates.count() == 1


def test_officer_cannot_edit_a_task(client, users, task):
    client.force_login(users.officer_hanoi)
    assert (
        client.post(reverse("tasks:task_edit", kwargs={"pk": task.pk}), edit_data(task, title="X")).status_code == 403
    )
    task.refresh_from_db()
    assert task.title != "X"


def test_task_page_runs_a_fixed_number_of_queries(client, users, task, django_assert_max_num_queries):
    for percent in range(0, 60, 2):
        services.progress_report_submit(
            actor=users.officer_hanoi, task=task, percent=percent, status=TaskStatus.IN_PROGRESS, files=[pdf_file()]
        )
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(task))
    assert len(response.context["timeline"]) == 30


def test_verification_queue_runs_a_fixed_number_of_queries(client, users, make_task, django_assert_max_num_queries):
    for i in range(20):
        complete(make_task(title=f"Nhiệm vụ {i}"), users)
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(
        9
    ):  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        response = client.get(reverse("tasks:verification_queue"))
    assert len(response.context["tasks"]) == 20


def test_my_tasks_counts_overdue_blocked_and_awaiting(client, users, make_task):
    today = timezone.localdate()
    make_task(title="Quá hạn", start_date=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(1))
    blocked = make_task(title="Vướng")
    services.progress_report_submit(
        actor=users.officer_hanoi, task=blocked, percent=10, status=TaskStatus.BLOCKED, block_reason="cho_huong_dan_tw"
    )
    complete(make_task(title="Xong"), users)
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("tasks:my_tasks"))
    assert response.context["counts"] == {"total": 3, "overdue": 1, "blocked": 1, "awaiting": 1}
    assert "Quá hạn: 1" in response.content.decode()


def test_copy_page_leaves_out_an_accountable_officer_who_has_left(client, users, task, programme, tree):
    users.officer_hanoi.is_active = False
    users.officer_hanoi.save()
    client.force_login(users.coordinator_hanoi)
    data = {
        "source_programme": programme.pk, "source_unit": tree.hanoi.pk,
        "target_programme": programme.pk, "target_units": tree.badinh.pk, "confirm": "1",
    }  # fmt: skip
    response = client.post(reverse("tasks:programme_copy"), data)
    assert response.status_code == 302
    copy = Task.objects.get(unit=tree.badinh)
    assert copy.accountable_person is None  # the copy waits for a new officer instead of failing


def test_copy_page_refuses_a_replacement_agency_of_another_province(client, users, task, programme, tree, agencies):
    client.force_login(users.admin)
    data = {
        "source_programme": programme.pk, "source_unit": tree.hanoi.pk, "target_programme": programme.pk,
        "target_units": tree.haiphong.pk, "fallback_lead_agency": agencies.justice_hanoi.pk, "confirm": "1",
    }  # fmt: skip
    response = client.post(reverse("tasks:programme_copy"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["fallback_lead_agency"] == [
        "Cơ quan chủ trì thay thế phải thuộc đơn vị đích hoặc đơn vị cấp trên."
    ]
    assert not Task.objects.filter(unit=tree.haiphong).exists()


def test_task_list_narrows_to_a_units_bottlenecks_and_says_so(client, users, make_task, tree, agencies):
    """The dashboards' "và N nhiệm vụ khác" links: unit subtree, lead agency, bottleneck, block reason."""
    today = timezone.localdate()
    late = make_task(unit=tree.hoankiem, title="Quá hạn ở Hoàn Kiếm", deadline=today - datetime.timedelta(days=2))
    waiting = make_task(unit=tree.hoankiem, title="Chờ Trung ương ở Hoàn Kiếm")
    Task.objects.filter(pk=waiting.pk).update(
        current_status=TaskStatus.BLOCKED, current_block_reason="cho_huong_dan_tw"
    )
    make_task(unit=tree.badinh, title="Quá hạn ở Ba Đình", deadline=today - datetime.timedelta(days=2))
    make_task(unit=tree.hoankiem, title="Đúng hạn ở Hoàn Kiếm")
    client.force_login(users.leader_hanoi)

    def listed(**params):
        response = client.get(reverse("tasks:my_tasks"), {"scope": "unit", **params})
        return {t.title for t in response.context["page"].object_list}, response.content.decode()

    titles, html = listed(unit="00070", bottleneck="all")
    assert titles == {late.title, waiting.title}
    assert "Đang lọc thêm" in html and "Đơn vị: Phường Hoàn Kiếm" in html
    assert listed(unit="00070", bottleneck="local")[0] == {late.title}
    assert listed(status=TaskStatus.BLOCKED, block_reason="cho_huong_dan_tw")[0] == {waiting.title}
    assert listed(bottleneck="all", lead_agency=agencies.justice_hanoi.pk)[0] == set()
    assert listed(unit="11296")[0] == set()  # Hải Phòng's ward: outside the leader's scope, nothing


def a_country(provinces=34, communes_each=100):
    """3,434 current units, shaped like the real tree (a national user's scope)."""
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"{60 + p}", name=f"Tỉnh Số {p}", kind=UnitKind.TINH, level=UnitLevel.PROVINCE,
                           path=AdministrativeUnit.build_path("", f"{60 + p}"))
        for p in range(provinces)
    )  # fmt: skip
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"{60 + p}{c:03d}", name=f"Xã {c} của tỉnh {p}", kind=UnitKind.XA, level=UnitLevel.COMMUNE,
            parent_id=AdministrativeUnit.objects.get(code=f"{60 + p}").pk,
            path=AdministrativeUnit.build_path(AdministrativeUnit.build_path("", f"{60 + p}"), f"{60 + p}{c:03d}"),
        )
        for p in range(provinces)
        for c in range(communes_each)
    )  # fmt: skip


def test_unit_chooser_of_a_national_coordinator_renders_every_unit_grouped_by_province_quickly(tree):
    a_country()
    form = TaskForm(user=make_user("thuongtruc.tw", role=Role.COORDINATOR), submit_label="Lưu")
    reverse("provinces:unit_suggest")  # the URLconf is loaded in any request; its first import is not timed
    with CaptureQueriesContext(connection) as queries, stopwatch() as watch:
        html = str(form["unit"])
    seconds = watch.seconds
    in_database = sum(float(query["time"]) for query in queries.captured_queries)
    assert html.count("<option") == 1 + 2 + 4 + 3434  # the empty choice, the tree fixture's units, the country
    assert html.count("<optgroup") == 2 + 34
    assert '<optgroup label="Tỉnh Số 5"><option value="' in html  # the province itself opens its group
    assert seconds < 0.3, f"the unit chooser took {seconds:.2f} s ({in_database:.2f} s in {len(queries)} queries)"
    # Each option names its province ("Xã … · Tỉnh …", issue 19 item 11): 169 → 213 KB on the real
    # units (36.6 → 39.0 KB gzipped); the bound was 200,000 before the chain.
    assert len(html) < 250_000


def test_unit_chooser_marks_the_task_unit_as_selected(users, task):
    html = str(TaskForm(instance=task, user=users.coordinator_hanoi, submit_label="Lưu")["unit"])
    assert f'<option value="{task.unit_id}" selected>' in html
    assert "data-unit-chooser" in html and "required" in html


def test_copy_form_refuses_a_unit_outside_the_coordinators_scope(client, users, programme, tree):
    client.force_login(users.coordinator_hanoi)
    response = client.post(
        reverse("tasks:programme_copy"),
        {"source_programme": programme.pk, "source_unit": tree.hanoi.pk, "target_programme": programme.pk,
         "target_units": tree.haiphong.pk},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "ngoài phạm vi của bạn" in response.content.decode()
    assert not Task.objects.filter(unit=tree.haiphong).exists()
