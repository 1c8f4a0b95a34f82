"""Real concurrency for tests: threads with their own database connections, released together
by a barrier. On SQLite this runs on a database file (WAL, as in production), not the shared
in-memory test database."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from django.db import connection, connections


@pytest.fixture
def on_a_database_file(transactional_db, tmp_path: Path):
    """For SQLite's in-memory test database, copy it to a file and point every new
    connection there for the test; other databases are used as they are."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings = connection.settings_dict
    memory_name = settings["NAME"]
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    # Keep the in-memory database alive while the test's connections point elsewhere.
    keeper = sqlite3.connect(memory_name, uri=True)
    settings["NAME"] = str(path)
    connection.close()  # only really closes once the name is no longer in-memory
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = memory_name
        connection.ensure_connection()  # before the keeper goes, or the database goes too
        keeper.close()


def race(*calls):
    """Run the calls in threads released at the same moment; each outcome is a result or the
    exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as e:  # the outcome under test
            outcomes[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes
