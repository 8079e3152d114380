"""A supervisor overriding a channel (justified, audited) and anyone replaying a decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portcullis.web.audit.models import AuditEvent
from portcullis.web.scoring.models import Decision, Override

pytestmark = pytest.mark.django_db


def test_an_override_needs_a_justification_and_is_audited(site, as_user, people):
    decision = Decision.objects.get(declaration__declaration_id=site.mine)
    client = as_user("supervisor")
    url = reverse("decision_override", args=[decision.pk])
    client.post(url, {"channel": "green", "justification": "ok"})
    assert not Override.objects.exists()
    client.post(
        url, {"channel": "green", "justification": "Cleared at origin under a bilateral programme."}
    )
    override = Override.objects.get()
    assert (override.channel, override.by) == ("green", people["supervisor"])
    event = AuditEvent.objects.get(action="decision.override")
    assert event.details["justification"].startswith("Cleared at origin")
    # Released now: off the worklist, and no inspection can be recorded.
    worklist = client.get(reverse("worklist")).content.decode()
    assert f'href="/declarations/{site.mine}/"' not in worklist
    page = client.get(reverse("declaration", args=[site.mine])).content.decode()
    assert "Overridden by supervisor" in page


def test_a_replay_confirms_the_stored_decision(site, as_user):
    decision = Decision.objects.get(declaration__declaration_id=site.mine)
    response = as_user("auditor").post(reverse("decision_replay", args=[decision.pk]))
    assert response.status_code == 200
    assert "Replay matches" in response.content.decode()
