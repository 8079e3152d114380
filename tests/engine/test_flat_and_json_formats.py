"""The canonical layouts: flat CSV and Parquet (one row per item), JSON and JSON Lines."""

import csv
import json
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from portcullis.engine.formats import FileFormatError, open_reader
from portcullis.engine.formats.flat import COLUMNS, HEADER_FIELDS, ITEM_FIELDS, OUTCOME_FIELDS
from portcullis.engine.validation import ValidDeclaration, validate_declaration
from tests.builders import declaration, write_json
from tests.engine.reading import SEOUL, read
from tests.engine.strategies import declarations


def flat_rows(data: dict) -> list[dict]:
    """A canonical declaration as flat rows, the way a spreadsheet export would write it."""
    header = {name: data.get(name) for name in HEADER_FIELDS}
    outcome = {f"outcome_{n}": (data.get("outcome") or {}).get(n) for n in OUTCOME_FIELDS}
    return [
        {**header, **{n: item.get(n) for n in ITEM_FIELDS}, **outcome} for item in data["items"]
    ]


def write_flat_csv(path, declarations_: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(COLUMNS))
        writer.writeheader()
        for data in declarations_:
            writer.writerows(
                {k: "" if v is None else v for k, v in row.items()} for row in flat_rows(data)
            )


def expected_hash(data: dict) -> str:
    result = validate_declaration(data, SEOUL)
    assert isinstance(result, ValidDeclaration), result
    return result.content_hash


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=declarations)
def test_every_valid_declaration_reads_back_identically_from_each_format(tmp_path, data):
    expected = expected_hash(data)
    write_json(tmp_path / "a.json", [data])
    (tmp_path / "l.jsonl").write_text(json.dumps(data) + "\n", encoding="utf-8")
    write_flat_csv(tmp_path / "f.csv", [data])
    pl.DataFrame(flat_rows(data), schema=dict.fromkeys(COLUMNS, pl.String)).write_parquet(
        tmp_path / "f.parquet"
    )
    for name, fmt in [
        ("a.json", "json"),
        ("l.jsonl", "json"),
        ("f.csv", "csv"),
        ("f.parquet", "parquet"),
    ]:
        outcome = read(tmp_path / name, fmt)
        assert outcome.problems == [], name
        assert [v.content_hash for v in outcome.valid] == [expected], name


def test_consecutive_rows_of_one_id_are_one_declaration(tmp_path):
    two_items = declaration(
        "A", items=[declaration()["items"][0], {**declaration()["items"][0], "hs_code": "870324"}]
    )
    write_flat_csv(tmp_path / "f.csv", [two_items, declaration("B")])
    outcome = read(tmp_path / "f.csv", "csv")
    assert [len(v.declaration.items) for v in outcome.valid] == [2, 1]


def test_header_fields_must_agree_across_the_rows_of_a_declaration(tmp_path):
    data = declaration("A", items=[declaration()["items"][0]] * 2)
    write_flat_csv(tmp_path / "f.csv", [data])
    text = (tmp_path / "f.csv").read_text().splitlines()
    text[2] = text[2].replace(",30,", ",31,", 1)
    (tmp_path / "f.csv").write_text("\n".join(text) + "\n")
    assert read(tmp_path / "f.csv", "csv").problems == [
        "row 2: office: differs from row 2 of the same declaration"
    ]


def test_an_unreadable_row_rejects_the_declaration_it_may_belong_to(tmp_path):
    items = [declaration()["items"][0]] * 3
    write_flat_csv(tmp_path / "f.csv", [declaration("A", items=items), declaration("B")])
    lines = (tmp_path / "f.csv").read_text().splitlines()
    lines[2] = lines[2][:30]  # the second item row of A is cut short
    (tmp_path / "f.csv").write_text("\n".join(lines) + "\n")
    outcome = read(tmp_path / "f.csv", "csv")
    assert [v.declaration.declaration_id for v in outcome.valid] == ["B"]
    assert outcome.problems[0].startswith("row 3: has ")
    assert outcome.problems[1] == "row 2: row 3, which may belong to it, could not be read"


