"""The task import's row checks, called directly with a read table (docs/testing.md: mutation testing).

``table`` is what ``uploads.read_table`` gives: ``[(sheet row, {header: cell value})]``.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from exports.task_import import plan_task_import
from tasks.choices import AgencyKind, TaskGroup
from tasks.models import Agency, Programme

pytestmark = pytest.mark.django_db

GROUP_LABEL = "Phục vụ phát triển công dân số"
REQUIRED = "Thông tin này là bắt buộc."
# Units, agencies, people, the titles of the programme's tasks, the named tasks, their coordinating agencies,
# and the permission check (roles.policy: the user's own permissions and their groups'): whatever the
# number of rows.
QUERIES_OF_A_PLAN = 8


def cells(title="A", **changes):
    values = {
        "Nhiệm vụ": title,
        "Nhóm nhiệm vụ": GROUP_LABEL,
        "Cơ quan chủ trì": "Công an thành phố Hà Nội",
        "Ngày bắt đầu": datetime.datetime(2026, 2, 1, 8, 30),
        "Thời hạn hoàn thành": datetime.date(2026, 9, 30),
    }
    values.update(changes)
    return values


def plan(users, programme, unit, *rows, actor=None):
    table = [(2 + i, values) for i, values in enumerate(rows)]
    return plan_task_import(actor=actor or users.coordinator_hanoi, programme=programme, unit=unit, table=table)


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_good_row_is_read_into_a_new_task(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells(**{"Trọng số": "2,5", "Nội dung, cách thức thực hiện": "Nội dung", "Sản phẩm đầu ra": "Kết quả"}),
    )
    assert errors(result) == []
    (row,) = result.rows
    task = row.task
    assert row.is_new and row.row == 2 and result.creates == [row] and result.changes == []
    assert (task.title, task.unit, task.programme, task.group) == (
        "A",
        tree.hanoi,
        programme,
        TaskGroup.DIGITAL_CITIZENS,
    )
    assert (task.start_date, task.deadline) == (datetime.date(2026, 2, 1), datetime.date(2026, 9, 30))
    assert task.weight == Decimal("2.50") and task.lead_agency == agencies.police_hanoi
    assert task.accountable_person is None and row.coordinating == [] and row.changed_fields == []
    assert (task.description, task.expected_result) == ("Nội dung", "Kết quả")
    assert (result.programme, result.unit) == (programme, tree.hanoi)


def test_group_is_read_by_its_label_in_any_case_or_by_its_code(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells("A", **{"Nhóm nhiệm vụ": GROUP_LABEL.upper()}),
        cells("B", **{"Nhóm nhiệm vụ": "chi_dao_dieu_hanh"}),
    )
    assert [r.task.group for r in result.rows] == [TaskGroup.DIGITAL_CITIZENS, TaskGroup.LEADERSHIP]


def test_each_missing_required_cell_is_named_by_row_and_column(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells(
            "", **{"Nhóm nhiệm vụ": None, "Cơ quan chủ trì": None, "Ngày bắt đầu": None, "Thời hạn hoàn thành": None}
        ),
    )
    assert errors(result) == [
        (2, "Nhiệm vụ", REQUIRED),
        (2, "Nhóm nhiệm vụ", "Nhóm nhiệm vụ không có trong danh mục (xem trang “Danh mục” của mẫu)."),
        (2, "Cơ quan chủ trì", REQUIRED),
        (2, "Ngày bắt đầu", REQUIRED),
        (2, "Thời hạn hoàn thành", REQUIRED),
    ]
    assert result.rows == []


def test_unknown_names_are_quoted_back(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells(
            **{
                "Cơ quan chủ trì": "Sở Không Có",
                "Cơ quan phối hợp": "Sở Tư pháp; Sở Ma",
                "Người chịu trách nhiệm (tên đăng nhập)": "ai.do",
                "Mã đơn vị": "99999",
            }
        ),
        cells(
            "B",
            **{
                "Cơ quan chủ trì": "Sở Không Có",
                "Cơ quan phối hợp": "Sở Tư pháp; Sở Ma",
                "Người chịu trách nhiệm (tên đăng nhập)": "ai.do",
            },
        ),
    )
    assert errors(result) == [
        (
            2,
            "Mã đơn vị",
            "Không có đơn vị mã “99999” trong phạm vi Thành phố Hà Nội. Mã đơn vị gồm cả số 0 ở đầu "
            "(ví dụ 00070): hãy định dạng cột này là văn bản.",
        ),
        # Every error of the row, not only the first; the agencies depend on the unit and wait for it.
        (
            2,
            "Người chịu trách nhiệm (tên đăng nhập)",
            "Không có cán bộ có tên đăng nhập “ai.do” trong phạm vi của bạn.",
        ),
        (3, "Cơ quan chủ trì", "Không có cơ quan “Sở Không Có” thuộc đơn vị này."),
        (3, "Cơ quan phối hợp", "Không có cơ quan “Sở Ma” thuộc đơn vị này."),
        (
            3,
            "Người chịu trách nhiệm (tên đăng nhập)",
            "Không có cán bộ có tên đăng nhập “ai.do” trong phạm vi của bạn.",
        ),
    ]


def test_coordinating_agencies_are_split_on_semicolons_and_people_found_in_any_case(users, tree, programme, agencies):
    finance = Agency.objects.create(name="Sở Tài chính", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells(
            **{
                "Cơ quan phối hợp": " sở tư pháp ;; Sở Tài chính ",
                "Người chịu trách nhiệm (tên đăng nhập)": "CanBo.HaNoi",
            }
        ),
    )
    (row,) = result.rows
    assert row.coordinating == [agencies.justice_hanoi, finance]
    assert row.task.accountable_person == users.officer_hanoi


def test_the_closest_agency_of_that_name_on_the_rows_branch_is_chosen(users, tree, programme, agencies):
    ward_police = Agency.objects.create(name="Công an thành phố Hà Nội", kind=AgencyKind.POLICE, unit=tree.hoankiem)
    ministry = Agency.objects.create(name="Bộ Tư pháp", kind=AgencyKind.CENTRAL, unit=None)
    below = Agency.objects.create(name="UBND phường Ba Đình", kind=AgencyKind.PEOPLES_COMMITTEE, unit=tree.badinh)
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells("A", **{"Mã đơn vị": "00070", "Cơ quan phối hợp": "Bộ Tư pháp"}),
        cells("B"),
        cells("C", **{"Cơ quan chủ trì": "UBND phường Ba Đình"}),
    )
    assert [r.task.lead_agency for r in result.rows] == [ward_police, agencies.police_hanoi, below]
    assert result.rows[0].coordinating == [ministry] and result.rows[0].task.unit == tree.hoankiem


@pytest.mark.parametrize(
    ("cell", "deadline"),
    [
        (datetime.datetime(2026, 9, 30), datetime.date(2026, 9, 30)),
        ("30/09/2026", datetime.date(2026, 9, 30)),
        ("1/9/2026", datetime.date(2026, 9, 1)),
        ("2026-09-30", datetime.date(2026, 9, 30)),
    ],
)
def test_dates_are_date_cells_or_text_dd_mm_yyyy(users, tree, programme, agencies, cell, deadline):
    result = plan(users, programme, tree.hanoi, cells(**{"Thời hạn hoàn thành": cell}))
    assert errors(result) == []
    assert result.rows[0].task.deadline == deadline


# 46295: a date cell formatted as a number reaches the import as the serial number itself, not as text.
@pytest.mark.parametrize("cell", ["31/02/2026", "30.09.2026", "hết quý III", 46295])
def test_a_date_that_is_not_one_is_quoted_back(users, tree, programme, agencies, cell):
    result = plan(users, programme, tree.hanoi, cells(**{"Thời hạn hoàn thành": cell}))
    assert errors(result) == [
        (
            2,
            "Thời hạn hoàn thành",
            f"“{cell}” không phải là ngày; hãy ghi ngày dạng dd/mm/yyyy (ví dụ 31/12/2026).",
        ),
    ]


@pytest.mark.parametrize(
    ("cell", "weight", "message"),
    [
        (None, Decimal(1), None),
        (3, Decimal("3.00"), None),
        ("0,25", Decimal("0.25"), None),
        (0, None, "Trọng số phải là một số dương."),
        ("abc", None, "Không phải là số."),
        ("10000", None, "Số quá lớn: tối đa 9.999,99."),
    ],
)
def test_the_weight_defaults_to_one_and_must_be_positive(users, tree, programme, agencies, cell, weight, message):
    result = plan(users, programme, tree.hanoi, cells(**{"Trọng số": cell}))
    if message:
        assert errors(result) == [(2, "Trọng số", message)]
    else:
        assert errors(result) == [] and result.rows[0].task.weight == weight


def test_a_title_twice_for_the_same_unit_is_refused_but_not_for_another_unit(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells("A"),
        cells("a"),
        cells("A", **{"Mã đơn vị": "00070"}),
    )
    assert errors(result) == [(3, "Nhiệm vụ", "Trùng với dòng 2 (cùng đơn vị và tên nhiệm vụ).")]
    assert [r.row for r in result.rows] == [2, 4]


def test_an_empty_file_and_a_user_without_the_right_are_refused(users, tree, programme, agencies):
    assert errors(plan(users, programme, tree.hanoi)) == [(None, "", "Tệp không có dòng nhiệm vụ nào.")]
    refused = "Bạn không có quyền nhập nhiệm vụ cho đơn vị này."
    with pytest.raises(PermissionDenied, match=f"^{refused}$"):
        plan(users, programme, tree.hanoi, cells(), actor=users.officer_hanoi)
    with pytest.raises(PermissionDenied, match=f"^{refused}$"):
        plan(users, programme, tree.haiphong, cells())


def test_a_row_naming_an_existing_task_changes_it_and_lists_what_changes(users, tree, programme, agencies, make_task):
    existing = make_task(
        title="Đã Có",
        group=TaskGroup.DIGITAL_CITIZENS,
        lead_agency=agencies.police_hanoi,
        start_date=datetime.date(2026, 2, 1),
        deadline=datetime.date(2026, 9, 30),
    )
    existing.coordinating_agencies.set([agencies.justice_hanoi])
    same = plan(users, programme, tree.hanoi, cells("đã có", **{"Cơ quan phối hợp": "Sở Tư pháp"}))
    assert [r.task.pk for r in same.unchanged] == [existing.pk] and same.changes == [] and same.creates == []
    moved = plan(
        users,
        programme,
        tree.hanoi,
        cells("đã có", **{"Thời hạn hoàn thành": datetime.date(2026, 10, 1), "Trọng số": 2}),
    )
    assert [r.changed_fields for r in moved.changes] == [["thời hạn hoàn thành", "trọng số", "cơ quan phối hợp"]]


def test_an_agency_on_another_branch_is_not_found(users, tree, programme, agencies):
    Agency.objects.create(name="UBND phường Ba Đình", kind=AgencyKind.PEOPLES_COMMITTEE, unit=tree.badinh)
    result = plan(
        users, programme, tree.hanoi, cells(**{"Mã đơn vị": "00070", "Cơ quan chủ trì": "UBND phường Ba Đình"})
    )
    assert errors(result) == [(2, "Cơ quan chủ trì", "Không có cơ quan “UBND phường Ba Đình” thuộc đơn vị này.")]


def test_the_models_own_field_rules_are_reported_in_their_column(users, tree, programme, agencies):
    result = plan(
        users,
        programme,
        tree.hanoi,
        cells("x" * 501),
        cells("B", **{"Mã đơn vị": "00070", "Cơ quan phối hợp": "Công an thành phố Hải Phòng"}),
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Nhiệm vụ"), (3, "Cơ quan phối hợp")]
    assert "500" in result.errors[0].message


def test_planning_reads_no_row_on_its_own(users, tree, programme, agencies, make_task, django_assert_num_queries):
    """The foreign keys, uniqueness and constraints are checked from the look-ups, never with a query per row."""
    parent = make_task(title="Cha")
    for i in range(10):
        make_task(title=f"Có {i}", parent=parent, accountable_person=users.officer_hanoi)
    rows = [cells(f"Có {i}", **{"Người chịu trách nhiệm (tên đăng nhập)": "canbo.hanoi"}) for i in range(10)]
    rows += [cells(f"Mới {i}", **{"Người chịu trách nhiệm (tên đăng nhập)": "canbo.hanoi"}) for i in range(10)]
    with django_assert_num_queries(QUERIES_OF_A_PLAN):
        result = plan(users, programme, tree.hanoi, *rows)
    assert len(result.rows) == 20 and result.errors == []


def test_a_rule_without_a_column_is_reported_for_the_whole_row(users, tree, programme, agencies, make_task):
    other = Programme.objects.create(
        name="Kế hoạch khác",
        document_number="1/KH",
        issuing_body="UBND",
        year=programme.year,
        start_date=programme.start_date,
        end_date=programme.end_date,
    )
    parent = make_task(title="Cha ở đề án khác", programme=other)
    make_task(title="Con", parent=parent)  # stored before the rule existed: its parent is of another programme
    result = plan(users, programme, tree.hanoi, cells("Con"))
    assert errors(result) == [
        (2, "", "Nhiệm vụ cha phải cùng đề án và thuộc cùng đơn vị hoặc đơn vị cấp trên."),
    ]


def test_a_row_of_another_programme_is_refused_in_the_programme_column(users, tree, programme, agencies):
    """An exported list names each task's programme; the import does not move a task between programmes."""
    result = plan(users, programme, tree.hanoi, cells(**{"Đề án, kế hoạch": " Kế hoạch khác "}))
    assert errors(result) == [
        (
            2,
            "Đề án, kế hoạch",
            "Nhiệm vụ này thuộc “Kế hoạch khác”, không thuộc đề án đã chọn khi nhập (“Đề án 06 năm 2026”). "
            "Hãy lọc danh sách theo đề án trước khi xuất, hoặc xóa dòng này.",
        )
    ]
    assert result.rows == []


@pytest.mark.parametrize("name", [None, "", "Đề án 06 năm 2026", " đề án 06 NĂM 2026 "])
def test_a_row_of_the_chosen_programme_in_any_case_or_naming_none_is_read(users, tree, programme, agencies, name):
    result = plan(users, programme, tree.hanoi, cells(**{"Đề án, kế hoạch": name}))
    assert errors(result) == []
    assert [r.task.programme for r in result.rows] == [programme]
