"""Request bodies the API reads itself, record by record, instead of letting the framework
reject a whole request for one bad record: their OpenAPI description is made here from the
canonical declaration schema."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from portcullis.engine.schema import Declaration
from portcullis.web.api.parsing import BodyError, parse_json
from portcullis.web.api.problems import Problem

_REF = "#/components/schemas/{model}"


@cache
def declaration_components() -> dict[str, Any]:
    """Components for a submitted declaration: the canonical schema without ``outcome``
    (outcomes are recorded after an inspection, not submitted)."""
    schema = Declaration.model_json_schema(ref_template=_REF)
    components: dict[str, Any] = schema.pop("$defs")
    schema["properties"].pop("outcome", None)
    schema["title"] = "DeclarationIn"
    schema["description"] = "An import declaration to assess: header and goods items."
    return {"DeclarationIn": schema, **components}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


DECLARATION = body({"$ref": _REF.format(model="DeclarationIn")})
OUTCOME = body({"$ref": _REF.format(model="InspectionOutcome")})


@cache
def correction_schema() -> dict[str, Any]:
    """An outcome and the reason for correcting to it (its fields are the outcome's)."""
    outcome = declaration_components()["InspectionOutcome"]
    return {
        **outcome,
        "title": "CorrectionIn",
        "required": [*outcome.get("required", []), "reason"],
        "properties": {
            **outcome["properties"],
            "reason": {"type": "string", "minLength": 15, "maxLength": 2000},
        },
    }


def json_body(request: HttpRequest) -> Any:
    try:
        return parse_json(request.body)
    except BodyError as error:
        raise Problem(400, "bad-request", "Bad request", str(error)) from None
