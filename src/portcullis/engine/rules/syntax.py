"""Parsing profile criteria into a small syntax tree, with errors that point at the text.

Criteria are parsed with Lark (LALR) and never evaluated as Python: the tree is compiled to
Polars expressions by ``portcullis.engine.rules.compiler``. Any text, however broken, gives a
tree or a ``ProfileError``; nothing else is raised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.exceptions import LarkError

MAX_LENGTH = 10_000  # characters; criteria are a few lines
MAX_DEPTH = 40  # nesting of brackets and operators, far beyond any real profile
# Tests (comparisons, in, startswith, contains, between, is null) and the values they read:
# real profiles have a handful; each runs over every item of every declaration submitted,
# so a profile of hundreds would slow every submission (what approval measures, besides).
MAX_TESTS = 60
MAX_TERMS = 200  # fields, numbers and text of the whole criteria (list members excepted)

_TOKEN_NAMES = {
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "MINUS": "-",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "COMMA": ",",
    "NAME": "a field name",
    "NUMBER": "a number",
    "STRING": 'a quoted text ("...")',
    "$END": "the end of the criteria",
}


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


Words = tuple[str, ...]  # a value that is a list of words ("a number, a field name")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with criteria, where it is, and (for a misspelt field) a suggestion.
    ``template`` and ``values`` are the message before its values were put in, so that the
    pages can say it in the reader's language."""

    position: Position
    message: str
    suggestion: str | None = None
    template: str = ""
    values: tuple[tuple[str, str | Words], ...] = ()

    def __str__(self) -> str:
        text = f"{self.position}: {self.message}"
        return f"{text} (did you mean '{self.suggestion}'?)" if self.suggestion else text


def problem(
    at: Position, template: str, suggestion: str | None = None, **values: str | Words
) -> Problem:
    """A Problem whose message is ``template`` with ``values`` put in ({name} each)."""
    shown = {k: ", ".join(v) if isinstance(v, tuple) else v for k, v in values.items()}
    return Problem(at, template.format(**shown), suggestion, template, tuple(values.items()))


