"""Minimal edits to an .xlsx package: a few cells typed, a text format, custom properties.

A province's own blank form must reach its units exactly as the province made it. Loading it
into a workbook library and saving it again rewrites every part and drops what the library
does not model (x14 validations, some print settings, theme details). Here the package is
copied part by part, byte for byte, except the few parts that must change, and in those only
the elements concerned are rewritten:

- a sheet part: the ``<c>`` elements of the cells typed into (created in column order, with
  their ``<row>`` when missing), written as inline strings or numbers;
- ``xl/styles.xml``: one ``<xf>`` appended per cell style that must also show text (number
  format 49, ``@``), copied from that style, so borders, fonts and protection stay;
- ``docProps/custom.xml`` (created when absent, with its content type and relationship):
  the ``perfxl_*`` properties; other properties are kept.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from perfxl.core.errors import PerfxlError

TEXT_FORMAT = 49  # the built-in number format "@"
CUSTOM = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


@dataclass(frozen=True)
class CellEdit:
    """What to do to one cell: type ``value`` into it (None: leave its content), and/or make
    it show text (its style gets the ``@`` format)."""

    value: str | Decimal | None = None
    text: bool = False


# ----------------------------------------------------------------------------------------
# sheet parts

_ROW = re.compile(
    rb"<(?P<p>[\w.-]+:)?row\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?row>)", re.S
)
_CELL = re.compile(rb"<(?P<p>[\w.-]+:)?c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)", re.S)
_ATTR = re.compile(rb'\s([\w:.-]+)\s*=\s*("[^"]*"|\'[^\']*\')')
_SHEET_DATA = re.compile(
    rb"<(?P<p>[\w.-]+:)?sheetData\b[^>]*?(?:/>|>(?P<body>.*?)</(?P=p)?sheetData>)", re.S
)


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2)[1:-1] for m in _ATTR.finditer(b" " + text)}


def _attr_text(attrs: dict[bytes, bytes]) -> bytes:
    return b"".join(b' %s="%s"' % (k, v) for k, v in attrs.items())


def _cell_xml(prefix: bytes, ref: str, style: int | None, value: str | Decimal | None) -> bytes:
    attrs = b' r="%s"' % ref.encode()
    if style:
        attrs += b' s="%d"' % style
    if value is None:
        return b"<%sc%s/>" % (prefix, attrs)
    if isinstance(value, Decimal):
        return b"<%sc%s><%sv>%s</%sv></%sc>" % (
            prefix, attrs, prefix, format(value, "f").encode(), prefix, prefix,
        )  # fmt: skip
    text = escape(value).encode("utf-8")
    return b'<%sc%s t="inlineStr"><%sis><%st xml:space="preserve">%s</%st></%sis></%sc>' % (
        prefix, attrs, prefix, prefix, text, prefix, prefix, prefix,
    )  # fmt: skip


def patch_sheet(
    xml: bytes, edits: dict[tuple[int, int], CellEdit], text_style: dict[int, int]
) -> bytes:
    """The sheet part with ``edits`` (0-based row, col → edit) applied. ``text_style`` maps a
    cell style index to its text-format twin (see :func:`patch_styles`)."""
    data = _SHEET_DATA.search(xml)
    if data is None:
        raise PerfxlError("工作表部件中没有 sheetData")
    prefix = data.group("p") or b""
    body = data.group("body") or b""
    by_row: dict[int, dict[int, CellEdit]] = {}
    for (r, c), edit in edits.items():
        by_row.setdefault(r + 1, {})[c] = edit
    rows: list[tuple[int, bytes]] = []
    seen: set[int] = set()
    last = 0
    for m in _ROW.finditer(body):
        attrs = _attrs(m.group("attrs"))
        number = int(attrs.get(b"r", str(last + 1).encode()))
        last = number
        seen.add(number)
        text = m.group(0)
        if number in by_row:
            text = _patch_row(m, attrs, number, by_row[number], text_style, prefix)
        rows.append((number, text))
    for number, cells in by_row.items():
        if number not in seen:
            inner = b"".join(
                _cell_xml(
                    prefix, xl_rowcol_to_cell(number - 1, c), _style(0, e, text_style), e.value
                )
                for c, e in sorted(cells.items())
            )
            rows.append((number, b'<%srow r="%d">%s</%srow>' % (prefix, number, inner, prefix)))
    rows.sort(key=lambda item: item[0])
    start, end = data.span()
    opening = xml[start : data.start("body")] if data.group("body") is not None else None
    if opening is None:  # <sheetData/>
        new = b"<%ssheetData>%s</%ssheetData>" % (prefix, b"".join(t for _, t in rows), prefix)
    else:
        new = opening + b"".join(t for _, t in rows) + xml[data.end("body") : end]
    return xml[:start] + new + xml[end:]


def _style(current: int, edit: CellEdit, text_style: dict[int, int]) -> int:
    return text_style.get(current, current) if edit.text else current


def _patch_row(
    m: re.Match[bytes],
    attrs: dict[bytes, bytes],
    number: int,
    edits: dict[int, CellEdit],
    text_style: dict[int, int],
    prefix: bytes,
) -> bytes:
    body = m.group("body") or b""
    cells: list[tuple[int, bytes]] = []
    col = -1
    pending = dict(edits)
    for cm in _CELL.finditer(body):
        cattrs = _attrs(cm.group("attrs"))
        ref = cattrs.get(b"r")
        col = xl_cell_to_rowcol(ref.decode())[1] if ref else col + 1
        text = cm.group(0)
        edit = pending.pop(col, None)
        if edit is not None:
            style = int(cattrs.get(b"s", b"0"))
            if edit.value is None:
                cattrs[b"s"] = str(_style(style, edit, text_style)).encode()
                if ref is None:
                    cattrs[b"r"] = xl_rowcol_to_cell(number - 1, col).encode()
                inner = cm.group("body")
                tag = b"%sc" % (cm.group("p") or b"")
                text = (
                    b"<%s%s/>" % (tag, _attr_text(cattrs))
                    if inner is None
                    else b"<%s%s>%s</%s>" % (tag, _attr_text(cattrs), inner, tag)
                )
            else:
                text = _cell_xml(
                    prefix,
                    xl_rowcol_to_cell(number - 1, col),
                    _style(style, edit, text_style),
                    edit.value,
                )
        cells.append((col, text))
    for c, edit in pending.items():
        cells.append(
            (
                c,
                _cell_xml(
                    prefix,
                    xl_rowcol_to_cell(number - 1, c),
                    _style(0, edit, text_style),
                    edit.value,
                ),
            )
        )
    cells.sort(key=lambda item: item[0])
    rattrs = dict(attrs)
    rattrs.pop(b"spans", None)  # a hint only; a cell typed past it would contradict it
    return b"<%srow%s>%s</%srow>" % (
        prefix,
        _attr_text(rattrs),
        b"".join(t for _, t in cells),
        prefix,
    )


# ----------------------------------------------------------------------------------------
# styles

_CELL_XFS = re.compile(
    rb"<(?P<p>[\w.-]+:)?cellXfs\b(?P<attrs>[^>]*)>(?P<body>.*?)</(?P=p)?cellXfs>", re.S
)
_XF = re.compile(rb"<(?P<p>[\w.-]+:)?xf\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?xf>)", re.S)


def patch_styles(xml: bytes, styles: set[int]) -> tuple[bytes, dict[int, int]]:
    """``styles.xml`` with a text-format twin appended for each cell style of ``styles``, and
    the map style → twin (a style that already shows text is its own twin)."""
    m = _CELL_XFS.search(xml)
    if m is None:
        raise PerfxlError("styles.xml 中没有 cellXfs")
    xfs = list(_XF.finditer(m.group("body")))
    twins: dict[int, int] = {}
    added: list[bytes] = []
    for index in sorted(styles):
        if index >= len(xfs):
            index_xf = xfs[0] if xfs else None
        else:
            index_xf = xfs[index]
        if index_xf is None:
            continue
        attrs = _attrs(index_xf.group("attrs"))
        if attrs.get(b"numFmtId") == str(TEXT_FORMAT).encode():
            twins[index] = index
            continue
        attrs[b"numFmtId"] = str(TEXT_FORMAT).encode()
        attrs[b"applyNumberFormat"] = b"1"
        tag = b"%sxf" % (index_xf.group("p") or b"")
        inner = index_xf.group("body")
        added.append(
            b"<%s%s/>" % (tag, _attr_text(attrs))
            if inner is None
            else b"<%s%s>%s</%s>" % (tag, _attr_text(attrs), inner, tag)
        )
        twins[index] = len(xfs) + len(added) - 1
    attrs = _attrs(m.group("attrs"))
    attrs[b"count"] = str(len(xfs) + len(added)).encode()
    p = m.group("p") or b""
    new = b"<%scellXfs%s>%s%s</%scellXfs>" % (
        p,
        _attr_text(attrs),
        m.group("body"),
        b"".join(added),
        p,
    )
    return xml[: m.start()] + new + xml[m.end() :], twins


def cell_styles(xml: bytes, cells: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The style index of each of ``cells`` that the sheet part holds (0 for the others)."""
    out: dict[tuple[int, int], int] = {}
    data = _SHEET_DATA.search(xml)
    if data is None or data.group("body") is None:
        return out
    rows = {r + 1 for r, _ in cells}
    last = 0
    for m in _ROW.finditer(data.group("body")):
        attrs = _attrs(m.group("attrs"))
        number = int(attrs.get(b"r", str(last + 1).encode()))
        last = number
        if number not in rows:
            continue
        col = -1
        for cm in _CELL.finditer(m.group("body") or b""):
            cattrs = _attrs(cm.group("attrs"))
            ref = cattrs.get(b"r")
            col = xl_cell_to_rowcol(ref.decode())[1] if ref else col + 1
            if (number - 1, col) in cells:
                out[(number - 1, col)] = int(cattrs.get(b"s", b"0"))
    return out


