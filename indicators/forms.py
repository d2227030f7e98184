"""Parsing what people type on the entry page and the target grid; the rules live in services.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from inputs.numbers import NumberError, NumberField, parse_number

from .models import EVERY_PERIOD
from .services import MAX_FIGURE, CategoryInput, TargetInput, ValueInput

# Wide enough to reach the service's own "above 100%" message rather than a parse error.
PERCENT_FIELD = {"max_value": Decimal("999.99"), "decimal_places": 2}


class IndicatorValueForm(forms.Form):
    """One indicator's row of the entry page; which fields show depends on its kind."""

    numerator = NumberField(max_value=MAX_FIGURE, required=False)
    denominator = NumberField(max_value=MAX_FIGURE, required=False, label=_("Mẫu số"))
    percent = NumberField(required=False, label=_("Tỷ lệ (%)"), **PERCENT_FIELD)
    base = NumberField(max_value=MAX_FIGURE, required=False, label=_("Dân số gốc"))
    paired = NumberField(max_value=MAX_FIGURE, required=False)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, prefix=f"i{indicator.pk}", **kwargs)
        self.indicator = indicator
        self.fields["numerator"].label = _("Tử số") if indicator.is_ratio else _("Số lượng")
        self.fields["paired"].label = indicator.paired_measure
        if not indicator.is_ratio:
            for name in ("denominator", "percent", "base"):
                del self.fields[name]
        if not indicator.paired_measure:
            del self.fields["paired"]

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        return ValueInput(
            self.indicator.pk,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            percent=data.get("percent"),
            base=data.get("base"),
            paired=data.get("paired"),
        )


def target_field_name(indicator_id: int, unit_id: int | None) -> str:
    return f"t-{indicator_id}-{unit_id or 0}"


def target_cells_from_post(data, *, indicators, unit_ids: list[int | None]) -> tuple[list[TargetInput], dict]:
    """The grid's cells as TargetInput, and parse errors keyed (indicator id, unit id)."""
    cells, errors = [], {}
    for indicator in indicators:
        for unit_id in unit_ids:
            name = target_field_name(indicator.pk, unit_id)
            if name not in data:
                continue  # not on the page: left as it is (only an emptied cell removes a target)
            raw = data.get(name)
            try:
                value = parse_number(raw, max_value=MAX_FIGURE, decimal_places=2)
            except NumberError as error:
                errors[(indicator.pk, unit_id)] = str(error)
                continue
            cells.append(TargetInput(indicator.pk, unit_id, value))
    return cells, errors


def target_period_from_request(data) -> str:
    """The grid's period key: "" (every period) unless a valid key is given (checked by the service)."""
    return (data.get("ky") or EVERY_PERIOD).strip()[:7]


def category_field_name(category_id: int, part: str) -> str:
    return f"c{category_id}-{part}"


def category_inputs_from_post(data, categories) -> tuple[list[CategoryInput], dict]:
    """The typed figure of each category on the page (empty: its row is removed), and parse errors by category."""
    entries, errors = [], {}
    for category in categories:
        numbers = {}
        for part in ("numerator", "denominator"):
            try:
                numbers[part] = parse_number(data.get(category_field_name(category.pk, part)), max_value=MAX_FIGURE)
            except NumberError as error:
                errors.setdefault(category.pk, {})[part] = str(error)
        if category.pk not in errors:
            entries.append(CategoryInput(category.pk, numbers["numerator"], numbers["denominator"]))
    return entries, errors
