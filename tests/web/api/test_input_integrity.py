"""What a careless or hostile client sends is refused in words, never half stored: exact
numbers, one value per key, bounded nesting, valid text, bounded bodies, usable ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from portcullis.web.accounts.scopes import Scope
from portcullis.web.declarations.models import Declaration, Item
from tests.builders import declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(trained, api_as):
    return api_as("clearance", Scope.SUBMIT, Scope.READ)


def _raw(client, body: bytes, path: str = "/declarations"):  # type: ignore[no-untyped-def]
    return client.client.post(
        f"/api/v1{path}",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.secret}"},
    )


def test_money_keeps_every_digit_or_is_refused(client):
    body = declaration("EXACT-1")
    text = (
        '{"declaration_id": "EXACT-1", "lodged_at": "2021-02-03T10:15:00+09:00", '
        '"office": "30", "declarant": "DECL001", "importer": "IMP0001", "items": [{'
        '"hs_code": "870323", "origin_country": "CN", "net_mass_kg": 1250.125, '
        '"customs_value": 9876543210987.65, "currency": "USD"}]}'
    )
    assert body  # the builder's shape, written out by hand so that numbers stay numbers
    reply = _raw(client, text.encode())
    assert reply.status_code == 201, reply.content
    item = Item.objects.get(declaration__declaration_id="EXACT-1")
    assert item.customs_value == Decimal("9876543210987.65")  # 15 digits, every one kept
    assert item.net_mass_kg == Decimal("1250.125")
    longer = text.replace("EXACT-1", "EXACT-2").replace("9876543210987.65", "123456789012345.67")
    refused = _raw(client, longer.encode())
    assert refused.status_code == 422  # never stored rounded
    assert refused.json()["errors"][0]["field"] == "items[0].customs_value"


def test_a_key_given_twice_is_refused_naming_it(client):
    reply = _raw(client, b'{"declaration_id": "D-1", "declaration_id": "D-2"}')
    assert reply.status_code == 400
    assert "'declaration_id' appears more than once" in reply.json()["detail"]
    inspection = _raw(client, b'{"finding": false, "finding": true}', "/declarations/X/inspection")
    assert inspection.status_code in (400, 403)  # this token records no results: 403 first


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[" * 100 + b"]" * 100, "nested more than 32 levels"),
        (b"[" * 100_000, "nested more than 32 levels"),
        (b'{"declaration_id": "\\ud800"}', "not valid Unicode"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not JSON"),
    ],
    ids=["deep", "very deep", "lone surrogate", "not utf-8", "truncated"],
)
def test_bodies_the_api_cannot_read_are_400_in_words(client, body, says):
    reply = _raw(client, body)
    assert reply.status_code == 400
    assert reply["Content-Type"] == "application/problem+json"
    assert says in reply.json()["detail"]
    assert not Declaration.objects.filter(source="api").exists()


def test_a_body_over_the_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    reply = _raw(
        client, b'{"declarations": [' + b'{"x": 1},' * 200 + b"{}]}", "/declarations/batch"
    )
    assert reply.status_code == 413
    assert reply.json()["type"].endswith("/too-large")


def test_an_id_that_would_break_its_address_is_refused(client):
    reply = client.post("/declarations", declaration("A/B"))
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "declaration_id"
    trader = client.post("/declarations", declaration("ok-1", importer="IMP/1"))
    assert trader.status_code == 422
    assert trader.json()["errors"][0]["field"] == "importer"


def test_the_check_command_reports_ids_stored_before_the_rule(client):
    from io import StringIO

    from django.core.management import call_command

    client.post("/declarations", declaration("FINE-1"))
    Declaration.objects.filter(declaration_id="FINE-1").update(declaration_id="OLD/1")
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_data", stdout=out)
    assert exited.value.code == 3
    assert "declaration 'OLD/1' cannot be part of an address" in out.getvalue()


def test_control_characters_and_empty_moments_are_refused_as_the_schema_says(trained, api_as):
    api = api_as("analyst", Scope.PROFILES)
    reply = api.post("/watchlist", {"kind": "origin", "value": "CN", "reason": "a\u0007b"})
    assert reply.status_code == 422
    empty = api.post(
        "/watchlist", {"kind": "origin", "value": "CN", "reason": "r", "expires_at": ""}
    )
    assert empty.status_code in (201, 422)  # "" means not given, as the schema documents
    schema = Client().get("/api/v1/openapi.json").json()
    text = schema["components"]["schemas"]["EntryIn"]["properties"]["reason"]
    assert "pattern" in text  # the rule the server applies is in the schema
