"""The period chooser and the glue between the grid's HTML inputs and the save service."""

import re
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .evaluation import meets
from .periods import Period, recent_periods
from .services import CellInput

# One input per part of a cell: v = value/numerator, d = denominator, a = yes/no, e = evidence.
_FIELD = re.compile(r"^c(\d+)_u(\d+)_([vdae])$")
PARTS = {"v": "value", "d": "denominator", "a": "answer", "e": "evidence"}


def field_name(criterion_id: int, unit_id: int, part: str) -> str:
    return f"c{criterion_id}_u{unit_id}_{part}"


class PeriodForm(forms.Form):
    """Pick the reporting period shown in the grid or on the results page."""

    ky = forms.ChoiceField(label=_("Kỳ báo cáo"))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        periods = recent_periods(today or timezone.localdate())
        self.fields["ky"].choices = [(p.key, p.label) for p in periods]
        self.fields["ky"].widget.attrs.update({"class": "form-select form-select-sm", "onchange": "this.form.submit()"})


def period_from_request(data, default: Period | None) -> Period | None:
    """The period named by ``ky`` in GET or POST, or ``default`` when absent or malformed."""
    try:
        return Period.parse(data.get("ky", ""))
    except ValueError:
        return default


def cells_from_post(data) -> list[CellInput]:
    """Every cell posted, including ones the page never showed: the service judges scope."""
    parts: dict[tuple[int, int], dict] = {}
    for name in data:
        match = _FIELD.match(name)
        if match:
            key = (int(match[1]), int(match[2]))
            parts.setdefault(key, {})[PARTS[match[3]]] = data.get(name, "")
    return [CellInput(criterion_id=c, unit_id=u, **values) for (c, u), values in parts.items()]


@dataclass
class GridCell:
    criterion: object
    unit_id: int
    inputs: dict  # part -> (name, text)
    errors: list = field(default_factory=list)
    passes: bool | None = None


def grid_rows(grid, *, posted=None, cell_errors=None) -> list[tuple]:
    """(unit, [GridCell]) rows: stored values, or what was typed when the save failed."""
    cell_errors = cell_errors or {}
    rows = []
    for unit in grid.units:
        cells = []
        for criterion in grid.criteria:
            stored = grid.values.get((criterion.pk, unit.pk))
            inputs = {}
            for part, attr in PARTS.items():
                name = field_name(criterion.pk, unit.pk, part)
                if posted is not None:
                    text = posted.get(name, "")
                elif stored is None or getattr(stored, attr) is None:
                    text = ""
                elif part == "a":
                    text = "1" if stored.answer else "0"
                else:
                    text = str(getattr(stored, attr))
                inputs[part] = (name, text)
            passes = None
            if stored is not None and posted is None:
                passes = meets(criterion, value=stored.value, denominator=stored.denominator, answer=stored.answer)
            cells.append(GridCell(criterion, unit.pk, inputs, cell_errors.get((criterion.pk, unit.pk), []), passes))
        rows.append((unit, cells))
    return rows
