"""Writes of indicator values and assigned targets: validated, scope-checked, all or nothing."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inputs.numbers import grouped
from pccc.periods import InvalidPeriod, Period
from provinces.models import AdministrativeUnit
from provinces.selectors import unit_within_scope

from .models import EVERY_PERIOD, Indicator, IndicatorCategoryValue, IndicatorValue, Target
from .selectors import can_assign_targets, can_enter_values, indicators_changed, unit_in_programme_scope

# The bigint columns' sums over every commune must stay exact (as in pccc.services).
MAX_FIGURE = 10**15 - 1
MAX_PERCENT = Decimal(100)


class IndicatorInputError(Exception):
    """Nothing was saved. ``field_errors`` maps a row key to {field name: Vietnamese message}."""

    def __init__(self, *, field_errors: dict | None = None, errors: list | None = None):
        self.field_errors = dict(field_errors or {})
        self.errors = list(errors or [])
        super().__init__(self.errors or self.field_errors)


@dataclass(frozen=True)
class ValueInput:
    """What was typed for one indicator: numbers already parsed, None when left empty.

    A ratio gives ``numerator`` and ``denominator``, or ``percent`` and its ``base``
    population; a count gives ``numerator``; ``paired`` is the paired measure (participants).
    """

    indicator_id: int
    numerator: int | None = None
    denominator: int | None = None
    percent: Decimal | None = None
    base: int | None = None
    paired: int | None = None

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in (self.numerator, self.denominator, self.percent, self.base, self.paired))


@dataclass(frozen=True)
class TargetInput:
    """One cell of the target grid: ``unit_id`` None is the whole programme; ``value`` None removes the target."""

    indicator_id: int
    unit_id: int | None
    value: Decimal | None


def _check_period(key: str, today: date) -> Period:
    try:
        period = Period.parse(key)
    except InvalidPeriod:
        raise IndicatorInputError(errors=[_("Kỳ báo cáo không hợp lệ.")]) from None
    if period.is_future(today):
        raise IndicatorInputError(
            errors=[_("Chưa thể báo cáo cho kỳ %(period)s: kỳ này chưa bắt đầu.") % {"period": period.label}]
        )
    return period


def _check_unit(actor, programme, unit: AdministrativeUnit) -> None:
    if not unit_within_scope(unit, actor.unit if actor.unit_id else None):
        raise PermissionDenied(_("Bạn không có quyền với đơn vị này."))
    if not unit_in_programme_scope(programme, unit):
        raise IndicatorInputError(
            errors=[
                _("%(unit)s nằm ngoài phạm vi của %(programme)s.") % {"unit": unit.name, "programme": programme.name}
            ]
        )


def _number_errors(indicator: Indicator, entry: ValueInput) -> dict[str, str]:
    """Negative, too large, or a paired figure the indicator does not have."""
    errors: dict[str, str] = {}
    for name in ("numerator", "denominator", "base", "paired"):
        number = getattr(entry, name)
        if number is not None and number < 0:
            errors[name] = _("Không được là số âm.")
        elif number is not None and number > MAX_FIGURE:
            errors[name] = _("Số quá lớn: tối đa %(max)s.") % {"max": grouped(MAX_FIGURE)}
    if entry.paired is not None and not indicator.paired_measure:
        errors["paired"] = _("Chỉ tiêu này không có số liệu kèm theo.")
    return errors


def _clean_value(indicator: Indicator, entry: ValueInput) -> tuple[dict, dict]:
    """The columns to store for one entry, or the messages by field."""
    errors = _number_errors(indicator, entry)
    if errors:
        return {}, errors
    columns = {"paired_value": entry.paired, "entered_percent": None, "denominator": None}
    if not indicator.is_ratio:
        if entry.numerator is None:
            errors["numerator"] = _("Cần nhập số lượng.")
        columns["numerator"] = entry.numerator
        return columns, errors
    if entry.percent is not None or entry.base is not None:
        return _clean_percent(entry, columns)
    return _clean_fraction(entry, columns)


def _clean_percent(entry: ValueInput, columns: dict) -> tuple[dict, dict]:
    """A ratio typed as a percentage of its base population: stored as the numerator it stands for."""
    errors: dict[str, str] = {}
    if entry.numerator is not None or entry.denominator is not None:
        errors["percent"] = _("Nhập tử số và mẫu số, hoặc tỷ lệ % và dân số gốc, không nhập cả hai.")
    elif entry.percent is None:
        errors["percent"] = _("Cần nhập tỷ lệ %.")
    elif entry.percent < 0:
        errors["percent"] = _("Không được là số âm.")
    elif entry.percent > MAX_PERCENT:
        errors["percent"] = _("Tỷ lệ không được lớn hơn 100%.")
    elif not entry.base:
        errors["base"] = _("Cần nhập dân số gốc (lớn hơn 0) để tính từ tỷ lệ %.")
    else:
        # The numerator the rate stands for, rounded to whole people.
        numerator = int((entry.percent * entry.base / 100).quantize(Decimal(1), ROUND_HALF_UP))
        columns.update(numerator=numerator, denominator=entry.base, entered_percent=entry.percent)
    return columns, errors


def _clean_fraction(entry: ValueInput, columns: dict) -> tuple[dict, dict]:
    """A ratio typed as numerator and denominator."""
    errors: dict[str, str] = {}
    if entry.numerator is None:
        errors["numerator"] = _("Cần nhập tử số.")
    if not entry.denominator:
        errors["denominator"] = _("Cần nhập mẫu số (lớn hơn 0).")
    elif entry.numerator is not None and entry.numerator > entry.denominator:
        errors["numerator"] = _("Tử số không được lớn hơn mẫu số (%(denominator)s).") % {
            "denominator": grouped(entry.denominator)
        }
    columns.update(numerator=entry.numerator, denominator=entry.denominator)
    return columns, errors


def indicator_values_save(
    *, actor, programme, unit: AdministrativeUnit, period: str, entries: list[ValueInput], today: date | None = None
) -> int:
    """Store the figures a unit reports for one period; returns how many rows changed.

    Every entry is checked before anything is written; any error saves nothing. An entry
    left empty keeps the stored figure. A correction overwrites the row (its history keeps the
    previous figure).
    """
    if not can_enter_values(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
    checked_period = _check_period(period, today or timezone.localdate())
    _check_unit(actor, programme, unit)
    indicators = {i.pk: i for i in Indicator.objects.filter(programme=programme)}
    cleaned, field_errors = {}, {}
    for entry in entries:
        indicator = indicators.get(entry.indicator_id)
        if indicator is None:
            raise IndicatorInputError(errors=[_("Chỉ tiêu không thuộc đề án này.")])
        if entry.is_empty:
            continue
        columns, errors = _clean_value(indicator, entry)
        if errors:
            field_errors[entry.indicator_id] = errors
        else:
            cleaned[entry.indicator_id] = columns
    if field_errors:
        raise IndicatorInputError(field_errors=field_errors)
    changed = 0
    with transaction.atomic():
        existing = {
            v.indicator_id: v
            for v in IndicatorValue.objects.select_for_update()
            .filter(indicator_id__in=cleaned, unit=unit, period=checked_period.key)
            .prefetch_related("by_category")
        }
        below_breakdown = {
            indicator_id: {"numerator": message}
            for indicator_id, columns in cleaned.items()
            if indicator_id in existing and (message := _below_breakdown_error(existing[indicator_id], columns))
        }
        if below_breakdown:
            raise IndicatorInputError(field_errors=below_breakdown)
        for indicator_id, columns in cleaned.items():
            row = existing.get(indicator_id)
            if row is not None and all(getattr(row, name) == value for name, value in columns.items()):
                continue
            if row is None:
                row = IndicatorValue(indicator_id=indicator_id, unit=unit, period=checked_period.key)
            for name, value in columns.items():
                setattr(row, name, value)
            row.entered_by, row.entered_at = actor, timezone.now()
            row.full_clean()
            row.save()
            changed += 1
        transaction.on_commit(indicators_changed)
    return changed


def _clean_target(indicator: Indicator, value: Decimal) -> str | None:
    if value < 0:
        return _("Không được là số âm.")
    if indicator.is_ratio and value > MAX_PERCENT:
        return _("Tỷ lệ không được lớn hơn 100%.")
    if not indicator.is_ratio and value != value.to_integral_value():
        return _("Chỉ tiêu số lượng phải là số nguyên.")
    if value > MAX_FIGURE:
        return _("Số quá lớn: tối đa %(max)s.") % {"max": grouped(MAX_FIGURE)}
    return None


def _target_cell_error(actor, programme, indicator: Indicator, cell: TargetInput, units: dict) -> str | None:
    """Why one cell of the grid cannot be saved, or None."""
    unit = units.get(cell.unit_id) if cell.unit_id is not None else None
    if cell.unit_id is None:
        if actor.unit_id is not None:
            return _("Chỉ cấp Trung ương giao chỉ tiêu chung cho toàn đề án.")
    elif unit is None or not unit_within_scope(unit, actor.unit if actor.unit_id else None):
        return _("Bạn không có quyền giao chỉ tiêu cho đơn vị này.")
    elif not unit_in_programme_scope(programme, unit):
        return _("%(unit)s nằm ngoài phạm vi của đề án.") % {"unit": unit.name}
    if cell.value is not None:
        return _clean_target(indicator, cell.value)
    return None


def _target_period(period: str) -> str:
    if period == EVERY_PERIOD:
        return period
    try:
        return Period.parse(period).key
    except InvalidPeriod:
        raise IndicatorInputError(errors=[_("Kỳ không hợp lệ.")]) from None


def targets_save(*, actor, programme, period: str, cells: list[TargetInput]) -> int:
    """Assign (or remove, with an empty value) targets for one period ("" = every period).

    Only coordinators and admins; a unit must be in both the actor's scope and the programme's;
    the whole-programme row is national. Any bad cell saves nothing. Returns rows changed.
    """
    if not can_assign_targets(actor):
        raise PermissionDenied(_("Bạn không có quyền giao chỉ tiêu."))
    period = _target_period(period)
    indicators = {i.pk: i for i in Indicator.objects.filter(programme=programme)}
    units = AdministrativeUnit.objects.in_bulk([c.unit_id for c in cells if c.unit_id is not None])
    field_errors: dict = {}
    for cell in cells:
        indicator = indicators.get(cell.indicator_id)
        if indicator is None:
            raise IndicatorInputError(errors=[_("Chỉ tiêu không thuộc đề án này.")])
        if message := _target_cell_error(actor, programme, indicator, cell, units):
            field_errors[(cell.indicator_id, cell.unit_id)] = message
    if field_errors:
        raise IndicatorInputError(field_errors=field_errors)
    with transaction.atomic():
        changed = sum(_target_cell_write(actor, period, cell) for cell in cells)
        transaction.on_commit(indicators_changed)
    return changed


def _target_cell_write(actor, period: str, cell: TargetInput) -> int:
    """Write one checked cell; 1 when a row was created, changed or removed."""
    rows = Target.objects.filter(indicator_id=cell.indicator_id, unit_id=cell.unit_id, period=period)
    # No ordering join: its nullable side (the unit of a programme-wide target) cannot be locked.
    row = rows.order_by("pk").select_for_update().first()
    if cell.value is None:
        if row is None:
            return 0
        row.delete()
        return 1
    if row is not None and row.value == cell.value:
        return 0
    row = row or Target(indicator_id=cell.indicator_id, unit_id=cell.unit_id, period=period)
    row.value, row.set_by, row.set_at = cell.value, actor, timezone.now()
    row.full_clean()
    row.save()
    return 1


@dataclass(frozen=True)
class CategoryInput:
    """One facility category's figure as typed: ``numerator`` None removes the category's row."""

    category_id: int
    numerator: int | None = None
    denominator: int | None = None


def _category_errors(indicator: Indicator, entry: CategoryInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("numerator", "denominator"):
        number = getattr(entry, name)
        if number is not None and number < 0:
            errors[name] = _("Không được là số âm.")
    if errors or entry.numerator is None:
        return errors
    if indicator.is_ratio and not entry.denominator:
        errors["denominator"] = _("Cần nhập mẫu số (lớn hơn 0).")
    elif indicator.is_ratio and entry.numerator > entry.denominator:
        errors["numerator"] = _("Tử số không được lớn hơn mẫu số (%(denominator)s).") % {
            "denominator": grouped(entry.denominator)
        }
    return errors


def _category_totals_error(value: IndicatorValue, entries: list[CategoryInput]) -> str | None:
    """The categories are a breakdown of the unit's value: their totals never exceed it."""
    kept = [e for e in entries if e.numerator is not None]
    numerators = sum(e.numerator for e in kept)
    if numerators > value.numerator:
        return _("Tổng theo loại cơ sở (%(total)s) vượt số liệu của đơn vị (%(value)s).") % {
            "total": grouped(numerators),
            "value": grouped(value.numerator),
        }
    denominators = sum(e.denominator or 0 for e in kept)
    if value.denominator is not None and denominators > value.denominator:
        return _("Tổng mẫu số theo loại cơ sở (%(total)s) vượt mẫu số của đơn vị (%(value)s).") % {
            "total": grouped(denominators),
            "value": grouped(value.denominator),
        }
    return None


