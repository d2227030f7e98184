"""Task import: upload → preview → confirm, all or nothing, scope on every row, history kept, in bulk."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exports.forms import TaskImportForm
from tasks.models import Task

from .conftest import open_xlsx, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = [
    "Nhiệm vụ", "Nhóm nhiệm vụ", "Mã đơn vị", "Cơ quan chủ trì", "Cơ quan phối hợp",
    "Người chịu trách nhiệm (tên đăng nhập)", "Ngày bắt đầu", "Thời hạn hoàn thành", "Trọng số",
    "Nội dung, cách thức thực hiện", "Sản phẩm đầu ra",
]  # fmt: skip
STATE_HEADER = ["Trạng thái", "Tỷ lệ hoàn thành (%)", "Lý do vướng mắc / chưa triển khai", "Ngày số liệu"]
GROUP = "Phục vụ phát triển công dân số"
START, END = datetime.datetime(2026, 2, 1), datetime.datetime(2026, 9, 30)


def row(title, *, unit="", lead="Công an thành phố Hà Nội", coord="Sở Tư pháp", person="", start=START, end=END):
    return [title, GROUP, unit, lead, coord, person, start, end, 2, "Nội dung", "Kết quả"]


def upload(client, programme, unit, data, name="nhiem-vu.xlsx"):
    return client.post(
        reverse("exports:task_import"),
        {"programme": programme.pk, "unit": unit.code, "file": SimpleUploadedFile(name, data)},
    )


def test_template_lists_the_columns_and_the_choices(client, users, agencies):
    client.force_login(users.coordinator_hanoi)
    workbook = open_xlsx(client.get(reverse("exports:task_template")))
    assert [c.value for c in workbook["Nhiệm vụ"][1]] == HEADER + STATE_HEADER
    lists = workbook["Danh mục"]
    assert GROUP in [c.value for c in lists["A"]]
    assert "Sở Tư pháp" in [c.value for c in lists["B"]]
    assert "Công an thành phố Hải Phòng" not in [c.value for c in lists["B"]]


def test_preview_then_confirm_creates_and_changes_tasks_with_history(client, users, tree, programme, make_task):
    existing = make_task(title="Đã có")
    data = xlsx_bytes([HEADER, row("Mới ở Hà Nội"), row("Mới ở Hoàn Kiếm", unit=tree.hoankiem.code,
                                                      person="canbo.hoankiem"), row("Đã có", coord="")])  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, data)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Sẽ tạo 2 nhiệm vụ, cập nhật 1 nhiệm vụ" in body and "Mới ở Hoàn Kiếm" in body
    assert Task.objects.count() == 1
    token = preview.context["token"]
    response = client.post(reverse("exports:task_import"), {"token": token})
    assert response.status_code == 302
    assert Task.objects.count() == 3
    ward = Task.objects.get(title="Mới ở Hoàn Kiếm")
    assert ward.unit == tree.hoankiem and ward.accountable_person == users.officer_hoankiem
    assert [a.name for a in ward.coordinating_agencies.all()] == ["Sở Tư pháp"]
    assert ward.history.count() == 1 and ward.history.first().history_user == users.coordinator_hanoi
    existing.refresh_from_db()
    assert existing.group == "cong_dan_so" and existing.version == 2
    assert existing.history.count() == 2 and existing.history.first().history_user == users.coordinator_hanoi
    # The token is spent: confirming twice saves nothing more.
    client.post(reverse("exports:task_import"), {"token": token})
    assert Task.objects.count() == 3


def test_every_bad_row_is_listed_by_row_and_column_and_nothing_is_saved(client, users, tree, programme, agencies):
    data = xlsx_bytes(
        [
            HEADER,
            row("Tốt"),
            row("Ngày là chữ", start="mùng 1 tháng 2"),
            row("Đơn vị lạ", unit="99999"),
            row("Cơ quan lạ", lead="Sở Không Có"),
            row("Cơ quan tỉnh khác", lead="Công an thành phố Hải Phòng"),
            row("Hạn trước ngày bắt đầu", end=datetime.datetime(2026, 1, 1)),
            row("Tốt"),
        ]
    )
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, data)
    assert response.status_code == 400
    where = {(e.row, e.column) for e in response.context["errors"]}
    assert where == {
        (3, "Ngày bắt đầu"), (4, "Mã đơn vị"), (5, "Cơ quan chủ trì"), (6, "Cơ quan chủ trì"),
        (7, "Thời hạn hoàn thành"), (8, "Nhiệm vụ"),
    }  # fmt: skip
    body = response.content.decode()
    assert "không phải là ngày" in body and "Trùng với dòng 2" in body
    assert "token" not in response.context
    assert Task.objects.count() == 0


def test_a_forged_unit_of_another_province_is_refused(client, users, tree, programme):
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.haiphong, xlsx_bytes([HEADER, row("X")]))
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.content.decode()
    assert Task.objects.count() == 0


def test_a_row_naming_a_unit_outside_the_chosen_one_is_refused(client, users, tree, programme, agencies):
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hoankiem, xlsx_bytes([HEADER, row("X", unit=tree.badinh.code)]))
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Mã đơn vị")]


def test_officers_and_leaders_cannot_import(client, users, programme, tree):
    for user in (users.officer_hanoi, users.leader_hanoi):
        client.force_login(user)
        assert client.get(reverse("exports:task_import")).status_code == 403


def test_a_bad_file_shows_the_file_error(client, users, tree, programme):
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, b"MZ\x90\x00" + b"\x00" * 100, name="virus.xlsx")
    assert response.status_code == 400
    assert "không phải là bảng tính Excel" in response.content.decode()


def test_a_forged_token_saves_nothing(client, users):
    client.force_login(users.coordinator_hanoi)
    response = client.post(reverse("exports:task_import"), {"token": "../../etc/passwd"})
    assert response.status_code == 302 and Task.objects.count() == 0


def test_import_of_many_rows_runs_a_fixed_number_of_queries(
    users, tree, programme, agencies, django_assert_max_num_queries
):
    from exports.services import task_import_commit
    from exports.task_import import column_names, plan_task_import
    from exports.uploads import read_table

    data = xlsx_bytes([HEADER, *(row(f"Nhiệm vụ {i}", coord="") for i in range(300))])
    required, optional = column_names()
    with django_assert_max_num_queries(30):
        table = read_table(data, required=required, optional=optional)
        plan = plan_task_import(actor=users.coordinator_hanoi, programme=programme, unit=tree.hanoi, table=table)
        assert not plan.errors
        assert task_import_commit(actor=users.coordinator_hanoi, plan=plan) == (300, 0)
    assert Task.history.count() == 300


def test_management_command_imports_and_refuses_bad_files(tmp_path, users, tree, programme, agencies):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx_bytes([HEADER, row("Từ dòng lệnh")]))
    out = io.StringIO()
    args = ["--programme", str(programme.pk), "--unit", tree.hanoi.code, "--user", "thuongtruc.hanoi"]
    call_command("import_tasks", str(good), *args, stdout=out)
    assert "Đã nhập 1 nhiệm vụ mới" in out.getvalue()
    bad = tmp_path / "xau.xlsx"
    bad.write_bytes(xlsx_bytes([HEADER, row("Lỗi", lead="Không có")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa nhập dòng nào"):
        call_command("import_tasks", str(bad), *args, stderr=err)
    assert "dòng 2, cột “Cơ quan chủ trì”" in err.getvalue()
    with pytest.raises(CommandError, match="phạm vi"):
        call_command("import_tasks", str(good), *args[:2], "--unit", tree.haiphong.code, "--user", "thuongtruc.hanoi")
    assert Task.objects.count() == 1


def test_the_management_command_writes_nothing_when_any_row_fails(
    tmp_path, users, tree, programme, agencies, make_task
):
    """A new row and a change are valid, one row is not: no task created or changed, no history written."""
    existing = make_task(title="Đã có")
    path = tmp_path / "mot-dong-loi.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, row("Mới"), row("Đã có", coord=""), row("Lỗi", lead="Không có")]))
    history = Task.history.count()
    err = io.StringIO()
    args = ["--programme", str(programme.pk), "--unit", tree.hanoi.code, "--user", "thuongtruc.hanoi"]
    with pytest.raises(CommandError, match=r"^Tệp có 1 lỗi; chưa nhập dòng nào\.$"):
        call_command("import_tasks", str(path), *args, stderr=err)
    assert "dòng 4, cột “Cơ quan chủ trì”: Không có cơ quan “Không có” thuộc đơn vị này." in err.getvalue()
    assert list(Task.objects.values_list("title", flat=True)) == ["Đã có"]
    existing.refresh_from_db()
    assert (existing.description, existing.version) == ("", 1) and Task.history.count() == history


def test_the_management_command_checks_and_writes_in_one_locked_pass(
    tmp_path, users, tree, programme, agencies, make_task
):
    """As the page's confirmation: one plan, made with the tasks locked, inside the transaction that writes."""
    from unittest import mock

    from django.db import transaction

    from exports import services
    from exports.task_import import plan_task_import

    make_task(title="Đã có")
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, row("Mới"), row("Đã có", coord="")]))
    # The test itself runs in a transaction: count the blocks opened inside the command.
    outer = len(transaction.get_connection().atomic_blocks)
    plans = []

    def spy(**kwargs):
        plans.append((kwargs.get("lock"), len(transaction.get_connection().atomic_blocks) > outer))
        return plan_task_import(**kwargs)

    out = io.StringIO()
    args = ["--programme", str(programme.pk), "--unit", tree.hanoi.code, "--user", "thuongtruc.hanoi"]
    with mock.patch.object(services, "plan_task_import", spy):
        call_command("import_tasks", str(path), *args, stdout=out)
    assert plans == [(True, True)]
    assert "Đã nhập 1 nhiệm vụ mới, cập nhật 1 nhiệm vụ." in out.getvalue()


