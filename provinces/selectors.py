"""Reads of the unit tree, always scoped to what a user may see."""

from django.db import connections, router
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from .models import AdministrativeUnit, UnitSearchTerm
from .search import query_keys, search_key

# A legacy unit's code may be a current unit's ("01" is Hà Nội in both): in a URL, a legacy unit is
# written "~01" (``~`` can never be a code), so one code in a URL names exactly one unit.
LEGACY_CODE_PREFIX = "~"


def units_visible_to(user) -> QuerySet[AdministrativeUnit]:
    """The user's unit and everything below it, with the legacy units it carries; every unit for a national user.

    A legacy unit (before 1 July 2025) is in scope when its successor (the crosswalk's default
    target) is: a Hải Phòng user sees old Hải Dương, its districts and communes. One query, no
    join: the successor's path is matched through the foreign key. Nothing when the user's unit
    has no valid path (``subtree_filter`` fails closed). Look a unit up by code with
    ``unit_visible_to_or_404`` (current and legacy codes may coincide).
    """
    scope = getattr(user, "unit", None)
    if not user.is_authenticated:
        return AdministrativeUnit.objects.none()
    if scope is None:
        return AdministrativeUnit.objects.filter(Q(valid_to__isnull=True) | Q(successor__isnull=False))
    return AdministrativeUnit.objects.filter(unit_scope_filter(scope))


def unit_scope_filter(scope: AdministrativeUnit, field: str = "") -> Q:
    """Rows whose unit (through ``field``) is current and in ``scope``'s subtree, or legacy with its successor there.

    The one rule of "in scope" across the reform, for units (``field=""``) and for rows that
    point at a unit (``field="unit"``: tasks, assessments). A legacy ``scope`` (the pre-reform view
    of old Nam Định) is its own legacy subtree. Fails closed like ``subtree_filter``.
    """
    if scope.is_legacy:
        return scope.subtree_filter(field)
    prefix = f"{field}__" if field else ""
    return (Q(**{f"{prefix}valid_to__isnull": True}) & scope.subtree_filter(field)) | (
        Q(**{f"{prefix}valid_to__isnull": False}) & scope.subtree_filter(f"{prefix}successor")
    )


def user_scope_filter(user, field: str) -> Q:
    """Rows whose ``field`` unit is in the user's subtree, or is a legacy unit whose successor is there
    (a Hải Phòng user sees old Hải Dương's tasks); nothing when the user's unit has no valid path.

    ``unit_scope_filter`` for a user: everything for a national user, nothing for an anonymous one.
    Used by the task selectors (as ``tasks.selectors._unit_scope``) and the admin (``adminscope``).
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.unit_id is None:
        return Q()
    # The ids as one subquery (not the OR across the successor join): lists stay on the indexes.
    return Q(**{f"{field}__in" if field else "pk__in": unit_ids_in_scope(user.unit)})


def unit_ids_in_scope(scope: AdministrativeUnit) -> QuerySet:
    """The ids of the units ``unit_scope_filter(scope)`` keeps, as one subquery for ``<fk>__in``.

    The same rule written for the planner: current units under the path, UNION ALL the legacy units
    whose successor is under it. Each half walks the path index; the OR of ``unit_scope_filter``
    across the successor join cannot, so a commune's task list on the national dataset read the whole
    unit table and joined every task (37 ms for a count of 11 tasks on PostgreSQL, 0.2 ms this way).
    """
    if scope.is_legacy:
        return AdministrativeUnit.objects.filter(scope.subtree_filter()).order_by().values("pk")
    current = AdministrativeUnit.objects.filter(Q(valid_to__isnull=True) & scope.subtree_filter())
    legacy = AdministrativeUnit.objects.filter(Q(valid_to__isnull=False) & scope.subtree_filter("successor"))
    return current.order_by().values("pk").union(legacy.order_by().values("pk"), all=True)


def unit_within_scope(unit: AdministrativeUnit, scope: AdministrativeUnit | None) -> bool:
    """``unit_scope_filter`` for one unit in Python: a legacy unit is within ``scope`` when its successor is.

    For the writers' scope checks (tasks, criterion values). ``scope`` None is the whole country.
    """
    if not unit.is_legacy:
        return unit.is_within(scope)
    successor = current_unit_for(unit)
    return successor is not None and unit.has_valid_path() and successor.is_within(scope)


def unit_url_code(unit: AdministrativeUnit) -> str:
    """The code that names ``unit`` in a URL: its own code, "~code" for a legacy unit."""
    return f"{LEGACY_CODE_PREFIX}{unit.code}" if unit.is_legacy else unit.code


def unit_visible_to(user, code: str) -> AdministrativeUnit | None:
    """The unit in scope with this code ("~code" for a legacy unit), or None."""
    units = units_visible_to(user).select_related("parent")
    if code.startswith(LEGACY_CODE_PREFIX):
        units, code = units.filter(valid_to__isnull=False), code[len(LEGACY_CODE_PREFIX) :]
    else:
        units = units.filter(valid_to__isnull=True)
    return units.filter(code=code).first()


def unit_visible_to_or_404(user, code: str) -> AdministrativeUnit:
    """The unit with this code ("~code" for a legacy unit), or a 404 when it does not exist or is out of scope.

    Both cases give the same answer so that a URL cannot probe other provinces.
    """
    unit = unit_visible_to(user, code)
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


# How many units one search answers with: a search box, not a listing.
UNIT_SEARCH_LIMIT = 20


def unit_search_filter(text: str) -> Q | None:
    """The rows a typed text finds: a word start of the folded name, or the exact code; None for nothing to look for.

    "Giao Thủy", "Giao Thuỷ" and "giao thuy" fold to the same key; "thuy" finds "Huyện Giao Thủy"
    and "ba dinh" finds "Phường Ba Đình" (any word start, ``UnitSearchTerm``); "Huyện Giao Thủy"
    also finds every Giao Thủy (the kind word is optional). One SQL statement: an indexed prefix
    match on ``unit_search_term_prefix`` in a subquery, or the ``unit_code`` index.
    """
    text = (text or "").strip()
    keys = query_keys(text)
    if not keys:
        return None
    terms = Q()
    for key in keys:
        terms |= _prefix_of("term", key)
    return Q(pk__in=UnitSearchTerm.objects.filter(terms).values("unit_id")) | Q(code=text)


def _prefix_of(field: str, key: str) -> Q:
    """``field`` starting with ``key``, written so that each database uses its index.

    PostgreSQL: ``LIKE 'key%'`` on the ``varchar_pattern_ops`` index. SQLite's LIKE ignores case
    and so no ordinary index serves it; a range on the (binary-ordered) column does, and is exact
    because a key holds only a-z, 0-9 and spaces, all below "~".
    """
    if connections[router.db_for_read(AdministrativeUnit)].vendor == "sqlite":
        return Q(**{f"{field}__gte": key, f"{field}__lt": key + "~"})
    return Q(**{f"{field}__startswith": key})


def unit_search_scope(user) -> Q | None:
    """Units a user may find: current units in their subtree, and legacy units whose successor is there.

    None for a national user (everything). A user whose unit has no valid path finds nothing.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = getattr(user, "unit", None)
    if scope is None:
        return None
    return (Q(valid_to__isnull=True) & scope.subtree_filter()) | (
        Q(valid_to__isnull=False, successor__valid_to__isnull=True) & scope.subtree_filter("successor")
    )


