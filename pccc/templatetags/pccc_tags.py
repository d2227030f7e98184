"""Showing PCCC figures: a percentage never reads across its criterion's target (issue 11, item 7)."""

from django import template

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
