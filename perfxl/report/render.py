"""Reports of ``perfxl check``: a readable text table per file, and the stable JSON contract.

JSON (documented in docs/check.md)::

    {"files": [{"path", "layout", "ok",
                "projects": [{"name", "sheet", "fields": {...},
                              "indicators": [{"level1", "level2", "level3"?, "name", "target",
                                              "parsed": {"kind", "op", "value", "unit"}, "cell"}]}],
                "findings": [{"code", "severity", "sheet", "cell", "message", "hint"}]}],
     "summary": {"files", "errors", "warnings"}}
"""

from __future__ import annotations

import json
import shutil
from io import StringIO

from rich import box
from rich.console import Console
from rich.table import Table

from perfxl.checks.run import FileReport, summary
from perfxl.core.errors import ERROR, INFO, SEVERITY_LABEL, WARNING
from perfxl.results import CheckReport


def render_json(report: CheckReport) -> str:
    """The JSON report: exactly ``report.to_dict()`` (so the command and the library agree)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


REPORT_WIDTH = 120  # a Windows console opens 120 columns wide; files and pipes get as much


def terminal_width() -> int:
    """Columns of the console the report is shown in (``COLUMNS`` first, as everywhere),
    :data:`REPORT_WIDTH` when the output is not a console."""
    return max(60, shutil.get_terminal_size((REPORT_WIDTH, 24)).columns)


def render_text(
    reports: list[FileReport], show_info: bool = True, width: int | None = None
) -> str:
    """The text report, ``width`` columns wide (default: the console's). rich counts a
    Chinese character two columns, as consoles draw it."""
    width = width or terminal_width()
    buffer = StringIO()
    console = Console(file=buffer, width=width, highlight=False, emoji=False, color_system=None)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    for report in reports:
        status = "通过" if report.ok else ("无法读取" if not report.readable else "有错误")
        console.print(
            f"== {report.path}（{_layout_name(report.layout)}）：{status}，"
            f"错误 {report.errors} 个，警告 {report.warnings} 个"
        )
        findings = [f for f in report.findings if show_info or f.severity != INFO]
        groups: dict[str, list] = {}
        for f in findings:
            groups.setdefault(f.project or f.sheet or "（整个文件）", []).append(f)
        for project, items in groups.items():
            table = Table(
                title=f"项目：{project}", box=box.SIMPLE, show_lines=False, title_justify="left"
            )
            for col in ("位置", "代码", "级别", "问题", "怎么改"):
                table.add_column(col, overflow="fold")
            for f in sorted(items, key=lambda f: (order[f.severity], f.cell)):
                where = f"{f.sheet}!{f.cell}" if f.cell else (f.sheet or "")
                table.add_row(where, f.code, SEVERITY_LABEL[f.severity], f.message, f.hint)
            console.print(table)
    totals = summary(reports)
    unreadable = sum(1 for r in reports if not r.readable)
    console.print(
        f"共 {totals['files']} 个文件：错误 {totals['errors']} 个，警告 {totals['warnings']} 个"
        + (f"，{unreadable} 个文件无法读取" if unreadable else "")
    )
    return buffer.getvalue().rstrip("\n")


def _layout_name(layout_id: str | None) -> str:
    """The layout as the report's reader knows it: its Chinese name, not its id."""
    if not layout_id:
        return "未识别"
    from perfxl.core.errors import PerfxlError
    from perfxl.layout.templates import template_set
    from perfxl.read.familyform import FAMILY_LAYOUT

    if layout_id == FAMILY_LAYOUT:
        return "其他地区的表，按通用词表读取"
    try:
        return template_set().layout(layout_id).name
    except PerfxlError:  # a layout of a --templates folder: its id is all there is here
        return layout_id
