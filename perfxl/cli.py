"""Command line: ``perfxl generate | layouts``.

Only argument parsing and output live here; each command calls one library function and maps
its outcome to text and an exit code: 0 success, 1 findings (check/merge), 2 bad input or a
wrong call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from perfxl import __version__, i18n
from perfxl.core.errors import ERROR, INFO, WARNING, Diagnostic, PerfxlError
from perfxl.define.model import LoadOptions
from perfxl.layout.templates import template_set
from perfxl.write.generate import check_all, default_workers, expand_inputs, plan_outputs, run_jobs
from perfxl.write.workbook import WriteOptions

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
T = TypeVar("T")

app = typer.Typer(
    name="perfxl",
    help="财政项目支出绩效目标表工具：由 YAML 生成格式完整的 Excel 表样，回收检查并汇总。",
    add_completion=False,
    no_args_is_help=True,
    # our own --help (below) so that its text is Chinese too
    context_settings={"help_option_names": []},
)

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


def _setup_streams() -> None:
    """Keep output readable on a Chinese Windows console (GBK): never crash on a character
    the console cannot show, replace it instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - exotic streams
                pass


def _print_diagnostics(diags: list[Diagnostic], show_info: bool = True) -> None:
    for diag in diags:
        if diag.severity == INFO and not show_info:
            continue
        style = {ERROR: "red", WARNING: "yellow", INFO: "dim"}[diag.severity]
        _err.print(diag.format(), style=style, markup=False)


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        text = ctx.get_help()
        if text:
            typer.echo(text)
        raise typer.Exit()


HelpOption = Annotated[
    bool | None,
    typer.Option(
        "-h",
        "--help",
        callback=_show_help,
        is_eager=True,
        expose_value=False,
        help="显示帮助并退出。",
        rich_help_panel="选项",
    ),
]


# options several commands share, declared once
TemplatesOption = Annotated[
    list[Path] | None,
    typer.Option("--templates", help="自定义模板文件夹（优先）", rich_help_panel="选项"),
]
JobsOption = Annotated[
    int | None,
    typer.Option("-j", "--jobs", min=1, help="并行进程数（默认 CPU 核数）", rich_help_panel="选项"),
]


def _version(value: bool) -> None:
    if value:
        _out.print(f"perfxl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="显示版本并退出。",
            rich_help_panel="选项",
        ),
    ] = None,
    _help: HelpOption = None,
) -> None:
    """财政项目支出绩效目标表工具：由 YAML 生成格式完整的 Excel 表样，回收检查并汇总。"""


