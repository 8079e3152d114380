"""Every operation refuses callers without credentials (401) and callers whose credentials
lack its scope (403), before doing anything."""

from __future__ import annotations

import pytest

from portcullis.web.accounts.models import ApiToken
from portcullis.web.accounts.scopes import Scope
from portcullis.web.usecases.accounts import change_user, issue_token, revoke_token
from portcullis.web.usecases.actor import Actor
from tests.builders import declaration

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("POST", "/declarations", declaration("S-1"), Scope.SUBMIT),
    ("POST", "/declarations/batch", {"declarations": [declaration("S-2")]}, Scope.SUBMIT),
    ("PUT", "/declarations/S-1", declaration("S-1"), Scope.SUBMIT),
    ("GET", "/declarations/S-1", None, Scope.READ),
    ("GET", "/decisions/1", None, Scope.READ),
    ("POST", "/decisions/1/replay", {}, Scope.READ),
    ("POST", "/declarations/S-1/inspection", {"finding": False}, Scope.INSPECT),
    ("GET", "/profiles", None, Scope.RISK_READ),
    ("POST", "/profiles", {"name": "x", "criteria": "hs_code = '870323'"}, Scope.PROFILES),
    ("PATCH", "/profiles/PRF-0001/versions/1", {"weight": 0.2}, Scope.PROFILES),
    ("POST", "/profiles/PRF-0001/versions", {}, Scope.PROFILES),
    ("POST", "/profiles/PRF-0001/versions/1/submit", {}, Scope.PROFILES),
    ("POST", "/profiles/PRF-0001/versions/1/approve", {}, Scope.APPROVE),
    ("POST", "/profiles/PRF-0001/versions/1/suspend", {}, Scope.PROFILES),
    ("GET", "/watchlist", None, Scope.RISK_READ),
    ("POST", "/watchlist", {"kind": "origin", "value": "CN", "reason": "r"}, Scope.PROFILES),
    (
        "PUT",
        "/watchlist/WL-000001",
        {"kind": "origin", "value": "CN", "reason": "r"},
        Scope.PROFILES,
    ),
    ("POST", "/watchlist/WL-000001/revoke", {}, Scope.PROFILES),
    ("GET", "/jobs", None, Scope.READ),
    ("GET", "/jobs/1", None, Scope.READ),
    ("POST", "/jobs/training", {}, Scope.ADMIN),
    ("POST", "/jobs/backtest", {"split": "2020-02-01"}, Scope.PROFILES),
]
IDS = [f"{method} {path}" for method, path, _, _ in OPERATIONS]
ALSO = {  # other scopes that are enough
    ("GET", "/profiles"): (Scope.PROFILES, Scope.APPROVE),
    ("POST", "/profiles/PRF-0001/versions/1/suspend"): (Scope.APPROVE,),
    ("GET", "/watchlist"): (Scope.PROFILES,),
}


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=IDS)
def test_no_credentials_is_401_problem(anonymous, method, path, body, scope):
    reply = anonymous.call(method, path, body)
    assert reply.status_code == 401
    assert reply["Content-Type"] == "application/problem+json"
    assert reply["WWW-Authenticate"].startswith("Bearer")
    assert reply.json()["status"] == 401


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=IDS)
def test_a_token_without_the_scope_is_403(api_as, method, path, body, scope):
    # Whoever may write or approve profiles reads them too; suspending is the analyst's or
    # the approver's: every scope that would let the token through is left out.
    enough = {scope, Scope.ADMIN, *ALSO.get((method, path), ())}
    others = [s for s in Scope if s not in enough]
    reply = api_as("someone", *others).call(method, path, body)
    assert reply.status_code == 403
    assert reply.json()["detail"].startswith(f"this operation needs the scope {scope.value}")


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=IDS)
def test_a_token_with_the_scope_gets_past_the_check(api_as, method, path, body, scope):
    reply = api_as("someone", scope).call(method, path, body)
    assert reply.status_code not in (401, 403), reply.content


def test_revoked_expired_and_unknown_tokens_are_refused(api_as, anonymous, django_user_model):
    api = api_as("client", Scope.READ)
    assert api.get("/jobs").status_code == 200
    token = ApiToken.objects.get(name="client")
    assert token.last_used_at is not None
    revoke_token(Actor.system(), token.prefix)
    assert api.get("/jobs").status_code == 401

    django_user_model.objects.create(username="old")
    issued = issue_token(Actor.system(), "old", frozenset({Scope.READ}), username="old")
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at="2000-01-01T00:00:00Z")
    anonymous.secret = issued.secret
    assert anonymous.get("/jobs").status_code == 401
    anonymous.secret = issued.secret[:-1] + ("x" if issued.secret[-1] != "x" else "y")
    assert anonymous.get("/jobs").status_code == 401
    anonymous.secret = "not-a-token"
    assert anonymous.get("/jobs").status_code == 401


def test_tokens_are_stored_hashed(api_as):
    api = api_as("client", Scope.READ)
    stored = ApiToken.objects.get(name="client")
    assert api.secret not in (stored.digest, stored.prefix)
    assert len(stored.digest) == 64


def test_a_deactivated_user_s_token_stops_working(api_as, django_user_model):
    api = api_as("client", Scope.READ)
    django_user_model.objects.filter(username="client").update(is_active=False)
    assert api.get("/jobs").status_code == 401


def test_a_token_in_use_stops_at_once_when_revoked_or_its_user_deactivated(api_as):
    """A serving process keeps the tokens it has checked: a revocation or a deactivation
    counts a change to accounts, and every process reads its tokens again."""
    revoked, deactivated = api_as("revoked", Scope.READ), api_as("deactivated", Scope.READ)
    assert revoked.get("/jobs").status_code == deactivated.get("/jobs").status_code == 200
    revoke_token(Actor.system(), ApiToken.objects.get(name="revoked").prefix)
    assert revoked.get("/jobs").status_code == 401
    assert deactivated.get("/jobs").status_code == 200
    change_user(Actor.system(), "deactivated", active=False)
    assert deactivated.get("/jobs").status_code == 401


def test_browser_sessions_get_scopes_from_their_roles(client, django_user_model):
    from portcullis.web.accounts.roles import Role, ensure_role_groups

    groups = ensure_role_groups()
    officer = django_user_model.objects.create_user("officer1", password="pw-officer-123")
    officer.groups.set([groups[Role.OFFICER]])
    client.force_login(officer)
    assert client.get("/api/v1/declarations/nothing").status_code == 404  # may read
    refused = client.post(
        "/api/v1/profiles", {"name": "x", "criteria": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403  # may not write profiles
    # A session write needs the CSRF token, like any form.
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(officer)
    reply = strict.post(
        "/api/v1/declarations/nothing/inspection",
        {"finding": False},
        content_type="application/json",
    )
    assert reply.status_code == 403
    assert "CSRF" in reply.json()["detail"]
    # No session cookie at all: not signed in (401), whatever CSRF says.
    anonymous = type(client)(enforce_csrf_checks=True)
    reply = anonymous.post(
        "/api/v1/declarations/nothing/inspection", {}, content_type="application/json"
    )
    assert reply.status_code == 401
