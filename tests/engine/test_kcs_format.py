"""The KCS layout, and every way a file of it can be broken."""

import gzip

import pytest

from portcullis.engine.formats import FileFormatError, open_reader
from tests.builders import KCS_HEADER, first_kcs_rows, kcs_row, kcs_text, write_kcs
from tests.engine.reading import read


def test_a_row_becomes_a_one_item_declaration_with_its_inspection_outcome(tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row("1", Fraud="1", Critical_Fraud="2")])
    [result] = read(path, "kcs").valid
    declaration = result.declaration
    assert declaration.declaration_id == "1"
    assert (declaration.office, declaration.procedure, declaration.process_type) == (
        "30",
        "11",
        "B",
    )
    assert declaration.seller == "SELL001"
    assert declaration.courier is None  # empty cell
    [item] = declaration.items
    assert (item.hs_code, item.origin_country, item.currency) == ("440890", "BE", "KRW")
    assert str(item.customs_value) == "372254.40"
    assert declaration.outcome is not None
    assert (declaration.outcome.finding, declaration.outcome.critical) == (True, True)


def test_float_noise_in_prices_is_rounded_to_the_cent(tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row(Item_Price="241.58000000000004")])
    assert str(read(path, "kcs").valid[0].declaration.items[0].customs_value) == "241.58"


def test_the_real_file_reads_without_a_problem(tmp_path):
    path = tmp_path / "head.csv"
    path.write_text(first_kcs_rows(2000), encoding="utf-8")
    outcome = read(path, "kcs")
    assert (len(outcome.valid), outcome.problems) == (2000, [])


def test_critical_fraud_must_agree_with_fraud(tmp_path):
    path = write_kcs(
        tmp_path / "k.csv",
        [kcs_row("1", Fraud="0", Critical_Fraud="2"), kcs_row("2", Critical_Fraud="7")],
    )
    assert read(path, "kcs").problems == [
        "row 2: Critical Fraud: is not 0 although Fraud is 0",
        "row 3: Critical Fraud: must be 0, 1 or 2",
    ]


def test_missing_columns_stop_the_file_with_their_names(tmp_path):
    header = [c for c in KCS_HEADER if c not in ("Fraud", "Net Mass")]
    path = write_kcs(tmp_path / "k.csv", [kcs_row()], header=header)
    with pytest.raises(FileFormatError, match=r"^missing columns: Net Mass, Fraud$"):
        open_reader(path, "kcs")


def test_an_unknown_column_is_named_with_a_suggestion(tmp_path):
    text = kcs_text([kcs_row()]).replace("Item Price", "Item Prise", 1)
    (tmp_path / "k.csv").write_text(text)
    expected = (
        "missing columns: Item Price (misspelt? the header has 'Item Prise' for 'Item Price')"
    )
    with pytest.raises(FileFormatError) as raised:
        open_reader(tmp_path / "k.csv", "kcs")
    assert str(raised.value) == expected
    (tmp_path / "k.csv").write_text(kcs_text([kcs_row()]).replace("Fraud\n", "Fraud,Frud\n", 1))
    with pytest.raises(
        FileFormatError, match="unknown column 'Frud' \\(did you mean 'Fraud'\\?\\)"
    ):
        open_reader(tmp_path / "k.csv", "kcs")


def test_a_file_in_another_layout_is_recognised_as_such(tmp_path):
    (tmp_path / "other.csv").write_text("name,age\nalice,3\n")
    with pytest.raises(FileFormatError, match="none of the expected columns"):
        open_reader(tmp_path / "other.csv", "kcs")


def test_truncated_rows_are_rejected_and_the_others_kept(tmp_path):
    text = kcs_text([kcs_row("1"), kcs_row("2"), kcs_row("3")])
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2][:40] + "\n"  # the second data row, cut short
    (tmp_path / "k.csv").write_text("".join(lines) + lines[3][:25])  # and a last row cut off
    outcome = read(tmp_path / "k.csv", "kcs")
    assert [v.declaration.declaration_id for v in outcome.valid] == ["1", "3"]
    assert outcome.problems == [
        "row 3: has 10 fields where the header has 22 (a truncated row?)",
        "row 5: has 7 fields where the header has 22 (a truncated row?)",
    ]


def test_an_unterminated_quote_is_one_problem(tmp_path):
    text = kcs_text([kcs_row("1")]) + '2,"2020-01-01,30\n'
    (tmp_path / "k.csv").write_text(text)
    outcome = read(tmp_path / "k.csv", "kcs")
    assert len(outcome.valid) == 1
    assert outcome.problems == ["row 3: is not well-formed CSV: unexpected end of data"]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_any_line_ending_reads_the_same(tmp_path, newline):
    path = write_kcs(tmp_path / "k.csv", [kcs_row("1"), kcs_row("2")], newline=newline)
    assert len(read(path, "kcs").valid) == 2


