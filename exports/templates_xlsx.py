"""The downloadable task template: the columns to fill, and the lists its cells must come from."""

from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.selectors import units_visible_to
from tasks.choices import TaskGroup
from tasks.selectors import agencies_visible_to

from .task_import import ALL_COLUMNS, DEADLINE, START, WEIGHT
from .xlsx import Column, new_workbook, workbook_response, write_sheet

WIDE = {"Nhiệm vụ": 50, "Nội dung, cách thức thực hiện": 40, "Sản phẩm đầu ra": 30}


def task_template_response(user):
    """Sheet 1 "Nhiệm vụ" (header only), sheet 2 "Danh mục" (groups, agencies, unit codes); three queries."""
    workbook = new_workbook()
    kinds = {str(START): "date", str(DEADLINE): "date", str(WEIGHT): "number"}
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
    return workbook_response(workbook, f"mau-nhap-nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx")
