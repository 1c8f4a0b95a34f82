"""Copy a benchmark database from SQLite to PostgreSQL, table by table, so that the same data
can be measured on both databases without generating and rolling it up a second time.

    url=$(scripts/pg-test-cluster.sh start /tmp/bench-pg 55490)
    .venv/bin/python bench/copy_to_postgres.py --from /tmp/bench-history/db.sqlite3 --to $url
    .venv/bin/python bench/dashboard.py --db $url

The PostgreSQL database is migrated first, so its tables are Bibliohub's own (types,
constraints, indexes); then every table both databases have is emptied and filled from
SQLite with COPY, its secondary indexes dropped during the copy and built again after it, its
sequences set past the highest id, and the tables analysed. Both databases must be at the same
migrations; the copy stops with the difference when they are not.

Values go through as text, which PostgreSQL parses by the column's type: SQLite's 0/1 become
booleans, its UTC date-time strings timestamps (the session's time zone is UTC), its JSON text
jsonb, its hexadecimal UUIDs uuids. Foreign keys are not checked during the copy (the session
runs as a replica), since the tables go in no particular order; the data were consistent in
SQLite.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 20_000


def _setup_django(url: str) -> None:
    os.environ["BIBLIOHUB_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _migrations(source: sqlite3.Connection, cursor) -> None:
    theirs = set(source.execute("SELECT app, name FROM django_migrations").fetchall())
    cursor.execute("SELECT app, name FROM django_migrations")
    ours = set(cursor.fetchall())
    if theirs != ours:
        missing = sorted(ours - theirs)[:5]
        extra = sorted(theirs - ours)[:5]
        raise SystemExit(
            f"the databases are at different migrations: not applied in SQLite {missing}, "
            f"unknown to this code {extra}; migrate the SQLite database first"
        )


def _copy_table(source: sqlite3.Connection, cursor, table: str) -> int:
    from psycopg import sql

    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s",
        [table],
    )
    target_columns = {row[0] for row in cursor.fetchall()}
    columns = [
        row[1]
        for row in source.execute(f'PRAGMA table_info("{table}")').fetchall()
        if row[1] in target_columns
    ]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    cursor.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.Identifier(table)))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    selected = ", ".join(f'"{c}"' for c in columns)
    rows = 0
    with cursor.copy(statement) as copy:
        reader = source.execute(f'SELECT {selected} FROM "{table}"')
        while batch := reader.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
            if rows % 1_000_000 < BATCH:
                print(f"  {table}: {rows:,}", file=sys.stderr, flush=True)
    for _name, definition in indexes:
        cursor.execute(definition)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--from", dest="source", required=True, help="the SQLite database file")
    parser.add_argument("--to", dest="target", required=True, help="postgres://… URL")
    args = parser.parse_args()
    if not Path(args.source).is_file():
        raise SystemExit(f"{args.source}: no such SQLite database")
    _setup_django(args.target)
    from django.core.management.color import no_style
    from django.db import connection

    source = sqlite3.connect(f"file:{args.source}?mode=ro", uri=True)
    source_tables = {
        row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    started = time.perf_counter()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        _migrations(source, cursor)
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        tables = sorted(set(connection.introspection.table_names(cursor)) & source_tables)
        for table in tables:
            t0 = time.perf_counter()
            rows = _copy_table(source, cursor, table)
            if rows:
                print(f"{table}: {rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        from django.apps import apps

        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"copied {len(tables)} tables in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
