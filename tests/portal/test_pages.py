import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def unit_url(code):
    return reverse("provinces:unit_detail", kwargs={"code": code})


def test_unit_tree_sends_a_provincial_user_to_their_unit(client, users):
    client.force_login(users.officer_hanoi)
    response = client.get(reverse("unit_tree"))
    assert response.status_code == 302
    assert response.url == unit_url("01")


def test_unit_page_lists_children_with_counts_and_the_users_name(client, users, tree):
    client.force_login(users.leader_hanoi)
    response = client.get(unit_url("01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Hà Nội" in html
    assert [c.code for c in response.context["children"]] == ["00004", "00070", "08974"]
    assert "lanhdao.hanoi" in html
    assert "Hải Phòng" not in html


def test_national_home_lists_provinces_with_their_commune_counts(client, users, tree):
    client.force_login(users.national)
    response = client.get(reverse("unit_tree"))
    counts = {c.code: c.child_count for c in response.context["children"]}
    assert counts == {"01": 3, "31": 1}


def test_another_provinces_unit_by_url_is_a_vietnamese_404(client, users, tree):
    client.force_login(users.officer_hanoi)
    for code in ("31", "11296", "99999"):
        response = client.get(unit_url(code))
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không tìm thấy trang" in html
        assert "Hồng Bàng" not in html


def test_a_commune_user_cannot_open_its_province_or_a_sibling(client, users):
    client.force_login(users.officer_hoankiem)
    assert client.get(unit_url("00070")).status_code == 200
    assert client.get(unit_url("01")).status_code == 404
    assert client.get(unit_url("00004")).status_code == 404


def test_unknown_url_is_a_vietnamese_404(client, users):
    client.force_login(users.officer_hanoi)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_unit_page_runs_a_fixed_number_of_queries(client, users, tree, django_assert_max_num_queries):
    from tests.factories import make_unit

    client.force_login(users.leader_hanoi)
    client.get(unit_url("01"))
    for i in range(30):
        make_unit(f"9{i:04d}", f"Xã thử {i}", parent=tree.hanoi)
    with django_assert_max_num_queries(8):
        response = client.get(unit_url("01"))
    assert len(response.context["children"]) == 33


def test_navigation_depends_on_role(client, users):
    client.force_login(users.officer_hanoi)
    assert reverse("admin:index") not in client.get(unit_url("01")).content.decode()
    client.force_login(users.admin)
    assert reverse("admin:index") in client.get(reverse("unit_tree")).content.decode()


def test_role_groups_exist_with_permissions():
    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"Quản trị", "Lãnh đạo", "Thường trực", "Cán bộ"} <= set(groups)
    assert "change_user" in groups["Quản trị"]
    assert "view_administrativeunit" in groups["Cán bộ"]
    assert "change_user" not in groups["Cán bộ"]


def test_admin_user_form_uses_an_autocomplete_for_the_unit(client, users):
    client.force_login(users.admin)
    response = client.get(reverse("admin:portal_user_change", args=[users.officer_hanoi.pk]))
    assert response.status_code == 200
    assert "admin-autocomplete" in response.content.decode()
    search = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "portal", "model_name": "user", "field_name": "unit", "term": "Hoàn Kiếm"},
    )
    assert [r["text"] for r in search.json()["results"]] == ["Phường Hoàn Kiếm · Thành phố Hà Nội"]


def test_admin_unit_list_searches_and_filters_by_province(client, users):
    client.force_login(users.admin)
    url = reverse("admin:provinces_administrativeunit_changelist")
    assert client.get(url, {"q": "00070"}).context["cl"].result_count == 1
    assert client.get(url, {"province": "31"}).context["cl"].result_count == 2
    assert client.get(url, {"kind__exact": "phuong"}).context["cl"].result_count == 3
