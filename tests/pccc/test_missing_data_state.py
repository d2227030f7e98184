"""Issue 19 item 8: a unit whose values are partly missing reads "chưa đủ số liệu (n/N đã báo cáo)",
not "Chưa đạt" (✗). The state is decided once, in pccc.evaluation.unit_verdict."""

import pytest

from pccc.evaluation import UnitState, unit_passes, unit_verdict
from pccc.services import CellInput
from provinces.choices import UnitLevel

from .test_views import PERIOD, fill, passing_commune, results_url

pytestmark = pytest.mark.django_db


def criteria_results(pccc, **by_code):
    criteria = [pccc.households, pccc.fires, pccc.serious, pccc.villages, pccc.groups]
    codes = {"households": pccc.households, "fires": pccc.fires, "serious": pccc.serious, "villages": pccc.villages}
    return criteria, {codes[name].pk: outcome for name, outcome in by_code.items()}


def test_some_values_missing_and_none_failing_is_not_enough_data(pccc):
    criteria, results = criteria_results(pccc, households=True, fires=True)
    verdict = unit_verdict(level=UnitLevel.COMMUNE, criteria=criteria, results=results)
    # Four criteria count (CS1 is tracking only); two were reported.
    assert (verdict.state, verdict.reported, verdict.required) == (UnitState.INCOMPLETE, 2, 4)
    assert verdict.label == "chưa đủ số liệu (2/4 đã báo cáo)"
    assert verdict.colour == "warning"


def test_a_failing_value_fails_whatever_else_is_missing(pccc):
    criteria, results = criteria_results(pccc, households=False)
    assert unit_verdict(level=UnitLevel.COMMUNE, criteria=criteria, results=results).state == UnitState.FAILS


def test_every_value_met_passes_and_none_reported_is_not_judged(pccc):
    criteria, results = criteria_results(pccc, households=True, fires=True, serious=True, villages=True)
    assert unit_verdict(level=UnitLevel.COMMUNE, criteria=criteria, results=results).state == UnitState.PASSES
    assert unit_verdict(level=UnitLevel.COMMUNE, criteria=criteria, results={}).state == UnitState.NOT_REPORTED


def test_the_pass_rule_is_unchanged_an_incomplete_unit_does_not_pass(pccc):
    """unit_passes (the nightly counts) reads the same verdict: incomplete is not a pass."""
    criteria, results = criteria_results(pccc, households=True)
    assert unit_passes(level=UnitLevel.COMMUNE, criteria=criteria, results=results) is False
    assert unit_passes(level=UnitLevel.COMMUNE, criteria=criteria, results={}) is None


def test_the_province_page_says_not_enough_data_instead_of_a_fail(client, users, tree, pccc):
    fill(
        users.officer_hanoi,
        pccc,
        tree.hanoi,
        [
            *passing_commune(pccc, tree.badinh),
            CellInput(pccc.households.pk, tree.hoankiem.pk, value=100, denominator=100),  # 1 of 4 reported
        ],
    )
    client.force_login(users.leader_hanoi)
    response = client.get(results_url(pccc), {"ky": PERIOD})
    html = response.content.decode()
    (level,) = response.context["results"].levels
    states = {row.unit.code: row.verdict.state for row in level.units}
    assert states == {"00004": UnitState.PASSES, "00070": UnitState.INCOMPLETE, "08974": UnitState.NOT_REPORTED}
    hoankiem_row = html.split("Phường Hoàn Kiếm</a>", 1)[1].split("</tr>", 1)[0]
    assert "chưa đủ số liệu (1/4 đã báo cáo)" in hoankiem_row
    assert "Chưa đạt" not in hoankiem_row
    assert "1 chưa đủ số liệu" in html  # the level's summary line counts them


def test_a_commune_page_shows_its_own_missing_data_state(client, users, tree, pccc):
    fill(users.officer_hanoi, pccc, tree.hanoi, [CellInput(pccc.fires.pk, tree.hoankiem.pk, value=0, denominator=10)])
    client.force_login(users.officer_hoankiem)
    response = client.get(results_url(pccc, "00070"), {"ky": PERIOD})
    assert response.context["results"].own_verdict.state == UnitState.INCOMPLETE
    assert "chưa đủ số liệu (1/4 đã báo cáo)" in response.content.decode()
