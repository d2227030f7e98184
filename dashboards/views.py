import datetime
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.selectors import unread_count
from provinces.choices import UnitLevel
from provinces.selectors import unit_breadcrumbs
from roles.policy import can_coordinate
from tasks.selectors import programmes_visible_to, tasks_visible_to

from .choices import RunOutcome
from .legacy import REFORM_LAST_DAY, legacy_criteria_set, legacy_view
from .measures import WEIGHTED_PROGRESS_PERCENT
from .selectors import (
    NATIONAL,
    SORT_KEYS,
    SUMMARY_BOTTLENECK_GROUPS,
    NotVisible,
    changes_since_shared,
    dashboard,
    last_successful_run,
    previous_snapshot_date,
    programme_and_unit,
    ranking_summary,
)
from .services import parse_day, recompute_run, snapshots_generation
from .templatetags.dashboard_tags import status_colour

# Query parameter naming the criteria set (mô hình) whose PCCC figures the page shows.
CRITERIA_SET_PARAM = "mo_hinh"
# ?dia_gioi=cu&ngay=2024-12-31: the page "theo địa giới trước 01/07/2025" as of that date.
STRUCTURE_PARAM, LEGACY_STRUCTURE, DATE_PARAM = "dia_gioi", "cu", "ngay"
# ?in=tom-tat: the one-page A4 summary for a meeting (headline, top and bottom 10, bottlenecks).
PRINT_PARAM, SUMMARY_PRINT = "in", "tom-tat"
# ?so-voi=YYYY-MM-DD: "what changed" compares the shown day with this day (default: the previous snapshot).
COMPARE_PARAM = "so-voi"


def programme_and_unit_or_404(user, programme_id: int, code: str, **options):
    """``selectors.programme_and_unit``, or the Vietnamese 404 it explains (the exports use it too)."""
    try:
        return programme_and_unit(user, programme_id, code, **options)
    except NotVisible as hidden:
        raise Http404(str(hidden)) from None


@login_required
def dashboard_home(request):
    """The user's own unit, first programme they may see that has tasks in their scope (else the first one).

    A plan with indicators only sorts before "Đề án 06" by name: a leader landing there read
    "Chưa có số liệu nhiệm vụ" while their tasks were one menu away (issue 19, "land on the work").
    """
    programme = _home_programme(request.user)
    if programme is None:
        # No programme to show, but the unit's PCCC figures need none.
        board = dashboard(
            programme=None, unit=request.user.unit, criteria_set_code=request.GET.get(CRITERIA_SET_PARAM, "")
        )
        return render(request, "dashboards/no_programme.html", {"board": board, **_freshness(board)})
    return redirect(_unit_dashboard_url(request.user, programme))


def home_dashboard_url(user) -> str:
    """Where a leader lands: their unit's dashboard itself, without the hop through ``dashboard_home``
    (a request less on the first visit of the day); that page when no programme is visible."""
    programme = _home_programme(user)
    return _unit_dashboard_url(user, programme) if programme else reverse("dashboards:home")


def _home_programme(user):
    programmes = programmes_visible_to(user)
    in_scope = tasks_visible_to(user).filter(programme=OuterRef("pk"))
    return programmes.filter(Exists(in_scope)).first() or programmes.first()


def _unit_dashboard_url(user, programme) -> str:
    code = user.unit.code if user.unit else NATIONAL
    return reverse("dashboards:unit_dashboard", kwargs={"programme_id": programme.pk, "code": code})