def units_matching(user, text: str, *, limit: int = UNIT_SEARCH_LIMIT) -> list[AdministrativeUnit]:
    """Current and legacy units found by name or code within the user's scope, in one query.

    Each carries its parent chain (``parent``, ``parent.parent``) and, for a legacy unit, its
    ``successor`` with the successor's parent, for "Xã A, Huyện B, Tỉnh C (cũ) → Xã D, Tỉnh E".
    Current units come first, then names that start with the text, then the higher levels.
    """
    found = unit_search_filter(text)
    if found is None:
        return []
    scope = unit_search_scope(user)
    units = AdministrativeUnit.objects.filter(found)
    if scope is not None:
        units = units.filter(scope)
    return list(unit_search_ordered(units.select_related(*UNIT_LABEL_RELATED), text)[:limit])


# What a unit's label in a search or picker reads besides the unit: "Xã A · Huyện B · Tỉnh C (cũ) → Xã D · Tỉnh E".
UNIT_LABEL_RELATED = ("parent__parent", "successor__parent")


def unit_search_ordered(units: QuerySet[AdministrativeUnit], text: str) -> QuerySet[AdministrativeUnit]:
    """Search results in the order a person scans them: current units first, then names that start
    with the text ("Thủy Nguyên" for "thuy") before names where it is a later word ("Giao Thủy"),
    then the higher levels, then by name."""
    key = search_key(text)
    name_start = Case(When(_prefix_of("search_name", key), then=Value(0)), default=Value(1)) if key else Value(0)
    return units.annotate(name_start=name_start).order_by(
        F("valid_to").asc(nulls_first=True), "name_start", "level", "name", "pk"
    )


def successor_map() -> dict[int, int]:
    """Every legacy unit id → the id of the current unit that carries its records by default.

    For the recompute and the dashboards ("theo địa giới hiện nay"): a record on a legacy unit
    counts under ``successor_map()[unit_id]``. One query. The default comes from the crosswalk
    (``UnitCrosswalk.is_default``), kept on ``AdministrativeUnit.successor`` by the loader and
    ``services.crosswalk_save``.
    """
    return dict(AdministrativeUnit.objects.legacy().filter(successor__isnull=False).values_list("pk", "successor_id"))


def current_unit_for(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The unit itself when it is current, else its default successor (following a chain of mergers).

    None when a legacy unit has no target (the admin report "Chưa có đơn vị kế thừa" lists those).
    """
    seen = set()
    while unit is not None and unit.is_legacy and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.successor if unit.successor_id is not None else None
    return unit if unit is not None and not unit.is_legacy else None


def legacy_units_without_target() -> QuerySet[AdministrativeUnit]:
    """Legacy units with no default successor (expected: none after ``load_units --legacy``)."""
    return AdministrativeUnit.objects.legacy().filter(successor__isnull=True).order_by("path")


def unit_predecessors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The legacy units of the same level whose records this current unit carries by default (one query).

    "Thành phố Hải Phòng" ← Tỉnh Hải Dương (cũ), Thành phố Hải Phòng (cũ); a ward ← the old
    communes merged into it. Legacy districts are left out: they map to a whole province.
    """
    if unit.is_legacy:
        return []
    return list(AdministrativeUnit.objects.legacy().filter(successor=unit, level=unit.level).order_by("name"))
