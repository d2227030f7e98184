"""The task import's state columns (status, percent, reason, data date), checked directly on a read table.

The upload → preview → confirm tests of ``test_task_import_state.py`` judge the same rules at seconds
per mutant; these call ``plan_task_import`` and pin each step's boundaries and messages
(docs/testing.md: mutation testing, module ``task_import``).
"""

import datetime

import pytest
from django.utils import timezone

from exports.task_import import PlannedReport
from tasks.choices import BlockReason, TaskGroup, TaskStatus
from tasks.models import Task

from .test_mutation_kills import cells, errors, plan

pytestmark = pytest.mark.django_db

STATUS, PERCENT, REASON, DATA_DATE = (
    "Trạng thái",
    "Tỷ lệ hoàn thành (%)",
    "Lý do vướng mắc / chưa triển khai",
    "Ngày số liệu",
)
ON = datetime.date(2026, 9, 15)  # a data date between the rows' start (01/02/2026) and today
START = datetime.date(2026, 2, 1)  # the start date of ``cells``
BAD_PERCENT = "Tỷ lệ hoàn thành phải là một số nguyên từ 0 đến 100."
VERIFIED = "Nhiệm vụ đã được xác nhận hoàn thành; cần Thường trực mở lại trước khi báo cáo tiếp."


def stated(title="A", status=None, percent=None, reason=None, data_date=ON, **changes):
    return cells(title, **{STATUS: status, PERCENT: percent, REASON: reason, DATA_DATE: data_date}, **changes)


def report(status, percent, reason="", data_date=ON):
    return PlannedReport(status=status, percent=percent, block_reason=reason, data_date=data_date)


def existing_task(make_task, agencies, **state):
    """A stored task whose cells equal ``stated("A")``'s, in the given state."""
    task = make_task(
        title="A",
        group=TaskGroup.DIGITAL_CITIZENS,
        lead_agency=agencies.police_hanoi,
        start_date=START,
        deadline=datetime.date(2026, 9, 30),
    )
    Task.objects.filter(pk=task.pk).update(**state)
    return task


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_row_leaving_the_four_state_columns_empty_reports_nothing(users, tree, programme, agencies, blank):
    result = plan(users, programme, tree.hanoi, stated(status=blank, percent=blank, reason=blank, data_date=blank))
    assert errors(result) == []
    assert [r.report for r in result.rows] == [None]


@pytest.mark.parametrize(
    ("status", "percent", "reason", "expected"),
    [
        ("Đang triển khai", 40, None, report(TaskStatus.IN_PROGRESS, 40)),
        (" đang triển khai ", " 40 % ", "", report(TaskStatus.IN_PROGRESS, 40)),
        ("dang_trien_khai", "0", None, report(TaskStatus.IN_PROGRESS, 0)),
        ("Đang triển khai", "100%", None, report(TaskStatus.IN_PROGRESS, 100)),
        ("Hoàn thành", None, None, report(TaskStatus.DONE, 100)),
        ("HOÀN THÀNH", 100, None, report(TaskStatus.DONE, 100)),
        # Late or not is the report service's judgement (data date against deadline): read as a completion.
        ("Hoàn thành quá hạn", None, None, report(TaskStatus.DONE, 100)),
        ("hoan_thanh_qua_han", "100", None, report(TaskStatus.DONE, 100)),
        ("Chưa triển khai", None, None, report(TaskStatus.NOT_STARTED, 0)),
        ("chua_trien_khai", 0, "Thiếu kinh phí", report(TaskStatus.NOT_STARTED, 0, BlockReason.FUNDING)),
        ("Vướng mắc", 10, "chờ hướng dẫn của trung ương", report(TaskStatus.BLOCKED, 10, BlockReason.WAITING_CENTRAL)),
        ("vuong_mac", 0, " kinh_phi ", report(TaskStatus.BLOCKED, 0, BlockReason.FUNDING)),
    ],
)
def test_each_status_is_read_by_label_or_value_with_the_percent_it_implies(
    users, tree, programme, agencies, status, percent, reason, expected
):
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent, reason=reason))
    assert errors(result) == []
    assert [r.report for r in result.rows] == [expected]


@pytest.mark.parametrize(
    "cell",
    [ON, datetime.datetime(2026, 9, 15, 23, 59), "15/09/2026", "2026-09-15"],
    ids=["date", "datetime", "dmy", "iso"],
)
def test_the_data_date_is_a_date_cell_or_text(users, tree, programme, agencies, cell):
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=40, data_date=cell))
    assert [r.report for r in result.rows] == [report(TaskStatus.IN_PROGRESS, 40, data_date=ON)]


