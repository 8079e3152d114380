"""Field types of the canonical declaration: parsing, bounds and the messages a trader reads.

Every type turns what a file or an API client sent into one normal form (so that the same
declaration always hashes the same) or raises an error whose message names the rule. Each
has an optional twin (``optional(...)``) for which an absent value, None or blank text all
mean "not given". The common case (already-clean text) is checked first: this runs once
per field of every declaration imported. Validators run before pydantic's own type check,
so the types keep pydantic's native (fast) serialisation: decimals, quantized here, print as
fixed-point text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from portcullis.engine.reference import COUNTRY_CODES, CURRENCY_CODES

# Ids and codes become parts of addresses (/declarations/<id>/, /traders/importer/<code>/):
# letters, digits, dot, underscore and hyphen, beginning with a letter or digit, so that
# every one stored can be opened (a "/" once made a declaration no page could show).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
# Control characters are never meaningful in declaration text (NUL cannot even be stored by
# PostgreSQL); codes exclude them by their pattern, free text may keep tab and line breaks.
_FREE_TEXT_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HS_SEPARATORS = str.maketrans("", "", ". ")
# Readers decode as surrogateescape does (formats.textfile): bytes that are not valid in the
# file's encoding arrive as lone surrogates, so the record (not the whole file) can be rejected
# for them.
_UNDECODABLE_RE = re.compile("[\udc80-\udcff]")

Validate = Callable[[Any], Any]


def _fail(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context or None)


def _text(value: Any) -> str:
    if type(value) is not str:
        if value is None:
            raise _fail("missing", "is required")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _fail("string_type", "must be text")
        value = str(value)
    text: str = value
    if not text.isascii() and _UNDECODABLE_RE.search(text):
        raise _fail(
            "encoding",
            "is not valid text in the file's encoding (is the file UTF-8? see --encoding)",
        )
    return text.strip()


def _bounded(value: str, max_length: int) -> str:
    if not value:
        raise _fail("missing", "must not be empty")
    if len(value) > max_length:
        raise _fail(
            "text_too_long",
            "is too long ({length} characters, at most {max_length})",
            length=f"{len(value):,}",
            max_length=max_length,
        )
    return value


def blank_to_none(value: Any) -> Any:
    """For optional fields, blank text means "not given"."""
    if type(value) is str and not value.strip():
        return None
    return value


def _free_text(max_length: int) -> Validate:
    """Free text (goods descriptions, notes): stored exactly as given, never interpreted."""

    def validate(value: Any) -> str:
        text = _bounded(_text(value), max_length)
        if _FREE_TEXT_CONTROL_RE.search(text):
            raise _fail("control_chars", "contains control characters")
        return text

    return validate


def _standard_code(codes: frozenset[str], kind: str, message: str) -> Validate:
    """A code from an ISO list, whose codes are upper case ("cn" is read as "CN")."""

    def validate(value: Any) -> str:
        if isinstance(value, str) and value in codes:  # the common case, at no cost
            return value
        text = _text(value).upper()
        if text not in codes:
            raise _fail(kind, message)
        return text

    return validate


_country = _standard_code(
    COUNTRY_CODES, "country", "is not an ISO 3166 country code (ZZ means unknown)"
)
_currency = _standard_code(CURRENCY_CODES, "currency", "is not an ISO 4217 currency code")


def _hs_code(value: Any) -> str:
    # Traders write "8703.23" or "8703 23"; the nomenclature writes "870323".
    text = _text(value).translate(_HS_SEPARATORS)
    if not (text.isascii() and text.isdigit() and 6 <= len(text) <= 10):
        raise _fail("hs_code", "must be 6 to 10 digits (HS subheading, optionally extended)")
    return text


def _decimal(places: int, upper: Decimal) -> Validate:
    """A finite, non-negative number below ``upper`` with at most ``places`` decimals."""
    quantum = Decimal(1).scaleb(-places)

    def validate(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise _fail("number", "must be a number")
        if isinstance(value, str):
            value = _text(value)
        try:
            # str() of a float is its shortest round-trip form: 0.1 stays 0.1.
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise _fail("number", "must be a number") from None
        if not number.is_finite():
            raise _fail("finite", "must be a finite number")
        if number < 0:
            raise _fail("negative", "must not be negative")
        if number >= upper:
            raise _fail("too_large", "must be less than {upper}", upper=f"{int(upper):,}")
        quantized = number.quantize(quantum)
        if quantized != number:
            raise _fail("places", "may have at most {places} decimal places", places=places)
        return quantized

    return validate


def _datetime(value: Any, info: ValidationInfo) -> datetime:
    """ISO 8601 date or date-time. A date alone, or a time without offset, is read in the
    configured time zone (validation context ``tz``); the result is always UTC."""
    if isinstance(value, str):
        text = _text(value)
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise _fail("datetime", "must be an ISO 8601 date or date-time") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise _fail("datetime", "must be an ISO 8601 date or date-time")
    moment: datetime = value
    if moment.tzinfo is None:
        zone: tzinfo = (info.context or {}).get("tz") or UTC
        moment = moment.replace(tzinfo=zone)
    offset = moment.utcoffset()
    # Real offsets lie within ±14 hours; databases refuse larger ones (Python allows ±24).
    if offset is not None and abs(offset) > timedelta(hours=14):
        raise _fail("datetime", "has a UTC offset beyond ±14:00")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # the first or last day of year 1 or 9999, moved past the edge
        raise _fail("datetime", "is out of range") from None


def _or_none(validate: Validate) -> Validate:
    def optional(value: Any) -> Any:
        return None if blank_to_none(value) is None else validate(value)

    return optional


def _or_none_in_context(validate: Callable[[Any, ValidationInfo], Any]) -> Any:
    def optional(value: Any, info: ValidationInfo) -> Any:
        return None if blank_to_none(value) is None else validate(value, info)

    return optional


def _nullable(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]})


def _number_schema(places: int, upper: Decimal) -> dict[str, Any]:
    return {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "minimum": 0,
        "exclusiveMaximum": float(upper),
        "description": f"decimal, at most {places} decimal places",
    }


# At most 15 significant digits: every database keeps those exactly (SQLite turns a longer
# decimal into a binary float, 123456789012345.67 into 123456789012346), so an amount is
# refused in words rather than stored rounded. 10 trillion is far above any goods item.
MONEY_PLACES, MONEY_UPPER = 2, Decimal("1e13")
QUANTITY_PLACES, QUANTITY_UPPER = 3, Decimal("1e12")
RATE_PLACES, RATE_UPPER = 3, Decimal("10000")
# Units of the national currency per unit of another: 0.000001 (a strong currency in a weak
# one's terms) to a billion, within the same 15 digits.
EXCHANGE_RATE_PLACES, EXCHANGE_RATE_UPPER = 6, Decimal("1e9")
# National additional codes (TARIC additional codes, national VAT or excise codes): a few
# short codes, kept apart from the commodity code they qualify.
_ADDITIONAL_CODES_RE = re.compile(r"^[A-Z0-9]{1,4}( [A-Z0-9]{1,4}){0,15}$")

_ID_SCHEMA = {"type": "string", "maxLength": 35, "pattern": CODE_PATTERN}
_CODE_SCHEMA = {"type": "string", "maxLength": 10, "pattern": CODE_PATTERN}
_COUNTRY_SCHEMA = {
    "type": "string",
    "pattern": "^[A-Z]{2}$",
    "description": "ISO 3166-1; ZZ unknown",
}
_TIME_SCHEMA = {"type": "string", "format": "date-time"}
_MONEY_SCHEMA = _number_schema(MONEY_PLACES, MONEY_UPPER)
_QUANTITY_SCHEMA = _number_schema(QUANTITY_PLACES, QUANTITY_UPPER)
_RATE_SCHEMA = _number_schema(RATE_PLACES, RATE_UPPER)
_money = _decimal(MONEY_PLACES, MONEY_UPPER)
_quantity = _decimal(QUANTITY_PLACES, QUANTITY_UPPER)
_rate = _decimal(RATE_PLACES, RATE_UPPER)
_EXCHANGE_RATE_SCHEMA = _number_schema(EXCHANGE_RATE_PLACES, EXCHANGE_RATE_UPPER)
_exchange_rate = _decimal(EXCHANGE_RATE_PLACES, EXCHANGE_RATE_UPPER)


def _additional_codes(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(code) for code in value)
    text = " ".join(_text(value).upper().split())
    if not _ADDITIONAL_CODES_RE.match(text):
        raise _fail(
            "additional_codes",
            "must be up to 16 codes of 1 to 4 letters or digits, separated by spaces",
        )
    return text


_description, _notes = _free_text(512), _free_text(4000)
PARTY_NAME_MAX = 200


def _party_name(value: Any) -> str:
    """A trader's name as declared: one line, its spaces as one ("ACME  Ltd" is "ACME Ltd"),
    so that the same name sent twice hashes the same."""
    text = _bounded(" ".join(_text(value).split()), PARTY_NAME_MAX)
    if _FREE_TEXT_CONTROL_RE.search(text):
        raise _fail("control_chars", "contains control characters")
    return text


# Codes and identifiers are the most frequent fields: their checks run in pydantic's compiled
# core (the validation module words its error types like the rest).
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=35, pattern=CODE_PATTERN),
    WithJsonSchema(_ID_SCHEMA),
]
OptionalIdentifier = Annotated[
    Identifier | None, BeforeValidator(blank_to_none), _nullable(_ID_SCHEMA)
]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10, pattern=CODE_PATTERN),
    WithJsonSchema(_CODE_SCHEMA),
]
OptionalCode = Annotated[Code | None, BeforeValidator(blank_to_none), _nullable(_CODE_SCHEMA)]
CountryCode = Annotated[str, BeforeValidator(_country), WithJsonSchema(_COUNTRY_SCHEMA)]
OptionalCountryCode = Annotated[
    str | None, BeforeValidator(_or_none(_country)), _nullable(_COUNTRY_SCHEMA)
]
CurrencyCode = Annotated[
    str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})
]
HsCode = Annotated[
    str,
    BeforeValidator(_hs_code),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{6,10}$", "examples": ["870323"]}),
]
Timestamp = Annotated[datetime, BeforeValidator(_datetime), WithJsonSchema(_TIME_SCHEMA)]
OptionalTimestamp = Annotated[
    datetime | None,
    BeforeValidator(_or_none_in_context(_datetime)),
    _nullable(_TIME_SCHEMA),
]
OptionalDescription = Annotated[
    str | None,
    BeforeValidator(_or_none(_description)),
    _nullable({"type": "string", "maxLength": 512}),
]
OptionalPartyName = Annotated[
    str | None,
    BeforeValidator(_or_none(_party_name)),
    _nullable({"type": "string", "maxLength": PARTY_NAME_MAX}),
]
OptionalNotes = Annotated[
    str | None, BeforeValidator(_or_none(_notes)), _nullable({"type": "string", "maxLength": 4000})
]
Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema(_MONEY_SCHEMA)]
OptionalMoney = Annotated[
    Decimal | None, BeforeValidator(_or_none(_money)), _nullable(_MONEY_SCHEMA)
]
Quantity = Annotated[Decimal, BeforeValidator(_quantity), WithJsonSchema(_QUANTITY_SCHEMA)]
OptionalQuantity = Annotated[
    Decimal | None, BeforeValidator(_or_none(_quantity)), _nullable(_QUANTITY_SCHEMA)
]
OptionalRate = Annotated[Decimal | None, BeforeValidator(_or_none(_rate)), _nullable(_RATE_SCHEMA)]
OptionalExchangeRate = Annotated[
    Decimal | None, BeforeValidator(_or_none(_exchange_rate)), _nullable(_EXCHANGE_RATE_SCHEMA)
]
OptionalAdditionalCodes = Annotated[
    str | None,
    BeforeValidator(_or_none(_additional_codes)),
    _nullable({"type": "string", "pattern": _ADDITIONAL_CODES_RE.pattern}),
]