def test_an_upload_over_5_mb_is_refused_before_it_is_read(client, users, tree, programme):
    client.force_login(users.coordinator_hanoi)
    response = upload(client, programme, tree.hanoi, b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024))
    assert response.status_code == 400
    assert "lớn hơn 5 MB" in response.content.decode() and Task.objects.count() == 0


def test_a_confirmation_after_the_data_changed_shows_the_failing_rows_and_saves_nothing(
    client, users, tree, programme, agencies
):
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A"), row("B", coord="")]))
    token = preview.context["token"]
    agencies.justice_hanoi.delete()  # row 2 now names an agency that no longer exists
    response = client.post(reverse("exports:task_import"), {"token": token})
    assert response.status_code == 409
    assert [(e.row, e.column, e.message) for e in response.context["errors"]] == [
        (2, "Cơ quan phối hợp", "Không có cơ quan “Sở Tư pháp” thuộc đơn vị này.")
    ]
    body = response.content.decode()
    assert "đã thay đổi kể từ lúc kiểm tra tệp" in body and "Chưa nhập dòng nào" in body
    assert "<td>2</td><td>Cơ quan phối hợp</td><td>Không có cơ quan “Sở Tư pháp” thuộc đơn vị này.</td>" in body
    assert Task.objects.count() == 0 and Task.history.count() == 0
    # The upload is still kept: the same token, and a form to upload a corrected file for the same place.
    assert response.context["token"] == token and f'value="{token}"' in body
    assert response.context["form"].initial == {"programme": programme, "unit": tree.hanoi}


