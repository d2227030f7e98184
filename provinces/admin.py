from types import MethodType

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from adminscope.mixins import UnitScopedAdminMixin, units_in_scope

from .models import AdministrativeUnit, UnitCrosswalk
from .selectors import UNIT_LABEL_RELATED, unit_search_filter, unit_search_ordered, units_visible_to
from .services import crosswalk_save
from .widgets import unit_chain_label


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh/thành phố")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        # Only the provinces the admin may see: a filter must not list what the list would hide.
        provinces = units_visible_to(request.user).filter(parent__isnull=True)
        return provinces.values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(path__startswith=f"/{self.value()}/")
        return queryset


class StructureFilter(admin.SimpleListFilter):
    """Current units, or the structure before 1 July 2025."""

    title = _("cơ cấu")
    parameter_name = "structure"

    def lookups(self, request, model_admin):
        return [("current", _("Hiện hành")), ("legacy", _("Trước 01/07/2025 (cũ)"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "legacy":
            return queryset.filter(valid_to__isnull=False)
        return queryset


class SuccessorFilter(admin.SimpleListFilter):
    """The report of legacy units without a target (expected: none after ``load_units --legacy``)."""

    title = _("đơn vị kế thừa")
    parameter_name = "successor"

    def lookups(self, request, model_admin):
        return [("missing", _("Đơn vị cũ chưa có đơn vị kế thừa")), ("present", _("Đơn vị cũ đã có đơn vị kế thừa"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(valid_to__isnull=False, successor__isnull=True)
        if self.value() == "present":
            return queryset.filter(valid_to__isnull=False, successor__isnull=False)
        return queryset


class CrosswalkTargetsInline(admin.TabularInline):
    """The current units a legacy unit maps to, read here; corrected in the crosswalk admin."""

    model = UnitCrosswalk
    fk_name = "legacy_unit"
    fields = ["current_unit", "is_default", "note", "corrected"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("đơn vị hiện nay tiếp nhận")
    verbose_name_plural = _("đơn vị hiện nay tiếp nhận (bảng chuyển đổi)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UnitNameSearchMixin:
    """Admin search (and autocomplete) by any word of the name ignoring diacritics and tone-mark
    placement, or by code: the search of the portal's pages (``unit_search_filter``), in its order."""

    def get_search_results(self, request, queryset, search_term):
        found = unit_search_filter(search_term)
        if found is None:
            return queryset, False
        # The change list sorts again by its own columns; the autocomplete keeps this order.
        return unit_search_ordered(queryset.filter(found), search_term), False


class UnitAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete endpoint, with units labelled by their parent chain.

    "Phường Ba Đình · Thành phố Hà Nội"; a legacy unit "… (cũ) → its successor". The parents and
    the successor come in the page's one query (``select_related``). Other models are unchanged.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is AdministrativeUnit:
            queryset = queryset.select_related(*UNIT_LABEL_RELATED)
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, AdministrativeUnit):
            result["text"] = unit_chain_label(obj)
        return result


def _unit_autocomplete_view(self, request):
    return UnitAutocompleteJsonView.as_view(admin_site=self)(request)


# Every autocomplete of a unit field (users, tasks, criterion values, the crosswalk) goes through
# the site's one endpoint: set before the site's URLs are built (admin modules load first).
admin.site.autocomplete_view = MethodType(_unit_autocomplete_view, admin.site)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(UnitNameSearchMixin, UnitScopedAdminMixin, admin.ModelAdmin):
    # The tree comes from the data packages: a provincial admin reads their subtree (and picks
    # units from it in other forms), only national admins change it; nobody changes a legacy
    # unit here (its mapping is corrected in the crosswalk).
    national_writes_only = True

    def scope_queryset(self, request, queryset):
        return units_in_scope(request.user, queryset)

    editable_queryset = scope_queryset

    list_display = ["code", "name", "kind", "level", "parent", "valid_from", "valid_to", "successor"]
    list_filter = [StructureFilter, SuccessorFilter, "kind", "level", ProvinceFilter]
    # Used by Django only to offer the search box and autocomplete; get_search_results decides.
    search_fields = ["search_name", "code"]
    list_select_related = ["parent", "successor"]
    autocomplete_fields = ["parent", "successor"]
    readonly_fields = ["path"]
    list_per_page = 50

    def get_inlines(self, request, obj):
        return [CrosswalkTargetsInline] if obj is not None and obj.is_legacy else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_legacy:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_legacy:
            return False
        return super().has_delete_permission(request, obj)


class UnitCrosswalkForm(forms.ModelForm):
    class Meta:
        model = UnitCrosswalk
        fields = ["legacy_unit", "current_unit", "is_default", "note"]

    def _get_validation_exclusions(self):
        # A new default takes over from the previous one (crosswalk_save clears that first);
        # the one-default constraint is checked there, after the swap.
        return {*super()._get_validation_exclusions(), "is_default"}


@admin.register(UnitCrosswalk)
class UnitCrosswalkAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin):
    """View and correct the old→new map; every change is kept in its history.

    A provincial admin reads the rows whose current unit lies in their subtree (Hải Phòng's
    admin sees old Hải Dương's map); only national admins correct them.
    """

    unit_path_field = "current_unit"
    national_writes_only = True

    form = UnitCrosswalkForm
    list_display = ["legacy_unit", "legacy_parent", "current_unit", "current_parent", "is_default", "corrected"]
    list_filter = ["is_default", "corrected", "legacy_unit__level"]
    search_fields = ["legacy_unit__search_name", "current_unit__search_name"]
    list_select_related = ["legacy_unit__parent", "current_unit__parent"]
    autocomplete_fields = ["legacy_unit", "current_unit"]
    readonly_fields = ["corrected"]
    list_per_page = 50

    @admin.display(description=_("thuộc (cũ)"))
    def legacy_parent(self, obj):
        return obj.legacy_unit.parent or "—"

    @admin.display(description=_("thuộc"))
    def current_parent(self, obj):
        return obj.current_unit.parent or "—"

    def get_search_results(self, request, queryset, search_term):
        found = unit_search_filter(search_term)
        if found is None:
            return queryset, False
        ids = AdministrativeUnit.objects.filter(found).values("pk")
        return queryset.filter(legacy_unit__in=ids) | queryset.filter(current_unit__in=ids), False

    def save_model(self, request, obj, form, change):
        crosswalk_save(crosswalk=obj)

    def has_delete_permission(self, request, obj=None):
        # A mapping is corrected (another target, another default), not removed: the loader
        # would otherwise bring the package's row back.
        return False
