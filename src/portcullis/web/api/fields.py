"""Field types for the API's own bodies (declarations use the engine's schema): text that
a database can store and a person can read, and moments as the engine reads them."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

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
