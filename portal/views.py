from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from provinces.selectors import unit_children_with_counts

from .health import NOT_CONFIGURED, broker_state, database_state


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
