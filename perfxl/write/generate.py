"""``generate``: project definitions (YAML) → formatted workbooks, one per input file.

A batch is all-or-nothing: every input is loaded (once, over all cores) and checked first,
and only when none has an error are the loaded documents written (in parallel, each
atomically). So a typo in one of twenty files never leaves a half-updated output folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from perfxl.core.errors import PerfxlError, TemplateError
from perfxl.core.parallel import parallel_map
from perfxl.define.model import Document, LoadOptions, load_document
from perfxl.layout.templates import template_set
from perfxl.results import GeneratedFile, GenerateResult, LoadResult
from perfxl.write.workbook import DocumentWriter, WriteOptions

BATCH_FAILED = "同一批中有文件存在错误，未生成任何工作簿（改正后重新生成整批）"


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


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


def load_source(source: Path, options: LoadOptions) -> LoadResult:
    """Load one definition; bad data gives a result that says what is wrong, not an error.
    A broken layout under templates/ cannot be worked around: it is raised."""
    try:
        doc = load_document(source, options)
    except TemplateError:
        raise
    except PerfxlError as exc:
        return LoadResult(str(source), None, tuple(exc.diagnostics), exc.format())
    return LoadResult(str(source), doc, tuple(doc.diagnostics))


def write_document(
    doc: Document, output: Path, options: LoadOptions, write_options: WriteOptions
) -> None:
    DocumentWriter(template_set(options.templates), write_options).write(doc, output)


def _write_job(
    item: tuple[Document, Path], options: LoadOptions, write_options: WriteOptions
) -> str | None:
    doc, output = item
    try:
        write_document(doc, output, options, write_options)
    except PerfxlError as exc:
        return exc.format()
    return None


def _load_crashed(source: Path, exc: BaseException) -> LoadResult:
    message = f"{source}：错误：读取时进程意外终止（{type(exc).__name__}）"
    return LoadResult(str(source), None, (), message)


def _write_crashed(item: tuple[Document, Path], exc: BaseException) -> str:
    return f"{item[1]}：错误：写入时进程意外终止（{type(exc).__name__}），未生成"


def _indicators(doc: Document) -> int:
    return sum(len(p.indicators) for p in doc.projects)


def run_jobs(
    jobs: list[Job],
    options: LoadOptions,
    write_options: WriteOptions,
    workers: int = 1,
    on_done: Callable[[object], None] | None = None,
    loaded: list[LoadResult] | None = None,
) -> GenerateResult:
    """Load every job's definition (unless ``loaded`` already holds them, in job order),
    then — only when none has an error — write every workbook; ``on_done`` is called once
    per job for each of the two passes."""
    if loaded is None:
        loaded = parallel_map(
            partial(load_source, options=options),
            [j.source for j in jobs],
            workers,
            on_done,
            on_crash=_load_crashed,
        )
    if not all(result.ok for result in loaded):
        return GenerateResult(
            tuple(
                GeneratedFile(
                    str(job.source),
                    str(job.output),
                    result.projects,
                    result.indicators,
                    result.diagnostics,
                    error=result.error if not result.ok else BATCH_FAILED,
                    loaded=result.ok,
                )
                for job, result in zip(jobs, loaded)
            )
        )
    documents = [result.document for result in loaded]
    items = [(doc, job.output) for doc, job in zip(documents, jobs) if doc is not None]
    errors = parallel_map(
        partial(_write_job, options=options, write_options=write_options),
        items,
        workers,
        on_done,
        on_crash=_write_crashed,
    )
    return GenerateResult(
        tuple(
            GeneratedFile(
                str(job.source),
                str(job.output),
                len(doc.projects),
                _indicators(doc),
                tuple(doc.diagnostics),
                error=error,
                written=error is None,
            )
            for job, (doc, _), error in zip(jobs, items, errors)
        )
    )


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
