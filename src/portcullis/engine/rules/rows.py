"""Criteria compiled to a plain Python function of one item's fields: the single-declaration
path's twin of the Polars expression the compiler makes for batches.

Both give the same answer for every item, to the last missing value and NaN (a property test
holds them together): a missing value (None) makes a comparison unknown, "and", "or" and
"not" follow three-valued logic, and only a condition that is true is a hit. Numbers compare
as Polars compares them: NaN (from 0 / 0, say) equals NaN and is above every other number.
Only criteria ``compile_criteria`` accepted are compiled here: types are already checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from portcullis.engine.catalogue import Catalogue, Kind
from portcullis.engine.rules.compiler import moment_of, word_parts
from portcullis.engine.rules.lists import Lists, NamedList
from portcullis.engine.rules.syntax import (
    Arithmetic,
    Between,
    Compare,
    Contains,
    Field,
    Literal,
    Logical,
    Member,
    NamedRef,
    Negative,
    Node,
    Not,
    NullTest,
    StartsWith,
    parse,
)

Row = Mapping[str, Any]
Value = Callable[[Row], Any]
Predicate = Callable[[Row], bool]
_NAN = float("nan")
_INF = float("inf")


# -- values as Polars has them ---------------------------------------------------------------


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _order(left: Any, right: Any) -> int:
    """-1, 0 or 1, NaN equal to itself and above everything (Polars' order of floats)."""
    left_nan, right_nan = _is_nan(left), _is_nan(right)
    if left_nan or right_nan:
        return int(left_nan) - int(right_nan)
    return -1 if left < right else int(left > right)


_COMPARISONS: dict[str, Callable[[int], bool]] = {
    "==": lambda o: o == 0,
    "!=": lambda o: o != 0,
    "<": lambda o: o < 0,
    "<=": lambda o: o <= 0,
    ">": lambda o: o > 0,
    ">=": lambda o: o >= 0,
}


def _divide(left: float, right: float) -> float:
    if right == 0:
        if left == 0 or _is_nan(left):
            return _NAN
        return math.copysign(_INF, left) * math.copysign(1.0, right)
    return left / right


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _divide,
}


def _and(values: list[bool | None]) -> bool | None:
    if any(value is False for value in values):
        return False
    return None if any(value is None for value in values) else True


def _or(values: list[bool | None]) -> bool | None:
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


# -- compiling -------------------------------------------------------------------------------


