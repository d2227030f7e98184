from django import template

from dashboards.tilemap import tile_colour

register = template.Library()


@register.filter
def completion_colour(value) -> str:
    """Background colour of a map tile for a completion %."""
    return tile_colour(value)


@register.filter
def bootstrap_grade(value) -> str:
    """Bootstrap colour for a completion %: the bands of the ranking."""
    from dashboards.selectors import grade_for

    grade = grade_for(value)
    return grade[1] if grade else "secondary"


@register.filter
def url_code(unit) -> str:
    """The code naming ``unit`` in a URL: "~code" for a legacy unit (its code may be a current unit's)."""
    from provinces.selectors import unit_url_code

    return unit_url_code(unit)
