"""Command line: ``perfxl generate | blank | check | extract | merge | status | compare | rules |
layouts | ui``.

Only argument parsing and output live here; each command calls one function of
:mod:`perfxl.api` and maps its result to text and an exit code: 0 success, 1 findings
(check/merge), 2 bad input or a wrong call. ``--format json`` prints the result's
``to_dict()``. Everything beyond typer itself is imported when a command needs it, so
``perfxl --help`` and a check start quickly (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from perfxl import __version__, i18n
from perfxl.core.errors import PerfxlError

if TYPE_CHECKING:
    from rich.console import Console

    from perfxl.results import Progress

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
EXIT_DUPLICATES = 3  # merge --duplicates stop found the same project twice
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # Ctrl-C, SIGTERM (128 + the signal number)
STOPPED = "{why}：已停止全部处理进程；没有写出不完整的文件，临时文件已删除（已写完的文件保留）。"

app = typer.Typer(
    name="perfxl",
    help="财政项目支出绩效目标表工具：由 YAML 生成格式完整的 Excel 表样，回收检查并汇总。",
    add_completion=False,
    no_args_is_help=True,
    # our own --help (below) so that its text is Chinese too
    context_settings={"help_option_names": []},
)

_consoles: dict[bool, Console] = {}


def _console(stderr: bool) -> Console:
    """rich is imported only when something is printed through it."""
    if stderr not in _consoles:
        from rich.console import Console

        _consoles[stderr] = Console(stderr=stderr, highlight=False, soft_wrap=True)
    return _consoles[stderr]


def _say(text: str) -> None:
    _console(False).print(text, markup=False, highlight=False)


def _complain(text: str, style: str = "red") -> None:
    _console(True).print(text, style=style, markup=False, highlight=False)


def _emit_json(data: dict[str, Any], output: Path | None) -> None:
    """``--format json``: exactly the result's ``to_dict()``, to a file or stdout."""
    _emit(json.dumps(data, ensure_ascii=False, indent=2), output)


def _emit(text: str, output: Path | None) -> None:
    if output is not None:
        _write_report(output, text + "\n")
    else:
        sys.stdout.write(text + "\n")


def _write_report(path: Path, text: str) -> None:
    from perfxl.core.atomic import atomic_write

    atomic_write(path, text)


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


def _print_diagnostics(diags: Any, show_info: bool = True, summarise: bool = False) -> None:
    """Each diagnostic on a line of its own; hints (提示) only when ``show_info``, else, with
    ``summarise``, counted in one closing line that says how to see them."""
    hidden = []
    for diag in diags:
        if diag.severity == "info" and not show_info:
            hidden.append(diag)
            continue
        style = {"error": "red", "warning": "yellow", "info": "dim"}[diag.severity]
        _complain(diag.format(), style=style)
    if hidden and summarise:
        _complain(_hint_summary(hidden), style="dim")


def _hint_summary(hints: list[Any]) -> str:
    from collections import Counter

    from perfxl.core.catalogue import RULES

    counts = Counter(h.code for h in hints)
    kinds = "；".join(
        f"{RULES[code].title if code in RULES else code}（{code}）{n} 条"
        for code, n in counts.most_common()
    )
    return f"另有 {len(hints)} 条提示：{kinds}。加 --hints 逐条显示。"


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        i18n.localize_help_strings()
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
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="自评表的计分规则：national（全国通用，默认）或 hubei（湖北）",
        rich_help_panel="选项",
    ),
]
FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        help="按此指标体系检查（默认按表中记录或表上的指标名称判断）",
        rich_help_panel="选项",
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option("-j", "--jobs", min=1, help="并行进程数（默认 CPU 核数）", rich_help_panel="选项"),
]

QuietOption = Annotated[
    bool, typer.Option("-q", "--quiet", help="不显示进度条", rich_help_panel="选项")
]

FormatOption = Annotated[
    str, typer.Option("--format", help="输出格式：text 或 json", rich_help_panel="选项")
]


