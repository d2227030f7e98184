"""The downloadable task template: the columns to fill, and the lists its cells must come from."""

from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.selectors import units_visible_to
from tasks.choices import BlockReason, TaskGroup
from tasks.selectors import agencies_visible_to

from . import task_import as columns_
from .task_import import ALL_COLUMNS, DATA_DATE, DEADLINE, IMPORTABLE_STATUSES, PERCENT, START, WEIGHT
from .xlsx import Column, new_workbook, workbook_response, write_sheet

WIDE = {
    "Nhiệm vụ": 50,
    "Nội dung, cách thức thực hiện": 40,
    "Sản phẩm đầu ra": 30,
    "Lý do vướng mắc / chưa triển khai": 30,
}


def _instructions() -> list[tuple]:
    """(column, required, how to fill it) for the "Hướng dẫn" sheet."""
    required, optional = _("Bắt buộc"), _("Không bắt buộc")
    statuses = "; ".join(str(s.label) for s in IMPORTABLE_STATUSES)
    reasons = "; ".join(str(label) for _value, label in BlockReason.choices)
    return [
        (
            columns_.TITLE,
            required,
            _("Tên nhiệm vụ. Dòng trùng tên với nhiệm vụ đã có của đơn vị sẽ cập nhật nhiệm vụ đó."),
        ),
        (columns_.GROUP, required, _("Một nhóm trong trang “Danh mục”.")),
        (columns_.UNIT, optional, _("Mã đơn vị (trang “Danh mục”); để trống là đơn vị đã chọn khi nhập.")),
        (columns_.LEAD, required, _("Tên cơ quan trong trang “Danh mục”.")),
        (columns_.COORDINATING, optional, _("Tên các cơ quan, cách nhau bằng dấu chấm phẩy (;).")),
        (columns_.PERSON, optional, _("Tên đăng nhập của cán bộ chịu trách nhiệm.")),
        (START, required, _("Ngày, dạng dd/mm/yyyy.")),
        (DEADLINE, required, _("Ngày, dạng dd/mm/yyyy.")),
        (WEIGHT, optional, _("Số dương; để trống là 1.")),
        (columns_.DESCRIPTION, optional, ""),
        (columns_.RESULT, optional, ""),
        (
            columns_.STATUS,
            optional,
            _(
                "Trạng thái của nhiệm vụ tại ngày số liệu, để nhập cả kế hoạch đúng như tình hình tại một ngày: "
                "%(statuses)s. Dòng có trạng thái được ghi thành một báo cáo tiến độ (có lịch sử). "
                "Hoàn thành đúng hạn hay quá hạn do hệ thống tính theo ngày số liệu và thời hạn."
            )
            % {"statuses": statuses},
        ),
        (
            PERCENT,
            optional,
            _(
                "Số nguyên 0–100 (không định dạng phần trăm). Hoàn thành: 100 (để trống là 100); "
                "Chưa triển khai: 0 (để trống là 0); Đang triển khai, Vướng mắc: bắt buộc."
            ),
        ),
        (
            columns_.REASON,
            optional,
            _("Bắt buộc khi Vướng mắc; có thể ghi khi Chưa triển khai. Một trong: %(reasons)s.") % {"reasons": reasons},
        ),
        (
            DATA_DATE,
            optional,
            _(
                "Ngày mà trạng thái trên mô tả (dd/mm/yyyy); để trống là hôm nay. Không được sau hôm nay, "
                "không được trước ngày bắt đầu của nhiệm vụ."
            ),
        ),
        ("", "", _("Nếu có dòng lỗi, không dòng nào được nhập; trang kiểm tra liệt kê lỗi theo dòng và cột.")),
    ]


def task_template_response(user):
    """Sheet 1 "Nhiệm vụ" (header only), sheet 2 "Danh mục" (groups, agencies, unit codes), sheet 3
    "Hướng dẫn" (how to fill each column, the optional state columns included); three queries."""
    workbook = new_workbook()
    kinds = {str(START): "date", str(DEADLINE): "date", str(WEIGHT): "number", str(PERCENT): "number",
             str(DATA_DATE): "date"}  # fmt: skip
    columns = [Column(str(c), kinds.get(str(c), "text"), WIDE.get(str(c), 16)) for c in ALL_COLUMNS]
    write_sheet(workbook, title=_("Nhiệm vụ"), columns=columns, rows=[])
    groups = [str(label) for _value, label in TaskGroup.choices]
    agencies = [a.name for a in agencies_visible_to(user).order_by("name")]
    units = [(u.code, u.name) for u in units_visible_to(user).filter(valid_to__isnull=True).order_by("path")]
    rows = []
    for i in range(max(len(groups), len(agencies), len(units))):
        unit = units[i] if i < len(units) else (None, None)
        rows.append(
            (groups[i] if i < len(groups) else None, agencies[i] if i < len(agencies) else None, unit[0], unit[1])
        )
    write_sheet(
        workbook,
        title=_("Danh mục"),
        columns=[
            Column(_("Nhóm nhiệm vụ"), "text", 40),
            Column(_("Cơ quan (chủ trì, phối hợp)"), "text", 30),
            Column(_("Mã đơn vị"), "text", 10),
            Column(_("Tên đơn vị"), "text", 24),
        ],
        rows=rows,
    )
    write_sheet(
        workbook,
        title=_("Hướng dẫn"),
        columns=[Column(_("Cột"), "text", 30), Column(_("Bắt buộc?"), "text", 16), Column(_("Cách ghi"), "text", 100)],
        rows=[(str(column), str(need), str(how)) for column, need, how in _instructions()],
    )
    return workbook_response(workbook, f"mau-nhap-nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx")