@login_required
def unit_dashboard(request, programme_id: int, code: str):
    """Headline figures, ranking of child units, bottlenecks and charts for one unit and programme."""
    sort = request.GET.get("sap_xep", "hoan-thanh")
    if sort not in SORT_KEYS:
        sort = "hoan-thanh"
    criteria_set_code = request.GET.get(CRITERIA_SET_PARAM, "")
    if request.GET.get(STRUCTURE_PARAM) == LEGACY_STRUCTURE:
        return _legacy_dashboard(request, programme_id, code, criteria_set_code)
    on, date_error = dashboard_date(request.GET.get(DATE_PARAM, ""))
    compared_to, compare_error = dashboard_date(request.GET.get(COMPARE_PARAM, ""))
    summary = request.GET.get(PRINT_PARAM) == SUMMARY_PRINT
    # A refused date shows its message: that page is not stored in place of the plain one.
    page_key = (
        None
        if date_error or compare_error
        else _page_cache_key(request, programme_id, code, sort, criteria_set_code, on, (compared_to, summary))
    )
    if page_key and (html := cache.get(page_key)) is not None:
        return HttpResponse(html)
    programmes = list(programmes_visible_to(request.user).select_related("grading_rule"))
    programme, unit = programme_and_unit_or_404(
        request.user, programme_id, code, programmes=programmes, with_predecessors=True
    )
    predecessors = getattr(unit, "legacy_predecessors", [])
    board = dashboard(
        programme=programme, unit=unit, sort=sort, viewer=request.user, criteria_set_code=criteria_set_code, on=on
    )
    meeting = _meeting_context(board, on)
    if summary:
        response = render(request, "dashboards/unit_dashboard_summary.html", {
            "board": board, "summary": ranking_summary(board.ranking), **meeting, **_freshness(board),
            "bottleneck_groups_shown": SUMMARY_BOTTLENECK_GROUPS, "national_code": NATIONAL,
        })  # fmt: skip
        if page_key:
            cache.set(page_key, response.content, settings.DASHBOARD_LIVE_CACHE_SECONDS)
        return response
    since, compare_error = _changes_since(board, compared_to, compare_error)
    response = render(
        request,
        "dashboards/unit_dashboard.html",
        {
            "board": board,
            # "Thay đổi từ ngày …": what changed since the previous snapshot or ?so-voi=.
            "since": since,
            "compare_param": COMPARE_PARAM,
            "compare_error": compare_error,
            **meeting,
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
            # ?ngay=: the figures as of a past day; the picker, its error and the offer to compute it.
            "date_param": DATE_PARAM,
            "date_error": date_error,
            "date_query": f"&{urlencode({DATE_PARAM: on.isoformat()})}" if on else "",
            "today": timezone.localdate(),
            "can_compute_day": can_coordinate(request.user),
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


def dashboard_date(text: str) -> tuple[datetime.date | None, str]:
    """The day picked on the dashboard (``YYYY-MM-DD`` from the calendar, or ``dd/mm/yyyy``), or None for the
    latest figures; a malformed or future date gives the latest figures and a message saying why."""
    text = text.strip()
    if not text:
        return None, ""
    day = parse_day(text)
    if day is None:
        return None, _("Ngày không hợp lệ: hãy chọn ngày theo dạng ngày/tháng/năm; đang hiển thị số liệu mới nhất.")
    if day > timezone.localdate():
        return None, _(
            "Ngày %(date)s chưa đến: không có số liệu của ngày trong tương lai; đang hiển thị số liệu mới nhất."
        ) % {"date": day.strftime("%d/%m/%Y")}
    return day, ""


@login_required
@require_POST
def compute_day(request, programme_id: int, code: str):
    """ "Tính số liệu ngày này": run the recompute for a past day (same service and lock as the nightly run)."""
    # The scope check: a coordinator computes only from a dashboard they may read.
    programme, _unit = programme_and_unit_or_404(
        request.user, programme_id, code, programmes=list(programmes_visible_to(request.user))
    )
    if not can_coordinate(request.user):  # coordinators and admins
        raise PermissionDenied(_("Chỉ Thường trực hoặc quản trị mới được tính số liệu cho một ngày."))
    on, date_error = dashboard_date(request.POST.get(DATE_PARAM, ""))
    url = reverse("dashboards:unit_dashboard", kwargs={"programme_id": programme.pk, "code": code})
    if on is None:
        messages.error(request, date_error or _("Hãy chọn ngày cần tính số liệu."))
        return redirect(url)
    run = recompute_run(as_of=on, triggered_by=f"bảng điều khiển: {request.user.username}")
    if run.outcome == RunOutcome.SKIPPED:
        messages.error(request, _("Đang có một lượt tính số liệu khác; hãy thử lại sau ít phút."))
    elif run.outcome == RunOutcome.SUCCESS:
        messages.success(request, _("Đã tính số liệu ngày %(date)s.") % {"date": on.strftime("%d/%m/%Y")})
    else:
        messages.error(request, _("Tính số liệu ngày %(date)s chưa trọn vẹn: %(error)s") % {
            "date": on.strftime("%d/%m/%Y"), "error": run.error,
        })  # fmt: skip
    return redirect(f"{url}?{urlencode({DATE_PARAM: on.isoformat()})}")


def _page_cache_key(
    request,
    programme_id: int,
    code: str,
    sort: str,
    criteria_set_code: str,
    on: datetime.date | None = None,
    variant: tuple = (),
) -> str | None:
    """Key of this viewer's page for the latest run, or None when it must not be reused.

    A leader who reloads within a minute gets the same page: the snapshot part only changes
    with a new run (which bumps the generation in the key), the live part is shared for a
    minute anyway.
    A page is stored only after the scope checks passed for this user, with this unit scope,
    for this programme and unit code, so a reload skips them: moving the user to another unit
    changes the key. The session is in the key because the page carries its CSRF token, the
    unread count because the page carries the bell (one indexed COUNT).
    """
    if request.session.get("_messages") or "messages" in request.COOKIES or not request.session.session_key:
        return None
    user = request.user
    parts = [programme_id, code, user.unit_id, sort, criteria_set_code, get_language(), snapshots_generation(),
             request.session.session_key, on, variant, unread_count(user)]  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"dashboard-page:{request.user.pk}:{digest}"


def _changes_since(board, compared_to: datetime.date | None, compare_error: str):
    """(changes, error) for "Thay đổi từ ngày …": the shown day against ``compared_to`` if it is earlier,
    else against the scope's previous snapshot; None when the scope has a single day of figures."""
    if board.snapshot is None:
        return None, compare_error
    if compared_to is not None and compared_to >= board.as_of:
        compare_error = _("Ngày so sánh phải trước ngày số liệu đang xem (%(date)s); đang so với lượt tính trước.") % {
            "date": board.as_of.strftime("%d/%m/%Y")
        }
        compared_to = None
    since = compared_to or previous_snapshot_date(board)
    if since is None:
        return None, compare_error
    changes = changes_since_shared(
        programme=board.programme, unit=board.unit, until=board.as_of, since=since, known_at=board.snapshot.computed_at
    )
    return changes, compare_error


def _meeting_context(board, on: datetime.date | None) -> dict:
    """The meeting's print header (unit, data date) and the query of its .docx/PDF report and summary links."""
    unit_name = board.unit.name if board.unit else _("Toàn quốc")
    data_day = (board.as_of or on or timezone.localdate()).strftime("%d/%m/%Y")
    header = _("%(unit)s · %(programme)s · số liệu ngày %(date)s") % {
        "unit": unit_name, "programme": board.programme.name, "date": data_day,
    }  # fmt: skip
    # The report takes the same programme, unit and day; the period is that day's year.
    report_query = urlencode({
        "programme": board.programme.pk,
        "unit": board.unit.code if board.unit else "",
        "ky": (on or timezone.localdate()).year,
        **({DATE_PARAM: on.isoformat()} if on else {}),
    }) if board.unit else ""  # fmt: skip
    return {
        "print_running_header": css_string(header),
        "print_page_label": css_string(_("Trang")),
        "print_of_label": css_string(" / "),
        "report_query": report_query,
        "summary_query": urlencode({PRINT_PARAM: SUMMARY_PRINT, **({DATE_PARAM: on.isoformat()} if on else {})}),
        "dashboard_query": urlencode({DATE_PARAM: on.isoformat()}) if on else "",
    }


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a <style> element: every character but letters, digits
    and spaces is written as a CSS escape (so no quote, backslash or ``</style>`` can end it)."""
    escaped = "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in text)
    return mark_safe(f'"{escaped}"')  # safe: every other character is escaped above


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
        "labels": {"completion": str(WEIGHTED_PROGRESS_PERCENT), "passRate": _("Đơn vị đạt (%)")},
    }
