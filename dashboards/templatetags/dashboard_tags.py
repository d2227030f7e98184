"""Presentation of the dashboards' figures: colours and grade bands (the selectors return numbers only)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dashboards.tilemap import tile_colour
from pccc.evaluation import percent, percent_text
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


# The ranking's rows and the tile map are drawn here, not by the template engine: it spent ~0.27 ms per
# row (an {% include %} alone ~0.1 ms, each number localized, each link reversed) and ~0.1 ms per tile,
# and a province has a row and a tile per commune (126 for Hà Nội): two thirds of the page's render
# from scratch, against the 100 ms of issue 15. Plain strings with the unit's name escaped draw the same
# HTML (tests/dashboards/test_ranking_html.py compares them) in a fraction of that; numbers need no
# escaping, and ``fixed`` is floatformat's rounding and decimal separator without its generality.


def fixed(value: Decimal | None, places: int, separator: str) -> str:
    """``value|floatformat:places`` for a Decimal: half up, ``separator`` as the decimal mark, no
    thousands grouping (USE_THOUSAND_SEPARATOR is off), no minus sign on a value rounded to zero, and
    nothing for None."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)
    return str(rounded).replace(".", separator)


def _progress_bar_html(value, colour: str, escaped_label: str, height: str = "0.6rem") -> str:
    width = str(value or 0)  # unlocalized: a CSS length and an ARIA number take a dot; 0.00 drawn as 0
    return (
        f'<div class="progress" role="progressbar" aria-label="{escaped_label}" aria-valuenow="{width}"'
        f' aria-valuemin="0" aria-valuemax="100" style="height: {height}">'
        f'<div class="progress-bar bg-{colour}" style="width: {width}%"></div></div>'
    )


@register.simple_tag
def progress_bar(value, colour: str = "primary", label: str | None = None, height: str = "0.6rem"):
    """A Bootstrap progress bar for a completion % (0–100, None drawn empty), labelled for screen readers."""
    escaped_label = escape(label or _("Tiến độ bình quân (có trọng số)"))
    return mark_safe(_progress_bar_html(value, escape(colour), escaped_label, escape(height)))


def _change_arrow_html(change: Decimal | None, words: dict, separator: str) -> str:
    if change is None:
        return '<span class="text-muted">–</span>'
    if change > 0:
        figure = fixed(change, 1, separator)
        return f'<span class="text-success" title="{words["up"]}"><i class="bi bi-arrow-up"></i> {figure}</span>'
    if change < 0:
        figure = fixed(change, 1, separator)
        return f'<span class="text-danger" title="{words["down"]}"><i class="bi bi-arrow-down"></i> {figure}</span>'
    return f'<span class="text-muted" title="{words["same"]}"><i class="bi bi-dash"></i> 0</span>'


def _arrow_words() -> dict:
    return {"up": escape(_("Tăng")), "down": escape(_("Giảm")), "same": escape(_("Không đổi"))}


@register.simple_tag
def change_arrow(change: Decimal | None):
    """A change in percentage points: an arrow up in green, down in red, a dash when unchanged or unknown."""
    return mark_safe(_change_arrow_html(change, _arrow_words(), get_format("DECIMAL_SEPARATOR")))


