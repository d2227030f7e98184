"""The programme's indicators as a table of the meeting report (exports/report_data.py adds it)."""

from django.db.models import Max
from django.utils.translation import gettext as _

from pccc.choices import PeriodKind
from pccc.periods import Period, period_label

from .models import IndicatorValue
from .selectors import indicator_board
from .templatetags.indicator_tags import figure_change, figure_gap, figure_target, figure_value


def months_within(period: Period) -> list[Period]:
    """The months a report period covers (a month is itself)."""
    if period.kind == PeriodKind.MONTH:
        return [period]
    first, last = (1, 12) if period.kind == PeriodKind.YEAR else (3 * period.number - 2, 3 * period.number)
    return [Period(period.year, PeriodKind.MONTH, month) for month in range(first, last + 1)]


def indicator_report_table(*, programme, unit, period: Period) -> tuple | None:
    """(caption, headers, rows) with each indicator's value, target, verdict and gap; None without data.

    The figures are those of the latest month reported within the report's period (or of the
    period itself when it was reported as a whole), as the dashboard shows its latest month.
    """
    keys = [period.key] + [month.key for month in months_within(period)]
    values = IndicatorValue.objects.filter(indicator__programme=programme, period__in=keys)
    if unit is not None:
        values = values.filter(unit.subtree_filter("unit"))
    latest = values.aggregate(latest=Max("period"))["latest"]
    if latest is None:
        return None
    board = indicator_board(programme=programme, unit=unit, period=Period.parse(latest))
    rows = []
    for figure in board.figures:
        if figure.judgement.met is None:
            verdict = "—"
        else:
            verdict = _("Đạt") if figure.judgement.met else _("Chưa đạt")
        rows.append(
            (
                f"{figure.indicator.code}. {figure.indicator.name}",
                figure_value(figure),
                figure_target(figure),
                verdict,
                figure_gap(figure) or "—",
                figure_change(figure) or "—",
            )
        )
    shown_period = period_label(board.period, in_sentence=True)
    return (
        _("5. Kết quả thực hiện các chỉ tiêu (kỳ %(period)s)") % {"period": shown_period},
        [_("Chỉ tiêu"), _("Kết quả"), _("Chỉ tiêu giao"), _("Đánh giá"), _("Còn thiếu"), _("So với kỳ trước")],
        rows,
    )
