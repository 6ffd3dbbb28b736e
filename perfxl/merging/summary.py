"""``merge``: many returned workbooks → one 汇总 workbook, nothing lost on the way.

Two passes through a temporary SQLite database keep memory flat however many files come in:
pass 1 reads and checks every input (over all cores) and stores its projects, indicators and
findings; duplicates are then resolved in SQL by the chosen policy; pass 2 streams the
summary out with XlsxWriter's constant-memory mode, in a stable order (by input path, then
sheet order). Every input ends either merged or listed on the 未合并 sheet with its reason.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import glob
import json
import math
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from perfxl.checks.run import RunOptions, check_file, crashed, expand_workbooks
from perfxl.core.atomic import atomic_output, describe_os_error
from perfxl.core.catalogue import RULES, finding
from perfxl.core.errors import ERROR, WARNING, DuplicateError, OutputError, PerfxlError
from perfxl.core.outputs import OutputPlan
from perfxl.core.parallel import parallel_iter
from perfxl.core.textwidth import text_height, text_width
from perfxl.layout.templates import TemplateSet, template_set
from perfxl.merging.charts import KIND_LABELS, GroupFigures, SummaryFigures, write_chart_sheet
from perfxl.read.familyform import FAMILY_LAYOUT, summary_layout
from perfxl.read.props import OUTPUT_PROPERTY
from perfxl.results import MergeResult

POLICIES = ("newer", "keep", "stop")
# files left out as a whole (unreadable, without projects, perfxl's own output, another year),
# and projects left out of files that were read
_LEFT_OUT_FILES = "status IN ('unreadable', 'empty', 'skipped')"
_LEFT_OUT_PROJECTS = "p.status != 'merged' AND f.status = 'merged'"
_MERGED_FILES = "SELECT COUNT(DISTINCT file_id) FROM projects WHERE status='merged'"
GROUPS = {"department": "主管部门", "unit": "实施单位"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

SCHEMA = """
CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT, mtime REAL, layout TEXT, readable INTEGER,
                    errors INTEGER, warnings INTEGER, status TEXT, reason TEXT);
CREATE TABLE projects (id INTEGER PRIMARY KEY, file_id INTEGER, seq INTEGER, sheet TEXT, layout TEXT,
                       year INTEGER, department TEXT, unit TEXT, name TEXT, money_unit TEXT,
                       fields TEXT, errors INTEGER, warnings INTEGER, status TEXT, reason TEXT);
CREATE TABLE indicators (project_id INTEGER, seq INTEGER, level1 TEXT, level2 TEXT, level3 TEXT,
                         name TEXT, target TEXT, kind TEXT, op TEXT, value TEXT, unit TEXT, cell TEXT,
                         extra TEXT);
CREATE INDEX indicators_project ON indicators (project_id, seq);
CREATE INDEX projects_file ON projects (file_id, seq);
CREATE INDEX projects_key ON projects (unit, name, year);
"""


@dataclass
class MergeOptions:
    title: str | None = None
    group: str = "department"
    money_unit: str = "元"
    duplicates: str = "newer"
    strict: bool = False
    year: int | None = None  # only the forms of this year; the others are listed (M012)
    forms: bool = False  # also every project's form as a sheet (memory then grows with the count)
    templates: tuple[Path, ...] = ()
    framework: str | None = None  # as perfxl check --framework
    csv_dir: Path | None = None
    sqlite_path: Path | None = None


def input_folders(items: Iterable[str]) -> list[Path]:
    """The folders a merge scans: each folder given, and the fixed start of each pattern
    (``回收/**/*.xlsx`` scans ``回收``)."""
    folders = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            folders.append(path)
        elif not path.exists() and glob.has_magic(item):
            fixed = [part for part in _until_magic(path.parts)]
            if fixed:
                folders.append(Path(*fixed))
    return folders


def _until_magic(parts: tuple[str, ...]) -> Iterable[str]:
    for part in parts:
        if glob.has_magic(part):
            return
        yield part


def expand_inputs(items: Iterable[str]) -> list[Path]:
    """Files, folders (recursively) and glob patterns, in a stable order, each once."""
    paths: list[Path] = []
    for item in items:
        path = Path(item)
        if not path.exists() and any(ch in item for ch in "*?["):
            paths.extend(expand_workbooks(sorted(Path(p) for p in glob.glob(item, recursive=True))))
        else:
            paths.extend(expand_workbooks([path]))
    seen: set[str] = set()
    out = []
    for p in paths:
        key = os.path.normcase(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: str(p))


def _convert(amount: Decimal, source_unit: str, target_unit: str) -> Decimal:
    if source_unit == target_unit:
        return amount
    return amount * 10000 if (source_unit, target_unit) == ("万元", "元") else amount / 10000


def text_safe(value: Any) -> Any:
    """For CSV: a text that a spreadsheet would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# ----------------------------------------------------------------------------------------
# pass 1: read everything into SQLite


def _read_one(args: tuple[Path, tuple[Path, ...], str | None]) -> tuple[str, float, Any]:
    path, templates, framework = args
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    report = check_file(
        path,
        RunOptions(templates=templates, want_projects=True, framework=framework, skip_outputs=True),
    )
    return str(path), mtime, report


def collect(
    paths: list[Path],
    db: sqlite3.Connection,
    options: MergeOptions,
    workers: int,
    on_done: Callable[[Any], None] | None,
) -> None:
    db.executescript(SCHEMA)
    items = [(p, options.templates, options.framework) for p in paths]
    # stored as they come, in input order: row ids then give the summary's stable order
    for path, mtime, report in parallel_iter(_read_one, items, workers, on_done, _crashed):
        _store(db, path, mtime, report)
    db.commit()