@pytest.mark.parametrize("cell", [None, " ", "today"])
def test_an_empty_data_date_is_today_and_today_itself_is_accepted(users, tree, programme, agencies, cell):
    today = timezone.localdate()
    cell = today if cell == "today" else cell
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=40, data_date=cell))
    assert errors(result) == []
    assert [r.report for r in result.rows] == [report(TaskStatus.IN_PROGRESS, 40, data_date=today)]


def test_a_data_date_after_today_is_refused_in_its_column(users, tree, programme, agencies):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=40, data_date=tomorrow))
    assert errors(result) == [
        (2, DATA_DATE, f"Ngày số liệu {tomorrow:%d/%m/%Y} chưa đến (hôm nay là {today:%d/%m/%Y}).")
    ]
    assert result.rows == []


def test_a_data_date_that_is_no_date_is_quoted_back(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=40, data_date="cuối quý"))
    assert errors(result) == [
        (2, DATA_DATE, "“cuối quý” không phải là ngày; hãy ghi ngày dạng dd/mm/yyyy (ví dụ 31/12/2026).")
    ]
    assert result.rows == []


def test_a_data_date_before_the_tasks_start_is_refused_but_the_start_day_is_accepted(users, tree, programme, agencies):
    before = plan(
        users, programme, tree.hanoi, stated(status="Đang triển khai", percent=5, data_date=datetime.date(2026, 1, 31))
    )
    assert errors(before) == [(2, DATA_DATE, "Ngày số liệu 31/01/2026 trước ngày bắt đầu của nhiệm vụ (01/02/2026).")]
    assert before.rows == []
    on_start = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=5, data_date=START))
    assert errors(on_start) == []
    assert [r.report for r in on_start.rows] == [report(TaskStatus.IN_PROGRESS, 5, data_date=START)]


def test_the_start_a_row_gives_an_existing_task_is_the_one_its_data_date_is_checked_against(
    users, tree, programme, agencies, make_task
):
    """The stored task starts on 01/01; the row moves its start to 01/02: a report of 15/01 is then too early."""
    existing_task(make_task, agencies, start_date=datetime.date(2026, 1, 1))
    result = plan(
        users, programme, tree.hanoi, stated(status="Đang triển khai", percent=5, data_date=datetime.date(2026, 1, 15))
    )
    assert errors(result) == [(2, DATA_DATE, "Ngày số liệu 15/01/2026 trước ngày bắt đầu của nhiệm vụ (01/02/2026).")]


@pytest.mark.parametrize(
    ("status", "percent", "message"),
    [
        ("Hoàn thành", 99, "Trạng thái “Hoàn thành” thì tỷ lệ phải là 100%, không phải 99%."),
        ("Hoàn thành", 0, "Trạng thái “Hoàn thành” thì tỷ lệ phải là 100%, không phải 0%."),
        ("Hoàn thành quá hạn", "50", "Trạng thái “Hoàn thành” thì tỷ lệ phải là 100%, không phải 50%."),
        ("Chưa triển khai", 1, "Trạng thái “Chưa triển khai” thì tỷ lệ phải là 0%, không phải 1%."),
        ("Chưa triển khai", "100%", "Trạng thái “Chưa triển khai” thì tỷ lệ phải là 0%, không phải 100%."),
        ("Đang triển khai", None, "Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ đang triển khai."),
        ("Đang triển khai", " ", "Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ đang triển khai."),
    ],
)
def test_a_status_and_a_percent_that_contradict_each_other_are_refused_in_the_percent_column(
    users, tree, programme, agencies, status, percent, message
):
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent))
    assert errors(result) == [(2, PERCENT, message)]
    assert result.rows == []


def test_a_blocked_task_without_a_percent_is_asked_for_one(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Vướng mắc", reason="Thiếu kinh phí"))
    assert errors(result) == [(2, PERCENT, "Hãy ghi tỷ lệ hoàn thành (0–100) của nhiệm vụ vướng mắc.")]


@pytest.mark.parametrize("status", ["Đang triển khai", "Hoàn thành"])
@pytest.mark.parametrize("percent", ["101", 101, "-1", "abc", "XXXX", "40,5", "1e2"])
def test_a_percent_that_is_no_whole_number_from_0_to_100_is_refused_once(
    users, tree, programme, agencies, status, percent
):
    """Only the cell's own error: the status is not also asked for a percent it implies or lacks."""
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent))
    assert errors(result) == [(2, PERCENT, BAD_PERCENT)]
    assert result.rows == []


