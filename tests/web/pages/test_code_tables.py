"""The code and check tables: kept through their use cases, audited, refusing nonsense by
name, and editable from the administration site."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portcullis.web.audit.models import AuditEvent
from portcullis.web.errors import Invalid, NotFound
from portcullis.web.profiles.models import ControlCheck
from portcullis.web.reference.code_labels import code_label
from portcullis.web.reference.models import CodeLabel
from portcullis.web.usecases.actor import Actor
from portcullis.web.usecases.code_tables import CheckInput, set_code_label, set_control_check

pytestmark = pytest.mark.django_db


def test_a_national_code_is_named_and_renamed_with_its_history():
    actor = Actor.system()
    set_code_label(actor, "transport_mode", "10", label="sea", label_fr="mer")
    assert code_label("transport_mode", "10") == "10 — sea"
    set_code_label(actor, "transport_mode", "10", label="sea (container)")
    assert CodeLabel.objects.filter(kind="transport_mode", code="10").count() == 1
    event = AuditEvent.objects.filter(action="reference.set_code_label").order_by("-id").first()
    assert event is not None
    assert event.details["before"] == {"label": "sea", "label_fr": "mer"}


@pytest.mark.parametrize(
    ("kind", "code", "label", "field"),
    [
        ("colour", "1", "blue", "kind"),
        ("transport_mode", "  ", "sea", "code"),
        ("transport_mode", "12345678901", "sea", "code"),
        ("transport_mode", "11", "", "label"),
        ("transport_mode", "11", "x" * 121, "label"),
    ],
)
def test_a_code_label_refuses_nonsense_naming_the_field(kind, code, label, field):
    with pytest.raises(Invalid) as refused:
        set_code_label(Actor.system(), kind, code, label=label)
    assert [p.field for p in refused.value.problems] == [field]


def test_a_check_is_added_changed_and_retired_never_deleted():
    actor = Actor.system()
    check = set_control_check(actor, None, CheckInput("origin", "Supplier's declaration"))
    set_control_check(actor, check.pk, CheckInput("origin", "Supplier's declaration", active=False))
    check.refresh_from_db()
    assert not check.active
    with pytest.raises(NotFound):
        set_control_check(actor, 999_999, CheckInput("origin", "anything at all"))
    with pytest.raises(Invalid) as refused:
        set_control_check(actor, None, CheckInput("luck", "anything at all"))
    assert refused.value.problems[0].field == "category"
    with pytest.raises(Invalid) as refused:
        set_control_check(actor, None, CheckInput("origin", "x", position=0))
    assert refused.value.problems[0].field == "position"


def test_the_seeded_checks_cover_every_risk_category():
    from portcullis.web.profiles.models import ProfileVersion

    categories = set(ControlCheck.objects.values_list("category", flat=True))
    assert categories == set(ProfileVersion.RiskCategory.values)


def test_the_administrator_edits_the_tables_on_the_admin_site(people):
    client = Client()
    client.force_login(people["admin"])
    added = client.post(
        reverse("admin:reference_codelabel_add"),
        {"kind": "procedure", "code": "45", "label": "free circulation, partial", "label_fr": ""},
    )
    assert added.status_code == 302
    assert code_label("procedure", "45") == "45 — free circulation, partial"
    row = ControlCheck.objects.filter(category="ipr").first()
    changed = client.post(
        reverse("admin:profiles_controlcheck_change", args=[row.pk]),
        {
            "category": "ipr",
            "position": 3,
            "on_goods": "on",
            "text": "Call the right holder",
            "text_fr": "",
            "active": "on",
        },
    )
    assert changed.status_code == 302
    row.refresh_from_db()
    assert row.text == "Call the right holder"
    assert AuditEvent.objects.filter(action="reference.set_control_check").exists()
    # An analyst cannot change them.
    analyst = Client()
    analyst.force_login(people["analyst"])
    assert analyst.get(reverse("admin:profiles_controlcheck_changelist")).status_code in (302, 403)


@pytest.mark.django_db(transaction=True)
def test_the_starting_tables_are_written_again_into_an_emptied_database():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert ControlCheck.objects.filter(category="valuation").exists()
    assert code_label("transport_mode", "1") == "1 — sea"
