"""Field types for the API's own bodies (declarations use the engine's schema): text that
a database can store and a person can read, and moments as the engine reads them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    model_validator,
)

from portcullis.engine.fields import OptionalTimestamp

# NUL cannot be stored by PostgreSQL at all, and the other control characters are never
# meant in a name, a reason or a profile's criteria (tab and line breaks are).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same rule as the schema states it, so that clients (and schemathesis) know it.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _printable(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters (such as NUL)")
    return value


Text = Annotated[str, AfterValidator(_printable), Field(json_schema_extra={"pattern": PRINTABLE})]
# ISO 8601, converted to UTC; offsets or years a database cannot hold are refused; empty
# text or null means not given (as the schema says, so that no client is surprised).
Moment = Annotated[
    OptionalTimestamp,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "maxLength": 0},
                {"type": "null"},
            ]
        }
    ),
]


def _iso_day(value: object) -> object:
    """A day as ISO text (2021-03-01) or a date: a number is not a day (pydantic would read
    0 as 1970-01-01)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class Body(Schema):
    """A request body of the API's own: one JSON object, its fields only (a misspelt field
    is refused, not ignored)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        given = getattr(data, "_obj", data)  # ninja hands its bodies over wrapped
        if not isinstance(given, dict):
            raise ValueError("the body must be a JSON object")
        return data


def _number_only(value: object) -> object:
    """A JSON number (read exactly, as a Decimal, by the API's parser), never text or a
    true/false: what the schema says, and nothing pydantic would also read as one."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return float(value)


Number = Annotated[float, BeforeValidator(_number_only)]
Flag = Annotated[bool, Strict()]  # true or false, not 0 or "yes"
Whole = Annotated[int, Strict()]  # 5, not "5" or 5.0
