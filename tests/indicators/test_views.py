"""The indicator pages: scoped, Vietnamese messages on the field, typed text kept, nothing saved on bad input."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import IndicatorValue, Target


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Periods up to December 2026 may be reported."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 12, 4))


def unit_url(programme, code):
    return reverse("indicators:unit", kwargs={"programme_id": programme.pk, "code": code})


def entry_url(programme, code):
    return reverse("indicators:entry", kwargs={"programme_id": programme.pk, "code": code})


def targets_url(programme, code):
    return reverse("indicators:targets", kwargs={"programme_id": programme.pk, "code": code})


def test_the_programme_dashboard_shows_value_target_gap_and_verdict(
    client, users, tree, programme, chip_ids, put_value, put_target
):
    put_value(chip_ids, tree.hanoi, "2026-11", 1_500_000, 1_522_843)
    put_target(chip_ids, None, "100")
    client.force_login(users.leader_hanoi)
    html = client.get(reverse("dashboards:unit_dashboard", args=[programme.pk, "01"])).content.decode()
    section = html[html.index('id="indicators"') :]
    assert "Tháng 11/2026" in section
    assert "98,5%" in section and "1.500.000/1.522.843" in section
    assert "còn thiếu 22.843 người" in section
    assert "Chưa đạt so với chỉ tiêu giao" in section


def test_the_unit_page_lists_children_and_the_unattributed_remainder(
    client, users, tree, programme, security_models, put_value
):
    put_value(security_models, tree.hanoi, "2026-11", 3897, paired=98_268)
    put_value(security_models, tree.hoankiem, "2026-11", 1000)
    client.force_login(users.leader_hanoi)
    html = client.get(unit_url(programme, "01")).content.decode()
    assert "chưa phân bổ: 2.897 mô hình" in html
    assert "Số người tham gia: 98.268" in html
    assert 'data-unit="00070"' in html and 'data-unit="11296"' not in html


@pytest.mark.parametrize("code", ["31", "toan-quoc", "11296"])
def test_another_province_or_the_country_is_not_found(client, users, programme, chip_ids, code):
    client.force_login(users.officer_hanoi)
    assert client.get(unit_url(programme, code)).status_code == 404
    assert client.get(entry_url(programme, code)).status_code == 404


def test_a_programme_of_another_province_is_not_found(client, users, tree, programme, chip_ids):
    programme.unit = tree.haiphong
    programme.save()
    client.force_login(users.leader_hanoi)
    assert client.get(unit_url(programme, "01")).status_code == 404


def test_an_officer_enters_a_ratio_as_numerator_and_denominator(client, users, programme, chip_ids):
    client.force_login(users.officer_hanoi)
    data = {"ky": "2026-11", f"i{chip_ids.pk}-numerator": "1.500.000", f"i{chip_ids.pk}-denominator": "1.522.843"}
    response = client.post(entry_url(programme, "01"), data)
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.numerator, value.denominator, value.period) == (1_500_000, 1_522_843, "2026-11")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"percent": "100,5", "base": "1.500.000"}, "percent", "Tỷ lệ không được lớn hơn 100%."),
        (
            {"numerator": "1.600.000", "denominator": "1.500.000"},
            "numerator",
            "Tử số không được lớn hơn mẫu số (1.500.000).",
        ),
    ],
)
def test_a_bad_ratio_is_refused_on_its_field_keeping_what_was_typed(
    client, users, programme, chip_ids, fields, field, message
):
    client.force_login(users.officer_hanoi)
    data = {"ky": "2026-11", **{f"i{chip_ids.pk}-{name}": text for name, text in fields.items()}}
    response = client.post(entry_url(programme, "01"), data)
    assert response.status_code == 400
    form = response.context["rows"][0][0]
    assert form.errors[field] == [message]
    html = response.content.decode()
    assert message in html
    for text in fields.values():
        assert f'value="{text}"' in html
    assert not IndicatorValue.objects.exists()


def test_a_negative_count_is_refused(client, users, programme, chip_ids, security_models):
    client.force_login(users.officer_hanoi)
    data = {"ky": "2026-11", f"i{chip_ids.pk}-numerator": "9", f"i{chip_ids.pk}-denominator": "10",
            f"i{security_models.pk}-numerator": "-5"}  # fmt: skip
    response = client.post(entry_url(programme, "01"), data)
    assert response.status_code == 400
    assert "Không được là số âm." in response.content.decode()
    assert 'value="-5"' in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_leader_cannot_open_the_entry_page(client, users, programme, chip_ids):
    client.force_login(users.leader_hanoi)
    assert client.get(entry_url(programme, "01")).status_code == 403


def test_a_coordinator_assigns_targets_in_the_grid(client, users, tree, programme, chip_ids):
    client.force_login(users.coordinator_hanoi)
    page = client.get(targets_url(programme, "01"), {"ky": "2026-11"})
    assert page.status_code == 200
    assert f'name="t-{chip_ids.pk}-{tree.hoankiem.pk}"' in page.content.decode()
    data = {"ky": "2026-11", f"t-{chip_ids.pk}-{tree.hanoi.pk}": "98,5", f"t-{chip_ids.pk}-{tree.hoankiem.pk}": ""}
    assert client.post(targets_url(programme, "01"), data).status_code == 302
    assert list(Target.objects.values_list("unit__code", "period", "value")) == [("01", "2026-11", Decimal("98.50"))]


def test_a_bad_target_saves_nothing_and_keeps_the_grid(client, users, tree, programme, chip_ids):
    client.force_login(users.coordinator_hanoi)
    data = {"ky": "", f"t-{chip_ids.pk}-{tree.hanoi.pk}": "98,5", f"t-{chip_ids.pk}-{tree.hoankiem.pk}": "101"}
    response = client.post(targets_url(programme, "01"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tỷ lệ không được lớn hơn 100%." in html and 'value="101"' in html and 'value="98,5"' in html
    assert not Target.objects.exists()


def test_a_target_grid_never_shows_or_takes_a_unit_outside_the_programme(client, users, tree, programme, chip_ids):
    programme.unit = tree.hanoi
    programme.save()
    client.force_login(users.admin)
    page = client.get(targets_url(programme, "toan-quoc")).content.decode()
    assert f'name="t-{chip_ids.pk}-{tree.hanoi.pk}"' in page
    assert f'name="t-{chip_ids.pk}-{tree.haiphong.pk}"' not in page
    client.post(targets_url(programme, "toan-quoc"), {"ky": "", f"t-{chip_ids.pk}-{tree.haiphong.pk}": "50"})
    assert not Target.objects.exists()


def test_an_officer_cannot_open_the_target_grid(client, users, programme, chip_ids):
    client.force_login(users.officer_hanoi)
    assert client.get(targets_url(programme, "01")).status_code == 403


def test_the_export_has_targets_verdicts_and_gaps(client, users, tree, programme, chip_ids, put_value, put_target):
    put_value(chip_ids, tree.hanoi, "2026-11", 1_500_000, 1_522_843)
    put_target(chip_ids, None, "100")
    client.force_login(users.leader_hanoi)
    response = client.get(reverse("indicators:export", args=[programme.pk, "01"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Đơn vị", "Mã", "Chỉ tiêu")
    own = rows[1]
    assert own[0] == "Thành phố Hà Nội" and own[5:7] == (1_500_000, 1_522_843)
    assert own[8:11] == ("100%", "Chưa đạt so với chỉ tiêu giao", 22_843)


def test_the_nav_links_to_the_indicators(client, users, programme, chip_ids):
    client.force_login(users.officer_hanoi)
    html = client.get(reverse("indicators:index")).content.decode()
    assert reverse("indicators:index") in html and unit_url(programme, "01") in html


def test_the_dashboard_with_indicators_stays_within_a_fixed_query_budget(
    client, users, tree, programme, chip_ids, security_models, put_value, put_target, django_assert_max_num_queries
):
    """The section costs five queries whatever the number of units (indicators, period, values, targets, units)."""
    client.force_login(users.leader_hanoi)
    url = reverse("dashboards:unit_dashboard", args=[programme.pk, "01"])
    for unit in (tree.hanoi, tree.hoankiem, tree.badinh, tree.soctson):
        put_value(chip_ids, unit, "2026-11", 9, 10)
        put_value(security_models, unit, "2026-11", 3)
        put_target(chip_ids, unit, "95")
    with django_assert_max_num_queries(20) as captured:
        client.get(url)
    before = len(captured.captured_queries)
    from django.core.cache import cache

    cache.clear()
    from tests.factories import make_unit

    for i in range(20):
        commune = make_unit(f"9{i:04d}", f"Xã {i}", parent=tree.hanoi)
        put_value(chip_ids, commune, "2026-11", 9, 10)
    with django_assert_max_num_queries(before):
        client.get(url)


def test_a_rate_just_below_its_target_never_reads_as_the_target(
    client, users, tree, programme, chip_ids, put_value, put_target
):
    put_value(chip_ids, tree.haiphong, "2026-11", 1_500_000, 1_522_843)  # 98,49998…%
    put_target(chip_ids, None, "98.5")
    client.force_login(users.officer_haiphong)
    html = client.get(unit_url(programme, "31")).content.decode()
    assert "còn thiếu 1 người" in html
    assert '<td class="text-end text-nowrap">98,49998%' in html  # the value; 98,5% is the target beside it


def test_boards_are_shared_until_the_next_write(
    client, users, tree, programme, chip_ids, put_value, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """A second viewer reuses the computed board; a saved figure is shown at once."""
    put_value(chip_ids, tree.hanoi, "2026-11", 900, 1000)
    client.force_login(users.leader_hanoi)
    assert "90,0%" in client.get(unit_url(programme, "01")).content.decode()
    other = client.__class__()
    other.force_login(users.officer_hanoi)
    with django_assert_max_num_queries(
        9
    ) as shared:  # + 2: the permission check of roles.policy (the user's and the groups' permissions, once per request)
        other.get(unit_url(programme, "01"))
    assert not any("indicators_indicatorvalue" in q["sql"] for q in shared.captured_queries)
    data = {"ky": "2026-11", f"i{chip_ids.pk}-numerator": "950", f"i{chip_ids.pk}-denominator": "1000"}
    with django_capture_on_commit_callbacks(execute=True):  # the boards are dropped once the write commits
        assert other.post(entry_url(programme, "01"), data).status_code == 302
    assert "95,0%" in client.get(unit_url(programme, "01")).content.decode()
