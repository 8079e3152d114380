"""Validate one raw declaration (a dict from any reader or the API) into its canonical form.

Two passes: the schema (types, bounds, required fields) and the reference data that depends
on the declaration itself (the HS edition in force on the day it was lodged). Every problem
names its field path and says what is wrong in words a declarant understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from pydantic import ValidationError

from portcullis.engine.canonical import content_hash
from portcullis.engine.reference import Nomenclature, nomenclature
from portcullis.engine.schema import Declaration

# A clearance system's clock may run a little ahead of ours; more than this is a data error.
FUTURE_TOLERANCE = timedelta(days=1)
_EXCERPT_CHARS = 40

# Pydantic's own wording for its built-in checks, rephrased as "<field> <message>".
_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "bool_parsing": "must be true or false (1/0, yes/no)",
    "bool_type": "must be true or false (1/0, yes/no)",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "too_short": "must have at least one item",
    "too_long": "has too many entries",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "may contain only letters, digits and . _ - characters",
    "string_unicode": (
        "is not valid text in the file's encoding (is the file UTF-8? see --encoding)"
    ),
}


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of one record."""

    field: str  # canonical path, e.g. "items[0].hs_code"; "" for the record as a whole
    message: str
    value: str | None = None  # a short, printable excerpt of what was sent
    # The message before its values were put in (%(name)s each), where a page may say it
    # in the reader's language; "" where the message is said as it is.
    template: str = ""
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ValidDeclaration:
    declaration: Declaration
    hs_edition: str
    content_hash: str


@dataclass(frozen=True)
class ValidationContext:
    """What validation depends on besides the record itself."""

    tz: tzinfo = UTC
    now: datetime | None = None  # None: the current time when validating
    nomenclature: Nomenclature = field(default_factory=nomenclature)


def excerpt(value: Any) -> str:
    """A value as it may safely appear in a one-line message: escaped, and cut short."""
    text = value if isinstance(value, str) else repr(value)
    shown = text[:_EXCERPT_CHARS]
    # repr escapes control characters (no terminal escape sequences get through) and lone
    # surrogates left by undecodable bytes.
    shown = repr(shown)[1:-1]
    if len(text) > _EXCERPT_CHARS:
        shown += f"… ({len(text):,} characters)"
    return shown


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def problems_from(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for detail in error.errors(include_url=False):
        kind = detail["type"]
        given = detail.get("input")
        if kind == "string_too_long":
            length, limit = len(str(given)), (detail.get("ctx") or {}).get("max_length")
            message = f"is too long ({length:,} characters, at most {limit})"
        elif given is None and kind.endswith("_type"):
            message = "is required"
        else:
            message = _MESSAGES.get(kind) or str(detail["msg"]).removeprefix("Value error, ")
        # A whole record or list is no help in a one-line message; its field path says enough.
        value = None if given is None or isinstance(given, dict | list) else excerpt(given)
        problems.append(FieldProblem(_path(detail["loc"]), message, value))
    return problems


def validate_declaration(
    raw: Mapping[str, Any], context: ValidationContext | None = None
) -> ValidDeclaration | list[FieldProblem]:
    """The canonical declaration with its HS edition and content hash, or every problem."""
    context = context or ValidationContext()
    try:
        declaration = Declaration.model_validate(raw, context={"tz": context.tz})
    except ValidationError as error:
        return problems_from(error)

    local_day = declaration.lodged_at.astimezone(context.tz).date()
    now = context.now or datetime.now(UTC)
    if declaration.lodged_at > now + FUTURE_TOLERANCE:
        return [FieldProblem("lodged_at", "is in the future", local_day.isoformat())]
    edition = context.nomenclature.edition_on(local_day)
    if edition is None:
        coverage = context.nomenclature.describe_coverage()
        message = (
            f"no HS edition is in force on {local_day} (loaded: {coverage}); "
            "portcullis load_reference loads one"
        )
        return [FieldProblem("lodged_at", message, local_day.isoformat())]

    problems = []
    for index, item in enumerate(declaration.items):
        if edition.subheading(item.hs_code) is None:
            message = f"is not a subheading of {edition.name}, in force on {local_day}"
            elsewhere = [
                e.name
                for e in context.nomenclature.editions
                if e is not edition and e.subheading(item.hs_code)
            ]
            if elsewhere:
                message += f" (it is a {' and '.join(elsewhere)} code)"
            problems.append(FieldProblem(f"items[{index}].hs_code", message, item.hs_code))
    if problems:
        return problems
    return ValidDeclaration(declaration, edition.code, content_hash(declaration))
