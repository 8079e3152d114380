"""API tests: a client that sends tokens, tokens with chosen scopes, a trained engine."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from portcullis.web.accounts.scopes import CLEARANCE_SYSTEM, Scope
from portcullis.web.usecases.accounts import issue_token
from portcullis.web.usecases.actor import Actor
from tests.web.acting import cars_sent_red


class Api:
    """The API at /api/v1/, called with one token (or none)."""

    def __init__(self, client: Client, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        send = getattr(self.client, method.lower())
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return send(f"/api/v1{path}", headers=self._headers(), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body if body is not None else {}, **kwargs)

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)


@pytest.fixture(autouse=True)
def _fresh_engine(fresh_engine):
    """Each test builds its engine from its own database."""


@pytest.fixture
def api_as(db, django_user_model):
    """api_as("clearance", Scope.SUBMIT, ...): the API called with a new token holding those
    scopes, for a user of that name."""

    def make(username: str = "clearance", *scopes: Scope) -> Api:
        _user, _ = django_user_model.objects.get_or_create(username=username)
        issued = issue_token(
            Actor.system(), username, frozenset(scopes or tuple(Scope)), username=username
        )
        return Api(Client(), issued.secret)

    return make


@pytest.fixture
def anonymous(db):
    return Api(Client(), None)


@pytest.fixture
def cars(trained, users):
    """A trained engine, and an active mandatory profile sending the builders' car red."""
    return cars_sent_red(users)


@pytest.fixture
def clearance(api_as):
    """The API as a clearance system: a token with a clearance system's scopes."""
    return api_as("clearance", *CLEARANCE_SYSTEM)
