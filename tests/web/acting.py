"""Acting in tests: the use cases called as Portcullis itself (for tests about what an
action does, not who may do it; tests/web/permissions is about who may)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portcullis.web.inspections.models import Inspection
from portcullis.web.profiles.models import ProfileVersion
from portcullis.web.usecases import inspections, profiles
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import Submitted, submit

SYSTEM = Actor.system()
COMPLIANT: dict[str, Any] = {"finding": False}


def active_profile(analyst: Any, approver: Any, name: str, **settings: Any) -> ProfileVersion:
    """A profile written by ``analyst`` and approved by ``approver``, now active."""
    draft = profiles.create_profile(Actor.person(analyst), name, **settings)
    code = draft.profile.code
    profiles.submit(Actor.person(analyst), code, draft.number)
    return profiles.approve(Actor.person(approver), code, draft.number)


def cars_sent_red(users: Mapping[str, Any]) -> ProfileVersion:
    """An active mandatory profile sending the builders' declaration (a car, 870323) red."""
    return active_profile(
        users["analyst"],
        users["supervisor"],
        "Cars",
        criteria='hs_code == "870323"',
        mandatory=True,
        channel="red",
    )


def record(declaration: Any, outcome: Mapping[str, Any], actor: Actor = SYSTEM) -> Inspection:
    declaration_id = getattr(declaration, "declaration_id", declaration)
    return inspections.record_outcome(actor, declaration_id, outcome)


def lodge(*raws: Any) -> list[Submitted]:
    return submit(SYSTEM, list(raws))