def _ranking_row(row, position: int, unit_url: str, text: dict, separator: str, scope_period: str | None) -> str:
    completion = row.completion
    if completion is not None:
        bar = _progress_bar_html(completion, bootstrap_grade(completion), text["completion"])
        completion_cell = (
            '<div class="d-flex align-items-center gap-2">'
            f'<span class="ranking-value">{fixed(completion, 1, separator)}%</span>'
            f'<div class="flex-grow-1">{bar}</div></div>'
        )
    else:
        completion_cell = f'<span class="text-muted small">{text["no_tasks"]}</span>'
    snapshot = row.snapshot
    if snapshot:
        started = (
            f"{fixed(snapshot.started_share, 1, separator)}% "
            f'<span class="text-muted">({snapshot.tasks_started}/{snapshot.tasks_total})</span>'
        )
    else:
        started = '<span class="text-muted">–</span>'
    overdue = row.overdue
    overdue_cell = f'<span class="text-danger fw-semibold">{overdue}</span>' if overdue else "0"
    if row.pccc_rate is not None:
        pccc = row.pccc
        pccc_cell = (
            f"{percent_text(percent(pccc.units_passing, pccc.units_total))} "
            f'<span class="text-muted small">({pccc.units_passing}/{pccc.units_total})</span>'
        )
        if scope_period is not None and _period_key(pccc) != scope_period:
            pccc_cell += f' <span class="text-muted small">{escape(pccc.period_label)}</span>'
    else:
        pccc_cell = '<span class="text-muted">–</span>'
    if row.graded:
        grade_name = escape(_("Loại %(grade)s") % {"grade": row.graded.grade})
        grade_cell = (
            f'<span class="badge text-bg-secondary ranking-grade">{grade_name}</span> '
            f'<span class="small text-muted ranking-score">{fixed(row.graded.score, 2, separator)}</span>'
        )
    elif band := grade(completion):
        grade_cell = f'<span class="badge text-bg-{band[1]}">{escape(band[0])}</span>'
    else:
        grade_cell = ""
    change_7 = _change_arrow_html(row.change_7, text["arrows"], separator)
    change_30 = _change_arrow_html(row.change_30, text["arrows"], separator)
    return (
        f'<tr data-unit="{escape(row.unit.code)}"><td class="text-muted card-rank">{position}</td>'
        f'<td class="card-title-cell"><a href="{unit_url}">{escape(row.unit.name)}</a></td>'
        f'<td data-label="{text["completion"]}">{completion_cell}</td>'
        f'<td class="text-end small" data-label="{text["started"]}">{started}</td>'
        f'<td class="text-end small" data-label="{text["7"]}">{change_7}</td>'
        f'<td class="text-end small" data-label="{text["30"]}">{change_30}</td>'
        f'<td class="text-end" data-label="{text["overdue"]}">{overdue_cell}</td>'
        f'<td class="text-end" data-label="{text["pccc"]}">{pccc_cell}</td>'
        f'<td data-label="{text["grade"]}">{grade_cell}</td></tr>'
    )


def _period_key(pccc) -> tuple[str, str]:
    """What ``period_label`` is written from (the latest period, and the earliest when they differ):
    equal keys, equal labels, without formatting a label per row."""
    return pccc.period, pccc.period_earliest if pccc.periods_differ else ""


def _unit_url_maker(programme):
    """A function of a unit code giving its dashboard's URL: one reverse for the whole table (the
    links differ only by the code, digits that need no quoting)."""
    head, tail = reverse("dashboards:unit_dashboard", args=[programme.pk, "0"]).rsplit("0", 1)
    return lambda code: f"{head}{escape(code)}{tail}"


@register.simple_tag
def ranking_rows(rows, programme, scope_pccc=None):
    """The ranking table's body: a row per child unit, ranked as given; each cell carries its column's
    name for the phone layout (cards); the PCCC period is written only where it differs from the scope's."""
    text = {
        key: escape(value)
        for key, value in {
            "completion": _("Tiến độ bình quân (có trọng số)"),
            "started": _("Đã triển khai"),
            "7": _("7 ngày"),
            "30": _("30 ngày"),
            "overdue": _("Quá hạn"),
            "pccc": _("Đạt PCCC"),
            "grade": _("Xếp loại"),
            "no_tasks": _("chưa có nhiệm vụ"),
        }.items()
    }
    text["arrows"] = _arrow_words()
    separator = get_format("DECIMAL_SEPARATOR")
    scope_period = _period_key(scope_pccc) if scope_pccc else None
    unit_url = _unit_url_maker(programme)
    return mark_safe(
        "".join(
            _ranking_row(row, position, unit_url(row.unit.code), text, separator, scope_period)
            for position, row in enumerate(rows, start=1)
        )
    )


# Tiles' names drop the words every unit shares, to fit the tile.
TILE_NAME_DROPPED = ("Thành phố ", "Phường ", "Xã ")


@register.simple_tag
def tile_links(tiles, programme):
    """The tile map's links: each unit at its grid place, coloured by its completion, titled with it."""
    separator = get_format("DECIMAL_SEPARATOR")
    unit_url = _unit_url_maker(programme)
    links = []
    for tile in tiles:
        unit, completion = tile["row"].unit, tile["row"].completion
        short = unit.name
        for word in TILE_NAME_DROPPED:
            short = short.replace(word, "")
        figure = f"{fixed(completion, 1, separator)}%" if completion is not None else "–"
        place = f"grid-row: {tile['grid_row']}; grid-column: {tile['grid_col']}; background: {tile_colour(completion)}"
        links.append(
            f'<a class="tile" href="{unit_url(unit.code)}" style="{place}" title="{escape(unit.name)}: {figure}">'
            f"{escape(truncatechars(short, 10))}</a>"
        )
    return mark_safe("".join(links))
