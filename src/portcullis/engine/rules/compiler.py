"""Criteria checked against the field catalogue and compiled to one Polars expression.

The expression is what both paths run: a million items in a batch or the items of one
declaration arriving through the API. A missing value never makes a hit: a comparison with
null is null, and the profile's final condition counts null as false (write ``is null`` to
target missing values).
"""

from __future__ import annotations

import difflib
import operator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl

from portcullis.engine.catalogue import Catalogue, Kind
from portcullis.engine.items import TIME
from portcullis.engine.rules.lists import MAX_ANCHOR_VALUES, Lists, NamedList
from portcullis.engine.rules.syntax import (
    Arithmetic,
    Between,
    Compare,
    Contains,
    Field,
    ListOf,
    Literal,
    Logical,
    Member,
    NamedRef,
    Negative,
    Node,
    Not,
    NullTest,
    Position,
    Problem,
    ProfileError,
    StartsWith,
    Words,
    parse,
    problem,
)

_ORDERING = ("<", "<=", ">", ">=")
_POLARS_COMPARE = {
    "==": pl.Expr.eq,
    "!=": pl.Expr.ne,
    "<": pl.Expr.lt,
    "<=": pl.Expr.le,
    ">": pl.Expr.gt,
    ">=": pl.Expr.ge,
}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_PYTHON_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_POLARS_ARITHMETIC = {"+": pl.Expr.add, "-": pl.Expr.sub, "*": pl.Expr.mul, "/": pl.Expr.truediv}
# Fields an index can narrow a profile by, most selective first.
ANCHOR_FIELDS = (
    "importer",
    "seller",
    "declarant",
    "courier",
    "hs_code",
    "origin_country",
    "country_of_departure",
    "office",
)
_HS_FIELDS = ("hs_code", "hs6", "hs_heading", "hs_chapter")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A necessary condition of a profile: ``field`` equals (or, for the HS code, starts
    with) one of ``values``. Items that fail it cannot hit, so need not be evaluated."""

    field: str
    values: tuple[str, ...]

    @property
    def prefix(self) -> bool:
        return self.field == "hs_code"


@dataclass(frozen=True, slots=True)
class Threshold:
    """A necessary condition on a number: ``field op value`` (for example valuation_z < -3).
    A declaration none of whose items passes it cannot hit."""

    field: str
    op: str  # < <= > >=
    value: float

    def passed_by_value(self, value: float) -> bool:
        """Whether one value passes (NaN never does)."""
        return bool(_PYTHON_COMPARE[self.op](value, self.value))  # NaN compares false


@dataclass(frozen=True)
class Compiled:
    expression: pl.Expr  # boolean; null counts as no hit
    fields: tuple[str, ...]  # every field the criteria read
    anchors: tuple[Anchor, ...] = ()  # every necessary condition on a code
    thresholds: tuple[Threshold, ...] = ()  # every necessary condition on a number
    lists: tuple[str, ...] = ()  # the named list versions read (code@vN)
    tree: Node | None = None  # what was parsed, for the single-declaration twin (rules.rows)

    @property
    def anchor(self) -> Anchor | None:
        """The most selective anchor, which a batch is partitioned by."""
        return best_anchor(self.anchors)


@dataclass(frozen=True, slots=True)
class _Typed:
    kind: Kind | None  # None: already wrong (a problem was recorded)
    expr: pl.Expr
    literal: Literal | None = None  # set when the node is a literal (for time comparisons)


class _Compiler:
    def __init__(self, catalogue: Catalogue, lists: Lists) -> None:
        self.catalogue = catalogue
        self.lists = lists
        self.problems: list[Problem] = []
        self.fields: list[str] = []
        self.lists_used: list[str] = []

    def fail(
        self, at: Position, template: str, suggestion: str | None = None, **values: str | Words
    ) -> _Typed:
        self.problems.append(problem(at, template, suggestion, **values))
        return _Typed(None, pl.lit(None))

    def suggest(self, name: str) -> str | None:
        names = self.catalogue.names()
        for known in names:
            if known.lower() == name.lower():
                return known
        close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
        return close[0] if close else None

    def compile(self, node: Node) -> _Typed:
        if isinstance(node, Field):
            spec = self.catalogue.get(node.name)
            if spec is None:
                return self.fail(
                    node.at, "unknown field '{name}'", self.suggest(node.name), name=node.name
                )
            self.fields.append(node.name)
            return _Typed(spec.kind, pl.col(node.name))
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, ListOf | NamedRef):
            return self.fail(node.at, "a list can only follow 'in' or 'starts with'")
        if isinstance(node, Negative):
            if isinstance(node.operand, Literal) and isinstance(node.operand.value, float):
                return self.literal(Literal(-node.operand.value, node.at))  # folded: -3 is a number
            operand = self.expect(node.operand, Kind.NUMBER, "'-'")
            return _Typed(Kind.NUMBER, -operand)
        if isinstance(node, Arithmetic):
            left = self.expect(node.left, Kind.NUMBER, f"'{node.op}'")
            right = self.expect(node.right, Kind.NUMBER, f"'{node.op}'")
            return _Typed(Kind.NUMBER, _POLARS_ARITHMETIC[node.op](left, right))
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, Member):
            return self.member(node)
        if isinstance(node, StartsWith):
            return self.starts_with(node)
        if isinstance(node, Contains):
            value = self.expect(node.value, Kind.TEXT, "'contains'")
            if not isinstance(node.text.value, str) or not node.text.value.strip():
                return self.fail(node.text.at, "'contains' needs a non-empty text")
            return _Typed(Kind.BOOL, _contains(value, node.text.value, node.mode))
        if isinstance(node, Between):
            return self.between(node)
        if isinstance(node, NullTest):
            tested = self.compile(node.value).expr
            return _Typed(Kind.BOOL, tested.is_not_null() if node.negated else tested.is_null())
        if isinstance(node, Logical):
            operands = [self.expect(o, Kind.BOOL, f"'{node.op}'") for o in node.operands]
            expr = operands[0]
            for operand in operands[1:]:
                expr = expr & operand if node.op == "and" else expr | operand
            return _Typed(Kind.BOOL, expr)
        if isinstance(node, Not):
            return _Typed(Kind.BOOL, ~self.expect(node.operand, Kind.BOOL, "'not'"))
        raise AssertionError(f"unhandled node {node!r}")  # pragma: no cover

    def literal(self, node: Literal) -> _Typed:
        value = node.value
        if isinstance(value, bool):
            return _Typed(Kind.BOOL, pl.lit(value), node)
        if isinstance(value, float):
            return _Typed(Kind.NUMBER, pl.lit(value, dtype=pl.Float64), node)
        return _Typed(Kind.TEXT, pl.lit(value, dtype=pl.String), node)

    def expect(self, node: Node, kind: Kind, where: str) -> pl.Expr:
        typed = self.compile(node)
        if typed.kind is not None and typed.kind != kind:
            self.fail(
                _position(node),
                "{where} needs {wanted}, not {given}",
                where=where,
                wanted=_a(kind),
                given=_a(typed.kind),
            )
        return typed.expr

    def texts(self, options: ListOf, where: str) -> list[str]:
        values = []
        for literal in options.values:
            if not isinstance(literal.value, str):
                self.fail(literal.at, "'{where}' needs quoted texts", where=where)
            else:
                values.append(literal.value)
        if not options.values:
            self.fail(options.at, "the list after '{word}' is empty", word=where)
        return values

    def named(self, ref: NamedRef) -> NamedList | None:
        """The list ``ref`` names, recorded as read (None: a problem was recorded)."""
        named = self.lists.get(ref.code)
        if named is None:
            known = list(self.lists)
            close = difflib.get_close_matches(ref.code.upper(), known, n=1, cutoff=0.6)
            self.fail(ref.at, "unknown list '{code}'", close[0] if close else None, code=ref.code)
            return None
        self.lists_used.append(named.key)
        if named.in_force() is not None:
            self.fields.append("lodged_at")
        return named

    def starts_with(self, node: StartsWith) -> _Typed:
        value = self.expect(node.value, Kind.TEXT, "'starts with'")
        in_force: pl.Expr | None = None
        if isinstance(node.prefixes, NamedRef):
            named = self.named(node.prefixes)
            if named is None:
                return _Typed(None, pl.lit(None))
            prefixes, in_force = sorted(named.values), named.in_force()
        else:
            prefixes = self.texts(node.prefixes, "starts with")
        if node.any_case:
            value, prefixes = value.str.to_lowercase(), [p.lower() for p in prefixes]
        expr = pl.lit(False)
        for index, prefix in enumerate(dict.fromkeys(prefixes)):
            test = value.str.starts_with(prefix)
            expr = test if index == 0 else expr | test
        return _Typed(Kind.BOOL, expr if in_force is None else expr & in_force)

    def named_member(self, node: Member, ref: NamedRef) -> _Typed:
        value = self.compile(node.value)
        word = "not in list" if node.negated else "in list"
        if value.kind is not None and value.kind != Kind.TEXT:
            return self.fail(node.at, "'{word}' needs a text (a list holds codes)", word=word)
        named = self.named(ref)
        if named is None:
            return _Typed(None, pl.lit(None))
        options = pl.lit(pl.Series(sorted(named.values), dtype=pl.String)).implode()
        test = value.expr.is_in(options)
        in_force = named.in_force()
        if in_force is not None:  # outside its validity the list holds nothing
            test = test & in_force
        return _Typed(Kind.BOOL, ~test if node.negated else test)

    def time_literal(self, literal: Literal | None, at: Position) -> pl.Expr | None:
        if literal is None or not isinstance(literal.value, str):
            return None
        text = literal.value.strip()
        try:
            moment = moment_of(text)
        except ValueError:
            self.fail(at, "'{text}' is not a date (write \"2021-03-01\" or a date-time)", text=text)
            return pl.lit(None, dtype=TIME)
        return pl.lit(moment, dtype=TIME)

    def comparable(
        self, left: _Typed, right: _Typed, at: Position
    ) -> tuple[pl.Expr, pl.Expr, Kind | None]:
        """Both sides as expressions of one kind (a quoted date next to a time is a time)."""
        if left.kind == Kind.TIME and right.kind == Kind.TEXT:
            converted = self.time_literal(right.literal, at)
            if converted is not None:
                return left.expr, converted, Kind.TIME
        if right.kind == Kind.TIME and left.kind == Kind.TEXT:
            converted = self.time_literal(left.literal, at)
            if converted is not None:
                return converted, right.expr, Kind.TIME
        if left.kind is None or right.kind is None:
            return left.expr, right.expr, None
        if left.kind != right.kind:
            self.fail(
                at, "cannot compare {left} with {right}", left=_a(left.kind), right=_a(right.kind)
            )
            return left.expr, right.expr, None
        return left.expr, right.expr, left.kind

    def compare(self, node: Compare) -> _Typed:
        left, right, kind = self.comparable(
            self.compile(node.left), self.compile(node.right), node.at
        )
        if kind in (Kind.TEXT, Kind.BOOL) and node.op in _ORDERING:
            return self.fail(
                node.at, "'{op}' needs numbers or dates, not {given}", op=node.op, given=_a(kind)
            )
        return _Typed(Kind.BOOL, _POLARS_COMPARE[node.op](left, right))

    def member(self, node: Member) -> _Typed:
        if isinstance(node.options, NamedRef):
            return self.named_member(node, node.options)
        value = self.compile(node.value)
        word = "not in" if node.negated else "in"
        if not node.options.values:
            return self.fail(node.options.at, "the list after '{word}' is empty", word=word)
        kinds = {self.literal(option).kind for option in node.options.values}
        if len(kinds) > 1:
            return self.fail(node.options.at, "the list after '{word}' mixes types", word=word)
        (kind,) = kinds
        if value.kind is not None and kind != value.kind:
            return self.fail(
                node.options.at,
                "the list holds {held} but the value is {given}",
                held=_plural(kind),
                given=_a(value.kind),
            )
        if value.kind in (Kind.BOOL, Kind.TIME):
            return self.fail(node.at, "'{word}' needs text or numbers", word=word)
        options = [option.value for option in node.options.values]
        dtype = pl.Float64 if kind == Kind.NUMBER else pl.String
        test = value.expr.is_in(pl.lit(pl.Series(options, dtype=dtype)).implode())
        return _Typed(Kind.BOOL, ~test if node.negated else test)

    def between(self, node: Between) -> _Typed:
        value = self.compile(node.value)
        low, high = self.compile(node.low), self.compile(node.high)
        value_expr, low_expr, kind = self.comparable(value, low, node.at)
        _, high_expr, high_kind = self.comparable(value, high, node.at)
        if kind is not None and high_kind is not None and kind not in (Kind.NUMBER, Kind.TIME):
            return self.fail(
                node.at, "'between' needs numbers or dates, not {given}", given=_a(kind)
            )
        return _Typed(Kind.BOOL, value_expr.is_between(low_expr, high_expr, closed="both"))


def _position(node: Node) -> Position:
    return node.at


def _a(kind: Kind | None) -> str:
    return {
        Kind.TEXT: "a text",
        Kind.NUMBER: "a number",
        Kind.BOOL: "a true/false condition",
        Kind.TIME: "a date-time",
        None: "a value",
    }[kind]


def _plural(kind: Kind | None) -> str:
    return {Kind.TEXT: "texts", Kind.NUMBER: "numbers"}.get(kind, "values")  # type: ignore[arg-type]


def _listed(options: ListOf | NamedRef, lists: Lists) -> tuple[str, ...] | None:
    """The texts of a literal list, or of a named list small enough to narrow by."""
    if isinstance(options, NamedRef):
        named = lists.get(options.code)
        if named is None or not named.values or len(named.values) > MAX_ANCHOR_VALUES:
            return None
        return tuple(sorted(named.values))
    values = tuple(o.value for o in options.values if isinstance(o.value, str))
    return values if values and len(values) == len(options.values) else None


def _anchor_of(node: Node, lists: Lists) -> Anchor | None:
    """The anchor a single test gives, if any."""
    if isinstance(node, Compare) and node.op == "==":
        field, literal = node.left, node.right
        if isinstance(field, Literal):
            field, literal = literal, field
        if (
            isinstance(field, Field)
            and isinstance(literal, Literal)
            and isinstance(literal.value, str)
        ):
            return _anchor(field.name, (literal.value,))
    if isinstance(node, Member) and not node.negated and isinstance(node.value, Field):
        values = _listed(node.options, lists)
        if values:
            return _anchor(node.value.name, values)
    if isinstance(node, StartsWith) and isinstance(node.value, Field) and not node.any_case:
        values = _listed(node.prefixes, lists)
        if values and node.value.name in _HS_FIELDS:
            return Anchor("hs_code", values)
    return None


def _anchor(field: str, values: tuple[str, ...]) -> Anchor | None:
    if field in _HS_FIELDS:
        return Anchor("hs_code", values)
    if field in ANCHOR_FIELDS:
        return Anchor(field, values)
    return None


def _conjuncts(tree: Node) -> list[Node]:
    """The tests every hit must pass: the operands of "and", however nested."""
    if isinstance(tree, Logical) and tree.op == "and":
        return [test for operand in tree.operands for test in _conjuncts(operand)]
    return [tree]


def _threshold_of(node: Node, catalogue: Catalogue) -> list[Threshold]:
    """The thresholds a comparison of a number field with a number gives, if any."""
    if isinstance(node, Between) and isinstance(node.value, Field):
        low, high = node.low, node.high
        if isinstance(low, Literal) and isinstance(high, Literal):
            return [
                *_threshold_of(Compare(">=", node.value, low, node.at), catalogue),
                *_threshold_of(Compare("<=", node.value, high, node.at), catalogue),
            ]
        return []
    if not isinstance(node, Compare) or node.op not in _ORDERING:
        return []
    field, literal, op = node.left, node.right, node.op
    if isinstance(field, Literal | Negative):
        field, literal, op = literal, field, _FLIPPED[op]
    number = _number_literal(literal)
    spec = catalogue.get(field.name) if isinstance(field, Field) else None
    if spec is None or spec.kind != Kind.NUMBER or number is None or not isinstance(field, Field):
        return []
    return [Threshold(field.name, op, number)]


def _number_literal(node: Node) -> float | None:
    if isinstance(node, Literal) and isinstance(node.value, float):
        return node.value
    if isinstance(node, Negative) and isinstance(node.operand, Literal):
        value = node.operand.value
        return -value if isinstance(value, float) else None
    return None


def find_anchors(
    tree: Node, catalogue: Catalogue, lists: Lists | None = None
) -> tuple[tuple[Anchor, ...], tuple[Threshold, ...]]:
    """Every necessary condition an index can check without evaluating the criteria."""
    tests = _conjuncts(tree)
    known = lists or {}
    anchors = tuple(a for test in tests if (a := _anchor_of(test, known)) is not None)
    thresholds = tuple(t for test in tests for t in _threshold_of(test, catalogue))
    return anchors, thresholds


def best_anchor(anchors: tuple[Anchor, ...]) -> Anchor | None:
    """The most selective of ``anchors``: traders, then goods, then places."""
    if not anchors:
        return None
    return min(anchors, key=lambda a: (ANCHOR_FIELDS.index(a.field), len(a.values)))


def compile_criteria(text: str, catalogue: Catalogue, lists: Lists | None = None) -> Compiled:
    """Parse, check and compile ``text`` against the fields of ``catalogue`` and the named
    ``lists`` by code; ProfileError lists every problem found."""
    tree = parse(text)
    compiler = _Compiler(catalogue, lists or {})
    typed = compiler.compile(tree)
    if typed.kind is not None and typed.kind != Kind.BOOL and not compiler.problems:
        compiler.fail(
            tree.at,
            "the criteria must be a condition (true or false), not {given}",
            given=_a(typed.kind),
        )
    if compiler.problems:
        raise ProfileError(
            sorted(compiler.problems, key=lambda p: (p.position.line, p.position.column))
        )
    anchors, thresholds = find_anchors(tree, catalogue, lists)
    return Compiled(
        typed.expr.fill_null(False),
        tuple(dict.fromkeys(compiler.fields)),
        anchors,
        thresholds,
        tuple(dict.fromkeys(compiler.lists_used)),
        tree,
    )


# Characters with a meaning in a (Rust) regular expression: escaped, so that the analyst's
# text is only ever matched literally (no pattern of theirs runs; the engine is linear-time).
_REGEX_META = frozenset("\\.+*?()|[]{}^$#&-~")


def _literal_pattern(text: str) -> str:
    return "".join(f"\\{c}" if c in _REGEX_META else c for c in text)


def moment_of(text: str) -> datetime:
    """A quoted date or date-time of the criteria, as a UTC instant (a date: its midnight, a
    time without offset: UTC). ValueError when it is neither."""
    text = text.strip()
    moment = (
        datetime.combine(date.fromisoformat(text), datetime.min.time())
        if len(text) == 10
        else datetime.fromisoformat(text)
    )
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def word_parts(text: str) -> tuple[list[str], bool, bool]:
    """``contains word``'s text as its words, and whether a word boundary goes before and
    after them: where the text begins or ends with a letter or digit ("parts" is not found
    in "partsy"; "(parts)" is matched as written)."""
    words = text.split()
    return words, words[0][0].isalnum(), words[-1][-1].isalnum()


def _contains(value: pl.Expr, text: str, mode: str) -> pl.Expr:
    if mode == "exact":
        return value.str.contains(text, literal=True)
    if mode == "any_case":
        return value.str.to_lowercase().str.contains(text.lower(), literal=True)
    words, before, after = word_parts(text)
    pattern = r"\s+".join(_literal_pattern(word) for word in words)
    bound = r"\b"
    return value.str.contains(f"(?i){bound * before}{pattern}{bound * after}")
