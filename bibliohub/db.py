"""Cursors for statements a process runs again and again (the hot paths of circulation).

On PostgreSQL most of the server's time for a short statement is spent planning it, not
running it: a checkout's eighteen statements took 1.1 ms of planning against 0.4 ms of
execution (pg_stat_statements, track_planning on). A prepared statement is planned once per
connection and then only run. Django sends parameters bound on the client by default, which
cannot be prepared, and that default stays for every other query; `repeated_cursor` opens a
cursor that binds on the server, so psycopg prepares its statements (the connection's
`prepare_threshold`, set in settings from BIBLIOHUB_DATABASE_PREPARE). Behind a connection
pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21), set
BIBLIOHUB_DATABASE_PREPARE=off and these cursors are ordinary ones.

Use it only for statements whose text is the same from call to call with the values as
parameters, and whose best plan does not depend on the values (a lookup by key, an insert):
after five runs PostgreSQL may keep one generic plan for all values."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.utils import CursorWrapper


@contextmanager
def repeated_cursor(using: str = "default") -> Iterator[CursorWrapper]:
    """A cursor of connection `using` (in its current transaction, with Django's error
    translation and query logging) whose statements PostgreSQL keeps prepared."""
    connection = connections[using]
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
        # While queries are logged (DEBUG, or a test counting them) the usual cursor, whose
        # log shows each statement with its values.
        or connection.queries_logged
    ):
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    # What connection.cursor() does, with the server-binding cursor class instead of the
    # connection's default one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    cursor = connection._prepare_cursor(raw)  # type: ignore[attr-defined]
    with cursor:
        yield cursor
