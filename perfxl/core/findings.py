"""The one kind of finding every stage reports.

A finding is data, never an exception: a problem in a project definition (YAML, with file,
line and column) or in a returned workbook (with sheet and cell), with a stable code whose
severity, title, message template and hint the rule catalogue decides
(:func:`perfxl.core.catalogue.finding` is the only way to make one). Every message follows one
grammar: where, what is wrong, how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABEL = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


class Location(NamedTuple):
    """A place in a source file; line and column are 1-based. (A tuple: one is made for
    every YAML value, so it must be cheap.)"""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    sheet: str
    cell: str
    message: str
    hint: str
    project: str = ""
    file: str = ""  # a source file (YAML); workbook findings name their file in the report
    line: int | None = None
    column: int | None = None

    @property
    def location(self) -> Location | None:
        """Where in a source file, for findings about a project definition."""
        return Location(self.file, self.line, self.column) if self.file else None

    def format(self) -> str:
        """One line: ``path:line:col：错误：message（hint）``, as the CLI prints it."""
        where = f"{self.location}：" if self.file else ""
        text = f"{where}{SEVERITY_LABEL[self.severity]}：{self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The finding in the JSON report (docs/check.md); its keys are a stable contract.
        The source location keys appear only on findings that have one."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "hint": self.hint,
        }
        if self.file:
            data["file"] = self.file
        if self.line is not None:
            data["line"] = self.line
        if self.column is not None:
            data["column"] = self.column
        return data
