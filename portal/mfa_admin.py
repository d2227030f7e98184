"""Admin action: reset a user's two-factor devices (lost phone). Recorded in the user's history."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .mfa import mfa_reset


@admin.action(description=gettext_lazy("Đặt lại xác thực hai bước (mất điện thoại)"), permissions=["change"])
def reset_two_factor(modeladmin, request, queryset):
    """Acts only on the users the admin can see: the changelist's queryset is already scoped."""
    done = []
    for user in queryset:
        mfa_reset(user=user, by=request.user)
        done.append(user.get_username())
    modeladmin.message_user(
        request,
        _("Đã đặt lại xác thực hai bước cho: %(users)s. Họ sẽ đăng ký lại ở lần đăng nhập tới.")
        % {"users": ", ".join(done)},
        messages.SUCCESS,
    )
