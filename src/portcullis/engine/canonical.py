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


# Fields added after declarations were first stored enter the hash only when given, so that
# every stored hash stays true (the same file imported again is still "unchanged").
_LATER_HEADER_FIELDS = (
    "exchange_rate", "importer_name", "declarant_name", "seller_name", "courier_name",
)  # fmt: skip
_LATER_ITEM_FIELDS = ("additional_codes",)


def content_hash(declaration: Declaration) -> str:
    """SHA-256 (hex) of the canonical JSON: fields in schema order, no whitespace.

    What the channel filled in is not what was sent: a header field it filled (the time a
    message was received, for one without an acceptance time) is left out, so the same
    message sent twice hashes the same."""
    exclude: dict[str, Any] = {"filled_in": True}
    for name in _LATER_HEADER_FIELDS:
        if getattr(declaration, name) is None:
            exclude[name] = True
    for name in declaration.filled_in:
        if name in Declaration.model_fields:
            exclude[name] = True
    unset = [
        index
        for index, item in enumerate(declaration.items)
        if all(getattr(item, name) is None for name in _LATER_ITEM_FIELDS)
    ]
    if unset:
        fields = set(_LATER_ITEM_FIELDS)
        if len(unset) == len(declaration.items):
            exclude["items"] = {"__all__": fields}
        else:
            exclude["items"] = dict.fromkeys(unset, fields)
    dumped = declaration.model_dump_json(exclude=exclude)
    return hashlib.sha256(dumped.encode("utf-8")).hexdigest()


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