def _version(value: bool) -> None:
    if value:
        _say(f"perfxl {__version__}")
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
    month: Annotated[
        int | None,
        typer.Option(
            "--month",
            min=1,
            max=12,
            help="运行监控表的监控月份 N（1-N 月，默认 7；覆盖 YAML 中的 month）",
            rich_help_panel="选项",
        ),
    ] = None,
    profile: ProfileOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="不显示提示和进度条", rich_help_panel="选项")
    ] = False,
    hints: Annotated[
        bool,
        typer.Option(
            "--hints", help="逐条显示提示（默认只用一行说明有几条）", rich_help_panel="选项"
        ),
    ] = False,
    _help: HelpOption = None,
) -> None:
    """由项目定义（YAML）生成绩效目标表（.xlsx）。"""
    from perfxl.api import generate as run_generate

    with _progress_bar("生成中", not quiet) as progress:
        result = run_generate(
            files,
            output,
            templates=templates or (),
            lenient=lenient,
            blank_rows=blank_rows,
            merge_levels=not no_merge_levels,
            month=month,
            profile=profile,
            workers=jobs,
            progress=progress,
        )
    loaded = [d for item in result.files if item.loaded for d in item.diagnostics]
    _print_diagnostics(loaded, show_info=hints and not quiet, summarise=not quiet)
    unloaded = [item for item in result.files if not item.loaded]
    if unloaded:
        for item in unloaded:
            _complain(item.error or "")
        _complain(f"有 {len(unloaded)} 个文件存在错误，未生成任何工作簿。", style="red bold")
        raise typer.Exit(EXIT_BAD_INPUT)
    for item in result.files:
        if item.written and not quiet:
            _say(f"已生成 {item.output}（{item.projects} 个项目）")
        elif not item.written:
            _complain(item.error or "")
    if not result.ok:
        raise typer.Exit(EXIT_BAD_INPUT)


