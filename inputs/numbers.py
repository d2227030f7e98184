"""The one parser of numbers people type: the grid, the forms and the Excel imports.

Vietnamese writing: "1.500" is one thousand five hundred, "2,5" is two and a half; a
lone dot before one, two or four-plus digits ("1.5") is read as a decimal point, as the
imports always did. Nothing else: no exponent ("1e1000000" would cost half a minute of
CPU in ``int(Decimal(...))``), no "inf"/"nan", no sign but a refused minus, at most
``MAX_TEXT_LENGTH`` characters. The text is checked by a regular expression before
anything converts it, and the value is bounded by the caller's range, so a 20-digit
number gets a message instead of overflowing the database column.

Spreadsheet cells arrive as int, float or str (openpyxl); bools are refused.
"""

import math
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_TEXT_LENGTH = 40
# Spaces (and the no-break spaces a copy from Word or Excel brings) only group digits.
_SPACES = re.compile(r"[ \u00a0\u202f]")
_GROUPED = re.compile(r"(-?)(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", re.ASCII)
_PLAIN = re.compile(r"(-?)(\d+)(?:[.,](\d+))?", re.ASCII)  # ASCII: a bare \d also takes "١٢"


class NumberError(ValueError):
    """What was typed is not a number the caller accepts; ``str()`` is the Vietnamese message."""


def grouped(number: int) -> str:
    """``1500000`` as "1.500.000", for the bounds named in messages."""
    return f"{number:,}".replace(",", ".")


def decimal_field_range(field) -> dict:
    """``parse_number``'s bounds for a model DecimalField: ``max_digits=6, decimal_places=2`` → 9999,99."""
    places = field.decimal_places
    largest = Decimal(10) ** (field.max_digits - places) - Decimal(1).scaleb(-places)
    return {"max_value": largest, "decimal_places": places}


def parse_number(raw, *, max_value: int | Decimal, min_value: int | Decimal = 0, decimal_places: int = 0):
    """The number in ``raw`` (text or a spreadsheet's int/float), or None when it is empty.

    Returns an int when ``decimal_places`` is 0, else a Decimal with at most that many
    decimals. Raises NumberError (Vietnamese message) for anything else, including a
    value outside ``min_value``..``max_value``. Work is bounded whatever the input.
    """
    number = _as_decimal(raw, max_value)
    if number is None:
        return None
    _check_range(number, min_value=min_value, max_value=max_value)
    return _with_places(number, decimal_places)


def _as_decimal(raw, max_value) -> Decimal | None:
    """``raw`` as a Decimal of bounded size, None when empty; NumberError for what is no number."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberError(_("Không phải là số."))
    if isinstance(raw, int | float | Decimal):
        return _cell_value(raw, max_value)
    return _parse_text(str(raw))


def _cell_value(raw: int | float | Decimal, max_value) -> Decimal:
    """A spreadsheet's int, float or Decimal: finite, and at most 10**MAX_TEXT_LENGTH in size."""
    if (isinstance(raw, float) and not math.isfinite(raw)) or (isinstance(raw, Decimal) and not raw.is_finite()):
        raise NumberError(_("Không phải là số."))
    if abs(raw) > 10**MAX_TEXT_LENGTH:
        raise _too_large(max_value)
    if isinstance(raw, float):
        # repr() of a float is short and exact enough: 0.1 stays 0.1, not 0.1000000000000000055…
        return Decimal(repr(raw))
    return Decimal(raw)


def _check_range(number: Decimal, *, min_value, max_value) -> None:
    if number < 0 and min_value >= 0:
        raise NumberError(_("Không được là số âm."))
    if number < min_value:
        raise NumberError(_("Không được nhỏ hơn %(min)s.") % {"min": _shown(min_value)})
    if number > max_value:
        raise _too_large(max_value)


def _with_places(number: Decimal, decimal_places: int) -> int | Decimal:
    """An int when no decimals are allowed, else the Decimal quantized to ``decimal_places``."""
    # The magnitude is bounded above, so normalising and quantizing are cheap.
    fraction = number - number.to_integral_value()
    if decimal_places == 0:
        if fraction:
            raise NumberError(_("Phải là số nguyên, không có phần thập phân."))
        return int(number)
    if number != number.quantize(Decimal(1).scaleb(-decimal_places)):
        raise NumberError(_("Tối đa %(places)s chữ số sau dấu phẩy thập phân.") % {"places": decimal_places})
    return number.quantize(Decimal(1).scaleb(-decimal_places))


def _parse_text(text: str) -> Decimal | None:
    text = text.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise NumberError(_("Quá dài: một số có tối đa %(max)s ký tự.") % {"max": MAX_TEXT_LENGTH})
    text = _SPACES.sub("", text)
    if text == "":
        return None
    match = _GROUPED.fullmatch(text) or _PLAIN.fullmatch(text)
    if match is None:
        raise NumberError(_("Không phải là số."))
    sign, whole, fraction = match.groups()
    # Only digits reach Decimal, at most MAX_TEXT_LENGTH of them: no exponent, no "nan".
    return Decimal(f"{sign}{whole.replace('.', '')}.{fraction or '0'}")


def _shown(number) -> str:
    if isinstance(number, int) or number == number.to_integral_value():
        return grouped(int(number))
    return grouped(int(number)) + "," + str(number).split(".")[1]


def _too_large(max_value) -> NumberError:
    return NumberError(_("Số quá lớn: tối đa %(max)s.") % {"max": _shown(max_value)})


class NumberField(forms.CharField):
    """A form field read with ``parse_number``: "2,5" and "1.500" the Vietnamese way, bounded.

    A text input (not ``type=number``, whose browsers reject the decimal comma).
    """

    def __init__(self, *, max_value, min_value=0, decimal_places=0, **kwargs):
        self.number_range = {"max_value": max_value, "min_value": min_value, "decimal_places": decimal_places}
        super().__init__(**kwargs)
        # Not CharField's max_length: its validator would run on the parsed number.
        self.widget.attrs.update(maxlength=str(MAX_TEXT_LENGTH), inputmode="decimal" if decimal_places else "numeric")

    def to_python(self, value):
        if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
            raise ValidationError(_("Quá dài: một số có tối đa %(max)s ký tự.") % {"max": MAX_TEXT_LENGTH})
        text = super().to_python(value)
        try:
            return parse_number(text if text != "" else None, **self.number_range)
        except NumberError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        return value
