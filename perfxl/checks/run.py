"""Check or extract many returned files: each file alone, over all cores, none lost.

Every input ends in exactly one :class:`FileReport` — read and checked, or unreadable with
the reason as a finding — so a batch report always accounts for every file given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from perfxl.core.catalogue import finding
from perfxl.core.errors import ERROR, PerfxlError
from perfxl.core.parallel import parallel_map
from perfxl.layout.templates import template_set
from perfxl.read.convert import definition, to_yaml
from perfxl.read.guard import IntakeError
from perfxl.results import CheckedFile

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

# The report of one file; the name the check stage has always used for it.
FileReport = CheckedFile


@dataclass(frozen=True)
class RunOptions:
    templates: tuple[Path, ...] = ()
    annotate_dir: Path | None = None
    want_definition: bool = False
    want_projects: bool = True  # the extracted data (JSON report); text reports need only findings
    framework: str | None = None  # check every form under this framework, whatever it shows


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
        report = _annotate(path, report, options.annotate_dir)
    return report


def _check_file(path: Path, options: RunOptions) -> FileReport:
    from perfxl.checks.rules import check_workbook
    from perfxl.read.locate import read_workbook

    templates = template_set(options.templates)
    try:
        rb = read_workbook(path, templates, framework_id=options.framework)
    except IntakeError as exc:
        return _unreadable(path, exc.code, exc)
    except PerfxlError as exc:
        return _unreadable(path, "R008", exc)
    except Exception as exc:  # a parser's own failure on a damaged file must not stop the batch
        return _unreadable(path, "R004", f"「{path.name}」无法读取：{type(exc).__name__}: {exc}")
    result = check_workbook(rb, reports=options.want_projects)
    try:
        from perfxl.checks.structure import structure_findings

        result.findings.extend(structure_findings(rb))
    except ImportError:  # pragma: no cover
        pass
    return CheckedFile(
        str(path),
        rb.layout.id,
        ok=not any(f.severity == ERROR for f in result.findings),
        readable=True,
        projects=tuple(
            {"name": p.name, "sheet": p.sheet, "fields": p.fields, "indicators": p.indicators}
            for p in result.projects
        )
        if options.want_projects
        else (),
        findings=tuple(result.findings),
        definition_yaml=to_yaml(definition(rb, result.typed), path.name)
        if options.want_definition
        else None,
        year=rb.year,
        money_unit=rb.money_unit,
        format=rb.info.format,
        properties=dict(rb.info.properties),
    )


def _unreadable(path: Path, code: str, detail: object) -> CheckedFile:
    return CheckedFile(str(path), None, False, False, findings=(finding(code, detail=detail),))


def crashed(path: Path, exc: BaseException) -> CheckedFile:
    """The report of a file whose reading killed its worker process (a native parser's
    abort on a damaged file): unreadable, the rest of the batch goes on."""
    return _unreadable(
        path, "R004", f"「{path.name}」无法读取：读取时进程意外终止（{type(exc).__name__}）"
    )


def _annotate(path: Path, report: CheckedFile, annotate_dir: Path) -> CheckedFile:
    """The annotated copy (openpyxl builds object graphs with cycles: the collector runs)."""
    from perfxl.report.annotate import annotate

    try:
        written = annotate(path, list(report.findings), annotate_dir, report.format or "")
    except PerfxlError as exc:
        failure = finding("O001", detail=exc)
        return replace(report, findings=(*report.findings, failure), ok=False)
    return replace(report, annotated=str(written))


def run_checks(
    paths: list[Path],
    options: RunOptions,
    workers: int = 1,
    on_done: Callable[[CheckedFile], None] | None = None,
) -> list[CheckedFile]:
    """Check every path; the reports keep the input order. A file whose reading kills its
    worker process is reported unreadable (R004); the others are checked as usual."""
    return parallel_map(
        partial(check_file, options=options), paths, workers, on_done, on_crash=crashed
    )


def summary(reports: Iterable[CheckedFile]) -> dict[str, int]:
    reports = list(reports)
    return {
        "files": len(reports),
        "errors": sum(r.errors for r in reports),
        "warnings": sum(r.warnings for r in reports),
    }
