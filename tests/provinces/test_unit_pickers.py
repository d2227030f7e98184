"""Every unit picker (admin autocomplete, admin forms, the portal's chooser) names the units above the unit,
and a legacy unit says "(cũ)" and which unit took it over (issue 14 item 4, issue 19 item 11)."""

import pytest
from django import forms
from django.urls import reverse

from provinces.models import AdministrativeUnit
from provinces.services import units_load_legacy
from provinces.widgets import UnitChoiceField, chain_label

from .legacy_fixture import legacy_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(tree):
    units_load_legacy(data=legacy_data())


def autocomplete(client, term, *, model="unitcrosswalk", field="legacy_unit"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "provinces", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_the_admin_autocomplete_shows_the_parent_chain(client, tree, users):
    client.force_login(users.admin)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "portal", "model_name": "user", "field_name": "unit", "term": "ba dinh"},
    )
    texts = [r["text"] for r in response.json()["results"]]

    assert texts == ["Phường Ba Đình · Thành phố Hà Nội"]


def test_the_admin_autocomplete_shows_a_legacy_unit_with_its_successor(client, old, users):
    client.force_login(users.admin)

    texts = autocomplete(client, "truc bach")

    assert texts == ["Phường Trúc Bạch · Quận Ba Đình · Thành phố Hà Nội (cũ) → Phường Ba Đình · Thành phố Hà Nội"]


def test_the_admin_autocomplete_finds_a_unit_by_a_later_word(client, old, users):
    client.force_login(users.admin)

    assert "Phường Ba Đình · Thành phố Hà Nội" in autocomplete(
        client, "dinh", model="unitcrosswalk", field="current_unit"
    )


def test_the_admin_autocomplete_reads_the_chains_in_a_fixed_number_of_queries(
    client, old, users, django_assert_max_num_queries
):
    client.force_login(users.admin)
    client.get(reverse("admin:index"))

    # Session, user, then the count and the page of units with their parents and successors.
    with django_assert_max_num_queries(6):
        texts = autocomplete(client, "phuong")

    assert len(texts) >= 4


def test_the_user_admin_form_shows_the_chosen_unit_with_its_chain(client, tree, users):
    client.force_login(users.admin)

    page = client.get(reverse("admin:portal_user_change", args=[users.officer_hoankiem.pk])).content.decode()

    assert "Phường Hoàn Kiếm · Thành phố Hà Nội" in page


def test_the_portal_unit_chooser_names_the_parents_and_the_successor(old, users):
    class Form(forms.Form):
        unit = UnitChoiceField(queryset=AdministrativeUnit.objects.all())

    html = str(Form()["unit"])

    assert "Phường Ba Đình · Thành phố Hà Nội (00004)" in html
    assert "Phường Trúc Bạch · Quận Ba Đình · Thành phố Hà Nội (cũ) → Phường Ba Đình · Thành phố Hà Nội (00004)" in html
    assert 'optgroup label="Tỉnh Hải Dương (cũ)"' in html


def test_a_chosen_unit_reads_the_same_after_validation(old, users):
    field = UnitChoiceField(queryset=AdministrativeUnit.objects.select_related("parent__parent", "successor__parent"))
    badinh = field.queryset.current().get(code="00004")

    assert field.label_from_instance(badinh) == "Phường Ba Đình · Thành phố Hà Nội (00004)"


def test_a_legacy_unit_without_a_target_says_only_that_it_is_old():
    assert chain_label(["Xã A", "Huyện B"], legacy=True) == "Xã A · Huyện B (cũ)"
