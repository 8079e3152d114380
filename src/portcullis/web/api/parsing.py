"""Reading a JSON body as the API means it: numbers exact, every key once, text storable.

- Numbers with a fraction or an exponent become ``Decimal``: money, masses and quantities
  are never rounded through a binary float (123456789012345.67 stays what was sent).
- A key given twice in one object is refused, naming it; most parsers keep the last one
  silently, and two systems reading the same message could then disagree.
- Nesting deeper than ``MAX_DEPTH`` is refused before it can exhaust the stack, and text
  that is not valid Unicode (a lone surrogate written as ``\\ud800``) is refused before a
  database refuses it half-way through a write."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

MAX_DEPTH = 32


class BodyError(ValueError):
    """The body is not JSON this API can take; the message says where and why."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BodyError(f"the key {key!r} appears more than once in one object")
        result[key] = value
    return result


# A surrogate can only arrive escaped (strict UTF-8 decoding refuses it raw), so the body's
# strings are searched for one only when the text holds such an escape (valid pairs do too).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_CONTAINERS = (dict, list)


def _too_deep(value: Any) -> bool:
    """Whether containers nest more than MAX_DEPTH levels (scalars are never visited)."""
    level = [value] if type(value) in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return True
        inner: list[Any] = []
        for container in level:
            members = container.values() if type(container) is dict else container
            inner.extend(member for member in members if type(member) in _CONTAINERS)
        level = inner
    return False


def _unencodable(value: Any) -> bool:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            try:
                current.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


def parse_json(body: bytes) -> Any:
    """The body as Python values (objects as dicts, non-integral numbers as Decimal)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(
            f"the body is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    try:
        value = json.loads(text, parse_float=Decimal, object_pairs_hook=_unique)
    except BodyError:
        raise
    except RecursionError:
        raise BodyError(f"the body is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:
        raise BodyError(f"the body is not JSON: {error}") from None
    if _too_deep(value):
        raise BodyError(f"the body is nested more than {MAX_DEPTH} levels deep")
    if _SURROGATE_ESCAPE.search(text) and _unencodable(value):
        raise BodyError("the body holds text that is not valid Unicode (a lone surrogate)")
    return value
