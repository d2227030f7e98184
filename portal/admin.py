from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .mfa_admin import reset_two_factor
from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "unit", "position", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "unit__kind"]
    search_fields = ["username", "full_name", "email", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    actions = [reset_two_factor]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "position", "email", "phone")}),
        (_("Phạm vi và vai trò"), {"fields": ("unit", "groups", "is_active", "is_staff", "is_superuser")}),
        (_("Quyền riêng"), {"classes": ("collapse",), "fields": ("user_permissions",)}),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "groups", "password1", "password2")}),
    )
