"""Who may open a page: every view names the permission it needs (never a role), and what
an officer sees is limited to the offices they are posted to."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from portcullis.web.declarations.models import Declaration

View = TypeVar("View", bound=Callable[..., HttpResponse])
ALL_OFFICES = "declarations.view_all_offices"


def requires(*permissions: str, any_of: bool = False) -> Callable[[View], View]:
    """The view needs a signed-in user holding ``permissions`` (all of them, or one with
    ``any_of``): anonymous visitors are sent to sign in, others without them get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not holds(request.user, *permissions, any_of=any_of):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.permissions = permissions  # type: ignore[attr-defined]  # read by the tests
        return login_required(checked)  # type: ignore[return-value]

    return decorate


def holds(user: AbstractBaseUser | AnonymousUser, *permissions: str, any_of: bool = False) -> bool:
    if not user.is_active:
        return False
    held = [user.has_perm(p) for p in permissions]
    return any(held) if any_of else all(held)


def office_codes(user: AbstractBaseUser | AnonymousUser) -> list[str] | None:
    """The offices whose declarations ``user`` may see; None for every office."""
    if user.has_perm(ALL_OFFICES):
        return None
    account = getattr(user, "account", None)
    if account is None:
        return []
    return list(account.offices.values_list("code", flat=True))


def office_filter(user: AbstractBaseUser | AnonymousUser, prefix: str = "") -> Q:
    """A filter keeping the rows of the offices ``user`` may see (``prefix`` leads from the
    queried model to the declaration, e.g. "declaration__")."""
    return in_offices(office_codes(user), prefix)


def in_offices(codes: list[str] | None, prefix: str = "") -> Q:
    """A filter keeping rows of the offices ``codes`` (None: every office); ``prefix`` leads
    to the model holding ``office``."""
    return Q() if codes is None else Q(**{f"{prefix}office__code__in": codes})


def may_see(user: AbstractBaseUser | AnonymousUser, declaration: Declaration) -> bool:
    codes = office_codes(user)
    return codes is None or declaration.office.code in codes
