"""Boundaries of the strict number parser that mutation testing found unpinned (docs/testing.md)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from inputs.numbers import MAX_TEXT_LENGTH, NumberError, decimal_field_range, grouped, parse_number

HUGE = 10**41


def message(raw, **bounds) -> str:
    with pytest.raises(NumberError) as error:
        parse_number(raw, **bounds)
    return str(error.value)


def test_an_integer_cell_up_to_ten_to_the_fortieth_is_read_then_bounded():
    assert parse_number(10**MAX_TEXT_LENGTH, max_value=HUGE) == 10**MAX_TEXT_LENGTH
    assert parse_number(1500, max_value=HUGE) == 1500
    assert message(10**MAX_TEXT_LENGTH + 1, max_value=HUGE) == f"Số quá lớn: tối đa {grouped(HUGE)}."


def test_a_float_cell_past_ten_to_the_fortieth_is_too_large_before_any_conversion():
    assert parse_number(500.0, max_value=1000) == 500
    assert parse_number(1e39, max_value=HUGE) == int(Decimal(repr(1e39)))
    assert message(2e40, max_value=HUGE) == f"Số quá lớn: tối đa {grouped(HUGE)}."


def test_a_decimal_value_is_kept_and_checked_like_the_others():
    assert parse_number(Decimal("2.5"), max_value=10, decimal_places=1) == Decimal("2.5")
    assert parse_number(Decimal(10) ** MAX_TEXT_LENGTH, max_value=HUGE) == 10**MAX_TEXT_LENGTH
    assert message(Decimal("NaN"), max_value=10) == "Không phải là số."
    assert message(Decimal("Infinity"), max_value=10) == "Không phải là số."
    assert message(Decimal(10) ** 41, max_value=HUGE) == f"Số quá lớn: tối đa {grouped(HUGE)}."
    assert message(Decimal(11), max_value=10) == "Số quá lớn: tối đa 10."


def test_a_float_that_is_not_finite_is_not_a_number():
    assert message(float("nan"), max_value=10) == "Không phải là số."
    assert message(True, max_value=10) == "Không phải là số."


def test_the_bounds_themselves_are_accepted():
    assert parse_number(0, max_value=10) == 0
    assert parse_number("0", max_value=10) == 0
    assert parse_number(5, min_value=5, max_value=10) == 5
    assert parse_number(10, max_value=10) == 10
    assert parse_number(Decimal("9999.99"), max_value=Decimal("9999.99"), decimal_places=2) == Decimal("9999.99")


def test_below_the_minimum_and_negative_values_get_their_own_messages():
    assert message(4, min_value=5, max_value=10) == "Không được nhỏ hơn 5."
    assert message(Decimal("-1.5"), min_value=Decimal("-1.25"), max_value=10, decimal_places=2) == (
        "Không được nhỏ hơn -1,25."
    )
    assert message(-1, max_value=10) == "Không được là số âm."
    assert parse_number(-3, min_value=-5, max_value=10) == -3


def test_a_text_of_exactly_the_longest_length_is_read():
    assert parse_number("1" * MAX_TEXT_LENGTH, max_value=HUGE) == int("1" * MAX_TEXT_LENGTH)
    assert message("1" * (MAX_TEXT_LENGTH + 1), max_value=HUGE) == (
        f"Quá dài: một số có tối đa {MAX_TEXT_LENGTH} ký tự."
    )


def test_messages_name_the_bounds_the_vietnamese_way():
    assert message(Decimal("10000"), max_value=Decimal("9999.99"), decimal_places=2) == "Số quá lớn: tối đa 9.999,99."
    assert message(Decimal("1000"), max_value=Decimal("100.00"), decimal_places=2) == "Số quá lớn: tối đa 100."
    assert message("2,5", max_value=10) == "Phải là số nguyên, không có phần thập phân."
    assert message("2,555", max_value=10, decimal_places=2) == "Tối đa 2 chữ số sau dấu phẩy thập phân."
    assert message("abc", max_value=10) == "Không phải là số."


def test_a_decimal_field_gives_its_largest_value_and_places():
    field = SimpleNamespace(max_digits=6, decimal_places=2)
    assert decimal_field_range(field) == {"max_value": Decimal("9999.99"), "decimal_places": 2}
    assert decimal_field_range(SimpleNamespace(max_digits=3, decimal_places=0)) == {
        "max_value": Decimal(999),
        "decimal_places": 0,
    }


def test_grouped_uses_dots_between_thousands():
    assert grouped(1_500_000) == "1.500.000"
    assert grouped(999) == "999"
