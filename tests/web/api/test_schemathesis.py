"""The API against its own OpenAPI document, fuzzed by schemathesis (in process, over WSGI):
whatever is sent, no 5xx, and every response has a documented status, content type and
shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portcullis.web.accounts.scopes import Scope
from portcullis.web.usecases.accounts import issue_token
from portcullis.web.usecases.actor import Actor

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes "old" connections around each request; inside a test's transaction that
    would close the test's own. Its test client switches this off; so must this client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(trained, django_user_model):
    django_user_model.objects.create(username="fuzzer")
    return issue_token(Actor.system(), "fuzzer", frozenset(Scope), username="fuzzer").secret


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema(case, secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
