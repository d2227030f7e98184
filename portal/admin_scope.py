"""Django admin bounded by the admin user's unit subtree, as the portal's pages are.

Every ModelAdmin of a unit-bound model mixes in ``UnitScopedAdminMixin`` and names, in
``unit_path_field``, the lookup from its model to the AdministrativeUnit that bounds a row
("unit", "update__task__unit"). The mixin then bounds, for anyone but a superuser:

- the changelist, the change/delete/history views and bulk actions (``get_queryset``:
  a row outside the subtree answers 404, as on the pages);
- the foreign-key and many-to-many choices of its forms: a related model that has a scoped
  admin offers what that admin shows the user; Django's autocomplete endpoint already asks
  the related admin's ``get_queryset``, so the drop-down and the validation agree;
- writes: a row is changed or deleted only when it lies in the subtree (``Agency`` and
  ``Programme`` also show national rows and those of ancestors, read-only);
- the unit field of a row: required for a user with a unit, so nobody in a province creates
  a national row by leaving it empty.

The subtree rule itself is not written here: it is ``tasks.selectors._unit_scope`` (path
prefix, the rule of every page) and ``provinces.selectors.units_visible_to`` for units.

Models that belong to the whole country (criteria, recompute runs) use
``NationalWritesAdminMixin``: readable with the model permission, changed by national admins.
"""

from django.db.models import Q, QuerySet

from provinces.selectors import units_visible_to
from tasks.selectors import _unit_scope


def is_national_admin(user) -> bool:
    """A superuser, or a staff user with no unit (national): not bounded by any subtree."""
    return user.is_authenticated and user.is_active and (user.is_superuser or (user.is_staff and user.unit_id is None))


def unit_scope_q(user, unit_path_field: str) -> Q:
    """Rows whose unit (reached by ``unit_path_field``) lies in the user's subtree; all for a superuser."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    return _unit_scope(user, unit_path_field)


def units_in_scope(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` of AdministrativeUnit bounded by the user's subtree (legacy units too for national users)."""
    if user.is_authenticated and (user.is_superuser or user.unit_id is None):
        return queryset
    return queryset.filter(pk__in=units_visible_to(user).values("pk"))


class NationalWritesAdminMixin:
    """Country-wide configuration: read with the model permission, added/changed/deleted by national admins."""

    def has_add_permission(self, request, *args):
        return is_national_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_national_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_national_admin(request.user) and super().has_delete_permission(request, obj)


class NationalOnlyAdminMixin(NationalWritesAdminMixin):
    """Records of every account with no unit to bound them (login attempts): national admins only."""

    def has_module_permission(self, request):
        return is_national_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_national_admin(request.user) and super().has_view_permission(request, obj)


class UnitScopedAdminMixin:
    """Bound a ModelAdmin to the admin user's unit subtree (see the module docstring)."""

    #: Lookup from the model to the AdministrativeUnit whose subtree bounds a row.
    unit_path_field = "unit"
    #: True for models only national admins change (the unit tree itself).
    national_writes_only = False

    # Rows ----------------------------------------------------------------------------------

    def scope_queryset(self, request, queryset):
        """Rows the user may see. Override to show more read-only rows (national agencies)."""
        return queryset.filter(unit_scope_q(request.user, self.unit_path_field))

    def editable_queryset(self, request, queryset):
        """Rows the user may change or delete: those of their subtree."""
        return queryset.filter(unit_scope_q(request.user, self.unit_path_field))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def _row_in(self, request, obj, kind: str) -> bool:
        """Whether ``obj`` is among the visible or editable rows, asked once per request."""
        if obj is None or request.user.is_superuser:
            return True
        if obj.pk is None:
            return True  # the add form: its unit choices are bounded instead
        cache = request.__dict__.setdefault("_unit_scope_rows", {})
        key = (self.model._meta.label, obj.pk, kind)
        if key not in cache:
            rows = self.model._default_manager.filter(pk=obj.pk)
            rows = self.scope_queryset(request, rows) if kind == "view" else self.editable_queryset(request, rows)
            cache[key] = rows.exists()
        return cache[key]

    # Permissions ---------------------------------------------------------------------------
    # The object is usually fetched through get_queryset already; these checks also cover the
    # paths that fetch it otherwise (simple_history rebuilds a row from its history).

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._row_in(request, obj, "view")

    def has_add_permission(self, request, *args):
        if self.national_writes_only and not is_national_admin(request.user):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if self.national_writes_only and not is_national_admin(request.user):
            return False
        return super().has_change_permission(request, obj) and self._row_in(request, obj, "edit")

    def has_delete_permission(self, request, obj=None):
        if self.national_writes_only and not is_national_admin(request.user):
            return False
        return super().has_delete_permission(request, obj) and self._row_in(request, obj, "edit")

    # Form choices --------------------------------------------------------------------------

    def _bounded_choices(self, db_field, request, kwargs):
        if request.user.is_superuser or "queryset" in kwargs:
            return
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, UnitScopedAdminMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._bounded_choices(db_field, request, kwargs)
        if db_field.name == self.unit_path_field and not request.user.is_superuser and request.user.unit_id:
            # Empty means national: out of reach of anyone bounded by a subtree.
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._bounded_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