@contextlib.contextmanager
def _progress_bar(label: str, show: bool) -> Iterator[Callable[[Progress], None] | None]:
    """A ``progress`` callback that draws a bar on stderr (from the second item on: a batch
    of one needs none), or None when ``show`` is false."""
    if not show:
        yield None
        return
    state: dict[str, Any] = {}

    def update(step: Progress) -> None:
        if step.total < 2:
            return
        if "bar" not in state:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            bar = Bar(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=_console(True),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(label, total=step.total)
        state["bar"].update(state["task"], completed=step.done, total=step.total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


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
    form: Annotated[
        Path | None,
        typer.Option(
            "--form",
            help="用省里（市里）下发的空白表 .xlsx：为每个单位复制一份，在栏目旁填好单位，其余原样保留",
            rich_help_panel="选项",
        ),
    ] = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: QuietOption = False,
    _help: HelpOption = None,
) -> None:
    """按单位名单生成发给各单位的空白表（表头已填好，附填报说明；或用 --form 复制下发的空白表）。"""
    from perfxl.api import blank as run_blank

    with _progress_bar("生成中", not quiet) as progress:
        result = run_blank(
            roster,
            output,
            layout=layout,
            year=year,
            framework=framework,
            money_unit=money_unit,
            blank_rows=blank_rows,
            per_project=per_project,
            sheets=sheets,
            overwrite=overwrite,
            form=form,
            templates=templates or (),
            workers=jobs,
            progress=progress,
        )
    if result.form is not None:
        _say(f"按「{Path(result.form).name}」填写的栏目：{'、'.join(result.form_fields) or '无'}")
    failed = [f for f in result.files if not f.written]
    for item in failed:
        _complain(item.error or "")
    _say(f"已生成 {len(result.files) - len(failed)} 个空白表到 {output}，清单：{result.manifest}")
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("next", rich_help_panel="命令")
def next_stage(
    stage: Annotated[
        str,
        typer.Argument(
            help="下一阶段：approval（批复表）、monitor（运行监控表）或 self-eval（自评表）",
            show_default=False,
            rich_help_panel="参数",
        ),
    ],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="上一阶段交回的工作簿、YAML 文件或文件夹",
            show_default=False,
            rich_help_panel="参数",
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出文件夹", rich_help_panel="选项")
    ] = Path("下一阶段"),
    month: Annotated[
        int | None,
        typer.Option(
            "--month",
            min=1,
            max=12,
            help="运行监控表的监控月份 N（默认 7）",
            rich_help_panel="选项",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="覆盖已有的同名文件", rich_help_panel="选项")
    ] = False,
    fmt: FormatOption = "text",
    templates: TemplatesOption = None,
    quiet: QuietOption = False,
    _help: HelpOption = None,
) -> None:
    """由上一阶段的表生成下一阶段的表：申报 → 批复，申报或批复 → 运行监控，申报、批复或监控 → 自评。
    带入的项目、指标、指标值和金额锁定，检查时报告与上一阶段不同之处（K010–K015）。"""
    from perfxl.api import next_stage as run_next

    _require_format(fmt, ("text", "json"))
    with _progress_bar("生成中", not quiet and fmt == "text") as progress:
        result = run_next(
            stage,
            files,
            output,
            month=month,
            overwrite=overwrite,
            templates=templates or (),
            progress=progress,
        )
    if fmt == "json":
        import json

        _say(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for item in result.files:
            if item.written:
                _say(f"已生成 {item.output}（{item.projects} 个项目，由 {Path(item.source).name}）")
            else:
                _complain(item.error or "")
    if not result.ok:
        raise typer.Exit(EXIT_BAD_INPUT)


def _require_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        _complain(f"用法错误：--format 只能是 {' 或 '.join(allowed)}，不是「{fmt}」")
        raise typer.Exit(EXIT_BAD_INPUT)


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
    fmt: FormatOption = "text",
    annotate: Annotated[
        Path | None,
        typer.Option("--annotate", help="把标注了问题的副本写到此文件夹", rich_help_panel="选项"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="把报告写到文件", rich_help_panel="选项")
    ] = None,
    framework: FrameworkOption = None,
    profile: ProfileOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: Annotated[
        bool,
        typer.Option("-q", "--quiet", help="不显示提示级别的问题和进度条", rich_help_panel="选项"),
    ] = False,
    _help: HelpOption = None,
) -> None:
    """检查交回的工作簿：逐格列出问题和修改方法（退出码：0 无错误，1 有错误，2 有文件无法读取）。"""
    from perfxl.api import check as run_check

    _require_format(fmt, ("text", "json"))
    show_bar = not quiet and fmt == "text" and output is None
    with _progress_bar("检查中", show_bar) as progress:
        report = run_check(
            files,
            annotate=annotate,
            report=output,
            projects=fmt == "json",
            framework=framework,
            profile=profile,
            templates=templates or (),
            workers=jobs,
            progress=progress,
        )
    if fmt == "json":
        from perfxl.report.render import render_json

        _emit(render_json(report), output)
    else:
        from perfxl.report.render import REPORT_WIDTH, render_text

        width = REPORT_WIDTH if output is not None else None  # a file: not the console's
        text = render_text(list(report.files), show_info=not quiet, width=width)
        if output is not None:
            _write_report(output, text)
        else:
            _say(text)
    if not report.readable or report.unwritten:
        raise typer.Exit(EXIT_BAD_INPUT)
    if report.summary["errors"]:
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
    framework: FrameworkOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    _help: HelpOption = None,
) -> None:
    """从交回的工作簿中读出项目定义（YAML 可再由 generate 生成同样的表）。"""
    from perfxl.api import extract as run_extract

    _require_format(fmt, ("yaml", "json"))
    result = run_extract(
        files,
        output if fmt == "yaml" else None,
        report=output if fmt == "json" else None,
        framework=framework,
        templates=templates or (),
        workers=jobs,
    )
    for item in result.not_used:
        _complain(f"{item.path}：错误：{item.reason}")
    if fmt == "json":
        _emit_json(result.to_dict(), output)
    elif output is None:
        for report in result.files:
            sys.stdout.write(report.definition_yaml or "")
    elif len(result.written) > 1 or output.suffix.lower() not in (".yaml", ".yml"):
        for written in result.written:
            _say(f"已写出 {written}")
    if not result.ok:
        raise typer.Exit(EXIT_BAD_INPUT)


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
            help="同一单位、同名项目、同一年度出现在几个文件中时：newer（只合并最新的一份，默认）、"
            "keep（都合并并标注）、stop（不生成汇总表，退出码 3）",
            rich_help_panel="选项",
        ),
    ] = "newer",
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="只合并这一年度的表（其他年度的列入未合并）", rich_help_panel="选项"
        ),
    ] = None,
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
    framework: FrameworkOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="结果的写法：text 或 json（json 写到屏幕）", rich_help_panel="选项"
        ),
    ] = "text",
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: QuietOption = False,
    _help: HelpOption = None,
) -> None:
    """把多个单位交回的工作簿合并成一张汇总表（退出码：0 全部合并，1 有未合并的文件或项目，2 无法开始或无法写出，3 有重复项目且 --duplicates stop）。"""
    from perfxl.api import merge as run_merge

    _require_format(fmt, ("text", "json"))
    with _progress_bar("读取中", not quiet and fmt == "text") as progress, _duplicates_exit():
        result = run_merge(
            inputs,
            output,
            title=title,
            group=group,
            money_unit=money_unit,
            duplicates=duplicates,
            strict=strict,
            year=year,
            forms=forms,
            csv=csv_dir,
            sqlite=sqlite_path,
            framework=framework,
            templates=templates or (),
            workers=jobs,
            progress=progress,
        )
    if fmt == "json":
        _emit_json(result.to_dict(), None)
    else:
        _say(
            f"已生成 {result.output}：{result.files} 个文件中合并了 {result.merged_files} 个，"
            f"共 {result.projects} 个项目、{result.indicators} 个指标。"
        )
        for where, reason in result.not_merged:
            _complain(f"未合并：{where}：{reason}", style="yellow")
        _print_diagnostics(result.notices)
    if result.not_merged:
        raise typer.Exit(EXIT_FINDINGS)


