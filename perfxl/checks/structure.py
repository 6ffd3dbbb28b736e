"""Structural checks that values alone cannot show: are the dropdowns still there?

Pasting over validated cells silently removes Excel's data validation, after which the
level cells accept anything. For .xlsx/.xlsm files made by perfxl, each project sheet must
still carry list validations. Reading this through openpyxl would load the whole workbook;
instead the guard's pass, which inflates every sheet part anyway, parses each sheet part for its
list validations (``FileInfo.dropdowns``, see ``read/facts.py``), and this module only judges.
"""

from __future__ import annotations

from perfxl.core.catalogue import finding
from perfxl.core.findings import Finding
from perfxl.read.locate import ReadWorkbook


def structure_findings(rb: ReadWorkbook) -> list[Finding]:
    dropdowns = rb.info.dropdowns
    if rb.info.format not in ("xlsx", "xlsm") or rb.identified_by != "meta" or dropdowns is None:
        return []
    findings = []
    for project in rb.projects:
        if not dropdowns.get(project.sheet, False):
            findings.append(finding("S004", sheet=project.sheet, project=project.sheet))
    return findings
