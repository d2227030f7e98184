"""A token of one province gets 404 for another province's objects on every endpoint."""

import pytest

from api.authentication import TokenPrincipal
from api.selectors import api_tasks, api_units
from provinces.selectors import units_visible_to
from tasks.selectors import tasks_visible_to

# Every list endpoint that takes a unit, and what else it needs.
LISTS_BY_UNIT = [
    "/api/v1/units/?unit={code}",
    "/api/v1/crosswalk/?unit={code}",
    "/api/v1/tasks/?unit={code}",
    "/api/v1/snapshots/?unit={code}",
    "/api/v1/pccc-snapshots/?unit={code}",
    "/api/v1/assessments/?unit={code}",
]


@pytest.mark.parametrize("url", LISTS_BY_UNIT)
def test_list_filtered_by_another_provinces_unit_is_404(api, data, url):
    assert api(url.format(code="11296")).status_code == 404
    assert api(url.format(code="31")).status_code == 404


def test_another_provinces_unit_is_404(api, data):
    assert api("/api/v1/units/31/").status_code == 404
    assert api("/api/v1/units/11296/").status_code == 404


def test_another_provinces_task_is_404(api, data):
    assert api(f"/api/v1/tasks/{data.haiphong_task.pk}/").status_code == 404


def test_another_provinces_programme_is_404(api, data):
    assert api(f"/api/v1/programmes/{data.haiphong_plan.pk}/").status_code == 404
    assert api(f"/api/v1/snapshots/?programme={data.haiphong_plan.pk}").status_code == 404
    assert api(f"/api/v1/tasks/?programme={data.haiphong_plan.pk}").status_code == 404


def test_unfiltered_lists_hold_nothing_of_another_province(api, data):
    """No Hải Phòng code or name in any list a Hà Nội token reads."""
    for url in ["/api/v1/units/", "/api/v1/crosswalk/", "/api/v1/programmes/", "/api/v1/tasks/",
                "/api/v1/snapshots/", "/api/v1/pccc-snapshots/", "/api/v1/assessments/"]:  # fmt: skip
        body = api(url + "?page_size=1000").content.decode()
        assert "11296" not in body and "Hải Phòng" not in body and '"31"' not in body, url


def test_the_same_objects_are_readable_with_their_own_provinces_token(api, data, tokens):
    assert api(f"/api/v1/tasks/{data.haiphong_task.pk}/", secret=tokens.haiphong_secret).status_code == 200
    assert api("/api/v1/units/11296/", secret=tokens.haiphong_secret).status_code == 200


def test_token_scope_is_the_page_scope_of_a_user_of_the_same_unit(data, tokens, users):
    """The API reuses the pages' selectors: the same rows as a Hà Nội user."""
    principal = TokenPrincipal(tokens.hanoi)
    assert set(api_units(principal)) == set(units_visible_to(users.officer_hanoi))
    assert set(api_tasks(principal)) == set(tasks_visible_to(users.officer_hanoi))


def test_a_national_token_reads_every_province(api, data, tree):
    from .conftest import issue

    _token, secret = issue(None, name="Hệ thống báo cáo quốc gia")
    assert api(f"/api/v1/tasks/{data.haiphong_task.pk}/", secret=secret).status_code == 200
    codes = {row["code"] for row in api("/api/v1/units/?level=1", secret=secret).json()["results"]}
    assert codes == {"01", "31"}
