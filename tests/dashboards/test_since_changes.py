"""'Thay đổi từ ngày …': tasks newly done, overdue and blocked between two days, and the units that moved most.

Worked by hand on three Hà Nội wards between 20/11 and 27/11/2026 (every task weighs 1):

- Hoàn Kiếm: A in progress 50% (10/11) then done (25/11); B done (15/11); C reported done on 25/11,
  not verified (still 0%, not done). 20/11: (50 + 100 + 0) / 3 = 50,00%; 27/11: 200 / 3 = 66,67%.
- Ba Đình: D deadline 24/11, no report (overdue from 24/11); E deadline 10/11 (overdue on both days);
  F deadline 10/11, done late on 26/11. 20/11: 0%; 27/11: 100 / 3 = 33,33%.
- Sóc Sơn: G 40% in progress (05/11) then blocked (22/11); H blocked since 05/11 at 10%; I assigned on
  22/11 with deadline 25/11, no report. 20/11: (40 + 10) / 2 = 25,00%; 27/11: 50 / 3 = 16,67%.
- Hồng Bàng (Hải Phòng): J done on 25/11: another province, never counted for Hà Nội.

Newly done: A, F (F late) = 2; newly overdue: D, I = 2 (E was overdue already, F is done);
newly blocked: G = 1 (H was blocked already). Hà Nội: 20/11 200 / 8 = 25,00%, 27/11 350 / 9 = 38,89%.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.models import CompletionSnapshot
from dashboards.selectors import MOVERS_SHOWN, changes_since
from dashboards.services import snapshot_rebuild
from dashboards.warm import warm_changes_since, warm_ranking_sections
from tasks.choices import BlockReason, TaskStatus, UpdateKind
from tasks.models import ProgressUpdate, Task
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

SINCE, UNTIL = datetime.date(2026, 11, 20), datetime.date(2026, 11, 27)


def day(d: int) -> datetime.date:
    return datetime.date(2026, 11, d)


@pytest.fixture
def week(tree, make_task, report):
    def finish(task, on, status=TaskStatus.DONE):
        report(task, percent=100, status=status, on=on)
        report(task, percent=100, status=status, kind=UpdateKind.VERIFIED, on=on)

    a = make_task(unit=tree.hoankiem, title="A")
    report(a, percent=50, status=TaskStatus.IN_PROGRESS, on=day(10))
    finish(a, day(25))
    finish(make_task(unit=tree.hoankiem, title="B"), day(15))
    report(make_task(unit=tree.hoankiem, title="C"), percent=100, status=TaskStatus.DONE, on=day(25))

    make_task(unit=tree.badinh, title="D", deadline=day(24))
    make_task(unit=tree.badinh, title="E", deadline=day(10))
    finish(make_task(unit=tree.badinh, title="F", deadline=day(10)), day(26), status=TaskStatus.DONE_LATE)

    g = make_task(unit=tree.soctson, title="G")
    report(g, percent=40, status=TaskStatus.IN_PROGRESS, on=day(5))
    report(g, percent=40, status=TaskStatus.BLOCKED, reason=BlockReason.FUNDING, on=day(22))
    report(make_task(unit=tree.soctson, title="H"), percent=10, status=TaskStatus.BLOCKED, reason=BlockReason.LEGAL,
           on=day(5))  # fmt: skip
    make_task(unit=tree.soctson, title="I", start_date=day(22), deadline=day(25))

    finish(make_task(unit=tree.hongbang, title="J"), day(25))
    for on in (SINCE, UNTIL):
        snapshot_rebuild(as_of=on)


def test_snapshots_of_the_worked_example_are_as_computed_by_hand(programme, tree, week):
    """The movers read these rows: check them against the hand computation first."""
    figures = {
        (s.unit.code if s.unit else None, s.date): s.weighted_completion
        for s in CompletionSnapshot.objects.filter(programme=programme).select_related("unit")
    }
    assert figures[("00070", SINCE)] == Decimal("50.00") and figures[("00070", UNTIL)] == Decimal("66.67")
    assert figures[("00004", SINCE)] == Decimal("0.00") and figures[("00004", UNTIL)] == Decimal("33.33")
    assert figures[("08974", SINCE)] == Decimal("25.00") and figures[("08974", UNTIL)] == Decimal("16.67")
    assert figures[("01", SINCE)] == Decimal("25.00") and figures[("01", UNTIL)] == Decimal("38.89")


def test_newly_completed_counts_tasks_done_on_the_later_day_only(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert changes.newly_completed == 2  # A and F; B was done already, C is not verified, J is Hải Phòng's
    assert changes.newly_completed_late == 1  # F


def test_newly_overdue_counts_deadlines_passed_between_the_days(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert changes.newly_overdue == 2  # D (deadline 24/11) and I (assigned 22/11, deadline 25/11)


def test_newly_blocked_counts_tasks_blocked_on_the_later_day_only(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert changes.newly_blocked == 1  # G; H was blocked already


def test_movers_are_child_units_up_and_down_between_the_two_snapshots(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert [(m.unit.code, m.change) for m in changes.risers] == [
        ("00004", Decimal("33.33")), ("00070", Decimal("16.67")),
    ]  # fmt: skip
    assert [(m.unit.code, m.change) for m in changes.fallers] == [("08974", Decimal("-8.33"))]
    assert (changes.scope_before, changes.scope_after) == (Decimal("25.00"), Decimal("38.89"))


def test_a_ward_sees_only_its_own_tasks_and_no_movers(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.badinh, until=UNTIL, since=SINCE)
    assert (changes.newly_completed, changes.newly_overdue, changes.newly_blocked) == (1, 1, 0)  # F; D
    assert changes.risers == changes.fallers == []
    assert (changes.scope_before, changes.scope_after) == (Decimal("0.00"), Decimal("33.33"))


def test_the_national_view_counts_every_province(programme, tree, week):
    changes = changes_since(programme=programme, unit=None, until=UNTIL, since=SINCE)
    assert changes.newly_completed == 3  # A, F and Hải Phòng's J
    assert {m.unit.code for m in changes.risers} == {"01", "31"}


def test_reports_entered_after_the_figures_were_computed_are_left_out(programme, tree, week, report):
    """Counts agree with the snapshot beside them: a report typed after its run waits for the next one."""
    computed_at = CompletionSnapshot.objects.get(programme=programme, unit=tree.hanoi, date=UNTIL).computed_at
    late = report(Task.objects.get(title="E"), percent=100, status=TaskStatus.DONE_LATE, kind=UpdateKind.VERIFIED,
                  on=UNTIL)  # fmt: skip
    ProgressUpdate.objects.filter(pk=late.pk).update(created_at=computed_at + datetime.timedelta(minutes=5))
    known = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE, known_at=computed_at)
    everything = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert (known.newly_completed, everything.newly_completed) == (2, 3)


def test_links_open_the_task_list_of_the_scope_with_the_closest_filter(programme, tree, week):
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    common = f"scope=unit&programme={programme.pk}&unit=01"
    assert changes.completed_url == f"/nhiem-vu/?{common}&status=hoan_thanh"
    assert changes.completed_late_url == f"/nhiem-vu/?{common}&status=hoan_thanh_qua_han"
    assert changes.overdue_url == f"/nhiem-vu/?{common}&overdue=on"
    assert changes.blocked_url == f"/nhiem-vu/?{common}&status=vuong_mac"


def test_only_the_five_biggest_movers_each_way(programme, tree, make_task, report):
    """Seven wards: six go up by 10..60 points, one goes down by 10; the top five risers, the one faller."""
    for i, (before, after) in enumerate([(0, 10), (0, 20), (0, 30), (0, 40), (0, 50), (0, 60), (30, 20)]):
        task = make_task(unit=make_unit(f"7{i:04d}", f"Phường Thử {i}", parent=tree.hanoi))
        report(task, percent=before, status=TaskStatus.IN_PROGRESS, on=day(10))
        report(task, percent=after, status=TaskStatus.IN_PROGRESS, on=day(25))
    for on in (SINCE, UNTIL):
        snapshot_rebuild(as_of=on)
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert MOVERS_SHOWN == 5
    assert [m.change for m in changes.risers] == [Decimal(n) for n in ("60.00", "50.00", "40.00", "30.00", "20.00")]
    assert [m.unit.name for m in changes.fallers] == ["Phường Thử 6"]
    assert changes.units_compared == 7


def test_deadline_boundaries_and_an_update_that_changes_nothing(programme, tree, make_task, report):
    """Only tasks that may have changed are looked at (``_may_have_changed``): check its edges. Due on
    ``since`` itself: not overdue then (overdue means the deadline is before the day), overdue on
    ``until``. Due on ``until``: overdue on neither. Reported again in between with the same status:
    nothing new. Blocked long before, untouched since: nothing new."""
    make_task(unit=tree.hoankiem, title="due on since", deadline=SINCE)
    make_task(unit=tree.hoankiem, title="due on until", deadline=UNTIL)
    same = make_task(unit=tree.hoankiem, title="same status")
    report(same, percent=10, status=TaskStatus.IN_PROGRESS, on=day(5))
    report(same, percent=30, status=TaskStatus.IN_PROGRESS, on=day(23))
    report(make_task(unit=tree.hoankiem, title="blocked"), percent=0, status=TaskStatus.BLOCKED,
           reason=BlockReason.LEGAL, on=day(1))  # fmt: skip
    changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert (changes.newly_completed, changes.newly_overdue, changes.newly_blocked) == (0, 1, 0)


def test_a_fixed_number_of_queries_whatever_the_number_of_tasks_and_units(programme, tree, week, make_task, report):
    with CaptureQueriesContext(connection) as small:
        changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    for i in range(30):
        task = make_task(unit=make_unit(f"6{i:04d}", f"Xã Thêm {i}", parent=tree.hanoi))
        report(task, percent=i, status=TaskStatus.IN_PROGRESS, on=day(21))
    for on in (SINCE, UNTIL):
        snapshot_rebuild(as_of=on)
    with CaptureQueriesContext(connection) as large:
        changes = changes_since(programme=programme, unit=tree.hanoi, until=UNTIL, since=SINCE)
    assert len(small.captured_queries) == len(large.captured_queries) == 2
    assert changes.units_compared == 33


# --- On the dashboard ---------------------------------------------------------------------------


def dashboard(client, programme, code="01", **params):
    return client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, code]), params)


def test_the_dashboard_compares_with_the_previous_snapshot_by_default(client, users, programme, week):
    client.force_login(users.leader_hanoi)
    response = dashboard(client, programme, ngay=UNTIL.isoformat())
    html = response.content.decode()
    assert "Thay đổi từ ngày 20/11/2026 đến ngày 27/11/2026" in html
    since = response.context["since"]
    assert (since.newly_completed, since.newly_overdue, since.newly_blocked) == (2, 2, 1)
    assert f'href="/nhiem-vu/?scope=unit&amp;programme={programme.pk}&amp;unit=01&amp;overdue=on"' in html
    movers = html[html.index('id="since-movers"') :]
    assert movers.index("Phường Ba Đình") < movers.index("Phường Hoàn Kiếm") < movers.index("Xã Sóc Sơn")


def test_a_chosen_day_without_snapshot_still_counts_tasks_from_their_reports(client, users, programme, week):
    """Between 25/11 and 27/11: F done (A was done on 25/11), I overdue (D was overdue on 25/11), none blocked."""
    client.force_login(users.leader_hanoi)
    response = dashboard(client, programme, ngay=UNTIL.isoformat(), **{"so-voi": "2026-11-25"})
    since = response.context["since"]
    assert (since.since, since.newly_completed, since.newly_overdue, since.newly_blocked) == (day(25), 1, 1, 0)
    assert "Chưa có số liệu tổng hợp ngày 25/11/2026 của các đơn vị trực thuộc" in response.content.decode()


def test_a_comparison_day_after_the_shown_day_is_refused_with_a_message(client, users, programme, week):
    client.force_login(users.leader_hanoi)
    response = dashboard(client, programme, ngay=UNTIL.isoformat(), **{"so-voi": "2026-11-28"})
    assert "Ngày so sánh phải trước ngày số liệu đang xem (27/11/2026)" in response.content.decode()
    assert response.context["since"].since == SINCE


def test_a_ward_officer_sees_the_changes_of_their_ward_only(client, users, programme, week):
    client.force_login(users.officer_hoankiem)
    since = dashboard(client, programme, "00070", ngay=UNTIL.isoformat()).context["since"]
    assert (since.newly_completed, since.newly_overdue, since.newly_blocked) == (1, 0, 0)  # A
    assert dashboard(client, programme, "01", ngay=UNTIL.isoformat()).status_code == 404


def test_no_comparison_on_the_first_day_of_figures(client, users, programme, tree, make_task):
    make_task(unit=tree.hoankiem)
    snapshot_rebuild(as_of=UNTIL)
    client.force_login(users.leader_hanoi)
    response = dashboard(client, programme, ngay=UNTIL.isoformat())
    assert response.context["since"] is None
    assert 'id="since"' not in response.content.decode()


def _page_queries(client, programme) -> tuple[int, object]:
    """The latest page (27/11's figures), as the first viewer of the morning opens it."""
    with CaptureQueriesContext(connection) as queries:
        response = dashboard(client, programme)
    return len(queries), response


def _without_tokens(html: str) -> str:
    return re.sub(r'(value|nonce|content)="[A-Za-z0-9+/=_-]{20,}"', "", html)


def test_the_nightly_warm_up_leaves_each_provinces_changes_ready_for_its_first_viewer(client, users, programme, week):
    """The first leader of the morning does not wait for the two queries of the comparison (10–20 ms of
    SQL for a province on the national dataset): the run computed them, with the same key and figures."""
    client.force_login(users.leader_hanoi)
    cache.clear()
    cold_queries, cold = _page_queries(client, programme)
    cache.clear()
    warmed = warm_changes_since(UNTIL)
    scopes = set(CompletionSnapshot.objects.filter(date=UNTIL, unit__level=1).values_list("scope_path", flat=True))
    assert warmed == len(scopes) + 1  # each province with figures, and the national scope
    warm_queries, warm = _page_queries(client, programme)
    assert warm_queries == cold_queries - 2
    since = warm.context["since"]
    assert (since.newly_completed, since.newly_overdue, since.newly_blocked) == (2, 2, 1)
    assert _without_tokens(warm.content.decode()) == _without_tokens(cold.content.decode())


def test_the_nightly_warm_up_leaves_the_ranking_and_map_ready(client, users, programme, week):
    """The ranking's three queries and its render are done by the run, through the page's own include:
    the page the leader gets is the page they would have got."""
    client.force_login(users.leader_hanoi)
    cache.clear()
    cold_queries, cold = _page_queries(client, programme)
    assert 'id="ranking-table"' in cold.content.decode()
    cache.clear()
    assert warm_ranking_sections(UNTIL) == len(
        CompletionSnapshot.objects.filter(date=UNTIL).filter(Q(unit__level=1) | Q(unit__isnull=True))
    )
    warm_queries, warm = _page_queries(client, programme)
    assert warm_queries == cold_queries - 3
    assert _without_tokens(warm.content.decode()) == _without_tokens(cold.content.decode())


def test_a_past_day_page_never_shows_the_latest_pages_ranking_links(client, users, programme, week):
    """The fragment's links carry ?ngay= on a past day's page: the two are stored apart."""
    client.force_login(users.leader_hanoi)
    cache.clear()
    warm_ranking_sections(UNTIL)
    html = dashboard(client, programme, ngay=UNTIL.isoformat()).content.decode()
    ranking = html[html.index('id="ranking"') :]
    assert f"sap_xep=ten&amp;ngay={UNTIL.isoformat()}" in ranking


def _scheduled_run(day):
    from dashboards.jobs import recompute_progress_job

    recompute_progress_job.delay(as_of=day.isoformat()).get()


def _command_run(day):
    from django.core.management import call_command

    call_command("recompute_progress", "--date", day.isoformat(), verbosity=0)


@pytest.mark.parametrize("run", [_scheduled_run, _command_run], ids=["celery job", "command"])
def test_a_nightly_run_warms_the_dashboards_after_it(client, users, programme, week, run):
    client.force_login(users.leader_hanoi)
    cache.clear()
    cold_queries, _ = _page_queries(client, programme)
    cache.clear()
    run(UNTIL)
    warm_queries, warm = _page_queries(client, programme)
    assert warm_queries == cold_queries - 5
    assert warm.context["since"].since == SINCE


def test_recomputing_a_past_day_warms_nothing_the_pages_do_not_show(programme, week, django_assert_num_queries):
    """The latest pages show 27/11: after a rerun of 20/11, one query finds that and nothing is rendered
    (its fragments would be stored under keys no page looks up)."""
    from dashboards.warm import warm_dashboards

    with django_assert_num_queries(1):
        warm_dashboards(SINCE)


def test_a_failed_warm_up_leaves_the_run_successful(programme, week, monkeypatch, caplog):
    """Warming only saves the first viewer a wait: its failure is logged, the night's figures stand."""
    from dashboards.choices import RunOutcome
    from dashboards.jobs import recompute_progress_job

    def broken(as_of):
        raise RuntimeError("Redis đầy")

    monkeypatch.setattr("dashboards.warm.warm_changes_since", broken)
    result = recompute_progress_job.delay(as_of=UNTIL.isoformat()).get()
    assert result["outcome"] == RunOutcome.SUCCESS
    assert "Warming the dashboards" in caplog.text
