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

The subtree rule itself is not written here: it is ``provinces.selectors.user_scope_filter`` (path
prefix, the rule of every page) and ``provinces.selectors.units_visible_to`` for units.

Models that belong to the whole country (criteria, recompute runs) use
``NationalWritesAdminMixin``: readable with the model permission, changed by national admins.
"""

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, get_fields_from_path, quote
from django.core.exceptions import FieldDoesNotExist
from django.db import models, router
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from inputs.numbers import grouped
from provinces.selectors import units_visible_to, user_scope_filter
from provinces.widgets import label_units_by_chain


def is_national_admin(user) -> bool:
    """A superuser, or a staff user with no unit (national): not bounded by any subtree."""
    return user.is_authenticated and user.is_active and (user.is_superuser or (user.is_staff and user.unit_id is None))


def unit_scope_q(user, unit_path_field: str) -> Q:
    """Rows whose unit (reached by ``unit_path_field``) lies in the user's subtree; all for a superuser."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    return user_scope_filter(user, unit_path_field)


def units_in_scope(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` of AdministrativeUnit bounded by the user's subtree (legacy units too for national users)."""
    if user.is_authenticated and (user.is_superuser or user.unit_id is None):
        return queryset
    return queryset.filter(pk__in=units_visible_to(user).values("pk"))


# Up to this many rows, a delete confirmation lists each row as Django does; above, one line per kind of row.
DELETE_LISTING_LIMIT = 100
# Rows named as examples on each summary line.
DELETE_EXAMPLES = 3
# Primary keys per IN (...) when asking which rows are editable (SQLite's variable limit).
_PK_BATCH = 500


class _ProtectionCountingCollector(NestedObjects):
    """Django's admin collector, except that rows protecting the object are counted, not loaded.

    Only a few of them are fetched, as examples: a criteria set is protected by 23,040 assessments
    on the demo data, and building that many model instances alone took 4 s. The cascade is
    collected as usual (those rows are what the page names and what permissions are asked for).
    Used for display and for the page's checks only: the deletion itself runs Django's collector.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.protected_counts: dict = {}

    def related_objects(self, related_model, related_fields, objs):
        rows = super().related_objects(related_model, related_fields, objs)
        if related_fields[0].remote_field.on_delete is models.PROTECT:
            count = rows.count()
            if not count:
                return rows.none()
            self.protected_counts[related_model] = self.protected_counts.get(related_model, 0) + count
            return rows.order_by("pk")[:DELETE_EXAMPLES]
        return rows


class SummarisedDeleteAdminMixin:
    """Delete confirmations that stay fast for an object with thousands of dependent rows.

    Django's page formats every row it would delete or that protects the object (a link, ``str()``
    and a permission check each): a criteria set with a year of values took 13-48 s. Above
    ``DELETE_LISTING_LIMIT`` rows this lists, per kind of row, the count and a few examples. What
    the page decides is unchanged: the same collection finds the rows to delete, each of them is still
    asked ``has_delete_permission`` (a missing permission blocks the delete), and protected rows still
    block it (counted, with a few examples asked for permission: see the collector above).
    """

    def get_deleted_objects(self, objs, request):
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = _ProtectionCountingCollector(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        rows = sum(len(found) for found in collector.model_objs.values()) + sum(collector.protected_counts.values())
        if rows <= DELETE_LISTING_LIMIT:
            return super().get_deleted_objects(objs, request)

        perms_needed = set()
        by_model: dict = {}
        for model, found in collector.model_objs.items():
            by_model.setdefault(model, set()).update(found)
        protected_by_model: dict = {}
        for obj in collector.protected:
            protected_by_model.setdefault(type(obj), set()).add(obj)
        for model, found in [*by_model.items(), *protected_by_model.items()]:
            if not self._may_delete_all(request, model, found):
                perms_needed.add(model._meta.verbose_name)

        roots = {obj.pk for obj in collector.edges.get(None, ())}
        own = sorted((obj for obj in by_model.get(self.model, ()) if obj.pk in roots), key=lambda obj: obj.pk)
        to_delete = [self._deleted_object_line(obj) for obj in own]
        summary = []
        for model, found in by_model.items():
            rest = [obj for obj in found if not (model is self.model and obj.pk in roots)]
            if rest:
                summary.append(self._summary_line(model, rest))
        if summary:
            to_delete.append(summary)
        protected = [
            self._summary_line(model, found, count=collector.protected_counts.get(model))
            for model, found in protected_by_model.items()
        ]
        model_count = {model._meta.verbose_name_plural: len(found) for model, found in by_model.items()}
        return to_delete, model_count, perms_needed, protected

    def _may_delete_all(self, request, model, objs) -> bool:
        """Whether the user may delete every one of ``objs``, as Django asks it: row by row."""
        model_admin = self.admin_site._registry.get(model)
        if model_admin is None:
            return True  # no admin, or edited inline: Django does not ask either
        if not model_admin.has_delete_permission(request):
            return False
        if isinstance(model_admin, UnitScopedAdminMixin):
            model_admin.remember_editable_rows(request, objs)  # one query per batch, not per row
        return all(model_admin.has_delete_permission(request, obj) for obj in objs)

    def _deleted_object_line(self, obj):
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),))
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    def _summary_line(self, model, objs, *, count=None):
        examples = sorted(objs, key=lambda obj: obj.pk)[:DELETE_EXAMPLES]
        count = count or len(objs)
        text = _("%(kind)s: %(count)s dòng") % {
            "kind": capfirst(model._meta.verbose_name_plural),
            "count": grouped(count),
        }
        names = ", ".join(str(obj) for obj in examples)
        more = _(" (ví dụ: %(names)s…)") % {"names": names} if count > len(examples) else f" ({names})"
        return text + more


class NationalWritesAdminMixin(SummarisedDeleteAdminMixin):
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


class SuperuserOnlyAdminMixin:
    """An admin that only superusers (national admins) open at all: nothing in it to scope by unit.

    For what grants reach beyond one unit's subtree (API tokens, the public page opt-in).
    """

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class UnitScopedAdminMixin(SummarisedDeleteAdminMixin):
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

    def get_list_filter(self, request):
        """A related field's filter lists only values found in the scoped rows.

        Django's default filter lists every row of the related model: the names of another
        province's programmes or units would show in the sidebar of a list that hides them.
        """
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._scoped_filter(entry) for entry in filters]

    def _scoped_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry

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

    def remember_editable_rows(self, request, objs) -> None:
        """Answer ``_row_in(..., "edit")`` for many rows at once (a delete confirmation's thousands)."""
        if request.user.is_superuser:
            return
        cache = request.__dict__.setdefault("_unit_scope_rows", {})
        label = self.model._meta.label
        pks = [obj.pk for obj in objs if (label, obj.pk, "edit") not in cache]
        for start in range(0, len(pks), _PK_BATCH):
            batch = pks[start : start + _PK_BATCH]
            rows = self.editable_queryset(request, self.model._default_manager.filter(pk__in=batch))
            editable = set(rows.values_list("pk", flat=True))
            for pk in batch:
                cache[(label, pk, "edit")] = pk in editable

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
        # Every unit picker names the units above the unit ("Phường Ba Đình · Thành phố Hà Nội").
        return label_units_by_chain(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._bounded_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