# ----------------------------------------------------------------------------------------
# custom properties

_PROPERTY = re.compile(
    rb"<(?P<p>[\w.-]+:)?property\b(?P<attrs>[^>]*?)(?:/>|>.*?</(?P=p)?property>)", re.S
)


def patch_custom(xml: bytes | None, properties: dict[str, str]) -> bytes:
    """``docProps/custom.xml`` with ``properties`` (text, names as given) set: existing ones of
    those names replaced, every other property kept."""
    if xml is None:
        xml = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
            b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>'
        )
    names = {name.encode("utf-8") for name in properties}
    pids = [2]
    kept = []
    for m in _PROPERTY.finditer(xml):
        attrs = _attrs(m.group("attrs"))
        if attrs.get(b"name") in names:
            kept.append((m.start(), m.end()))
        elif attrs.get(b"pid", b"").isdigit():
            pids.append(int(attrs[b"pid"]))
    for start, end in reversed(kept):
        xml = xml[:start] + xml[end:]
    pid = max(pids)
    vt = _vt_prefix(xml)
    added = b""
    for name, value in properties.items():
        pid += 1
        added += (
            b'<property fmtid="%s" pid="%d" name="%s"><%slpwstr>%s</%slpwstr></property>'
            % (_FMTID.encode(), pid, escape(name, {'"': "&quot;"}).encode("utf-8"), vt,
               escape(value).encode("utf-8"), vt)
        )  # fmt: skip
    close = xml.rfind(b"</")
    if xml.rstrip().endswith(b"/>") and b"</" not in xml[xml.find(b"<Properties") :]:
        raise PerfxlError("docProps/custom.xml 的写法无法识别")
    return xml[:close] + added + xml[close:]