@pytest.mark.parametrize(
    "changes", [{PERCENT: 20}, {REASON: "Thiếu kinh phí"}, {DATA_DATE: ON}, {STATUS: "  ", PERCENT: 20}]
)
def test_state_without_a_status_asks_for_the_status(users, tree, programme, agencies, changes):
    result = plan(users, programme, tree.hanoi, cells(**{DATA_DATE: None} | changes))
    assert errors(result) == [(2, STATUS, "Hãy ghi trạng thái khi ghi tỷ lệ, lý do hoặc ngày số liệu.")]
    assert result.rows == []


def test_an_unknown_status_is_quoted_back_without_its_spaces(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status=" Gần xong ", percent=90))
    assert errors(result) == [
        (2, STATUS, "Trạng thái “Gần xong” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).")
    ]
    assert result.rows == []


def test_an_unknown_reason_is_quoted_back(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=20, reason=" Hết tiền "))
    assert errors(result) == [(2, REASON, "Lý do “Hết tiền” không có trong danh mục (xem trang “Hướng dẫn” của mẫu).")]


def test_a_blocked_task_with_an_unknown_reason_is_also_told_it_needs_one(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Vướng mắc", percent=20, reason="Hết tiền"))
    assert errors(result) == [
        (2, REASON, "Lý do “Hết tiền” không có trong danh mục (xem trang “Hướng dẫn” của mẫu)."),
        (2, REASON, "Nhiệm vụ vướng mắc phải ghi lý do."),
    ]


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_a_blocked_task_must_give_a_reason(users, tree, programme, agencies, reason):
    result = plan(users, programme, tree.hanoi, stated(status="Vướng mắc", percent=20, reason=reason))
    assert errors(result) == [(2, REASON, "Nhiệm vụ vướng mắc phải ghi lý do.")]
    assert result.rows == []


@pytest.mark.parametrize(
    ("status", "percent", "label"),
    [
        ("Đang triển khai", 20, "Đang triển khai"),
        ("Hoàn thành", 100, "Hoàn thành"),
        ("Hoàn thành quá hạn", 100, "Hoàn thành"),
    ],
)
def test_only_a_blocked_or_not_started_task_may_give_a_reason(users, tree, programme, agencies, status, percent, label):
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent, reason="Thiếu kinh phí"))
    assert errors(result) == [
        (
            2,
            REASON,
            f"Lý do chỉ ghi cho nhiệm vụ vướng mắc hoặc chưa triển khai, không cho trạng thái “{label}”.",
        )
    ]
    assert result.rows == []


def test_every_error_of_the_four_columns_is_listed_at_once(users, tree, programme, agencies):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    result = plan(
        users, programme, tree.hanoi, stated(status="Gần xong", percent="abc", reason="Hết tiền", data_date=tomorrow)
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, STATUS), (2, PERCENT), (2, REASON), (2, DATA_DATE)]


def test_a_bad_percent_does_not_hide_a_missing_reason(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Vướng mắc", percent="abc"))
    assert errors(result) == [(2, PERCENT, BAD_PERCENT), (2, REASON, "Nhiệm vụ vướng mắc phải ghi lý do.")]


def test_the_state_is_checked_even_when_the_rows_unit_is_unknown(users, tree, programme, agencies):
    result = plan(users, programme, tree.hanoi, stated(status="Gần xong", **{"Mã đơn vị": "99999"}))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Mã đơn vị"), (2, STATUS)]


def test_a_row_is_judged_by_its_own_errors_not_an_earlier_rows(users, tree, programme, agencies):
    """Row 2's percent error neither stops row 3's implied percent nor row 3's report."""
    result = plan(
        users,
        programme,
        tree.hanoi,
        stated("A", status="Đang triển khai", percent="abc"),
        stated("B", status="Hoàn thành"),
        stated("C", status="Đang triển khai", percent=30),
    )
    assert errors(result) == [(2, PERCENT, BAD_PERCENT)]
    assert [(r.row, r.report) for r in result.rows] == [
        (3, report(TaskStatus.DONE, 100)),
        (4, report(TaskStatus.IN_PROGRESS, 30)),
    ]


def test_a_new_task_stated_as_not_started_is_still_reported(users, tree, programme, agencies):
    """A new task has no state of its own yet, even though a stored one would start as "chưa triển khai" 0%."""
    result = plan(users, programme, tree.hanoi, stated(status="Chưa triển khai"))
    assert [r.report for r in result.rows] == [report(TaskStatus.NOT_STARTED, 0)]
    assert result.unchanged == []


@pytest.mark.parametrize(
    ("state", "status", "percent", "reason"),
    [
        ({}, "Chưa triển khai", None, None),
        ({"current_status": TaskStatus.IN_PROGRESS, "current_percent": 40}, "Đang triển khai", 40, None),
        # A completion counts as the same whether it was late or not.
        ({"current_status": TaskStatus.DONE_LATE, "current_percent": 100}, "Hoàn thành", None, None),
        ({"current_status": TaskStatus.DONE, "current_percent": 100}, "Hoàn thành quá hạn", 100, None),
        (
            {"current_status": TaskStatus.BLOCKED, "current_percent": 10, "current_block_reason": BlockReason.FUNDING},
            "Vướng mắc",
            10,
            "Thiếu kinh phí",
        ),
    ],
)
def test_a_row_stating_the_tasks_current_state_writes_nothing(
    users, tree, programme, agencies, make_task, state, status, percent, reason
):
    task = existing_task(make_task, agencies, **state)
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent, reason=reason))
    assert errors(result) == []
    assert [(r.task.pk, r.report) for r in result.unchanged] == [(task.pk, None)]
    assert result.reports == []


