from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_scope import UnitScopedAdminMixin, units_in_scope

from .models import AdministrativeUnit


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh/thành phố")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return AdministrativeUnit.objects.current().filter(parent__isnull=True).values_list("code", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(path__startswith=f"/{self.value()}/")
        return queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    # The tree comes from the data packages: a provincial admin reads their subtree (and picks
    # units from it in other forms), only national admins change it.
    national_writes_only = True

    def scope_queryset(self, request, queryset):
        return units_in_scope(request.user, queryset)

    editable_queryset = scope_queryset

    list_display = ["code", "name", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "level", ProvinceFilter]
    search_fields = ["code", "name", "codename"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "successor"]
    readonly_fields = ["path"]
    list_per_page = 50