def test_after_the_data_is_fixed_the_kept_upload_can_be_confirmed_again(client, users, tree, programme, agencies):
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A"), row("B", coord="")]))
    token = preview.context["token"]
    agencies.justice_hanoi.delete()
    assert client.post(reverse("exports:task_import"), {"token": token}).status_code == 409
    agencies.justice_hanoi.save()  # put back under the same name
    response = client.post(reverse("exports:task_import"), {"token": token})
    assert response.status_code == 302
    assert sorted(Task.objects.values_list("title", flat=True)) == ["A", "B"]


def test_a_change_row_that_now_fails_leaves_every_task_as_it_was(client, users, tree, programme, make_task):
    """One failing row stops the whole file: the task the other row changes keeps its values and history."""
    existing = make_task(title="Đã có")
    data = xlsx_bytes([HEADER, row("Đã có", coord=""), row("Mới", unit=tree.hoankiem.code, person="canbo.hoankiem")])
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, data)
    assert not preview.context["errors"]
    officer = users.officer_hoankiem
    officer.unit = tree.haiphong  # moved out of the coordinator's province after the preview
    officer.save()
    before = (Task.objects.count(), Task.history.count(), existing.group, existing.version)
    response = client.post(reverse("exports:task_import"), {"token": preview.context["token"]})
    assert response.status_code == 409
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "Người chịu trách nhiệm (tên đăng nhập)")]
    assert "Không có cán bộ có tên đăng nhập “canbo.hoankiem”" in response.content.decode()
    existing.refresh_from_db()
    assert (Task.objects.count(), Task.history.count(), existing.group, existing.version) == before


