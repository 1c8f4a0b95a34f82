"""Testing a data migration: go back to the state before it, write rows the way the code of
that time did (through the historical models), go forward, and look at what became of them.
The tests that use it are `django_db(transaction=True)`: migrations cannot run inside the
transaction a test is usually wrapped in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def before(app: str, migration: str) -> Iterator[Any]:
    """Migrate back to `app`'s `migration` (undoing what came after it) and give the
    historical apps of that state; on leaving, migrate everything forward again, so the
    next test finds the latest schema."""
    executor = MigrationExecutor(connection)
    target = [(app, migration)]
    executor.migrate(target)
    try:
        yield executor.loader.project_state(target).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def forward() -> None:
    """Apply every migration not applied yet."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
