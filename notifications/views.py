"""Pages of a user's own notifications: the list, mark as read, email preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .choices import EMAIL_ON_BY_DEFAULT, EventType

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request):
    """The user's notifications, newest first; never anyone else's."""
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    """Mark one notification read, then go where it points (or back to the list)."""
    if not services.notification_mark_read(user=request.user, pk=pk):
        raise Http404(_("Không tìm thấy thông báo này."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "notifications:list")


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Email per event type; in-app notifications are always on."""
    if request.method == "POST":
        chosen = [e for e in request.POST.getlist("email") if e in EventType.values]
        services.preferences_save(user=request.user, email_events=chosen)
        messages.success(request, _("Đã lưu cài đặt thông báo."))
        return redirect("notifications:preferences")
    choices = selectors.email_choices_of(request.user)
    rows = [
        {"event": event, "label": event.label, "email": choices[event.value], "default": event in EMAIL_ON_BY_DEFAULT}
        for event in EventType
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})
