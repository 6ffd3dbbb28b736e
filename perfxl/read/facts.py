"""Facts about a workbook's structure that values alone cannot show, read from its XML.

- which part holds which sheet (from ``xl/workbook.xml`` and its relationships);
- whether a sheet still carries list validations — the dropdowns people lose by pasting over
  them (``checks/structure.py`` judges it).

The small parts are parsed as trees with :mod:`defusedxml`. A sheet part is streamed through
expat with the same refusals defusedxml makes (no DTD, no entity declarations, no external
entities; the guard has already refused any part that declares them), because building a tree
of a sheet costs more than reading its values: only start tags are looked at, the cells are left
out when they can be, and parsing stops at the first list validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import Element
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET

_SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
    # Excel 2010+ keeps some validations (lists from other sheets) in the extension list
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
)
_LIST_VALIDATION_TAGS = frozenset(f"{ns}}}dataValidation" for ns in _SHEET_NAMESPACES)
PARSE_PIECE = 2048  # bytes handed to expat at a time, so that it can stop soon after a find
_PARSE_ERRORS = (SafeET.ParseError, defusedxml.DefusedXmlException, ValueError)


def sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str] | None:
    """Sheet name -> part name, or None when the two parts cannot be read (the dropdown check,
    which is all this decides, is then skipped)."""
    try:
        book, relations = SafeET.fromstring(workbook), SafeET.fromstring(rels)
    except _PARSE_ERRORS:
        return None
    targets = {
        rel.get("Id"): rel.get("Target")
        for rel in relations.iter()
        if _local(rel) == "Relationship"
    }
    out: dict[str, str] = {}
    for sheet in book.iter():
        if _local(sheet) != "sheet":
            continue
        name, rel_id = sheet.get("name"), _relationship_id(sheet)
        target = targets.get(rel_id) if rel_id else None
        if target and name is not None:
            out[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out or None


def _local(element: Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _relationship_id(sheet: Element) -> str | None:
    """The ``r:id`` attribute, whatever its prefix (its namespace differs in Strict files)."""
    for key, value in sheet.attrib.items():
        if key.startswith("{") and key.endswith("}id"):
            return value
    return None


_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")


def has_list_validation(part: bytes) -> bool | None:
    """Whether a sheet part (held whole) declares at least one list validation; None when it
    cannot be parsed.

    The cells are cut out first: they are most of the part, and the schema puts the
    validations after them. Neither "<" nor a closing tag can stand in a cell's text, so the
    cut falls on the element's own tags — or, in a part that hides one in a comment, leaves
    no well-formed document, and then the whole part is parsed."""
    found = _parse_for_lists(_pieces(_without_cells(part)))
    return found if found is not None else _parse_for_lists(_pieces(part))


def has_list_validation_in(chunks: Iterable[bytes]) -> bool | None:
    """As :func:`has_list_validation`, for a part too large to hold, read in pieces."""
    return _parse_for_lists(piece for chunk in chunks for piece in _pieces(chunk))


def _without_cells(part: bytes) -> bytes:
    start = _SHEET_DATA_START.search(part)
    if start is None or part[start.end() - 1 : start.end()] == b"/":
        return part  # no cells, or <sheetData/>
    # the last closing tag (searched backwards: the cells are most of the part)
    close = part.rfind(b"</", start.end(), part.rfind(b"sheetData"))
    end = _SHEET_DATA_END.match(part, close) if close >= 0 else None
    if end is None:
        return part
    return part[: start.start()] + part[end.end() :]


def _pieces(data: bytes) -> Iterable[bytes]:
    return (data[pos : pos + PARSE_PIECE] for pos in range(0, len(data), PARSE_PIECE))


class _Refused(Exception):
    pass


def _refuse(*_args: object) -> Any:
    raise _Refused


def _parse_for_lists(pieces: Iterable[bytes]) -> bool | None:
    """True at the first list validation, False at the end of a document without one, None
    when the document is not well-formed or declares a DTD or entities."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    found = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal found
        if tag in _LIST_VALIDATION_TAGS and attrs.get("type") == "list":
            found = True

    parser.StartElementHandler = start
    try:
        for piece in pieces:
            parser.Parse(piece, False)
            if found:
                return True
        parser.Parse(b"", True)
    except (expat.ExpatError, _Refused):
        return None
    return found
