"""Hostile returned workbooks, built from a good generated one by rewriting its parts.

Every file here is plainly synthetic: a workbook perfxl generated from the sample data, with
one part changed the way a broken exporter or an attacker would change it. The huge cases
are written streaming (row by row through zlib), so building one never holds the sheet.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

FIRST_SHEET = "xl/worksheets/sheet2.xml"  # the first project sheet (sheet1 is the cover)


def rewrite(good: Path, out: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of ``good`` with the parts in ``changes`` replaced (None: left out)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in changes:
                body = changes[info.filename]
                if body is not None:
                    dst.writestr(info.filename, body)
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, body in changes.items():
            if name not in src.namelist() and body is not None:
                dst.writestr(name, body)
    return out


def part(good: Path, name: str = FIRST_SHEET) -> bytes:
    with zipfile.ZipFile(good) as zf:
        return zf.read(name)


def with_sheet(good: Path, out: Path, edit: Callable[[bytes], bytes]) -> Path:
    return rewrite(good, out, {FIRST_SHEET: edit(part(good))})


def extra_cell(ref: str, row: int) -> Callable[[bytes], bytes]:
    """One more cell holding a number, in its own row at the end of the sheet data."""

    def edit(xml: bytes) -> bytes:
        cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()
        return xml.replace(b"</sheetData>", cell, 1)

    return edit


def dimension(ref: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)

    return edit


def sst_counts(good: Path, out: Path, count: int, unique: int) -> Path:
    xml = part(good, "xl/sharedStrings.xml")
    xml = re.sub(
        rb'count="\d+" uniqueCount="\d+"',
        f'count="{count}" uniqueCount="{unique}"'.encode(),
        xml,
        count=1,
    )
    return rewrite(good, out, {"xl/sharedStrings.xml": xml})


def streamed_sheet(good: Path, out: Path, rows: Iterable[bytes]) -> Path:
    """A copy whose first project sheet gets ``rows`` (``<row>`` elements) appended to its
    sheet data, deflated as they come."""
    xml = part(good)
    head, tail = xml.split(b"</sheetData>", 1)
    head = re.sub(rb'<dimension ref="[^"]*"/>', b"", head)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != FIRST_SHEET:
                dst.writestr(info.filename, src.read(info.filename))
                continue
            entry = zipfile.ZipInfo(FIRST_SHEET)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry._compresslevel = 1  # type: ignore[attr-defined]  # fast: the rows repeat
            with dst.open(entry, "w", force_zip64=True) as fh:
                fh.write(head)
                for row in rows:
                    fh.write(row)
                fh.write(b"</sheetData>" + tail)
    return out


def filled_rows(first: int, count: int, columns: int = 1) -> Iterator[bytes]:
    """``count`` rows from row ``first``, each with ``columns`` cells holding a number."""
    letters = [_column(c) for c in range(1, columns + 1)]
    for r in range(first, first + count):
        cells = "".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in letters)
        yield f'<row r="{r}">{cells}</row>'.encode()


def indicator_rows(good: Path, first: int, count: int, batch: int = 10_000) -> Iterator[bytes]:
    """``count`` filled indicator rows (一级, 二级 and 指标值, strings of ``good``'s shared
    strings) from row ``first``, in batches of ``batch`` rows: the shape of a form someone
    pasted a million rows into, about 120 bytes a row."""
    strings = re.findall(rb"<si>(.*?)</si>", part(good, "xl/sharedStrings.xml"), re.S)
    index = {text: i for i, text in reversed(list(enumerate(strings)))}
    level1, level2, target = (
        index[f"<t>{text}</t>".encode()] for text in ("产出指标", "数量指标", "=100.00(%)")
    )
    row = (
        f'<row r="%d"><c r="B%d" t="s"><v>{level1}</v></c><c r="C%d" t="s"><v>{level2}</v></c>'
        f'<c r="F%d" t="s"><v>{target}</v></c></row>'
    ).encode()
    for start in range(first, first + count, batch):
        stop = min(start + batch, first + count)
        yield b"".join([row % ((r,) * 4) for r in range(start, stop)])


def _column(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def deflated_size(data: bytes) -> int:
    return len(zlib.compress(data))


ODS_CELL = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


def ods(out: Path, rows: str) -> Path:
    """A minimal .ods whose one sheet holds ``rows`` (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="表1">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return out
