"""Loading a national tariff: `portcullis load_reference FILE` keeps it, the reference tables
hold its lines, and declarations lodged while it is in force are validated against it."""

from __future__ import annotations

from datetime import date

import pytest

from portcullis.engine.nomenclature_files import EditionSpec
from portcullis.engine.reference import forget_nomenclature
from portcullis.web.audit.models import AuditEvent
from portcullis.web.declarations.models import Declaration
from portcullis.web.errors import Invalid
from portcullis.web.reference.models import HsCode, HsEdition
from portcullis.web.usecases import reference
from portcullis.web.usecases.actor import Actor
from tests.builders import declaration
from tests.web.acting import lodge

pytestmark = pytest.mark.django_db

HSK = EditionSpec("KR-HSK-26", "HSK 2026", date(2026, 1, 1), None)


@pytest.fixture
def folder(settings, tmp_path, monkeypatch):
    """A nomenclature folder of the test's own (the session's holds HS 2017)."""
    target = tmp_path / "nomenclature"
    settings.PORTCULLIS_NOMENCLATURE_DIR = target
    monkeypatch.setenv("PORTCULLIS_NOMENCLATURE_DIR", str(target))
    forget_nomenclature()
    yield target
    forget_nomenclature()


def test_a_national_tariff_is_loaded_kept_and_validated_against(folder, tmp_path):
    source = tmp_path / "hsk.csv"
    source.write_text(
        "hscode,description,level\n09,Coffee,2\n0901,Coffee,4\n090121,Roasted,6\n"
        "0901211000,Roasted in beans,10\n",
        encoding="utf-8",
    )
    counts = reference.load_nomenclature(Actor.system(), source, HSK)
    assert counts.editions == 2  # HS 2022 as shipped, and the tariff
    assert HsEdition.objects.get(code="KR-HSK-26").name == "HSK 2026"
    line = HsCode.objects.get(edition__code="KR-HSK-26", code="0901211000")
    assert (line.level, line.parent) == (10, "090121")
    assert AuditEvent.objects.filter(action="reference.load_nomenclature").exists()
    assert (folder / "KR-HSK-26" / "edition.toml").exists()

    item = {"line_no": 1, "hs_code": "0901211000", "origin_country": "BR",
            "net_mass_kg": "60", "customs_value": "90000", "currency": "KRW"}  # fmt: skip
    (coffee,) = lodge(declaration("HSK-1", lodged_at="2026-02-02T10:00:00+09:00", items=[item]))
    assert coffee.status.value != "rejected", coffee.problems
    assert Declaration.objects.get(declaration_id="HSK-1").hs_edition == "KR-HSK-26"
    (car,) = lodge(declaration("HSK-2", lodged_at="2026-02-02T10:00:00+09:00"))
    assert car.status.value == "rejected"
    assert "is not a subheading of HSK 2026" in car.problems[0].message


def test_a_bad_file_is_refused_in_one_line_and_the_tables_stay(folder, tmp_path):
    source = tmp_path / "hsk.csv"
    source.write_text("hscode,description,level\n0901a,x,4\n", encoding="utf-8")
    with pytest.raises(Invalid, match=r"hsk.csv line 2: hscode '0901a' is not 2 to 10 digits"):
        reference.load_nomenclature(Actor.system(), source, HSK)
    assert not HsEdition.objects.filter(code="KR-HSK-26").exists()
    assert not folder.exists() or not any(folder.iterdir())