def test_a_new_upload_replaces_the_previous_pending_file(client, users, tree, programme, agencies, pending_dir):
    client.force_login(users.coordinator_hanoi)
    upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A")]))
    upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("B")]))
    assert len(list(pending_dir.glob("*.xlsx"))) == 1


def test_a_second_import_of_the_same_file_changes_nothing_and_names_changed_fields(
    client, users, tree, programme, agencies
):
    client.force_login(users.coordinator_hanoi)
    data = xlsx_bytes([HEADER, row("A"), row("B", coord="")])
    first = upload(client, programme, tree.hanoi, data)
    client.post(reverse("exports:task_import"), {"token": first.context["token"]})
    again = upload(client, programme, tree.hanoi, data)
    plan = again.context["plan"]
    assert (len(plan.creates), len(plan.changes), len(plan.unchanged)) == (0, 0, 2)
    client.post(reverse("exports:task_import"), {"token": again.context["token"]})
    assert Task.history.count() == 2
    changed = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("A", end=datetime.datetime(2026, 10, 31))]))
    assert [r.changed_fields for r in changed.context["plan"].changes] == [["thời hạn hoàn thành"]]
    assert "Cập nhật: <span" in changed.content.decode()


def another_coordinator(tree):
    from roles.choices import Role
    from tests.factories import make_user

    return make_user("thuongtruc2.hanoi", unit=tree.hanoi, role=Role.COORDINATOR)


def confirm(client, token):
    return client.post(reverse("exports:task_import"), {"token": token})


def test_a_task_edited_by_someone_else_after_the_preview_is_not_overwritten(
    client, users, tree, programme, agencies, make_task
):
    """The row is refused by name and nothing is written; a new upload shows what would change now."""
    from tasks.services import task_update

    existing = make_task(title="Đã có")
    data = xlsx_bytes([HEADER, row("Mới"), row("Đã có", coord="")])
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, data)
    assert [r.row for r in preview.context["plan"].changes] == [3]
    token = preview.context["token"]
    task_update(
        actor=another_coordinator(tree), task=Task.objects.get(pk=existing.pk), expected_version=1,
        description="Nội dung do người khác sửa",
    )  # fmt: skip
    history = Task.history.count()
    response = confirm(client, token)
    assert response.status_code == 409
    edited = "Nhiệm vụ “Đã có” vừa được người khác sửa sau lúc kiểm tra tệp; hãy xem lại rồi tải tệp lên lại."
    assert [(e.row, e.column, e.message) for e in response.context["errors"]] == [(3, "Nhiệm vụ", edited)]
    body = response.content.decode()
    assert "<td>3</td><td>Nhiệm vụ</td>" in body and "đã thay đổi kể từ lúc kiểm tra tệp" in body
    # Confirming the kept upload again would fail again: the page asks for a new upload instead.
    assert "Kiểm tra lại và nhập" not in body and "có thể là chính tệp này" in body
    existing.refresh_from_db()
    assert (existing.description, existing.version) == ("Nội dung do người khác sửa", 2)
    assert not Task.objects.filter(title="Mới").exists() and Task.history.count() == history
    assert response.context["token"] == token and confirm(client, token).status_code == 409

    again = upload(client, programme, tree.hanoi, data)
    assert "nội dung, cách thức thực hiện" in again.context["plan"].changes[0].changed_fields
    assert confirm(client, again.context["token"]).status_code == 302
    existing.refresh_from_db()
    assert (existing.description, existing.version) == ("Nội dung", 3)


