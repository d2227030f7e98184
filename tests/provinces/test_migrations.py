"""The migration that adds the path constraint first repairs the paths admin used to save."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("provinces", "0001_initial")]
AFTER = [("provinces", "0003_unit_path_follows_code")]


@pytest.mark.django_db(transaction=True)
def test_paths_saved_by_the_old_admin_are_rebuilt_from_the_parents():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        Unit = executor.loader.project_state(BEFORE).apps.get_model("provinces", "AdministrativeUnit")
        hanoi = Unit.objects.create(code="01", name="Hà Nội", kind="thanh_pho_tw", level=1, path="/01/")
        haiphong = Unit.objects.create(code="31", name="Hải Phòng", kind="thanh_pho_tw", level=1, path="/31/")
        Unit.objects.create(code="09999", name="Xã thêm trong admin", kind="xa", level=3, parent=hanoi, path="")
        # Only one current unit could have the empty path (paths are unique among current units).
        Unit.objects.create(code="99", name="Tỉnh cũ", kind="tinh", level=1, path="", valid_to="2025-06-30")
        # Moved to Hải Phòng in admin: the old admin kept the Hà Nội path.
        Unit.objects.create(code="08974", name="Xã chuyển", kind="xa", level=3, parent=haiphong, path="/01/08974/")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        paths = dict(Unit.objects.values_list("code", "path"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert paths == {"01": "/01/", "31": "/31/", "09999": "/01/09999/", "99": "/99/", "08974": "/31/08974/"}


@pytest.mark.django_db(transaction=True)
def test_the_search_name_is_backfilled_for_units_that_existed_before():
    before = [("provinces", "0003_unit_path_follows_code")]
    after = [("provinces", "0004_unit_search_name")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        Unit = executor.loader.project_state(before).apps.get_model("provinces", "AdministrativeUnit")
        hanoi = Unit.objects.create(code="01", name="Thành phố Hà Nội", kind="thanh_pho_tw", level=1, path="/01/")
        Unit.objects.create(
            code="00070", name="Phường Hoàn Kiếm", kind="phuong", level=3, parent=hanoi, path="/01/00070/"
        )
        Unit.objects.create(code="13972", name="Xã Giao Thuỷ", kind="xa", level=3, parent=hanoi, path="/01/13972/")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        Unit = executor.loader.project_state(after).apps.get_model("provinces", "AdministrativeUnit")
        search_names = dict(Unit.objects.values_list("code", "search_name"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert search_names == {"01": "ha noi", "00070": "hoan kiem", "13972": "giao thuy"}


@pytest.mark.django_db(transaction=True)
def test_the_word_starts_are_backfilled_for_units_that_existed_before():
    before = [("provinces", "0007_grant_crosswalk_permissions")]
    after = [("provinces", "0008_unit_search_terms_by_word_start")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        Unit = executor.loader.project_state(before).apps.get_model("provinces", "AdministrativeUnit")
        hanoi = Unit.objects.create(code="01", name="Thành phố Hà Nội", kind="thanh_pho_tw", level=1, path="/01/")
        Unit.objects.create(
            code="00004", name="Phường Ba Đình", kind="phuong", level=3, parent=hanoi, path="/01/00004/"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        Term = executor.loader.project_state(after).apps.get_model("provinces", "UnitSearchTerm")
        terms = sorted(Term.objects.values_list("unit__code", "term"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert terms == [
        ("00004", "ba dinh"),
        ("00004", "dinh"),
        ("00004", "phuong ba dinh"),
        ("01", "ha noi"),
        ("01", "noi"),
        ("01", "pho ha noi"),
        ("01", "thanh pho ha noi"),
    ]
