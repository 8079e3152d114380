"""Request bodies the API reads itself, record by record, instead of letting the framework
reject a whole request for one bad record: their OpenAPI description is made here from the
canonical declaration schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from portcullis.engine.formats import ReadProblem, WcoIntake
from portcullis.engine.formats.safexml import MAX_MESSAGE_BYTES
from portcullis.engine.formats.wco import read_message
from portcullis.engine.schema import Declaration
from portcullis.web.api.parsing import BodyError, parse_json
from portcullis.web.api.problems import Problem, invalid

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


def body(schema: dict[str, Any], **other: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}, **other}
    return {"requestBody": {"required": True, "content": content}}


_WCO_MESSAGE = {
    "schema": {
        "type": "string",
        "description": "a WCO Data Model goods declaration (DEC-DMS), as docs/formats.md maps it",
    }
}
DECLARATION = body(
    {"$ref": _REF.format(model="DeclarationIn")},
    **{"application/xml": _WCO_MESSAGE, "text/xml": _WCO_MESSAGE},
)
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


_XML_TYPES = ("application/xml", "text/xml")


@dataclass(frozen=True)
class DeclarationBody:
    """A submitted declaration as a canonical record, and how to name its fields back to
    the sender (a WCO message's fields by their element and data element number)."""

    raw: Any
    name: Callable[[str], str]


def declaration_body(request: HttpRequest) -> DeclarationBody:
    """The declaration a request carries: canonical JSON, or a WCO DEC-DMS message
    (``Content-Type: application/xml``), whose gaps are filled as the import fills them."""
    if request.content_type not in _XML_TYPES:
        return DeclarationBody(json_body(request), lambda path: path)
    if len(request.body) > MAX_MESSAGE_BYTES:
        detail = f"a WCO message may have at most {MAX_MESSAGE_BYTES:,} bytes"
        raise Problem(413, "too-large", "Too large", detail)
    intake = WcoIntake(office=settings.PORTCULLIS_DEFAULT_OFFICE)
    read = read_message(request.body, "message", timezone.now(), intake)
    if isinstance(read, ReadProblem):
        (problem,) = read.problems
        if not problem.field:  # not XML, or unsafe XML: nothing of it was read
            raise Problem(400, "bad-request", "Bad request", problem.message)
        raise invalid(
            [{"field": problem.field, "message": problem.message, "value": problem.value}],
            f"the WCO message cannot be a declaration: {problem.field} {problem.message}",
        )
    return DeclarationBody(read.raw, lambda path: read.locate(path)[1])
