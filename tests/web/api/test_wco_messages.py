"""WCO DEC-DMS messages over the API (Content-Type: application/xml): the same reading as
the import, a decision in JSON for each, and hostile XML refused with 400."""

from __future__ import annotations

import pytest

from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.models import Declaration
from tests.builders import WCO_SAMPLES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not WCO_SAMPLES.is_dir(), reason="../shared is not beside the checkout"),
]


def _send(api, message: bytes, content_type: str = "application/xml", method: str = "post",
          path: str = "/declarations"):  # fmt: skip
    send = getattr(api.client, method)
    return send(f"/api/v1{path}", data=message, content_type=content_type,
                headers={"Authorization": f"Bearer {api.secret}"})  # fmt: skip


def test_each_sample_sent_as_xml_gets_a_decision_or_a_problem_naming_the_element(trained, api_as):
    api = api_as("cds", Scope.SUBMIT, Scope.READ)
    decided = refused = 0
    for path in sorted(WCO_SAMPLES.glob("*.xml")):
        reply = _send(api, path.read_bytes())
        if reply.status_code == 201:
            decided += 1
            assert reply.json()["decision"]["channel"] in {"green", "yellow", "red", "blue"}
        else:
            refused += 1
            assert reply.status_code == 422, (path.name, reply.content)
            (error,) = reply.json()["errors"]
            assert "(DE " in error["field"], error
    assert (decided, refused) == (60, 10)
    again = _send(api, (WCO_SAMPLES / "tt_im001b-tt_im001b.xml").read_bytes(), "text/xml")
    assert again.status_code == 200  # the same message again, later: its first decision
    assert again.json()["status"] == "unchanged"
    stored = Declaration.objects.get(declaration_id="TT_IM01b_v1.7_220322_1")
    assert set(stored.filled_in) == {"lodged_at", "office"}


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
         "document type declaration"),
        (b"<Declaration xmlns='urn:wco:datamodel:WCO:DEC-DMS:2'><Functional", "not well-formed"),
        (b"not xml at all", "not well-formed"),
    ],
)  # fmt: skip
def test_hostile_or_broken_xml_is_a_400_in_one_line(api_as, message, words):
    reply = _send(api_as("cds", Scope.SUBMIT), message)
    assert reply.status_code == 400
    assert reply["Content-Type"] == "application/problem+json"
    assert words in reply.json()["detail"]
    assert "root:" not in reply.content.decode()
    assert not Declaration.objects.exists()


def test_a_message_over_the_limit_is_a_413(api_as):
    reply = _send(api_as("cds", Scope.SUBMIT), b"<a>" + b" " * (9 * 1024 * 1024) + b"</a>")
    assert reply.status_code == 413
    assert "at most 8,388,608 bytes" in reply.json()["detail"]


def test_a_message_that_is_not_a_declaration_is_a_422_naming_what_is_missing(api_as):
    reply = _send(api_as("cds", Scope.SUBMIT), b"<submitDeclarationRequest/>")
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "Declaration"


def test_a_valid_message_with_a_bad_value_names_the_element_not_the_json_path(trained, api_as):
    message = (WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml").read_bytes()
    message = message.replace(b"<CountryCode>BR</CountryCode>", b"<CountryCode>QQ</CountryCode>")
    reply = _send(api_as("cds", Scope.SUBMIT), message)
    assert reply.status_code == 422
    (error,) = reply.json()["errors"]
    assert error["field"] == "Origin/CountryCode (DE 5/15)"
    assert error["value"] == "QQ"


def test_an_amendment_may_come_as_a_wco_message_too(trained, api_as):
    api = api_as("cds", Scope.SUBMIT, Scope.READ)
    message = (WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml").read_bytes()
    first = _send(api, message)
    assert first.status_code == 201, first.content
    if first.json()["decision"]["channel"] != "green":
        pytest.skip("selected: an amendment would be refused as under control (tested elsewhere)")
    amended = message.replace(b"<NetNetWeightMeasure>10<", b"<NetNetWeightMeasure>12<")
    reply = _send(api, amended, method="put", path="/declarations/7849431OU9IZ")
    assert reply.status_code == 201, reply.content
    stored = Declaration.objects.get(declaration_id="7849431OU9IZ")
    assert (stored.version, str(stored.items.get().net_mass_kg)) == (2, "12.000")
