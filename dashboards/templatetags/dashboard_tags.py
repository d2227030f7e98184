"""Presentation of the dashboards' figures: colours and grade bands (the selectors return numbers only)."""

from decimal import Decimal

from django import template
from django.conf import settings

from dashboards.tilemap import tile_colour
from tasks.choices import TaskStatus

register = template.Library()

# Slices of the status chart and dots of its table (Bootstrap's palette).
STATUS_CHART_COLOURS = {
    TaskStatus.DONE: "#198754",
    TaskStatus.DONE_LATE: "#fd7e14",
    TaskStatus.IN_PROGRESS: "#0d6efd",
    TaskStatus.BLOCKED: "#dc3545",
    TaskStatus.NOT_STARTED: "#6c757d",
}


@register.filter
def grade(completion: Decimal | None) -> tuple[str, str] | None:
    """(label, Bootstrap colour) of the grade band for a completion %, from settings.DASHBOARD_GRADES."""
    if completion is None:
        return None
    for threshold, label, colour in settings.DASHBOARD_GRADES:
        if completion >= threshold:
            return label, colour
    return settings.DASHBOARD_GRADES[-1][1:]


@register.simple_tag
def grade_bands() -> list[dict]:
    """The grade bands of settings.DASHBOARD_GRADES as (label, colour, lower, upper) for the legend:
    the same thresholds ``grade`` judges by, best first; ``upper`` None for the top band."""
    bands, upper = [], None
    for threshold, label, colour in settings.DASHBOARD_GRADES:
        bands.append({"label": label, "colour": colour, "lower": threshold, "upper": upper})
        upper = threshold
    return bands


@register.filter
def status_colour(status: str) -> str:
    """Colour of a task status in the status chart and its table."""
    return STATUS_CHART_COLOURS[status]


@register.filter
def completion_colour(value) -> str:
    """Background colour of a map tile for a completion %."""
    return tile_colour(value)


@register.filter
def bootstrap_grade(value) -> str:
    """Bootstrap colour for a completion %: the bands of the ranking."""
    band = grade(value)
    return band[1] if band else "secondary"


@register.filter
def url_code(unit) -> str:
    """The code naming ``unit`` in a URL: "~code" for a legacy unit (its code may be a current unit's)."""
    from provinces.selectors import unit_url_code

    return unit_url_code(unit)
