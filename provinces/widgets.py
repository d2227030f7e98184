"""The unit chooser of the portal's forms: every unit of the user's scope, grouped by province.

A national user's scope is all 3,355 current units. Django's Select renders each <option> through
its own template (``django/forms/widgets/select_option.html``): 1-3 s and ~380 KB per field on the
shared machine. ``UnitSelect`` writes the same options in one pass with ``format_html_join``,
grouped in one <optgroup> per province, and ``UnitChoiceField`` reads only the columns it
shows. Each option names the units above it ("Phường Ba Đình · Thành phố Hà Nội (00004)") and a
legacy unit says "(cũ)" and which unit took it over. Validation is ModelChoiceField's own: the
field's queryset is the user's scope, so a unit outside it is refused whatever the page offered.

Without JavaScript the chooser is an ordinary <select>; ``static/js/unit-chooser.js`` adds a
text box above it that narrows the options as one types (diacritics ignored).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .choices import UnitLevel

SELECTED = mark_safe(" selected")
# The group of legacy units a chooser found by search (and of a chosen one, when the form comes back).
LEGACY_GROUP_LABEL = _("Đơn vị trước 01/07/2025 (cũ)")
NOT_SELECTED = mark_safe("")


# Between a unit and the units above it: "Phường Ba Đình · Thành phố Hà Nội".
CHAIN_SEPARATOR = " · "


def chain_label(names, *, legacy: bool = False, successor: str | None = None) -> str:
    """A unit and the units above it, nearest first; a legacy unit with "(cũ)" and the unit that took it over.

    ``names`` is the unit's name then its parents' (missing ones skipped): "Phường Ba Đình · Thành
    phố Hà Nội"; legacy: "Phường Trúc Bạch · Quận Ba Đình · Thành phố Hà Nội (cũ) → Phường Ba Đình".
    """
    label = CHAIN_SEPARATOR.join(name for name in names if name)
    if not legacy:
        return label
    label = str(_("%(unit)s (cũ)") % {"unit": label})
    if successor:
        label = str(_("%(unit)s → %(successor)s") % {"unit": label, "successor": successor})
    return label


def unit_chain_label(unit) -> str:
    """``chain_label`` of a unit instance, as far as its parents and successor were loaded (no query).

    Load them with ``select_related("parent__parent", "successor__parent")``.
    """
    successor = None
    if unit.is_legacy and unit.successor_id is not None and type(unit).successor.is_cached(unit):
        successor = CHAIN_SEPARATOR.join(
            [unit.successor.name, *(parent.name for parent in unit.successor.parent_chain())]
        )
    return chain_label(
        [unit.name, *(parent.name for parent in unit.parent_chain())], legacy=unit.is_legacy, successor=successor
    )


def unit_label(names, code: str, *, legacy: bool = False, successor: str | None = None) -> str:
    """How a unit reads in a chooser: "Xã Tân Lập · Tỉnh Phú Thọ (12345)"."""
    return f"{chain_label(names, legacy=legacy, successor=successor)} ({code})"


# What a chooser reads per unit: its name, its parents' and its successor's (one query, no instance).
CHOICE_COLUMNS = (
    "name", "code", "level", "valid_to", "parent__name", "parent__parent__name", "successor__name",
    "successor__parent__name",
)  # fmt: skip


# The columns of a unit the list reads from its own row; the names above it come by id (no join).
LIST_COLUMNS = ("pk", "name", "code", "level", "valid_to", "parent_id", "successor_id")
# Rounds of lookups for names not in the list: parents, grandparents, successors' parents.
NAME_ROUNDS = 3


def _names_by_id(model, rows) -> dict:
    """{id: (name, parent_id)} for the rows, their parents, grandparents, successors and successors' parents.

    The list holds most of them (a scope holds its units' parents and successors); the rest are read
    by id, one query per missing generation (none for a national user, one for a commune's user).
    """
    known = {row[1]: (row[2], row[6]) for row in rows}

    def chain_ids(parent_id, successor_id):
        parent = known.get(parent_id)
        successor = known.get(successor_id)
        return (parent_id, parent and parent[1], successor_id, successor and successor[1])

    for _round in range(NAME_ROUNDS):
        missing = {
            unit_id
            for row in rows
            for unit_id in chain_ids(row[6], row[7])
            if unit_id is not None and unit_id not in known
        }
        if not missing:
            break
        known.update(
            (pk, (name, parent_id))
            for pk, name, parent_id in model.objects.filter(pk__in=missing).values_list("pk", "name", "parent_id")
        )
    return known


class UnitChoiceIterator(ModelChoiceIterator):
    """The empty choice, then (province name, [(value, label), ...]) groups in tree order.

    Units above any province (none in the current tree) come first, ungrouped. One query on the unit
    table alone, by the path index; the names above each unit are found among the rows read (or read
    by id when the scope does not hold them). No join: the five-way self-join it replaced took 4.9 s
    late in CI runs on PostgreSQL (0.05 s alone), most likely its plan on stale statistics. No model
    instance is built.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        queryset = self.queryset
        if self.field.legacy_by_search:
            queryset = queryset.filter(valid_to__isnull=True)  # legacy units come from the search
        rows = list(queryset.order_by("path").values_list(key, *LIST_COLUMNS))
        names = _names_by_id(queryset.model, rows)

        def name_of(unit_id):
            return names[unit_id][0] if unit_id in names else None

        def parent_of(unit_id):
            return names[unit_id][1] if unit_id in names else None

        group_name, group = None, None
        for value, _pk, name, code, level, valid_to, parent_id, successor_id in rows:
            legacy = valid_to is not None
            successor = CHAIN_SEPARATOR.join(filter(None, (name_of(successor_id), name_of(parent_of(successor_id)))))
            if level == UnitLevel.PROVINCE:
                if group is not None:
                    yield (group_name, group)
                group_name, group = chain_label([name], legacy=legacy), []
            chain = [name, name_of(parent_id), name_of(parent_of(parent_id))]
            choice = (value, unit_label(chain, code, legacy=legacy, successor=successor))
            if group is None:
                yield choice
            else:
                group.append(choice)
        if group is not None:
            yield (group_name, group)


class UnitSelect(forms.Select):
    """A <select> written in one pass: no template per option (see the module docstring)."""

    def __init__(self, attrs=None, choices=()):
        attrs = {"data-unit-chooser": "", "data-filter-placeholder": _("Gõ tên hoặc mã để lọc đơn vị"), **(attrs or {})}
        super().__init__(attrs, choices)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        parts = []
        for value_or_group, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', value_or_group, self._options(label, selected))
                )
            else:
                parts.append(self._options([(value_or_group, label)], selected))
        missing = self._selected_outside_the_options(selected)
        if missing:
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', LEGACY_GROUP_LABEL, self._options(missing, selected))
            )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))

    def _selected_outside_the_options(self, selected: set[str]) -> list:
        """The chosen units that the options leave out (a legacy unit found by the search): kept chosen.

        One query, only when the chooser offers legacy units by search and one of them is chosen.
        """
        field = getattr(self.choices, "field", None)
        if not selected or field is None or not field.legacy_by_search:
            return []
        key = field.to_field_name or "pk"
        values = [value for value in selected if value]
        model = field.queryset.model
        column = model._meta.pk if key == "pk" else model._meta.get_field(key)
        if isinstance(column, models.IntegerField):
            # A forged id beyond the column's range fails inside the database, not as a ValueError.
            values = [value for value in values if value.isdigit() and int(value) < 2**63]
        try:
            rows = field.queryset.filter(valid_to__isnull=False, **{f"{key}__in": values})
            rows = list(rows.values_list(key, *CHOICE_COLUMNS))
        except (ValueError, TypeError, ValidationError):
            return []  # a forged value: not a unit, nothing to show
        return [
            (
                value,
                unit_label(
                    [name, parent, grandparent],
                    code,
                    legacy=True,
                    successor=CHAIN_SEPARATOR.join(filter(None, successor)),
                ),
            )
            for value, name, code, _level, _valid_to, parent, grandparent, *successor in rows
        ]

    @staticmethod
    def _options(choices, selected: set[str]):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, SELECTED if str(value) in selected else NOT_SELECTED, label) for value, label in choices),
        )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of ``queryset`` (the user's scope), offered through ``UnitSelect``.

    With ``legacy_by_search`` the list offers the current units only and the legacy units of
    ``queryset`` (10,794 for a national user) are found by typing: the chooser asks the unit search
    (``provinces:unit_suggest``) and adds what it finds. A legacy unit is accepted whatever the list
    showed, as long as it is in ``queryset``; the date rules are the services'.
    """

    widget = UnitSelect
    iterator = UnitChoiceIterator

    def __init__(self, *args, legacy_by_search: bool = False, **kwargs):
        self.legacy_by_search = legacy_by_search
        super().__init__(*args, **kwargs)
        if legacy_by_search:
            self.widget.attrs["data-search-url"] = reverse_lazy("provinces:unit_suggest")
            self.widget.attrs["data-legacy-group"] = LEGACY_GROUP_LABEL

    def label_from_instance(self, obj):
        return f"{unit_chain_label(obj)} ({obj.code})"


class UnitOrLegacyUnitChoiceField(UnitChoiceField):
    """``UnitChoiceField`` that also takes the legacy units of its queryset, found by search.

    For records that may belong to the structure before 1 July 2025 (a 2023 plan's tasks).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, legacy_by_search=True, **kwargs)


def label_units_by_chain(field):
    """Make a form field that picks a unit (admin's foreign keys) read "Xã A · Tỉnh B", legacy "(cũ) → …".

    Anything else is returned unchanged. The parents and the successor are joined to the field's
    query, so the labels cost no query per unit.
    """
    if isinstance(field, forms.ModelChoiceField) and field.queryset.model._meta.label == "provinces.AdministrativeUnit":
        field.queryset = field.queryset.select_related("parent__parent", "successor__parent")
        field.label_from_instance = unit_chain_label
    return field
