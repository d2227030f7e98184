from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from adminscope.mixins import UnitScopedAdminMixin
from provinces.admin import ProvinceFilter

from .models import Agency, EvidenceFile, Programme, ProgressUpdate, Task
from .selectors import agencies_visible_to, programmes_visible_to


@admin.register(Programme)
class ProgrammeAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """National programmes and those of ancestors are listed (tasks may use them), read-only."""

    list_display = ["name", "document_number", "issuing_body", "unit", "year", "start_date", "end_date"]
    list_filter = ["year"]
    search_fields = ["name", "document_number", "issuing_body"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=programmes_visible_to(request.user).values("pk"))


@admin.register(Agency)
class AgencyAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """Central ministries and agencies of ancestors are listed (tasks may name them), read-only."""

    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "members"]

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=agencies_visible_to(request.user).values("pk"))


class ProgressUpdateInline(admin.TabularInline):
    """The timeline, read-only: updates are appended through the pages, never edited."""

    model = ProgressUpdate
    fields = ["created_at", "kind", "status", "percent", "block_reason", "note", "author"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class TaskProvinceFilter(ProvinceFilter):
    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(unit__path__startswith=f"/{self.value()}/")
        return queryset


@admin.register(Task)
class TaskAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "unit",
        "programme",
        "lead_agency",
        "accountable_person",
        "deadline",
        "current_status",
        "current_percent",
        "completion_verified",
    ]
    list_filter = ["programme", "group", "current_status", "awaiting_verification", TaskProvinceFilter]
    search_fields = ["title", "description", "lead_agency__name", "unit__name", "accountable_person__full_name"]
    list_select_related = ["unit", "programme", "lead_agency", "accountable_person"]
    autocomplete_fields = ["unit", "lead_agency", "coordinating_agencies", "accountable_person", "parent"]
    readonly_fields = [
        "current_status",
        "current_percent",
        "current_block_reason",
        "awaiting_verification",
        "completion_verified",
        "last_update_at",
        "version",
    ]
    date_hierarchy = "deadline"
    inlines = [ProgressUpdateInline]
    history_list_display = ["current_status", "current_percent"]
    fieldsets = (
        (None, {"fields": ("programme", "unit", "group", "title", "description", "expected_result", "parent")}),
        (_("Giao việc"), {"fields": ("lead_agency", "coordinating_agencies", "accountable_person")}),
        (_("Tiến độ"), {"fields": ("start_date", "deadline", "weight")}),
        (_("Trạng thái hiện tại (từ báo cáo mới nhất)"), {"fields": readonly_fields}),
    )


@admin.register(EvidenceFile)
class EvidenceFileAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """Read-only list of evidence; files are downloaded through the scope-checking view."""

    unit_path_field = "update__task__unit"

    list_display = ["original_name", "content_type", "size", "uploaded_at", "update"]
    search_fields = ["original_name", "update__task__title"]
    list_select_related = ["update__task"]
    readonly_fields = ["update", "download", "original_name", "content_type", "size", "uploaded_at"]
    exclude = ["file"]

    @admin.display(description=_("tải về"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
