"""The facet table's storage: what a bulk import has to keep up per facet row."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_facet_rows_have_no_index_by_record_beside_the_primary_key_that_starts_with_it():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "search_facet")
    indexes = sorted(tuple(c["columns"]) for c in constraints.values() if c["index"] and not c["primary_key"])
    assert indexes == [("facet", "value", "record_id")]


def test_on_sqlite_facet_rows_live_in_the_primary_key_without_a_rowid_table():
    if connection.vendor != "sqlite":
        pytest.skip("WITHOUT ROWID is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_facet'")
        (sql,) = cursor.fetchone()
    assert sql.rstrip().upper().endswith("WITHOUT ROWID")
