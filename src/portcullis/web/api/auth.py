"""Who is calling, and may they do this: API tokens (client systems) or a browser session
(people using the web pages), each with scopes.

No credentials at all: 401. Credentials without the scope the operation needs: 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from portcullis.web.accounts import tokens
from portcullis.web.accounts.models import ApiToken
from portcullis.web.accounts.scopes import Scope, holds, user_scopes
from portcullis.web.api.problems import Problem


@dataclass(frozen=True)
class Principal:
    user: AbstractBaseUser
    scopes: frozenset[Scope]
    token: ApiToken | None = None  # None: a browser session

    @property
    def name(self) -> str:
        return self.token.name if self.token else self.user.get_username()


def missing_scope(scope: Scope) -> Problem:
    return Problem(403, "forbidden", "Forbidden", f"this operation needs the scope {scope.value}")


class _TokenAuth(HttpBearer):
    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        principal = Principal(found.user, frozenset(Scope(s) for s in found.scopes), found)
        return _allowed(request, principal, self.scope)


class _SessionAuth(SessionAuth):
    def __init__(self, scope: Scope) -> None:
        super().__init__(csrf=True)
        self.scope = scope

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to forge: the caller is simply not
        # signed in (401), not a cross-site request (CSRF, 403).
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)  # type: ignore[no-any-return]

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        return _allowed(request, Principal(user, user_scopes(user)), self.scope)


def _allowed(request: HttpRequest, principal: Principal, scope: Scope) -> Principal:
    if not holds(principal.scopes, scope):
        raise missing_scope(scope)
    return principal


def scoped(scope: Scope) -> list[Any]:
    """The ``auth`` of an operation that needs ``scope``."""
    return [_TokenAuth(scope), _SessionAuth(scope)]


def principal_of(request: HttpRequest) -> Principal:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, Principal)
    return auth
