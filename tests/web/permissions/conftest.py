"""The site the permission tests act on: offices 30 (the officer's) and 99, two client
systems (A lodged the declarations of office 30, B those of office 99), declarations selected
for control and others already inspected, profiles in each state and a watchlist entry. No
model is trained: every declaration is held for a documentary check (YELLOW), which is all
the permission tests need, and keeps each test's set-up to a fraction of a second."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portcullis.web.accounts.models import Account
from portcullis.web.accounts.scopes import Scope
from portcullis.web.reference.models import Office
from portcullis.web.scoring import live
from portcullis.web.scoring.models import Decision
from portcullis.web.usecases import inspections, lists, profiles, watchlist
from portcullis.web.usecases.accounts import issue_token
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import submit
from portcullis.web.usecases.lists import ListInput
from portcullis.web.usecases.watchlist import EntryInput
from tests.builders import declaration
from tests.web.pages.conftest import (  # noqa: F401  # the standing people, one per role
    PASSWORD,
    _fast_passwords_and_fresh_engine,
    as_user,
    people,
)

OWN, OTHER = "own", "other"


@dataclass
class Site:
    selected: dict[str, str]  # side -> a declaration selected for control, no result yet
    inspected: dict[str, str]  # side -> a declaration with a result recorded
    decision: dict[str, int]  # side -> the latest decision on ``selected``
    active: str  # an active profile's code (version 1)
    pending: str  # a profile whose version 1 awaits approval
    draft: str  # a profile whose version 1 is a draft
    entry: str  # a watchlist entry's code
    named_list: str  # a named list's code (at version 1)
    spare_token: str  # the prefix of a token an administrator may revoke


def _lodge(actor: Actor, *declarations: dict) -> list[int]:  # type: ignore[type-arg]
    results = submit(actor, list(declarations))
    assert {r.status.value for r in results} == {"assessed"}, results
    assert {r.decision.channel for r in results} == {"yellow"}  # held: no model is trained
    return [r.decision.pk for r in results]


@pytest.fixture
def site(people, django_user_model) -> Site:  # noqa: F811  # the imported fixture
    live.forget()
    office, _ = Office.objects.get_or_create(code="30")
    Account.objects.filter(user=people["officer"]).delete()
    Account.objects.create(user=people["officer"]).offices.set([office])
    clients = {}
    for side in ("a", "b"):
        django_user_model.objects.create(username=f"client-{side}")
        scopes = frozenset(Scope) - {Scope.ADMIN}
        clients[side] = issue_token(
            Actor.system(), f"client-{side}", scopes, username=f"client-{side}"
        ).token
    a, b = Actor.client(clients["a"]), Actor.client(clients["b"])
    selected = {OWN: "SEL-30", OTHER: "SEL-99"}
    inspected = {OWN: "INS-30", OTHER: "INS-99"}
    decisions = _lodge(a, declaration("SEL-30", office="30"), declaration("INS-30", office="30"))
    others = _lodge(b, declaration("SEL-99", office="99"), declaration("INS-99", office="99"))
    for declaration_id in inspected.values():
        inspections.record_outcome(Actor.system(), declaration_id, {"finding": False})
    analyst, supervisor = Actor.person(people["analyst"]), Actor.person(people["supervisor"])
    criteria = 'hs_code == "870323"'
    codes = []
    for name in ("Active", "Pending", "Draft"):
        codes.append(profiles.create_profile(analyst, name, criteria=criteria).profile.code)
    profiles.submit(analyst, codes[0], 1)
    profiles.approve(supervisor, codes[0], 1)
    profiles.submit(analyst, codes[1], 1)
    entry = watchlist.add_entry(analyst, EntryInput("origin", "CN", "transshipment"))
    lists.save_list(analyst, "RISKY", ListInput(["CN"], "intelligence", kind="country"))
    spare = issue_token(Actor.system(), "spare", frozenset({Scope.READ})).token.prefix
    assert Decision.objects.count() == 4
    yield Site(
        selected=selected,
        inspected=inspected,
        decision={OWN: decisions[0], OTHER: others[0]},
        active=codes[0],
        pending=codes[1],
        draft=codes[2],
        entry=entry.code,
        named_list="RISKY",
        spare_token=spare,
    )
    live.forget()
