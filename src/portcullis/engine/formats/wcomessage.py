"""One WCO Data Model goods declaration (DEC-DMS, the EU's and the UK's customisation
included) turned into a canonical declaration record: where each field comes from is in
docs/formats.md, with the data element numbers (DE, as the EU UCC and the UK number them).

What the message leaves out is filled in by a stated default and named in the record's
``filled_in`` (stored with the declaration and shown on its page), never guessed silently;
what cannot be filled in is a one-line problem naming the element."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

DEC = "urn:wco:datamodel:WCO:DEC-DMS:2"
METADATA = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
_DS = "urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
_NS = {"d": DEC, "ds": _DS}
_KG = ("KGM", "")  # a mass without a unit code is in kilograms (the DM's default)

# Canonical field (without index) -> the element as the message names it, for messages.
COLUMNS = {
    "declaration_id": "FunctionalReferenceID (DE 2/5)",
    "lodged_at": "AcceptanceDateTime",
    "office": "SupervisingOffice/ID (DE 5/27)",
    "procedure": "GovernmentProcedure (DE 1/10)",
    "process_type": "TypeCode (DE 1/1, 1/2)",
    "transport_mode": "BorderTransportMeans/ModeCode (DE 7/4)",
    "declarant": "Declarant/ID (DE 3/18)",
    "importer": "Importer/ID (DE 3/16)",
    "seller": "Seller/ID or Exporter/ID (DE 3/25, 3/2)",
    "importer_name": "Importer/Name (DE 3/15)",
    "declarant_name": "Declarant/Name (DE 3/17)",
    "seller_name": "Seller/Name or Exporter/Name (DE 3/24, 3/1)",
    "country_of_departure": "ExportCountry/ID (DE 5/14)",
    "exchange_rate": "CurrencyExchange/RateNumeric (DE 4/15)",
    "items": "GovernmentAgencyGoodsItem",
    "items.line_no": "SequenceNumeric (DE 1/6)",
    "items.hs_code": "Commodity/Classification TSP and TRC (DE 6/14, 6/15)",
    "items.additional_codes": "Commodity/Classification TRA and GN (DE 6/16, 6/17)",
    "items.description": "Commodity/Description (DE 6/8)",
    "items.origin_country": "Origin/CountryCode (DE 5/15)",
    "items.origin_indicator": "DutyTaxFee/DutyRegimeCode (DE 4/17)",
    "items.net_mass_kg": "GoodsMeasure/NetNetWeightMeasure (DE 6/1)",
    "items.quantity": "GoodsMeasure/TariffQuantity (DE 6/2)",
    "items.quantity_unit": "TariffQuantity@unitCode (DE 6/2)",
    "items.customs_value": "InvoiceLine/ItemChargeAmount (DE 4/14)",
    "items.currency": "ItemChargeAmount@currencyID (DE 4/14)",
    "items.tax_type": "DutyTaxFee/TypeCode (DE 4/3)",
}


@dataclass(frozen=True)
class WcoIntake:
    """How messages are taken in: what fills a gap (PORTCULLIS_DEFAULT_OFFICE), and the
    folder of XSDs to check each message against first, if any."""

    office: str = "HQ"
    schemas: Path | None = None


class MessageProblem(ValueError):
    """The message cannot be a declaration: ``element`` names where, the text says why."""

    def __init__(self, element: str, message: str, declaration_id: str | None = None) -> None:
        super().__init__(f"{element} {message}")
        self.element, self.message, self.declaration_id = element, message, declaration_id


def find_declaration(root: etree._Element) -> etree._Element:
    """The DEC-DMS Declaration element: the root, inside the WCO MetaData wrapper, or inside
    an envelope (the UK's submitDeclarationRequest)."""
    if root.tag == f"{{{DEC}}}Declaration":
        return root
    found = next(root.iter(f"{{{DEC}}}Declaration"), None)
    if found is None:
        raise MessageProblem(
            "Declaration",
            f"is missing: this is not a WCO goods declaration (no Declaration element in "
            f"the namespace {DEC}; the root element is {_local(root.tag)})",
        )
    return found


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else "?"


def _text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path, _NS)
    if found is None or found.text is None or not found.text.strip():
        return None
    return " ".join(found.text.split())


def _amount(element: etree._Element, path: str) -> tuple[str, str | None] | None:
    found = element.find(path, _NS)
    if found is None or not (found.text or "").strip():
        return None
    return found.text.strip(), found.get("currencyID")  # type: ignore[union-attr]


def _timestamp(text: str, element: str) -> str:
    """DM date-times (``formatCode`` 304: CCYYMMDDHHMMSS and a UTC offset in hours, ±ZZ;
    102: CCYYMMDD) as ISO 8601."""
    digits, sign, offset = text, "", ""
    for mark in "+-":
        if mark in text[8:]:
            digits, offset = text.rsplit(mark, 1)
            sign = mark
    try:
        if len(digits) == 8:
            return datetime.strptime(digits, "%Y%m%d").date().isoformat()
        moment = datetime.strptime(digits, "%Y%m%d%H%M%S").isoformat()
    except ValueError:
        raise MessageProblem(
            element, f"'{text[:30]}' is not a date-time (CCYYMMDDHHMMSS±ZZ, format 304)"
        ) from None
    if sign:
        hours = offset[:2].rjust(2, "0")
        minutes = offset[2:4] or "00"
        if not (hours + minutes).isdigit():
            raise MessageProblem(element, f"'{text[:30]}' has an offset that is not ±ZZ")
        moment += f"{sign}{hours}:{minutes}"
    return moment


