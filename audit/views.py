from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .choices import KIND_BADGES
from .selectors import RECENT_SIGN_INS, recent_sign_ins_of


@login_required
@require_GET
def recent_logins(request):
    """The signed-in user's own recent logins, failures and lockouts: they spot a stranger first."""
    events = recent_sign_ins_of(request.user)
    rows = [(event, KIND_BADGES.get(event.kind, "secondary")) for event in events]
    return render(request, "audit/recent_logins.html", {"rows": rows, "limit": RECENT_SIGN_INS})
