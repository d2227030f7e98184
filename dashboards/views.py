import datetime
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from provinces.choices import UnitLevel
from provinces.selectors import unit_breadcrumbs
from tasks.selectors import programmes_visible_to

from .legacy import REFORM_LAST_DAY, legacy_criteria_set, legacy_view
from .selectors import (
    NATIONAL,
    SORT_KEYS,
    NotVisible,
    dashboard,
    last_successful_run,
    programme_and_unit,
)
from .services import snapshots_generation
from .templatetags.dashboard_tags import status_colour

# Query parameter naming the criteria set (mô hình) whose PCCC figures the page shows.
CRITERIA_SET_PARAM = "mo_hinh"
# ?dia_gioi=cu&ngay=2024-12-31: the page "theo địa giới trước 01/07/2025" as of that date.
STRUCTURE_PARAM, LEGACY_STRUCTURE, DATE_PARAM = "dia_gioi", "cu", "ngay"


def programme_and_unit_or_404(user, programme_id: int, code: str, **options):
    """``selectors.programme_and_unit``, or the Vietnamese 404 it explains (the exports use it too)."""
    try:
        return programme_and_unit(user, programme_id, code, **options)
    except NotVisible as hidden:
        raise Http404(str(hidden)) from None


@login_required
def dashboard_home(request):
    """The user's own unit, first programme they may see."""
    programme = programmes_visible_to(request.user).first()
    if programme is None:
        # No programme to show, but the unit's PCCC figures need none.
        board = dashboard(
            programme=None, unit=request.user.unit, criteria_set_code=request.GET.get(CRITERIA_SET_PARAM, "")
        )
        return render(request, "dashboards/no_programme.html", {"board": board, **_freshness(board)})
    code = request.user.unit.code if request.user.unit else NATIONAL
    return redirect("dashboards:unit_dashboard", programme_id=programme.pk, code=code)


@login_required
def unit_dashboard(request, programme_id: int, code: str):
    """Headline figures, ranking of child units, bottlenecks and charts for one unit and programme."""
    sort = request.GET.get("sap_xep", "hoan-thanh")
    if sort not in SORT_KEYS:
        sort = "hoan-thanh"
    criteria_set_code = request.GET.get(CRITERIA_SET_PARAM, "")
    if request.GET.get(STRUCTURE_PARAM) == LEGACY_STRUCTURE:
        return _legacy_dashboard(request, programme_id, code, criteria_set_code)
    page_key = _page_cache_key(request, programme_id, code, sort, criteria_set_code)
    if page_key and (html := cache.get(page_key)) is not None:
        return HttpResponse(html)
    programmes = list(programmes_visible_to(request.user))
    programme, unit = programme_and_unit_or_404(
        request.user, programme_id, code, programmes=programmes, with_predecessors=True
    )
    predecessors = getattr(unit, "legacy_predecessors", [])
    board = dashboard(
        programme=programme, unit=unit, sort=sort, viewer=request.user, criteria_set_code=criteria_set_code
    )
    response = render(
        request,
        "dashboards/unit_dashboard.html",
        {
            "board": board,
            "chart_data": chart_data(board),
            "programmes": programmes,
            **_freshness(board),
            "live_cache_seconds": settings.DASHBOARD_LIVE_CACHE_SECONDS,
            "criteria_set_param": CRITERIA_SET_PARAM,
            # Sorting keeps the chosen criteria set (the first one is the default, left out).
            "set_query": (
                f"&{urlencode({CRITERIA_SET_PARAM: board.criteria_set.code})}"
                if board.criteria_set and board.criteria_sets and board.criteria_set != board.criteria_sets[0]
                else ""
            ),
            "sort": sort,
            "breadcrumbs": unit_breadcrumbs(request.user, unit) if unit else [],
            "national_code": NATIONAL,
            # "Gồm số liệu của Tỉnh Hải Dương (cũ)": the old units whose records the figures carry.
            "predecessors": predecessors,
            # The old structure is shown by province: nationally, and for a province that carries old ones.
            "legacy_view_offered": unit is None or (unit.level == UnitLevel.PROVINCE and bool(predecessors)),
        },
    )
    if page_key:
        cache.set(page_key, response.content, settings.DASHBOARD_LIVE_CACHE_SECONDS)
    return response


