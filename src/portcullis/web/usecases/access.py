"""Who may do what: each use case's rule, checked in one place, and the register of every
use case (from which the permission tests are generated: a use case without its row in the
table of expectations fails the test run).

A person needs one of the rule's permissions, granted by their roles (never tested by role
name); a client system's token needs one of its scopes (``admin`` holds them all); the
operator's commands and Portcullis itself may do everything. Office scope is not part of
the rule: it is which records the actor reaches (``Actor.reach``), checked by the use case
on every record it reads or changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import update_wrapper
from typing import Concatenate, Generic, ParamSpec, TypeVar

from django.utils.translation import gettext_noop as N_

from portcullis.web.accounts.scopes import Scope
from portcullis.web.errors import Forbidden
from portcullis.web.usecases.actor import Actor

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Rule:
    permissions: tuple[str, ...] = ()  # a person needs one of these
    scopes: tuple[Scope, ...] = ()  # a token needs one of these; none: no token may
    signed_in: bool = False  # any signed-in person may (reads open to every role)

    def allows(self, actor: Actor) -> bool:
        if actor.unrestricted:
            return True
        if actor.token is not None:
            return any(actor.has_scope(scope) for scope in self.scopes)
        user = actor.user
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.signed_in:
            return True
        return any(actor.holds(permission) for permission in self.permissions)


@dataclass
class UseCase(Generic[P, R]):
    """An action: its name (as in the audit trail), what it does in words, its rule, and the
    function that does it, which is called only once the rule allows the actor."""

    name: str
    what: str  # "record inspection outcomes": completes "your role does not allow you to"
    rule: Rule
    function: Callable[Concatenate[Actor, P], R] = field(repr=False)

    def __post_init__(self) -> None:
        update_wrapper(self, self.function)

    def allows(self, actor: Actor) -> bool:
        return self.rule.allows(actor)

    def authorise(self, actor: Actor) -> None:
        """Refuse, in words, an actor the rule does not allow."""
        if self.rule.allows(actor):
            return
        if actor.token is not None:
            needed = " or ".join(scope.value for scope in self.rule.scopes)
            detail = (
                f"this operation needs the scope {needed}"
                if needed
                else "this operation is not open to API tokens: sign in on the pages"
            )
            raise Forbidden(detail)
        raise Forbidden(
            f"your role does not allow you to {self.what}",
            said=(N_("your role does not allow you to %(what)s"), {"what": self.what}),
        )

    def __call__(self, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
        self.authorise(actor)
        return self.function(actor, *args, **kwargs)


USE_CASES: dict[str, UseCase[..., object]] = {}


def use_case(
    name: str,
    what: str,
    *,
    permission: str | tuple[str, ...] = (),
    scope: Scope | tuple[Scope, ...] = (),
    signed_in: bool = False,
) -> Callable[[Callable[Concatenate[Actor, P], R]], UseCase[P, R]]:
    """Register the decorated function as the use case ``name``."""
    rule = Rule(
        permissions=(permission,) if isinstance(permission, str) else permission,
        scopes=(scope,) if isinstance(scope, Scope) else scope,
        signed_in=signed_in,
    )

    def register(function: Callable[Concatenate[Actor, P], R]) -> UseCase[P, R]:
        if name in USE_CASES:
            raise ValueError(f"two use cases are named {name!r}")
        made = UseCase(name, what, rule, function)
        USE_CASES[name] = made  # type: ignore[assignment]
        return made

    return register
