import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.choices import RunOutcome
from dashboards.models import CompletionSnapshot, RecomputeRun
from dashboards.services import snapshot_rebuild
from dashboards.templatetags.dashboard_tags import grade
from pccc.choices import Aggregation, Comparator
from pccc.models import Assessment, AssessmentSubmission, CriteriaSet, Criterion
from provinces.choices import UnitLevel
from tasks.choices import BlockReason, TaskStatus
from tasks.models import Task
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    """Read at test time, not at import: a suite that runs across midnight (Vietnam time)
    would otherwise compare yesterday's date with today's data."""
    return timezone.localdate()


def add_pccc_values(tree, users):
    """One criterion: Hoàn Kiếm has no especially serious fire (passes), Ba Đình had one (fails)."""
    criteria_set = CriteriaSet.objects.create(code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC")
    criterion = Criterion.objects.create(
        criteria_set=criteria_set, code="TC4", title="Không để xảy ra cháy đặc biệt nghiêm trọng",
        level=UnitLevel.COMMUNE, comparator=Comparator.EQUALS_ZERO, aggregation=Aggregation.SHARE_PASSING,
    )  # fmt: skip
    period = f"{today():%Y-%m}"
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, unit=tree.hanoi, period=period, entered_by=users.officer_hanoi
    )
    for unit, fires in ((tree.hoankiem, 0), (tree.badinh, 1)):
        Assessment.objects.create(submission=submission, criterion=criterion, unit=unit, period=period, value=fires)


@pytest.fixture
def figures(tree, users, make_task, report, done):
    """Hoàn Kiếm: all done; Ba Đình: one blocked waiting on central guidance, one overdue."""
    for _ in range(2):
        done(make_task(unit=tree.hoankiem), on=today() - datetime.timedelta(days=1))
    blocked = make_task(unit=tree.badinh, title="Kết nối dữ liệu hộ tịch")
    report(blocked, percent=30, status=TaskStatus.BLOCKED, reason=BlockReason.WAITING_CENTRAL, on=today())
    blocked.current_status, blocked.current_block_reason = TaskStatus.BLOCKED, BlockReason.WAITING_CENTRAL
    blocked.save()
    make_task(unit=tree.badinh, title="Cấp tài khoản định danh mức 2", deadline=today() - datetime.timedelta(days=5))
    make_task(unit=tree.hongbang, title="Nhiệm vụ của Hải Phòng")
    add_pccc_values(tree, users)
    for day in (today() - datetime.timedelta(days=7), today()):
        snapshot_rebuild(as_of=day)
    RecomputeRun.objects.create(
        as_of=today(), triggered_by="kiểm thử", started_at=timezone.now(), finished_at=timezone.now(),
        outcome=RunOutcome.SUCCESS,
    )  # fmt: skip


def url(programme, code):
    return reverse("dashboards:unit_dashboard", args=[programme.pk, code])


def test_leader_sees_headline_ranking_and_bottlenecks(client, users, programme, figures):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "01"))
    html = response.content.decode()
    assert response.status_code == 200
    board = response.context["board"]
    assert board.snapshot.tasks_total == 4
    assert board.snapshot.weighted_completion == Decimal("57.50")  # (100 + 100 + 30 + 0) / 4
    assert "57,5%" in html
    assert "Số liệu tính đến" in html
    assert [row.unit.code for row in board.ranking][:2] == ["00070", "00004"]  # best first
    assert "Chờ hướng dẫn của Trung ương" in html
    assert "Cấp tài khoản định danh mức 2" in html
    assert "Hải Phòng" not in html
    assert (board.pccc.units_passing, board.pccc.units_assessed) == (1, 2)
    assert reverse("exports:ranking_xlsx", args=[programme.pk, "01"]) in html
    assert reverse("exports:report") + f"?programme={programme.pk}&amp;unit=01" in html
    assert "1/2" in html


