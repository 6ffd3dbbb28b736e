"""The one kind of finding every stage reports.

A finding is data, never an exception: a problem in a project definition (YAML, with line and
column) or in a returned workbook (with sheet and cell), with a stable code whose severity,
title and hint the rule catalogue decides. Every message follows one grammar: where, what is
wrong, how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABEL = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    sheet: str
    cell: str
    message: str
    hint: str
    project: str = ""

    def to_dict(self) -> dict[str, str]:
        """The finding in the JSON report (docs/check.md); its keys are a stable contract."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }
