"""The read API's endpoints: what each answers, with its filters, for a Hà Nội token."""

import datetime

from api.pagination import MAX_PAGE_SIZE


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_units_list_the_tokens_subtree_only(api, tree):
    codes = {row["code"] for row in rows(api("/api/v1/units/"))}
    assert codes == {"01", "00070", "00004", "08974"}


def test_units_filter_by_unit_is_its_subtree(api, tree):
    codes = {row["code"] for row in rows(api("/api/v1/units/?unit=00070"))}
    assert codes == {"00070"}


def test_unit_detail_by_code(api, tree):
    response = api("/api/v1/units/00070/")
    assert response.status_code == 200
    assert response.json()["parent"] == "01"


def test_programmes_are_those_the_pages_show(api, data):
    names = {row["name"] for row in rows(api("/api/v1/programmes/"))}
    assert names == {"Đề án 06 năm 2026"}


def test_task_shows_the_five_clear_fields_and_only_name_and_title_of_the_officer(api, data):
    task = next(row for row in rows(api("/api/v1/tasks/")) if row["id"] == data.hanoi_task.pk)
    assert task["accountable_officer"] == {"name": "Nguyễn Văn A", "title": "Phó Trưởng phòng"}
    assert task["lead_agency"] == "Công an thành phố Hà Nội"
    assert task["deadline"] == "2026-12-31"
    assert task["status"] == "chua_trien_khai"
    assert "a@example.vn" not in str(task) and "canbo.hanoi" not in str(task)


def test_tasks_filter_by_unit_status_and_deadline(api, data):
    assert [r["id"] for r in rows(api("/api/v1/tasks/?unit=00004"))] == [data.late_task.pk]
    assert [r["id"] for r in rows(api("/api/v1/tasks/?deadline_to=2026-07-01"))] == [data.late_task.pk]
    assert len(rows(api("/api/v1/tasks/?status=chua_trien_khai"))) == 2
    assert rows(api("/api/v1/tasks/?status=hoan_thanh")) == []


def test_completion_snapshots_per_unit_and_date(api, data):
    found = rows(api("/api/v1/snapshots/?level=3&date=2026-11-28"))
    assert {row["unit"] for row in found} >= {"00070", "00004"}
    assert all(row["date"] == "2026-11-28" and row["level"] == 3 for row in found)
    assert all(row["programme"] == data.national.pk for row in found)


def test_assessments_carry_the_verdict_of_the_one_rule(api, data):
    found = {row["unit"]["code"]: row for row in rows(api("/api/v1/assessments/?period=2026-10"))}
    assert found["00070"]["verdict"] is True
    assert found["00004"]["verdict"] is False
    assert "11296" not in found


def test_cursor_pagination_walks_every_row_once(api, data):
    first = api("/api/v1/units/?page_size=2").json()
    second = api(first["next"].replace("http://testserver", "")).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert len(codes) == len(set(codes)) == 4


def test_crosswalk_list_answers(api, tree):
    assert rows(api("/api/v1/crosswalk/")) == []


def test_criteria_sets_list_their_criteria(api, data):
    response = api(f"/api/v1/criteria-sets/{data.criteria_set.code}/")
    assert [c["code"] for c in response.json()["criteria"]] == ["TC1"]


def test_pccc_snapshots_of_the_province(api, data):
    found = rows(api("/api/v1/pccc-snapshots/?unit=01&level=1"))
    assert [row["unit"] for row in found] == ["01"]


# Bad input --------------------------------------------------------------------------------


def test_unknown_filter_is_400_naming_it(api, tree):
    response = api("/api/v1/units/?provice=01")
    assert response.status_code == 400
    assert response.json()["parameter"] == "provice"


def test_malformed_date_is_400_naming_it(api, data):
    response = api("/api/v1/snapshots/?date=28/11/2026")
    assert response.status_code == 400
    assert response.json()["parameter"] == "date"


def test_malformed_period_is_400_naming_it(api, data):
    response = api("/api/v1/assessments/?period=2026-13")
    assert response.status_code == 400
    assert response.json()["parameter"] == "period"


def test_page_size_above_the_limit_is_400_naming_it(api, tree):
    response = api(f"/api/v1/units/?page_size={MAX_PAGE_SIZE + 1}")
    assert response.status_code == 400
    assert response.json()["parameter"] == "page_size"


def test_bad_cursor_is_400_naming_it(api, tree):
    response = api("/api/v1/units/?cursor=zzz")
    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


def test_unknown_status_is_400(api, data):
    assert api("/api/v1/tasks/?status=xong").json()["parameter"] == "status"


# Conditional GET --------------------------------------------------------------------------


def test_same_etag_gets_304_without_body(api, data):
    first = api("/api/v1/snapshots/")
    assert first["ETag"] and first["Last-Modified"]
    again = api("/api/v1/snapshots/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_if_modified_since_the_last_change_gets_304(api, data):
    first = api("/api/v1/snapshots/")
    again = api("/api/v1/snapshots/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_changed_data_gets_a_new_etag(api, data):
    from dashboards.services import snapshot_rebuild

    first = api("/api/v1/snapshots/")
    snapshot_rebuild(as_of=datetime.date(2026, 11, 29))
    again = api("/api/v1/snapshots/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200


def test_fast_snapshot_rows_are_the_serializers_output(api, data):
    """The snapshot list writes rows without the serializer (speed); they must not drift from it."""
    from api.serializers import CompletionSnapshotSerializer
    from dashboards.models import CompletionSnapshot

    found = rows(api("/api/v1/snapshots/?unit=00070"))
    expected = CompletionSnapshotSerializer(
        CompletionSnapshot.objects.filter(pk__in=[r["id"] for r in found]).order_by("id"), many=True
    ).data
    assert found == [dict(row) for row in expected]


def test_snapshot_answers_are_reused_until_the_next_recompute(api, data):
    from dashboards.models import CompletionSnapshot
    from dashboards.services import snapshot_rebuild

    first = rows(api("/api/v1/snapshots/?date=2026-11-28"))
    CompletionSnapshot.objects.filter(date=datetime.date(2026, 11, 28)).update(tasks_total=99)
    assert rows(api("/api/v1/snapshots/?date=2026-11-28")) == first  # same generation: the kept answer
    snapshot_rebuild(as_of=datetime.date(2026, 11, 29))  # a new run bumps the generation
    assert rows(api("/api/v1/snapshots/?date=2026-11-28"))[0]["tasks_total"] == 99


def test_snapshot_answers_are_kept_per_token_scope(api, data, tokens):
    hanoi = {row["unit"] for row in rows(api("/api/v1/snapshots/"))}
    haiphong = {row["unit"] for row in rows(api("/api/v1/snapshots/", secret=tokens.haiphong_secret))}
    assert "11296" in haiphong and "11296" not in hanoi
