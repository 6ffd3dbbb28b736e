"""Facts about a workbook's structure that values alone cannot show, read from its XML.

- which part holds which sheet (from ``xl/workbook.xml`` and its relationships);
- whether a sheet still carries list validations — the dropdowns people lose by pasting over
  them (``checks/structure.py`` judges it);
- which cells hold a formula or an error value (:func:`formula_cell_at`): a target typed into a
  General cell as ``=12000.00(件)`` became a formula, and the value reader sees only its result.

Every part is parsed by expat (:func:`safe_parser`) with the refusals :mod:`defusedxml` makes —
no DTD, no entity declarations, no external entities (the guard has already refused any part
that declares them) — and only start tags are looked at. defusedxml's own parsers build trees
through Python-level handlers: for the workbook part and its relationships alone that cost
0.37 ms per file, a tenth of the guard. In a sheet part the cells are left out when they can be
(they are most of the part and come before the validations), and parsing stops at the first
list validation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import unescape
from typing import Any, NamedTuple
from xml.parsers import expat

_SHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
    # Excel 2010+ keeps some validations (lists from other sheets) in the extension list
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
)
_LIST_VALIDATION_TAGS = frozenset(f"{ns}}}dataValidation" for ns in _SHEET_NAMESPACES)
PARSE_PIECE = 1024  # bytes handed to expat at a time, so that it can stop soon after a find


class _Refused(Exception):
    pass


def _refuse(*_args: object) -> Any:
    raise _Refused


def safe_parser(start: Callable[[str, dict[str, str]], None]) -> Any:
    """An expat parser that calls ``start(tag, attributes)`` for each start tag (tags as
    ``namespace}local``) and refuses a DTD, entity declarations and external entities."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = start
    return parser


def parse(parser: Any, pieces: Iterable[bytes], done: Callable[[], bool] = lambda: False) -> bool:
    """Feed ``pieces`` to a parser from :func:`safe_parser` until ``done()``; False when the
    document is not well-formed or declares a DTD or entities."""
    try:
        for piece in pieces:
            parser.Parse(piece, False)
            if done():
                return True
        parser.Parse(b"", True)
    except (expat.ExpatError, _Refused):
        return False
    return True


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str] | None:
    """Sheet name -> part name, or None when the two parts cannot be read (the dropdown check,
    which is all this decides, is then skipped)."""
    targets: dict[str, str] = {}
    named: list[tuple[str, str]] = []

    def relationship(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
            targets[attrs["Id"]] = attrs["Target"]

    def sheet(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "sheet" and "name" in attrs:
            # r:id, whatever its prefix (its namespace differs in Strict files)
            rel_id = next((v for k, v in attrs.items() if k.endswith("}id")), None)
            if rel_id is not None:
                named.append((attrs["name"], rel_id))

    if not parse(safe_parser(relationship), (rels,)) or not parse(safe_parser(sheet), (workbook,)):
        return None
    out: dict[str, str] = {}
    for name, rel_id in named:
        target = targets.get(rel_id)
        if target:
            out[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out or None


_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s/>]")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")


def has_list_validation(part: bytes) -> bool | None:
    """Whether a sheet part (held whole) declares at least one list validation; None when it
    cannot be parsed.

    The cells, and what stands between them and the validations, are cut out first. Neither
    "<" nor a closing tag can stand in text or an attribute, so each cut falls on an element's
    own tags — or, in a part that hides one in a comment, leaves no well-formed document, and
    then the whole part is parsed."""
    found = _parse_for_lists(_pieces(_without_cells(part)))
    return found if found is not None else _parse_for_lists(_pieces(part))


def has_list_validation_in(chunks: Iterable[bytes]) -> bool | None:
    """As :func:`has_list_validation`, for a part too large to hold, read in pieces."""
    return _parse_for_lists(piece for chunk in chunks for piece in _pieces(chunk))


_VALIDATIONS_START = re.compile(rb"<(?:[\w.-]+:)?dataValidations[\s>]")


def _without_cells(part: bytes) -> bytes:
    start = _SHEET_DATA_START.search(part)
    if start is None:
        return part
    if part[start.end() - 1 : start.end()] == b"/":  # <sheetData/>
        rest = start.end() + 1
    else:
        # the last closing tag (searched backwards: the cells are most of the part)
        close = part.rfind(b"</", start.end(), part.rfind(b"sheetData"))
        end = _SHEET_DATA_END.match(part, close) if close >= 0 else None
        if end is None:
            return part
        rest = end.end()
    validations = _VALIDATIONS_START.search(part, rest)
    return part[: start.start()] + part[validations.start() if validations else rest :]


def _pieces(data: bytes) -> Iterable[bytes]:
    return (data[pos : pos + PARSE_PIECE] for pos in range(0, len(data), PARSE_PIECE))


def _parse_for_lists(pieces: Iterable[bytes]) -> bool | None:
    """True at the first list validation, False at the end of a document without one, None
    when the document is not well-formed or declares a DTD or entities."""
    found = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal found
        if tag in _LIST_VALIDATION_TAGS and attrs.get("type") == "list":
            found = True

    if not parse(safe_parser(start), pieces, lambda: found):
        return None
    return found


class FormulaCell(NamedTuple):
    """A cell holding a formula or an error value, as its sheet part stores it."""

    formula: str | None  # the formula with its "=" (None: an error value without a formula)
    shown: str | None  # the cached result as stored (#NAME?, #VALUE!, a number…)
    error: bool  # the cached result is an error value


_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S
)
_ATTR_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?f\s*>)", re.S)
# an <f> element (with or without a namespace prefix; not a validation's <formula1>), or an
# error value; byte searches, far faster over a whole part than any pattern
_FORMULA_TOKENS = (b"<f>", b"<f ", b":f>", b":f ", b't="e"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v\s*>", re.S)


def may_hold_formulas(part: bytes) -> bool:
    """Whether a sheet part has any formula or error value at all (one pass of a byte search:
    a form people filled with text has neither)."""
    return any(token in part for token in _FORMULA_TOKENS)


def formula_cell_at(part: bytes, row: int, col: int) -> FormulaCell | None:
    """The formula or error value of the cell at (row, column), 0-based, of a sheet part; None
    when that cell holds neither (or is not written). Only that cell's element is parsed."""
    ref = f' r="{_column_letters(col)}{row + 1}"'.encode()
    pos = part.find(ref)
    if pos < 0:
        return None
    m = _CELL.match(part, part.rfind(b"<", 0, pos))
    if m is None:
        return None
    attrs, body = m.group(1), m.group(2) or b""
    kind = _ATTR_T.search(attrs)
    error = kind is not None and kind.group(1) == b"e"
    f = _FORMULA.search(body) if body else None
    if f is None and not error:
        return None
    v = _VALUE.search(body)
    shown = unescape(v.group(1).decode("utf-8", "replace")) if v else None
    if f is None:
        return FormulaCell(None, shown, error)
    # a shared formula's follower holds no text of its own (its first cell does)
    text = unescape(f.group(1).decode("utf-8", "replace")) if f.group(1) else ""
    return FormulaCell("=" + text if text else "", shown, error)


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
