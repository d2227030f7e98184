"""Showing indicator figures the Vietnamese way: 1.500.000, 98,5%, "còn thiếu 22.843 người"."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.selectors import dashboard_indicator_board
from pccc.choices import Comparator
from pccc.evaluation import percent, percent_text

register = template.Library()


def _number(value, places: int = 0) -> str:
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _decimal(value: Decimal) -> str:
    """A target or rate with only the decimals it has: 98,5 / 100 / 92,33."""
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return _number(value, places)


@register.filter
def figure_value(figure) -> str:
    """ "98,5%" (the rate) for a ratio, "3.897" for a count; "–" when nothing was reported."""
    if not figure.amount.reported:
        return "–"
    if figure.indicator.is_ratio:
        # pccc's rule: a rate never reads across its target (1.500.000/1.522.843 against 98,5% is
        # "98,49998%", not a "98,5%" marked "chưa đạt").
        comparator = Comparator.AT_LEAST_PERCENT if figure.indicator.higher_is_better else Comparator.AT_MOST_PERCENT
        return percent_text(
            percent(figure.amount.numerator, figure.amount.denominator), comparator=comparator, target=figure.target
        )
    return _number(figure.amount.numerator)


@register.filter
def figure_fraction(figure) -> str:
    """ "1.500.000/1.522.843" under a ratio's rate: the base it was computed on."""
    if not figure.amount.reported or not figure.indicator.is_ratio:
        return ""
    return f"{_number(figure.amount.numerator)}/{_number(figure.amount.denominator)}"


@register.filter
def figure_target(figure) -> str:
    if figure.target is None:
        return "–"
    text = _decimal(figure.target)
    return f"{text}%" if figure.indicator.is_ratio else text


@register.filter
def figure_gap(figure) -> str:
    """ "còn thiếu 22.843 người" (or over a cap by so many); empty when met or not judged."""
    gap = figure.judgement.gap
    if not gap:
        return ""
    values = {"gap": _number(gap), "measure": figure.indicator.measure}
    if figure.indicator.higher_is_better:
        return _("còn thiếu %(gap)s %(measure)s") % values
    return _("vượt mức tối đa %(gap)s %(measure)s") % values


@register.filter
def figure_change(figure) -> str:
    """ "+2 điểm %" for a ratio, "+97" for a count, against the previous period; empty without it."""
    change = figure.change
    if change is None:
        return ""
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    text = _decimal(abs(change))
    return (
        _("%(sign)s%(change)s điểm %%") % {"sign": sign, "change": text}
        if figure.indicator.is_ratio
        else f"{sign}{text}"
    )


@register.inclusion_tag("indicators/_dashboard_section.html")
def indicators_section(programme, unit, national_code):
    """The programme's indicators on its dashboard, for the unit the dashboard shows (scope checked there),
    read from the nightly snapshots."""
    return {"board": dashboard_indicator_board(programme=programme, unit=unit), "national_code": national_code}