def _vt_prefix(xml: bytes) -> bytes:
    m = re.search(
        rb'xmlns:([\w.-]+)="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"',
        xml,
    )
    return m.group(1) + b":" if m else b"vt:"


def _with_custom_type(xml: bytes) -> bytes:
    if b"/docProps/custom.xml" in xml:
        return xml
    close = xml.rfind(b"</")
    entry = b'<Override PartName="/docProps/custom.xml" ContentType="%s"/>' % _CUSTOM_TYPE.encode()
    return xml[:close] + entry + xml[close:]


def _with_custom_relationship(xml: bytes) -> bytes:
    if _CUSTOM_REL.encode() in xml:
        return xml
    ids = {int(n) for n in re.findall(rb'Id="rId(\d+)"', xml)}
    new_id = max(ids, default=0) + 1
    close = xml.rfind(b"</")
    entry = b'<Relationship Id="rId%d" Type="%s" Target="docProps/custom.xml"/>' % (
        new_id,
        _CUSTOM_REL.encode(),
    )
    return xml[:close] + entry + xml[close:]


# ----------------------------------------------------------------------------------------
# the package


def write_patched(
    source: zipfile.ZipFile, target: Path, replaced: dict[str, bytes], properties: dict[str, str]
) -> None:
    """Copy every part of ``source`` to ``target`` (a new file), ``replaced`` parts with their
    new content, and ``properties`` set in the custom properties."""
    names = source.namelist()
    custom = source.read(CUSTOM) if CUSTOM in names else None
    parts = dict(replaced)
    parts[CUSTOM] = patch_custom(custom, properties)
    if custom is None:
        parts["[Content_Types].xml"] = _with_custom_type(source.read("[Content_Types].xml"))
        parts["_rels/.rels"] = _with_custom_relationship(source.read("_rels/.rels"))
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = parts.pop(info.filename, None)
            if data is None:
                data = source.read(info)
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            out.writestr(copy, data)
        for name, data in parts.items():  # parts that were not in the package
            out.writestr(
                zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
