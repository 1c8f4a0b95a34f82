"""Cursors for repeated statements: prepared on PostgreSQL, ordinary elsewhere."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from bibliohub.catalog.models import ItemType
from bibliohub.db import repeated_cursor

pytestmark = pytest.mark.django_db


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_repeated_statement_gives_the_same_rows_as_an_ordinary_cursor():
    ItemType.objects.create(code="dvd", name="DVD")
    sql = f"SELECT code, name FROM {ItemType._meta.db_table} WHERE code = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["dvd"])
        expected = cursor.fetchall()
    for _ in range(7):
        with repeated_cursor() as cursor:
            cursor.execute(sql, ["dvd"])
            assert cursor.fetchall() == expected == [("dvd", "DVD")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_postgresql_keeps_a_statement_prepared_after_five_runs():
    sql = f"SELECT count(*) FROM {ItemType._meta.db_table} WHERE code = %s"
    for n in range(6):
        with repeated_cursor() as cursor:
            cursor.execute(sql, [f"code{n}"])
    assert any("WHERE code = $1" in statement for statement in _prepared_statements())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_ordinary_cursors_never_prepare():
    sql = f"SELECT count(*) FROM {ItemType._meta.db_table} WHERE name = %s"
    for n in range(8):
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"name{n}"])
    assert not any("WHERE name =" in statement for statement in _prepared_statements())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_prepared_statements_can_be_switched_off_for_a_pooler():
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("prepare_threshold")
    options["prepare_threshold"] = None
    try:
        sql = f"SELECT count(*) FROM {ItemType._meta.db_table} WHERE code <> %s"
        for n in range(8):
            with repeated_cursor() as cursor:
                cursor.execute(sql, [f"x{n}"])
        assert not any("WHERE code <>" in statement for statement in _prepared_statements())
    finally:
        options["prepare_threshold"] = saved


def test_errors_arrive_as_django_errors_and_leave_the_transaction_usable():
    ItemType.objects.create(code="map", name="Map")
    sql = f"INSERT INTO {ItemType._meta.db_table} (code, name, names) VALUES (%s, %s, %s)"
    for _ in range(6):  # past the point where PostgreSQL prepares it
        with pytest.raises(IntegrityError), transaction.atomic(), repeated_cursor() as cursor:
            cursor.execute(sql, ["map", "Map again", "{}"])
    assert ItemType.objects.filter(code="map").count() == 1
    with pytest.raises(DatabaseError), transaction.atomic(), repeated_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM " + ItemType._meta.db_table)
    assert ItemType.objects.count() >= 1
