"""The canonical shape of a declaration: what every channel (file, API, UI) is turned into.

One declaration is a header with one or more goods items, and, for historical data, the
outcome of its inspection. ``python -m portcullis.engine.schema`` prints the JSON Schema
(kept in docs/declaration.schema.json).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from portcullis.engine.fields import (
    Code,
    CountryCode,
    CurrencyCode,
    HsCode,
    Identifier,
    Money,
    OptionalAdditionalCodes,
    OptionalCode,
    OptionalCountryCode,
    OptionalDescription,
    OptionalExchangeRate,
    OptionalIdentifier,
    OptionalMoney,
    OptionalNotes,
    OptionalPartyName,
    OptionalQuantity,
    OptionalRate,
    OptionalTimestamp,
    Quantity,
    Timestamp,
)

MAX_ITEMS = 999
_FILLED_FIELD_RE = re.compile(r"^(items\[\d{1,3}\]\.)?[a-z_]{1,40}$")


class FindingType(StrEnum):
    """What an inspection found (DESIGN.md, "Treat")."""

    UNDERVALUATION = "undervaluation"
    MISCLASSIFICATION = "misclassification"
    ORIGIN = "origin"
    PROHIBITED_RESTRICTED = "prohibited_restricted"
    IPR = "ipr"
    QUANTITY = "quantity"
    OTHER = "other"


class TraderRole(StrEnum):
    IMPORTER = "importer"
    DECLARANT = "declarant"
    SELLER = "seller"
    COURIER = "courier"


class _Strict(BaseModel):
    # Unknown fields are an error, not silently dropped: a misspelt optional field would
    # otherwise lose data without anyone noticing. Codes may arrive as numbers (JSON,
    # Parquet): office 30 is the code "30".
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def _line_no_is_optional(schema: dict[str, Any]) -> None:
    # The declaration numbers items without line_no by position before they are validated,
    # so a client may leave it out even though every stored item has one.
    schema["required"].remove("line_no")


class Item(_Strict):
    """One goods item of a declaration."""

    model_config = ConfigDict(json_schema_extra=_line_no_is_optional)

    line_no: int = Field(ge=1, le=MAX_ITEMS, description="1-based; defaults to the position")
    hs_code: HsCode = Field(
        description="the commodity code: HS subheading, with the national tariff's digits if any"
    )
    additional_codes: OptionalAdditionalCodes = Field(
        None, description="national or TARIC additional codes qualifying the commodity code"
    )
    description: OptionalDescription = Field(None, description="goods description, free text")
    origin_country: CountryCode
    origin_indicator: OptionalCode = Field(None, description="preference/origin proof code")
    net_mass_kg: Quantity
    quantity: OptionalQuantity = None
    quantity_unit: OptionalCode = Field(None, description="UN/ECE Recommendation 20 unit code")
    customs_value: Money
    currency: CurrencyCode
    tax_type: OptionalCode = None
    tax_rate: OptionalRate = Field(None, description="duty rate in percent")
    duty: OptionalMoney = Field(None, description="duty assessed on the item, if declared")


class InspectionOutcome(_Strict):
    """A recorded inspection result (historical imports carry one per declaration)."""

    finding: bool = Field(description="true when the inspection found non-compliance")
    finding_type: FindingType | None = None
    critical: bool = Field(False, description="a finding of high revenue impact")
    additional_duties: OptionalMoney = None
    seizure: bool = False
    inspected_at: OptionalTimestamp = None
    notes: OptionalNotes = None

    @model_validator(mode="after")
    def _finding_details_need_a_finding(self) -> InspectionOutcome:
        if not self.finding and compliant_but_given(self):
            raise ValueError(f"{', '.join(compliant_but_given(self))} need finding = true")
        return self


FINDING_DETAILS = ("finding_type", "critical", "seizure", "additional_duties")


def compliant_but_given(outcome: InspectionOutcome) -> list[str]:
    """The details of a finding that a result without one states all the same."""
    return [name for name in FINDING_DETAILS if getattr(outcome, name)]


class Declaration(_Strict):
    """An import declaration: header, goods items and (optionally) its inspection outcome."""

    declaration_id: Identifier = Field(description="the clearance system's id; unique")
    lodged_at: Timestamp = Field(description="a date alone is read in the server's time zone")
    office: Code
    procedure: OptionalCode = Field(None, description="customs procedure / import type code")
    process_type: OptionalCode = Field(None, description="clearance process code")
    import_use: OptionalCode = None
    payment_type: OptionalCode = None
    transport_mode: OptionalCode = None
    declarant: Identifier
    importer: Identifier
    seller: OptionalIdentifier = None
    courier: OptionalIdentifier = None
    importer_name: OptionalPartyName = Field(None, description="the importer's name (DE 3/15)")
    declarant_name: OptionalPartyName = Field(None, description="the declarant's name (DE 3/17)")
    seller_name: OptionalPartyName = Field(
        None, description="the seller's or exporter's name (DE 3/24, 3/1)"
    )
    courier_name: OptionalPartyName = Field(None, description="the courier's or carrier's name")
    country_of_departure: OptionalCountryCode = None
    exchange_rate: OptionalExchangeRate = Field(
        None, description="the declarant's rate: national currency per unit of the invoice's"
    )
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    outcome: InspectionOutcome | None = None
    filled_in: dict[str, str] = Field(
        default_factory=dict,
        max_length=32,
        description=(
            "fields the message left out and the channel filled in, each with what it put "
            "there and why (a WCO message without an acceptance time: the time received)"
        ),
    )

    @field_validator("filled_in")
    @classmethod
    def _filled_in_names_fields(cls, filled: dict[str, str]) -> dict[str, str]:
        for name, note in filled.items():
            if not _FILLED_FIELD_RE.match(name):
                raise ValueError(f"{name[:40]!r} is not a field of the declaration")
            if not note.strip() or len(note) > 300 or not note.isprintable():
                raise ValueError(f"the note on {name} must be 1 to 300 printable characters")
        return filled

    @model_validator(mode="before")
    @classmethod
    def _number_items(cls, data: Any) -> Any:
        """Items without a line number take their position, as on the paper form."""
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or all(
            type(item) is dict and item.get("line_no") not in (None, "") for item in items
        ):
            return data
        numbered = [
            {**item, "line_no": position}
            if isinstance(item, dict) and item.get("line_no") in (None, "")
            else item
            for position, item in enumerate(items, start=1)
        ]
        return {**data, "items": numbered}

    @field_validator("items")
    @classmethod
    def _line_numbers_unique(cls, items: list[Item]) -> list[Item]:
        if len(items) > 1:
            seen: set[int] = set()
            for item in items:
                if item.line_no in seen:
                    raise ValueError(f"line_no {item.line_no} appears more than once")
                seen.add(item.line_no)
        return items

    def traders(self) -> dict[TraderRole, str]:
        """The trader code given for each role."""
        codes = {
            TraderRole.IMPORTER: self.importer,
            TraderRole.DECLARANT: self.declarant,
            TraderRole.SELLER: self.seller,
            TraderRole.COURIER: self.courier,
        }
        return {role: code for role, code in codes.items() if code is not None}


def json_schema() -> dict[str, Any]:
    schema = Declaration.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2, sort_keys=True))
