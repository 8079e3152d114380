"""Properties of the profile language: one meaning whatever the path, and no surprises.

- Random valid criteria over random declarations hit the same items whether a batch is
  evaluated through the index (partitioned by anchor) or one declaration at a time (the
  path of the API), and the same as evaluating each expression over every item.
- Any text at all either compiles or raises ProfileError: nothing else escapes the parser.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcullis.engine.features import Features, default_catalogue
from portcullis.engine.features.derived import add_derived
from portcullis.engine.items import SCHEMA, SMALL_FRAME
from portcullis.engine.rules.compiler import compile_criteria
from portcullis.engine.rules.lists import NamedList, by_code
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.rules.rows import row_predicate
from portcullis.engine.rules.syntax import ProfileError

CATALOGUE = default_catalogue()
NUMBERS = (
    "customs_value",
    "net_mass_kg",
    "tax_rate",
    "unit_value",
    "declaration_value",
    "item_count",
)
TEXTS = (
    "origin_country", "office", "importer", "seller", "hs_chapter", "currency", "hs_code",
    "description", "seller_name",
)  # fmt: skip
VALUES = {
    "origin_country": ["CN", "VN", "DE", "US"],
    "office": ["10", "11", "12"],
    "importer": ["IMP1", "IMP2", "IMP3", "IMP4"],
    "seller": ["SEL1", "SEL2"],
    "hs_chapter": ["87", "61", "85"],
    "currency": ["USD", "EUR"],
    "hs_code": ["870323", "870421", "610910", "851712"],
    "description": ["Spare parts", "PARTS, used", "partsy kit", "Cotton shirts"],
    "seller_name": ["Global Trading Co", "GLOBAL TRADING", "Tradingpost Ltd", "Acme Parts"],
}

START = datetime(2024, 1, 1, tzinfo=UTC)
# Named lists: one in force only for part of the declarations' 500 hours, one of HS
# prefixes, one too long to narrow a batch by (the index then evaluates it everywhere).
LISTS = by_code(
    [
        NamedList(
            "RISKY",
            3,
            frozenset({"CN", "VN"}),
            valid_from=START + timedelta(hours=100),
            expires_at=START + timedelta(hours=400),
        ),
        NamedList("PARTS", 1, frozenset({"85", "8703"})),
        NamedList("TRADERS", 2, frozenset({"IMP1", "SEL2"} | {f"T{n}" for n in range(150)})),
    ]
)
LIST_OF = {"origin_country": "RISKY", "hs_code": "PARTS", "importer": "TRADERS"}


def declarations(seed: int, count: int) -> pl.DataFrame:
    """``count`` random declarations of 1-4 items, with missing values here and there."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        header = {
            "declaration_id": f"D{number}",
            "lodged_at": START + timedelta(hours=int(rng.integers(0, 500))),
            "office": str(rng.choice(VALUES["office"])),
            "importer": str(rng.choice(VALUES["importer"])),
            "declarant": "DCL1",
            "seller": None if rng.random() < 0.2 else str(rng.choice(VALUES["seller"])),
            "seller_name": None if rng.random() < 0.2 else str(rng.choice(VALUES["seller_name"])),
            "country_of_departure": str(rng.choice(VALUES["origin_country"])),
        }
        for line in range(1, int(rng.integers(1, 5)) + 1):
            rows.append(
                {
                    **header,
                    "line_no": line,
                    "hs_code": str(rng.choice(VALUES["hs_code"])),
                    "origin_country": str(rng.choice(VALUES["origin_country"])),
                    "net_mass_kg": float(rng.choice([0.0, 1.0, 10.0, 250.0])),
                    "customs_value": float(rng.choice([0.0, 5.0, 100.0, 1000.0, 25000.0])),
                    "currency": str(rng.choice(VALUES["currency"])),
                    "tax_rate": None if rng.random() < 0.2 else float(rng.choice([0.0, 5.0, 8.0])),
                    "description": None
                    if rng.random() < 0.2
                    else str(rng.choice(VALUES["description"])),
                }
            )
    return add_derived(
        pl.DataFrame(rows, schema_overrides=SCHEMA).select(
            *(
                pl.col(n).cast(t) if n in rows[0] else pl.lit(None, dtype=t).alias(n)
                for n, t in SCHEMA.items()
            )
        )
    )


