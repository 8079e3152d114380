"""Importing files into the database: stored once, bad records reported, nothing lost."""

import csv
import gzip

import pytest

from portcullis.engine.canonical import content_hash
from portcullis.web.declarations.models import Declaration, ImportBatch, Item
from portcullis.web.declarations.stored import stored_declaration
from portcullis.web.inspections.models import Inspection
from portcullis.web.reference.models import Office
from portcullis.web.traders.models import Trader
from tests.builders import declaration, first_kcs_rows, kcs_row, kcs_text, write_json, write_kcs

pytestmark = pytest.mark.django_db


def test_a_kcs_file_is_stored_with_traders_offices_and_outcomes(tmp_path, run_import):
    path = write_kcs(
        tmp_path / "k.csv",
        [kcs_row("1"), kcs_row("2", Fraud="1", Critical_Fraud="2", Courier_ID="CUR001")],
    )
    imported = run_import(path)
    batch = imported.batch
    assert (batch.status, batch.records, batch.stored, batch.rejected) == ("completed", 2, 2, 0)
    assert imported.lines == []
    stored = Declaration.objects.select_related("importer", "courier", "office").get(
        declaration_id="2"
    )
    assert (stored.importer.role, stored.importer.code) == ("importer", "IMP0001")
    assert (stored.courier.role, stored.courier.code) == ("courier", "CUR001")
    assert stored.office.code == "30"
    assert stored.hs_edition == "HS2017"
    assert stored.batch == batch
    assert Item.objects.get(declaration=stored).hs_code == "440890"
    inspection = Inspection.objects.get(declaration=stored)
    assert (inspection.finding, inspection.critical, inspection.source) == (True, True, "imported")
    assert Trader.objects.filter(code="IMP0001").count() == 1  # one trader, two declarations
    assert Office.objects.count() == 1


def test_what_is_stored_reads_back_to_the_same_content_hash(tmp_path, run_import):
    path = tmp_path / "head.csv"
    path.write_text(first_kcs_rows(300), encoding="utf-8")
    run_import(path)
    json_path = write_json(
        tmp_path / "d.json",
        [declaration("J1", items=[*declaration()["items"], {**declaration()["items"][0], "description": None, "quantity": "2", "quantity_unit": "PCE"}]),
         declaration("J2", outcome={"finding": True, "finding_type": "origin", "notes": "line 1\nline 2"})],
    )  # fmt: skip
    run_import(json_path, "json")
    for row in Declaration.objects.all():
        assert content_hash(stored_declaration(row.pk)) == row.content_hash, row.declaration_id


def test_importing_the_same_file_again_adds_nothing_and_says_so(tmp_path, run_import):
    path = write_kcs(tmp_path / "k.csv", [kcs_row("1"), kcs_row("2")])
    run_import(path)
    again = run_import(path)
    assert (again.batch.stored, again.batch.unchanged, again.batch.conflicts) == (0, 2, 0)
    assert (
        "Nothing new: every declaration in the file was already stored." in again.result.summary()
    )
    assert Declaration.objects.count() == 2
    assert Inspection.objects.count() == 2


def test_different_content_under_a_stored_id_is_a_conflict_never_an_overwrite(tmp_path, run_import):
    run_import(write_kcs(tmp_path / "a.csv", [kcs_row("1")]))
    changed = run_import(
        write_kcs(tmp_path / "b.csv", [kcs_row("1", Office_ID="40", Item_Price="10")])
    )
    assert (changed.batch.stored, changed.batch.conflicts) == (0, 1)
    assert changed.lines == [
        "row 2 (declaration 1): conflicts with the declaration already stored under the same id "
        "(differs in: Item Price, Office ID); not stored: send an amendment to change a declaration"
    ]
    assert Declaration.objects.get(declaration_id="1").office.code == "30"


