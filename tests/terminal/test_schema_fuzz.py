"""R6: schemathesis over the OpenAPI schema of every endpoint: no 5xx, every error in the
documented shape."""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from rest_framework.renderers import JSONRenderer

from .conftest import make_till

pytestmark = pytest.mark.django_db


def api_schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(generated)))


def check_answer(response):
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert {"code", "message", "field"} <= set(body["error"]), body


@pytest.fixture
def keep_test_connection():
    """Django closes the connection at the end of a WSGI request when it is inside a
    transaction (the test's); its own test client suspends that, schemathesis does not."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("keep_test_connection")
@pytest.mark.parametrize("kind", ["terminal", "kiosk"])
def test_no_server_errors_and_documented_error_shape(kind, settings):
    settings.PERKLINE_THROTTLE_CODES = "100000/min"
    settings.PERKLINE_OTP_PHONE_RATE = settings.PERKLINE_OTP_ADDRESS_RATE = "100000/min"
    till = make_till(kind=kind)
    app = get_wsgi_application()
    schema = api_schema()
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if f"/api/v1/{kind}/" in result.ok().path
    ]
    assert operations
    statuses = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {till.key}"}
            response = case.call(app=app)
            statuses.append(response.status_code)
            check_answer(response)

        run()
    # The run really exercised the API: many calls, and authenticated ones got through.
    assert len(statuses) >= 5 * len(operations)
    if kind == "terminal":  # kiosk calls need a customer token the fuzzer cannot invent
        assert any(200 <= status < 300 for status in statuses)
    assert any(status == 400 for status in statuses)
