"""The unit chooser of the portal's forms: every unit of the user's scope, grouped by province.

A national user's scope is all 3,355 current units. Django's Select renders each <option> through
its own template (``django/forms/widgets/select_option.html``): 1-3 s and ~380 KB per field on the
shared machine. ``UnitSelect`` writes the same options in one pass with ``format_html_join``,
grouped in one <optgroup> per province, and ``UnitChoiceField`` reads only the four columns it
shows. Validation is ModelChoiceField's own: the field's queryset is the user's scope, so a unit
outside it is refused whatever the page offered.

Without JavaScript the chooser is an ordinary <select>; ``static/js/unit-chooser.js`` adds a
text box above it that narrows the options as one types (diacritics ignored).
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .choices import UnitLevel

SELECTED = mark_safe(" selected")
NOT_SELECTED = mark_safe("")


def unit_label(name: str, code: str) -> str:
    """How a unit reads in a chooser: "Xã Tân Lập (12345)"."""
    return f"{name} ({code})"


class UnitChoiceIterator(ModelChoiceIterator):
    """The empty choice, then (province name, [(value, label), ...]) groups in tree order.

    Units above any province (none in the current tree) come first, ungrouped. One query of four
    columns; no model instance is built.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        rows = self.queryset.order_by("path").values_list(key, "name", "code", "level")
        group_name, group = None, None
        for value, name, code, level in rows.iterator():
            if level == UnitLevel.PROVINCE:
                if group is not None:
                    yield (group_name, group)
                group_name, group = name, []
            choice = (value, unit_label(name, code))
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
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))

    @staticmethod
    def _options(choices, selected: set[str]):
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, SELECTED if str(value) in selected else NOT_SELECTED, label) for value, label in choices),
        )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of ``queryset`` (the user's scope), offered through ``UnitSelect``."""

    widget = UnitSelect
    iterator = UnitChoiceIterator

    def label_from_instance(self, obj):
        return unit_label(obj.name, obj.code)