def quoted(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


numbers = st.sampled_from(["0", "1", "5", "8", "100", "1000", "0.5", "2.5e3"])
number_fields = st.sampled_from(NUMBERS)


@st.composite
def arithmetic(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 2 or draw(st.booleans()):
        return draw(st.one_of(number_fields, numbers))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(arithmetic(depth + 1))} {op} {draw(arithmetic(depth + 1))})"


@st.composite
def text_test(draw: st.DrawFn) -> str:
    field = draw(st.sampled_from(TEXTS))
    options = VALUES[field]
    kinds = ["eq", "ne", "in", "not in", "startswith", "contains"]
    kind = draw(st.sampled_from(kinds + (["list", "starts list"] if field in LIST_OF else [])))
    if kind == "list":
        return f"{field} {draw(st.sampled_from(['in', 'not in']))} list {LIST_OF[field]}"
    if kind == "starts list":
        return f"{field} starts with {draw(st.sampled_from(['', 'any case ']))}list PARTS"
    if kind == "eq":
        return f'{field} == "{draw(st.sampled_from(options))}"'
    if kind == "ne":
        return f'{field} != "{draw(st.sampled_from(options))}"'
    if kind in ("in", "not in"):
        chosen = draw(st.lists(st.sampled_from(options), min_size=1, max_size=3))
        return f"{field} {kind} {quoted(chosen)}"
    if kind == "startswith":
        prefixes = draw(
            st.lists(
                st.sampled_from(["8", "87", "8703", "61", "6109", "C", "IM"]),
                min_size=1,
                max_size=2,
            )
        )
        spelling = draw(st.sampled_from(["startswith", "starts with", "starts with any case"]))
        return f"{field} {spelling} {quoted(prefixes)}"
    mode = draw(st.sampled_from(["", "word ", "any case "]))
    text = draw(
        st.sampled_from(["0", "N", "1", "SEL", "parts", "Spare parts", "PART", "trading", "Co"])
    )
    return f'{field} contains {mode}"{text}"'


@st.composite
def condition(draw: st.DrawFn, depth: int = 0) -> str:
    leaf = st.one_of(
        text_test(),
        st.builds(
            lambda a, op, b: f"{a} {op} {b}",
            arithmetic(),
            st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
            arithmetic(),
        ),
        st.builds(lambda f, a, b: f"{f} between {a} and {b}", number_fields, numbers, numbers),
        st.builds(
            lambda f, n: f"{f} is {n}null",
            st.sampled_from(NUMBERS + TEXTS),
            st.sampled_from(["", "not "]),
        ),
        st.just("departure_is_origin"),
        st.builds(
            lambda op, day: f'lodged_at {op} "{day}"',
            st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
            st.sampled_from(["2024-01-05", "2024-01-10T12:00:00+09:00", "2023-12-31"]),
        ),
        st.just('lodged_at between "2024-01-03" and "2024-01-12T06:30:00Z"'),
        st.builds(
            lambda op, value: f"departure_is_origin {op} {value}",
            st.sampled_from(["==", "!="]),
            st.sampled_from(["true", "false"]),
        ),
        st.builds(
            lambda f, n, values: f"{f} {n}in [{', '.join(values)}]",
            number_fields,
            st.sampled_from(["", "not "]),
            st.lists(numbers, min_size=1, max_size=3),
        ),
        st.builds(lambda a, b: f"{a} / {b} >= 0", number_fields, number_fields),
    )
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return draw(leaf)
    shape = draw(st.sampled_from(["and", "or", "not"]))
    if shape == "not":
        return f"not ({draw(condition(depth + 1))})"
    return f"({draw(condition(depth + 1))}) {shape} ({draw(condition(depth + 1))})"


@st.composite
def anchored(draw: st.DrawFn) -> str:
    """Criteria an index can narrow (so the partitioned path is exercised)."""
    anchor = draw(
        st.sampled_from(
            [
                'hs_code startswith "87"',
                'hs_code startswith ["8703", "61"]',
                'origin_country == "CN"',
                'importer in ["IMP1", "IMP3"]',
                "origin_country in list RISKY",
                "hs_code starts with list PARTS",
                "importer in list TRADERS",
                'office == "11"',
                'hs_chapter == "85"',
            ]
        )
    )
    return f"{anchor} and ({draw(condition())})"


