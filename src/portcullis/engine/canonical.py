"""A declaration's canonical JSON form: what its content hash covers, and how two differ.

Idempotency rests on this: the same declaration sent twice, by any channel, in any field
order, number format or letter case the validators normalise, has the same hash.
"""

from __future__ import annotations

import hashlib
from typing import Any

from portcullis.engine.schema import Declaration


def canonical_dict(declaration: Declaration) -> dict[str, Any]:
    """Plain JSON types only; decimals as strings at their stored precision."""
    return declaration.model_dump(mode="json")


def content_hash(declaration: Declaration) -> str:
    """SHA-256 (hex) of the canonical JSON: fields in schema order, no whitespace."""
    return hashlib.sha256(declaration.model_dump_json().encode("utf-8")).hexdigest()


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        out[f"{path}.length"] = len(value)
        for index, inner in enumerate(value):
            _flatten(inner, f"{path}[{index}]", out)
    else:
        out[path] = value


def differing_fields(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    """Field paths (``items[0].customs_value``) whose values differ between two canonical
    dicts, in a stable order."""
    left: dict[str, Any] = {}
    right: dict[str, Any] = {}
    _flatten(first, "", left)
    _flatten(second, "", right)
    return sorted(key for key in left.keys() | right.keys() if left.get(key) != right.get(key))