def test_ranking_sorts_by_overdue_and_shows_grades(client, users, programme, figures):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "01"), {"sap_xep": "qua-han"})
    board = response.context["board"]
    assert board.ranking[0].unit.code == "00004"
    assert 'text-bg-success">Tốt</span>' in response.content.decode()
    assert 'text-bg-danger">Yếu</span>' in response.content.decode()
    assert board.ranking[0].overdue == 1
    by_code = {row.unit.code: row for row in board.ranking}
    assert grade(by_code["00070"].completion)[0] == "Tốt"
    assert grade(by_code["00004"].completion)[0] == "Yếu"
    assert by_code["00070"].change_7 == Decimal("100.00")  # done yesterday, nothing a week ago
    assert by_code["00070"].change_30 is None  # no snapshot 30 days ago


def test_drill_down_into_a_ward_with_breadcrumbs(client, users, programme, figures):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "00004"))
    assert response.status_code == 200
    assert [c.code for c in response.context["breadcrumbs"]] == ["01"]
    assert url(programme, "01") in response.content.decode()


def test_other_provinces_and_the_national_view_are_404(client, users, programme, figures):
    client.force_login(users.leader_hanoi)
    assert client.get(url(programme, "31")).status_code == 404
    assert client.get(url(programme, "11296")).status_code == 404
    assert client.get(url(programme, "toan-quoc")).status_code == 404


def test_national_user_sees_provinces(client, users, programme, figures):
    client.force_login(users.national)
    board = client.get(url(programme, "toan-quoc")).context["board"]
    assert {row.unit.code for row in board.ranking} == {"01", "31"}
    assert board.snapshot.tasks_total == 5


def test_officer_sees_their_unit_dashboard(client, users, programme, figures):
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response.url == url(programme, "01")


def test_stale_figures_are_flagged(client, users, programme, figures):
    CompletionSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(users.leader_hanoi)
    assert "Số liệu đã cũ hơn một ngày" in client.get(url(programme, "01")).content.decode()


def test_every_chart_has_its_numbers_in_a_table(client, users, programme, figures):
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme, "01")).content.decode()
    for chart, table in (
        ("trend-chart", "Xem dạng bảng"),
        ("status-chart", "status-table"),
        ("agency-chart", "agency-table"),
    ):
        assert chart in html and table in html


def test_dashboard_runs_a_fixed_number_of_queries(
    client, users, programme, figures, tree, make_task, django_assert_max_num_queries
):
    client.force_login(users.leader_hanoi)
    # 15; + 2 for "Thay đổi từ ngày …" (tasks' states on the two days, the two days' snapshots);
    # + 1 the notification bell's unread count; + 1 the programme's indicators.
    with django_assert_max_num_queries(
        21
    ):  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        client.get(url(programme, "01"))
    for i in range(40):
        make_task(unit=make_unit(f"8{i:04d}", f"Xã mới {i}", parent=tree.hanoi))
    snapshot_rebuild(as_of=today())
    with (
        django_assert_max_num_queries(21) as captured
    ):  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        response = client.get(url(programme, "01"))
    assert len(response.context["board"].ranking) == 43
    first_count = len(captured.captured_queries)
    with django_assert_max_num_queries(first_count):
        client.get(url(programme, "01"), {"sap_xep": "pccc"})


def test_officer_sees_where_their_tasks_stand(client, users, programme, figures, make_task):
    make_task(unit=users.officer_hanoi.unit, accountable_person=users.coordinator_hanoi)
    Task.objects.exclude(accountable_person=users.coordinator_hanoi).update(accountable_person=users.officer_hanoi)
    Task.objects.filter(accountable_person=users.officer_hanoi).update(current_percent=50)
    client.force_login(users.officer_hanoi)
    response = client.get(url(programme, "01"))
    standing = response.context["board"].standing
    assert (standing.tasks, standing.completion, standing.rank, standing.people) == (4, Decimal("50.0"), 1, 2)
    assert "xếp thứ <strong>1/2</strong>" in response.content.decode()


def test_cached_ranking_is_replaced_by_the_next_run(client, users, programme, figures, tree, report):
    client.force_login(users.leader_hanoi)
    before = client.get(url(programme, "01")).content.decode()
    assert 'data-unit="00004"' in before
    blocked = Task.objects.get(title="Kết nối dữ liệu hộ tịch")
    report(blocked, percent=90, status=TaskStatus.IN_PROGRESS, on=today())
    snapshot_rebuild(as_of=today())

    html = client.get(url(programme, "01")).content.decode()
    row = html[html.index('data-unit="00004"') :][:1500]
    assert "45,0%" in row  # Ba Đình: (90 + 0) / 2, no longer the cached 15,0%


