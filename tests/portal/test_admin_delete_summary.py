"""Admin delete confirmations summarise big objects by kind of row instead of listing each one."""

import pytest
from django.urls import reverse

from provinces.choices import UnitKind, UnitLevel
from provinces.models import AdministrativeUnit
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def communes_under(province, count):
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"9{i:04d}", name=f"Xã Thử Nghiệm {i}", kind=UnitKind.XA, level=UnitLevel.COMMUNE,
            parent=province, path=AdministrativeUnit.build_path(province.path, f"9{i:04d}"),
        )
        for i in range(count)
    )  # fmt: skip


def delete_page(client, unit):
    return client.get(reverse("admin:provinces_administrativeunit_delete", args=[unit.pk]))


def test_a_province_with_many_communes_is_summarised_by_kind_in_few_queries(
    client, users, django_assert_max_num_queries
):
    province = make_unit("77", "Tỉnh Thử Nghiệm")
    communes_under(province, 150)  # above the listing limit (100)
    client.force_login(users.admin)
    with django_assert_max_num_queries(40):
        response = delete_page(client, province)
    html = response.content.decode()
    assert response.status_code == 200
    # Still refused: the communes protect their province, as on Django's own page.
    assert "Xã Thử Nghiệm 0" in html and "150 dòng" in html
    assert "Xã Thử Nghiệm 149" not in html  # one line for the kind, not a line per commune
    assert 'name="post"' not in html  # no confirm button


def test_a_small_object_is_still_listed_row_by_row(client, users, tree):
    client.force_login(users.admin)
    html = delete_page(client, tree.haiphong).content.decode()
    assert "Phường Hồng Bàng" in html and "dòng" not in html
