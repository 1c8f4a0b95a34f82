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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Model


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


# Fields whose conversion of a value of the given type changes nothing but, for integers,
# the backend's own adaptation (psycopg's sized integers): exactly these classes, none of
# their subclasses, which may convert otherwise.
_INTEGERS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)
_AS_IS: dict[type, type] = {models.CharField: str, models.TextField: str, models.BooleanField: bool}

Preparer = Callable[[Model, BaseDatabaseWrapper], Any]


def _usual(field: models.Field) -> Preparer:
    def usual(obj: Model, connection: BaseDatabaseWrapper) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return usual


def _preparer(field: models.Field) -> Preparer:
    """How insert() gets `field` of an instance ready to send on a connection: what save()
    does, field.get_db_prep_save(field.pre_save(obj, True), connection). For a text,
    boolean or integer field holding a value of the type the field converts to, the result
    is the value itself (integers adapted by the backend, as Django adapts them), reached
    here without Django's five layers of calls per field: half the cost of inserting a wide
    row such as a history entry. Any other value, and any other field, goes the usual way."""
    attname = field.attname
    usual = _usual(field)
    kind = type(field)
    if kind in _INTEGERS:
        internal_type = field.get_internal_type()

        def integer(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = getattr(obj, attname)
            if value is None:
                return None
            if type(value) is int:
                return connection.ops.adapt_integerfield_value(value, internal_type)
            return usual(obj, connection)

        return integer
    if kind in _AS_IS:
        plain = _AS_IS[kind]

        def as_is(obj: Model, connection: BaseDatabaseWrapper) -> Any:
            value = getattr(obj, attname)
            return value if type(value) is plain else usual(obj, connection)

        return as_is
    return usual


_INSERTS: dict[tuple[str, type[Model], str | None], tuple[str, list[Preparer], bool]] = {}


def insert(obj: Model, *, using: str = "default", unless_conflict: str | None = None) -> bool:
    """Insert `obj` (a new instance with an automatic primary key) in one statement and set
    its primary key: what save(force_insert=True) does, without building the query each time.
    Sends no signals; fields' pre_save (auto_now, defaults) and value conversion run as in
    save().

    `unless_conflict` is the conflict target of a unique index, e.g. '("item_id") WHERE
    "returned_at" IS NULL': a row that would violate it is not inserted and False is
    returned, the transaction intact (no savepoint needed on PostgreSQL, where a violation
    would abort the whole transaction). True when the row was inserted."""
    connection = connections[using]
    model = type(obj)
    key = (connection.vendor, model, unless_conflict)
    if key not in _INSERTS:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if f is not meta.pk]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        returning = connection.features.can_return_columns_from_insert
        if unless_conflict is not None and not returning:
            raise NotImplementedError("unless_conflict needs INSERT … RETURNING")
        sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({marks})"
        if unless_conflict is not None:
            sql += f" ON CONFLICT {unless_conflict} DO NOTHING"
        if returning:
            sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
        _INSERTS[key] = (sql, [_preparer(f) for f in fields], returning)
    sql, preparers, returning = _INSERTS[key]
    params = [prepare(obj, connection) for prepare in preparers]
    with repeated_cursor(using) as cursor:
        cursor.execute(sql, params)
        if returning:
            row = cursor.fetchone()
            if row is None:  # the conflict: nothing inserted
                return False
            pk = row[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return True