def test_live_figures_are_shared_for_a_minute(client, users, programme, figures, django_assert_max_num_queries):
    client.force_login(users.leader_hanoi)
    client.get(url(programme, "01"))
    with django_assert_max_num_queries(12):
        client.get(url(programme, "01"))


def test_a_reload_within_a_minute_reuses_the_viewers_page(
    client, users, programme, figures, django_assert_max_num_queries
):
    client.force_login(users.leader_hanoi)
    first = client.get(url(programme, "01")).content
    # The session, the user and the bell's unread count; no scope or figure query.
    with django_assert_max_num_queries(3):
        again = client.get(url(programme, "01")).content
    assert again == first
    other = client.__class__()
    other.force_login(users.officer_hanoi)
    response = other.get(url(programme, "01"))
    assert response.context is not None  # rendered for the officer, not the leader's cached page


def test_a_reload_after_reading_the_notifications_shows_the_bell_as_it_is_now(client, users, programme, figures):
    from notifications.models import Notification

    Notification.objects.create(
        recipient=users.leader_hanoi, event="qua_han", object_key="task:1", title="Nhiệm vụ quá hạn", day=today()
    )
    client.force_login(users.leader_hanoi)
    assert 'data-testid="notification-unread">1<' in client.get(url(programme, "01")).content.decode()
    Notification.objects.update(read_at=timezone.now())
    assert 'data-testid="notification-unread"' not in client.get(url(programme, "01")).content.decode()


def test_a_viewer_moved_to_another_province_no_longer_gets_the_cached_page(client, users, programme, figures, tree):
    leader = users.leader_hanoi
    client.force_login(leader)
    assert client.get(url(programme, "01")).status_code == 200
    leader.unit = tree.haiphong
    leader.save()
    assert client.get(url(programme, "01")).status_code == 404


def test_the_dashboard_is_computed_from_the_database_when_the_redis_cache_is_unreachable(
    client, users, programme, figures, settings
):
    from portal.settings import redis_cache_config

    settings.CACHES = {"default": redis_cache_config("redis://127.0.0.1:1/0")}  # nothing listens on port 1
    client.force_login(users.leader_hanoi)
    for _ in range(2):
        response = client.get(url(programme, "01"))
        assert response.status_code == 200
        assert 'data-unit="00004"' in response.content.decode()


@pytest.fixture
def many_bottlenecks(tree, programme, make_task):
    """More bottlenecks than any list shows: 45 waiting for central guidance, 13 overdue of the city police."""
    for i in range(45):
        make_task(unit=tree.badinh, title=f"Chờ Trung ương {i:02d}")
    Task.objects.filter(title__startswith="Chờ Trung ương").update(
        current_status=TaskStatus.BLOCKED, current_block_reason=BlockReason.WAITING_CENTRAL
    )
    for i in range(13):
        make_task(unit=tree.hoankiem, title=f"Quá hạn {i:02d}", deadline=today() - datetime.timedelta(days=3))
    snapshot_rebuild(as_of=today())


def test_waiting_for_central_guidance_is_counted_over_every_task_not_a_shortened_list(
    client, users, programme, many_bottlenecks
):
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "01"))
    html = response.content.decode()
    bottlenecks = response.context["board"].bottlenecks
    # The live count heads the bottlenecks' "waiting for central guidance" group (the headline card
    # reads the snapshot, which this fixture's direct UPDATE bypasses: issue 19 item 8, no mixing).
    assert re.search(r'id="waiting-central">.*?Chờ hướng dẫn của Trung ương <span class="badge[^"]*">45</span>', html)
    assert (bottlenecks.total, bottlenecks.overdue, bottlenecks.blocked) == (58, 13, 45)
    waiting = bottlenecks.waiting_central
    assert (waiting.count, len(waiting.tasks)) == (45, 10)
    assert "và 35 nhiệm vụ khác" in html
    (police,) = bottlenecks.by_agency
    assert (police.count, len(police.tasks)) == (13, 10)
    assert "và 3 nhiệm vụ khác" in html
    agency_table = html[html.index('id="agency-table"') :][:1500]
    assert '<span class="text-danger fw-semibold">13</span>' in agency_table  # overdue, over every task