@pytest.mark.parametrize(
    ("state", "status", "percent", "reason", "expected"),
    [
        (  # the percent moved
            {"current_status": TaskStatus.IN_PROGRESS, "current_percent": 40},
            "Đang triển khai",
            41,
            None,
            report(TaskStatus.IN_PROGRESS, 41),
        ),
        (  # the status moved, the percent did not
            {"current_status": TaskStatus.IN_PROGRESS, "current_percent": 0},
            "Chưa triển khai",
            None,
            None,
            report(TaskStatus.NOT_STARTED, 0),
        ),
        (  # only the reason moved
            {"current_status": TaskStatus.BLOCKED, "current_percent": 10, "current_block_reason": BlockReason.FUNDING},
            "Vướng mắc",
            10,
            "Chờ hướng dẫn của Trung ương",
            report(TaskStatus.BLOCKED, 10, BlockReason.WAITING_CENTRAL),
        ),
        (  # a reason given to a not-started task
            {},
            "Chưa triển khai",
            0,
            "Thiếu kinh phí",
            report(TaskStatus.NOT_STARTED, 0, BlockReason.FUNDING),
        ),
        (  # a reason dropped
            {"current_block_reason": BlockReason.FUNDING},
            "Chưa triển khai",
            0,
            None,
            report(TaskStatus.NOT_STARTED, 0),
        ),
    ],
)
def test_a_row_stating_another_state_reports_it_on_the_existing_task(
    users, tree, programme, agencies, make_task, state, status, percent, reason, expected
):
    task = existing_task(make_task, agencies, **state)
    result = plan(users, programme, tree.hanoi, stated(status=status, percent=percent, reason=reason))
    assert errors(result) == []
    assert [(r.task.pk, r.is_new, r.changed_fields, r.report) for r in result.reports] == [
        (task.pk, False, [], expected)
    ]
    assert result.unchanged == []


def test_a_verified_completion_stated_again_is_left_alone_but_any_other_state_is_refused(
    users, tree, programme, agencies, make_task
):
    task = existing_task(
        make_task, agencies, current_status=TaskStatus.DONE, current_percent=100, completion_verified=True
    )
    same = plan(users, programme, tree.hanoi, stated(status="Hoàn thành"))
    assert errors(same) == []
    assert [r.task.pk for r in same.unchanged] == [task.pk]
    other = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=50))
    assert errors(other) == [(2, STATUS, VERIFIED)]
    assert other.rows == []


def test_a_verified_task_refuses_the_new_state_before_judging_its_data_date(
    users, tree, programme, agencies, make_task
):
    existing_task(make_task, agencies, current_status=TaskStatus.DONE, current_percent=100, completion_verified=True)
    result = plan(
        users, programme, tree.hanoi, stated(status="Đang triển khai", percent=50, data_date=datetime.date(2026, 1, 1))
    )
    assert errors(result) == [(2, STATUS, VERIFIED)]


def test_an_unverified_task_takes_a_new_state(users, tree, programme, agencies, make_task):
    """``completion_verified`` False: the same row as above is a report, not a refusal."""
    existing_task(make_task, agencies, current_status=TaskStatus.DONE, current_percent=100)
    result = plan(users, programme, tree.hanoi, stated(status="Đang triển khai", percent=50))
    assert errors(result) == []
    assert [r.report for r in result.reports] == [report(TaskStatus.IN_PROGRESS, 50)]
