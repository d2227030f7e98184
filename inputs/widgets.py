"""Form inputs for typed values: the dd/mm/yyyy date box of every date field."""

from django import forms

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
