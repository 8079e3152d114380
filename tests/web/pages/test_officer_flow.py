"""The officer's day: the worklist, a declaration and its reasons, the result recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portcullis.web.audit.models import AuditEvent
from portcullis.web.inspections.models import Assignment, Inspection

pytestmark = pytest.mark.django_db


def test_the_worklist_shows_the_selected_declarations_of_the_officers_offices(site, as_user):
    page = as_user("officer").get(reverse("worklist")).content.decode()
    assert site.mine in page
    assert site.theirs not in page  # another office's work
    everyone = as_user("supervisor").get(reverse("worklist")).content.decode()
    assert site.mine in everyone
    assert site.theirs in everyone


def test_the_worklist_filters_and_sorts(site, as_user):
    client = as_user("supervisor")
    only_99 = client.get(reverse("worklist"), {"office": "99", "sort": "risk"}).content.decode()
    assert site.theirs in only_99
    assert site.mine not in only_99
    blue = client.get(reverse("worklist"), {"channel": "blue"}).content.decode()
    assert site.mine not in blue
    assert client.get(reverse("worklist"), {"sort": "'; drop table x"}).status_code == 200


def test_the_worklist_counts_what_waits_and_shows_the_goods(site, as_user):
    from portcullis.web.scoring.worklist import WorklistFilter
    from portcullis.web.usecases.actor import Actor
    from portcullis.web.usecases.inspections import count_worklist

    client = as_user("supervisor")
    page = client.get(reverse("worklist")).content.decode()
    counts = count_worklist(Actor.system(), WorklistFilter())
    assert counts.offices.get("30", 0) >= 1
    assert counts.offices.get("99", 0) >= 1
    assert f"{counts.total:,} declarations wait" in page
    assert "?office=99" in page  # each office's count leads to its list
    assert ">870323<" in page  # the car's line
    red_only = client.get(reverse("worklist"), {"channel": "red"}).content.decode()
    assert (
        f"{counts.total:,} declarations wait" in red_only
    )  # the counts name every channel to choose
    officer = count_worklist(Actor.system(), WorklistFilter(office="30"))
    assert set(officer.offices) == {"30"}


def test_assign_to_me(site, as_user, people):
    client = as_user("officer")
    response = client.post(
        reverse("worklist_assign", args=[site.mine]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == "officer"
    assert (
        Assignment.objects.get(declaration__declaration_id=site.mine).officer == people["officer"]
    )
    mine = client.get(reverse("worklist"), {"mine": "1"}).content.decode()
    assert site.mine in mine
    assert AuditEvent.objects.filter(action="inspection.assign").exists()


def test_the_declaration_page_explains_the_decision(site, as_user):
    page = as_user("officer").get(reverse("declaration", args=[site.mine])).content.decode()
    assert "mandatory targeting profile" in page.lower()
    assert "Cars from China were undervalued last year." in page  # the profile's rationale
    assert "Passenger cars" in page or "Vehicles" in page  # the HS description
    assert "China (CN)" in page
    assert "Record inspection result" in page


def test_recording_a_result_goes_back_to_the_worklist(site, as_user, people):
    client = as_user("officer")
    url = reverse("inspection_record", args=[site.mine])
    # A finding without its type: the form says what is missing, nothing is stored.
    refused = client.post(url, {"finding": "yes", "additional_duties": "100"})
    assert refused.status_code == 200
    assert "Choose the type of what was found." in refused.content.decode()
    assert not Inspection.objects.filter(declaration__declaration_id=site.mine).exists()
    negative = client.post(
        url, {"finding": "yes", "finding_type": "undervaluation", "additional_duties": "-5"}
    )
    assert "greater than or equal to 0" in negative.content.decode()

    saved = client.post(
        url,
        {
            "finding": "yes",
            "finding_type": "undervaluation",
            "additional_duties": "1250.50",
            "notes": "invoice <b>forged</b>",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == reverse("worklist")
    inspection = Inspection.objects.get(declaration__declaration_id=site.mine)
    assert inspection.finding
    assert inspection.recorded_by == people["officer"]
    worklist = client.get(reverse("worklist")).content.decode()
    assert f'href="/declarations/{site.mine}/"' not in worklist
    page = client.get(reverse("declaration", args=[site.mine])).content.decode()
    assert "invoice &lt;b&gt;forged&lt;/b&gt;" in page  # shown as text, never as markup
    again = client.post(url, {"finding": "no"})
    assert "already recorded" in again.content.decode()


def test_a_compliant_result_cannot_carry_duties(site, as_user):
    response = as_user("officer").post(
        reverse("inspection_record", args=[site.mine]), {"finding": "no", "additional_duties": "10"}
    )
    assert "Only a finding can have this" in response.content.decode()


def test_an_officer_cannot_record_for_another_office(site, as_user):
    response = as_user("officer").post(
        reverse("inspection_record", args=[site.theirs]), {"finding": "no"}
    )
    assert response.status_code == 404


def test_the_declaration_page_says_what_was_unusual_and_what_to_check(site, as_user):
    page = as_user("officer").get(reverse("declaration", args=[site.mine])).content.decode()
    assert "What was unusual" in page
    # The profile's own criteria, read off the declaration: which facts made it hit.
    assert "Profile “Cars from China” (Other) hit item 1: HS code 870323; origin CN." in page
    assert "What to check" in page
    # A physical examination: the checks on papers and those on the goods.
    assert "Weigh the consignment and count the packages" in page
    assert "The declaration against the invoice, the packing list" in page
    # The model's factors are there for analysts, folded away.
    assert "Details for analysts" in page


def test_codes_read_as_their_meaning_from_the_reference_table(db):
    from django.utils import translation

    from portcullis.web.reference.code_labels import code_label

    assert code_label("transport_mode", "4") == "4 — air"
    assert code_label("procedure", "40") == "40 — release for free circulation and home use"
    assert code_label("transport_mode", "40") == "40"  # no row: the code as it is
    assert code_label("transport_mode", "") == ""
    with translation.override("fr"):
        assert code_label("transport_mode", "1") == "1 — mer"


def test_a_documentary_check_lists_no_check_on_the_goods(site):
    from portcullis.web.scoring.summary import checks_for

    yellow = checks_for(["valuation"], "yellow")
    assert yellow
    assert not any(check.on_goods for check in yellow)
    assert any(check.on_goods for check in checks_for(["valuation"], "red"))
    assert checks_for(["valuation"], "green") == []
