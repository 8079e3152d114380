"""`portcullis import`: one clear line per problem, never a traceback, good rows stored."""

import gzip
import json
import sqlite3

import pytest

from tests.builders import declaration, kcs_row, kcs_text, write_kcs


def stored_ids(portcullis) -> set[str]:
    with sqlite3.connect(portcullis.data_dir / "portcullis.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT declaration_id FROM declarations_declaration")}


def test_a_good_file_is_imported_once_and_a_second_time_adds_nothing(portcullis, tmp_path):
    path = write_kcs(tmp_path / "good.csv", [kcs_row("C-1"), kcs_row("C-2")])
    first = portcullis("import", str(path), "--format", "kcs")
    assert first.code == 0, first.text
    assert "good.csv: 2 declarations read; 2 stored, 0 already stored" in first.out
    again = portcullis("import", str(path), "--format", "kcs")
    assert again.code == 0
    assert "0 stored, 2 already stored" in again.out
    assert "Nothing new: every declaration in the file was already stored." in again.out


def test_a_mixed_file_stores_good_rows_reports_bad_ones_and_exits_3(portcullis, tmp_path):
    rows = [kcs_row("M-1"), kcs_row("M-2", Date="2020-02-30"), kcs_row("M-3")]
    result = portcullis("import", str(write_kcs(tmp_path / "mixed.csv", rows)), "--format", "kcs")
    assert result.code == 3
    assert (
        "row 3 (declaration M-2): Date '2020-02-30' must be an ISO 8601 date or date-time"
        in result.out
    )
    assert "2 stored, 0 already stored, 0 conflicts, 1 rejected" in result.out
    assert "Rejected records are listed in" in result.out
    assert {"M-1", "M-3"} <= stored_ids(portcullis)
    assert "M-2" not in stored_ids(portcullis)


def _truncated(tmp_path):
    text = kcs_text([kcs_row("T-1"), kcs_row("T-2")])
    (tmp_path / "f.csv").write_text(text[: len(text) - 60])
    return "f.csv", [
        "row 3 (declaration T-2): has 9 fields where the header has 22 (a truncated row?)"
    ]


def _missing_columns(tmp_path):
    text = kcs_text([kcs_row("X-1")]).replace(",Fraud,Critical Fraud", "", 1)
    (tmp_path / "f.csv").write_text(text)
    return "f.csv", ["CommandError: f.csv: missing columns: Fraud, Critical Fraud"]


def _wrong_encoding(tmp_path):
    data = kcs_text([kcs_row("E-1"), kcs_row("E-2", Seller_ID="SELLÉ")]).encode("latin-1")
    (tmp_path / "f.csv").write_bytes(data)
    return "f.csv", [
        "row 3 (declaration E-2): Seller ID 'SELL\\udcc9' is not valid text in the file's "
        "encoding (is the file UTF-8? see --encoding)"
    ]


