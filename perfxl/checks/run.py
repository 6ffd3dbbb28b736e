"""Check or extract many returned files: each file alone, over all cores, none lost.

Every input ends in exactly one :class:`FileReport` — read and checked, or unreadable with
the reason as a finding — so a batch report always accounts for every file given.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from perfxl.core.catalogue import finding, rule
from perfxl.core.errors import ERROR, PerfxlError
from perfxl.core.findings import Finding
from perfxl.core.outputs import WORKBOOK_SUFFIXES
from perfxl.core.parallel import parallel_map
from perfxl.layout.templates import template_set
from perfxl.read.convert import definition, to_yaml
from perfxl.read.guard import IntakeError
from perfxl.results import CheckedFile

# The report of one file; the name the check stage has always used for it.
FileReport = CheckedFile


@dataclass(frozen=True)
class RunOptions:
    templates: tuple[Path, ...] = ()
    annotate_dir: Path | None = None
    want_definition: bool = False
    want_projects: bool = True  # the extracted data (JSON report); text reports need only findings
    framework: str | None = None  # check every form under this framework, whatever it shows
    skip_outputs: bool = False  # perfxl's own outputs are not returns (merge): M011
    profile: str | None = None  # score every self-evaluation by this profile (templates/profiles)


def expand_workbooks(items: Iterable[Path]) -> list[Path]:
    """Files as given (whatever their suffix: intake will say what they are); folders
    contribute their workbooks, recursively (symlinked folders too), in a stable order.

    What only looks like a workbook is listed as well, so that intake says why it cannot be
    read instead of it vanishing from the batch: a folder named ``x.xlsx``, a link to nothing,
    a link loop, a link back to a folder above it, a folder that cannot be opened."""
    out: list[Path] = []
    for item in items:
        if item.is_dir():
            found: list[Path] = []
            _walk(item, found, _visiting(item))
            out.extend(sorted(found, key=lambda p: str(p)))
        else:
            out.append(item)
    return out


def _definition_yaml(rb: Any, typed: Any, path: Path, options: RunOptions) -> str:
    """The definition generate reads: in the form's own layout, or — for a form read by the
    vocabulary — in the nearest layout of ours, with what it has no field for under extra:."""
    from perfxl.read.convert import nearest_definition

    if rb.identified_by == "family":
        data, missing = nearest_definition(rb, typed, template_set(options.templates))
        return to_yaml(data, path.name, nearest=True, missing=missing)
    return to_yaml(definition(rb, typed), path.name)


def _visiting(folder: Path) -> frozenset[tuple[int, int]]:
    st = folder.stat()
    return frozenset({(st.st_dev, st.st_ino)})


def _walk(folder: Path, out: list[Path], above: frozenset[tuple[int, int]]) -> None:
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except OSError:
        out.append(folder)  # intake: the folder cannot be opened
        return
    for name in names:
        path = folder / name
        looks = path.suffix.lower() in WORKBOOK_SUFFIXES and not name.startswith(("~$", ".~lock"))
        try:
            st = path.stat()
        except OSError:  # a link to nothing, or a loop of links
            if looks:
                out.append(path)
            continue
        if stat.S_ISDIR(st.st_mode):
            identity = (st.st_dev, st.st_ino)
            if identity in above:  # a link back to a folder being walked: a loop
                out.append(path)
                continue
            if looks:
                out.append(path)  # a folder named like a workbook: listed, and walked
            _walk(path, out, above | {identity})
        elif looks:
            out.append(path)


def check_file(path: Path, options: RunOptions, annotate_to: Path | None = None) -> FileReport:
    """Read and check one file; with ``annotate_to`` (or ``options.annotate_dir``) also write
    its annotated copy there (to that file; into that folder)."""
    report = _check_file(path, options)
    if report.readable:
        if annotate_to is None and options.annotate_dir is not None:
            from perfxl.report.annotate import annotated_name

            annotate_to = options.annotate_dir / annotated_name(path)
        if annotate_to is not None:
            report = _annotate(path, report, annotate_to)
    return report


def _check_item(item: tuple[Path, Path | None], options: RunOptions) -> FileReport:
    return check_file(item[0], options, item[1])


def _crashed_item(item: tuple[Path, Path | None], exc: BaseException) -> FileReport:
    return crashed(item[0], exc)


def _check_file(path: Path, options: RunOptions) -> FileReport:
    from perfxl.checks.rules import check_workbook
    from perfxl.read.locate import OwnOutput, read_workbook
    from perfxl.read.props import OUTPUT_KINDS

    templates = template_set(options.templates)
    try:
        rb = read_workbook(
            path, templates, framework_id=options.framework, skip_outputs=options.skip_outputs
        )
    except OwnOutput as exc:
        skipped = finding("M011", workbook=path.name, kind=OUTPUT_KINDS[exc.kind])
        return CheckedFile(str(path), None, False, False, findings=(skipped,))
    except IntakeError as exc:
        return _unreadable(path, exc.code, exc)
    except PerfxlError as exc:
        return _unreadable(path, "R008", exc)
    except Exception as exc:  # a parser's own failure on a damaged file must not stop the batch
        from perfxl.read.locate import reader_failure

        return _unreadable(path, "R004", reader_failure(path, exc))
    from perfxl.checks.rules import scoring_profile

    result = check_workbook(
        rb, reports=options.want_projects, profile=scoring_profile(rb, options.profile)
    )
    try:
        from perfxl.checks.structure import structure_findings

        result.findings.extend(structure_findings(rb))
    except ImportError:  # pragma: no cover
        pass
    findings = folded(result.findings, path.name)
    return CheckedFile(
        str(path),
        rb.layout.id,
        ok=not any(f.severity == ERROR for f in findings),
        readable=True,
        projects=tuple(
            {"name": p.name, "sheet": p.sheet, "fields": p.fields, "indicators": p.indicators}
            for p in result.projects
        )
        if options.want_projects
        else (),
        findings=tuple(findings),
        definition_yaml=_definition_yaml(rb, result.typed, path, options)
        if options.want_definition
        else None,
        year=rb.year,
        money_unit=rb.money_unit,
        format=rb.info.format,
        properties=dict(rb.info.properties),
    )


# Findings of one code listed per file. A real form has a few dozen indicator rows; a sheet
# with thousands of pasted rows (within the reading bounds) would otherwise list thousands of
# the same finding (35 s and 518 MB of JSON for a million), which no one reads.
MAX_SAME = 100


def folded(findings: list[Finding], workbook: str) -> list[Finding]:
    """``findings`` with at most MAX_SAME of each code, in order; the rest of a code are
    said in one R013 at the end (how many, of which code)."""
    seen: dict[str, int] = {}
    kept: list[Finding] = []
    for f in findings:
        seen[f.code] = seen.get(f.code, 0) + 1
        if seen[f.code] <= MAX_SAME:
            kept.append(f)
    for code, count in seen.items():
        if count > MAX_SAME:
            kept.append(
                finding(
                    "R013",
                    workbook=workbook,
                    count=count - MAX_SAME,
                    folded=code,
                    title=rule(code).title,
                    limit=MAX_SAME,
                )
            )
    return kept


def _unreadable(path: Path, code: str, detail: object) -> CheckedFile:
    return CheckedFile(str(path), None, False, False, findings=(finding(code, detail=detail),))


def crashed(path: Path, exc: BaseException) -> CheckedFile:
    """The report of a file whose reading killed its worker process (a native parser's
    abort on a damaged file the guard let through): unreadable (R011), the rest of the batch
    goes on."""
    return _unreadable(
        path,
        "R011",
        f"「{path.name}」无法读取：读取这个文件时读取程序意外终止（工作进程崩溃），"
        "文件很可能已损坏或是被恶意构造的；同一批的其他文件照常处理。",
    )


def _annotate(path: Path, report: CheckedFile, target: Path) -> CheckedFile:
    """The annotated copy (openpyxl builds object graphs with cycles: the collector runs)."""
    from perfxl.report.annotate import annotate

    try:
        written = annotate(
            path, list(report.findings), target.parent, report.format or "", target=target
        )
    except PerfxlError as exc:
        failure = finding("O001", detail=exc)
        return replace(report, findings=(*report.findings, failure), ok=False)
    return replace(report, annotated=str(written))


def run_checks(
    paths: list[Path],
    options: RunOptions,
    workers: int = 1,
    on_done: Callable[[CheckedFile], None] | None = None,
    annotate_to: Sequence[Path] | None = None,
) -> list[CheckedFile]:
    """Check every path; the reports keep the input order. A file whose reading kills its
    worker process is reported unreadable (R011); the others are checked as usual.
    ``annotate_to``: the annotated copy of each path (planned beforehand, one per input)."""
    targets: Sequence[Path | None] = annotate_to if annotate_to is not None else [None] * len(paths)
    return parallel_map(
        partial(_check_item, options=options),
        list(zip(paths, targets)),
        workers,
        on_done,
        on_crash=_crashed_item,
    )


def summary(reports: Iterable[CheckedFile]) -> dict[str, int]:
    reports = list(reports)
    return {
        "files": len(reports),
        "errors": sum(r.errors for r in reports),
        "warnings": sum(r.warnings for r in reports),
    }
