"""A person's browser session on the API gets what the pages give their role, and a client
system's token reaches only what it submitted (the reproductions of issue 14, as tests)."""

from __future__ import annotations

import pytest
from django.test import Client

from portcullis.web.declarations.reach import Reach
from portcullis.web.inspections.models import Inspection
from portcullis.web.scoring.models import Decision
from portcullis.web.scoring.worklist import WorklistFilter, worklist_rows

pytestmark = pytest.mark.django_db


def _strict(people, name: str) -> tuple[Client, str]:  # type: ignore[no-untyped-def]
    """A browser session that sends the CSRF token, as the pages' scripts do."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(people[name])
    client.get("/dashboard/")
    return client, client.cookies["csrftoken"].value


def test_an_officer_s_session_knows_nothing_of_another_office(site, people):
    client, csrf = _strict(people, "officer")
    theirs = Decision.objects.get(declaration__declaration_id=site.theirs)
    assert client.get(f"/api/v1/declarations/{site.mine}").status_code == 200
    assert client.get(f"/api/v1/declarations/{site.theirs}").status_code == 404
    assert client.get(f"/api/v1/decisions/{theirs.pk}").status_code == 404
    replay = client.post(
        f"/api/v1/decisions/{theirs.pk}/replay",
        "{}",
        "application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert replay.status_code == 404
    waiting = {
        row.declaration.declaration_id for row in worklist_rows(Reach(), WorklistFilter(), None)
    }
    assert site.theirs in waiting
    written = client.post(
        f"/api/v1/declarations/{site.theirs}/inspection",
        '{"finding": false}',
        "application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert written.status_code == 404  # not 201: nothing written on another office's record
    assert not Inspection.objects.filter(declaration__declaration_id=site.theirs).exists()
    waiting = {
        row.declaration.declaration_id for row in worklist_rows(Reach(), WorklistFilter(), None)
    }
    assert site.theirs in waiting  # still waiting for its own office's officers


def test_an_officer_s_session_reads_no_targeting_rules(site, as_user):
    officer = as_user("officer")
    assert officer.get("/api/v1/profiles").status_code == 403
    assert officer.get(f"/api/v1/profiles/{site.profile}").status_code == 403
    assert officer.get("/api/v1/watchlist").status_code == 403
    assert as_user("analyst").get("/api/v1/profiles").status_code == 200


def _car(declaration_id: str) -> dict:  # type: ignore[type-arg]
    from tests.builders import declaration

    return declaration(declaration_id, office="30")
