"""Nomenclature editions an administration loads: checked row by row, kept whole or not at
all, and the later edition in force wins (a national tariff over HS 2022)."""

from __future__ import annotations

from datetime import date

import pytest

from portcullis.engine.nomenclature_files import (
    EditionSpec,
    NomenclatureError,
    keep_edition,
    kept_editions,
)
from portcullis.engine.reference import Nomenclature, nomenclature, shipped_hs2022

HSK = EditionSpec("KR-HSK-24", "HSK 2024", date(2024, 1, 1), None)
ROWS = (
    "hscode,description,level\n"
    "09,Coffee tea mate and spices,2\n0901,Coffee,4\n090121,Coffee roasted not decaffeinated,6\n"
    "0901211000,In beans,10\n0901212000,Ground,10\n"
)


def test_hs2022_ships_with_the_product() -> None:
    edition = shipped_hs2022()
    assert (edition.code, edition.valid_from, edition.valid_to) == (
        "HS2022",
        date(2022, 1, 1),
        None,
    )
    assert sum(e.level == 6 for e in edition.entries.values()) == 5_612  # 999999 is not HS
    assert edition.subheading("0901211000").description.startswith("Coffee")
    assert edition.sections["I"]


def test_a_national_tariff_is_kept_and_wins_over_the_edition_it_subdivides(tmp_path) -> None:
    source = tmp_path / "hsk.csv"
    source.write_text(ROWS, encoding="utf-8")
    folder = tmp_path / "nomenclature"
    kept = keep_edition(folder, HSK, source)
    assert [row["parent"] for row in kept.codes] == ["", "09", "0901", "090121", "090121"]
    (again,) = kept_editions(folder)
    assert again.spec == HSK
    assert (folder / "KR-HSK-24" / "harmonized-system.csv").stat().st_mode & 0o077 == 0
    from portcullis.engine.reference import _kept

    both = Nomenclature((shipped_hs2022(), _kept(again)))
    assert both.edition_on(date(2023, 6, 1)).code == "HS2022"
    assert both.edition_on(date(2024, 6, 1)).code == "KR-HSK-24"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("code,description\n09,x\n", "the header lacks hscode, level"),
        ("hscode,description,level\n0901a,x,4\n", "line 2: hscode '0901a' is not 2 to 10 digits"),
        ("hscode,description,level\n0901,x,6\n", "line 2: level '6' must be the code's length"),
        ("hscode,description,level\n0901,,4\n", "line 2: description is empty"),
        (
            "hscode,description,level\n090121,a,6\n090121,b,6\n",
            "line 3: hscode 090121 appears twice",
        ),
        ("hscode,description,level\n0901,Coffee,4\n", "no six-digit subheading in it"),
    ],
)
def test_a_bad_file_is_refused_naming_the_row_and_field_and_nothing_is_kept(
    tmp_path, text: str, words: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(NomenclatureError, match=words.replace("(", r"\(")):
        keep_edition(tmp_path / "nomenclature", HSK, source)
    assert kept_editions(tmp_path / "nomenclature") == []


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (EditionSpec("hs", "x", date(2024, 1, 1), None), "a code is 2 to 10 capitals"),
        (EditionSpec("HSK", "", date(2024, 1, 1), None), "a name is 1 to 40"),
        (EditionSpec("HSK", "x", date(2024, 1, 1), date(2023, 1, 1)), "valid_to is before"),
    ],
)
def test_an_edition_is_named_and_dated_sensibly(tmp_path, spec: EditionSpec, words: str) -> None:
    source = tmp_path / "hsk.csv"
    source.write_text(ROWS, encoding="utf-8")
    with pytest.raises(NomenclatureError, match=words):
        keep_edition(tmp_path, spec, source)


def test_the_tests_load_hs2017_from_shared_as_an_administration_would() -> None:
    edition = nomenclature().edition("HS2017")
    assert (edition.valid_from, edition.valid_to) == (date(2017, 1, 1), date(2021, 12, 31))
    assert sum(e.level == 6 for e in edition.entries.values()) == 5_387
