"""Checking a WCO message against the DEC-DMS XSDs an administration keeps (the WCO's, or its
customisation's): ``portcullis import --validate-schema FOLDER``. The schemas are read from
that folder only; nothing is fetched."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from portcullis.engine.formats.base import FileFormatError
from portcullis.engine.formats.wcomessage import DEC, METADATA, find_declaration

_ENTRY_POINTS = {METADATA: "DocumentMetaData_2_DMS.xsd", DEC: "WCO_DEC_2_DMS.xsd"}


@cache
def compiled(folder: Path) -> etree.XMLSchema:
    """Both entry points of the DEC-DMS schemas in ``folder``, as one schema."""
    imports = []
    for namespace, name in _ENTRY_POINTS.items():
        if not (folder / name).is_file():
            raise FileFormatError(f"the schema folder {folder} has no {name}")
        location = (folder / name).resolve().as_uri()
        imports.append(f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>')
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        + "".join(imports)
        + "</xs:schema>"
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
        raise FileFormatError(f"the schemas in {folder} cannot be used: {error}") from None


def schema_problem(folder: Path, root: etree._Element) -> str | None:
    """The first way the message breaks the schemas, in one line, or None. An envelope
    around the WCO MetaData (the UK's submitDeclarationRequest) is not checked, its content is."""
    schema = compiled(folder)
    declaration = find_declaration(root)
    wrapper = declaration.getparent()
    checked = (
        wrapper if wrapper is not None and wrapper.tag == f"{{{METADATA}}}MetaData" else declaration
    )
    if schema.validate(etree.ElementTree(checked)):
        return None
    first = next(iter(schema.error_log))  # type: ignore[call-overload]  # stubs lack __iter__
    return f"breaks the DEC-DMS schema at line {first.line}: {first.message}"