def test_a_task_created_with_the_row_title_after_the_preview_is_not_overwritten(
    client, users, tree, programme, agencies, make_task
):
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("Có sẵn?"), row("Mới", coord="")]))
    assert len(preview.context["plan"].creates) == 2
    theirs = make_task(title="Mới", description="Của người khác")
    response = confirm(client, preview.context["token"])
    assert response.status_code == 409
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "Nhiệm vụ")]
    assert "“Mới” vừa được người khác tạo sau lúc kiểm tra tệp" in response.content.decode()
    theirs.refresh_from_db()
    assert (theirs.description, theirs.version) == ("Của người khác", 1)
    assert list(Task.objects.values_list("title", flat=True)) == ["Mới"] and Task.history.count() == 1


def test_a_task_removed_after_the_preview_is_not_silently_created_again(
    client, users, tree, programme, agencies, make_task
):
    existing = make_task(title="Đã có")
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("Đã có")]))
    existing.delete()
    response = confirm(client, preview.context["token"])
    assert response.status_code == 409
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Nhiệm vụ")]
    assert "“Đã có” không còn" in response.content.decode()
    assert Task.objects.count() == 0


def test_failing_rows_of_a_confirmation_are_listed_in_sheet_order(client, users, tree, programme, agencies, make_task):
    existing = make_task(title="Đã có")
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("Đã có", coord=""), row("Mới")]))
    Task.objects.filter(pk=existing.pk).update(version=5)
    agencies.justice_hanoi.delete()  # row 3's coordinating agency
    response = confirm(client, preview.context["token"])
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "Nhiệm vụ"), (3, "Cơ quan phối hợp")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_the_confirmation_locks_the_tasks_it_changes_before_checking_them(
    client, users, tree, programme, agencies, make_task
):
    """Checked and written in one transaction, the changed tasks read FOR UPDATE (only the task rows)."""
    make_task(title="Đã có")
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("Đã có")]))
    with CaptureQueriesContext(connection) as queries:
        assert confirm(client, preview.context["token"]).status_code == 302
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and locks[0].endswith('FOR UPDATE OF "tasks_task"')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_the_management_command_locks_the_tasks_it_changes(tmp_path, users, tree, programme, agencies, make_task):
    make_task(title="Đã có")
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, row("Đã có")]))
    args = ["--programme", str(programme.pk), "--unit", tree.hanoi.code, "--user", "thuongtruc.hanoi"]
    with CaptureQueriesContext(connection) as queries:
        call_command("import_tasks", str(path), *args, stdout=io.StringIO())
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1 and locks[0].endswith('FOR UPDATE OF "tasks_task"')


def test_an_upload_kept_without_its_plan_counts_as_expired(client, users, tree, programme, make_task, pending_dir):
    """Kept before plans were recorded: the confirmation cannot tell a colleague's edit from the file's."""
    make_task(title="Đã có")
    client.force_login(users.coordinator_hanoi)
    preview = upload(client, programme, tree.hanoi, xlsx_bytes([HEADER, row("Đã có", coord="")]))
    for plan in pending_dir.glob("*.json"):
        plan.unlink()
    response = client.post(reverse("exports:task_import"), {"token": preview.context["token"]}, follow=True)
    assert "Phiên nhập đã hết hạn. Hãy tải tệp lên lại." in response.content.decode()
    assert Task.objects.get(title="Đã có").version == 1


def test_the_confirm_again_form_of_a_failed_confirmation_carries_the_csrf_token(rf, users):
    """Its partial must see the page's context: without the token the browser's confirm would get a 403."""
    request = rf.get("/")
    request.user = users.coordinator_hanoi
    context = {"stale": True, "conflicts": [], "token": "kept-token", "errors": [],
               "form": TaskImportForm(user=users.coordinator_hanoi)}  # fmt: skip
    html = render_to_string("exports/task_import.html", context, request=request)
    confirm_again = html[: html.index('value="kept-token"')]
    assert "csrfmiddlewaretoken" in confirm_again[confirm_again.rindex("<form") :]
