"""Issue 19, item 2: find any task: search, commune filter, sort, page size, grouping, scope-following heading."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.models import Task

pytestmark = pytest.mark.django_db

LIST = reverse("tasks:my_tasks")


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response


def titles(response):
    return [task.title for task in response.context["page"].object_list]


def test_search_ignores_diacritics_and_case(client, users, make_task):
    make_task(title="Thí điểm cấp phiếu lý lịch tư pháp trên VNeID")
    make_task(title="Cung cấp 25 dịch vụ công thiết yếu")
    client.force_login(users.coordinator_hanoi)
    assert titles(listed(client, scope="unit", q="cap phieu LY LICH")) == [
        "Thí điểm cấp phiếu lý lịch tư pháp trên VNeID"
    ]
    assert titles(listed(client, scope="unit", q="dịch vụ công")) == ["Cung cấp 25 dịch vụ công thiết yếu"]


def test_search_key_follows_an_edited_title(users, make_task):
    task = make_task(title="Cũ")
    task.title = "Số hoá hồ sơ đất đai"
    task.save(update_fields=["title"])
    assert Task.objects.get(pk=task.pk).search_text == "so hoa ho so dat dai"


def test_bulk_created_tasks_are_searchable(client, users, make_task, programme, agencies, tree):
    today = timezone.localdate()
    Task.objects.bulk_create([
        Task(programme=programme, unit=tree.hanoi, group="dich_vu_cong", title="Đồng bộ dữ liệu dân cư",
             lead_agency=agencies.science_hanoi, start_date=today, deadline=today)
    ])  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    assert titles(listed(client, scope="unit", q="dong bo")) == ["Đồng bộ dữ liệu dân cư"]


def test_commune_filter_keeps_that_communes_tasks(client, users, make_task, tree, agencies):
    make_task(title="Ở Hoàn Kiếm", unit=tree.hoankiem, lead_agency=agencies.hoankiem)
    make_task(title="Ở Hà Nội")
    client.force_login(users.coordinator_hanoi)
    response = listed(client, scope="unit", commune="00070")
    assert titles(response) == ["Ở Hoàn Kiếm"]
    assert response.context["heading"] == "Nhiệm vụ của Phường Hoàn Kiếm"
    assert "data-unit-chooser" in response.content.decode()


def test_another_provinces_commune_in_the_url_shows_nothing_of_it(client, users, haiphong_task, task):
    client.force_login(users.coordinator_hanoi)
    response = listed(client, scope="unit", commune="11296")
    assert haiphong_task.title not in response.content.decode()
    assert "Hồng Bàng" not in response.content.decode()


def test_sort_by_days_overdue_puts_the_longest_overdue_first(client, users, make_task):
    today = timezone.localdate()
    make_task(title="Còn hạn", deadline=today + datetime.timedelta(days=2))
    make_task(title="Quá hạn 3 ngày", deadline=today - datetime.timedelta(days=3))
    make_task(title="Quá hạn 10 ngày", deadline=today - datetime.timedelta(days=10))
    client.force_login(users.coordinator_hanoi)
    assert titles(listed(client, scope="unit", sort="qua-han-nhieu-nhat")) == [
        "Quá hạn 10 ngày",
        "Quá hạn 3 ngày",
        "Còn hạn",
    ]
    assert titles(listed(client, scope="unit", sort="han-muon-nhat")) == [
        "Còn hạn",
        "Quá hạn 3 ngày",
        "Quá hạn 10 ngày",
    ]


def test_page_size_and_jump_to_page(client, users, make_task):
    for i in range(45):
        make_task(title=f"Nhiệm vụ {i:02d}")
    client.force_login(users.coordinator_hanoi)
    response = listed(client, scope="unit", per_page=20, trang=3)
    assert len(response.context["page"].object_list) == 5
    html = response.content.decode()
    assert 'id="page-jump"' in html and 'name="per_page" value="20"' in html


def test_grouping_counts_the_same_task_across_communes(client, users, make_task, tree, agencies):
    today = timezone.localdate()
    for unit in (tree.hoankiem, tree.badinh, tree.soctson):
        make_task(
            title="Rà soát hộ gia đình",
            unit=unit,
            lead_agency=agencies.hoankiem,
            deadline=today - datetime.timedelta(days=1) if unit != tree.soctson else today + datetime.timedelta(days=5),
        )
    make_task(title="Việc riêng của thành phố")
    client.force_login(users.coordinator_hanoi)
    response = listed(client, scope="unit", group="on")
    rows = list(response.context["page"].object_list)
    assert [(row["title"], row["units"], row["overdue"]) for row in rows] == [
        ("Rà soát hộ gia đình", 3, 2),
        ("Việc riêng của thành phố", 1, 0),
    ]
    html = response.content.decode()
    assert "3 xã, phường" in html and "2 quá hạn" in html


def test_a_groups_link_lists_its_tasks(client, users, make_task, tree, agencies):
    for unit in (tree.hoankiem, tree.badinh):
        make_task(title="Rà soát hộ gia đình", unit=unit, lead_agency=agencies.hoankiem)
    make_task(title="Khác")
    client.force_login(users.coordinator_hanoi)
    assert titles(listed(client, scope="unit", title="Rà soát hộ gia đình")) == ["Rà soát hộ gia đình"] * 2


def test_status_badges_link_to_the_list_of_that_status(client, users, task):
    client.force_login(users.coordinator_hanoi)
    html = listed(client, scope="unit", q="dich vu").content.decode()
    assert "?scope=unit&amp;q=dich+vu&amp;status=chua_trien_khai" in html


def test_heading_follows_the_scope(client, users, task):
    client.force_login(users.officer_hanoi)
    assert listed(client, scope="mine").context["heading"] == "Việc của tôi"
    assert listed(client, scope="unit").context["heading"] == "Nhiệm vụ của Thành phố Hà Nội"
    client.force_login(users.national)
    assert listed(client, scope="unit").context["heading"] == "Nhiệm vụ toàn quốc"


def test_filters_live_in_the_url(client, users, task):
    client.force_login(users.coordinator_hanoi)
    html = listed(client, scope="unit", q="dich vu", sort="qua-han-nhieu-nhat").content.decode()
    assert '<form novalidate method="get"' in html
    assert 'value="dich vu"' in html


@pytest.mark.parametrize("params", [
    {"scope": "unit"},
    {"scope": "unit", "q": "nhiem vu", "commune": "00070", "sort": "qua-han-nhieu-nhat", "per_page": "100"},
    {"scope": "unit", "group": "on"},
])  # fmt: skip
def test_the_list_runs_a_fixed_number_of_queries(
    client, users, programme, agencies, tree, params, django_assert_max_num_queries
):
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(
            programme=programme, unit=[tree.hanoi, tree.hoankiem, tree.badinh][i % 3], group="cong_dan_so",
            title=f"Nhiệm vụ {i % 40}", lead_agency=agencies.science_hanoi, accountable_person=users.officer_hanoi,
            start_date=today - datetime.timedelta(days=100), deadline=today + datetime.timedelta(days=i % 90 - 45),
        )
        for i in range(600)
    )  # fmt: skip
    client.force_login(users.coordinator_hanoi)
    with django_assert_max_num_queries(
        15
    ):  # 12 for the list, 1 the notification bell, 2 the permission check of roles.policy
        response = client.get(LIST, params)
    assert response.status_code == 200
    assert response.context["page"].object_list


def test_the_page_size_select_shows_the_size_in_use(client, users, task):
    client.force_login(users.coordinator_hanoi)
    html = listed(client, scope="unit").content.decode()
    assert '<option value="50" selected>' in html


def test_a_national_users_commune_chooser_offers_provinces_then_that_provinces_communes(client, users, tree):
    client.force_login(users.national)
    first = listed(client, scope="unit").context["filters"].fields["commune"].queryset
    assert sorted(unit.code for unit in first) == ["01", "31"]
    chosen = listed(client, scope="unit", commune="00070").context["filters"].fields["commune"].queryset
    assert sorted(unit.code for unit in chosen) == ["00004", "00070", "01", "08974", "31"]


def test_a_provincial_users_commune_chooser_offers_the_whole_province(client, users, tree):
    client.force_login(users.coordinator_hanoi)
    units = listed(client, scope="unit").context["filters"].fields["commune"].queryset
    assert sorted(unit.code for unit in units) == ["00004", "00070", "01", "08974"]
