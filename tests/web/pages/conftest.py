"""Page tests: one standing user per role, and a site with decisions, a profile and work
waiting in the worklist of office 30 (the officer's) and office 99 (not theirs)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from portcullis.web.accounts.models import Account
from portcullis.web.accounts.roles import Role, ensure_role_groups, give_role
from portcullis.web.reference.models import Office
from portcullis.web.scoring import live
from portcullis.web.scoring.assessing import assess_and_store
from portcullis.web.scoring.engine import build_engine
from portcullis.web.scoring.history import stored_items
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.queries import undecided
from portcullis.web.usecases import profiles
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.declarations import submit
from tests.builders import declaration

PASSWORD = "correct horse battery staple 7"
ROLES = {
    "admin": None,
    "analyst": Role.ANALYST,
    "supervisor": Role.SUPERVISOR,
    "officer": Role.OFFICER,
    "auditor": Role.AUDITOR,
}
OFFICER_OFFICE, OTHER_OFFICE = "30", "99"


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_engine(settings):
    # Argon2 is configured (tests/web/pages/test_security.py checks it); here it would only
    # make every user created slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PORTCULLIS_HISTORY_REFRESH_SECONDS = 0
    live.forget()
    yield
    live.forget()


@pytest.fixture
def people(db, django_user_model):
    groups = ensure_role_groups()
    made = {}
    for name, role in ROLES.items():
        made[name] = django_user_model.objects.create_user(name, password=PASSWORD)
        give_role(made[name], role, groups)
    office, _ = Office.objects.get_or_create(code=OFFICER_OFFICE)
    Account.objects.create(user=made["officer"]).offices.set([office])
    return made


@pytest.fixture
def as_user(people):
    """as_user("officer"): a client signed in as that role's standing user."""

    def sign_in(name: str) -> Client:
        client = Client()
        client.force_login(people[name])
        return client

    return sign_in


@dataclass
class Site:
    mine: str  # selected, waiting, in the officer's office
    theirs: str  # selected, waiting, in another office
    profile: str  # the active profile's code


@pytest.fixture
def site(trained, run_import, kcs_slice, people) -> Site:
    """History with a model, later declarations assessed, an active mandatory profile that
    sends cars red, and two cars waiting for control."""
    later = run_import(kcs_slice[1])
    assess_and_store(
        stored_items(undecided(later.result.declaration_ids)), build_engine(), Decision.Source.FILE
    )
    analyst = Actor.person(people["analyst"])
    version = profiles.create_profile(
        analyst,
        "Cars from China",
        criteria='hs_code == "870323" and origin_country == "CN"',
        rationale="Cars from China were undervalued last year.",
        mandatory=True,
        channel="red",
    )
    code = version.profile.code
    profiles.submit(analyst, code, 1)
    profiles.approve(Actor.person(people["supervisor"]), code, 1)
    results = submit(
        Actor.system(),
        [declaration("W-30", office=OFFICER_OFFICE), declaration("W-99", office=OTHER_OFFICE)],
    )
    assert [r.decision.channel for r in results] == ["red", "red"]
    return Site(mine="W-30", theirs="W-99", profile=version.profile.code)
