"""The public results page /cong-khai/<mã tỉnh>/: opt-in, snapshots only, no personal data, cacheable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_page_reads_a_fixed_number_of_queries(client, published, tree):
    with CaptureQueriesContext(connection) as few_communes:
        client.get("/cong-khai/01/")
    from tests.factories import make_unit

    for i in range(5):
        make_unit(f"0900{i}", f"Xã thêm {i}", parent=tree.hanoi)
    with CaptureQueriesContext(connection) as more_communes:
        client.get("/cong-khai/01/")
    assert len(more_communes) == len(few_communes) <= 12
