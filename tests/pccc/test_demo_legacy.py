"""seed_demo's PCCC history before the reform (issue 14 item 5): old Nam Định's communes in 2024."""

import datetime
import io

import pytest
from django.core.management import call_command

from dashboards.models import PcccSnapshot
from dashboards.services import snapshot_rebuild
from pccc.models import Assessment, CriteriaSet
from pccc.selectors import unit_results

from .test_legacy_units import nam_dinh  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_gives_old_nam_dinhs_communes_2024_values_seen_under_ninh_binh_and_by_old_district(
    settings,
    tree,
    nam_dinh,  # noqa: F811
):
    ninh_binh, old = nam_dinh
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    values = Assessment.objects.filter(unit__path__startswith=old.path)
    assert set(values.values_list("period", flat=True)) == {"2024-06", "2024-12", "2024"}  # TC3 is yearly
    assert values.values("unit").distinct().count() == 4  # every old commune of the fixture

    snapshot_rebuild(as_of=datetime.date(2026, 11, 15))
    criteria_set = CriteriaSet.objects.get(code="tinh-an-toan-pccc")
    today = PcccSnapshot.objects.get(criteria_set=criteria_set, scope_path=ninh_binh.path, date="2026-11-15")
    assert today.units_total == 2 and today.criteria["TC1"]["denominator"] > 0
    before = unit_results(criteria_set=criteria_set, unit=old, period=None, today=datetime.date(2025, 6, 30))
    assert before.levels[0].units_total == 3  # three old districts
