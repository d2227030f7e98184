from exports.report_data import report_data
from pccc.periods import Period


def test_the_meeting_report_has_the_indicators_with_targets_and_gaps(tree, programme, chip_ids, put_value, put_target):
    put_value(chip_ids, tree.hanoi, "2026-07", 1_400_000, 1_522_843)
    put_value(chip_ids, tree.hanoi, "2026-08", 1_500_000, 1_522_843)
    put_value(chip_ids, tree.hanoi, "2026-10", 1_510_000, 1_522_843)  # after the quarter: not this report's
    put_target(chip_ids, None, "100")
    data = report_data(programme=programme, unit=tree.hanoi, period=Period.parse("2026-Q3"))
    caption, _headers, rows = next(t for t in data.sections[0].tables if t[0].startswith("5."))
    assert caption == "5. Kết quả thực hiện các chỉ tiêu (kỳ tháng 8/2026)"
    assert rows == [
        # July 1.400.000/1.522.843 = 91,93% → August 98,50%: +6,57 points.
        ("CT1. Tỷ lệ công dân được cấp CCCD gắn chip", "98,5%", "100%", "Chưa đạt", "còn thiếu 22.843 người",
         "+6,57 điểm %"),
    ]  # fmt: skip


def test_the_report_leaves_the_table_out_without_figures(tree, programme, chip_ids):
    data = report_data(programme=programme, unit=tree.hanoi, period=Period.parse("2026-Q3"))
    assert not any(t[0].startswith("5.") for t in data.sections[0].tables)
