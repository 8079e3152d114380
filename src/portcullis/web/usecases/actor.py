"""Who asks for an action, and through which channel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from portcullis.web.accounts.models import ApiToken
from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.reach import Reach, reach_of_person, reach_of_token
from portcullis.web.scoring.state import State


class Via(StrEnum):
    PAGE = "page"  # a person on the pages
    API_SESSION = "api-session"  # a person's browser session on the API
    API_TOKEN = "api-token"  # noqa: S105  # a client system with a token (a name, no secret)
    COMMAND = "command"  # `portcullis <command>`: whoever may run the server's commands
    SYSTEM = "system"  # Portcullis itself: the worker's schedule, the demo set-up


@dataclass(frozen=True)
class Actor:
    """A person (``user``, through the pages or their browser session on the API), a client
    system (``token``), or the operator and Portcullis itself, who may do everything: whoever
    runs `portcullis <command>` holds the server's files and database already."""

    user: User | AnonymousUser | None
    via: Via
    token: ApiToken | None = None
    # What a request read of the shared counters when its caller was identified, so that
    # the use case reads them no second time (scoring.state).
    state: State | None = None

    @classmethod
    def person(cls, user: User | AnonymousUser, via: Via = Via.PAGE) -> Actor:
        return cls(user, via)

    @classmethod
    def client(cls, token: ApiToken, state: State | None = None) -> Actor:
        return cls(token.user, Via.API_TOKEN, token, state)

    @classmethod
    def command(cls) -> Actor:
        return cls(None, Via.COMMAND)

    @classmethod
    def system(cls) -> Actor:
        return cls(None, Via.SYSTEM)

    @property
    def unrestricted(self) -> bool:
        return self.via in (Via.COMMAND, Via.SYSTEM)

    @property
    def account(self) -> User | None:
        """The user to attribute writes to (None: Portcullis itself)."""
        user = self.user
        if user is None or not getattr(user, "pk", None):
            return None
        return user  # type: ignore[return-value]

    @cached_property
    def scopes(self) -> frozenset[Scope]:
        if self.token is None:
            return frozenset()
        return frozenset(Scope(name) for name in self.token.scopes)

    def holds(self, permission: str) -> bool:
        """A person holding ``permission`` through their roles (never a token)."""
        user: Any = self.user
        return self.token is None and user is not None and bool(user.has_perm(permission))

    def has_scope(self, scope: Scope) -> bool:
        return self.token is not None and (scope in self.scopes or Scope.ADMIN in self.scopes)

    @cached_property
    def reach(self) -> Reach:
        """The declarations this actor may know of."""
        if self.unrestricted:
            return Reach()
        if self.token is not None:
            return reach_of_token(self.token, admin=Scope.ADMIN in self.scopes)
        return reach_of_person(self.user)

    def audit_details(self) -> dict[str, str]:
        """How the action came in, for the audit trail."""
        if self.token is not None:
            return {"via": self.via.value, "token": self.token.prefix}
        return {"via": self.via.value}
