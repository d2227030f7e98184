"""Form inputs for typed values: the dd/mm/yyyy date box of every date field, and the file box."""

from django import forms
from django.utils.translation import gettext_lazy as _

# How every date is typed and shown, whatever the browser's or the page's language (issue 19 item 9).
DATE_INPUT_FORMAT = "%d/%m/%Y"


class DayMonthYearInput(forms.DateInput):
    """A date typed as dd/mm/yyyy in a plain text box.

    Not ``<input type="date">``: the browser shows and reads that one in its own language's order,
    so an English browser took "10/12/2026" as 12 October. The server reads the text with
    ``DATE_INPUT_FORMATS`` (dd/mm/yyyy first, in every language: ``portal/formats``).
    """

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "maxlength": "10", "data-date-input": ""}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DATE_INPUT_FORMAT)


class FileChooserInput(forms.FileInput):
    """A file box in the portal's words: a "Chọn tệp" button and the chosen names ("Chưa chọn tệp").

    The browser draws its own file control in its own language and no page can translate it: an
    English browser showed "Choose Files / No file chosen" on Vietnamese forms (issue 19 item 9).
    The native input stays in the form, with its ``name``, ``accept``, ``multiple`` and ``required``,
    and in the tab order: Bootstrap's ``btn-check`` only clips it and draws its focus ring on the
    "Chọn tệp" label-button beside it, so Tab reaches the control and Space or Enter opens the
    file dialog, with or without script. ``static/js/file-chooser.js`` writes the chosen names.

    Every file input uses it: form fields (``MultipleFileInput`` for evidence, the Excel imports),
    crispy's file-field template (``templates/bootstrap5/layout/field_file.html``) and the raw
    input of a page through ``{% file_chooser %}`` (``inputs/templatetags/file_chooser.py``).
    """

    template_name = "widgets/file_chooser.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_attrs = widget["attrs"]
        names_id = f"{widget_attrs.get('id') or name}_names"
        classes = widget_attrs.get("class", "").split()
        # Crispy's "form-control" would draw the clipped native box; the label-button is the control.
        widget_attrs["class"] = " ".join(["btn-check", *(c for c in classes if c not in {"form-control", "btn-check"})])
        # The chosen names (or "Chưa chọn tệp") are read out with the control, after its help text.
        widget_attrs["aria-describedby"] = " ".join(filter(None, [widget_attrs.get("aria-describedby"), names_id]))
        widget_attrs["data-file-names"] = names_id
        widget.update(
            names_id=names_id,
            invalid="is-invalid" in classes,
            choose_label=_("Chọn tệp"),
            empty_label=_("Chưa chọn tệp"),
        )
        return context
