import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from provinces.selectors import unit_children_with_counts
from roles.choices import Role, has_role
from roles.policy import can_coordinate

from .health import NOT_CONFIGURED, broker_state, database_state
from .security import LAST_ACTIVITY_KEY

# Rows of each list on the coordinator board; the counts cover every row.
BOARD_ROWS = 20


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): says how long this lockout lasts."""
    from .security import login_cool_off

    minutes = max(1, round(login_cool_off(request).total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def landing_url_for(user) -> str:
    """Where a signed-in user starts: the page of their daily work, by role (issue 19, "land on the work").

    A coordinator lands on their board, an officer on "Việc của tôi", a leader on their dashboard,
    an administrator on Django admin; anyone else on the unit tree. Someone holding several roles
    gets the most hands-on one first: the work they must do before the figures they read.
    """
    if has_role(user, Role.COORDINATOR):
        return reverse("coordinator_board")
    if has_role(user, Role.OFFICER):
        return reverse("tasks:my_tasks")
    if has_role(user, Role.LEADER):
        from dashboards.views import home_dashboard_url

        return home_dashboard_url(user)
    if user.is_staff or has_role(user, Role.ADMIN, Role.PROVINCE_ADMIN):
        return reverse("admin:index")
    return reverse("unit_tree")


@login_required
def home(request):
    """The portal's front door and the page after sign-in: each role lands on its work."""
    return redirect(landing_url_for(request.user))


@login_required
def unit_tree(request):
    """The user's unit and its children; a national user starts at the list of provinces."""
    if request.user.unit is not None:
        return redirect(request.user.unit)
    return render(
        request,
        "provinces/unit_detail.html",
        {"unit": None, "children": unit_children_with_counts(None), "breadcrumbs": []},
    )


@login_required
@require_GET
def coordinator_board(request):
    """The coordinator's board [bảng điều phối]: what waits on them today, each list linking to the work.

    Reports awaiting verification with their age in days, overdue tasks by unit, and the units that
    have not entered this month's criterion values; the section menu carries the three counts.
    """
    from pccc.periods import Period
    from pccc.selectors import units_without_values
    from tasks import selectors as task_selectors

    user = request.user
    if not can_coordinate(user):
        raise PermissionDenied(_("Chỉ Thường trực (cơ quan điều phối) mới dùng được chức năng này."))
    period = Period.month_of(timezone.localdate())
    awaiting = task_selectors.verification_queue_with_reports(user)
    overdue = task_selectors.overdue_by_unit(user)
    missing = units_without_values(root=user.unit, period=period)
    extensions = list(task_selectors.pending_extension_requests(user))
    context = {
        "extension_requests": extensions[:BOARD_ROWS],
        "awaiting": awaiting[:BOARD_ROWS],
        "overdue_by_unit": overdue[:BOARD_ROWS],
        "missing_units": missing[:BOARD_ROWS],
        "period": period,
        "counts": {
            "awaiting": len(awaiting),
            "overdue": sum(row["count"] for row in overdue),
            "overdue_units": len(overdue),
            "missing": len(missing),
            "extensions": len(extensions),
        },
    }
    return render(request, "portal/coordinator_board.html", context)


@require_POST
def session_keepalive(request):
    """The page's ping while the user is typing: restarts the idle clock (static/js/session.js)."""
    if not request.user.is_authenticated:
        return JsonResponse({"expired": True, "login_url": resolve_url(settings.LOGIN_URL)}, status=401)
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    return JsonResponse({"remaining": settings.SESSION_IDLE_TIMEOUT})


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers; the broker's state is reported, not required."""
    database = database_state()
    broker = broker_state()
    healthy = database == "ok"
    status = "ok" if healthy and broker in ("ok", NOT_CONFIGURED) else ("degraded" if healthy else "error")
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
