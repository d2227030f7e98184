"""schemathesis against the API's own OpenAPI schema, through the WSGI app, with a Hà Nội token.

Each operation gets generated queries (filters, cursors, page sizes, path codes); every answer
must be no server error and must match the schema: a documented status, the documented
content type, headers and body. Generation runs inside the test's transaction, on the demo-like
rows of ``data``.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, assume, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def test_connection_kept():
    """Calls through the bare WSGI app end with ``request_finished``, whose ``close_old_connections``
    would close the test's own database connection (and its transaction) on PostgreSQL. Django's
    test client unhooks it around each request; the WSGI transport does not, so unhook it here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(test_connection_kept, data, settings):
    # The generated calls must not hit the per-token limit (tested in test_tokens.py).
    settings.API_TOKEN_RATE = "100000/min"
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


# schemathesis' pytest integration (``from_fixture``) reads a node attribute pytest 9 removed;
# each operation's Hypothesis strategy is driven here instead, which is the same generation.
EXAMPLES_PER_OPERATION = 25


def test_every_operation_conforms_to_its_schema_and_never_errs(api_schema, tokens):
    # identity: the WSGI transport hands back the raw body, and pages are gzipped when a client accepts it.
    headers = {"Authorization": f"Bearer {tokens.hanoi_secret}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def conforms(case):
            # A NUL anywhere in the URL is refused before any view by portal.middleware's
            # NulCharacterMiddleware (a plain-text 400 for the whole site, tested in tests/portal).
            values = [*(case.path_parameters or {}).items(), *(case.query or {}).items()]
            assume(not any("\x00" in f"{key}{value}" for key, value in values))
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()


def test_schema_lists_every_endpoint(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert set(paths) == {
        "/api/v1/units/", "/api/v1/units/{code}/", "/api/v1/crosswalk/", "/api/v1/programmes/",
        "/api/v1/programmes/{id}/", "/api/v1/tasks/", "/api/v1/tasks/{id}/", "/api/v1/snapshots/",
        "/api/v1/pccc-snapshots/", "/api/v1/criteria-sets/", "/api/v1/criteria-sets/{code}/",
        "/api/v1/assessments/",
    }  # fmt: skip
