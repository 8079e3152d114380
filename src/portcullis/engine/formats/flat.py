"""The canonical flat layout (CSV, Parquet): one row per goods item.

Columns are the canonical field names: the header fields (repeated on every row of the
declaration), the item fields, and the inspection outcome fields prefixed ``outcome_``.
Consecutive rows with the same ``declaration_id`` form one declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from portcullis.engine.formats.base import ReadProblem, ReadResult, SourceRecord
from portcullis.engine.schema import Declaration, InspectionOutcome, Item
from portcullis.engine.validation import FieldProblem, excerpt

OUTCOME_PREFIX = "outcome_"
# What a channel filled in is a note on the stored declaration, not a column of a file.
HEADER_FIELDS = [
    name for name in Declaration.model_fields if name not in ("items", "outcome", "filled_in")
]
ITEM_FIELDS = list(Item.model_fields)
OUTCOME_FIELDS = list(InspectionOutcome.model_fields)

# column -> canonical path without index
COLUMNS: dict[str, str] = {
    **{name: name for name in HEADER_FIELDS},
    **{name: f"items.{name}" for name in ITEM_FIELDS},
    **{f"{OUTCOME_PREFIX}{name}": f"outcome.{name}" for name in OUTCOME_FIELDS},
}
CANONICAL_TO_COLUMN = {path: column for column, path in COLUMNS.items()}
# line_no is required by the schema but defaults to the item's position in the file.
REQUIRED_COLUMNS = [
    name for name in HEADER_FIELDS if Declaration.model_fields[name].is_required()
] + [name for name in ITEM_FIELDS if Item.model_fields[name].is_required() and name != "line_no"]
_DECLARATION_LEVEL = [*HEADER_FIELDS, *(f"{OUTCOME_PREFIX}{n}" for n in OUTCOME_FIELDS)]


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@dataclass
class _Group:
    location: str
    declaration_level: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)
    item_locations: list[str] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def key(self) -> Any:
        return self.declaration_level.get("declaration_id")

    def add(self, location: str, row: dict[str, Any]) -> None:
        for column in _DECLARATION_LEVEL:
            first, this = self.declaration_level.get(column), row.get(column)
            if (_given(this) and this != first) or (_given(first) and not _given(this)):
                message = f"differs from {self.location} of the same declaration"
                self.problems.append(FieldProblem(column, message, excerpt(this)))
        self.items.append({n: row[n] for n in ITEM_FIELDS if _given(row.get(n))})
        self.item_locations.append(location)

    def poison(self, message: str) -> None:
        self.problems.append(FieldProblem("", message))

    def result(self) -> ReadResult:
        level = self.declaration_level
        raw: dict[str, Any] = {n: level[n] for n in HEADER_FIELDS if _given(level.get(n))}
        raw["items"] = self.items
        outcome = {
            n: level[f"{OUTCOME_PREFIX}{n}"]
            for n in OUTCOME_FIELDS
            if _given(level.get(f"{OUTCOME_PREFIX}{n}"))
        }
        if outcome:
            raw["outcome"] = outcome
        record = SourceRecord(self.location, raw, tuple(self.item_locations), CANONICAL_TO_COLUMN)
        if self.problems:
            return ReadProblem(self.location, record.declaration_id, tuple(self.problems))
        return record


def group_rows(rows: Iterable[tuple[str, dict[str, Any]] | ReadProblem]) -> Iterator[ReadResult]:
    """Declarations from item rows. A row that could not be read at all poisons the
    declaration it may belong to, so that no declaration is stored with an item missing."""
    current: _Group | None = None
    broken_before: str | None = None  # location of an unreadable row of unknown declaration
    for row in rows:
        if isinstance(row, ReadProblem):
            if current is not None and row.declaration_id in (None, _text(current.key)):
                current.poison(f"{row.location}, which may belong to it, could not be read")
            if row.declaration_id is None:
                broken_before = row.location
            yield row
            continue
        location, values = row
        key = values.get("declaration_id")
        if current is not None and _given(key) and key == current.key:
            current.add(location, values)
            broken_before = None  # the unreadable row sat inside this declaration
            continue
        if current is not None:
            yield current.result()
        current = _Group(location, {c: values.get(c) for c in _DECLARATION_LEVEL})
        current.add(location, values)
        if broken_before is not None:
            current.poison(f"{broken_before}, which may belong to it, could not be read")
            broken_before = None
    if current is not None:
        yield current.result()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
