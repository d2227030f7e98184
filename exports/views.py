"""The exports hub page and the meeting report download."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboards.selectors import NATIONAL
from pccc.periods import Period
from pccc.selectors import criteria_sets_active
from roles import policy
from tasks.selectors import programmes_visible_to

from .forms import ReportForm


@login_required
@require_GET
def index(request):
    """Links to the imports and templates, and the report form, by what the user may do."""
    user = request.user
    return render(
        request,
        "exports/index.html",
        {
            "can_import_tasks": policy.can_coordinate(user),
            "can_import_pccc": policy.can_enter_assessments(user),
            "can_view_pccc": policy.can_view_assessments(user),
            "criteria_sets": list(criteria_sets_active()) if policy.can_view_assessments(user) else [],
            "report_form": ReportForm(user=user),
            "programmes": list(programmes_visible_to(user)),
            "unit_code": user.unit.code if user.unit_id else NATIONAL,
            "period": Period.month_of(timezone.localdate()).key,
        },
    )
