from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from adminscope.mixins import NationalWritesAdminMixin, UnitScopedAdminMixin, is_national_admin
from tasks.selectors import programmes_visible_to

from .models import GradingRule, Indicator, IndicatorPhase, IndicatorValue, Target
from .selectors import indicators_changed


class ProgrammeScopedAdminMixin:
    """Indicator settings of the programmes the user sees (national, issued above or in their subtree);
    the programme filter lists only those (another province's plan is not even named)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_national_admin(request.user):
            return queryset
        return queryset.filter(programme__in=programmes_visible_to(request.user))

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_national_admin(request.user):
            return filters
        return [(f, admin.RelatedOnlyFieldListFilter) if f == "programme" else f for f in filters]


class DropsSharedBoardsMixin:
    """Indicator settings change the figures: boards shared through the cache are not reused after a save."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        indicators_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        indicators_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        indicators_changed()


@admin.register(GradingRule)
class GradingRuleAdmin(ProgrammeScopedAdminMixin, DropsSharedBoardsMixin, NationalWritesAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "weight_tasks", "weight_indicators", "band_a", "band_b", "band_c"]


class IndicatorPhaseInline(NationalWritesAdminMixin, admin.TabularInline):
    model = IndicatorPhase
    extra = 0
    fields = ["number", "title", "starts_on", "deadline", "target", "facility_categories"]


@admin.register(Indicator)
class IndicatorAdmin(ProgrammeScopedAdminMixin, DropsSharedBoardsMixin, NationalWritesAdminMixin, admin.ModelAdmin):
    """Indicators are configuration of a programme: read with the permission, written nationally."""

    list_display = ["code", "name", "programme", "kind", "level", "measure", "higher_is_better", "order"]
    list_display_links = ["code", "name"]
    list_filter = ["programme", "kind", "level"]
    search_fields = ["code", "name"]
    list_select_related = ["programme"]
    exclude = ["aggregation"]  # follows from the kind (Indicator.save)
    autocomplete_fields = ["pilot_units"]
    inlines = [IndicatorPhaseInline]


class ThroughPagesOnlyAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin):
    """Targets and values are written by the pages' services, which check scope and the bad-input rules."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(ThroughPagesOnlyAdmin):
    list_display = ["indicator", "unit", "period", "value", "set_by", "set_at"]
    list_filter = ["indicator__programme", "indicator", "period"]
    search_fields = ["unit__name", "unit__code", "indicator__code", "indicator__name"]
    list_select_related = ["indicator", "unit", "set_by"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ThroughPagesOnlyAdmin):
    list_display = [
        "period",
        "indicator",
        "unit",
        "numerator",
        "denominator",
        "paired_value",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["indicator__programme", "indicator", "period"]
    search_fields = ["unit__name", "unit__code", "indicator__code", "indicator__name"]
    list_select_related = ["indicator", "unit", "entered_by"]
