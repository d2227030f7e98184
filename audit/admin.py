"""Read-only pages for auditors: the audit events and Django's own admin change log.

Superusers only for now; a scoped auditor role can widen has_view_permission later.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminscope.mixins import UnitScopedAdminMixin

from .models import AdminChangeLog, AuditEvent


class ReadOnlyForSuperusers(admin.ModelAdmin):
    """Nobody adds, edits or deletes these rows through admin; only superusers read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(UnitScopedAdminMixin, ReadOnlyForSuperusers):
    # Scoped like every unit-bound admin, so that a future provincial auditor sees only their subtree.
    list_display = ("created_at", "kind", "username", "unit", "ip_address", "object_type", "object_id", "object_repr")
    list_filter = ("kind", "created_at", ("unit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "user__full_name", "ip_address", "object_repr", "object_id")
    date_hierarchy = "created_at"
    list_select_related = ("unit",)
    show_full_result_count = False  # a count of a year of events on every page is not needed
    list_per_page = 100


@admin.register(AdminChangeLog)
class AdminChangeLogAdmin(ReadOnlyForSuperusers):
    list_display = ("action_time", "user", "content_type", "object_repr", "action_flag", "change_summary")
    list_filter = ("action_flag", "action_time", "content_type")
    search_fields = ("user__username", "user__full_name", "object_repr", "object_id")
    date_hierarchy = "action_time"
    list_select_related = ("user", "content_type")
    show_full_result_count = False

    @admin.display(description=_("nội dung thay đổi"))
    def change_summary(self, entry: AdminChangeLog) -> str:
        return entry.get_change_message()
