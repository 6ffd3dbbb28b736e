"""Diagnostics and the few exceptions perfxl raises.

Bad user data is reported as :class:`Diagnostic` objects collected in a list; an exception is
raised only when a step cannot go on (the input cannot be loaded, the output cannot be
written). Every message is in Chinese and follows one grammar: where, what is wrong, how to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
class Diagnostic:
    """One problem found while loading a definition, with its location and a hint."""

    severity: str
    message: str
    location: Location | None = None
    hint: str = ""

    def format(self) -> str:
        where = f"{self.location}：" if self.location else ""
        text = f"{where}{SEVERITY_LABEL[self.severity]}：{self.message}"
        if self.hint:
            text += f"（{self.hint}）"
        return text


class PerfxlError(Exception):
    """A step cannot go on. ``str(error)`` is a complete Chinese message."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []

    def format(self) -> str:
        lines = [d.format() for d in self.diagnostics]
        if not lines:
            lines = [str(self)]
        return "\n".join(lines)


class DefinitionError(PerfxlError):
    """A project definition (YAML) has errors; ``diagnostics`` lists all of them."""


class TemplateError(PerfxlError):
    """A layout or framework under templates/ is broken (a problem for the layout's author)."""


class OutputError(PerfxlError):
    """An output file cannot be written."""


def display_path(path: Path | str) -> str:
    return str(path)
