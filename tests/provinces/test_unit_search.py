"""One search box for current and legacy units: any spelling, the parent chain, scoped, one indexed query."""

import time
import unicodedata

import pytest
from django.core.management import call_command
from django.urls import reverse

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from provinces.search import search_key
from provinces.selectors import units_matching
from provinces.services import LegacyData, units_load_legacy

from ..factories import make_unit
from .legacy_fixture import commune, district, legacy_data, province

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(tree):
    """The fixture's legacy structure plus old Nam Định's Giao Thủy, now Xã Giao Thuỷ of Ninh Bình."""
    ninhbinh = make_unit("37", "Ninh Bình")
    make_unit("13972", "Xã Giao Thuỷ", parent=ninhbinh)
    data = legacy_data()
    from provinces.services import CrosswalkRecord

    units_load_legacy(
        data=LegacyData(
            units=[
                *data.units,
                province("36", "Tỉnh Nam Định"),
                district("364", "Huyện Giao Thủy", "36", UnitKind.HUYEN),
                commune("13969", "Thị trấn Giao Thủy", "364", UnitKind.THI_TRAN),
            ],
            crosswalk=[
                *data.crosswalk,
                CrosswalkRecord("36", "37", True),
                CrosswalkRecord("364", "37", True),
                CrosswalkRecord("13969", "13972", True),
            ],
        )
    )
    return {u.code: u for u in AdministrativeUnit.objects.legacy()}


def names(user, text):
    return [(u.name, u.is_legacy) for u in units_matching(user, text)]


@pytest.mark.parametrize(
    "typed", ["Giao Thủy", "Giao Thuỷ", "giao thuy", "GIAO THUỶ", "  giao   thuy ", "Huyện Giao Thủy", "giao"]
)
def test_tone_mark_placement_case_and_diacritics_do_not_matter(old, users, typed):
    found = names(users.national, typed)

    assert ("Xã Giao Thuỷ", False) in found
    assert ("Huyện Giao Thủy", True) in found
    assert ("Thị trấn Giao Thủy", True) in found


def test_decomposed_unicode_input_finds_the_same_units(old, users):
    assert names(users.national, unicodedata.normalize("NFD", "Giao Thủy")) == names(users.national, "Giao Thủy")


def test_a_name_typed_without_diacritics_finds_the_old_province(old, users):
    assert ("Tỉnh Hải Dương", True) in names(users.national, "hai duong")


def test_d_with_stroke_is_typed_as_d(old, users, tree):
    make_unit("00373", "Phường Đống Đa", parent=tree.hanoi, kind=UnitKind.PHUONG)

    assert names(users.national, "dong da") == [("Phường Đống Đa", False)]
    assert search_key("Đặc khu Côn Đảo") == "con dao"


def test_a_code_finds_the_current_and_the_legacy_unit_that_share_it(old, users):
    assert sorted(names(users.national, "00004")) == [("Phường Ba Đình", False), ("Phường Trúc Bạch", True)]


def test_current_units_come_first(old, users):
    assert names(users.national, "giao")[0] == ("Xã Giao Thuỷ", False)


def test_a_legacy_unit_is_found_by_the_users_whose_scope_holds_its_successor(old, users):
    assert ("Tỉnh Hải Dương", True) in names(users.officer_haiphong, "hai duong")
    assert names(users.officer_hanoi, "hai duong") == []
    assert names(users.officer_hanoi, "truc bach") == [("Phường Trúc Bạch", True)]
    assert names(users.officer_haiphong, "truc bach") == []


def test_a_current_unit_outside_the_scope_is_not_found(old, users):
    assert names(users.officer_hanoi, "hong bang") == []
    assert names(users.officer_hoankiem, "ba dinh") == []


