"""The API answers as its OpenAPI document says: schemathesis generates requests for every
operation of the document (valid ones, and invalid ones that must be refused) and checks
every answer against it with all its checks: no server error, a status the document lists,
a content type and a body that match what the document says of that status, invalid
requests refused and valid ones accepted, a 405 for a method the path does not have.

The requests go to the project's WSGI application in the test's process, over the small
named world of the catalogue tests (three records in three scripts, copies in two branches,
in the search index). The API is public and read-only, so no request signs in. Bounded and
derandomized, so it takes seconds and asks the same questions every time, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import importlib
import pkgutil
import zlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

import bibliohub
from bibliohub.accounts.services import issue_api_token
from bibliohub.daybook.services import add_counter
from bibliohub.history import Actor

try:
    import schemathesis
except ImportError:  # pragma: no cover - a missing install step, said as such
    pytest.fail(
        "schemathesis is not installed: run `make test` or scripts/setup.sh, which install "
        "the development dependencies of pyproject.toml.",
        pytrace=False,
    )

OPENAPI = "/api/v1/openapi.json"
# Examples per operation for the generated phase (the explicit and coverage phases add their
# own, a few dozen per operation): enough for every parameter to take odd values, few enough
# that the whole test takes seconds.
EXAMPLES = 30
SEED = 20261125
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class _TestWSGIHandler(WSGIHandler):
    """The project's WSGI application, answering inside the test's transaction: the
    connection is not closed at the end of each request (as Django's test client arranges
    too), or the test's data would go with it."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return super().__call__(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


# The same questions in every run, whatever else the run holds. Three things would vary:
# - schemathesis draws a seed for each run (and each xdist controller) unless given one;
# - it feeds values seen in answers back into generation, and the database gives the ids
#   (PostgreSQL's sequences run on from test to test): off, map_case below asks for the
#   world's records instead;
# - Hypothesis draws now and then from the constants of the project's modules imported so
#   far, which depends on the tests run before in the process: all of them are imported here.
CONFIG = {
    "seed": SEED,
    "phases": {
        phase: {"extra-data-sources": {"responses": False}}
        for phase in ("examples", "coverage", "fuzzing")
    },
}
for _module in pkgutil.walk_packages(bibliohub.__path__, "bibliohub."):
    if not _module.name.endswith(".__main__"):
        importlib.import_module(_module.name)

# The document as the API serves it (reading it touches no table), with the test's own
# configuration (no schemathesis.toml found on the way is read).
schema = schemathesis.openapi.from_wsgi(
    OPENAPI, _TestWSGIHandler(), config=schemathesis.Config.from_dict(CONFIG)
)

# The ids of the world's records, set for each test: the database gives them.
_records: list[int] = []
# The credentials of the world: a network manager's API token (indicators) and a gate
# counter's token (its counts), set for each test.
_tokens: dict[str, str] = {}
# Operations behind credentials: valid requests carry them three times in four. Their 200
# needs figures of a year the world has, which random questions seldom ask for; that answer
# is checked in tests/measures, so here only what they do answer is checked, not that they
# answered 200.
_STAFF_PATHS = ("/indicators",)
_COUNTER_PATHS = ("/daybook/",)
# Per operation, the statuses it answered, to tell an operation whose answers were never
# checked against the schema of its 200.
_statuses: dict[str, set[int]] = defaultdict(set)


@schema.hook
def map_case(context, case):
    """A valid request for a record asks for one of the world's records three times in four
    (and for an id that may be no record's otherwise): ids drawn from all the integers would
    find none, and the answers of a record, its copies and its MARC would never be checked."""
    record_id = (case.path_parameters or {}).get("record_id")
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if positive and case.query:
        # One period at a time: a quarter, a month or a term (several is a 400 the document
        # cannot express as a schema).
        for extra in [k for k in ("quarter", "month", "term") if case.query.get(k) is not None][1:]:
            del case.query[extra]
    if _records and positive and isinstance(record_id, int) and not isinstance(record_id, bool):
        slot = record_id % (len(_records) + 1)
        if slot < len(_records):
            case.path_parameters["record_id"] = _records[slot]
    return case


def _credentials(case) -> str | None:
    """The token a valid request to an operation behind credentials carries, three times in
    four; None for a public operation, an invalid request or one with credentials of its own."""
    path = case.operation.path
    token = (
        _tokens.get("staff") if any(p in path for p in _STAFF_PATHS)
        else _tokens.get("counter") if any(p in path for p in _COUNTER_PATHS)
        else None
    )
    positive = case.meta is None or case.meta.generation.mode.is_positive
    generated = any(k.lower() == "authorization" for k in (case.headers or {}))
    if token is None or not positive or generated:
        return None
    return token if zlib.crc32(f"{path}{case.query}{case.body}".encode()) % 4 else None


@pytest.fixture(autouse=True)
def _catalogue(db, indexed, manager, central) -> Iterator[None]:
    """Records with copies in both branches (one withdrawn, some on loan), indexed, so that
    ids and filters find something; a manager's token and a gate counter's."""
    _records[:] = [record.pk for record in indexed]
    actor = Actor.for_staff(manager)
    _, _tokens["staff"] = issue_api_token(manager, name="reports", actor=actor, at=AT)
    _, _tokens["counter"] = add_counter(central, name="Main door", actor=actor, at=AT)
    yield
    _records.clear()
    _tokens.clear()


@pytest.fixture(scope="module", autouse=True)
def _every_operation_answered_200() -> Iterator[None]:
    yield
    unchecked = sorted(
        label
        for label, statuses in _statuses.items()
        if 200 not in statuses and not any(p in label for p in (*_STAFF_PATHS, *_COUNTER_PATHS))
    )
    _statuses.clear()
    assert not unchecked, f"Never answered 200, so never checked against its schema: {unchecked}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_openapi_document_says(case):
    token = _credentials(case)
    if token is None:
        response = case.call_and_validate()
    else:  # given explicitly, so that schemathesis also tries the request without them
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
    _statuses[case.operation.label].add(response.status_code)
