"""Importing criterion values from the grid export: read, check by row and column, save through pccc.

The sheet is the one ``pccc_grid_xlsx`` exports: unit code, then per criterion its parts.
An empty cell leaves the stored value alone. Saving goes through
``pccc.services.assessment_grid_save``, so its rules, scope check and all-or-nothing
write apply; its cell errors are mapped back to the sheet's rows and columns.

The preview records, per cell it will write, which stored value that cell replaces
(``planned_cells``); the confirmation locks those rows and refuses any cell whose value
someone else replaced since (``pccc_import_save(planned=...)``), so that a colleague's
new value is never silently overwritten.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from pccc.services import CellInput, GridValidationError, assessment_grid_save

from .selectors import current_assessment_ids_for_update, grid_columns
from .uploads import CellError

IGNORED_PARTS = ("name", "rate")  # shown for reading, computed or looked up on import
_MISSING = object()  # a cell the preview recorded nothing for


@dataclass
class PcccImportPlan:
    cells: list[CellInput] = field(default_factory=list)
    changes: list[tuple] = field(default_factory=list)  # (row, unit, criterion, old, new)
    errors: list[CellError] = field(default_factory=list)
    where: dict = field(default_factory=dict)  # (criterion_id, unit_id) -> (row, column)
    replaces: dict = field(default_factory=dict)  # (criterion_id, unit_id) -> current Assessment id or None
    conflicts: list[CellError] = field(default_factory=list)  # cells someone else saved since the preview


def column_names(criteria) -> tuple[list[str], list[str]]:
    columns = grid_columns(criteria)
    required = [str(col.header) for _c, part, col in columns if part not in IGNORED_PARTS]
    optional = [str(col.header) for _c, part, col in columns if part in IGNORED_PARTS]
    return required, optional


def _shown(stored, criterion) -> str:
    if stored is None or not stored.has_data:
        return "—"
    if criterion.is_yes_no:
        return _("Có") if stored.answer else _("Không")
    if criterion.is_ratio:
        return f"{stored.value}/{stored.denominator}"
    return str(stored.value)


def plan_pccc_import(*, grid, table) -> PcccImportPlan:
    """Cells to save from ``table`` for the units of ``grid`` (no query)."""
    plan = PcccImportPlan()
    columns = grid_columns(grid.criteria)
    code_header = str(columns[0][2].header)
    units = {u.code: u for u in grid.units}
    seen = {}
    for row, values in table:
        code = str(values.get(code_header) or "")
        unit = units.get(code)
        if unit is None:
            plan.errors.append(
                CellError(
                    row, code_header, _("Không có đơn vị mã “%(code)s” trong bảng nhập liệu này.") % {"code": code}
                )
            )
            continue
        if code in seen:
            plan.errors.append(CellError(row, code_header, _("Trùng với dòng %(row)s.") % {"row": seen[code]}))
            continue
        seen[code] = row
        for criterion in grid.criteria:
            parts = {p: values.get(str(col.header)) for c, p, col in columns if c is criterion}
            if all(parts.get(p) is None for p in ("value", "denominator", "answer", "evidence")):
                continue
            first = next(str(col.header) for c, p, col in columns if c is criterion)
            plan.where[(criterion.pk, unit.pk)] = (row, first)
            cell = CellInput(
                criterion_id=criterion.pk,
                unit_id=unit.pk,
                value=parts.get("value"),
                denominator=parts.get("denominator"),
                answer=parts.get("answer"),
                evidence=parts.get("evidence") or "",
            )
            plan.cells.append(cell)
            stored = grid.values.get((criterion.pk, unit.pk))
            plan.replaces[(criterion.pk, unit.pk)] = stored.pk if stored else None
            new = "/".join(str(parts[p]) for p in ("value", "denominator", "answer") if parts.get(p) is not None)
            old = _shown(stored, criterion)
            if old != new:
                plan.changes.append((row, unit, criterion, old, new or "—"))
    return plan


def planned_cells(plan: PcccImportPlan) -> dict[str, int | None]:
    """What the preview showed, kept with the pending upload: ``{"criterion_id-unit_id": Assessment id or None}``.

    For each cell the file writes, the current stored row it replaces (None: no value yet).
    JSON-ready (string keys), since it is stored beside the upload.
    """
    return {_cell_key(*key): assessment_id for key, assessment_id in plan.replaces.items()}


def _cell_key(criterion_id: int, unit_id: int) -> str:
    return f"{criterion_id}-{unit_id}"


def _replaced_since(plan: PcccImportPlan, *, root, period, planned: dict) -> list[CellError]:
    """Cells whose current value is no longer the one the preview showed, read under a row lock.

    Called inside the save's transaction: a colleague's save of the same cells then waits
    for ours and is refused by the one-current-row rule, so nothing slips in between this
    check and the write. A cell that had no value at the preview has no row to lock; a value
    saved there meanwhile is caught here, or at the write by that same rule.
    """
    current = current_assessment_ids_for_update(root=root, period=period, cells=plan.replaces)
    errors = []
    for key in plan.replaces:
        if planned.get(_cell_key(*key), _MISSING) != current.get(key):
            row, column = plan.where[key]
            errors.append(
                CellError(
                    row,
                    column,
                    _(
                        "Ô này vừa được người khác nhập số liệu mới sau lúc kiểm tra tệp; "
                        "hãy xem lại rồi tải tệp lên lại."
                    ),
                )
            )
    return errors


class _RollBack(Exception):
    pass


def pccc_import_save(
    *, user, criteria_set, root, period, plan: PcccImportPlan, dry_run: bool, planned: dict | None = None
) -> int:
    """Save (or, with ``dry_run``, only check) the plan's cells; returns how many cells change.

    With ``planned`` (``planned_cells`` of the preview), cells whose stored value someone
    else replaced since are refused too. Errors are added to ``plan.errors`` by row and
    column (in sheet order) and nothing is saved.
    """
    if plan.errors:
        return 0
    try:
        with transaction.atomic():
            if planned is not None:
                plan.conflicts = _replaced_since(plan, root=root, period=period, planned=planned)
            # Run the save even when cells were replaced, so that the page lists every failing
            # cell at once; the transaction is then rolled back.
            result = assessment_grid_save(
                user=user, criteria_set=criteria_set, root=root, period=period, cells=plan.cells
            )
            if dry_run or plan.conflicts:
                raise _RollBack
    except _RollBack:
        pass
    except GridValidationError as error:
        plan.errors += [CellError(None, "", str(m)) for m in error.errors]
        for key, messages in error.cell_errors.items():
            row, column = plan.where.get(key, (None, ""))
            plan.errors += [CellError(row, column, str(m)) for m in messages]
    plan.errors += plan.conflicts
    if plan.errors:
        plan.errors.sort(key=lambda e: e.row or 0)
        return 0
    return result.changed