def test_a_mixed_file_stores_the_good_rows_and_reports_the_bad(tmp_path, run_import):
    rows = [
        kcs_row("1"),
        kcs_row("2", HS6_Code="999999"),
        kcs_row("3", Country_of_Origin="XX", Net_Mass="-1"),
        kcs_row("4"),
    ]
    text = kcs_text(rows) + "5,2020-01-01,30\n"
    (tmp_path / "k.csv").write_text(text)
    imported = run_import(tmp_path / "k.csv")
    assert sorted(Declaration.objects.values_list("declaration_id", flat=True)) == ["1", "4"]
    assert (imported.batch.records, imported.batch.stored, imported.batch.rejected) == (5, 2, 3)
    assert imported.lines == [
        "row 3 (declaration 2): HS6 Code '999999' is not a subheading of HS 2017, in force on 2020-03-02",
        "row 4 (declaration 3): Country of Origin 'XX' is not an ISO 3166 country code (ZZ means unknown)",
        "row 4 (declaration 3): Net Mass '-1' must not be negative",
        "row 6 (declaration 5): has 3 fields where the header has 22 (a truncated row?)",
    ]
    with open(imported.batch.rejects_file, newline="", encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["location"], r["declaration_id"], r["field"]) for r in rejects] == [
        ("row 3", "2", "HS6 Code"),
        ("row 4", "3", "Country of Origin"),
        ("row 4", "3", "Net Mass"),
        ("row 6", "5", ""),
    ]


def test_duplicate_ids_inside_one_file_are_stored_once_or_reported(tmp_path, run_import):
    rows = [kcs_row("1"), kcs_row("2"), kcs_row("1"), kcs_row("1", Office_ID="40")]
    imported = run_import(write_kcs(tmp_path / "k.csv", rows))
    batch = imported.batch
    assert (batch.stored, batch.unchanged, batch.conflicts) == (2, 1, 1)
    assert imported.lines == [
        "row 4: declaration 1 repeats row 2 (identical); stored once",
        "row 5 (declaration 1): conflicts with row 2 of this file under the same id "
        "(differs in: Office ID); not stored: send an amendment to change a declaration",
    ]
    assert Declaration.objects.filter(declaration_id="1").count() == 1


def test_duplicates_are_recognised_across_chunks(tmp_path, run_import, monkeypatch):
    monkeypatch.setattr("portcullis.web.usecases.importing.CHUNK", 2)
    rows = [kcs_row("1"), kcs_row("2"), kcs_row("3"), kcs_row("1")]
    imported = run_import(write_kcs(tmp_path / "k.csv", rows))
    assert (imported.batch.stored, imported.batch.unchanged) == (3, 1)
    assert imported.lines == ["row 5: declaration 1 repeats row 2 (identical); stored once"]


def test_a_file_cut_short_keeps_what_was_read_before_the_break(tmp_path, run_import):
    data = gzip.compress(kcs_text([kcs_row(str(n)) for n in range(1, 400)]).encode())
    (tmp_path / "k.csv.gz").write_bytes(data[: len(data) // 2])
    imported = run_import(tmp_path / "k.csv.gz")
    assert imported.batch.status == ImportBatch.Status.FAILED
    assert imported.batch.message == (
        "the file is damaged or cut short "
        "(Compressed file ended before the end-of-stream marker was reached)"
    )
    assert imported.batch.stored == Declaration.objects.count() > 0


def test_a_file_that_cannot_be_read_fails_the_batch_with_one_message(tmp_path, run_import):
    (tmp_path / "k.csv").write_bytes(b"")
    imported = run_import(tmp_path / "k.csv")
    assert (imported.batch.status, imported.batch.message) == ("failed", "the file is empty")
    assert Declaration.objects.count() == 0


def test_injection_strings_are_stored_as_plain_text(tmp_path, run_import):
    text = '=HYPERLINK("http://evil","x") <script>alert(1)</script> \'; DROP TABLE x; --'
    items = [{**declaration()["items"][0], "description": text}]
    run_import(write_json(tmp_path / "d.json", [declaration("A", items=items)]), "json")
    assert Item.objects.get().description == text


def test_rejects_files_do_not_turn_text_into_spreadsheet_formulas(tmp_path, run_import):
    items = [{**declaration()["items"][0], "hs_code": "=1+2"}]
    imported = run_import(write_json(tmp_path / "d.json", [declaration("A", items=items)]), "json")
    with open(imported.batch.rejects_file, newline="", encoding="utf-8") as handle:
        [reject] = list(csv.DictReader(handle))
    assert reject["value"] == "'=1+2"
