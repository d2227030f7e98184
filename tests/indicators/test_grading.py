"""Grading [xếp loại]: a weighted score of task completion and indicators met, in bands; the
published formula is the one computed."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from dashboards.models import CompletionSnapshot
from indicators.models import GradingRule
from indicators.selectors import graded_rows, indicator_board
from pccc.periods import Period


def snapshot(programme, unit, completion, day=datetime.date(2026, 12, 1)):
    counts = dict.fromkeys(
        ["tasks_total", "tasks_done", "tasks_done_late", "tasks_in_progress", "tasks_not_started", "tasks_blocked",
         "tasks_overdue", "tasks_awaiting_verification"], 0,
    )  # fmt: skip
    CompletionSnapshot.objects.create(
        programme=programme, unit=unit, scope_path=unit.path, date=day, weighted_completion=Decimal(completion),
        completion=Decimal(completion), computed_at=timezone.now(), **counts,
    )  # fmt: skip


def test_child_units_are_graded_and_ranked_by_the_weighted_score(
    tree, programme, chip_ids, security_models, put_value, put_target
):
    for indicator in (chip_ids, security_models):
        indicator.level = 3
        indicator.save()
    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    put_target(chip_ids, None, "90")
    put_target(security_models, None, "10")
    put_value(chip_ids, tree.hoankiem, "2026-11", 95, 100)  # met
    put_value(security_models, tree.hoankiem, "2026-11", 5)  # not met
    put_value(chip_ids, tree.badinh, "2026-11", 90, 100)  # met
    put_value(security_models, tree.badinh, "2026-11", 10)  # met
    snapshot(programme, tree.hoankiem, "80", day=datetime.date(2026, 11, 30))  # an older run: not read
    snapshot(programme, tree.hoankiem, "80")
    snapshot(programme, tree.badinh, "100")
    board = indicator_board(programme=programme, unit=tree.hanoi, period=Period.parse("2026-11"))
    _rule, graded = graded_rows(board)
    # Ba Đình (2 × 100 + 100) / 3 = 100 → A; Hoàn Kiếm (2 × 80 + 50) / 3 = 70 → C; Sóc Sơn nothing → 0, D.
    assert [(g.row.unit["code"], g.score, g.grade) for g in graded] == [
        ("00004", Decimal("100.00"), "A"),
        ("00070", Decimal("70.00"), "C"),
        ("08974", Decimal("0.00"), "D"),
    ]


def _from_published_text(text: str, task_completion, met_share):
    """Compute the score and grade by reading only the published formula."""
    wt, wi, total = (int(x) for x in re.search(r"\((\d+) × .* \+ (\d+) × .*\) / (\d+)", text).groups())
    a, b, c = (int(x) for x in re.search(r"loại A từ (\d+) điểm, loại B từ (\d+), loại C từ (\d+)", text).groups())
    score = ((wt * Decimal(task_completion) + wi * Decimal(met_share)) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)
    grade = "A" if score >= a else "B" if score >= b else "C" if score >= c else "D"
    return score, grade


@pytest.mark.parametrize(("weights", "bands"), [((1, 1), (90, 75, 50)), ((3, 2), (85, 70, 40)), ((0, 1), (95, 80, 60))])
def test_the_published_formula_is_the_one_computed(programme, weights, bands):
    rule = GradingRule(programme=programme, weight_tasks=weights[0], weight_indicators=weights[1],
                       band_a=bands[0], band_b=bands[1], band_c=bands[2])  # fmt: skip
    text = rule.formula_text()
    for tasks in (0, 33, 49.99, 74.5, 80, 100):
        for share in (0, 50, 66.67, 100):
            score = rule.score(task_completion=Decimal(str(tasks)), indicators_met_share=Decimal(str(share)))
            assert (score, rule.grade(score)) == _from_published_text(text, str(tasks), str(share))


def test_the_unit_page_publishes_the_formula_beside_the_grades(client, users, tree, programme, chip_ids, put_value):
    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    put_value(chip_ids, tree.hoankiem, "2026-11", 95, 100)
    client.force_login(users.leader_hanoi)
    html = client.get(f"/chi-tieu/{programme.pk}/01/").content.decode()
    assert "Điểm = (2 × tỷ lệ hoàn thành nhiệm vụ + 1 × tỷ lệ chỉ tiêu đạt) / 3" in html
    assert 'id="grading-table"' in html


@pytest.fixture
def graded_hanoi(tree, programme, chip_ids, security_models, put_value, put_target):
    """Hoàn Kiếm leads on tasks (90%) but meets no indicator; Ba Đình (80%) meets both."""
    from indicators.snapshots import indicator_snapshots_rebuild

    for indicator in (chip_ids, security_models):
        indicator.level = 3
        indicator.save()
    put_target(chip_ids, None, "90")
    put_target(security_models, None, "10")
    put_value(chip_ids, tree.hoankiem, "2026-11", 85, 100)  # not met
    put_value(security_models, tree.hoankiem, "2026-11", 5)  # not met
    put_value(chip_ids, tree.badinh, "2026-11", 90, 100)  # met
    put_value(security_models, tree.badinh, "2026-11", 10)  # met
    snapshot(programme, tree.hanoi, "85")
    snapshot(programme, tree.hoankiem, "90")
    snapshot(programme, tree.badinh, "80")
    indicator_snapshots_rebuild()
    return tree


def ranking_rows(html: str) -> list[tuple[str, str, str]]:
    table = html[html.index('id="ranking-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'data-unit="(\d+)".*?ranking-grade">Loại (\w)</span>\s*<span[^>]*>([\d,]+)</span>', table, re.S)


def test_the_dashboard_ranks_by_the_grading_score_when_the_programme_has_a_rule(client, users, programme, graded_hanoi):
    client.force_login(users.leader_hanoi)
    url = f"/bang-dieu-khien/{programme.pk}/01/"
    assert [code for code, *_ in ranking_rows(client.get(url).content.decode())] == []  # no rule: no grades
    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    from django.core.cache import cache

    cache.clear()  # the ranking's HTML is cached until the next run
    html = client.get(url).content.decode()
    # Ba Đình (2 × 80 + 100) / 3 = 86,67 → B; Hoàn Kiếm (2 × 90 + 0) / 3 = 60 → C; Sóc Sơn nothing → 0, D.
    assert ranking_rows(html) == [("00004", "B", "86,67"), ("00070", "C", "60,00"), ("08974", "D", "0,00")]
    assert "Điểm = (2 × tỷ lệ hoàn thành nhiệm vụ + 1 × tỷ lệ chỉ tiêu đạt) / 3" in html


def test_the_ranking_grades_agree_with_the_live_grading(programme, graded_hanoi):
    from dashboards.selectors import dashboard

    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    ranking = dashboard(programme=programme, unit=graded_hanoi.hanoi).ranking
    _rule, live = graded_rows(indicator_board(programme=programme, unit=graded_hanoi.hanoi))
    assert [(r.unit.code, r.graded.score, r.graded.grade) for r in ranking] == [
        (g.row.unit["code"], g.score, g.grade) for g in live
    ]


def test_a_graded_ranking_keeps_the_dashboard_query_budget(
    client, users, programme, graded_hanoi, django_assert_max_num_queries
):
    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    client.force_login(users.leader_hanoi)
    with django_assert_max_num_queries(21):  # as tests/dashboards/test_views.py, the rule's grades included
        client.get(f"/bang-dieu-khien/{programme.pk}/01/")


def test_a_graded_ranking_can_still_be_ordered_by_task_completion(client, users, programme, graded_hanoi):
    GradingRule.objects.create(programme=programme, weight_tasks=2, weight_indicators=1)
    client.force_login(users.leader_hanoi)
    html = client.get(f"/bang-dieu-khien/{programme.pk}/01/", {"sap_xep": "tien-do"}).content.decode()
    # Hoàn Kiếm 90% before Ba Đình 80%, each still with its grade.
    assert ranking_rows(html)[:2] == [("00070", "C", "60,00"), ("00004", "B", "86,67")]
