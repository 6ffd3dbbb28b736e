"""``generate``: project definitions (YAML) → formatted workbooks, one per input file.

A batch is all-or-nothing: every input is loaded and checked first, and only when none has an
error are workbooks written (in parallel, each atomically). So a typo in one of twenty files
never leaves a half-updated output folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from perfxl.core.errors import Diagnostic, PerfxlError
from perfxl.define.model import Document, LoadOptions, load_document
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter, WriteOptions


@dataclass
class Job:
    source: Path
    output: Path


@dataclass
class Outcome:
    job: Job
    ok: bool
    projects: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None


def plan_outputs(sources: list[Path], output: Path | None) -> list[Job]:
    """Decide where each input's workbook goes.

    One input and an ``-o`` ending in .xlsx: that file. Otherwise ``-o`` is a folder (default:
    the current folder) and each workbook is named after its input.
    """
    if output is not None and output.suffix.lower() == ".xlsx":
        if len(sources) != 1:
            raise PerfxlError(
                f"错误：有 {len(sources)} 个输入文件时，-o 应是文件夹而不是 {output.name}"
            )
        return [Job(sources[0], output)]
    folder = output if output is not None else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise PerfxlError(f"{folder}：错误：输出位置已存在且不是文件夹")
    jobs = [Job(src, folder / f"{src.stem}.xlsx") for src in sources]
    seen: dict[Path, Path] = {}
    for job in jobs:
        key = Path(os.path.normcase(job.output))
        if key in seen:
            raise PerfxlError(
                f"错误：{seen[key]} 和 {job.source} 会写到同一个文件 {job.output.name}（请改名其中一个，或分开生成）"
            )
        seen[key] = job.source
    return jobs


def write_document(
    doc: Document, output: Path, options: LoadOptions, write_options: WriteOptions
) -> None:
    DocumentWriter(template_set(options.templates), write_options).write(doc, output)


def _run_job(job: Job, options: LoadOptions, write_options: WriteOptions) -> Outcome:
    try:
        doc = load_document(job.source, options)
        write_document(doc, job.output, options, write_options)
    except PerfxlError as exc:
        return Outcome(job, False, error=exc.format(), diagnostics=exc.diagnostics)
    return Outcome(job, True, projects=len(doc.projects), diagnostics=doc.diagnostics)


def check_all(jobs: list[Job], options: LoadOptions) -> list[Outcome]:
    """Load every input without writing anything."""
    outcomes = []
    for job in jobs:
        try:
            doc = load_document(job.source, options)
        except PerfxlError as exc:
            outcomes.append(Outcome(job, False, error=exc.format(), diagnostics=exc.diagnostics))
        else:
            outcomes.append(
                Outcome(job, True, projects=len(doc.projects), diagnostics=doc.diagnostics)
            )
    return outcomes


def run_jobs(
    jobs: list[Job],
    options: LoadOptions,
    write_options: WriteOptions,
    workers: int = 1,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Write every job's workbook, spread over ``workers`` processes; results keep job order."""
    results: dict[int, Outcome] = {}
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            results[i] = _run_job(job, options, write_options)
            if on_done:
                on_done(results[i])
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            futures = {
                pool.submit(_run_job, job, options, write_options): i for i, job in enumerate(jobs)
            }
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                if on_done:
                    on_done(results[i])
    return [results[i] for i in range(len(jobs))]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def expand_inputs(items: Iterable[Path]) -> list[Path]:
    """Files as given; folders contribute their *.yaml / *.yml files (sorted)."""
    out: list[Path] = []
    for item in items:
        if item.is_dir():
            out.extend(sorted(p for p in item.iterdir() if p.suffix.lower() in (".yaml", ".yml")))
        else:
            out.append(item)
    return out