def _crashed(
    args: tuple[Path, tuple[Path, ...], str | None], exc: BaseException
) -> tuple[str, float, Any]:
    return str(args[0]), 0.0, crashed(args[0], exc)


def _store(db: sqlite3.Connection, path: str, mtime: float, report: Any) -> None:
    reason = ""
    status = "merged"
    if not report.readable:
        status = "unreadable"
        reason = "；".join(f"{f.code} {f.message}" for f in report.findings if f.severity == ERROR)
        if not reason and report.findings:  # not a return at all (perfxl's own output): M011
            status = "skipped"
            reason = "；".join(f"{f.code} {f.message}" for f in report.findings)
        reason = reason or "无法读取"
    cur = db.execute(
        "INSERT INTO files (path, mtime, layout, readable, errors, warnings, status, reason) VALUES (?,?,?,?,?,?,?,?)",
        (
            path,
            mtime,
            report.layout,
            int(report.readable),
            report.errors,
            report.warnings,
            status,
            reason,
        ),
    )
    file_id = cur.lastrowid
    if not report.readable:
        return
    if not report.projects:
        db.execute(
            "UPDATE files SET status='empty', reason=? WHERE id=?",
            ("文件中没有可合并的项目表", file_id),
        )
        return
    per_sheet: dict[str, tuple[int, int]] = {}
    for f in report.findings:
        errors, warnings = per_sheet.get(f.sheet, (0, 0))
        per_sheet[f.sheet] = (errors + (f.severity == ERROR), warnings + (f.severity == WARNING))
    for seq, project in enumerate(report.projects):
        fields = project["fields"]
        errors, warnings = per_sheet.get(project["sheet"], (0, 0))
        cur = db.execute(
            "INSERT INTO projects (file_id, seq, sheet, layout, year, department, unit, name, money_unit, fields,"
            " errors, warnings, status, reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                file_id,
                seq,
                project["sheet"],
                report.layout,
                report.year,
                fields.get("department") or "",
                fields.get("unit") or fields.get("applicant") or "",
                project["name"],
                report.money_unit,
                json.dumps(fields, ensure_ascii=False),
                errors,
                warnings,
                "merged",
                "",
            ),
        )
        project_id = cur.lastrowid
        rows = []
        for i, ind in enumerate(project["indicators"]):
            parsed = ind.get("parsed") or {}
            extra = {
                k: v
                for k, v in ind.items()
                if k not in ("level1", "level2", "level3", "name", "target", "parsed", "cell")
            }
            rows.append(
                (
                    project_id,
                    i,
                    ind.get("level1"),
                    ind.get("level2"),
                    ind.get("level3"),
                    ind.get("name"),
                    ind.get("target"),
                    parsed.get("kind"),
                    parsed.get("op"),
                    parsed.get("value"),
                    parsed.get("unit"),
                    ind.get("cell"),
                    json.dumps(extra, ensure_ascii=False) if extra else None,
                )
            )
        db.executemany("INSERT INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def _year_text(year: int | None) -> str:
    return f"{year} 年度" if year else "未写明年度"


def select_year(db: sqlite3.Connection, year: int | None) -> None:
    """``--year``: the files of every other year are listed, not merged (M012)."""
    if year is None:
        return
    for file_id, path, found in db.execute(
        "SELECT DISTINCT f.id, f.path, p.year FROM files f JOIN projects p ON p.file_id = f.id"
        " WHERE f.status='merged' AND IFNULL(p.year, 0) != ?",
        (year,),
    ).fetchall():
        skipped = finding("M012", workbook=Path(path).name, year=_year_text(found), wanted=year)
        db.execute(
            "UPDATE files SET status='skipped', reason=? WHERE id=?",
            (f"M012 {skipped.message}", file_id),
        )
        db.execute("UPDATE projects SET status='skipped' WHERE file_id=?", (file_id,))
    db.commit()


def merged_years(db: sqlite3.Connection) -> list[tuple[int | None, int]]:
    """(year, files) of what is merged, in year order."""
    return [
        (year or None, files)
        for year, files in db.execute(
            "SELECT IFNULL(year, 0), COUNT(DISTINCT file_id) FROM projects WHERE status='merged'"
            " GROUP BY IFNULL(year, 0) ORDER BY 1"
        )
    ]


def resolve_duplicates(db: sqlite3.Connection, policy: str, strict: bool) -> list[tuple[str, str]]:
    """Mark duplicates (same unit, project name and year from different files) by the policy:
    ``newer`` (the default) merges the copy in the file changed last — on equal times the
    file whose path sorts last (a later 版本/date in its name) — and lists the others (M010).
    Returns the duplicate groups when the policy is «stop»."""
    if strict:
        db.execute(
            "UPDATE projects SET status='rejected', reason='有错误（--strict）：' || errors || ' 个错误' WHERE errors > 0"
        )
    groups = db.execute(
        "SELECT unit, name, IFNULL(year, 0), COUNT(DISTINCT file_id) FROM projects WHERE status='merged'"
        " GROUP BY unit, name, IFNULL(year, 0) HAVING COUNT(DISTINCT file_id) > 1"
    ).fetchall()
    stopped = []
    for unit, name, year, _count in groups:
        members = db.execute(
            "SELECT p.id, f.path, f.mtime FROM projects p JOIN files f ON f.id = p.file_id"
            " WHERE p.status='merged' AND p.unit=? AND p.name=? AND IFNULL(p.year,0)=?"
            " ORDER BY f.mtime DESC, f.path DESC",
            (unit, name, year),
        ).fetchall()
        # name a few of the files, not thousands: the reason is stored on every member
        shown = "、".join(Path(m[1]).name for m in members[:3])
        paths = shown + (f" 等 {len(members)} 个文件" if len(members) > 3 else "")
        if policy == "stop":
            stopped.append((f"{unit}「{name}」", paths))
        elif policy == "newer":
            keep = members[0]
            for pid, path, _mtime in members[1:]:
                if path == keep[1]:
                    continue  # two sheets of the kept file itself: not a second return
                dropped = finding(
                    "M010", unit=unit, name=name, year=_year_text(year), kept=Path(keep[1]).name
                )
                db.execute(
                    "UPDATE projects SET status='duplicate', reason=? WHERE id=?",
                    (f"M010 {dropped.message}", pid),
                )
        else:
            for pid, _path, _mtime in members:
                db.execute(
                    "UPDATE projects SET reason=? WHERE id=?",
                    (f"重复：同一单位的同名项目出现在 {paths}", pid),
                )
    db.commit()
    return stopped


# ----------------------------------------------------------------------------------------
# pass 2: the summary workbook


@dataclass
class _Column:
    key: str
    label: str
    kind: str  # text | money | date | number
    part: int | None = None


MAIN_AMOUNT = (
    "amount"  # the layout's own headline amount (its blank.amount_field), for totals across layouts
)


def _layout(templates: TemplateSet, layout_id: str) -> Any:
    """The layout a stored project was read by; forms read by the vocabulary share one."""
    if layout_id == FAMILY_LAYOUT:
        return summary_layout(templates)
    return templates.layout(layout_id)


def _main_amount(fields: dict[str, Any], layout: Any) -> Any:
    for key in layout.extra.get("summary_amount") or ():
        if fields.get(key) is not None:
            return fields[key]
    key = (layout.extra.get("blank") or {}).get("amount_field")
    value = fields.get(key) if key else None
    if isinstance(value, list):  # a money row: the full-year (adjusted) budget
        monitor = layout.roles.monitor
        part = monitor.adjusted if monitor is not None else 1
        value = value[part] if len(value) > part else None
    return value


# The indicator columns of the 指标 sheet and of 指标.csv (the sheet adds 序号, the grouping
# unit and 其他 around them).
INDICATOR_COLUMNS = (
    "项目名称",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标名称",
    "指标值",
    "类型",
    "比较符号",
    "数值",
    "单位",
)


def _columns(
    db: sqlite3.Connection, templates: TemplateSet, longtext: bool = False
) -> list[_Column]:
    """The header fields of the merged layouts as columns; long texts (goals) only where
    asked (the CSV export has them, the 项目 sheet has not)."""
    layouts = [
        r[0] for r in db.execute("SELECT DISTINCT layout FROM projects ORDER BY layout") if r[0]
    ]
    cols: list[_Column] = [
        _Column("name", "项目名称", "text"),
        _Column("department", "主管部门", "text"),
        _Column("unit", "实施单位", "text"),
        _Column(MAIN_AMOUNT, "项目金额", "money"),
    ]
    seen: set[tuple[str, int | None]] = {(c.key, None) for c in cols}
    first = ["name", "department", "unit"]
    for layout_id in layouts:
        layout = _layout(templates, layout_id)
        specs = sorted(
            layout.fields, key=lambda f: first.index(f.key) if f.key in first else len(first)
        )
        for spec in specs:
            if spec.key in layout.roles.reported or (spec.type == "longtext" and not longtext):
                continue
            kind = {"money": "money", "money_row": "money", "date": "date", "number": "number"}.get(
                spec.type, "text"
            )
            parts = list(range(len(spec.parts) or 3)) if spec.type == "money_row" else [None]
            for part in parts:
                if (spec.key, part) in seen:
                    continue
                seen.add((spec.key, part))
                label = (
                    spec.label
                    if part is None
                    else f"{spec.label}·{(spec.parts or ('年初预算数', '全年预算数', '全年执行数'))[part]}"
                )
                cols.append(_Column(spec.key, label, kind, part))
    return cols


def _finite(value: Any) -> float | None:
    """A stored number as a float, None when there is none or it is NaN or infinite (which
    a worksheet cannot hold: XlsxWriter refuses them)."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _value(fields: dict[str, Any], col: _Column, source_unit: str, target_unit: str) -> Any:
    value = fields.get(col.key)
    if col.key == "unit" and not value:
        value = fields.get("applicant")
    if col.part is not None:
        value = value[col.part] if isinstance(value, list) and len(value) > col.part else None
    elif isinstance(value, list):  # a money row under a key that another layout uses alone
        return None
    if value in (None, ""):
        return None
    if col.kind == "money":
        try:
            number = float(_convert(Decimal(str(value)), source_unit, target_unit))
        except ArithmeticError:
            return str(value)
        return number if math.isfinite(number) else str(value)
    if col.kind == "number":
        try:
            number = float(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
        return number if math.isfinite(number) else str(value)
    return str(value)


def project_headers(columns: list[Any], unit: str) -> list[str]:
    """The Chinese headers of a project row, one per field (money in the summary's unit),
    shared by the 项目 sheet and 项目.csv so the two never drift apart."""
    return [
        "来源文件",
        "工作表",
        "表样",
        "年度",
        *[c.label + (f"（{unit}）" if c.kind == "money" else "") for c in columns],
        "原金额单位",
        "错误",
        "警告",
        "备注",
    ]


def write_summary(
    db: sqlite3.Connection, output: Path, options: MergeOptions, templates: TemplateSet
) -> SummaryFigures:
    """Write the summary workbook; returns the figures its 图表 sheet charts."""
    workbook = xlsxwriter.Workbook(
        str(output),
        {
            # forms are written cell by cell out of row order, which constant memory forbids
            "constant_memory": not options.forms,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    fmt = _formats(workbook)
    cover = workbook.add_worksheet("汇总")
    units_ws = workbook.add_worksheet("按单位")
    projects_ws = workbook.add_worksheet("项目")
    indicators_ws = workbook.add_worksheet("指标")
    rejected_ws = workbook.add_worksheet("未合并")
    columns = _columns(db, templates)
    group_label = GROUPS[options.group]
    unit = options.money_unit

    # 项目: one row per merged project, every header field, amounts in the summary's unit
    head = ["序号", *project_headers(columns, unit)]
    _table_head(
        projects_ws,
        head,
        fmt,
        widths=[6, 28, 18, 12, 6]
        + [16 if c.kind == "money" else 14 for c in columns]
        + [10, 6, 6, 30],
    )
    level1_totals: dict[str, dict[str, int]] = {}
    kinds: dict[str, int] = dict.fromkeys(KIND_LABELS, 0)
    groups: dict[str, dict[str, Any]] = {}
    monitored = False  # any 监控表 among the merged forms: the 按单位 sheet counts its lights
    money_cols = [c for c in columns if c.kind == "money"]
    r = 1
    # Inputs are stored in path order, so row ids already give the stable order: no sorting in
    # SQL, and the indicators are streamed alongside their projects (a merge join on project id).
    query = (
        "SELECT p.id, f.path, p.sheet, p.layout, p.year, p.fields, p.money_unit, p.errors, p.warnings, p.reason,"
        " p.department, p.unit FROM projects p JOIN files f ON f.id = p.file_id"
        " WHERE p.status='merged' ORDER BY p.id"
    )
    indicator_rows = db.cursor().execute(
        "SELECT project_id, level1, level2, level3, name, target, kind, op, value, unit, cell, extra"
        " FROM indicators ORDER BY rowid"
    )
    pending = next(indicator_rows, None)
    ind_r = 1
    ind_head = ["序号", "来源文件", "工作表", "单元格", group_label, *INDICATOR_COLUMNS, "其他"]
    _table_head(
        indicators_ws,
        ind_head,
        fmt,
        widths=[6, 28, 18, 7, 24, 24, 12, 14, 14, 28, 16, 6, 6, 10, 8, 30],
    )
    for (
        pid,
        path,
        sheet,
        layout_id,
        year,
        fields_json,
        money_unit,
        errors,
        warnings,
        reason,
        dept,
        unit_name,
    ) in db.cursor().execute(query):
        fields = json.loads(fields_json)
        layout = _layout(templates, layout_id)
        fields[MAIN_AMOUNT] = _main_amount(fields, layout)
        source_unit = money_unit or layout.money_unit
        row = [r, path, sheet, layout.name, year]
        row += [_value(fields, c, source_unit, unit) for c in columns]
        row += [source_unit, errors, warnings, reason]
        _write_row(
            projects_ws,
            r,
            row,
            fmt,
            money_cols=[5 + i for i, c in enumerate(columns) if c.kind == "money"],
        )
        r += 1
        key = dept if options.group == "department" else unit_name
        g = groups.setdefault(
            key or "（未填写）",
            {
                "projects": 0,
                "errors": 0,
                "warnings": 0,
                "money": [0.0] * len(money_cols),
                "lights": [0, 0, 0, 0],
            },
        )
        lights = fields.get("monitor_lights")
        if isinstance(lights, dict):
            monitored = True
            budget = lights.get("budget")
            g["lights"][0] += budget == "红"
            g["lights"][1] += budget == "黄"
            g["lights"][2] += int(lights.get("红") or 0)
            g["lights"][3] += int(lights.get("黄") or 0)
        g["projects"] += 1
        g["errors"] += errors
        g["warnings"] += warnings
        for i, c in enumerate(money_cols):
            v = _value(fields, c, source_unit, unit)
            if isinstance(v, float):
                g["money"][i] += v
        counts = level1_totals.setdefault(key or "（未填写）", {})
        while pending is not None and pending[0] < pid:  # indicators of projects not merged
            pending = next(indicator_rows, None)
        while pending is not None and pending[0] == pid:
            _pid, l1, l2, l3, name, target, kind, op, value, tunit, cell, extra = pending
            pending = next(indicator_rows, None)
            counts[l1 or "（空）"] = counts.get(l1 or "（空）", 0) + 1
            kinds[kind if kind in kinds else "other"] += 1
            numeric = _finite(value)
            _write_row(
                indicators_ws,
                ind_r,
                [
                    ind_r,
                    path,
                    sheet,
                    cell,
                    key,
                    fields.get("name"),
                    l1,
                    l2,
                    l3,
                    name,
                    target,
                    {"quantitative": "定量", "qualitative": "定性"}.get(kind or "", ""),
                    op,
                    numeric,
                    tunit,
                    extra,
                ],
                fmt,
            )
            ind_r += 1
    projects_ws.freeze_panes(1, 0)
    projects_ws.autofilter(0, 0, max(r - 1, 1), len(head) - 1)
    indicators_ws.freeze_panes(1, 0)
    indicators_ws.autofilter(0, 0, max(ind_r - 1, 1), len(ind_head) - 1)

    # 按单位 (with the monitoring lights counted when any form is a 监控表)
    level1_names = sorted({l1 for c in level1_totals.values() for l1 in c})
    light_head = ["预算执行红灯", "预算执行黄灯", "指标红灯", "指标黄灯"] if monitored else []
    unit_head = [
        group_label,
        "项目数",
        *[f"{c.label}（{unit}）" for c in money_cols],
        *[f"{n}（个）" for n in level1_names],
        *light_head,
        "错误",
        "警告",
    ]
    _table_head(
        units_ws,
        unit_head,
        fmt,
        widths=[30, 8]
        + [16] * len(money_cols)
        + [10] * len(level1_names)
        + [12] * len(light_head)
        + [6, 6],
    )
    ur = 1
    for name in sorted(groups):
        g = groups[name]
        row = [
            name,
            g["projects"],
            *g["money"],
            *[level1_totals[name].get(n, 0) for n in level1_names],
            *(g["lights"] if monitored else []),
            g["errors"],
            g["warnings"],
        ]
        _write_row(units_ws, ur, row, fmt, money_cols=list(range(2, 2 + len(money_cols))))
        ur += 1
    if ur > 1:
        totals = ["合计", sum(g["projects"] for g in groups.values())]
        totals += [sum(g["money"][i] for g in groups.values()) for i in range(len(money_cols))]
        totals += [sum(level1_totals[n].get(l1, 0) for n in groups) for l1 in level1_names]
        if monitored:
            totals += [sum(g["lights"][i] for g in groups.values()) for i in range(4)]
        totals += [
            sum(g["errors"] for g in groups.values()),
            sum(g["warnings"] for g in groups.values()),
        ]
        _write_row(
            units_ws, ur, totals, fmt, money_cols=list(range(2, 2 + len(money_cols))), bold=True
        )
    units_ws.freeze_panes(1, 1)

    # 未合并: every input, or project, that did not make it, and why
    rejected_head = ["序号", "来源文件", "工作表", "项目名称", "原因"]
    _table_head(rejected_ws, rejected_head, fmt, widths=[6, 40, 18, 28, 80])
    rr = 1
    for path, sheet, name, reason in db.execute(
        f"SELECT path, '', '', reason FROM files WHERE {_LEFT_OUT_FILES}"
        " UNION ALL SELECT f.path, p.sheet, p.name, p.reason FROM projects p JOIN files f ON f.id=p.file_id"
        f" WHERE {_LEFT_OUT_PROJECTS} ORDER BY 1, 2"
    ):
        _write_row(rejected_ws, rr, [rr, path, sheet, name, reason], fmt)
        rr += 1
    rejected_ws.freeze_panes(1, 0)

    # 汇总 (the cover), written last but placed first: the counts and a table to print
    stats = db.execute(
        f"SELECT (SELECT COUNT(*) FROM files), ({_MERGED_FILES}),"
        " (SELECT COUNT(*) FROM projects WHERE status='merged'),"
        " (SELECT COUNT(*) FROM indicators i JOIN projects p ON p.id=i.project_id WHERE p.status='merged')"
    ).fetchone()
    lines: list[tuple[str, Any]] = [
        ("输入文件", stats[0]),
        ("已合并的文件", stats[1]),
        ("未合并（见「未合并」工作表）", rr - 1),
        ("合并的项目", stats[2]),
        ("合并的指标", stats[3]),
        ("金额单位", unit),
        ("分组方式", group_label),
        ("年度", "、".join(f"{_year_text(y)}（{n} 个文件）" for y, n in merged_years(db)) or "—"),
    ]
    # the headline amount's total; the totals of every amount column are in 按单位
    headline = sum(g["money"][0] for g in groups.values())
    lines.append((f"{money_cols[0].label}合计（{unit}）", headline))
    _write_cover(db, cover, fmt, options, templates, lines)
    for ws, fit in (
        (units_ws, False),
        (projects_ws, False),
        (indicators_ws, False),
        (rejected_ws, True),
    ):
        # the full tables are for screen and export: printed, they keep a readable size
        # over as many pages across as they need, the header row on each
        ws.set_paper(9)
        ws.set_landscape()
        ws.repeat_rows(0)
        if fit:
            ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页")
    figures = SummaryFigures(
        group_label,
        unit,
        tuple(
            GroupFigures(
                name, g["projects"], g["money"][0], g["errors"], g["warnings"]
            )  # money_cols[0] is the headline amount (MAIN_AMOUNT)
            for name, g in sorted(groups.items())
        ),
        kinds,
    )
    write_chart_sheet(workbook, figures, fmt)
    if options.forms:
        _write_forms(db, workbook, templates)
    cover.activate()
    workbook.set_properties({"title": options.title or "项目绩效目标汇总表", "comments": "由 perfxl merge 生成"})
    # the mark by which a later merge knows this is no return (read/props.py)
    workbook.set_custom_property(OUTPUT_PROPERTY, "summary")
    workbook.close()
    return figures


def _typed(spec: Any, value: Any) -> Any:
    """A value of the JSON report back to its Python type, for re-rendering a form."""
    if value in (None, ""):
        return None
    try:
        if spec.type in ("money", "number"):
            return Decimal(str(value))
        if spec.type == "money_row":
            return tuple(None if v in (None, "") else Decimal(str(v)) for v in value)
        if spec.type == "date":
            return dt.date.fromisoformat(str(value))
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    return value


def _write_forms(db: sqlite3.Connection, workbook: Any, templates: TemplateSet) -> None:
    """Every merged project's form as its own sheet, as printed (no dropdowns, unprotected),
    like a 汇总表 that binds the forms of all units together."""
    from perfxl.define.model import Document, Indicator, Project
    from perfxl.write.workbook import DocumentWriter, Formats, WriteOptions, safe_sheet_names

    writer = DocumentWriter(templates, WriteOptions(validations=False, protect=False))
    formats = Formats(workbook, templates.styles)
    rows = db.cursor().execute(
        "SELECT p.id, p.layout, p.year, p.money_unit, p.fields, p.name FROM projects p WHERE p.status='merged' ORDER BY p.id"
    )
    projects = list(rows)
    names = safe_sheet_names(
        [str(r[5] or "项目") for r in projects], {"汇总", "按单位", "项目", "指标", "未合并"}
    )
    for (pid, layout_id, year, money_unit, fields_json, _name), sheet_name in zip(projects, names):
        if layout_id == FAMILY_LAYOUT:
            # read by the vocabulary: no layout of ours to draw its form with; the project
            # is in the summary's tables like every other
            continue
        layout = templates.layout(layout_id)
        fields = json.loads(fields_json)
        values = {spec.key: _typed(spec, fields.get(spec.key)) for spec in layout.fields}
        indicators = []
        for level1, level2, level3, name, target, extra in db.execute(
            "SELECT level1, level2, level3, name, target, extra FROM indicators WHERE project_id=? ORDER BY seq",
            (pid,),
        ):
            ind_values = {
                "level1": level1,
                "level2": level2,
                "level3": level3,
                "name": name,
                "target": target,
            }
            for key, value in json.loads(extra or "{}").items():
                column = layout.indicators.column(key)
                ind_values[key] = _typed(column, value) if column else value
            indicators.append(Indicator(values=ind_values))
        doc = Document(
            path="",
            layout=layout,
            framework=templates.framework(layout.framework),
            year=year or 0,
            money_unit=money_unit or layout.money_unit,
            title=None,
            projects=[],
            blank_rows=0,
        )
        writer.write_project_sheet(
            workbook, formats, doc, Project(values=values, indicators=indicators), sheet_name
        )


def _formats(workbook: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
    return {
        "title": workbook.add_format(
            {
                **base,
                "font_name": "黑体",
                "font_size": 16,
                "bold": True,
                "align": "center",
                "border": 0,
            }
        ),
        "head": workbook.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        ),
        "label": workbook.add_format({**base, "bold": True, "bg_color": "#F2F2F2"}),
        "cell": workbook.add_format(base),
        "money": workbook.add_format({**base, "num_format": "#,##0.00"}),
        "number": workbook.add_format({**base, "num_format": "0.####"}),
        "bold_money": workbook.add_format({**base, "num_format": "#,##0.00", "bold": True}),
        "bold": workbook.add_format({**base, "bold": True}),
        "wrap": workbook.add_format({**base, "text_wrap": True}),
        "bold_wrap": workbook.add_format({**base, "text_wrap": True, "bold": True}),
    }


def _table_head(ws: Any, head: list[str], fmt: dict[str, Any], widths: list[int]) -> None:
    for c, (text, width) in enumerate(zip(head, widths)):
        ws.set_column(c, c, max(width, min(30, text_width(text) + 2)))
    ws.set_row(0, 30)
    for c, text in enumerate(head):
        ws.write_string(0, c, text, fmt["head"])


def _write_row(
    ws: Any,
    r: int,
    values: list[Any],
    fmt: dict[str, Any],
    money_cols: list[int] | None = None,
    bold: bool = False,
    wrap: bool = False,
) -> None:
    money = set(money_cols or [])
    for c, value in enumerate(values):
        if value is None or value == "":
            ws.write_blank(r, c, None, fmt["cell"])
        elif isinstance(value, bool):
            ws.write_string(r, c, "是" if value else "否", fmt["cell"])
        elif isinstance(value, (int, float)) and math.isfinite(value):
            style = (
                ("bold_money" if bold else "money")
                if c in money
                else ("bold" if bold else "number")
            )
            ws.write_number(r, c, value, fmt[style])
        else:
            # user text is always text: "=HYPERLINK(…)" must never become a formula
            style = ("bold_wrap" if wrap else "bold") if bold else ("wrap" if wrap else "cell")
            ws.write_string(r, c, str(value), fmt[style])


# The 汇总 sheet's table: what a reader of the printed summary needs, one row per project,
# grouped with a subtotal per unit; the full 项目/指标 tables hold everything else.
COVER_COLUMNS = (
    # (heading, width in characters, wraps)
    ("序号", 5, False),
    ("{group}", 24, True),
    ("项目名称", 30, True),
    ("表样", 26, True),
    ("年度", 6, False),
    ("项目金额（{unit}）", 16, False),
    ("指标数", 7, False),
    ("错误", 6, False),
    ("警告", 6, False),
    ("备注", 22, True),
)
COVER_FONT_SIZE = 10.0


def _cover_height(values: list[Any]) -> float:
    heights = [
        text_height(value, width, COVER_FONT_SIZE)
        for (_head, width, wraps), value in zip(COVER_COLUMNS, values)
        if wraps and isinstance(value, str) and value
    ]
    return max([20.0, *heights])


def _write_cover(
    db: sqlite3.Connection,
    ws: Any,
    fmt: dict[str, Any],
    options: MergeOptions,
    templates: TemplateSet,
    lines: list[tuple[str, Any]],
) -> None:
    """The printable 汇总 sheet: title, counts, then every merged project (A4 landscape, one
    page wide, the table's header on every page)."""
    unit = options.money_unit
    group_label = GROUPS[options.group]
    head = [h.format(group=group_label, unit=unit) for h, _w, _wrap in COVER_COLUMNS]
    for c, (_h, width, _wrap) in enumerate(COVER_COLUMNS):
        ws.set_column(c, c, width)
    last_col = len(COVER_COLUMNS) - 1
    ws.set_row(0, 34)
    ws.merge_range(0, 0, 0, last_col, options.title or "项目绩效目标汇总表", fmt["title"])
    for r, (label, value) in enumerate(lines, start=2):
        ws.merge_range(r, 0, r, 1, label, fmt["label"])
        if isinstance(value, (int, float)):
            ws.write_number(r, 2, value, fmt["money"] if isinstance(value, float) else fmt["cell"])
        else:
            ws.write_string(r, 2, str(value), fmt["cell"])
    header_row = 2 + len(lines) + 1
    ws.set_row(header_row, 30)
    for c, text in enumerate(head):
        ws.write_string(header_row, c, text, fmt["head"])
    group_column = "p.department" if options.group == "department" else "p.unit"
    query = (
        f"SELECT {group_column}, p.name, p.layout, p.year, p.fields, p.money_unit, p.errors,"
        " p.warnings, p.reason, (SELECT COUNT(*) FROM indicators i WHERE i.project_id = p.id)"
        f" FROM projects p WHERE p.status='merged' ORDER BY {group_column}, p.id"
    )
    r = header_row + 1
    number = 0
    totals = [0, 0.0, 0, 0, 0]  # projects, money, indicators, errors, warnings
    current: str | None = None
    sub = [0, 0.0, 0, 0, 0]

    def subtotal(label: str, values: list[Any]) -> None:
        nonlocal r
        row = [None, label, f"{values[0]} 个项目", None, None, values[1], values[2]]
        row += [values[3], values[4], None]
        ws.set_row(r, _cover_height(row))
        _write_row(ws, r, row, fmt, money_cols=[5], bold=True, wrap=True)
        r += 1

    for key, name, layout_id, year, fields_json, money_unit, errors, warnings, reason, count in (
        db.execute(query)
    ):
        key = key or "（未填写）"
        if current is not None and key != current:
            subtotal(f"{current} 小计", sub)
            sub = [0, 0.0, 0, 0, 0]
        current = key
        layout = _layout(templates, layout_id)
        fields = json.loads(fields_json)
        fields[MAIN_AMOUNT] = _main_amount(fields, layout)
        amount = _value(
            fields, _Column(MAIN_AMOUNT, "", "money"), money_unit or layout.money_unit, unit
        )
        number += 1
        row = [number, key, name, layout.name, year, amount, count, errors, warnings, reason]
        ws.set_row(r, _cover_height(row))
        _write_row(ws, r, row, fmt, money_cols=[5], wrap=True)
        r += 1
        for acc in (sub, totals):
            acc[0] += 1
            acc[1] += amount if isinstance(amount, float) else 0.0
            acc[2] += count
            acc[3] += errors
            acc[4] += warnings
    if current is not None:
        subtotal(f"{current} 小计", sub)
        subtotal("合计", totals)
    ws.set_paper(9)
    ws.set_landscape()
    ws.repeat_rows(header_row)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


# ----------------------------------------------------------------------------------------


def merge(
    inputs: list[Path],
    output: Path,
    options: MergeOptions,
    workers: int = 1,
    on_done: Callable[[Any], None] | None = None,
    folders: Iterable[Path] = (),
) -> MergeResult:
    """Merge ``inputs`` into ``output``. ``folders``: the input folders scanned (an output
    workbook inside one is refused, as the next merge would read it)."""
    if options.duplicates not in POLICIES:
        raise PerfxlError(f"错误：重复处理方式只能是 {'、'.join(POLICIES)}")
    if options.group not in GROUPS:
        raise PerfxlError(f"错误：分组方式只能是 {'、'.join(GROUPS)}")
    if options.money_unit not in ("元", "万元"):
        raise PerfxlError("错误：金额单位只能是 元 或 万元")
    if output.suffix.lower() != ".xlsx":
        raise PerfxlError(f"错误：汇总表应保存为 .xlsx 文件，不是「{output.name}」")
    csv_targets = _plan_outputs(inputs, output, options, folders)
    templates = template_set(options.templates)
    folder = output.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{output}：错误：无法在此位置写入（{describe_os_error(exc)}）") from None
    with _work_folder() as tmp:
        db_path = tmp / "merge.sqlite"
        try:
            db = sqlite3.connect(db_path)
        except sqlite3.Error as exc:
            raise _work_error(tmp, exc) from None
        try:
            try:
                # stored in path order: row ids then give the summary's stable order
                collect(sorted(inputs, key=lambda p: str(p)), db, options, workers, on_done)
                select_year(db, options.year)
                stopped = resolve_duplicates(db, options.duplicates, options.strict)
            except sqlite3.Error as exc:  # the temporary folder is full or not writable
                raise _work_error(tmp, exc) from None
            if stopped:
                listing = "；".join(f"{what}（{where}）" for what, where in stopped[:10])
                raise DuplicateError(
                    "错误："
                    + finding("M014", count=len(stopped), listing=listing).message
                    + "（"
                    + RULES["M014"].hint
                    + "）"
                )
            with atomic_output(output) as temporary:
                figures = write_summary(db, temporary, options, templates)
            written = [str(output)]
            if options.csv_dir is not None:
                written.extend(
                    str(p) for p in write_csv(db, options.csv_dir, options, templates, csv_targets)
                )
            if options.sqlite_path is not None:
                written.append(str(_copy_db(db, options.sqlite_path)))
            (files,) = db.execute("SELECT COUNT(*) FROM files").fetchone()
            (merged_files,) = db.execute(_MERGED_FILES).fetchone()
            (projects,) = db.execute(
                "SELECT COUNT(*) FROM projects WHERE status='merged'"
            ).fetchone()
            (indicators,) = db.execute(
                "SELECT COUNT(*) FROM indicators i JOIN projects p ON p.id=i.project_id WHERE p.status='merged'"
            ).fetchone()
            not_merged = [
                (row[0], row[1])
                for row in db.execute(
                    f"SELECT path, reason FROM files WHERE {_LEFT_OUT_FILES}"
                    " UNION ALL SELECT f.path || '#' || p.sheet, p.reason FROM projects p JOIN files f ON f.id=p.file_id"
                    f" WHERE {_LEFT_OUT_PROJECTS} ORDER BY 1"
                )
            ]
            years = merged_years(db)
        finally:
            db.close()
    notices = []
    if len(years) > 1:
        shown = "、".join(f"{_year_text(y)}（{n} 个文件）" for y, n in years)
        notices.append(finding("M013", count=len(years), years=shown))
    return MergeResult(
        output,
        files or 0,
        merged_files or 0,
        projects,
        indicators,
        not_merged,
        written=tuple(written),
        figures=figures,
        years=tuple(years),
        notices=tuple(notices),
    )


def _plan_outputs(
    inputs: list[Path], output: Path, options: MergeOptions, folders: Iterable[Path]
) -> list[Path]:
    """Every output of the merge, checked against the inputs before any work; returns the
    CSV files to write."""
    plan = OutputPlan(inputs, folders)
    plan.claim(output, "汇总表")
    if options.sqlite_path is not None:
        plan.claim(options.sqlite_path, "SQLite 文件")
    targets = []
    if options.csv_dir is not None:
        csv_dir = plan.claim_folder(options.csv_dir, "CSV 文件夹")
        targets = [plan.claim(csv_dir / name, "CSV 文件") for name in CSV_FILES]
    plan.ready()
    return targets


@contextlib.contextmanager
def _work_folder() -> Iterator[Path]:
    """The temporary folder of the working database (in TMPDIR), removed whatever happens."""
    try:
        tmp = tempfile.mkdtemp(prefix="perfxl-merge-")
    except OSError as exc:
        where = tempfile.gettempdir()
        raise OutputError(
            f"{where}：错误：无法在临时文件夹中建立汇总用的工作数据库（{describe_os_error(exc)}）"
            "（请清理磁盘，或把环境变量 TMPDIR 设为一个可写、空间足够的文件夹）"
        ) from None
    try:
        yield Path(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _work_error(tmp: Path, exc: sqlite3.Error) -> OutputError:
    full = "full" in str(exc).lower()
    what = "临时文件夹所在的磁盘已满" if full else f"无法写入（{exc}）"
    return OutputError(
        f"{tmp}：错误：汇总用的工作数据库{what}，未生成汇总表"
        "（请清理磁盘，或把环境变量 TMPDIR 设为一个可写、空间足够的文件夹）"
    )


CSV_FILES = ("项目.csv", "指标.csv")


def write_csv(
    db: sqlite3.Connection,
    folder: Path,
    options: MergeOptions,
    templates: TemplateSet,
    targets: list[Path] | None = None,
) -> list[Path]:
    """项目.csv and 指标.csv: one column per field under its Chinese label, amounts in the
    summary's unit, UTF-8 with a BOM so that Excel on Windows opens them; into ``folder`` (or
    to ``targets``, in that order); returns the files written."""
    columns = _columns(db, templates, longtext=True)
    unit = options.money_unit
    project_head = project_headers(columns, unit)
    project_sql = (
        "SELECT f.path, p.sheet, p.layout, p.year, p.fields, p.money_unit, p.errors,"
        " p.warnings, p.reason FROM projects p JOIN files f ON f.id=p.file_id"
        " WHERE p.status='merged' ORDER BY f.path, p.seq"
    )

    def project_rows() -> Iterable[list[Any]]:
        for path, sheet, layout_id, year, fields_json, money_unit, errors, warnings, reason in (
            db.execute(project_sql)
        ):
            layout = _layout(templates, layout_id)
            fields = json.loads(fields_json)
            fields[MAIN_AMOUNT] = _main_amount(fields, layout)
            source_unit = money_unit or layout.money_unit
            values = [_csv_value(fields, c, source_unit, unit) for c in columns]
            yield [path, sheet, layout.name, year, *values, source_unit, errors, warnings, reason]

    indicator_sql = (
        "SELECT f.path, p.sheet, i.cell, p.name, i.level1, i.level2, i.level3, i.name, i.target,"
        " i.kind, i.op, i.value, i.unit FROM indicators i JOIN projects p ON p.id=i.project_id"
        " JOIN files f ON f.id=p.file_id WHERE p.status='merged' ORDER BY f.path, p.seq, i.seq"
    )

    def indicator_rows() -> Iterable[list[Any]]:
        kinds = {"quantitative": "定量", "qualitative": "定性"}
        for row in db.execute(indicator_sql):
            out = list(row)
            out[9] = kinds.get(out[9] or "", out[9])
            yield out

    tables: dict[str, tuple[list[str], Callable[[], Iterable[list[Any]]]]] = {
        "项目.csv": (project_head, project_rows),
        "指标.csv": (["来源文件", "工作表", "单元格", *INDICATOR_COLUMNS], indicator_rows),
    }
    written = []
    for i, (name, (head, rows)) in enumerate(tables.items()):
        target = targets[i] if targets else folder / name
        with (
            atomic_output(target) as temporary,
            temporary.open("w", encoding="utf-8-sig", newline="") as fh,
        ):
            writer = csv.writer(fh)
            writer.writerow(head)
            for row in rows():
                writer.writerow([text_safe(v) for v in row])
        written.append(target)
    return written


def _csv_value(fields: dict[str, Any], col: _Column, source_unit: str, target_unit: str) -> Any:
    """A field as CSV text: amounts exact to the cent in the summary's unit, not as floats."""
    value = fields.get(col.key)
    if col.key == "unit" and not value:
        value = fields.get("applicant")
    if col.part is not None:
        value = value[col.part] if isinstance(value, list) and len(value) > col.part else None
    elif isinstance(value, list) and col.kind == "money":
        return ""  # a money row under a key that another layout uses alone: see its parts
    if value in (None, ""):
        return ""
    if col.kind == "money":
        try:
            amount = _convert(Decimal(str(value)), source_unit, target_unit)
        except ArithmeticError:
            return str(value)
        return f"{amount.quantize(Decimal('0.01')) if amount.is_finite() else amount}"
    if isinstance(value, list):
        return "；".join(str(v) for v in value if v not in (None, ""))
    return str(value)


def _copy_db(db: sqlite3.Connection, target: Path) -> Path:
    """The working database as a file of its own (SQLite takes the empty temporary file as a
    new database)."""
    with atomic_output(target) as temporary:
        try:
            out = sqlite3.connect(temporary)
            try:
                db.backup(out)
            finally:
                out.close()
        except sqlite3.Error as exc:  # SQLite's own error for what is an OSError underneath
            code = errno.ENOSPC if "full" in str(exc).lower() else errno.EIO
            raise OSError(code, str(exc)) from None
    return target