@contextlib.contextmanager
def _duplicates_exit() -> Iterator[None]:
    from perfxl.core.errors import DuplicateError

    try:
        yield
    except DuplicateError as exc:
        _complain(exc.format())
        raise typer.Exit(EXIT_DUPLICATES) from None


@app.command(rich_help_panel="命令")
def status(
    inbox: Annotated[
        list[Path],
        typer.Argument(
            help="收到的工作簿或文件夹（含子文件夹）", show_default=False, rich_help_panel="参数"
        ),
    ],
    roster: Annotated[
        Path,
        typer.Option(
            "--roster",
            help="单位名单（与 blank 用的相同：YAML、CSV 或 XLSX）",
            show_default=False,
            rich_help_panel="选项",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="回收情况工作簿（.xlsx），如 回收情况.xlsx",
            rich_help_panel="选项",
        ),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="截止日期，如 2025-03-31（当天之内交回的不算逾期）",
            rich_help_panel="选项",
        ),
    ] = None,
    similarity: Annotated[
        float,
        typer.Option(
            "--similarity",
            min=0.5,
            max=1.0,
            help="按名称相近识别单位的最低相似度（0.5–1）",
            rich_help_panel="选项",
        ),
    ] = 0.8,
    fmt: FormatOption = "text",
    framework: FrameworkOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: QuietOption = False,
    _help: HelpOption = None,
) -> None:
    """回收情况：对照单位名单，列出每个单位未交、有错误、仅有警告、通过或逾期（退出码：0 全部交回且无错误，1 有未交或有错误的单位，2 有文件无法读取）。"""
    from perfxl.api import status as run_status

    _require_format(fmt, ("text", "json"))
    with _progress_bar("检查中", not quiet and fmt == "text") as progress:
        result = run_status(
            roster,
            inbox,
            output,
            deadline=deadline,
            similarity=similarity,
            framework=framework,
            templates=templates or (),
            workers=jobs,
            progress=progress,
        )
    if fmt == "json":
        _emit_json(result.to_dict(), None)
    else:
        from perfxl.rounds.status import status_text

        _say(status_text(result))
    if not result.readable:
        raise typer.Exit(EXIT_BAD_INPUT)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(rich_help_panel="命令")
