"""How far a sheet reaches, measured before any parser builds it.

python-calamine builds a sheet as one rectangle from A1 (or its first cell) to the farthest
cell that holds a value, and reserves the shared-strings table as long as its ``uniqueCount``
says. A cell at XFD1048576 is 17 billion cells, a row numbered 4294967295 or a ``uniqueCount``
of 4294967295 make it abort the process (SIGABRT), a cell at ZZ100000 takes 2.8 GB, a million
filled rows take minutes. So the guard streams every sheet part through :func:`scan_sheet`
(expat, as it arrives from the inflater: linear time, no regular expression, stops at the
first cell out of bounds) and the head of the shared strings through :func:`shared_strings`.

Cells that only carry a style (``<c r="Z9000" s="3"/>``, what formatting a range leaves) hold
no value: calamine skips them, and so does the measure. The positions of rows and cells
without an ``r`` attribute follow the one before, as in every reader.

This module knows no policy: it raises :class:`OutOfBounds` (larger than a form can be) or
:class:`Malformed` (a position no spreadsheet can have), and :mod:`perfxl.read.guard` says
what that means to the person who sent the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from perfxl.read.facts import parse, safe_parser

EXCEL_ROWS = 1_048_576  # the grid of Excel 2007 and later: no spreadsheet has more
EXCEL_COLUMNS = 16_384  # XFD
_REF_MAX = 12  # "XFD1048576" is 10 characters; a longer reference is off the grid

_OTHER, _CELL, _VALUE, _ROW = range(4)
_LOCAL_KINDS = {"c": _CELL, "v": _VALUE, "is": _VALUE, "row": _ROW}
# the tags as expat names them in the two SpreadsheetML namespaces: one lookup per element
_KINDS = {
    f"{namespace}}}{local}": kind
    for namespace in (
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    for local, kind in _LOCAL_KINDS.items()
}


@dataclass(frozen=True)
class Extent:
    rows: int  # the highest row holding a value (0: none)
    columns: int  # the highest column holding a value
    cells: int  # cell elements, with a value or only a style (openpyxl builds each one)


class OutOfBounds(Exception):
    """A cell holds a value beyond the bounds the sheet was scanned with."""

    def __init__(self, ref: str, row: int, column: int, what: str):
        super().__init__(ref)
        self.ref = ref
        self.row = row
        self.column = column
        self.what = what  # "rows" or "columns": which bound it passed


class Malformed(Exception):
    """A position or count that no spreadsheet can have (``reason`` is Chinese text)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def scan_sheet(pieces: Iterable[bytes], max_rows: int, max_columns: int) -> Extent | None:
    """The extent of a sheet part fed in ``pieces``; None when it is not well-formed XML (the
    value reader then says it is damaged). Raises :class:`OutOfBounds` at the first cell with
    a value past ``max_rows`` or ``max_columns``, :class:`Malformed` at a position off Excel's
    grid, whether the cell holds a value or not."""
    row = 0  # the current row's number
    column = 0  # the last cell's column in the current row
    cell = ""  # the reference of the cell being read, "" once its value was counted
    extent = [0, 0, 0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, cell
        kind = _KINDS.get(tag)
        if kind is None:  # another namespace (or none): judged by the local name
            kind = _LOCAL_KINDS.get(tag[tag.rfind("}") + 1 :], _OTHER)
        if kind == _CELL:
            extent[2] += 1
            ref = attrs.get("r")
            if ref is None:
                column += 1
                cell = f"{column_name(column)}{row}"
            else:
                row, column = _position(ref)
                cell = ref
        elif kind == _VALUE and cell:
            if row > max_rows or column > max_columns:
                raise OutOfBounds(cell, row, column, "rows" if row > max_rows else "columns")
            if row > extent[0]:
                extent[0] = row
            if column > extent[1]:
                extent[1] = column
            cell = ""
        elif kind == _ROW:
            number = attrs.get("r")
            row = row + 1 if number is None else _row_number(number)
            column = 0
            cell = ""

    if not parse(safe_parser(start), pieces):
        return None
    return Extent(*extent)


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODS_KINDS = {
    f"{_ODS_TABLE}}}table": _OTHER - 1,  # a new sheet
    f"{_ODS_TABLE}}}table-row": _ROW,
    f"{_ODS_TABLE}}}table-cell": _CELL,
    f"{_ODS_TABLE}}}covered-table-cell": _CELL,
    f"{_ODS_TEXT}}}p": _VALUE,
}
_ROWS_REPEATED = f"{_ODS_TABLE}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{_ODS_TABLE}}}number-columns-repeated"
_VALUE_TYPE = f"{_ODS_OFFICE}}}value-type"


def scan_ods(pieces: Iterable[bytes], max_rows: int, max_columns: int) -> Extent | None:
    """As :func:`scan_sheet`, for the content.xml of an .ods: rows and cells repeat
    (``number-rows-repeated``, ``number-columns-repeated``), and a repeated cell with a value
    reaches as far as its last repetition. LibreOffice writes a million repeated empty rows
    after the last one in use: they hold no value and do not count."""
    row = 0  # the last row of the current row element (after its repetitions)
    column = 0  # the last column of the current cell element
    pending = False  # a cell whose value may still come (a text:p without value-type)
    extent = [0, 0, 0]

    def reach() -> None:
        if row > max_rows or column > max_columns:
            ref = f"{column_name(min(column, EXCEL_COLUMNS))}{row}"
            raise OutOfBounds(ref, row, column, "rows" if row > max_rows else "columns")
        extent[0] = max(extent[0], row)
        extent[1] = max(extent[1], column)

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, pending
        kind = _ODS_KINDS.get(tag, _OTHER)
        if kind == _CELL:
            column += _repeat(attrs.get(_COLUMNS_REPEATED), EXCEL_COLUMNS, "列")
            extent[2] += 1
            pending = _VALUE_TYPE not in attrs
            if not pending:
                reach()
        elif kind == _VALUE and pending:
            pending = False
            reach()
        elif kind == _ROW:
            row += _repeat(attrs.get(_ROWS_REPEATED), EXCEL_ROWS, "行")
            column = 0
            pending = False
        elif kind == _OTHER - 1:
            row = column = 0
            pending = False

    if not parse(safe_parser(start), pieces):
        return None
    return Extent(*extent)


def _repeat(text: str | None, limit: int, what: str) -> int:
    if text is None:
        return 1
    if not (text.isascii() and text.isdigit()) or len(text) > 8 or not 1 <= int(text) <= limit:
        raise Malformed(f"重复{what}数「{text[:20]}」超出了表格的范围（最多 {limit}）")
    return int(text)


def shared_strings(head: bytes, part_size: int, max_strings: int) -> int | None:
    """The ``uniqueCount`` the shared-strings part declares (None when it declares none, or
    its head is not XML). Raises :class:`Malformed` when the part cannot hold so many strings
    (each takes at least the 5 bytes of ``<si/>``), :class:`OutOfBounds` beyond
    ``max_strings``. ``head`` is the first piece of the part."""
    found: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        found.append(attrs.get("uniqueCount", ""))

    parse(safe_parser(start), (head,), lambda: bool(found))
    if not found or not found[0]:
        return None
    declared = found[0].strip()
    if not (declared.isascii() and declared.isdigit()) or len(declared) > 12:
        raise Malformed(f"共享字符串表声明的字符串个数「{declared[:20]}」不是有效的数字")
    count = int(declared)
    if count > part_size // 5:
        raise Malformed(
            f"共享字符串表声明有 {count} 个字符串，而该部件只有 {part_size} 字节，容纳不下"
        )
    if count > max_strings:
        raise OutOfBounds(declared, 0, 0, "strings")
    return count


def column_name(number: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    out = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")  # anchored, bounded: no backtracking


def _position(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 reference, refusing one off the grid."""
    found = _REF.fullmatch(ref)
    if found is None:
        if len(ref) > _REF_MAX or (ref[:1].isalpha() and ref[-1:].isdigit()):
            raise Malformed(f"单元格位置「{ref[:20]}」超出了 Excel 的表格范围（最大 XFD1048576）")
        raise Malformed(f"单元格位置「{ref[:20]}」不是有效的单元格地址")
    letters, digits = found.groups()
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + (ord(letter) - 64)
        _COLUMNS[letters] = column
    row = int(digits)
    if column > EXCEL_COLUMNS or not 1 <= row <= EXCEL_ROWS:
        raise Malformed(f"单元格位置「{ref}」超出了 Excel 的表格范围（最大 XFD1048576）")
    return row, column


_COLUMNS: dict[str, int] = {}  # letters -> column number, as met (at most 18,278 of them)


def _row_number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 8:
        raise Malformed(f"行号「{text[:20]}」超出了 Excel 的表格范围（最大 {EXCEL_ROWS}）")
    number = int(text)
    if not 1 <= number <= EXCEL_ROWS:
        raise Malformed(f"行号「{text}」超出了 Excel 的表格范围（最大 {EXCEL_ROWS}）")
    return number
