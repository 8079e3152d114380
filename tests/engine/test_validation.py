"""Validation of canonical declarations: normal forms, messages, reference data by date."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portcullis.engine.canonical import content_hash
from portcullis.engine.validation import (
    FieldProblem,
    ValidationContext,
    ValidDeclaration,
    validate_declaration,
)
from tests.builders import declaration

SEOUL = ValidationContext(tz=ZoneInfo("Asia/Seoul"))


def valid(data: dict, context: ValidationContext = SEOUL) -> ValidDeclaration:
    result = validate_declaration(data, context)
    assert isinstance(result, ValidDeclaration), result
    return result


def problems(data: dict, context: ValidationContext = SEOUL) -> dict[str, FieldProblem]:
    result = validate_declaration(data, context)
    assert isinstance(result, list), "expected the declaration to be rejected"
    return {problem.field: problem for problem in result}


def item(**overrides):
    return {**declaration()["items"][0], **overrides}


def test_it_normalises_what_traders_write():
    result = valid(
        declaration(items=[item(hs_code="8703.23", origin_country="cn", currency="usd")])
    )
    stored = result.declaration.items[0]
    assert (stored.hs_code, stored.origin_country, stored.currency) == ("870323", "CN", "USD")
    assert stored.net_mass_kg == Decimal("1250.500")
    assert stored.customs_value == Decimal("15000.00")
    assert stored.line_no == 1
    assert result.declaration.lodged_at == datetime(2021, 2, 3, 1, 15, tzinfo=UTC)


def test_the_same_declaration_written_differently_has_the_same_hash():
    plain = declaration()
    written_differently = {
        **{key: plain[key] for key in reversed(list(plain))},
        "lodged_at": "2021-02-03T01:15:00Z",
        "items": [item(hs_code="870323", net_mass_kg=1250.5, customs_value="15000.00", line_no=1)],
    }
    assert valid(plain).content_hash == valid(written_differently).content_hash
    assert valid(plain).content_hash != valid(declaration(office="31")).content_hash


def test_a_date_alone_is_read_in_the_configured_time_zone():
    result = valid(declaration(lodged_at="2021-02-03"))
    assert result.declaration.lodged_at == datetime(2021, 2, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lodged_at", "message"),
    [
        ("2021-02-03T10:00:00-22:10", "has a UTC offset beyond ±14:00"),
        ("0001-01-01T00:00:00+01:00", "is out of range"),
    ],
)
def test_moments_a_database_cannot_hold_are_refused(lodged_at, message):
    found = problems(declaration(lodged_at=lodged_at))
    assert found["lodged_at"].message == message


def test_it_validates_hs_codes_against_the_edition_in_force_on_the_day():
    # 040310 (yogurt) was split in HS 2022; 040320 only exists from HS 2022.
    assert (
        valid(declaration(lodged_at="2021-06-01", items=[item(hs_code="040310")])).hs_edition
        == "HS2017"
    )
    assert (
        valid(declaration(lodged_at="2022-06-01", items=[item(hs_code="040320")])).hs_edition
        == "HS2022"
    )
    late = problems(declaration(lodged_at="2022-06-01", items=[item(hs_code="040310")]))
    assert late["items[0].hs_code"].message == (
        "is not a subheading of HS 2022, in force on 2022-06-01 (it is a HS 2017 code)"
    )
    for code in ("123456", "999999"):  # 999999 is a UN Comtrade aggregate, not an HS code
        unknown = problems(declaration(items=[item(hs_code=code)]))
        assert "is not a subheading of HS 2017" in unknown["items[0].hs_code"].message


def test_the_edition_follows_the_local_date_not_the_utc_date():
    # 00:30 in Seoul on 1 January 2022 is still 2021 in UTC: HS 2022 applies.
    result = valid(declaration(lodged_at="2022-01-01T00:30:00", items=[item(hs_code="040320")]))
    assert result.hs_edition == "HS2022"


def test_dates_before_any_loaded_edition_are_rejected_with_the_coverage():
    found = problems(declaration(lodged_at="2015-05-05"))
    assert found["lodged_at"].message.startswith("no HS edition is in force on 2015-05-05")
    assert "HS 2017 (2017-01-01 to 2021-12-31)" in found["lodged_at"].message


def test_a_declaration_from_the_future_is_rejected():
    context = ValidationContext(tz=UTC, now=datetime(2021, 1, 1, tzinfo=UTC))
    assert problems(declaration(lodged_at="2021-01-03"), context)["lodged_at"].message == (
        "is in the future"
    )
    valid(declaration(lodged_at="2021-01-01T20:00:00Z"), context)  # clocks drift a little


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("net_mass_kg", "nan", "must be a finite number"),
        ("net_mass_kg", "inf", "must be a finite number"),
        ("net_mass_kg", "-Infinity", "must be a finite number"),
        ("customs_value", "-1", "must not be negative"),
        ("customs_value", "1e400", "must be less than 10,000,000,000,000"),
        ("customs_value", "123456789012345.67", "must be less than 10,000,000,000,000"),
        ("customs_value", "12.345", "may have at most 2 decimal places"),
        ("customs_value", "12,5", "must be a number"),
        ("customs_value", True, "must be a number"),
        ("origin_country", "XX", "is not an ISO 3166 country code (ZZ means unknown)"),
        ("currency", "EURO", "is not an ISO 4217 currency code"),
        ("hs_code", "87032", "must be 6 to 10 digits (HS subheading, optionally extended)"),
        ("description", "x" * 5_000_000, "is too long (5,000,000 characters, at most 512)"),
        ("description", "bell\x07", "contains control characters"),
    ],
)
def test_each_bad_item_field_is_named_with_the_rule_it_breaks(field, value, message):
    found = problems(declaration(items=[item(**{field: value})]))
    assert found[f"items[0].{field}"].message == message


def test_messages_show_values_escaped_and_cut_short():
    found = problems(declaration(declarant="\x1b[2J" + "A" * 100))
    assert found["declarant"].value.startswith("\\x1b[2J")
    assert found["declarant"].value.endswith("… (104 characters)")


def test_zz_is_accepted_as_unknown_country():
    result = valid(declaration(country_of_departure="ZZ", items=[item(origin_country="ZZ")]))
    assert result.declaration.items[0].origin_country == "ZZ"


def test_required_fields_unknown_fields_and_empty_item_lists():
    data = declaration(items=[])
    del data["importer"]
    data["importer_nickname"] = "ACME"
    found = problems(data)
    assert found["importer"].message == "is required"
    assert found["importer_nickname"].message == "is not a known field"
    assert found["items"].message == "must have at least one item"


def test_line_numbers_default_to_position_and_must_be_unique():
    two = valid(declaration(items=[item(), item(hs_code="870324")]))
    assert [i.line_no for i in two.declaration.items] == [1, 2]
    clash = problems(declaration(items=[item(line_no=1), item(line_no=1)]))
    assert clash["items"].message == "line_no 1 appears more than once"


def test_text_is_kept_exactly_as_sent():
    text = '<script>alert(1)</script> \'; DROP TABLE declarations; -- =HYPERLINK("x") {{7*7}}'
    result = valid(declaration(items=[item(description=text)]))
    assert result.declaration.items[0].description == text


def test_undecodable_bytes_reject_the_field_not_the_file():
    found = problems(declaration(office="3\udcff0"))
    assert found["office"].message.startswith("is not valid text in the file's encoding")


def test_an_outcome_without_a_finding_cannot_carry_finding_details():
    found = problems(declaration(outcome={"finding": False, "critical": True}))
    assert found["outcome"].message == "critical need finding = true"
    ok = valid(declaration(outcome={"finding": "1", "finding_type": "undervaluation"}))
    assert ok.declaration.outcome is not None
    assert ok.declaration.outcome.finding is True


def test_the_hash_is_stable_across_releases():
    # If this changes, every stored declaration would look like a conflict when sent again:
    # change the canonical form only with a migration that rehashes.
    raw = declaration()
    raw["items"][0]["currency"] = "USD"  # the declaration the hash was first taken of
    result = valid(raw, ValidationContext(tz=UTC))
    assert result.content_hash == content_hash(result.declaration)
    assert result.content_hash == "3e92f664a45cfd223ead900e67e0919276ff5c499ce8273681fc1fe9afd27dcc"


@pytest.mark.parametrize("sent", [{}, [], {"code": "USD"}, 3.5])
def test_a_code_sent_as_another_json_type_is_a_field_problem(sent):
    """Found by schemathesis: an object where a currency goes once crashed the check."""
    raw = declaration()
    raw["items"][0]["currency"] = sent
    raw["items"][0]["origin_country"] = sent
    problems = validate_declaration(raw)
    assert {(p.field, p.message) for p in problems} == {
        ("items[0].currency", "must be text"),
        ("items[0].origin_country", "must be text"),
    }
