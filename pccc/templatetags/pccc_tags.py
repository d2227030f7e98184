"""Showing PCCC figures: a percentage never reads across its criterion's target (issue 11, item 7)."""

from django import template
from django.utils.formats import number_format

from pccc.evaluation import criterion_percent_text, percent, percent_text

register = template.Library()


@register.filter
def criterion_percent(value, criterion) -> str:
    """``{{ ratio|criterion_percent:criterion }}``: "99,999%" against ≥100%, never "100,00%"; "–" for None."""
    return criterion_percent_text(criterion, value)


@register.filter
def ratio_percent(value, denominator) -> str:
    """``{{ passing|ratio_percent:total }}``: a share in percent with one decimal (or more when needed)."""
    return percent_text(percent(value, denominator))


@register.filter
def criterion_target(criterion) -> str:
    """A criterion's target as typed in admin: "0,01%", "100%", "0,0125%", "3" (no decimals cut off)."""
    if criterion.target is None:
        return ""
    target = criterion.target.normalize()
    decimals = max(0, -target.as_tuple().exponent)
    text = number_format(target, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}%" if criterion.is_ratio else text


@register.filter
def assessment_percent(assessment, criterion) -> str:
    """``{{ row|assessment_percent:criterion }}``: one unit's ratio, by the same rule as the roll-ups."""
    if assessment is None:
        return "–"
    return criterion_percent_text(criterion, percent(assessment.value, assessment.denominator))


@register.filter
def period_label(period, position: str = "") -> str:
    """A period (key or Period) as officials write it: ``pccc.periods.period_label``;
    ``|period_label:"giua-cau"`` for the middle of a sentence ("kỳ quý IV/2026")."""
    from pccc.periods import period_label as label

    return label(period, in_sentence=position == "giua-cau")