def ui(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--folder",
            help="本轮的文件夹（默认：「文档」中的 perfxl 文件夹）",
            rich_help_panel="选项",
        ),
    ] = None,
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, help="端口（默认自动选一个空闲的）", rich_help_panel="选项"
        ),
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="不自动打开浏览器", rich_help_panel="选项")
    ] = False,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="监听的地址（默认 127.0.0.1 只供本机；0.0.0.0 供局域网，需用启动时显示的口令）",
            rich_help_panel="选项",
        ),
    ] = "127.0.0.1",
    _help: HelpOption = None,
) -> None:
    """打开本地网页：在浏览器中发表、收表、汇总（只在本机运行，不连接网络）。"""
    from perfxl.ui.server import serve

    serve(folder, host=host, port=port, open_browser=not no_browser, say=_say)


@app.command(rich_help_panel="命令")
def compare(
    last: Annotated[
        Path,
        typer.Argument(
            help="上年的表：工作簿或文件夹（申报表或自评表）", show_default=False, rich_help_panel="参数"
        ),
    ],
    this: Annotated[
        Path,
        typer.Argument(help="本年的表：工作簿或文件夹", show_default=False, rich_help_panel="参数"),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="对比结果工作簿（.xlsx），如 对比.xlsx", rich_help_panel="选项"),
    ] = None,
    money_share: Annotated[
        float,
        typer.Option(
            "--money-share",
            min=0.0,
            help="资金增幅超过此比例而指标未变时提示（0.2 即 20%）",
            rich_help_panel="选项",
        ),
    ] = 0.2,
    text_similarity: Annotated[
        float,
        typer.Option(
            "--text-similarity",
            min=0.5,
            max=1.0,
            help="目标文字与上年的相似度达到此值即提示（0.5–1）",
            rich_help_panel="选项",
        ),
    ] = 0.9,
    fmt: FormatOption = "text",
    framework: FrameworkOption = None,
    templates: TemplatesOption = None,
    jobs: JobsOption = None,
    quiet: QuietOption = False,
    _help: HelpOption = None,
) -> None:
    """与上年对比：照抄的目标、未变的指标、比上年宽松的指标值、资金增加而指标未变、删掉的指标（退出码：0 无警告，1 有警告，2 有文件无法读取）。"""
    from perfxl.api import compare as run_compare

    _require_format(fmt, ("text", "json"))
    with _progress_bar("读取中", not quiet and fmt == "text") as progress:
        result = run_compare(
            last,
            this,
            output,
            money_share=money_share,
            text_similarity=text_similarity,
            framework=framework,
            templates=templates or (),
            workers=jobs,
            progress=progress,
        )
    if fmt == "json":
        _emit_json(result.to_dict(), None)
    else:
        from perfxl.rounds.compare import compare_text

        _say(compare_text(result))
    if not result.readable:
        raise typer.Exit(EXIT_BAD_INPUT)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(rich_help_panel="命令")
def rules(_help: HelpOption = None) -> None:
    """列出全部检查规则（代码、严重程度、含义和修改方法）。"""
    from perfxl.checks.catalogue import catalogue_markdown

    _say(catalogue_markdown())


@app.command(rich_help_panel="命令")
def layouts(
    templates: TemplatesOption = None,
    _help: HelpOption = None,
) -> None:
    """列出可用的表样（layout）、指标体系（framework）和自评计分规则（profile）。"""
    from rich.table import Table

    from perfxl.layout.templates import template_set

    out = _console(False)
    try:
        ts = template_set(tuple(templates or ()))
        table = Table(title="表样", show_lines=False, safe_box=True)
        for col in ("表样 id", "名称", "版本", "默认指标体系", "金额单位"):
            table.add_column(col)
        for layout_id in ts.layout_ids():
            lay = ts.layout(layout_id)
            table.add_row(lay.id, lay.name, lay.version, lay.framework, lay.money_unit)
        out.print(table)
        table = Table(title="指标体系", safe_box=True)
        for col in ("指标体系 id", "名称", "层级", "一级指标"):
            table.add_column(col)
        for fw_id in ts.framework_ids():
            fw = ts.framework(fw_id)
            table.add_row(fw.id, fw.name, "→".join(fw.levels), "、".join(fw.children(())))
        out.print(table)
        table = Table(title="自评计分规则（--profile）", safe_box=True)
        for col in (
            "计分规则 id",
            "名称",
            "执行率分值",
            "指标分值合计",
            "定性指标档次",
            "反向指标",
            "须说明原因",
        ):
            table.add_column(col)
        for profile_id in ts.profile_ids():
            pr = ts.profile(profile_id)
            high, low = pr.qualitative_bands
            table.add_row(
                pr.id,
                pr.name,
                f"{pr.execution_points:g}",
                f"{pr.indicator_points:g}",
                f"{high:g}/{low:g}",
                "超出时 (1−(完成−指标)÷指标)×分值" if pr.reverse == "linear" else "指标÷完成×分值",
                f"执行率 < {pr.reason_below:g}%" if pr.reason_below is not None else "不要求",
            )
        out.print(table)
    except PerfxlError as exc:
        _complain(exc.format())
        raise typer.Exit(EXIT_BAD_INPUT) from None