class _Builder:
    def __init__(self, catalogue: Catalogue, lists: Lists) -> None:
        self.catalogue = catalogue
        self.lists = lists

    def kind(self, node: Node) -> Kind | None:
        """The kind of a value node (as the compiler typed it)."""
        if isinstance(node, Field):
            spec = self.catalogue.get(node.name)
            return spec.kind if spec else None
        if isinstance(node, Literal):
            value = node.value
            if isinstance(value, bool):
                return Kind.BOOL
            return Kind.NUMBER if isinstance(value, float) else Kind.TEXT
        if isinstance(node, Arithmetic | Negative):
            return Kind.NUMBER
        return Kind.BOOL

    def build(self, node: Node) -> Value:
        if isinstance(node, Field):
            name = node.name
            return lambda row: row[name]  # a row may make a costly field when first read
        if isinstance(node, Literal):
            constant = node.value
            return lambda row: constant
        if isinstance(node, Negative):
            if isinstance(node.operand, Literal) and isinstance(node.operand.value, float):
                negated = -node.operand.value
                return lambda row: negated
            operand = self.build(node.operand)
            return lambda row: None if (v := operand(row)) is None else -v
        if isinstance(node, Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, Member):
            return self.member(node)
        if isinstance(node, StartsWith):
            return self.starts_with(node)
        if isinstance(node, Contains):
            return self.contains(node)
        if isinstance(node, Between):
            return self.between(node)
        if isinstance(node, NullTest):
            tested = self.build(node.value)
            if node.negated:
                return lambda row: tested(row) is not None
            return lambda row: tested(row) is None
        if isinstance(node, Logical):
            operands = [self.build(operand) for operand in node.operands]
            combine = _and if node.op == "and" else _or
            return lambda row: combine([operand(row) for operand in operands])
        if isinstance(node, Not):
            operand = self.build(node.operand)
            return lambda row: _not(operand(row))
        raise AssertionError(f"unhandled node {node!r}")  # pragma: no cover

    def arithmetic(self, node: Arithmetic) -> Value:
        left, right, apply = self.build(node.left), self.build(node.right), _ARITHMETIC[node.op]

        def value(row: Row) -> float | None:
            a, b = left(row), right(row)
            return None if a is None or b is None else apply(float(a), float(b))

        return value

    def operand(self, node: Node, other: Node) -> Value:
        """A side of a comparison: a quoted date beside a date-time field is a date-time."""
        if (
            isinstance(node, Literal)
            and isinstance(node.value, str)
            and self.kind(other) == Kind.TIME
        ):
            moment = moment_of(node.value)
            return lambda row: moment
        return self.build(node)

    def compare(self, node: Compare) -> Value:
        left = self.operand(node.left, node.right)
        right = self.operand(node.right, node.left)
        test = _COMPARISONS[node.op]
        numbers = Kind.NUMBER in (self.kind(node.left), self.kind(node.right))

        def value(row: Row) -> bool | None:
            a, b = left(row), right(row)
            if a is None or b is None:
                return None
            if numbers:
                return test(_order(float(a), float(b)))
            if node.op == "==":
                return bool(a == b)
            if node.op == "!=":
                return bool(a != b)
            return test(-1 if a < b else int(a > b))  # date-times

        return value

    def between(self, node: Between) -> Value:
        value = self.operand(node.value, node.low)
        low = self.operand(node.low, node.value)
        high = self.operand(node.high, node.value)
        numbers = self.kind(node.value) == Kind.NUMBER

        def order(a: Any, b: Any) -> int:
            return _order(float(a), float(b)) if numbers else (-1 if a < b else int(a > b))

        def test(row: Row) -> bool | None:
            v, lo, hi = value(row), low(row), high(row)
            above = None if v is None or lo is None else order(v, lo) >= 0
            below = None if v is None or hi is None else order(v, hi) <= 0
            return _and([above, below])

        return test

    def member(self, node: Member) -> Value:
        tested = self.build(node.value)
        negated = node.negated
        if isinstance(node.options, NamedRef):
            named = self.lists[node.options.code]
            options: frozenset[Any] = named.values
            in_force = _in_force(named)

            def in_named(row: Row) -> bool | None:
                v = tested(row)
                found = _and([None if v is None else v in options, in_force(row)])
                return _not(found) if negated else found

            return in_named
        values = [option.value for option in node.options.values]
        if self.kind(node.options.values[0]) == Kind.NUMBER:
            finite = {float(v) for v in values if not _is_nan(v)}
            has_nan = any(_is_nan(v) for v in values)

            def contains_number(v: Any) -> bool:
                number = float(v)
                return has_nan if _is_nan(number) else number in finite

            found_in: Callable[[Any], bool] = contains_number
        else:
            texts = frozenset(values)
            found_in = texts.__contains__

        def in_list(row: Row) -> bool | None:
            v = tested(row)
            if v is None:
                return None
            return found_in(v) != negated

        return in_list

    def starts_with(self, node: StartsWith) -> Value:
        tested = self.build(node.value)
        in_force: Callable[[Row], bool | None] | None = None
        if isinstance(node.prefixes, NamedRef):
            named = self.lists[node.prefixes.code]
            prefixes = tuple(sorted(named.values))
            in_force = _in_force(named)
        else:
            prefixes = tuple(str(option.value) for option in node.prefixes.values)
        lower = node.any_case
        if lower:
            prefixes = tuple(prefix.lower() for prefix in prefixes)

        def test(row: Row) -> bool | None:
            v = tested(row)
            found = None if v is None else (v.lower() if lower else v).startswith(prefixes)
            return found if in_force is None else _and([found, in_force(row)])

        return test

    def contains(self, node: Contains) -> Value:
        tested = self.build(node.value)
        text = str(node.text.value)
        if node.mode == "exact":
            match: Callable[[str], bool] = lambda v: text in v  # noqa: E731
        elif node.mode == "any_case":
            lowered = text.lower()
            match = lambda v: lowered in v.lower()  # noqa: E731
        else:
            match = word_pattern(text).search  # type: ignore[assignment]

        def test(row: Row) -> bool | None:
            v = tested(row)
            return None if v is None else bool(match(v))

        return test


def word_pattern(text: str) -> re.Pattern[str]:
    """The text as whole words, any case, whatever the spaces between them (the compiler's
    pattern: the analyst's text is escaped, never run as a pattern)."""
    words, before, after = word_parts(text)
    bound = r"\b"
    pattern = r"\s+".join(re.escape(word) for word in words)
    return re.compile(f"{bound * before}{pattern}{bound * after}", re.IGNORECASE)


def _in_force(named: NamedList) -> Callable[[Row], bool | None]:
    """Whether the item was lodged within the list's validity."""
    start, end = named.valid_from, named.expires_at
    if start is None and end is None:
        return lambda row: True

    def test(row: Row) -> bool | None:
        lodged = row["lodged_at"]
        if lodged is None:
            return None
        return (start is None or lodged >= start) and (end is None or lodged < end)

    return test


def criteria_value(text: str | Node, catalogue: Catalogue, lists: Lists | None = None) -> Value:
    """``text`` (criteria ``compile_criteria`` accepted, or the tree it parsed) as a function
    of one item's fields giving True, False or None (unknown) exactly where the compiled
    expression does."""
    tree = parse(text) if isinstance(text, str) else text
    return _Builder(catalogue, lists or {}).build(tree)


def row_predicate(text: str | Node, catalogue: Catalogue, lists: Lists | None = None) -> Predicate:
    """``text`` (criteria ``compile_criteria`` accepted) as a function of one item's fields
    that is True exactly where the compiled expression is."""
    value = criteria_value(text, catalogue, lists)
    return lambda row: value(row) is True


__all__ = ["Predicate", "Row", "criteria_value", "row_predicate", "word_pattern"]