def _legacy_dashboard(request, programme_id: int, code: str, criteria_set_code: str):
    """The old provinces a scope carries, with their districts, as of a date up to 30/06/2025 (live figures)."""
    programmes = list(programmes_visible_to(request.user))
    programme, unit = programme_and_unit_or_404(request.user, programme_id, code, programmes=programmes)
    on, date_error = _legacy_date(request.GET.get(DATE_PARAM, ""))
    criteria_set = legacy_criteria_set(criteria_set_code)
    return render(
        request,
        "dashboards/legacy_dashboard.html",
        {
            "programme": programme,
            "programmes": programmes,
            "unit": unit,
            "view": legacy_view(programme=programme, unit=unit, on=on, criteria_set=criteria_set),
            "date_error": date_error,
            "reform_last_day": REFORM_LAST_DAY,
            "national_code": NATIONAL,
        },
    )


def _legacy_date(text: str) -> tuple[datetime.date, str]:
    """The date of the pre-reform view: ``YYYY-MM-DD`` or ``dd/mm/yyyy``, at most 30/06/2025 (the default)."""
    text = text.strip()
    if not text:
        return REFORM_LAST_DAY, ""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day > REFORM_LAST_DAY:
            return REFORM_LAST_DAY, _(
                "Địa giới trước 01/07/2025 chỉ xem được đến ngày 30/06/2025; đang hiển thị ngày 30/06/2025."
            )
        return day, ""
    return REFORM_LAST_DAY, _("Ngày không hợp lệ; đang hiển thị ngày 30/06/2025.")


def _freshness(board) -> dict:
    """When the shown figures were computed (stored on every row) and whether they are stale.

    Only when the scope has no figures at all is the run log read, so that the page says
    the truth: no run succeeded yet, or runs succeeded and this scope has no data.
    """
    shown = board.snapshot or board.pccc
    computed_at = shown.computed_at if shown else None
    return {
        "computed_at": computed_at,
        "stale": computed_at is None or timezone.now() - computed_at > settings.DASHBOARD_STALE_AFTER,
        "last_success": None if shown else last_successful_run(),
    }


def _page_cache_key(request, programme_id: int, code: str, sort: str, criteria_set_code: str) -> str | None:
    """Key of this viewer's page for the latest run, or None when it must not be reused.

    A leader who reloads within a minute gets the same page: the snapshot part only changes
    with a new run (which bumps the generation in the key), the live part is shared for a
    minute anyway.
    A page is stored only after the scope checks passed for this user, with this unit scope,
    for this programme and unit code, so a reload skips them: moving the user to another unit
    changes the key. The session is in the key because the page carries its CSRF token.
    """
    if request.session.get("_messages") or "messages" in request.COOKIES or not request.session.session_key:
        return None
    user = request.user
    parts = [programme_id, code, user.unit_id, sort, criteria_set_code, get_language(), snapshots_generation(),
             request.session.session_key]  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"dashboard-page:{request.user.pk}:{digest}"


def chart_data(board) -> dict:
    """Numbers for Chart.js (static/js/dashboard.js); the page shows the same numbers in tables."""
    return {
        "trend": {
            "labels": [day.strftime("%d/%m") for day, _ in board.trend],
            "values": [float(value) for _, value in board.trend],
        },
        "status": {
            "labels": [str(label) for _, label, _ in board.status_counts],
            "colours": [status_colour(status) for status, _, _ in board.status_counts],
            "values": [count for _, _, count in board.status_counts],
        },
        "agencies": {
            "labels": [row["lead_agency__name"] for row in board.by_agency],
            "values": [float(row["completion"]) for row in board.by_agency],
        },
        "criteria": {
            "labels": [criterion.code for criterion, _ in board.criteria_rates],
            "titles": [criterion.column_title for criterion, _ in board.criteria_rates],
            "values": [
                round(n["pass_rate"], 1) if n["pass_rate"] is not None else None for _, n in board.criteria_rates
            ],
        },
        "labels": {"completion": _("Hoàn thành (%)"), "passRate": _("Đơn vị đạt (%)")},
    }
