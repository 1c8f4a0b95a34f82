"""Two volunteers taking the last place on a shift at the same moment: two threads, each with
its own database connection, released together. On SQLite the test database is copied to a
file (threads cannot share the in-memory one); on PostgreSQL the shift's row lock does the
work."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from django.db import connection, connections

from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.models import CommunityEvent, ShiftSignup
from bibliohub.community.services import volunteers

from .conftest import AT, local


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings = connection.settings_dict
    memory_name = settings["NAME"]
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "community.sqlite3")
    connection.connection.backup(target)
    target.close()
    keep_alive = sqlite3.connect(memory_name, uri=True)
    settings["NAME"] = str(tmp_path / "community.sqlite3")
    connection.close()
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = memory_name
        connection.ensure_connection()
        keep_alive.close()


def at_once(*calls):
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            start.wait()
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


@pytest.mark.parametrize("attempt", range(3))
def test_two_volunteers_taking_the_last_place_at_once_only_one_gets_it(
    shared_database, attempt, anna, bohdan, central
):
    volunteers.set_consent(bohdan, given=True, staff=None, at=AT)
    shift = volunteers.save_shift(None, branch=central, title="Book sale", starts_at=local(2026, 12, 5, 10),
                                  ends_at=local(2026, 12, 5, 13), capacity=1, staff=None, at=AT)

    def sign_up(volunteer):
        return lambda: volunteers.sign_up(shift, volunteer=volunteer, staff=None, at=AT)

    outcomes = at_once(sign_up(anna), sign_up(bohdan))
    won = [o for o in outcomes if isinstance(o, ShiftSignup)]
    lost = [o for o in outcomes if isinstance(o, CommunityRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].reasons == [Reason.SHIFT_FULL]
    assert ShiftSignup.objects.filter(shift=shift).count() == 1
    assert CommunityEvent.objects.filter(kind=CommunityEvent.Kind.SIGNED_UP).count() == 1
