"""Structural checks that values alone cannot show: are the dropdowns still there?

Pasting over validated cells silently removes Excel's data validation, after which the
level cells accept anything. For .xlsx/.xlsm files made by perfxl, each project sheet must
still carry list validations. Reading this through openpyxl would load the whole workbook;
instead the sheet parts are located through the workbook's relationships (parsed with
defusedxml) and their validation elements counted, which costs a few milliseconds.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

from defusedxml import ElementTree

from .errors import WARNING
from .extract import Finding
from .reader import ReadWorkbook
from .rules import RULES

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name inside the zip."""
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
    out = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        rid = sheet.get(f"{{{_NS['r']}}}id")
        target = targets.get(rid)
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[sheet.get("name") or ""] = path
    return out


def list_validation_counts(path: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf:
        for name, part in sheet_parts(zf).items():
            try:
                data = zf.read(part)
            except KeyError:
                continue
            counts[name] = data.count(b'type="list"')
    return counts


def structure_findings(rb: ReadWorkbook) -> list[Finding]:
    if rb.info.format not in ("xlsx", "xlsm") or rb.identified_by != "meta":
        return []
    try:
        counts = list_validation_counts(str(rb.path))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []
    findings = []
    for project in rb.projects:
        if counts.get(project.sheet, 0) == 0:
            findings.append(
                Finding(
                    "S004",
                    WARNING,
                    project.sheet,
                    "",
                    f"「{project.sheet}」中的下拉列表（一级、二级指标等）已被删除",
                    RULES["S004"].hint,
                    project.sheet,
                )
            )
    return findings
