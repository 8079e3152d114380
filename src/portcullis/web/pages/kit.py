"""What every page view shares: the signed-in person as the use cases' actor.

Pages decide nothing about access: a view needs a signed-in person (anyone else is sent to
sign in), then calls the use case, whose rule and office scope answer 403 or 404 through
pages.errors. A page that only shows a form asks the same use case's rule first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest

from portcullis.web.usecases.access import UseCase
from portcullis.web.usecases.actor import Actor, Via

View = TypeVar("View", bound=Callable[..., Any])


def signed_in(view: View) -> View:
    return login_required(view)


def actor_of(request: HttpRequest) -> Actor:
    return Actor.person(request.user, Via.PAGE)


def may(request: HttpRequest, use_case: UseCase[..., Any]) -> bool:
    """Whether to offer the action (its button, its link): the use case's own rule."""
    return use_case.allows(actor_of(request))