def test_a_byte_order_mark_is_skipped(tmp_path):
    (tmp_path / "k.csv").write_bytes(b"\xef\xbb\xbf" + kcs_text([kcs_row()]).encode())
    assert len(read(tmp_path / "k.csv", "kcs").valid) == 1


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    (tmp_path / "k.csv").write_text(kcs_text([kcs_row()]), encoding="utf-16")
    assert len(read(tmp_path / "k.csv", "kcs").valid) == 1


def test_semicolon_separated_files_are_recognised(tmp_path):
    (tmp_path / "k.csv").write_text(kcs_text([kcs_row()]).replace(",", ";"))
    assert len(read(tmp_path / "k.csv", "kcs").valid) == 1


def test_gzip_files_are_read_directly(tmp_path):
    (tmp_path / "k.csv.gz").write_bytes(gzip.compress(kcs_text([kcs_row()]).encode()))
    assert len(read(tmp_path / "k.csv.gz", "kcs").valid) == 1


def test_a_wrongly_encoded_row_is_rejected_alone(tmp_path):
    good = kcs_text([kcs_row("1"), kcs_row("3")]).encode()
    bad = kcs_text([kcs_row("2", Importer_ID="M\u00fcller")]).encode("cp949", "replace")
    bad_row = bad.split(b"\n", 1)[1].replace(b"M?ller", "Müller".encode("latin-1"))
    (tmp_path / "k.csv").write_bytes(good + bad_row)
    outcome = read(tmp_path / "k.csv", "kcs")
    assert len(outcome.valid) == 2
    assert outcome.problems == [
        "row 4: Importer ID: is not valid text in the file's encoding (is the file UTF-8? see --encoding)"
    ]


def test_a_declared_encoding_is_used(tmp_path):
    data = kcs_text([kcs_row(Importer_ID="IMP1")]).encode("latin-1")
    (tmp_path / "k.csv").write_bytes(data)
    assert len(read(tmp_path / "k.csv", "kcs", encoding="latin-1").valid) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (gzip.compress(b"", mtime=0), "the file is empty"),  # the same bytes in every worker
        (b"\x00\x01\x02garbage\x00" * 100, "this is not a text file: it contains binary data"),
        (b"PK\x03\x04" + b"\x00" * 50, "looks like a ZIP archive or an Excel workbook"),
        (b"PAR1\x00\x00", "looks like a Parquet file; use --format parquet"),
        (b"\x1f\x8b\x08\x00broken", "the file is not valid gzip"),
        (b"\n\n", "the file has no header row"),
        (b'"Declaration ID,Date', "the header row is not well-formed CSV"),  # found by fuzzing
    ],
)
def test_files_that_are_not_csv_say_what_they_are(tmp_path, content, message):
    (tmp_path / "k.csv").write_bytes(content)
    with pytest.raises(FileFormatError, match=message):
        open_reader(tmp_path / "k.csv", "kcs")


def test_random_bytes_without_nul_fail_on_the_header(tmp_path):
    (tmp_path / "k.csv").write_bytes(bytes(range(128, 256)) * 50)
    with pytest.raises(FileFormatError, match="none of the expected columns"):
        open_reader(tmp_path / "k.csv", "kcs")


def test_a_five_megabyte_field_is_rejected_by_its_length(tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row("1", Importer_ID="A" * 5_242_880), kcs_row("2")])
    outcome = read(path, "kcs")
    assert [v.declaration.declaration_id for v in outcome.valid] == ["2"]
    assert outcome.problems == [
        "row 2: Importer ID: is too long (5,242,880 characters, at most 35)"
    ]


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
def test_non_finite_numbers_are_rejected(tmp_path, value):
    path = write_kcs(tmp_path / "k.csv", [kcs_row(Net_Mass=value)])
    assert read(path, "kcs").problems == ["row 2: Net Mass: must be a finite number"]


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "<script>alert(1)</script>", "'; DROP TABLE x; --", "{{7*7}}"],
)
def test_injection_strings_in_codes_are_refused_by_their_pattern(tmp_path, text):
    path = write_kcs(tmp_path / "k.csv", [kcs_row(Importer_ID=text)])
    assert read(path, "kcs").problems == [
        "row 2: Importer ID: may contain only letters, digits and . _ - characters"
    ]


def test_duplicate_ids_inside_one_file_are_all_read_for_the_store_to_judge(tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row("1"), kcs_row("1"), kcs_row("1", Office_ID="40")])
    hashes = [v.content_hash for v in read(path, "kcs").valid]
    assert hashes[0] == hashes[1] != hashes[2]
