"""Reads of the API, scoped by the same helpers as the pages (``provinces.selectors``, ``tasks.selectors``).

Each takes the caller (a ``TokenPrincipal`` or a user) and returns a queryset with its joins
already applied, so that a list page runs a fixed number of queries whatever its size.
"""

from django.db.models import Prefetch, Q, QuerySet

from dashboards.models import CompletionSnapshot, PcccSnapshot
from pccc.models import Assessment, CriteriaSet, Criterion
from provinces.models import AdministrativeUnit, UnitCrosswalk
from provinces.selectors import unit_scope_filter, units_visible_to
from tasks.models import Agency, Programme, Task
from tasks.selectors import programmes_visible_to, tasks_visible_to


def _scope(caller) -> AdministrativeUnit | None:
    return getattr(caller, "unit", None)


def api_units(caller) -> QuerySet[AdministrativeUnit]:
    """Current units of the caller's subtree and the legacy units they carry (the unit pages' rule)."""
    return units_visible_to(caller).select_related("parent", "successor")


def api_crosswalk(caller) -> QuerySet[UnitCrosswalk]:
    """Old → new rows whose legacy unit and current unit are both in the caller's scope."""
    rows = UnitCrosswalk.objects.select_related("legacy_unit", "current_unit")
    scope = _scope(caller)
    if scope is None:
        return rows
    return rows.filter(unit_scope_filter(scope, "legacy_unit"), scope.subtree_filter("current_unit"))


def api_programmes(caller) -> QuerySet[Programme]:
    """The programmes the task pages show this caller."""
    return programmes_visible_to(caller).select_related("unit")


def api_tasks(caller) -> QuerySet[Task]:
    """Tasks of the caller's subtree (legacy units through their successor), with what the API shows."""
    return (
        tasks_visible_to(caller)
        .select_related("programme", "unit", "lead_agency", "accountable_person")
        .prefetch_related(
            Prefetch("coordinating_agencies", queryset=Agency.objects.only("pk", "name").order_by("name"))
        )
    )


def _snapshot_scope(caller) -> Q:
    """Snapshot rows of the caller's unit and below: a prefix match on ``scope_path`` (no join).

    Fails closed like ``subtree_filter`` when the unit's path is invalid. The national row
    (``scope_path="/"``) is a national caller's only.
    """
    scope = _scope(caller)
    if scope is None:
        return Q()
    if not scope.has_valid_path():
        return Q(pk__in=[])
    return Q(scope_path__startswith=scope.path)


def api_completion_snapshots(caller) -> QuerySet[CompletionSnapshot]:
    """Đề án 06 snapshots of units in scope, for programmes the caller may see."""
    return CompletionSnapshot.objects.filter(
        _snapshot_scope(caller), programme__in=programmes_visible_to(caller).values("pk")
    ).select_related("unit")


def api_pccc_snapshots(caller) -> QuerySet[PcccSnapshot]:
    """PCCC snapshots of units in scope (criteria sets are shared by every province)."""
    return PcccSnapshot.objects.filter(_snapshot_scope(caller)).select_related("unit", "criteria_set")


def api_criteria_sets() -> QuerySet[CriteriaSet]:
    """Every criteria set with its active criteria (definitions, the same for every province)."""
    return CriteriaSet.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.filter(is_active=True).order_by("order", "code"))
    )


def api_assessments(caller) -> QuerySet[Assessment]:
    """Current criterion values of units in scope (legacy units through their successor)."""
    rows = Assessment.objects.current().select_related("criterion__criteria_set", "unit")
    scope = _scope(caller)
    if scope is None:
        return rows
    return rows.filter(unit_scope_filter(scope, "unit"))
