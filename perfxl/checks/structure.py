"""Structural checks that values alone cannot show: are the dropdowns still there?

Pasting over validated cells silently removes Excel's data validation, after which the
level cells accept anything. For .xlsx/.xlsm files made by perfxl, each project sheet must
still carry list validations. Reading this through openpyxl would load the whole workbook;
instead the intake pass, which inflates every sheet part anyway, counts each sheet's list
validations (``FileInfo.list_validations``), and this module only judges the counts.
"""

from __future__ import annotations

from perfxl.core.catalogue import finding
from perfxl.core.findings import Finding
from perfxl.read.locate import ReadWorkbook


def structure_findings(rb: ReadWorkbook) -> list[Finding]:
    counts = rb.info.list_validations
    if rb.info.format not in ("xlsx", "xlsm") or rb.identified_by != "meta" or counts is None:
        return []
    findings = []
    for project in rb.projects:
        if counts.get(project.sheet, 0) == 0:
            findings.append(finding("S004", sheet=project.sheet, project=project.sheet))
    return findings
