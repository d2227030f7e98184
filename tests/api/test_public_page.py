"""The public results page /cong-khai/<mã tỉnh>/: opt-in, snapshots only, no personal data, cacheable."""

import pytest

from api.models import PublicResults
from tasks.choices import TaskStatus
from tasks.models import ProgressUpdate


@pytest.fixture
def published(data, tree):
    opt_in = PublicResults.objects.create(province=tree.hanoi)
    opt_in.programmes.add(data.national)
    opt_in.criteria_sets.add(data.criteria_set)
    return opt_in


def test_a_province_that_has_not_opted_in_is_404(client, data, tree):
    assert client.get("/cong-khai/01/").status_code == 404


def test_an_opt_in_with_nothing_chosen_is_404(client, data, tree):
    PublicResults.objects.create(province=tree.hanoi)
    assert client.get("/cong-khai/01/").status_code == 404


def test_an_unknown_code_is_404(client, published):
    assert client.get("/cong-khai/99/").status_code == 404


def test_another_province_stays_404_when_one_has_opted_in(client, published):
    assert client.get("/cong-khai/31/").status_code == 404


def test_opted_in_page_shows_completion_ranking_criteria_and_date_without_login(client, published):
    response = client.get("/cong-khai/01/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Đề án 06 năm 2026" in body
    assert "Phường Hoàn Kiếm" in body and "Phường Ba Đình" in body  # the ranking of communes
    assert "TC1. Hộ gia đình được kiểm tra" in body
    assert "28/11/2026" in body  # the date of the data


def test_no_names_of_people_nor_notes(client, published, data, users):
    ProgressUpdate.objects.create(
        task=data.hanoi_task, author=users.officer_hanoi, percent=10, status=TaskStatus.IN_PROGRESS,
        note="Ghi chú nội bộ bí mật",
    )  # fmt: skip
    body = client.get("/cong-khai/01/").content.decode()
    assert "Nguyễn Văn A" not in body and "canbo.hanoi" not in body and "Ghi chú nội bộ" not in body


def test_page_is_publicly_cacheable(client, published):
    response = client.get("/cong-khai/01/")
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]


def test_page_is_usable_on_a_phone(client, published):
    body = client.get("/cong-khai/01/").content.decode()
    assert 'name="viewport"' in body and "table-responsive" in body


# The opt-in; the province's recent own rows of every programme, the ranking of its communes; the
# same own rows of every criteria set, their criteria (api/public.py). Timings: bench/public_page.py.
PUBLIC_PAGE_QUERIES = 5


def test_page_reads_the_same_five_queries_for_few_and_many_communes(
    client, published, data, tree, django_assert_num_queries
):
    from tests.api.test_performance import add_communes_with_snapshots

    rankings = []
    for added in (0, 30):
        add_communes_with_snapshots(tree, data.national, added)
        with django_assert_num_queries(PUBLIC_PAGE_QUERIES):
            body = client.get("/cong-khai/01/").content.decode()
        rankings.append(body.count("<td>Xã thêm ") + body.count("<td>Phường ") + body.count("<td>Xã Sóc"))
    assert rankings[1] == rankings[0] + 30


def test_page_reads_the_same_queries_for_a_second_programme(client, published, data, tree, django_assert_num_queries):
    from dashboards.services import snapshot_rebuild

    from .conftest import AS_OF, _programme, _task

    second = _programme("Kế hoạch chuyển đổi số 2026")
    _task(second, tree.soctson, data.hanoi_task.lead_agency, "Nhiệm vụ Sóc Sơn")
    snapshot_rebuild(as_of=AS_OF)
    published.programmes.add(second)
    with django_assert_num_queries(PUBLIC_PAGE_QUERIES):
        body = client.get("/cong-khai/01/").content.decode()
    assert "Kế hoạch chuyển đổi số 2026" in body and "Đề án 06 năm 2026" in body


def test_the_ranking_shows_one_decimal_in_the_locales_format(client, published, data, tree):
    from dashboards.models import CompletionSnapshot

    CompletionSnapshot.objects.filter(unit=tree.hoankiem).update(weighted_completion="45.25")
    body = client.get("/cong-khai/01/").content.decode()
    assert '<td>Phường Hoàn Kiếm</td><td class="text-end">45,3%</td>' in body  # as floatformat:1 rounds


def test_the_trend_has_the_weekly_points_up_to_the_latest_date(client, published, data):
    import datetime

    from dashboards.services import snapshot_rebuild

    from .conftest import AS_OF

    for weeks in (1, 2):
        snapshot_rebuild(as_of=AS_OF - datetime.timedelta(weeks=weeks))
    snapshot_rebuild(as_of=AS_OF - datetime.timedelta(days=3))  # not on the weekly grid: not a point
    body = client.get("/cong-khai/01/").content.decode()
    assert "14/11/2026" in body and "21/11/2026" in body and "25/11/2026" not in body