class ProfileError(ValueError):
    """Criteria that cannot be used: every problem found, each with its position."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# -- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    at: Position


@dataclass(frozen=True, slots=True)
class Literal:
    value: float | str | bool
    at: Position


@dataclass(frozen=True, slots=True)
class ListOf:
    values: tuple[Literal, ...]
    at: Position


@dataclass(frozen=True, slots=True)
class NamedRef:
    """``list HIGH_RISK_ORIGINS``: a named list kept as reference data (rules.lists)."""

    code: str
    at: Position


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # + - * /
    left: Node
    right: Node
    at: Position


@dataclass(frozen=True, slots=True)
class Negative:
    operand: Node
    at: Position


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # == != < <= > >=
    left: Node
    right: Node
    at: Position


@dataclass(frozen=True, slots=True)
class Member:
    value: Node
    options: ListOf | NamedRef
    negated: bool
    at: Position


@dataclass(frozen=True, slots=True)
class StartsWith:
    value: Node
    prefixes: ListOf | NamedRef
    at: Position
    any_case: bool = False


@dataclass(frozen=True, slots=True)
class Contains:
    value: Node
    text: Literal
    at: Position
    # "exact": the text as written; "word": as a whole word (or words), any letter case;
    # "any_case": anywhere, any letter case.
    mode: str = "exact"


@dataclass(frozen=True, slots=True)
class Between:
    value: Node
    low: Node
    high: Node
    at: Position


@dataclass(frozen=True, slots=True)
class NullTest:
    value: Node
    negated: bool
    at: Position


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # and, or
    operands: tuple[Node, ...]
    at: Position


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    at: Position


Node = (
    Field
    | Literal
    | ListOf
    | NamedRef
    | Arithmetic
    | Negative
    | Compare
    | Member
    | StartsWith
    | Contains
    | Between
    | NullTest
    | Logical
    | Not
)


# -- parsing -------------------------------------------------------------------------------


@cache
def _parser() -> Lark:
    grammar = resources.files("portcullis.engine.rules").joinpath("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _at(item: Tree[Token] | Token) -> Position:
    if isinstance(item, Token):
        return Position(item.line or 1, item.column or 1)
    return Position(item.meta.line, item.meta.column) if not item.meta.empty else Position(1, 1)


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}


def _unquote(token: Token) -> str:
    body = str(token)[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    chars = iter(body)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, "")
        if escaped not in _ESCAPES:
            raise ProfileError(
                [
                    problem(
                        _at(token),
                        "unknown escape '\\{escaped}' in text (use \\\" or \\\\)",
                        escaped=escaped,
                    )
                ]
            )
        out.append(_ESCAPES[escaped])
    return "".join(out)


def _number(token: Token, sign: int = 1) -> Literal:
    value = float(str(token)) * sign
    if not math.isfinite(value):
        raise ProfileError([problem(_at(token), "the number {number} is too large", number=token)])
    return Literal(value, _at(token))


def _build(tree: Tree[Token] | Token) -> Node:
    """The Lark parse tree as our own nodes (tokens are dropped where they carry nothing)."""
    if isinstance(tree, Token):  # a bare NAME or literal reduced by ``?atom``
        raise ProfileError([problem(_at(tree), "unexpected '{token}'", token=str(tree))])
    kind = tree.data
    kids: list[Any] = tree.children
    at = _at(tree)
    if kind == "field":
        return Field(str(kids[0]), at)
    if kind == "number":
        return _number(kids[0])
    if kind == "negative_number":
        return _number(kids[1], -1)
    if kind == "string":
        return Literal(_unquote(kids[0]), at)
    if kind in ("true", "false"):
        return Literal(kind == "true", at)
    if kind == "list":
        values = tuple(_literal(kid) for kid in kids if not isinstance(kid, Token))
        return ListOf(values, at)
    if kind == "neg":
        return Negative(_build(kids[1]), at)
    if kind == "negate":
        return Not(_build(kids[1]), at)
    if kind in ("sum", "product"):
        node = _build(kids[0])
        for op, operand in zip(kids[1::2], kids[2::2], strict=True):
            node = Arithmetic(str(op), node, _build(operand), _at(op))
        return node
    if kind in ("or_", "and_"):
        operands = tuple(_build(kid) for kid in kids if not isinstance(kid, Token))
        return Logical("or" if kind == "or_" else "and", operands, at)
    if kind == "compare":
        return Compare(str(kids[1]), _build(kids[0]), _build(kids[2]), at)
    if kind == "member":
        negated = len(kids) == 4
        return Member(_build(kids[0]), _list(kids[-1]), negated, at)
    if kind == "member_named":
        negated = len(kids) == 5
        return Member(_build(kids[0]), NamedRef(str(kids[-1]), _at(kids[-2])), negated, at)
    if kind in ("startswith", "startswith_any_case"):
        return StartsWith(_build(kids[0]), _prefixes(kids), at, kind == "startswith_any_case")
    if kind in ("contains", "contains_word", "contains_any_case"):
        text = kids[-1]
        mode = {"contains": "exact", "contains_word": "word"}.get(kind, "any_case")
        return Contains(_build(kids[0]), Literal(_unquote(text), _at(text)), at, mode)
    if kind == "between":
        return Between(_build(kids[0]), _build(kids[2]), _build(kids[4]), at)
    if kind == "null_test":
        return NullTest(_build(kids[0]), len(kids) == 4, at)
    raise ProfileError([problem(at, "unexpected {kind}", kind=str(kind))])  # pragma: no cover


def _prefixes(kids: list[Any]) -> ListOf | NamedRef:
    """What follows "starts with": a quoted text, a list of them, or ``list NAME``."""
    target = kids[-1]
    if isinstance(target, Token) and target.type == "NAME":
        return NamedRef(str(target), _at(kids[-2]))
    if isinstance(target, Token):
        return ListOf((Literal(_unquote(target), _at(target)),), _at(target))
    return _list(target)


def _literal(tree: Tree[Token]) -> Literal:
    node = _build(tree)
    assert isinstance(node, Literal)
    return node


def _list(tree: Tree[Token]) -> ListOf:
    node = _build(tree)
    assert isinstance(node, ListOf)
    return node


def _expected(names: set[str]) -> Words:
    """What could have come instead, in words; () when too many to be of help."""
    words = sorted({_TOKEN_NAMES.get(name, name.lower().replace("_", " ")) for name in names})
    return tuple(words) if len(words) <= 6 else ()


def _syntax_problem(error: UnexpectedInput, text: str) -> Problem:
    line, column = max(error.line, 1), max(error.column, 1)
    if isinstance(error, UnexpectedCharacters):
        at = error.pos_in_stream
        char = text[at] if at is not None and 0 <= at < len(text) else ""
        if char in "\"'":
            return problem(Position(line, column), "text is not closed (a quote is missing)")
        return problem(Position(line, column), "unexpected character {char}", char=repr(char))
    if (
        isinstance(error, UnexpectedEOF)
        or getattr(error, "token", None) in (None, "")
        or (
            getattr(error.token, "type", "") == "$END"  # type: ignore[attr-defined]
        )
    ):
        lines = text.splitlines() or [""]
        end = Position(len(lines), len(lines[-1]) + 1)
        early = _expected(set(error.expected))  # type: ignore[attr-defined]
        if early:
            return problem(end, "the criteria end too early (expected {expected})", expected=early)
        return problem(end, "the criteria end too early")
    token = str(error.token)  # type: ignore[attr-defined]
    expected = _expected(set(getattr(error, "expected", ()) or ()))
    if expected:
        return problem(
            Position(line, column), "unexpected '{token}' (expected {expected})",
            token=token, expected=expected,
        )  # fmt: skip
    return problem(Position(line, column), "unexpected '{token}'", token=token)


def _too_deep(text: str) -> bool:
    depth = deepest = 0
    for char in text:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    # Operators nest too: a chain of "not not not ..." or "- - - 1" recurses like brackets.
    return deepest > MAX_DEPTH or text.count("-") + text.lower().count("not") > 4 * MAX_DEPTH


def _too_long(length: int) -> Problem:
    return problem(
        Position(1, 1),
        "the criteria are too long ({length} characters, at most {limit})",
        length=f"{length:,}",
        limit=f"{MAX_LENGTH:,}",
    )


def _nested(at: Position) -> Problem:
    return problem(
        at, "the criteria nest too deeply (at most {limit} levels)", limit=str(MAX_DEPTH)
    )


def parse(text: str) -> Node:
    """The syntax tree of ``text``, or ProfileError saying where and what is wrong."""
    if not isinstance(text, str):
        raise ProfileError([problem(Position(1, 1), "criteria must be text")])
    if not text.strip():
        raise ProfileError([problem(Position(1, 1), "the criteria are empty")])
    if len(text) > MAX_LENGTH:
        raise ProfileError([_too_long(len(text))])
    if _too_deep(text):
        raise ProfileError([_nested(Position(1, 1))])
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise ProfileError([_syntax_problem(error, text)]) from None
    except (LarkError, RecursionError) as error:
        raise ProfileError(
            [problem(Position(1, 1), "cannot be read ({error})", error=type(error).__name__)]
        ) from None
    try:
        node = _build(tree)
    except RecursionError:
        raise ProfileError([_nested(Position(1, 1))]) from None
    _within_bounds(node)
    return node


_TESTS = (Compare, Member, StartsWith, Contains, Between, NullTest)


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Arithmetic | Compare):
        return (node.left, node.right)
    if isinstance(node, Negative | Not):
        return (node.operand,)
    if isinstance(node, Member | StartsWith | Contains | NullTest):
        return (node.value,)
    if isinstance(node, Between):
        return (node.value, node.low, node.high)
    if isinstance(node, Logical):
        return node.operands
    return ()


def _within_bounds(root: Node) -> None:
    """Refuse criteria beyond MAX_DEPTH, MAX_TESTS or MAX_TERMS, walking the tree without
    recursion (a chain of 500 "+" is 500 levels deep, which recursion cannot walk)."""
    tests = terms = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ProfileError([_nested(node.at)])
        tests += isinstance(node, _TESTS)
        terms += isinstance(node, Field | Literal)
        if tests > MAX_TESTS:
            raise ProfileError(
                [
                    problem(
                        node.at,
                        "the criteria hold more than {limit} tests: split the profile",
                        limit=str(MAX_TESTS),
                    )
                ]
            )
        if terms > MAX_TERMS:
            raise ProfileError(
                [
                    problem(
                        node.at,
                        "the criteria hold more than {limit} terms: split the profile",
                        limit=str(MAX_TERMS),
                    )
                ]
            )
        stack.extend((child, depth + 1) for child in _children(node))


def field_names(text: str) -> list[str]:
    """The fields ``text`` reads, in the order they first appear (for saying which of a
    declaration's facts made a profile hit)."""
    names: list[str] = []
    stack: list[Node] = [parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, Field):
            if node.name not in names:
                names.append(node.name)
            continue
        stack.extend(reversed(_children(node)))
    return names
