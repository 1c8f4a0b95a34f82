"""The API answers as its OpenAPI document says: schemathesis generates requests from the
document (valid ones, and invalid ones that must be refused) and checks every answer against
it: a status the document lists, a body that matches the schema of that status, no server
error. Bounded and seeded, so it runs in seconds and the same way every time, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

try:
    import schemathesis
except ImportError:  # pragma: no cover - a missing install step, said as such
    pytest.fail(
        "schemathesis is not installed: run `make test` or scripts/setup.sh, which install "
        "the development dependencies of pyproject.toml.",
        pytrace=False,
    )

OPENAPI = "/api/v1/openapi.json"
# Examples per operation: enough for every parameter to take odd values, few enough that the
# whole test takes seconds.
EXAMPLES = 30


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


# The document as the API serves it (reading it touches no table).
schema = schemathesis.openapi.from_wsgi(OPENAPI, _TestWSGIHandler())


@pytest.fixture(autouse=True)
def _catalogue(db, indexed, network, central, riverside):
    """Records with copies in both branches, so that ids and filters can find something."""


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_openapi_document_says(case):
    case.call_and_validate()