class _Filled:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def __call__(self, field: str, note: str) -> None:
        self.notes[field] = note


def declaration_record(
    root: etree._Element, received_at: datetime, defaults: WcoIntake
) -> tuple[dict[str, Any], list[str]]:
    """(the canonical record, each goods item's sequence number as the message gives it)."""
    declaration = find_declaration(root)
    reference = _text(declaration, "d:FunctionalReferenceID")
    if reference is None:
        raise MessageProblem(COLUMNS["declaration_id"], "is required: it is the declaration's id")
    filled = _Filled()
    shipment = declaration.find("d:GoodsShipment", _NS)
    if shipment is None:
        raise MessageProblem("GoodsShipment", "is missing: it holds the goods items", reference)
    try:
        record = _header(root, declaration, shipment, received_at, defaults, filled)
        goods = shipment.findall("d:GovernmentAgencyGoodsItem", _NS)
        if not goods:
            raise MessageProblem(COLUMNS["items"], "is missing: a declaration has goods items")
        invoice_currency = _invoice_currency(declaration)
        record["items"] = [
            _item(index, good, invoice_currency, filled) for index, good in enumerate(goods)
        ]
    except MessageProblem as problem:
        problem.declaration_id = reference
        raise
    record["declaration_id"] = reference
    record["procedure"] = _procedure(goods[0])
    if filled.notes:
        record["filled_in"] = filled.notes
    return record, [_text(good, "d:SequenceNumeric") or str(n) for n, good in enumerate(goods, 1)]


def _header(
    root: etree._Element,
    declaration: etree._Element,
    shipment: etree._Element,
    received_at: datetime,
    defaults: WcoIntake,
    filled: Callable[[str, str], None],
) -> dict[str, Any]:
    accepted = _text(declaration, "d:AcceptanceDateTime/ds:DateTimeString")
    if accepted is not None:
        lodged_at = _timestamp(accepted, COLUMNS["lodged_at"])
    else:
        received = _envelope_receipt(root) or received_at.isoformat(timespec="seconds")
        lodged_at = received
        filled("lodged_at", f"the time received, {received}: the message has no AcceptanceDateTime")
    office = _text(declaration, "d:SupervisingOffice/d:ID")
    if office is None:
        office = defaults.office
        filled("office", f"the default office {office}: the message has no SupervisingOffice")
    declarant = _text(declaration, "d:Declarant/d:ID")
    importer = _party(declaration, shipment, "Importer", "ID")
    if importer is None and declarant is not None:
        # The EU and UK rule: DE 3/16 is left out when the declarant imports on its own account.
        importer = declarant
        filled("importer", f"the declarant {declarant}: the message names no Importer (DE 3/16)")
    return {
        "lodged_at": lodged_at,
        "office": office,
        "process_type": _text(declaration, "d:TypeCode"),
        "transport_mode": _text(declaration, "d:BorderTransportMeans/d:ModeCode"),
        "declarant": declarant,
        "importer": importer,
        "seller": _party(declaration, shipment, "Seller", "ID")
        or _party(declaration, shipment, "Exporter", "ID"),
        "importer_name": _party(declaration, shipment, "Importer", "Name"),
        "declarant_name": _text(declaration, "d:Declarant/d:Name"),
        "seller_name": _party(declaration, shipment, "Seller", "Name")
        or _party(declaration, shipment, "Exporter", "Name"),
        "country_of_departure": _text(shipment, "d:ExportCountry/d:ID"),
        "exchange_rate": _text(declaration, "d:CurrencyExchange/d:RateNumeric"),
    }


def _party(
    declaration: etree._Element, shipment: etree._Element, role: str, part: str
) -> str | None:
    """A party's ID or Name: on the goods shipment, where the DM puts most parties, or on
    the declaration, where some customisations put the exporter and the importer."""
    return _text(shipment, f"d:{role}/d:{part}") or _text(declaration, f"d:{role}/d:{part}")


def _envelope_receipt(root: etree._Element) -> str | None:
    """The UK CDS envelope's receipt time (requestCommon/receiptDate), when there is one."""
    for element in root.iter():
        if _local(element.tag) == "receiptDate" and (element.text or "").strip():
            return element.text.strip()  # type: ignore[union-attr]
        if element.tag == f"{{{METADATA}}}MetaData":
            break
    return None


def _invoice_currency(declaration: etree._Element) -> str | None:
    invoice = declaration.find("d:InvoiceAmount", _NS)
    if invoice is not None and invoice.get("currencyID"):
        return invoice.get("currencyID")
    return _text(declaration, "d:CurrencyExchange/d:CurrencyTypeCode")


