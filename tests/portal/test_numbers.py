"""The one parser of typed numbers: Vietnamese separators, no exponent, bounded work and range."""

import time
from decimal import Decimal

import pytest

from inputs.numbers import NumberError, NumberField, parse_number

BIG = 10**15 - 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.500", 1500),
        ("1.500.000", 1_500_000),
        ("1 500", 1500),
        ("\u00a07\u00a0", 7),
        ("12", 12),
        ("5,0", 5),
        (12, 12),
        (12.0, 12),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_whole_numbers_are_read_the_vietnamese_way(raw, expected):
    assert parse_number(raw, max_value=BIG) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2,5", Decimal("2.50")), ("1.5", Decimal("1.50")), ("1.500,25", Decimal("1500.25")), (0.1, Decimal("0.10"))],
)
def test_decimals_take_the_comma_or_a_lone_dot(raw, expected):
    assert parse_number(raw, max_value=Decimal("9999.99"), decimal_places=2) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1e1000000", "Không phải là số."),
        ("1E5", "Không phải là số."),
        ("inf", "Không phải là số."),
        ("NaN", "Không phải là số."),
        ("0x10", "Không phải là số."),
        ("1,500.5", "Không phải là số."),
        ("١٢", "Không phải là số."),
        (True, "Không phải là số."),
        (float("nan"), "Không phải là số."),
        (float("inf"), "Không phải là số."),
        ("-1", "Không được là số âm."),
        (-3, "Không được là số âm."),
        ("1.5", "Phải là số nguyên, không có phần thập phân."),
        ("0,5", "Phải là số nguyên, không có phần thập phân."),
        ("9" * 20, "Số quá lớn: tối đa 999.999.999.999.999."),
        (10**30, "Số quá lớn: tối đa 999.999.999.999.999."),
        (10**400, "Số quá lớn: tối đa 999.999.999.999.999."),
        (1e300, "Số quá lớn: tối đa 999.999.999.999.999."),
        ("9" * 41, "Quá dài: một số có tối đa 40 ký tự."),
    ],
)
def test_anything_else_gets_a_vietnamese_message(raw, message):
    with pytest.raises(NumberError) as excinfo:
        parse_number(raw, max_value=BIG)
    assert str(excinfo.value) == message


def test_more_decimals_than_the_field_keeps_are_refused():
    with pytest.raises(NumberError, match="Tối đa 2 chữ số sau dấu phẩy thập phân"):
        parse_number("2,555", max_value=Decimal("9999.99"), decimal_places=2)


@pytest.mark.parametrize("raw", ["1e1000000", "9" * 4000, "1" + "0" * 39, "1.000" * 8, "9," + "9" * 38])
def test_hostile_text_costs_no_time(raw):
    started = time.perf_counter()
    with pytest.raises(NumberError):
        parse_number(raw, max_value=BIG)
    assert time.perf_counter() - started < 0.05


def test_the_form_field_gives_the_message_as_a_form_error():
    field = NumberField(max_value=Decimal("9999.99"), decimal_places=2)
    assert field.clean("2,5") == Decimal("2.50")
    with pytest.raises(Exception) as excinfo:
        field.clean("1e1000000")
    assert excinfo.value.messages == ["Không phải là số."]
