"""Request bodies the API reads itself, record by record, instead of letting the framework
reject a whole request for one bad record: their OpenAPI description is made here from the
canonical declaration schema."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.http import HttpRequest

from portcullis.engine.schema import Declaration
from portcullis.web.api.problems import Problem

_REF = "#/components/schemas/{model}"


@cache
def declaration_components() -> dict[str, Any]:
    """Components for a submitted declaration: the canonical schema without ``outcome``
    (outcomes are recorded after an inspection, not submitted)."""
    schema = Declaration.model_json_schema(ref_template=_REF)
    components: dict[str, Any] = schema.pop("$defs")
    components.pop("InspectionOutcome", None)
    schema["properties"].pop("outcome", None)
    schema["title"] = "DeclarationIn"
    schema["description"] = "An import declaration to assess: header and goods items."
    return {"DeclarationIn": schema, **components}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


DECLARATION = body({"$ref": _REF.format(model="DeclarationIn")})


def json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(400, "bad-request", "Bad request", f"the body is not JSON: {error}") from None
