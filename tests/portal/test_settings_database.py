"""Database settings that the pages' speed depends on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT; SQLite has none")
def test_postgresql_connections_do_not_jit_compile_the_pages_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner costs")
def test_postgresql_plans_for_solid_state_disks():
    """Index probes priced as on an SSD: a province's figures read its units' tasks, not every task."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
