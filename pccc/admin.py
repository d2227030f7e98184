from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from adminscope.mixins import NationalWritesAdminMixin, UnitScopedAdminMixin

from .models import Assessment, AssessmentSubmission, CriteriaSet, Criterion, CriterionPhase, FacilityCategory


class CriterionInline(NationalWritesAdminMixin, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "title", "level", "period_kind", "comparator", "target", "aggregation", "is_active"]
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(NationalWritesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "document_number", "issuing_body", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active", "issuing_body"]
    search_fields = ["name", "code", "document_number", "issuing_body"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [CriterionInline]


class CriterionPhaseInline(NationalWritesAdminMixin, admin.TabularInline):
    model = CriterionPhase
    extra = 0
    filter_horizontal = ["facility_categories"]


@admin.register(Criterion)
class CriterionAdmin(NationalWritesAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "criteria_set",
        "level",
        "period_kind",
        "comparator",
        "target",
        "aggregation",
        "is_active",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "criteria_set",
        "level",
        "period_kind",
        "comparator",
        "aggregation",
        "requires_evidence",
        "counts_toward_pass",
    ]
    search_fields = ["code", "title", "short_title", "description"]
    list_select_related = ["criteria_set"]
    inlines = [CriterionPhaseInline]
    fieldsets = [
        (None, {"fields": ["criteria_set", "code", "title", "short_title", "description", "order", "is_active"]}),
        (
            _("Cách đánh giá"),
            {
                "fields": [
                    "level",
                    "period_kind",
                    "measure",
                    "numerator_label",
                    "denominator_label",
                    "comparator",
                    "target",
                    "aggregation",
                    "requires_evidence",
                    "counts_toward_pass",
                ]
            },
        ),
    ]


@admin.register(FacilityCategory)
class FacilityCategoryAdmin(NationalWritesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Values are entered through the grid's service, which checks scope and keeps history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentSubmission)
class AssessmentSubmissionAdmin(UnitScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["entered_at", "entered_by", "unit", "period", "criteria_set", "cells_changed"]
    list_filter = ["criteria_set", "period"]
    search_fields = ["unit__name", "unit__code", "entered_by__username", "entered_by__full_name"]
    list_select_related = ["unit", "entered_by", "criteria_set"]
    date_hierarchy = "entered_at"


@admin.register(Assessment)
class AssessmentAdmin(UnitScopedAdminMixin, ReadOnlyAdmin):
    list_display = ["period", "criterion", "unit", "value", "denominator", "answer", "evidence", "is_current"]
    list_filter = ["is_current", "period", "criterion__criteria_set", "criterion"]
    search_fields = ["unit__name", "unit__code", "criterion__code", "criterion__title", "evidence"]
    list_select_related = ["criterion", "unit"]
    raw_id_fields = ["unit", "submission"]