@app.command(rich_help_panel="命令")
def generate(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="项目定义 YAML 文件或文件夹", show_default=False, rich_help_panel="参数"
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="输出文件夹，或单个输入时的 .xlsx 文件名", rich_help_panel="选项"
        ),
    ] = None,
    blank_rows: Annotated[
        int | None,
        typer.Option(
            "--blank-rows", min=0, max=200, help="已填指标下的空白指标行数", rich_help_panel="选项"
        ),
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option("--lenient", help="未知的一级/二级指标只警告", rich_help_panel="选项"),
    ] = False,
    no_merge_levels: Annotated[
        bool,
        typer.Option(
            "--no-merge-levels", help="不合并相同的一级/二级单元格", rich_help_panel="选项"
        ),
    ] = False,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="不显示提示和进度条", rich_help_panel="选项")
    ] = False,
    _help: HelpOption = None,
) -> None:
    """由项目定义（YAML）生成绩效目标表（.xlsx）。"""
    try:
        sources = expand_inputs(files)
        if not sources:
            raise PerfxlError("错误：没有找到任何 YAML 文件")
        plan = plan_outputs(sources, output)
        options = LoadOptions(
            templates=tuple(templates or ()), lenient_levels=lenient, blank_rows=blank_rows
        )
        template_set(options.templates)  # fail early on a missing --templates folder
    except PerfxlError as exc:
        _err.print(exc.format(), style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    checked = check_all(plan, options)
    failed = [o for o in checked if not o.ok]
    for outcome in checked:
        if outcome.ok:
            _print_diagnostics(outcome.diagnostics, show_info=not quiet)
    if failed:
        for outcome in failed:
            _err.print(outcome.error or "", style="red", markup=False)
        _err.print(
            f"有 {len(failed)} 个文件存在错误，未生成任何工作簿。", style="red bold", markup=False
        )
        raise typer.Exit(EXIT_BAD_INPUT)

    write_options = WriteOptions(merge_levels=not no_merge_levels)
    workers = jobs or default_workers()
    results = _with_progress(
        "生成中",
        len(plan),
        not quiet,
        lambda on_done: run_jobs(plan, options, write_options, workers, on_done),
    )
    bad = [r for r in results if not r.ok]
    for r in results:
        if r.ok and not quiet:
            _out.print(f"已生成 {r.job.output}（{r.projects} 个项目）", markup=False)
        elif not r.ok:
            _err.print(r.error or "", style="red", markup=False)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


def _with_progress(
    label: str, total: int, show: bool, run: Callable[[Callable[..., None] | None], T]
) -> T:
    """Run ``run(on_done)``; with ``show``, a progress bar on stderr advances at each call."""
    if not show or total < 2:
        return run(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        return run(lambda *_: progress.advance(task))


@app.command(rich_help_panel="命令")
def blank(
    roster: Annotated[
        Path,
        typer.Argument(
            help="单位名单：YAML、CSV 或 XLSX", show_default=False, rich_help_panel="参数"
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出文件夹", rich_help_panel="选项")
    ] = Path("空白表"),
    layout: Annotated[
        str | None, typer.Option("--layout", help="表样（名单中未写时）", rich_help_panel="选项")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="年度（名单中未写时）", rich_help_panel="选项")
    ] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="指标体系", rich_help_panel="选项")
    ] = None,
    money_unit: Annotated[
        str | None,
        typer.Option("--money-unit", help="金额单位：元 或 万元", rich_help_panel="选项"),
    ] = None,
    blank_rows: Annotated[
        int | None,
        typer.Option("--blank-rows", min=0, max=200, help="空白指标行数", rich_help_panel="选项"),
    ] = None,
    per_project: Annotated[
        bool,
        typer.Option(
            "--per-project", help="每个项目一个文件（默认每个单位一个）", rich_help_panel="选项"
        ),
    ] = False,
    sheets: Annotated[
        int,
        typer.Option(
            "--sheets",
            min=1,
            max=50,
            help="名单未列项目时每个文件的空白项目表数",
            rich_help_panel="选项",
        ),
    ] = 1,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="覆盖已有的同名文件", rich_help_panel="选项")
    ] = False,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="不显示进度条", rich_help_panel="选项")
    ] = False,
    _help: HelpOption = None,
) -> None:
    """按单位名单生成发给各单位的空白表（表头已填好，附填报说明）。"""
    from perfxl.write.blank import (
        BlankOptions,
        load_roster,
        plan_blank,
        write_blank,
        write_manifest,
    )

    options = BlankOptions(
        layout=layout,
        year=year,
        framework=framework,
        money_unit=money_unit,
        blank_rows=blank_rows,
        per_project=per_project,
        sheets=sheets,
        overwrite=overwrite,
        templates=tuple(templates or ()),
    )
    try:
        files = plan_blank(load_roster(roster), options, output)
        if output.exists() and not output.is_dir():
            raise PerfxlError(f"{output}：错误：输出位置已存在且不是文件夹")
        output.mkdir(parents=True, exist_ok=True)
        workers = jobs or default_workers()
        results = _with_progress(
            "生成中",
            len(files),
            not quiet,
            lambda on_done: write_blank(files, options, workers, on_done),
        )
        manifest = write_manifest(files, results, output)
    except (PerfxlError, OSError) as exc:
        message = exc.format() if isinstance(exc, PerfxlError) else f"错误：无法写入（{exc}）"
        _err.print(message, style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    failed = [r for r in results if r]
    for error in failed:
        _err.print(error, style="red", markup=False)
    _out.print(
        f"已生成 {len(files) - len(failed)} 个空白表到 {output}，清单：{manifest}", markup=False
    )
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _require_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        _err.print(
            f"用法错误：--format 只能是 {' 或 '.join(allowed)}，不是「{fmt}」",
            style="red",
            markup=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)


def _workbooks_or_exit(paths: list[Path]) -> list[Path]:
    if not paths:
        _err.print("错误：没有找到任何工作簿", style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    return paths


@app.command(rich_help_panel="命令")
def check(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="交回的工作簿或文件夹（.xlsx .xlsm .xls .ods）",
            show_default=False,
            rich_help_panel="参数",
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="输出格式：text 或 json", rich_help_panel="选项")
    ] = "text",
    annotate: Annotated[
        Path | None,
        typer.Option("--annotate", help="把标注了问题的副本写到此文件夹", rich_help_panel="选项"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="把报告写到文件", rich_help_panel="选项")
    ] = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool,
        typer.Option("-q", "--quiet", help="不显示提示级别的问题和进度条", rich_help_panel="选项"),
    ] = False,
    _help: HelpOption = None,
) -> None:
    """检查交回的工作簿：逐格列出问题和修改方法（退出码：0 无错误，1 有错误，2 有文件无法读取）。"""
    from perfxl.checks.run import RunOptions, expand_workbooks, summary
    from perfxl.report.render import render_json, render_text

    _require_format(fmt, ("text", "json"))
    paths = _workbooks_or_exit(expand_workbooks(files))
    options = RunOptions(
        templates=tuple(templates or ()), annotate_dir=annotate, want_projects=fmt == "json"
    )
    reports = _run_checks(paths, options, jobs, show=not quiet and fmt == "text" and output is None)
    if fmt == "json":
        text = render_json(reports)
    else:
        text = render_text(reports, show_info=not quiet)
    if output is not None:
        _write_text_atomic(output, text)
    elif fmt == "json":
        sys.stdout.write(text + "\n")
    else:
        _out.print(text, markup=False, highlight=False)
    totals = summary(reports)
    if any(not r.readable for r in reports):
        raise typer.Exit(EXIT_BAD_INPUT)
    if totals["errors"]:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(rich_help_panel="命令")
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(help="交回的工作簿或文件夹", show_default=False, rich_help_panel="参数"),
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="输出格式：yaml 或 json", rich_help_panel="选项")
    ] = "yaml",
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="输出文件或文件夹（默认显示在屏幕上）", rich_help_panel="选项"
        ),
    ] = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    _help: HelpOption = None,
) -> None:
    """从交回的工作簿中读出项目定义（YAML 可再由 generate 生成同样的表）。"""
    import json

    from perfxl.checks.run import RunOptions, expand_workbooks
    from perfxl.report.render import render_json

    _require_format(fmt, ("yaml", "json"))
    paths = _workbooks_or_exit(expand_workbooks(files))
    reports = _run_checks(
        paths,
        RunOptions(templates=tuple(templates or ()), want_definition=fmt == "yaml"),
        jobs,
        show=False,
    )
    bad = [r for r in reports if not r.readable]
    for r in bad:
        for f in r.findings:
            _err.print(f"{r.path}：错误：{f.message}（{f.hint}）", style="red", markup=False)
    good = [r for r in reports if r.readable]
    if fmt == "json":
        data = json.loads(render_json(good))
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output is not None:
            _write_text_atomic(output, text + "\n")
        else:
            sys.stdout.write(text + "\n")
    elif output is not None and (len(good) > 1 or output.suffix.lower() not in (".yaml", ".yml")):
        output.mkdir(parents=True, exist_ok=True)
        for r in good:
            _write_text_atomic(output / f"{Path(r.path).stem}.yaml", r.definition_yaml or "")
            _out.print(f"已写出 {output / (Path(r.path).stem + '.yaml')}", markup=False)
    elif output is not None:
        _write_text_atomic(output, good[0].definition_yaml or "" if good else "")
    else:
        for r in good:
            sys.stdout.write(r.definition_yaml or "")
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


