"""Check or extract many returned files: each file alone, over all cores, none lost.

Every input ends in exactly one :class:`FileReport` — read and checked, or unreadable with
the reason as a finding — so a batch report always accounts for every file given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfxl.core.catalogue import finding
from perfxl.core.errors import ERROR, WARNING, PerfxlError
from perfxl.core.findings import Finding
from perfxl.layout.templates import template_set
from perfxl.read.convert import definition, to_yaml
from perfxl.read.guard import IntakeError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# Files handed to a worker at a time: small and fixed, so the results waiting to be
# collected never grow with the size of the batch (they did with len // workers).
CHUNK = 8


@dataclass
class FileReport:
    path: str
    layout: str | None
    ok: bool  # no error finding
    readable: bool
    projects: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    definition_yaml: str | None = None
    annotated: str | None = None
    year: int | None = None
    money_unit: str | None = None
    format: str | None = None  # "xlsx" | "xlsm" | "xls" | "ods", once read

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "layout": self.layout,
            "ok": self.ok,
            "projects": self.projects,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class RunOptions:
    templates: tuple[Path, ...] = ()
    annotate_dir: Path | None = None
    want_definition: bool = False
    want_projects: bool = True  # the extracted data (JSON report); text reports need only findings


def expand_workbooks(items: Iterable[Path]) -> list[Path]:
    """Files as given (whatever their suffix: intake will say what they are); folders
    contribute their workbooks, recursively, in a stable order."""
    out: list[Path] = []
    for item in items:
        if item.is_dir():
            out.extend(
                sorted(
                    (
                        p
                        for p in item.rglob("*")
                        if p.is_file()
                        and p.suffix.lower() in WORKBOOK_SUFFIXES
                        and not p.name.startswith(("~$", ".~lock"))
                    ),
                    key=lambda p: str(p),
                )
            )
        else:
            out.append(item)
    return out


def check_file(path: Path, options: RunOptions) -> FileReport:
    report = _check_file(path, options)
    if options.annotate_dir is not None and report.readable:
        _annotate(path, report, options.annotate_dir)
    return report


def _check_file(path: Path, options: RunOptions) -> FileReport:
    from perfxl.checks.rules import check_workbook
    from perfxl.read.locate import read_workbook

    templates = template_set(options.templates)
    try:
        rb = read_workbook(path, templates)
    except IntakeError as exc:
        return FileReport(str(path), None, False, False, findings=[finding(exc.code, detail=exc)])
    except PerfxlError as exc:
        return FileReport(str(path), None, False, False, findings=[finding("R008", detail=exc)])
    except Exception as exc:  # a parser's own failure on a damaged file must not stop the batch
        detail = f"「{path.name}」无法读取：{type(exc).__name__}: {exc}"
        return FileReport(str(path), None, False, False, findings=[finding("R004", detail=detail)])
    result = check_workbook(rb, reports=options.want_projects)
    try:
        from perfxl.checks.structure import structure_findings

        result.findings.extend(structure_findings(rb))
    except ImportError:  # pragma: no cover
        pass
    report = FileReport(
        str(path),
        rb.layout.id,
        ok=not any(f.severity == ERROR for f in result.findings),
        readable=True,
        projects=[
            {"name": p.name, "sheet": p.sheet, "fields": p.fields, "indicators": p.indicators}
            for p in result.projects
        ]
        if options.want_projects
        else [],
        findings=result.findings,
        year=rb.year,
        money_unit=rb.money_unit,
    )
    if options.want_definition:
        report.definition_yaml = to_yaml(definition(rb, result.typed), path.name)
    report.format = rb.info.format
    return report


def _annotate(path: Path, report: FileReport, annotate_dir: Path) -> None:
    """The annotated copy (openpyxl builds object graphs with cycles: the collector runs)."""
    from perfxl.report.annotate import annotate

    try:
        report.annotated = str(annotate(path, report.findings, annotate_dir, report.format or ""))
    except PerfxlError as exc:
        report.findings.append(finding("O001", detail=exc))
        report.ok = False


def run_checks(
    paths: list[Path],
    options: RunOptions,
    workers: int = 1,
    on_done: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Check every path; the reports keep the input order."""
    if workers <= 1 or len(paths) <= 1:
        reports = []
        for path in paths:
            report = check_file(path, options)
            reports.append(report)
            if on_done:
                on_done(report)
        return reports
    with ProcessPoolExecutor(max_workers=workers) as pool:
        reports = []
        for report in pool.map(check_file, paths, [options] * len(paths), chunksize=CHUNK):
            reports.append(report)
            if on_done:
                on_done(report)
        return reports


def summary(reports: list[FileReport]) -> dict[str, int]:
    return {
        "files": len(reports),
        "errors": sum(r.errors for r in reports),
        "warnings": sum(r.warnings for r in reports),
    }
