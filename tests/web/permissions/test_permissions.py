"""Who may do what, generated from the table of expectations (table.py): every use case, for
each role and for a client system's token, on a record of their own office (or their own
submission) and on another's, through every channel it has. The answer is one of: refused
("forbidden", 403), not known ("not-found", 404: another office's record is never confirmed
to exist), or let through (anything else: done, or refused for a reason of its own)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from portcullis.web.accounts.scopes import Scope
from portcullis.web.errors import DomainError, Forbidden, NotFound
from portcullis.web.usecases.accounts import issue_token
from portcullis.web.usecases.actor import Actor, Via
from portcullis.web.usecases.catalogue import USE_CASES
from tests.web.permissions.conftest import OTHER, OWN
from tests.web.permissions.table import EVERY, ROWS, Request, Row

pytestmark = pytest.mark.django_db
ROLES = sorted(EVERY)
FORBIDDEN, NOT_FOUND, PASSED = "forbidden", "not-found", "passed"


def test_every_use_case_has_a_row():
    assert set(USE_CASES) - set(ROWS) == set(), "use cases without a row in the table"
    assert set(ROWS) - set(USE_CASES) == set(), "rows of use cases that do not exist"


def _expected(row: Row, side: str, allowed: bool, bounded: bool) -> str:
    if not allowed:
        return FORBIDDEN
    if row.scoped and side == OTHER and bounded:
        return NOT_FOUND
    return PASSED


def _seen(row: Row, side: str, outcome: str) -> str:
    # Outside the reach rule, "not found" is the use case's own answer (no model m-none):
    # the rule let the caller through.
    return PASSED if outcome == NOT_FOUND and not row.scoped else outcome


def _call(name: str, row: Row, actor: Actor, site: Any, side: str) -> str:
    positional, named = row.direct(site, side)
    try:
        USE_CASES[name](actor, *positional, **named)
    except Forbidden:
        return FORBIDDEN
    except NotFound:
        return NOT_FOUND
    except DomainError:
        return PASSED
    return PASSED


def _token(scopes: frozenset[Scope], client: str = "client-a") -> Any:
    return issue_token(Actor.system(), client, scopes, username=client)


def _with(row: Row) -> frozenset[Scope]:
    return frozenset(row.scopes[:1])


def _without(row: Row) -> frozenset[Scope]:
    return frozenset(Scope) - {Scope.ADMIN, *row.scopes}


def _officer_bounded(role: str) -> bool:
    return role == "officer"  # every other role sees every office


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_use_case_itself(name, site, people):
    row = ROWS[name]
    for role in ROLES:
        for side in (OWN, OTHER):
            actor = Actor.person(people[role], Via.PAGE)
            outcome = _seen(row, side, _call(name, row, actor, site, side))
            expected = _expected(row, side, role in row.roles, _officer_bounded(role))
            assert outcome == expected, f"{name} as {role} on the {side} side: {outcome}"
    for scopes, allowed in ((_with(row), bool(row.scopes)), (_without(row), False)):
        if not scopes:
            continue
        actor = Actor.client(_token(scopes).token)
        for side in row.token_sides:
            outcome = _seen(row, side, _call(name, row, actor, site, side))
            expected = _expected(row, side, allowed, bounded=True)
            assert outcome == expected, f"{name} with {sorted(scopes)} on {side}: {outcome}"


def _status(response: Any) -> str:
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, PASSED)


def _send(client: Client, request: Request, prefix: str = "", **headers: str) -> Any:
    send: Callable[..., Any] = getattr(client, request.method.lower())
    if prefix:  # the API: JSON bodies
        body = json.dumps(request.data) if request.data is not None else None
        return send(
            prefix + request.path, data=body, content_type="application/json", headers=headers
        )
    return send(request.path, data=request.data or {})


PAGES = sorted(name for name, row in ROWS.items() if row.page)
APIS = sorted(name for name, row in ROWS.items() if row.api)


@pytest.mark.parametrize("name", PAGES)
def test_the_page(name, site, as_user):
    row = ROWS[name]
    assert row.page is not None
    for role in ROLES:
        client = as_user(role)
        for side in (OWN, OTHER):
            outcome = _seen(row, side, _status(_send(client, row.page(site, side))))
            expected = _expected(row, side, role in row.roles, _officer_bounded(role))
            assert outcome == expected, f"{name} page as {role} on the {side} side: {outcome}"


@pytest.mark.parametrize("name", APIS)
def test_the_api_with_a_browser_session(name, site, as_user):
    """A person's session on the API gets exactly what their role gets on the pages."""
    row = ROWS[name]
    assert row.api is not None
    for role in ROLES:
        client = as_user(role)
        for side in (OWN, OTHER):
            response = _send(client, row.api(site, side), "/api/v1")
            outcome = _seen(row, side, _status(response))
            expected = _expected(row, side, role in row.roles, _officer_bounded(role))
            assert outcome == expected, f"{name} API session as {role}, {side}: {outcome}"
            if outcome != PASSED:
                assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("name", APIS)
def test_the_api_with_a_token(name, site):
    """A client system's token: its scopes decide, and it reaches what it submitted."""
    row = ROWS[name]
    assert row.api is not None
    for scopes, allowed in ((_with(row), bool(row.scopes)), (_without(row), False)):
        if not scopes:
            continue
        secret = _token(scopes).secret
        for side in row.token_sides:
            response = _send(
                Client(), row.api(site, side), "/api/v1", Authorization=f"Bearer {secret}"
            )
            outcome = _seen(row, side, _status(response))
            expected = _expected(row, side, allowed, bounded=True)
            assert outcome == expected, f"{name} with {sorted(scopes)}, {side}: {outcome}"
