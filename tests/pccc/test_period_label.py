"""Issue 19 item 8: periods written as officials write them, from one function (pccc.periods.period_label)."""

import pytest

from pccc.periods import Period, period_label, period_span_label, sheet_title


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2026-11", "Tháng 11/2026"),
        ("2026-03", "Tháng 3/2026"),
        ("2026-Q4", "Quý IV/2026"),
        ("2026-H1", "6 tháng đầu năm 2026"),
        ("2026-H2", "6 tháng cuối năm 2026"),
        ("2026", "Năm 2026"),
    ],
)
def test_each_kind_of_period_reads_as_officials_write_it(key, label):
    assert period_label(key) == label
    assert period_label(Period.parse(key)) == label


def test_in_a_sentence_the_first_letter_is_lower_case():
    assert period_label("2026-Q4", in_sentence=True) == "quý IV/2026"


def test_a_span_names_both_ends_only_when_they_differ():
    assert period_span_label("2026-10", "2026-11") == "Tháng 10/2026 – Tháng 11/2026"
    assert period_span_label("2026-11", "2026-11") == "Tháng 11/2026"


def test_a_spreadsheet_tab_has_no_slash():
    assert sheet_title("2026-11") == "Tháng 11-2026"


def test_text_that_is_not_a_period_is_left_as_given():
    assert period_label("kỳ lạ") == "kỳ lạ"
