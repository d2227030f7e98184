"""Indicators with targets and gaps as spreadsheet rows (exports/xlsx.py writes them, text cells for text)."""

from django.utils.translation import gettext as _

from exports.xlsx import Column, Percent

from .selectors import IndicatorBoard, IndicatorFigure


def indicator_columns() -> list[Column]:
    return [
        Column(_("Đơn vị"), min_width=24),
        Column(_("Mã"), min_width=6),
        Column(_("Chỉ tiêu"), min_width=40),
        Column(_("Đơn vị tính")),
        Column(_("Kết quả (tỷ lệ)"), "percent"),
        Column(_("Tử số / số lượng"), "number"),
        Column(_("Mẫu số"), "number"),
        Column(_("Số liệu kèm theo"), "number"),
        Column(_("Chỉ tiêu giao")),
        Column(_("Đánh giá"), min_width=16),
        Column(_("Còn thiếu / vượt"), "number"),
        Column(_("Thay đổi so với kỳ trước")),
    ]


def _verdict(figure: IndicatorFigure) -> str:
    if figure.judgement.met is None:
        return _("Chưa báo cáo") if not figure.amount.reported else _("Chưa có chỉ tiêu giao")
    return _("Đạt so với chỉ tiêu giao") if figure.judgement.met else _("Chưa đạt so với chỉ tiêu giao")


def _row(unit_name: str, figure: IndicatorFigure) -> tuple:
    # Local import: the template filters give the same texts as the pages.
    from .templatetags.indicator_tags import figure_change, figure_target

    indicator, amount = figure.indicator, figure.amount
    rate = amount.rate
    return (
        unit_name,
        indicator.code,
        indicator.name,
        indicator.measure,
        Percent(float(rate) / 100, 2) if indicator.is_ratio and rate is not None else None,
        amount.numerator if amount.reported else None,
        amount.denominator if indicator.is_ratio and amount.reported else None,
        amount.paired,
        figure_target(figure) if figure.target is not None else None,
        _verdict(figure),
        figure.judgement.gap,
        figure_change(figure) or None,
    )


def indicator_rows(board: IndicatorBoard, *, unit_label: str):
    """The unit's own (rolled-up) figures first, then each child unit's."""
    for figure in board.figures:
        yield _row(unit_label, figure)
    for row in board.rows:
        for figure in row.figures:
            yield _row(row.unit["name"], figure)