def _below_breakdown_error(value: IndicatorValue, columns: dict) -> str | None:
    """A corrected unit value may not fall below what its facility categories already hold (the
    categories are a breakdown of it: the rest would read as a negative "chưa phân loại")."""
    categories = list(value.by_category.all())
    if not categories:
        return None
    classified = sum(row.numerator for row in categories)
    if columns["numerator"] < classified:
        return _(
            "Số liệu mới (%(value)s) nhỏ hơn tổng đã nhập theo loại cơ sở (%(total)s): "
            "sửa số liệu theo loại cơ sở trước."
        ) % {"value": grouped(columns["numerator"]), "total": grouped(classified)}
    classified_denominators = sum(row.denominator or 0 for row in categories)
    if columns["denominator"] is not None and columns["denominator"] < classified_denominators:
        return _(
            "Mẫu số mới (%(value)s) nhỏ hơn tổng mẫu số đã nhập theo loại cơ sở (%(total)s): "
            "sửa số liệu theo loại cơ sở trước."
        ) % {"value": grouped(columns["denominator"]), "total": grouped(classified_denominators)}
    return None


def category_values_save(
    *, actor, programme, unit: AdministrativeUnit, indicator: Indicator, period: str, entries: list[CategoryInput],
    today: date | None = None,
) -> int:  # fmt: skip
    """Store a unit's figures by facility category (those of the phase in force) for one period.

    The unit's own value must be entered first; the categories' totals may not exceed it (the
    rest is "chưa phân loại"). Any error saves nothing. Returns rows created, changed or removed.
    """
    from .figures import phase_in_force

    if not can_enter_values(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
    checked_period = _check_period(period, today or timezone.localdate())
    _check_unit(actor, programme, unit)
    if indicator.programme_id != programme.pk:
        raise IndicatorInputError(errors=[_("Chỉ tiêu không thuộc đề án này.")])
    phase, _not_started = phase_in_force(indicator, checked_period)
    allowed = {c.pk for c in phase.facility_categories.all()} if phase is not None else set()
    if not allowed:
        raise IndicatorInputError(errors=[_("Kỳ này không có giai đoạn nào chia theo loại cơ sở.")])
    field_errors = {}
    for entry in entries:
        if entry.category_id not in allowed:
            raise IndicatorInputError(errors=[_("Loại cơ sở không thuộc giai đoạn của kỳ này.")])
        if errors := _category_errors(indicator, entry):
            field_errors[entry.category_id] = errors
    if field_errors:
        raise IndicatorInputError(field_errors=field_errors)
    with transaction.atomic():
        value = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=indicator, unit=unit, period=checked_period.key)
            .first()
        )
        if value is None:
            raise IndicatorInputError(
                errors=[_("Hãy nhập số liệu của đơn vị cho kỳ này trước khi chia theo loại cơ sở.")]
            )
        stored = {row.category_id: row for row in value.by_category.all()}
        merged = {cid: CategoryInput(cid, row.numerator, row.denominator) for cid, row in stored.items()}
        merged.update({entry.category_id: entry for entry in entries})
        if message := _category_totals_error(value, list(merged.values())):
            raise IndicatorInputError(errors=[message])
        changed = sum(_category_write(actor, value, stored.get(e.category_id), e) for e in entries)
        transaction.on_commit(indicators_changed)
    return changed


def _category_write(actor, value: IndicatorValue, row, entry: CategoryInput) -> int:
    if entry.numerator is None:
        if row is None:
            return 0
        row.delete()
        return 1
    denominator = entry.denominator if value.indicator.is_ratio else None
    if row is not None and (row.numerator, row.denominator) == (entry.numerator, denominator):
        return 0
    row = row or IndicatorCategoryValue(value=value, category_id=entry.category_id)
    row.numerator, row.denominator = entry.numerator, denominator
    row.entered_by, row.entered_at = actor, timezone.now()
    row.full_clean()
    row.save()
    return 1