def test_the_more_links_open_the_full_filtered_task_list(client, users, programme, many_bottlenecks, make_task, tree):
    make_task(unit=tree.hongbang, title="Chờ Trung ương ở Hải Phòng")
    Task.objects.filter(unit=tree.hongbang).update(
        current_status=TaskStatus.BLOCKED, current_block_reason=BlockReason.WAITING_CENTRAL
    )
    client.force_login(users.leader_hanoi)
    bottlenecks = client.get(url(programme, "01")).context["board"].bottlenecks
    for group, expected in ((bottlenecks.waiting_central, 45), (bottlenecks.by_agency[0], 13)):
        assert group.list_url.replace("&", "&amp;") in client.get(url(programme, "01")).content.decode()
        response = client.get(group.list_url)
        assert response.context["page"].paginator.count == expected
        assert "Đang lọc thêm" in response.content.decode()
    everything = client.get(bottlenecks.list_url).context["page"].paginator.count
    assert everything == 58


def test_bottlenecks_of_a_ward_link_to_that_wards_tasks_only(client, users, programme, many_bottlenecks):
    client.force_login(users.leader_hanoi)
    bottlenecks = client.get(url(programme, "00004")).context["board"].bottlenecks
    assert bottlenecks.waiting_central.count == 45 and not bottlenecks.by_agency
    assert "unit=00004" in bottlenecks.list_url
    assert client.get(bottlenecks.list_url).context["page"].paginator.count == 45


def test_agencies_beyond_the_shown_groups_are_counted_and_linked(client, users, programme, tree, make_task):
    from dashboards.selectors import BOTTLENECK_GROUPS_SHOWN
    from tasks.choices import AgencyKind
    from tasks.models import Agency

    for i in range(BOTTLENECK_GROUPS_SHOWN + 2):
        agency = Agency.objects.create(name=f"Sở số {i:02d}", kind=AgencyKind.DEPARTMENT, unit=tree.hanoi)
        task = make_task(unit=tree.hoankiem, deadline=today() - datetime.timedelta(days=1))
        Task.objects.filter(pk=task.pk).update(lead_agency=agency)
    snapshot_rebuild(as_of=today())
    client.force_login(users.leader_hanoi)
    response = client.get(url(programme, "01"))
    bottlenecks = response.context["board"].bottlenecks
    assert len(bottlenecks.by_agency) == BOTTLENECK_GROUPS_SHOWN
    assert (bottlenecks.agencies_left_out, bottlenecks.tasks_left_out) == (2, 2)
    assert "và 2 cơ quan khác (2 nhiệm vụ)" in response.content.decode()


def add_criteria_set_values(*, code, name, province, communes, officer, criterion_title="Không có cháy lớn"):
    """A criteria set with one commune-level criterion; each commune's value (0 passes)."""
    criteria_set = CriteriaSet.objects.create(code=code, name=name)
    criterion = Criterion.objects.create(
        criteria_set=criteria_set, code="TC1", title=criterion_title,
        level=UnitLevel.COMMUNE, comparator=Comparator.EQUALS_ZERO, aggregation=Aggregation.SHARE_PASSING,
    )  # fmt: skip
    period = f"{today():%Y-%m}"
    submission = AssessmentSubmission.objects.create(
        criteria_set=criteria_set, unit=province, period=period, entered_by=officer
    )
    for unit, value in communes:
        Assessment.objects.create(submission=submission, criterion=criterion, unit=unit, period=period, value=value)
    return criteria_set


def record_successful_run():
    RecomputeRun.objects.create(
        as_of=today(), triggered_by="kiểm thử", started_at=timezone.now(), finished_at=timezone.now(),
        outcome=RunOutcome.SUCCESS,
    )  # fmt: skip