layout_app = typer.Typer(
    help="表样：由下发的空白表生成起点（init）",
    no_args_is_help=True,
    context_settings={"help_option_names": []},
)
app.add_typer(layout_app, name="layout", rich_help_panel="命令")


@layout_app.callback()
def layout_group(_help: HelpOption = None) -> None:
    """表样：由下发的空白表生成起点（perfxl layout init 空白表.xlsx -o 文件夹）。"""


@layout_app.command("init")
def layout_init(
    form: Annotated[
        Path,
        typer.Argument(help="下发的空白表（.xlsx）", show_default=False, rich_help_panel="参数"),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="表样文件夹（文件夹名即表样 id，如 模板/layouts/sichuan-2024）",
            rich_help_panel="选项",
        ),
    ],
    templates: TemplatesOption = None,
    _help: HelpOption = None,
) -> None:
    """由下发的空白表写出表样的起点（layout.yaml 与 sheet.yaml.j2），之后可用 generate 由 YAML 生成它。"""
    from perfxl.api import layout_init as run_layout_init

    try:
        result = run_layout_init(form, output, templates=templates or ())
    except PerfxlError as exc:
        _complain(exc.format())
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _say(f"已写出表样「{result.layout}」：{'、'.join(result.written)}")
    _say(f"栏目：{'、'.join(result.fields)}")
    _say(f"指标表的列：{'、'.join(result.columns)}")


def _stopped(why: str, code: int) -> None:
    """Interrupted: every output was already removed or left whole on the way out (atomic
    writes, the merge's working folder) and the workers are stopped. Exit at once, without
    waiting for a worker pool's thread at interpreter exit."""
    import os

    from perfxl.core.parallel import remove_library_temporaries

    remove_library_temporaries()
    with contextlib.suppress(Exception):
        _complain(STOPPED.format(why=why), style="")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``perfxl`` command; exits with the command's code."""
    _setup_streams()
    args = sys.argv[1:] if argv is None else argv
    if not args or any(a in ("-h", "--help") for a in args):
        i18n.localize_help_strings()  # typer's help screen (and its rich) only when asked
    command = i18n.localize_command(typer.main.get_command(app))
    from perfxl.core.parallel import Terminated, stop_on_sigterm

    stop_on_sigterm()
    try:
        code = command.main(args=args, prog_name="perfxl", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):  # Ctrl-C (the command-line library's Abort)
        _stopped("已按 Ctrl-C 中断", EXIT_INTERRUPTED)
    except Terminated:
        _stopped("收到终止信号（SIGTERM）", EXIT_TERMINATED)
    except PerfxlError as exc:
        _complain(exc.format())
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        # usage errors of the command-line library (missing argument, bad option value …)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            _complain(f"用法错误：{i18n.translate_usage(exc.format_message())}")
            _complain("运行 perfxl --help 或 perfxl 命令 --help 查看用法。", style="")
            sys.exit(EXIT_BAD_INPUT)
        raise
    if code == EXIT_INTERRUPTED:  # typer's own answer to Ctrl-C (KeyboardInterrupt → 130)
        _stopped("已按 Ctrl-C 中断", EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
