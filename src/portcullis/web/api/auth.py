"""Who is calling: a client system with an API token, or a person with their browser session
(the pages' sign-in). No credentials at all: 401.

What the caller may do is the use case's rule alone (``portcullis.web.usecases.access``):
each operation names the use case it calls, and that rule is applied here as soon as the
caller is known, so that a caller without the right gets its 403 before the body is read;
the use case applies it again itself, for every other channel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from portcullis.web.accounts import tokens
from portcullis.web.scoring.state import engine_state
from portcullis.web.usecases.access import UseCase
from portcullis.web.usecases.actor import Actor, Via


def _early(request: HttpRequest, actor: Actor, use_case: UseCase[..., Any] | None) -> Actor:
    if use_case is not None:
        use_case.authorise(actor)  # raises Forbidden, answered 403
    return actor


class _TokenAuth(HttpBearer):
    def __init__(self, use_case: UseCase[..., Any] | None) -> None:
        super().__init__()
        self.use_case = use_case

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        state = engine_state()
        found = tokens.authenticate(token, state.accounts)
        if found is None:
            return None
        return _early(request, Actor.client(found, state), self.use_case)


class _SessionAuth(SessionAuth):
    def __init__(self, use_case: UseCase[..., Any] | None) -> None:
        super().__init__(csrf=True)
        self.use_case = use_case

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to forge: the caller is simply not
        # signed in (401), not a cross-site request (CSRF, 403).
        if self.param_name not in request.COOKIES:
            return None
        key: str | None = super()._get_key(request)
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user: Any = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        return _early(request, Actor.person(user, Via.API_SESSION), self.use_case)


def signed_in(use_case: UseCase[..., Any] | None = None) -> list[Any]:
    """The ``auth`` of an operation: a token or a session, checked against ``use_case``'s
    rule at once when one is named."""
    return [_TokenAuth(use_case), _SessionAuth(use_case)]


def actor_of(request: HttpRequest) -> Actor:
    auth = request.auth  # type: ignore[attr-defined]
    assert isinstance(auth, Actor)
    return auth
