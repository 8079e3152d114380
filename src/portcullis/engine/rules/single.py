"""The profiles of a set over the items of one declaration, in plain Python: the profile
index's twin for the single-declaration path.

The same candidates as ``ProfileIndex`` (a profile whose every anchor some item's field
meets, and whose every threshold some item's number passes), each evaluated as a plain
function of an item's fields (rules.rows) with the profile's scope and validity folded in,
as ``compile_profile`` folds them into the expression. A property test holds the two paths
to the same hits.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from portcullis.engine.catalogue import Catalogue
from portcullis.engine.rules.compiler import best_anchor
from portcullis.engine.rules.lists import Lists
from portcullis.engine.rules.profiles import CompiledProfile
from portcullis.engine.rules.rows import Predicate, criteria_value
from portcullis.engine.rules.syntax import parse

Row = Mapping[str, Any]


def profile_predicate(
    compiled: CompiledProfile, catalogue: Catalogue, lists: Lists | None = None
) -> Predicate:
    """True for an item the profile hits: its criteria true, within its offices (if it has
    a scope) and lodged within its validity."""
    profile = compiled.profile
    tree = compiled.tree if compiled.tree is not None else parse(profile.criteria)
    criteria = criteria_value(tree, catalogue, lists)
    offices = frozenset(profile.offices)
    start, end = profile.valid_from, profile.valid_to

    def hit(row: Row) -> bool:
        if criteria(row) is not True:
            return False
        if offices and row["office"] not in offices:
            return False
        if start is not None or end is not None:
            lodged = row["lodged_at"]
            if lodged is None:
                return False
            if (start is not None and lodged < start) or (end is not None and lodged >= end):
                return False
        return True

    return hit


_Bound = tuple[str, bool, Callable[[float, float], bool], float]
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _present(rows: Sequence[Row], name: str, lengths: Sequence[int]) -> dict[str, int]:
    """The field's values among the items (for the HS code: its prefixes of the ``lengths``
    anchors have), each with the items that have it, as bits (item ``n`` is bit ``n``)."""
    found: dict[str, int] = {}
    prefix = name == "hs_code"
    for number, row in enumerate(rows):
        value = row[name]
        if value is None:
            continue
        bit = 1 << number
        if prefix:
            for length in lengths:
                if length <= len(value):
                    part = value[:length]
                    found[part] = found.get(part, 0) | bit
        else:
            found[value] = found.get(value, 0) | bit
    return found


def _extremes(rows: Sequence[Row], name: str) -> tuple[float, float]:
    """The largest and smallest of the items' numbers in the field (NaN, NaN: none)."""
    known = [n for row in rows if not math.isnan(n := _number(row[name]))]
    return (max(known), min(known)) if known else (math.nan, math.nan)


def _number(value: Any) -> float:
    """A field as the index reads numbers: NaN for missing, true/false as 1/0."""
    return math.nan if value is None else float(value)


class RowIndex:
    """Profiles by their anchors, evaluated on the few items of one declaration."""

    def __init__(
        self, profiles: Sequence[CompiledProfile], catalogue: Catalogue, lists: Lists | None
    ) -> None:
        self._predicates: list[Predicate] = [
            profile_predicate(p, catalogue, lists) for p in profiles
        ]
        self._unanchored: list[int] = []
        self._by_value: dict[str, dict[str, list[int]]] = {}
        # Per profile, the anchors its index anchor does not check, and its thresholds as
        # (field, whether the largest value decides, comparison, bound).
        self._checks: list[tuple[list[tuple[str, frozenset[str]]], list[_Bound]]] = []
        for position, compiled in enumerate(profiles):
            anchor = best_anchor(compiled.anchors)
            others = [(a.field, frozenset(a.values)) for a in compiled.anchors if a is not anchor]
            bounds = [
                (t.field, t.op in (">", ">="), _COMPARE[t.op], t.value) for t in compiled.thresholds
            ]
            self._checks.append((others, bounds))
            if anchor is None:
                self._unanchored.append(position)
                continue
            by_value = self._by_value.setdefault(anchor.field, {})
            for value in dict.fromkeys(anchor.values):
                by_value.setdefault(value, []).append(position)
        self._anchor_fields = set(self._by_value) | {
            name for anchors, _ in self._checks for name, _ in anchors
        }
        # The lengths of the HS codes anchors name: no other prefix of an item's code is
        # looked up.
        self._hs_lengths = sorted(
            {len(value) for value in self._by_value.get("hs_code", {})}
            | {
                len(v)
                for anchors, _ in self._checks
                for n, vs in anchors
                if n == "hs_code"
                for v in vs
            }
        )

    def candidates(self, rows: Sequence[Row]) -> list[tuple[int, int]]:
        """The profiles every necessary condition of which some item can satisfy (as
        ``ProfileIndex._candidates`` decides: reading a threshold's field makes it), each with
        the items that meet its anchors (as bits): an anchor is a condition on the item, so
        no other item can hit."""
        lengths = self._hs_lengths
        present = {name: _present(rows, name, lengths) for name in self._anchor_fields}
        reached: list[tuple[int, int]] = [
            (position, (1 << len(rows)) - 1) for position in self._unanchored
        ]
        for field_name, by_value in self._by_value.items():
            found = present[field_name]
            for value in found.keys() & by_value.keys():
                bits = found[value]
                reached += [(position, bits) for position in by_value[value]]
        extremes: dict[str, tuple[float, float]] = {}
        kept: dict[int, int] = {}
        checks = self._checks
        for position, meeting in reached:
            anchors, bounds = checks[position]
            for name, values in anchors:
                found = present[name]
                bits = 0
                if len(values) <= len(found):  # the smaller side looked up in the other
                    for value in values:
                        bits |= found.get(value, 0)
                else:
                    for value, has in found.items():
                        if value in values:
                            bits |= has
                meeting &= bits
                if not meeting:
                    break
            else:
                for name, upper, compare, bound in bounds:
                    extreme = extremes.get(name)
                    if extreme is None:
                        extreme = extremes[name] = _extremes(rows, name)
                    if not compare(extreme[0] if upper else extreme[1], bound):  # NaN: never
                        break
                else:
                    kept[position] = kept.get(position, 0) | meeting
        return sorted(kept.items())

    def hits(self, rows: Sequence[Row]) -> list[tuple[int, int]]:
        """(row, profile) for every hit, rows in order and profiles in order within a row."""
        candidates = self.candidates(rows)
        if not candidates:
            return []
        predicates = self._predicates
        return [
            (number, position)
            for number, row in enumerate(rows)
            for position, meeting in candidates
            if meeting >> number & 1 and predicates[position](row)
        ]
