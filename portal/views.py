import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from provinces.selectors import unit_children_with_counts

from .health import NOT_CONFIGURED, broker_state, database_state
from .security import LAST_ACTIVITY_KEY


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): says how long this lockout lasts."""
    from .security import login_cool_off

    minutes = max(1, round(login_cool_off(request).total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def home(request):
    """The user's unit and its children; a national user starts at the list of provinces."""
    if request.user.unit is not None:
        return redirect(request.user.unit)
    return render(
        request,
        "provinces/unit_detail.html",
        {"unit": None, "children": unit_children_with_counts(None), "breadcrumbs": []},
    )


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
