"""The period chooser and the glue between the grid's HTML inputs and the save service."""

import json
import re
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .evaluation import meets
from .periods import Period, periods_offered, recent_periods
from .selectors import grid_level_offered
from .services import CellInput, GridValidationError

# One input per part of a cell: v = value/numerator, d = denominator, a = yes/no, e = evidence.
# ASCII digits, bounded: int() of "²" or of 5,000 digits raises, and a field name is free text.
_FIELD = re.compile(r"^c(\d{1,18})_u(\d{1,18})_([vdae])$", re.ASCII)
PARTS = {"v": "value", "d": "denominator", "a": "answer", "e": "evidence"}
# A province has at most a few hundred communes; this bounds a forged payload.
MAX_JSON_CELLS = 20_000


def field_name(criterion_id: int, unit_id: int, part: str) -> str:
    return f"c{criterion_id}_u{unit_id}_{part}"


class PeriodForm(forms.Form):
    """Pick the reporting period shown in the grid or on the results page.

    Offers every period of the kinds the set's criteria use (months, quarters, half-years,
    years), grouped by year back to the set's start, and always the period shown: a period
    reached by URL is never displayed as another one.
    """

    ky = forms.ChoiceField(label=_("Kỳ báo cáo"))

    def __init__(self, *args, today=None, kinds=None, first_year=None, selected: Period | None = None, **kwargs):
        if selected is not None:
            kwargs.setdefault("initial", {"ky": selected.key})
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        if kinds is None:
            periods = recent_periods(today)
            self.fields["ky"].choices = [(p.key, p.label) for p in periods]
        else:
            groups = periods_offered(today, kinds=kinds, first_year=first_year, selected=selected)
            self.fields["ky"].choices = [(year, [(p.key, p.label) for p in periods]) for year, periods in groups]
        self.fields["ky"].widget.attrs.update({"class": "form-select form-select-sm", "onchange": "this.form.submit()"})


def period_from_request(data, default: Period | None) -> Period | None:
    """The period named by ``ky`` in GET or POST, or ``default`` when absent or malformed."""
    try:
        return Period.parse(data.get("ky", ""))
    except ValueError:
        return default


def level_from_request(data, levels: list[int]) -> int:
    """The grid's level from ``cap`` when offered, else the lowest level (communes); 0 when none."""
    raw = data.get("cap", "")
    # Compared as text: "²".isdigit() is true but int("²") raises.
    return grid_level_offered(levels, next((level for level in levels if str(level) == raw), None))


def cells_from_post(data) -> list[CellInput]:
    """Every cell posted, including ones the page never showed: the service judges scope.

    With JavaScript the page posts only the changed cells, as JSON in ``cells_json``
    (a province's full grid has more inputs than Django accepts as form fields);
    without it, every input is a form field.
    """
    if data.get("cells_json"):
        return _cells_from_json(data["cells_json"])
    parts: dict[tuple[int, int], dict] = {}
    for name in data:
        match = _FIELD.match(name)
        if match:
            key = (int(match[1]), int(match[2]))
            parts.setdefault(key, {})[PARTS[match[3]]] = data.get(name, "")
    return [CellInput(criterion_id=c, unit_id=u, **values) for (c, u), values in parts.items()]


def _cells_from_json(text: str) -> list[CellInput]:
    malformed = GridValidationError(errors=[_("Dữ liệu bảng gửi lên không hợp lệ.")])
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past Python's stack
        raise malformed from None
    if not isinstance(items, list) or len(items) > MAX_JSON_CELLS or not all(isinstance(i, dict) for i in items):
        raise malformed
    try:
        return [
            CellInput(
                criterion_id=int(item["c"]),
                unit_id=int(item["u"]),
                **{attr: _text(item.get(part)) for part, attr in PARTS.items()},
            )
            for item in items
        ]
    except (KeyError, TypeError, ValueError):
        raise malformed from None


def _text(value) -> str:
    return "" if value is None else str(value)


@dataclass
class GridCell:
    criterion: object
    unit_id: int
    inputs: dict  # part -> (name, text)
    errors: list = field(default_factory=list)
    passes: bool | None = None
    typed: bool = False  # shown as typed in a failed save, to be sent again


def grid_rows(grid, *, typed: list[CellInput] | None = None, cell_errors=None) -> list[tuple]:
    """(unit, [GridCell]) rows: stored values, overlaid with what was typed when a save failed."""
    cell_errors = cell_errors or {}
    typed = {(cell.criterion_id, cell.unit_id): cell for cell in typed or []}
    rows = []
    for unit in grid.units:
        cells = []
        for criterion in grid.criteria:
            key = (criterion.pk, unit.pk)
            stored, entered = grid.values.get(key), typed.get(key)
            inputs = {}
            for part, attr in PARTS.items():
                if entered is not None:
                    text = _text(getattr(entered, attr))
                elif stored is None or getattr(stored, attr) is None:
                    text = ""
                elif part == "a":
                    text = "1" if stored.answer else "0"
                else:
                    text = str(getattr(stored, attr))
                inputs[part] = (field_name(criterion.pk, unit.pk, part), text)
            passes = None
            if stored is not None and entered is None:
                passes = meets(criterion, value=stored.value, denominator=stored.denominator, answer=stored.answer)
            cells.append(
                GridCell(criterion, unit.pk, inputs, cell_errors.get(key, []), passes, typed=entered is not None)
            )
        rows.append((unit, cells))
    return rows
