"""Reads of the unit tree, always scoped to what a user may see."""

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import AdministrativeUnit


def units_visible_to(user) -> QuerySet[AdministrativeUnit]:
    """The user's unit and everything below it; every unit for a national user.

    Nothing when the user's unit has no valid path (``descendants_of`` fails closed).
    """
    units = AdministrativeUnit.objects.current()
    scope = getattr(user, "unit", None)
    if scope is None:
        return units if user.is_authenticated else units.none()
    return units.descendants_of(scope, include_self=True)


def unit_visible_to_or_404(user, code: str) -> AdministrativeUnit:
    """The unit with this code, or a 404 when it does not exist or is out of scope.

    Both cases give the same answer so that a URL cannot probe other provinces.
    """
    unit = units_visible_to(user).select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị hành chính này hoặc bạn không có quyền xem."))
    return unit


def unit_children_with_counts(parent: AdministrativeUnit | None) -> QuerySet[AdministrativeUnit]:
    """Direct children of ``parent`` (provinces when None), each with its number of children."""
    return (
        AdministrativeUnit.objects.current()
        .filter(parent=parent)
        .annotate(child_count=Count("children"))
        .order_by("name")
    )


def unit_breadcrumbs(user, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Ancestors of ``unit`` that the user may open, root first (one query)."""
    scope = getattr(user, "unit", None)
    ancestors = AdministrativeUnit.objects.ancestors_of(unit)
    if scope is not None:
        ancestors = ancestors.filter(scope.subtree_filter())
    return list(ancestors)
