"""Diagnostics and the few exceptions perfxl raises.

Bad user data is reported as findings (:class:`~perfxl.core.findings.Finding`, called
``Diagnostic`` where a definition is loaded) collected in a list; an exception is
raised only when a step cannot go on (the input cannot be loaded, the output cannot be
written). Every message is in Chinese and follows one grammar: where, what is wrong, how to fix.
"""

from __future__ import annotations

from perfxl.core.findings import ERROR, INFO, SEVERITY_LABEL, WARNING, Finding, Location

# A problem in a project definition is a finding like any other (with file, line and column);
# the define stage and its callers know it by this name.
Diagnostic = Finding

__all__ = [
    "ERROR",
    "INFO",
    "SEVERITY_LABEL",
    "WARNING",
    "DefinitionError",
    "Diagnostic",
    "DuplicateError",
    "Location",
    "OutputError",
    "Cancelled",
    "PerfxlError",
    "TemplateError",
]


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


class DuplicateError(PerfxlError):
    """``merge --duplicates stop`` found the same project in several files (its own exit code)."""


class Cancelled(PerfxlError):
    """The caller stopped a batch: its ``progress`` callback raised this. The call stops at the
    next item, leaves no half-written output (every file is written atomically) and lets this
    exception through unchanged."""

    def __init__(self, message: str = "已取消。"):
        super().__init__(message)