def test_every_active_criteria_set_with_data_can_be_chosen(client, users, programme, figures, tree):
    second = add_criteria_set_values(
        code="mo-hinh-thu-hai", name="Mô hình thứ hai", province=tree.hanoi, officer=users.officer_hanoi,
        communes=[(tree.hoankiem, 1), (tree.badinh, 1), (tree.soctson, 0)], criterion_title="Tiêu chí riêng",
    )  # fmt: skip
    CriteriaSet.objects.create(code="chua-co-so-lieu", name="Chưa có số liệu")  # active, no data: not offered
    snapshot_rebuild(as_of=today())
    client.force_login(users.leader_hanoi)
    first_page = client.get(url(programme, "01"))
    board = first_page.context["board"]
    assert [cs.code for cs in board.criteria_sets] == ["tinh-an-toan-pccc", "mo-hinh-thu-hai"]
    assert board.criteria_set.code == "tinh-an-toan-pccc"  # the first by default
    assert 'id="criteria-set-select"' in first_page.content.decode()

    chosen = client.get(url(programme, "01"), {"mo_hinh": second.code})
    assert chosen.context is not None  # not the first page from the page cache
    assert chosen.context["board"].criteria_set == second
    assert (chosen.context["board"].pccc.units_passing, chosen.context["board"].pccc.units_assessed) == (1, 3)
    html = chosen.content.decode()
    assert "Tiêu chí riêng" in html
    assert "sap_xep=pccc&amp;mo_hinh=mo-hinh-thu-hai" in html  # sorting keeps the chosen set


def test_a_province_with_criterion_values_but_no_tasks_gets_its_pccc_figures(client, users, programme, tree):
    add_criteria_set_values(
        code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC", province=tree.haiphong, officer=users.officer_haiphong,
        communes=[(tree.hongbang, 0)],
    )  # fmt: skip
    snapshot_rebuild(as_of=today())
    record_successful_run()
    client.force_login(users.officer_haiphong)
    response = client.get(url(programme, "31"))
    board = response.context["board"]
    assert board.snapshot is None
    assert (board.pccc.units_passing, board.pccc.units_assessed) == (1, 1)
    html = response.content.decode()
    assert "Không có cháy lớn" in html
    assert "Chưa có lượt tính số liệu nào thành công" not in html
    assert "không có nhiệm vụ nào của Đề án 06 năm 2026 thuộc Thành phố Hải Phòng" in html


def test_without_any_programme_the_home_page_still_shows_the_units_pccc_figures(client, users, tree):
    add_criteria_set_values(
        code="tinh-an-toan-pccc", name="Tỉnh an toàn PCCC", province=tree.haiphong, officer=users.officer_haiphong,
        communes=[(tree.hongbang, 0)],
    )  # fmt: skip
    snapshot_rebuild(as_of=today())
    client.force_login(users.officer_haiphong)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa có đề án nào" in html
    assert 'id="pccc-only"' in html and "1/1 đơn vị đạt" in html and "Không có cháy lớn" in html


def test_empty_states_tell_no_run_from_no_data(client, users, programme, tree):
    client.force_login(users.leader_hanoi)
    html = client.get(url(programme, "01")).content.decode()
    assert "Chưa có lượt tính số liệu nào thành công" in html

    snapshot_rebuild(as_of=today())
    record_successful_run()
    html = client.get(url(programme, "01")).content.decode()
    assert "Chưa có lượt tính số liệu nào thành công" not in html
    assert "Lượt tính số liệu gần nhất" in html
    assert "không có nhiệm vụ nào của Đề án 06 năm 2026 thuộc Thành phố Hà Nội" in html
    assert "không có giá trị tiêu chí nào được nhập cho Thành phố Hà Nội" in html


def test_the_dashboard_with_a_chosen_criteria_set_keeps_the_query_budget(
    client, users, programme, figures, django_assert_max_num_queries
):
    client.force_login(users.leader_hanoi)
    with django_assert_max_num_queries(21):  # as test_dashboard_runs_a_fixed_number_of_queries
        client.get(url(programme, "01"), {"mo_hinh": "tinh-an-toan-pccc"})