def _procedure(good: etree._Element) -> str | None:
    """DE 1/10: the requested and previous procedure of the first item ("4000", "4071")."""
    for procedure in good.findall("d:GovernmentProcedure", _NS):
        current = _text(procedure, "d:CurrentCode")
        if current and len(current) == 2 and current.isdigit():
            return current + (_text(procedure, "d:PreviousCode") or "00")
    return None


def _item(
    index: int,
    good: etree._Element,
    invoice_currency: str | None,
    filled: Callable[[str, str], None],
) -> dict[str, Any]:
    path = f"items[{index}]"
    sequence = _text(good, "d:SequenceNumeric")
    commodity = good.find("d:Commodity", _NS)
    codes: dict[str, list[str]] = {}
    for classification in good.findall("d:Commodity/d:Classification", _NS):
        kind = _text(classification, "d:IdentificationTypeCode") or ""
        code = _text(classification, "d:ID")
        if code:
            codes.setdefault(kind, []).append(code)
    where = f"GovernmentAgencyGoodsItem {sequence or index + 1}:"
    commodity_code = next(iter(codes.get("TSP", [])), None)
    if commodity_code is None:
        raise MessageProblem(f"{where} {COLUMNS['items.hs_code']}", "is required")
    taric = next(iter(codes.get("TRC", [])), None)
    if taric and len(commodity_code) == 8 and len(taric) == 2:
        commodity_code += taric  # the 10-digit TARIC code
    additional = codes.get("TRA", []) + codes.get("GN", [])
    origin = _origin(good)
    if origin is None:
        origin = "ZZ"
        filled(f"{path}.origin_country", "ZZ (unknown): the message gives no Origin (DE 5/15)")
    value, currency = _value(good, where, path, filled)
    if currency is None:
        if invoice_currency is None:
            raise MessageProblem(f"{where} {COLUMNS['items.currency']}", "is required")
        currency = invoice_currency
        filled(f"{path}.currency", f"the invoice currency {currency}: the amount has none")
    measure = good.find("d:Commodity/d:GoodsMeasure", _NS)
    quantity = measure.find("d:TariffQuantity", _NS) if measure is not None else None
    duty = good.find("d:Commodity/d:DutyTaxFee", _NS)
    return {
        "line_no": sequence,
        "hs_code": commodity_code,
        "additional_codes": " ".join(additional) or None,
        "description": _text(commodity, "d:Description"),
        "origin_country": origin,
        "origin_indicator": _text(duty, "d:DutyRegimeCode"),
        "net_mass_kg": _net_mass(measure, where, path, filled),
        "quantity": (quantity.text or "").strip() or None if quantity is not None else None,
        "quantity_unit": (quantity.get("unitCode") or "").split("#")[0] or None
        if quantity is not None
        else None,
        "customs_value": value,
        "currency": currency,
        "tax_type": _text(duty, "d:TypeCode"),
    }


def _origin(good: etree._Element) -> str | None:
    """DE 5/15 (TypeCode 1, non-preferential origin) before 5/16 (2, preferential)."""
    origins = good.findall("d:Origin", _NS)
    ranked = sorted(origins, key=lambda origin: _text(origin, "d:TypeCode") != "1")
    for origin in ranked:
        country = _text(origin, "d:CountryCode")
        if country:
            return country
    return None


def _value(
    good: etree._Element, where: str, path: str, filled: Callable[[str, str], None]
) -> tuple[str, str | None]:
    price = _amount(good, "d:Commodity/d:InvoiceLine/d:ItemChargeAmount")
    if price is not None:
        return price
    for element, name in (
        ("d:CustomsValueAmount", "the customs value (CustomsValueAmount)"),
        ("d:StatisticalValueAmount", "the statistical value (StatisticalValueAmount, DE 8/6)"),
    ):
        found = _amount(good, element)
        if found is not None:
            filled(f"{path}.customs_value", f"{name}: the message gives no item price (DE 4/14)")
            return found
    raise MessageProblem(
        f"{where} {COLUMNS['items.customs_value']}",
        "is required (or CustomsValueAmount, or StatisticalValueAmount)",
    )


def _net_mass(
    measure: etree._Element | None, where: str, path: str, filled: Callable[[str, str], None]
) -> str:
    for element, fallback in (("NetNetWeightMeasure", False), ("GrossMassMeasure", True)):
        found = measure.find(f"d:{element}", _NS) if measure is not None else None
        if found is None or not (found.text or "").strip():
            continue
        unit = (found.get("unitCode") or "").split("#")[0]
        if unit not in _KG:
            raise MessageProblem(f"{where} GoodsMeasure/{element}", f"is in {unit}, not KGM")
        if fallback:
            filled(
                f"{path}.net_mass_kg",
                "the gross mass (GrossMassMeasure, DE 6/5): the message gives no net mass",
            )
        return found.text.strip()  # type: ignore[union-attr]
    raise MessageProblem(f"{where} {COLUMNS['items.net_mass_kg']}", "is required (or DE 6/5)")