criteria = st.one_of(condition(), anchored())


def brute_force(frame: pl.DataFrame, profiles: ProfileSet) -> set[tuple[int, int]]:
    """Each profile's expression (its scope and validity folded in) over every item."""
    found = set()
    for position, compiled in enumerate(profiles.profiles):
        mask = frame.select(compiled.expression.alias("x")).to_series()
        mask = mask.extend_constant(mask[0], frame.height - 1) if len(mask) == 1 else mask
        found |= {(row, position) for row in np.flatnonzero(mask.to_numpy())}
    return found


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    texts=st.lists(criteria, min_size=1, max_size=6),
    scopes=st.lists(
        st.tuples(
            st.sampled_from([(), ("10",), ("11", "12")]),
            st.sampled_from([None, START + timedelta(hours=120)]),
            st.sampled_from([None, START + timedelta(hours=360)]),
        ),
        min_size=6,
        max_size=6,
    ),
)
def test_batch_one_declaration_at_a_time_and_plain_python_hit_the_same_items(
    seed: int,
    texts: list[str],
    scopes: list[tuple[tuple[str, ...], datetime | None, datetime | None]],
) -> None:
    frame = declarations(seed, 120)
    assert frame.height > SMALL_FRAME  # the batch goes through the partitioned index
    profiles = ProfileSet.compile(
        [
            Profile(f"P{i}", 1, t, offices=offices, valid_from=start, valid_to=end)
            for i, (t, (offices, start, end)) in enumerate(zip(texts, scopes, strict=False))
        ],
        CATALOGUE,
        LISTS,
    )

    batch = set(profiles.hits(Features(frame)).iter_rows())

    single, plain = set(), set()
    starts = (
        frame.with_row_index("row")
        .group_by("declaration_id", maintain_order=True)
        .agg(pl.col("row").min())
    )
    index = profiles.row_index(CATALOGUE)
    for _, first in starts.iter_rows():
        one = frame.filter(pl.col("declaration_id") == frame.get_column("declaration_id")[first])
        single |= {
            (first + row, profile) for row, profile in profiles.hits(Features(one)).iter_rows()
        }
        found = index.hits(list(one.iter_rows(named=True)))
        assert found == sorted(found)  # rows in order, profiles in order within a row
        plain |= {(first + row, profile) for row, profile in found}

    assert batch == single == plain == brute_force(frame, profiles)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), text=criteria)
def test_the_plain_python_criteria_hit_where_the_polars_expression_does(
    seed: int, text: str
) -> None:
    """The single-declaration path's predicate (a function of one item's fields) against the
    batch path's expression, item by item: missing values, NaN and infinities included."""
    frame = declarations(seed, 40)
    expected = frame.select(compile_criteria(text, CATALOGUE, LISTS).expression.alias("x"))
    mask = expected.to_series().to_list()
    mask = mask * frame.height if len(mask) == 1 else mask
    predicate = row_predicate(text, CATALOGUE, LISTS)
    assert [predicate(row) for row in frame.iter_rows(named=True)] == mask


def refusal(text: str) -> ProfileError | None:
    """The error compiling ``text`` raises, or None if it compiles. Any other exception
    propagates and fails the test."""
    try:
        compile_criteria(text, CATALOGUE, LISTS)
    except ProfileError as error:
        return error
    return None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_compiles_or_says_why(text: str) -> None:
    error = refusal(text)
    if error is not None:
        assert error.problems
        assert all(p.position.line >= 1 and p.position.column >= 1 for p in error.problems)


@settings(max_examples=300, deadline=None)
@given(valid=criteria, cut=st.integers(0, 400), length=st.integers(0, 6), junk=st.text(max_size=4))
def test_damaged_criteria_compile_or_say_why(valid: str, cut: int, length: int, junk: str) -> None:
    at = cut % (len(valid) + 1)
    damaged = valid[:at] + junk + valid[at + length :]
    error = refusal(damaged)
    assert error is None or error.problems
    if error is None:  # what compiles has its plain Python twin too
        row_predicate(damaged, CATALOGUE, LISTS)


@settings(max_examples=100, deadline=None)
@given(criteria)
def test_every_generated_criterion_is_valid(text: str) -> None:
    assert compile_criteria(text, CATALOGUE, LISTS).expression is not None