def _bom_and_crlf(tmp_path):
    text = kcs_text([kcs_row("B-1"), kcs_row("B-2")], newline="\r\n")
    (tmp_path / "f.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    return "f.csv", ["f.csv: 2 declarations read; 2 stored"]


def _empty(tmp_path):
    (tmp_path / "f.csv").write_bytes(b"")
    return "f.csv", ["CommandError: f.csv: the file is empty"]


def _binary(tmp_path):
    (tmp_path / "f.csv").write_bytes(bytes(range(256)) * 64)
    return "f.csv", [
        "CommandError: f.csv: this is not a text file: it contains binary data (a NUL byte at offset 0)"
    ]


def _huge_field(tmp_path):
    write_kcs(tmp_path / "f.csv", [kcs_row("H-1", Importer_ID="Z" * 5_242_880), kcs_row("H-2")])
    return "f.csv", [
        "row 2 (declaration H-1): Importer ID 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ… "
        "(5,242,880 characters)' is too long (5,242,880 characters, at most 35)"
    ]


def _nan_inf(tmp_path):
    write_kcs(
        tmp_path / "f.csv", [kcs_row("N-1", Net_Mass="NaN"), kcs_row("N-2", Item_Price="inf")]
    )
    return "f.csv", [
        "row 2 (declaration N-1): Net Mass 'NaN' must be a finite number",
        "row 3 (declaration N-2): Item Price 'inf' must be a finite number",
    ]


def _injection(tmp_path):
    write_kcs(tmp_path / "f.csv", [kcs_row("I-1", Importer_ID="=cmd|'/c calc'!A1\x1b[31m")])
    return "f.csv", [
        "row 2 (declaration I-1): Importer ID '=cmd|'/c calc'!A1\\x1b[31m' may contain only "
        "letters, digits and . _ - characters"
    ]


def _duplicate_ids(tmp_path):
    write_kcs(tmp_path / "f.csv", [kcs_row("D-1"), kcs_row("D-1"), kcs_row("D-1", Office_ID="99")])
    return "f.csv", [
        "row 3: declaration D-1 repeats row 2 (identical); stored once",
        "row 4 (declaration D-1): conflicts with row 2 of this file under the same id "
        "(differs in: Office ID); not stored: send an amendment to change a declaration",
    ]


def _broken_json(tmp_path):
    (tmp_path / "f.json").write_text('[{"declaration_id": "J-1",')
    return "f.json", ["CommandError: f.json: the file is not valid JSON: Expecting property name"]


def _cut_gzip(tmp_path):
    data = gzip.compress(kcs_text([kcs_row(f"G-{n}") for n in range(3000)]).encode())
    (tmp_path / "f.csv.gz").write_bytes(data[: len(data) * 3 // 4])
    return "f.csv.gz", ["CommandError: f.csv.gz: the file is damaged or cut short"]


CASES = {
    "truncated rows": _truncated,
    "missing columns": _missing_columns,
    "wrong encoding": _wrong_encoding,
    "BOM and CRLF": _bom_and_crlf,
    "empty file": _empty,
    "binary garbage": _binary,
    "5-MB field": _huge_field,
    "NaN and inf": _nan_inf,
    "injection strings": _injection,
    "duplicate ids": _duplicate_ids,
    "broken JSON": _broken_json,
    "gzip cut short": _cut_gzip,
}


@pytest.mark.parametrize("case", CASES)
def test_malformed_files_get_one_clear_line_per_problem_and_no_traceback(
    portcullis, tmp_path, case
):
    name, expected = CASES[case](tmp_path)
    fmt = "json" if name.endswith(".json") else "kcs"
    result = portcullis("import", str(tmp_path / name), "--format", fmt)
    assert "Traceback" not in result.text
    for line in expected:
        assert any(got.startswith(line) for got in result.text.splitlines()), (line, result.text)
    assert result.code in (0, 1, 3)


def test_an_unreachable_database_is_one_line_with_a_log_file(portcullis, tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row()])
    result = portcullis(
        "import", str(path), "--format", "kcs",
        env={"DATABASE_URL": "postgres://nobody:secret-pw@127.0.0.1:9/nothing"},
    )  # fmt: skip
    assert result.code == 1
    assert "Traceback" not in result.text
    assert "secret-pw" not in result.text  # no connection string, no password
    [line] = [line for line in result.err.splitlines() if line]
    assert line.startswith("CommandError: the database cannot be reached (connection failed:")


def test_a_database_that_was_never_set_up_says_how_to_set_it_up(portcullis, tmp_path):
    path = write_kcs(tmp_path / "k.csv", [kcs_row()])
    result = portcullis(
        "import", str(path), "--format", "kcs", env={"PORTCULLIS_DATA_DIR": str(tmp_path / "new")}
    )
    assert result.code == 1
    assert result.err.strip() == (
        "CommandError: the database is not set up (or not up to date): run `portcullis migrate` "
        "first, or `portcullis demo` for a demonstration"
    )


def test_the_format_is_taken_from_the_file_name_when_not_given(portcullis, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([declaration("FMT-1")]))
    result = portcullis("import", str(path))
    assert result.code == 0, result.text
    assert "1 stored" in result.out


@pytest.mark.slow
def test_an_import_killed_halfway_is_marked_interrupted_and_the_file_completes_it(
    fresh_portcullis, tmp_path
):
    import signal
    import subprocess
    import sys
    import time

    rows = [kcs_row(f"K-{n}", Importer_ID=f"IMP{n % 50}") for n in range(20_000)]
    path = write_kcs(tmp_path / "big.csv", rows)
    database = fresh_portcullis.data_dir / "portcullis.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "portcullis", "import", str(path), "--format", "kcs"],
        env=fresh_portcullis.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = 0
    for _ in range(600):  # until its first chunk is committed
        with sqlite3.connect(database) as db:
            stored = db.execute("SELECT count(*) FROM declarations_declaration").fetchone()[0]
        if stored or process.poll() is not None:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)  # no chance to say anything
    process.wait()
    assert 0 < stored < 20_000, stored
    again = fresh_portcullis("import", str(path), "--format", "kcs")
    assert again.code == 0, again.text
    with sqlite3.connect(database) as db:
        batches = db.execute(
            "SELECT status, message FROM declarations_importbatch ORDER BY id"
        ).fetchall()
        count = db.execute("SELECT count(*) FROM declarations_declaration").fetchone()[0]
    assert [status for status, _ in batches] == ["interrupted", "completed"]
    assert "importing the file again completes it" in batches[0][1]
    assert count == 20_000  # each declaration once
