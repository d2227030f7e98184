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
