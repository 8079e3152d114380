"""The profile language: what it accepts, what each operator means, and how it says no."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from portcullis.engine.features import Features, default_catalogue
from portcullis.engine.features.derived import add_derived
from portcullis.engine.rules.compiler import Anchor, compile_criteria
from portcullis.engine.rules.lists import Lists, NamedList, by_code
from portcullis.engine.rules.profiles import Profile, ProfileSet
from portcullis.engine.rules.syntax import MAX_DEPTH, ProfileError
from tests.engine.risk import frame, item

CATALOGUE = default_catalogue()


def hits(criteria: str, *rows: dict, lists: Lists | None = None) -> list[str]:
    """Declaration ids of the rows the criteria hit."""
    items = add_derived(frame(*rows))
    compiled = compile_criteria(criteria, CATALOGUE, lists)
    names = [n for n in compiled.fields if n not in items.columns]
    assert not names, f"test rows lack {names}"
    mask = items.select(compiled.expression).to_series()
    return items.filter(mask).get_column("declaration_id").to_list()


def problem(criteria: str) -> str:
    with pytest.raises(ProfileError) as caught:
        compile_criteria(criteria, CATALOGUE)
    return str(caught.value)


ROWS = (
    item("A", hs_code="870323", origin_country="CN", customs_value=100.0, tax_rate=8.0),
    item("B", hs_code="870421", origin_country="VN", customs_value=5000.0, tax_rate=0.0),
    item("C", hs_code="610910", origin_country="DE", customs_value=50.0, tax_rate=None),
    item("D", hs_code="870323", origin_country="US", customs_value=900.0, seller=None),
)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ('hs_code startswith "8703"', ["A", "D"]),
        ('hs_code startswith ["8703", "8704"]', ["A", "B", "D"]),
        ('origin_country in ["CN", "VN"]', ["A", "B"]),
        ('origin_country not in ["CN", "VN"]', ["C", "D"]),
        ("customs_value between 100 and 900", ["A", "D"]),
        ("customs_value > 2 * 450 - 1", ["B", "D"]),
        ("customs_value / net_mass_kg <= 0.1", ["A", "C"]),
        ("-customs_value < -1000", ["B"]),
        ("tax_rate is null", ["C"]),
        ("tax_rate is not null and tax_rate == 0", ["B"]),
        ("seller is null", ["D"]),
        # A missing value never makes a hit, negated or not.
        ("tax_rate < 5", ["B"]),
        ("not (tax_rate < 5)", ["A", "D"]),  # C has no rate: no hit either way
        ('hs_chapter == "87" and not (origin_country == "US")', ["A", "B"]),
        ('hs_heading == "8703" or customs_value < 60', ["A", "C", "D"]),
        (
            'lodged_at >= "2024-01-11" and lodged_at < "2024-01-12T00:00:00+00:00"',
            ["A", "B", "C", "D"],
        ),
        ('lodged_at < "2024-01-05"', []),
        ('"CN" == origin_country', ["A"]),
        ("departure_is_origin", ["A"]),
        ('office contains "0"', ["A", "B", "C", "D"]),
    ],
)
def test_it_means_what_it_says(criteria: str, expected: list[str]) -> None:
    assert hits(criteria, *ROWS) == expected


def test_keywords_are_case_insensitive_and_field_names_are_not() -> None:
    assert hits('hs_code STARTSWITH "6109" OR origin_country == "VN"', *ROWS) == ["B", "C"]
    assert "did you mean 'hs_code'" in problem('HS_CODE startswith "6109"')


def test_it_suggests_the_field_meant_for_a_typo() -> None:
    message = problem('improter == "IMP1"')
    assert message == "line 1, column 1: unknown field 'improter' (did you mean 'importer'?)"


def test_it_points_at_the_line_and_column() -> None:
    message = problem('hs_code startswith "87"\n  and orign_country == "CN"')
    assert message.startswith("line 2, column 7: unknown field 'orign_country'")
    assert "origin_country" in message


def test_it_reports_every_problem_at_once() -> None:
    with pytest.raises(ProfileError) as caught:
        compile_criteria('improter == "X" and customs_valeu > 1', CATALOGUE)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("criteria", "says"),
    [
        ('customs_value > "a"', "cannot compare a number with a text"),
        ("hs_code == 3", "cannot compare a text with a number"),
        ('origin_country in [1, "CN"]', "mixes types"),
        ("origin_country in [1, 2]", "the list holds numbers but the value is a text"),
        ("tax_rate and true", "'and' needs a true/false condition, not a number"),
        ('origin_country < "CN"', "'<' needs numbers or dates"),
        ("tax_rate", "must be a condition"),
        ('lodged_at > "yesterday"', "is not a date"),
        ("hs_code startswith 87", "unexpected '87'"),
        ("customs_value >", "end too early"),
        ('origin_country == "CN', "a quote is missing"),
        ("customs_value > 1 $", "unexpected character '$'"),
        ("", "empty"),
        ("origin_country in []", "the list after 'in' is empty"),
        ('office == "a\\q"', "unknown escape"),
        ("customs_value > 1e999", "too large"),
        ("[1, 2]", "unexpected"),
    ],
)
def test_it_explains_what_is_wrong(criteria: str, says: str) -> None:
    assert says in problem(criteria)


def test_it_never_runs_text_as_code() -> None:
    for attempt in (
        '__import__("os").system("touch /tmp/pwned")',
        "eval('1')",
        "exec",
        "x.__class__",
    ):
        with pytest.raises(ProfileError):
            compile_criteria(attempt, CATALOGUE)


def test_it_refuses_what_nests_too_deep_or_runs_too_long() -> None:
    assert "nest too deeply" in problem("(" * (MAX_DEPTH + 1) + "true" + ")" * (MAX_DEPTH + 1))
    assert "too long" in problem("customs_value > 1 and " * 600 + "true")


@pytest.mark.parametrize(
    ("criteria", "anchor"),
    [
        ('hs_code startswith "8703" and customs_value > 1', Anchor("hs_code", ("8703",))),
        ('hs_chapter == "61"', Anchor("hs_code", ("61",))),
        ('origin_country in ["CN", "VN"] and importer == "IMP1"', Anchor("importer", ("IMP1",))),
        ('origin_country == "CN" or customs_value > 1', None),  # an "or" anchors nothing
        ('not origin_country == "CN"', None),
        ("customs_value > 1", None),
    ],
)
def test_it_finds_the_condition_an_index_can_use(criteria: str, anchor: Anchor | None) -> None:
    assert compile_criteria(criteria, CATALOGUE).anchor == anchor


def test_scope_and_validity_are_part_of_the_profile() -> None:
    scoped = Profile(
        "P1",
        1,
        'hs_code startswith "87"',
        offices=("20",),
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        valid_to=datetime(2024, 1, 11, tzinfo=UTC),
    )
    rows = frame(
        item("A", office="20", lodged_at=datetime(2024, 1, 5, tzinfo=UTC)),
        item("B", office="10", lodged_at=datetime(2024, 1, 5, tzinfo=UTC)),
        item("C", office="20", lodged_at=datetime(2024, 1, 11, tzinfo=UTC)),
    )
    found = ProfileSet.compile([scoped], CATALOGUE).hits(Features(add_derived(rows)))
    assert found.get_column("row").to_list() == [0]


def test_profile_weights_and_rates_are_bounded() -> None:
    with pytest.raises(ValueError, match="weight"):
        Profile("P", 1, "true", weight=1.5)
    with pytest.raises(ValueError, match="selection_pct"):
        Profile("P", 1, "true", selection_pct=101)


def test_a_profile_set_names_its_versions() -> None:
    first = ProfileSet.compile([Profile("P1", 1, "true"), Profile("P2", 3, "true")], CATALOGUE)
    same = ProfileSet.compile([Profile("P2", 3, "true"), Profile("P1", 1, "true")], CATALOGUE)
    newer = ProfileSet.compile([Profile("P1", 2, "true"), Profile("P2", 3, "true")], CATALOGUE)
    assert first.version == same.version != newer.version


_DOCS = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "profiles.md"


def _documented_example(heading: str) -> str:
    """The first code block under ``heading`` in docs/profiles.md."""
    text = _DOCS.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    start = section.index("```\n") + 4
    return section[start : section.index("```", start)].strip()


def test_the_goods_description_example_runs_as_documented():
    criteria = _documented_example("## Goods descriptions")
    assert criteria == 'hs_chapter == "85" and description contains word "parts"'
    rows = (
        item("A", hs_code="851090", description="Parts for shavers"),
        item("B", hs_code="850440", description="Electrical PARTS,  used"),
        item("C", hs_code="851810", description="Partsy speakers"),
        item("D", hs_code="841391", description="Spare parts for pumps"),
        item("E", hs_code="851090", description=None),
    )
    assert hits(criteria, *rows) == ["A", "B"]
    assert hits('not (description contains word "parts")', *rows) == ["C"]


def test_the_party_name_example_runs_as_documented():
    criteria = _documented_example("## Party names")
    assert criteria == 'seller_name contains word "trading" and not departure_is_origin'
    rows = (
        item("A", seller_name="Global Trading Co", origin_country="VN"),
        item("B", seller_name="GLOBAL  TRADING LTD", origin_country="TH"),
        item("C", seller_name="Tradingpost Ltd", origin_country="VN"),
        item("D", seller_name="Global Trading Co", origin_country="CN"),
        item("E", seller_name=None, origin_country="VN"),
    )
    assert all(row["country_of_departure"] == "CN" for row in rows)
    assert hits(criteria, *rows) == ["A", "B"]
    assert hits('importer_name starts with any case "acme"', item("F", importer_name="ACME Ltd"))


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ('description contains "parts"', ["B", "C"]),  # literal, letter case too
        ('description contains any case "PARTS"', ["A", "B", "C"]),
        ('description contains word "spare parts"', ["B"]),
        ('description contains word "(a+b)"', ["C"]),  # taken as written, never a pattern
        ('description contains word ".*"', []),
    ],
)
def test_text_tests_match_as_written_in_the_letter_case_asked(criteria, expected):
    rows = (
        item("A", description="PARTS"),
        item("B", description="Spare   parts for pumps"),
        item("C", description="kit (a+b) partsy"),
    )
    assert hits(criteria, *rows) == expected


def test_the_named_list_example_runs_as_documented():
    criteria = _documented_example("## Named lists")
    assert criteria == "origin_country in list HIGH_RISK_ORIGINS and value_ratio < 0.5"
    lists = by_code([NamedList("HIGH_RISK_ORIGINS", 4, frozenset({"CN", "VN"}))])
    rows = add_derived(
        frame(
            item("A", origin_country="VN"),
            item("B", origin_country="DE"),
            item("C", origin_country="VN"),
        )
    ).with_columns(value_ratio=pl.Series([0.33, 0.33, 1.0]))
    compiled = compile_criteria(criteria, CATALOGUE, lists)
    found = rows.filter(rows.select(compiled.expression).to_series())
    assert found.get_column("declaration_id").to_list() == ["A"]
    assert compile_criteria(criteria, CATALOGUE, lists).lists == ("HIGH_RISK_ORIGINS@v4",)


def test_a_named_list_holds_nothing_outside_its_validity():
    lists = by_code(
        [
            NamedList(
                "RISKY",
                1,
                frozenset({"CN"}),
                valid_from=datetime(2021, 2, 1, tzinfo=UTC),
                expires_at=datetime(2021, 3, 1, tzinfo=UTC),
            ),
            NamedList("PARTS", 1, frozenset({"85", "8703"})),
        ]
    )
    rows = (
        item("JAN", origin_country="CN", lodged_at=datetime(2021, 1, 15, tzinfo=UTC)),
        item("FEB", origin_country="CN", lodged_at=datetime(2021, 2, 15, tzinfo=UTC)),
        item("MAR", origin_country="CN", lodged_at=datetime(2021, 3, 1, tzinfo=UTC)),
    )
    assert hits("origin_country in list RISKY", *rows, lists=lists) == ["FEB"]
    assert hits("origin_country not in list RISKY", *rows, lists=lists) == ["JAN", "MAR"]
    codes = (item("A", hs_code="851712"), item("B", hs_code="870323"), item("C", hs_code="8704"))
    assert hits("hs_code starts with list PARTS", *codes, lists=lists) == ["A", "B"]
    assert "unknown list 'PART' (did you mean 'PARTS'?)" in problem_with(
        "hs_code starts with list PART", lists
    )
    assert "'in list' needs a text" in problem_with("tax_rate in list PARTS", lists)


def test_a_new_list_version_is_a_new_profile_set():
    def compiled(version: int) -> ProfileSet:
        lists = by_code([NamedList("RISKY", version, frozenset({"CN"}))])
        profile = Profile("P1", 1, "origin_country in list RISKY")
        return ProfileSet.compile([profile], CATALOGUE, lists)

    assert compiled(1).lists == ("RISKY@v1",)
    assert compiled(1).version == compiled(1).version != compiled(2).version
    plain = ProfileSet.compile([Profile("P1", 1, "true")], CATALOGUE, {})
    assert plain.version == ProfileSet.compile([Profile("P1", 1, "true")], CATALOGUE).version


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ('seller starts with "GLOBAL"', ["A"]),
        ('seller starts with any case "global"', ["A", "B"]),
        ('seller startswith any case ["x", "GLO"]', ["A", "B", "C"]),
    ],
)
def test_starts_with_in_any_letter_case(criteria, expected):
    rows = (item("A", seller="GLOBAL TRADING"), item("B", seller="Global"), item("C", seller="xy"))
    assert hits(criteria, *rows) == expected


def problem_with(criteria: str, lists: Lists) -> str:
    with pytest.raises(ProfileError) as caught:
        compile_criteria(criteria, CATALOGUE, lists)
    return str(caught.value)


def test_the_currency_example_runs_as_documented():
    from datetime import date
    from decimal import Decimal

    from portcullis.engine.conversion import RateBook, to_national
    from portcullis.engine.rates import Rate

    criteria = _documented_example("## Values and currencies")
    assert criteria == "declared_rate_ratio < 0.95 and customs_value > 1000000"
    book = RateBook("KRW", [Rate("USD", date(2019, 1, 1), None, Decimal("1450"), "TEST")])
    dollars = {"currency": "USD", "customs_value": 1000.0, "invoice_value": 1000.0}
    rows = to_national(
        frame(
            item("A", declared_rate=1300.0, **dollars),
            item("B", declared_rate=1440.0, **dollars),
            item("C", **dollars),
        ),
        book,
    )
    items = add_derived(rows)
    mask = items.select(compile_criteria(criteria, CATALOGUE).expression).to_series()
    assert items.filter(mask).get_column("declaration_id").to_list() == ["A"]
