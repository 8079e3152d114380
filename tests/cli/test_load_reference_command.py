"""`portcullis load_reference FILE`: what it asks for, said in one line."""

from __future__ import annotations


def test_the_command_needs_an_edition_and_a_date_with_a_file(portcullis, tmp_path):
    source = tmp_path / "hsk.csv"
    source.write_text("hscode,description,level\n", encoding="utf-8")
    result = portcullis("load_reference", str(source))
    assert result.code != 0
    assert "a FILE needs --edition and --valid-from" in result.text