def test_flat_csv_problems_name_the_row_of_the_item(tmp_path):
    items = [declaration()["items"][0], {**declaration()["items"][0], "hs_code": "12"}]
    write_flat_csv(tmp_path / "f.csv", [declaration("A", items=items)])
    assert read(tmp_path / "f.csv", "csv").problems == [
        "row 3: hs_code: must be 6 to 10 digits (HS subheading, optionally extended)"
    ]


def test_json_numbers_are_read_exactly(tmp_path):
    (tmp_path / "d.json").write_text(
        json.dumps([declaration()]).replace('"15000"', "0.1").replace('"1250.5"', "1250.123")
    )
    [result] = read(tmp_path / "d.json", "json").valid
    assert result.declaration.items[0].customs_value == Decimal("0.10")


def test_json_lines_keep_good_lines_and_name_bad_ones(tmp_path):
    lines = [
        json.dumps(declaration("A")),
        "{not json",
        json.dumps([1]),
        "",
        json.dumps(declaration("B")),
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(lines))
    outcome = read(tmp_path / "d.jsonl", "json")
    assert [v.declaration.declaration_id for v in outcome.valid] == ["A", "B"]
    assert outcome.problems == [
        "line 2: is not valid JSON: Expecting property name enclosed in double quotes at column 2",
        "line 3: must be a JSON object (one declaration)",
    ]


def test_json_nan_and_infinity_are_rejected_at_their_field(tmp_path):
    text = json.dumps([declaration()]).replace('"1250.5"', "NaN").replace('"15000"', "Infinity")
    (tmp_path / "d.json").write_text(text)
    assert read(tmp_path / "d.json", "json").problems == [
        "record 1: items[0].net_mass_kg: must be a finite number",
        "record 1: items[0].customs_value: must be a finite number",
    ]


def test_a_json_array_element_that_is_not_an_object_is_rejected_alone(tmp_path):
    write_json(tmp_path / "d.json", [declaration("A"), "oops", declaration("B")])
    outcome = read(tmp_path / "d.json", "json")
    assert len(outcome.valid) == 2
    assert outcome.problems == ["record 2: must be a JSON object (one declaration)"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"declaration_id": "A"', "the file is not valid JSON: Expecting"),
        ('"just a string"', "expected a JSON array of declarations or JSON Lines"),
        ('{\n  "declaration_id": "A"\n}', "one declaration per line expected"),
        ("   \n  ", "the file holds only white space"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_broken_json_files_get_one_clear_message(tmp_path, text, message):
    (tmp_path / "d.json").write_text(text)
    with pytest.raises(FileFormatError, match=message):
        list(open_reader(tmp_path / "d.json", "json"))


def test_parquet_with_missing_or_unknown_columns_is_refused(tmp_path):
    pl.DataFrame({"declaration_id": ["A"]}).write_parquet(tmp_path / "m.parquet")
    with pytest.raises(FileFormatError, match=r"^missing columns: lodged_at, office"):
        open_reader(tmp_path / "m.parquet", "parquet")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(FileFormatError, match="this is not a readable Parquet file"):
        open_reader(tmp_path / "bad.parquet", "parquet")


def test_parquet_typed_columns_are_accepted(tmp_path):
    frame = pl.DataFrame(
        {
            "declaration_id": ["A", "A"], "lodged_at": ["2021-01-05"] * 2, "office": [30, 30],
            "declarant": ["D"] * 2, "importer": ["I"] * 2, "hs_code": ["440890", "870323"],
            "origin_country": ["BE", "DE"], "net_mass_kg": [1.5, 2.0],
            "customs_value": [10.25, 99.0], "currency": ["EUR", "EUR"],
            "outcome_finding": [True, True],
        }
    )  # fmt: skip
    frame.write_parquet(tmp_path / "t.parquet")
    [result] = read(tmp_path / "t.parquet", "parquet").valid
    assert [str(i.customs_value) for i in result.declaration.items] == ["10.25", "99.00"]
