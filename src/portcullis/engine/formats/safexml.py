"""XML from outside, parsed so that it can do nothing but describe itself: no document type
(so no entity of any kind, internal or external), nothing fetched from the network, bounded
in size and depth. A declaration message needs none of those; each refusal is one line."""

from __future__ import annotations

import io

from lxml import etree

# A goods declaration of 999 items is about 3 MB of DEC-DMS XML; the WCO samples nest 9 deep.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32


class UnsafeXml(ValueError):
    """The message was not parsed: why, in one line."""


def _parser_options() -> dict[str, bool]:
    return {
        "resolve_entities": False,
        "load_dtd": False,
        "no_network": True,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def parse_message(data: bytes) -> etree._Element:
    """The root element of one XML message, or UnsafeXml."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise UnsafeXml(
            f"is {len(data):,} bytes; a declaration message may have at most {MAX_MESSAGE_BYTES:,}"
        )
    if not data.strip():
        raise UnsafeXml("is empty")
    # Refused before parsing: an entity's expansion (billion laughs) or an external one
    # (XXE) needs a document type declaration.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXml("has a document type declaration (<!DOCTYPE>), which is not accepted")
    depth = 0
    try:
        events = etree.iterparse(io.BytesIO(data), events=("start", "end"), **_parser_options())
        for event, _element in events:
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnsafeXml(f"nests elements more than {MAX_DEPTH} deep")
            else:
                depth -= 1
        root: etree._Element | None = events.root
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(f"is not well-formed XML: {_syntax(error)}") from None
    if root is None:
        raise UnsafeXml("holds no element")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise UnsafeXml("has a document type declaration (<!DOCTYPE>), which is not accepted")
    return root


def _syntax(error: etree.XMLSyntaxError) -> str:
    message = (error.msg or str(error)).strip().splitlines()[0]
    line = getattr(error, "lineno", None)
    return f"{message} (line {line})" if line and "line" not in message else message
