from django.contrib import admin

from adminscope.mixins import NationalOnlyAdminMixin, UnitScopedAdminMixin

from .models import Delivery, Notification, NotificationRun


class _ReadOnly:
    """Rows written by the jobs and the services only; admins read them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationRun)
class NotificationRunAdmin(_ReadOnly, NationalOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["started_at", "day", "dry_run", "notifications_created", "emails_sent", "emails_failed",
                    "emails_skipped", "emails_queued", "triggered_by"]  # fmt: skip
    list_filter = ["dry_run", "day"]
    fields = ["day", "dry_run", "triggered_by", "started_at", "finished_at", "counts", "notifications_created",
              "emails_sent", "emails_failed", "emails_skipped", "emails_queued", "warnings"]  # fmt: skip


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(_ReadOnly, UnitScopedAdminMixin, admin.ModelAdmin):
    # Bounded by the recipient's unit: a province admin sees its own people's notifications.
    unit_path_field = "recipient__unit"
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event", "day"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient", "task", "unit", "run"]
    inlines = [DeliveryInline]