def test_one_query_brings_the_units_their_parent_chains_and_successors(old, users, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = units_matching(users.national, "giao thuy")
        chains = [([p.name for p in u.parent_chain()], u.successor and u.successor.name) for u in found]
        successor_chains = [[p.name for p in u.successor.parent_chain()] for u in found if u.successor]

    assert (["Huyện Giao Thủy", "Tỉnh Nam Định"], "Xã Giao Thuỷ") in chains
    assert ["Ninh Bình"] in successor_chains


def test_the_search_page_shows_the_chain_and_the_successor_of_a_legacy_unit(client, old, users):
    client.force_login(users.officer_haiphong)

    page = client.get(reverse("provinces:unit_search"), {"q": "Trần Phú"}).content.decode()

    assert "Phường Trần Phú" in page
    assert "Thành phố Hải Dương, Tỉnh Hải Dương (cũ)" in page
    assert "Nay thuộc" in page and "Phường Hồng Bàng" in page


def test_the_unit_page_offers_the_search_box(client, users):
    client.force_login(users.officer_hanoi)

    page = client.get(reverse("provinces:unit_detail", args=["01"])).content.decode()

    assert 'action="/don-vi/tim-kiem/"' in page


def test_the_search_page_needs_a_login(client):
    assert client.get(reverse("provinces:unit_search"), {"q": "ha"}).status_code == 302


def test_admin_autocomplete_finds_units_without_diacritics(client, old, users):
    client.force_login(users.admin)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "provinces", "model_name": "unitcrosswalk", "field_name": "legacy_unit", "term": "hai duong"},
    )

    assert "Tỉnh Hải Dương (cũ) → Thành phố Hải Phòng" in {r["text"] for r in response.json()["results"]}


def test_the_search_name_follows_a_renamed_unit(tree, users):
    tree.hoankiem.name = "Phường Hoàn Kiếm Mới"
    tree.hoankiem.save(update_fields=["name"])

    assert AdministrativeUnit.objects.get(pk=tree.hoankiem.pk).search_name == "hoan kiem moi"
    assert names(users.national, "hoan kiem moi") == [("Phường Hoàn Kiếm Mới", False)]


def test_search_answers_in_under_50_ms_at_the_95th_percentile_over_every_real_unit(users):
    call_command("load_units", "--legacy", verbosity=0)
    assert AdministrativeUnit.objects.count() > 14000
    typed = ["hai duong", "Giao Thủy", "nam", "phuong 1", "ba dinh", "00070", "xa tan", "hoa", "Đông", "thanh"]
    haiphong = AdministrativeUnit.objects.current().get(code="31", level=UnitLevel.PROVINCE)
    users.officer_haiphong.unit = haiphong
    timings = []
    for _ in range(10):
        for text in typed:
            for user in (users.national, users.officer_haiphong):
                started = time.perf_counter()
                units_matching(user, text)
                timings.append(time.perf_counter() - started)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]

    assert p95 < 0.050, f"p95 {p95 * 1000:.1f} ms"


def test_a_current_units_page_names_the_old_units_it_was_formed_from(client, old, users):
    client.force_login(users.officer_haiphong)

    page = client.get(reverse("provinces:unit_detail", args=["31"])).content.decode()

    assert "Trước 01/07/2025 gồm:" in page
    assert "Tỉnh Hải Dương</a> (cũ)" in page and "Thành phố Hải Phòng</a> (cũ)" in page
    assert "Quận Hồng Bàng" not in page  # districts map to the whole province: not listed


def test_any_word_start_of_the_name_finds_the_unit(old, users):
    found = names(users.national, "thuy")

    assert ("Huyện Giao Thủy", True) in found
    assert ("Xã Giao Thuỷ", False) in found
    assert ("Phường Ba Đình", False) in names(users.national, "dinh")


def test_a_word_is_matched_at_its_start_only(old, users):
    assert names(users.national, "iao thuy") == []


def test_ba_dinh_typed_without_diacritics_finds_the_ward(old, users):
    assert ("Phường Ba Đình", False) in names(users.national, "ba dinh")


def test_the_kind_word_typed_first_still_finds_every_unit_of_that_name(old, users):
    found = names(users.national, "huyen giao thuy")

    assert ("Huyện Giao Thủy", True) in found and ("Xã Giao Thuỷ", False) in found


def test_a_name_that_starts_with_the_text_comes_before_one_where_it_is_a_later_word(old, users, tree):
    make_unit("31999", "Xã Thủy Nguyên", parent=tree.haiphong)
    make_unit("31998", "Xã An Thủy", parent=tree.haiphong)

    found = [name for name, legacy in names(users.national, "thuy") if not legacy]

    assert found.index("Xã Thủy Nguyên") < found.index("Xã An Thủy")


def test_the_word_starts_follow_a_renamed_unit(tree, users):
    tree.hoankiem.name = "Phường Tràng Tiền"
    tree.hoankiem.save()

    assert names(users.national, "tien") == [("Phường Tràng Tiền", False)]
    assert names(users.national, "kiem") == []


def test_the_loaders_store_the_word_starts_of_the_units_they_create(old, users):
    assert ("Thị trấn Giao Thủy", True) in names(users.national, "tran giao")
