import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from adminscope.mixins import UnitScopedAdminMixin, is_national_admin

from .jobs import recompute_progress_job, recompute_progress_range_job
from .models import CompletionSnapshot, PcccSnapshot, RecomputeRun
from .services import recompute_range_days

logger = logging.getLogger(__name__)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the recompute only; admins read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "as_of", "outcome", "rows_written", "duration", "warning_summary", "triggered_by"]
    list_filter = ["outcome", "as_of"]
    change_list_template = "admin/dashboards/recomputerun/change_list.html"
    fields = [
        "as_of", "triggered_by", "started_at", "finished_at", "outcome", "rows_written",
        "records_left_out", "records_moved", "warnings", "error",
    ]  # fmt: skip

    @admin.display(description=_l("cảnh báo"))
    def warning_summary(self, run):
        """The count of rows left out (units outside the tree), or "–": the detail page has the text."""
        if run.records_left_out:
            return _("%(count)s bản ghi bị bỏ qua") % {"count": run.records_left_out}
        return "–"

    @admin.display(description=_l("thời gian chạy (giây)"))
    def duration(self, run):
        seconds = run.duration_seconds
        return "–" if seconds is None else f"{seconds:.1f}".replace(".", ",")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_recompute": is_national_admin(request.user)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "tinh-lai-ngay/",
                self.admin_site.admin_view(self.recompute_now_view),
                name="dashboards_recomputerun_recompute_now",
            ),
            path(
                "tinh-lai-khoang-ngay/",
                self.admin_site.admin_view(self.recompute_range_view),
                name="dashboards_recomputerun_recompute_range",
            ),
            *super().get_urls(),
        ]

    def recompute_range_view(self, request):
        """ "Tính lại cho khoảng ngày": snapshots for past days from the data as it stood then (national admins)."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        if not is_national_admin(request.user):
            raise PermissionDenied(_("Chỉ quản trị cấp Trung ương được tính lại số liệu toàn quốc."))
        values = {"tu_ngay": request.POST.get("tu_ngay", ""), "den_ngay": request.POST.get("den_ngay", "")}
        error = ""
        if request.method == "POST":
            try:
                days = recompute_range_days(values["tu_ngay"], values["den_ngay"])
            except ValueError as exc:
                error = str(exc)
            else:
                try:
                    recompute_progress_range_job.delay(
                        days[0].isoformat(), days[-1].isoformat(), triggered_by=f"quản trị: {request.user.username}"
                    )
                except Exception:  # kombu raises transport-specific errors when the broker is down
                    logger.exception("Could not queue the recompute range job")
                    error = _("Không kết nối được hàng đợi công việc (Redis), chưa thể tính lại; hãy thử lại sau.")
                else:
                    messages.success(
                        request,
                        _("Đã đưa yêu cầu tính lại số liệu %(count)s ngày (%(start)s–%(end)s) vào hàng đợi.")
                        % {"count": len(days), "start": f"{days[0]:%d/%m/%Y}", "end": f"{days[-1]:%d/%m/%Y}"},
                    )
                    return HttpResponseRedirect(reverse("admin:dashboards_recomputerun_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tính lại số liệu cho khoảng ngày"),
            "values": values,
            "error": error,
        }
        return TemplateResponse(
            request, "admin/dashboards/recomputerun/recompute_range.html", context, status=400 if error else 200
        )

    def recompute_now_view(self, request):
        """ "Tính lại ngay": queue a run; say so in Vietnamese when the queue cannot be reached."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        if not is_national_admin(request.user):
            # The run recomputes the whole country: a provincial admin does not start it.
            raise PermissionDenied(_("Chỉ quản trị cấp Trung ương được tính lại số liệu toàn quốc."))
        try:
            recompute_progress_job.delay(triggered_by=f"quản trị: {request.user.username}")
        except Exception:  # kombu raises transport-specific errors when the broker is down
            logger.exception("Could not queue the recompute job")
            messages.error(
                request,
                _(
                    "Không kết nối được hàng đợi công việc (Redis), chưa thể tính lại. "
                    "Số liệu cũ vẫn được giữ nguyên; hãy thử lại sau hoặc báo quản trị hệ thống."
                ),
            )
        else:
            messages.success(request, _("Đã đưa yêu cầu tính lại số liệu vào hàng đợi."))
        return HttpResponseRedirect(reverse("admin:dashboards_recomputerun_changelist"))


@admin.register(CompletionSnapshot)
class CompletionSnapshotAdmin(UnitScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["date", "programme", "unit", "weighted_completion", "tasks_total", "tasks_overdue"]
    list_filter = ["date", "programme"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["programme", "unit"]


@admin.register(PcccSnapshot)
class PcccSnapshotAdmin(UnitScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["date", "criteria_set", "unit", "period", "units_passing", "units_assessed"]
    list_filter = ["date", "criteria_set"]
    search_fields = ["unit__name", "unit__code"]
    list_select_related = ["criteria_set", "unit"]