def _run_checks(paths, options, jobs, show: bool):  # type: ignore[no-untyped-def]
    from perfxl.checks.run import run_checks

    workers = jobs or default_workers()
    return _with_progress(
        "检查中", len(paths), show, lambda on_done: run_checks(paths, options, workers, on_done)
    )


def _write_text_atomic(path: Path, text: str) -> None:
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        _err.print(f"{path}：错误：无法写入（{exc.strerror or exc}）", style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command(rich_help_panel="命令")
def merge(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="工作簿、文件夹（含子文件夹）或通配符，如 回收/**/*.xlsx",
            show_default=False,
            rich_help_panel="参数",
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="汇总表（.xlsx）", rich_help_panel="选项")
    ] = Path("汇总.xlsx"),
    title: Annotated[
        str | None, typer.Option("--title", help="汇总表标题", rich_help_panel="选项")
    ] = None,
    group: Annotated[
        str,
        typer.Option(
            "--group",
            help="按单位汇总的方式：department（主管部门）或 unit（实施单位）",
            rich_help_panel="选项",
        ),
    ] = "department",
    money_unit: Annotated[
        str,
        typer.Option("--money-unit", help="汇总表的金额单位：元 或 万元", rich_help_panel="选项"),
    ] = "元",
    duplicates: Annotated[
        str,
        typer.Option(
            "--duplicates",
            help="重复项目：keep（都保留并标注）、newer（保留较新的）、stop（不生成）",
            rich_help_panel="选项",
        ),
    ] = "keep",
    strict: Annotated[
        bool, typer.Option("--strict", help="有错误的项目不合并", rich_help_panel="选项")
    ] = False,
    forms: Annotated[
        bool,
        typer.Option(
            "--forms", help="另把每个项目的表作为一张工作表附在后面", rich_help_panel="选项"
        ),
    ] = False,
    csv_dir: Annotated[
        Path | None,
        typer.Option("--csv", help="另把项目表和指标表写成 CSV 到此文件夹", rich_help_panel="选项"),
    ] = None,
    sqlite_path: Annotated[
        Path | None,
        typer.Option("--sqlite", help="另把数据写入此 SQLite 文件", rich_help_panel="选项"),
    ] = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="不显示进度条", rich_help_panel="选项")
    ] = False,
    _help: HelpOption = None,
) -> None:
    """把多个单位交回的工作簿合并成一张汇总表（有未合并的文件时退出码为 1）。"""
    from perfxl.merging.summary import MergeOptions, expand_inputs
    from perfxl.merging.summary import merge as run_merge

    paths = _workbooks_or_exit(expand_inputs(inputs))
    options = MergeOptions(
        title=title,
        group=group,
        money_unit=money_unit,
        duplicates=duplicates,
        strict=strict,
        forms=forms,
        templates=tuple(templates or ()),
        csv_dir=csv_dir,
        sqlite_path=sqlite_path,
    )
    workers = jobs or default_workers()
    try:
        result = _with_progress(
            "读取中",
            len(paths),
            not quiet,
            lambda on_done: run_merge(paths, output, options, workers, on_done),
        )
    except PerfxlError as exc:
        _err.print(exc.format(), style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _out.print(
        f"已生成 {result.output}：{result.files} 个文件中合并了 {result.merged_files} 个，"
        f"共 {result.projects} 个项目、{result.indicators} 个指标。",
        markup=False,
    )
    for where, reason in result.not_merged:
        _err.print(f"未合并：{where}：{reason}", style="yellow", markup=False)
    if result.not_merged:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(rich_help_panel="命令")
def rules(_help: HelpOption = None) -> None:
    """列出全部检查规则（代码、严重程度、含义和修改方法）。"""
    from perfxl.checks.catalogue import catalogue_markdown

    _out.print(catalogue_markdown(), markup=False, highlight=False)


@app.command(rich_help_panel="命令")
def layouts(
    templates: TemplatesOption = None,
    _help: HelpOption = None,
) -> None:
    """列出可用的表样（layout）和指标体系（framework）。"""
    try:
        ts = template_set(tuple(templates or ()))
        table = Table(title="表样", show_lines=False, safe_box=True)
        for col in ("表样 id", "名称", "版本", "默认指标体系", "金额单位"):
            table.add_column(col)
        for layout_id in ts.layout_ids():
            lay = ts.layout(layout_id)
            table.add_row(lay.id, lay.name, lay.version, lay.framework, lay.money_unit)
        _out.print(table)
        table = Table(title="指标体系", safe_box=True)
        for col in ("指标体系 id", "名称", "层级", "一级指标"):
            table.add_column(col)
        for fw_id in ts.framework_ids():
            fw = ts.framework(fw_id)
            table.add_row(fw.id, fw.name, "→".join(fw.levels), "、".join(fw.children(())))
        _out.print(table)
    except PerfxlError as exc:
        _err.print(exc.format(), style="red", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``perfxl`` command; exits with the command's code."""
    _setup_streams()
    command = typer.main.get_command(app)
    i18n.localize_help_strings()
    try:
        code = command.main(args=argv, prog_name="perfxl", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _err.print("已中止。", markup=False)
        sys.exit(130)
    except PerfxlError as exc:
        _err.print(exc.format(), style="red", markup=False)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        # usage errors of the command-line library (missing argument, bad option value …)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            _err.print(
                f"用法错误：{i18n.translate_usage(exc.format_message())}", style="red", markup=False
            )
            _err.print("运行 perfxl --help 或 perfxl 命令 --help 查看用法。", markup=False)
            sys.exit(EXIT_BAD_INPUT)
        raise
    sys.exit(code if isinstance(code, int) else 0)
