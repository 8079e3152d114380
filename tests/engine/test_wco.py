"""WCO Data Model goods declarations, read from the 70 real UK messages in ../shared: each
one is read with all its goods items or refused in one line naming the element; hostile XML
is refused before anything of it is used."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from portcullis.engine.checking import Accepted, check_file
from portcullis.engine.formats import ReadProblem, SourceRecord, WcoIntake, guess_format
from portcullis.engine.formats.wco import read_message
from portcullis.engine.validation import ValidationContext, validate_declaration
from tests.builders import WCO_SAMPLES, WCO_SCHEMAS

pytestmark = pytest.mark.skipif(not WCO_SAMPLES.is_dir(), reason="../shared is not beside")
_DEC = b"urn:wco:datamodel:WCO:DEC-DMS:2"
RECEIVED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _goods_items(path: Path) -> int:
    root = etree.parse(str(path)).getroot()
    return len(root.findall(f".//{{{_DEC.decode()}}}GovernmentAgencyGoodsItem"))


def _checked(folder: Path, **intake) -> list:
    found = []
    for chunk in check_file(folder, "wco", None, ValidationContext(), 50, WcoIntake(**intake)):
        found.extend(chunk.records)
    return found


def test_every_sample_is_read_with_all_its_items_or_refused_in_one_line_naming_the_element():
    samples = sorted(WCO_SAMPLES.glob("*.xml"))
    assert len(samples) == 70
    checked = _checked(WCO_SAMPLES)
    assert len(checked) == 70
    accepted = 0
    for path, result in zip(samples, checked, strict=True):
        if isinstance(result, Accepted):
            accepted += 1
            assert result.record.location == path.name
            assert len(result.valid.declaration.items) == _goods_items(path)
        else:
            (rejection,) = result  # one line
            line = rejection.line()
            assert line.startswith(path.name)
            assert "\n" not in line
            assert "(DE " in line  # the data element, by its number
    assert accepted == 60  # the refusals: no commodity code, no value, HS 2017 codes, 'ZU'


def test_a_message_maps_every_element_the_engine_uses():
    path = WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml"
    read = read_message(path.read_bytes(), path.name, RECEIVED, WcoIntake())
    assert isinstance(read, SourceRecord)
    valid = validate_declaration(read.raw)
    declaration = valid.declaration
    assert declaration.declaration_id == "7849431OU9IZ"  # FunctionalReferenceID, DE 2/5
    assert declaration.lodged_at == datetime(2024, 3, 12, 9, 53, 54, tzinfo=UTC)  # +01
    assert (declaration.office, declaration.process_type) == ("GBBEL004", "IMZ")
    assert (declaration.procedure, declaration.transport_mode) == ("4071", "1")
    assert (declaration.declarant, declaration.importer) == ("GB603202734852", "GB553202734852")
    assert declaration.country_of_departure == "US"
    # The exporter is named but has no id (DE 3/1 without 3/2): a name, not a trader code.
    assert (declaration.seller, declaration.seller_name) == (None, "Chicago Cocoa Company")
    (item,) = declaration.items
    assert (item.line_no, item.hs_code, item.additional_codes) == (1, "1804000000", "VATZ")
    assert item.description == "Cocoa Butter-fat and oil"
    assert (item.origin_country, item.origin_indicator) == ("BR", "100")
    assert (str(item.net_mass_kg), str(item.customs_value), item.currency) == (
        "10.000", "1000.00", "GBP"
    )  # fmt: skip
    assert declaration.filled_in == {}


def test_what_a_message_leaves_out_is_filled_in_and_said_and_the_same_message_hashes_the_same():
    path = WCO_SAMPLES / "tt_im001b-tt_im001b.xml"
    first = read_message(path.read_bytes(), path.name, RECEIVED, WcoIntake(office="LHR"))
    later = read_message(path.read_bytes(), path.name, datetime.now(UTC), WcoIntake(office="LHR"))
    one, two = validate_declaration(first.raw), validate_declaration(later.raw)
    assert one.declaration.office == "LHR"
    assert one.declaration.lodged_at == RECEIVED
    assert one.declaration.filled_in == {
        "lodged_at": "the time received, 2026-12-01T09:30:00+00:00: the message has no "
        "AcceptanceDateTime",
        "office": "the default office LHR: the message has no SupervisingOffice",
    }
    assert one.content_hash == two.content_hash  # sent again later: unchanged, not a conflict


def test_the_seller_is_named_before_the_exporter_and_a_named_importer_keeps_its_name():
    path = WCO_SAMPLES / "tt_im080a-tt_im080a.xml"
    read = read_message(path.read_bytes(), path.name, RECEIVED, WcoIntake())
    assert isinstance(read, SourceRecord)
    declaration = validate_declaration(read.raw).declaration
    assert declaration.seller_name == "Mr A Clipper"  # Seller/Name (DE 3/24)
    message = path.read_bytes().replace(
        b"<Importer>\n\t\t\t\t<ID>GB553202734852</ID>",
        b"<Importer>\n\t\t\t\t<Name>  Clipper   Imports Ltd </Name><ID>GB553202734852</ID>",
        1,
    )
    read = read_message(message, path.name, RECEIVED, WcoIntake())
    assert isinstance(read, SourceRecord)
    named = validate_declaration(read.raw).declaration
    assert (named.importer, named.importer_name) == ("GB553202734852", "Clipper Imports Ltd")
    assert named.declarant_name is None


def test_an_exchange_rate_and_a_gross_mass_are_taken_and_the_gross_mass_is_said(tmp_path):
    message = (WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml").read_bytes()
    message = message.replace(b"<NetNetWeightMeasure>10</NetNetWeightMeasure>", b"")
    message = message.replace(
        b"<FunctionCode>9</FunctionCode>",
        b"<CurrencyExchange><CurrencyTypeCode>USD</CurrencyTypeCode>"
        b"<RateNumeric>0.79123</RateNumeric></CurrencyExchange><FunctionCode>9</FunctionCode>",
    )
    read = read_message(message, "message", RECEIVED, WcoIntake())
    declaration = validate_declaration(read.raw).declaration
    assert str(declaration.exchange_rate) == "0.791230"
    assert str(declaration.items[0].net_mass_kg) == "15.000"
    assert "gross mass" in declaration.filled_in["items[0].net_mass_kg"]


_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionalReferenceID>&lol3;</FunctionalReferenceID></Declaration>"""
_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><FunctionalReferenceID>&xxe;</FunctionalReferenceID></Declaration>"""


@pytest.mark.parametrize(
    ("message", "refusal"),
    [
        (_LAUGHS, "has a document type declaration (<!DOCTYPE>), which is not accepted"),
        (_XXE, "has a document type declaration (<!DOCTYPE>), which is not accepted"),
        (b'<?xml version="1.0"?><Declaration xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><Func',
         "is not well-formed XML"),
        (b"<a>" * 40 + b"</a>" * 40, "nests elements more than 32 deep"),
        (b"<a>" + b" " * (9 * 1024 * 1024) + b"</a>", "bytes; a declaration message may have"),
        (b"<Declaration><FunctionalReferenceID>1</FunctionalReferenceID></Declaration>",
         "this is not a WCO goods declaration"),
        (b"", "is empty"),
    ],
)  # fmt: skip
def test_hostile_or_broken_xml_is_refused_in_one_line(message, refusal):
    read = read_message(message, "message", RECEIVED, WcoIntake())
    assert isinstance(read, ReadProblem)
    (problem,) = read.problems
    assert refusal in f"{problem.field} {problem.message}"
    assert "\n" not in problem.message
    assert "root:" not in problem.message  # nothing of /etc/passwd


def test_a_truncated_sample_is_refused_and_the_rest_of_the_folder_is_read(tmp_path):
    good = WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml"
    (tmp_path / "a.xml").write_bytes(good.read_bytes()[:3000])
    (tmp_path / "b.xml").write_bytes(good.read_bytes())
    first, second = _checked(tmp_path)
    (rejection,) = first
    assert rejection.line().startswith("a.xml: the message is not well-formed XML")
    assert isinstance(second, Accepted)


def test_a_folder_of_messages_is_recognised_by_its_namespace(tmp_path):
    assert guess_format(WCO_SAMPLES) == "wco"
    assert guess_format(WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml") == "wco"
    (tmp_path / "other.xml").write_text("<a/>")
    assert guess_format(tmp_path / "other.xml") == "csv"  # then refused as not a CSV


@pytest.mark.skipif(not WCO_SCHEMAS.is_dir(), reason="no schemas")
def test_the_schema_check_passes_the_samples_and_names_the_line_that_breaks_it(tmp_path):
    checked = _checked(WCO_SAMPLES, schemas=WCO_SCHEMAS)
    assert sum(isinstance(result, Accepted) for result in checked) == 60
    broken = (WCO_SAMPLES / "tt_im002a-step1_tt_im002a.xml").read_bytes()
    broken = broken.replace(b"<TypeCode>IMZ</TypeCode>", b"<TypeCode>IMZ</TypeCode><Bogus/>")
    (tmp_path / "broken.xml").write_bytes(broken)
    ((rejection,),) = _checked(tmp_path, schemas=WCO_SCHEMAS)
    assert rejection.line().startswith("broken.xml: the message breaks the DEC-DMS schema at line")
    assert "Bogus" in rejection.line()
