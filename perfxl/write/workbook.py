"""Write a :class:`~perfxl.define.model.Document` as a formatted .xlsx workbook with XlsxWriter.

Order of work: assign sheet names → render each sheet's description (Jinja) → place cells →
compute widths and heights → write cells, merges, validations → write the hidden list sheet
with its defined names → close into a temporary file → rename. The rename makes the output
atomic: an interrupted run leaves no half-written workbook behind.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from perfxl import __version__
from perfxl.carry.record import CHUNK, fingerprint
from perfxl.core import monitoring, scoring
from perfxl.core.atomic import atomic_output
from perfxl.core.errors import OutputError, TemplateError
from perfxl.core.pages import (
    AVOID,
    FREE,
    IN_LEVEL1,
    IN_LEVEL2,
    MARGINS_INCH,
    PagePlan,
    plan_pages,
)
from perfxl.core.textwidth import text_height, text_width
from perfxl.define.model import Document, Project
from perfxl.layout.render import COVER_SHEET, GUIDE_SHEET, META_SHEET, project_spec, render
from perfxl.layout.sheetnames import project_sheet_names, sheet_names
from perfxl.layout.sheetspec import IndicatorShape, Placed, SheetSpec
from perfxl.layout.templates import FieldSpec, Layout, TemplateSet

LEVEL_ROOT_NAME = "IND_L1"
LOCKED_SUFFIX = ":carried"  # a style name with this ending: the style, locked (a carried value)
CARRIED_FILL = "#F2F2F2"
DEFAULT_ROW_HEIGHT = 20.0
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

# Sheet protection: labels stay locked, input cells are unlocked, and departments may still
# insert (but not delete) rows so they can add indicators.
PROTECTION = {
    "insert_rows": True,
    "format_rows": True,
    "format_columns": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "delete_rows": False,
    "insert_columns": False,
    "delete_columns": False,
    "format_cells": False,
    "sort": False,
    "autofilter": False,
    "objects": False,
    "scenarios": False,
}


@dataclass
class WriteOptions:
    merge_levels: bool = True
    cover: bool = True
    protect: bool = True
    guide: bool = False  # a 填报说明 sheet first (blank forms for departments)
    validations: bool = (
        True  # False for printable copies whose dropdown lists are not in the workbook
    )
    # rows of an empty goal (the layout's roles.goal) get the height this many Chinese
    # characters need, rows of other empty free text (longtext) half of it: Excel, WPS and
    # LibreOffice never grow a merged cell's row as people type, so a long goal typed into
    # a blank would print cut off
    text_room: int = 0


@dataclass
class Resolved:
    value: Any  # str | Decimal | int | float | date | None
    style: str
    validation: dict[str, Any] | None = None
    url: str | None = None
    formula: str | None = None
    room: str = ""  # text the cell must have room for while it is empty (WriteOptions.text_room)


@dataclass
class _Lists:
    """The hidden sheet's dropdown lists and the defined names that point at them."""

    columns: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (name, title, items)

    def add(self, name: str, title: str, items: list[str]) -> str:
        self.columns.append((name, title, items))
        return name


def list_name(list_title: str) -> str:
    return f"L_{list_title}"


def level_list_name(path: tuple[str, ...]) -> str:
    return "IND_" + "_".join(path) if path else LEVEL_ROOT_NAME


# Kept under its old name for the merge's --forms sheets.
safe_sheet_names = sheet_names


class Formats:
    def __init__(self, workbook: xlsxwriter.Workbook, styles: dict[str, dict[str, Any]]):
        self.workbook = workbook
        self.styles = styles
        self.cache: dict[str, Any] = {}
        self.sizes: dict[str, float] = {}

    def props(self, style: str) -> dict[str, Any]:
        props = dict(self.styles.get("base", {}))
        props.update(self.styles.get(style, {}))
        return props

    def get(self, style: str) -> Any:
        fmt = self.cache.get(style)
        if fmt is None:
            if style.endswith(LOCKED_SUFFIX):  # a carried value: the style, locked and grey
                props = self.props(style[: -len(LOCKED_SUFFIX)])
                props.update(locked=True, bg_color=CARRIED_FILL)
            else:
                props = self.props(style)
            fmt = self.cache[style] = self.workbook.add_format(props)
        return fmt

    def conditional(self, style: str) -> Any:
        """A conditional-format (dxf) format: only the style's own colours, not ``base``."""
        key = "\0cf:" + style
        fmt = self.cache.get(key)
        if fmt is None:
            fmt = self.cache[key] = self.workbook.add_format(dict(self.styles.get(style, {})))
        return fmt

    def font_size(self, style: str) -> float:
        size = self.sizes.get(style)
        if size is None:
            size = self.sizes[style] = float(self.props(style).get("font_size", 11))
        return size


def display_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (Decimal, int, float)):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------------------
# cell resolution


def _field_style(spec: FieldSpec | None, value: Any) -> str:
    if spec is None:
        return "input"
    if spec.type in ("money", "money_row"):
        return "money"
    if spec.type == "number":
        return "number"
    if spec.type == "date":
        return "date" if value is None or isinstance(value, dt.date) else "input_center"
    if spec.type in ("level", "choice"):
        return "input_center"
    return "input"


@functools.lru_cache(maxsize=1024)
def _field_validation(spec: FieldSpec, money_unit: str) -> dict[str, Any] | None:
    if spec.type in ("money", "money_row"):
        return {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "input_title": spec.label[:32],
            "input_message": f"请填写金额数字（单位：{money_unit}），不要写单位或文字。",
            "error_title": "金额格式不对",
            "error_message": f"{spec.label}只能填写不小于 0 的数字（单位：{money_unit}）。",
        }
    if spec.type == "number":
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_title": "数值格式不对",
            "error_message": f"{spec.label}只能填写 0 到 100 之间的数字。",
        }
    if spec.type == "date":
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_MIN,
            "maximum": DATE_MAX,
            "input_title": spec.label[:32],
            "input_message": "请按「年-月-日」填写，如 2024-01-01。",
            "error_title": "日期格式不对",
            "error_message": f"{spec.label}应是有效日期，如 2024-12-31。",
        }
    if spec.type == "choice" and spec.list:
        return {
            "validate": "list",
            "source": "=" + list_name(spec.list),
            "input_title": spec.label[:32],
            "input_message": f"请从下拉列表中选择{spec.label}。",
            "error_type": "warning",
            "error_title": f"{spec.label}不在列表中"[:32],
            "error_message": f"填写的{spec.label}不在常用选项中，请确认是否正确。",
        }
    return None


@functools.lru_cache(maxsize=4096)
def _level_validation(
    spec: FieldSpec, parent_refs: tuple[str, ...], framework_name: str
) -> dict[str, Any]:
    level = spec.level or 1
    if level == 1:
        source = "=" + LEVEL_ROOT_NAME
        message = f"请从下拉列表中选择{spec.label}（指标体系：{framework_name}）。"
    else:
        source = '=INDIRECT("IND_"&' + '&"_"&'.join(parent_refs) + ")"
        message = f"请先选择上一级指标，再从下拉列表中选择{spec.label}。"
    return {
        "validate": "list",
        "source": source,
        "input_title": spec.label[:32],
        "input_message": message[:255],
        "error_type": "stop",
        "error_title": f"{spec.label}无效"[:32],
        "error_message": f"请从下拉列表中选择{spec.label}；下拉列表为空时请先填写上一级指标。",
    }


TARGET_PROMPT = {
    "validate": "any",
    "input_title": "指标值的写法",
    "input_message": "定量指标写「符号+数值+(单位)」，如 ≥90.00(%)、=12000.00(份)、≤3.00(人)；定性指标写简短文字，如 及时、准确、有效。",
}


# ----------------------------------------------------------------------------------------
# sheet emission


def _write_cells(
    ws: Any,
    spec: SheetSpec,
    resolved: list[Resolved],
    formats: Formats,
    orientation: str,
    dv_cache: dict[tuple[int, ...], list[Any]] | None = None,
) -> None:
    widths = [float(c.get("width", 10)) for c in spec.columns]
    fit = [(bool(c.get("fit")), float(c.get("max", 60))) for c in spec.columns]
    pairs = list(zip(spec.cells, resolved))
    for cell, res in pairs:
        value = res.value
        if value is None or value == "":
            continue
        if isinstance(value, str):
            # columns marked fit grow (up to max) to show single-column text on one line
            fits, limit = fit[cell.col]
            if fits and cell.colspan == 1:
                widths[cell.col] = max(widths[cell.col], min(limit, text_width(value) + 2))
        elif not isinstance(value, bool):
            # numbers and dates cannot wrap: widen so they never show ####
            needed = len(display_text(value)) + 3
            span = sum(widths[cell.col : cell.last_col + 1])
            if needed > span:
                widths[cell.last_col] += needed - span

    fixed = [bool(r.get("height")) for r in spec.rows]
    heights = [
        float(r["height"]) if f else float(r.get("min_height") or DEFAULT_ROW_HEIGHT)
        for r, f in zip(spec.rows, fixed)
    ]
    starts = [0.0]
    for w in widths:
        starts.append(starts[-1] + w)

    multi: list[tuple[Placed, float]] = []
    font_size = formats.font_size
    for cell, res in pairs:
        value = res.value
        if value is None or value == "":
            if not res.room:
                continue
            value = res.room
        span = starts[cell.last_col + 1] - starts[cell.col]
        need = _text_height(display_text(value), span, font_size(res.style))
        if cell.rowspan == 1:
            if not fixed[cell.row] and need > heights[cell.row]:
                heights[cell.row] = need
        else:
            multi.append((cell, need))
    for cell, need in multi:
        rows = [r for r in range(cell.row, cell.last_row + 1) if not fixed[r]]
        have = sum(heights[cell.row : cell.last_row + 1])
        if need > have and rows:
            extra = (need - have) / len(rows)
            for r in rows:
                heights[r] += extra

    for i, w in enumerate(widths):
        if spec.columns[i].get("hidden"):
            ws.set_column(i, i, round(w, 1), None, {"hidden": True})
        else:
            ws.set_column(i, i, round(w, 1))
    for i, h in enumerate(heights):
        ws.set_row(i, min(round(h, 1), 409))
    orientation = str(spec.print.get("orientation", orientation))
    repeat = repeat_rows(spec)
    plan = plan_pages(
        [round(w, 1) for w in widths],
        [min(round(h, 1), 409) for h in heights],
        orientation,
        break_costs(spec, repeat),
        repeat,
    )

    validations: list[tuple[Placed, dict[str, Any]]] = []
    get_format = formats.get
    for cell, res in pairs:
        fmt = get_format(res.style)
        if cell.rowspan > 1 or cell.colspan > 1:
            # an indicator group taller than a page is merged page by page, each part named
            for top, bottom in _page_parts(cell, plan.breaks):
                if bottom > top or cell.colspan > 1:
                    ws.merge_range(top, cell.col, bottom, cell.last_col, "", fmt)
                _write_value(ws, top, cell.col, res, fmt)
        else:
            _write_value(ws, cell.row, cell.col, res, fmt)
        if res.validation:
            validations.append((cell, res.validation))
    groups = None
    if dv_cache is not None:
        dv_key = tuple(id(v) for _, v in validations)
        groups = dv_cache.get(dv_key)
    if groups is None:
        groups = coalesce_validations(validations)
        if dv_cache is not None:
            dv_cache[dv_key] = groups
    for cells, options in groups:
        first = cells[0]
        if len(cells) > 1:
            options = {**options, "multi_range": " ".join(_range_ref(c) for c in cells)}
        ws.data_validation(first.row, first.col, first.last_row, first.last_col, options)

    _conditional_formats(ws, spec, formats)
    _page_setup(ws, spec, orientation, plan, repeat)


def repeat_rows(spec: SheetSpec) -> tuple[int, int] | None:
    """The rows printed again at the top of every page: those marked ``repeat: true`` in the
    description (the indicator table's header), else the first ``print.repeat_rows``."""
    marked = [i for i, row in enumerate(spec.rows) if row.get("repeat")]
    if marked:
        return marked[0], marked[-1]
    count = int(spec.print.get("repeat_rows", 0) or 0)
    return (0, count - 1) if count else None


def break_costs(spec: SheetSpec, repeat: tuple[int, int] | None) -> list[int]:
    """What a page break before each row costs (see :mod:`perfxl.core.pages`)."""
    n = len(spec.rows)
    costs = [FREE] * (n + 1)
    indicator_rows = {r for c in spec.cells if c.kind == "ind" for r in range(c.row, c.last_row + 1)}
    depth = [0] * (n + 1)
    width = len(spec.columns)
    for cell in spec.cells:
        if cell.rowspan > 1:
            inside = range(cell.row + 1, cell.last_row + 1)
            if cell.kind == "ind":
                for b in inside:
                    depth[b] += 1
            elif not indicator_rows.intersection(range(cell.row, cell.last_row + 1)):
                for b in inside:
                    costs[b] = AVOID
        if cell.kind == "text" and cell.rowspan == 1 and cell.col == 0 and cell.colspan >= width:
            costs[cell.row + 1] = AVOID  # a heading stays with what it heads
    for b in range(n + 1):
        if depth[b]:
            costs[b] = max(costs[b], IN_LEVEL1 if depth[b] == 1 else IN_LEVEL2)
    if repeat is not None:
        for b in range(repeat[0] + 1, repeat[1] + 2):
            costs[b] = AVOID
    return costs[:n]


def _page_parts(cell: Placed, breaks: tuple[int, ...]) -> list[tuple[int, int]]:
    if cell.kind != "ind" or cell.rowspan == 1:
        return [(cell.row, cell.last_row)]
    cuts = [b for b in breaks if cell.row < b <= cell.last_row]
    starts = [cell.row, *cuts]
    ends = [b - 1 for b in cuts] + [cell.last_row]
    return list(zip(starts, ends))


def _conditional_formats(ws: Any, spec: SheetSpec, formats: Formats) -> None:
    """``conditional: [{equals: 红, style: light_red}, …]`` on a cell: its fill while it shows
    that text (the monitoring lights). Cells with the same rules share one range list."""
    groups: dict[str, tuple[list[Placed], list[Any]]] = {}
    for cell in spec.cells:
        rules = cell.data.get("conditional")
        if rules:
            key = repr(rules)
            groups.setdefault(key, ([], rules))[0].append(cell)
    for cells, rules in groups.values():
        first = cells[0]
        ranges = " ".join(_range_ref(c) for c in cells)
        for rule in rules:
            text = str(rule["equals"]).replace('"', '""')
            options = {
                "type": "cell",
                "criteria": "==",
                "value": f'"{text}"',
                "format": formats.conditional(str(rule["style"])),
            }
            if len(cells) > 1:
                options["multi_range"] = ranges
            ws.conditional_format(first.row, first.col, first.last_row, first.last_col, options)


_RELATIVE_ROW = re.compile(r"\$([A-Z]{1,3})(\d+)")


def _range_ref(cell: Placed) -> str:
    first = xl_rowcol_to_cell(cell.row, cell.col)
    if cell.rowspan == 1 and cell.colspan == 1:
        return first
    return f"{first}:{xl_rowcol_to_cell(cell.last_row, cell.last_col)}"


def _row_offsets(formula: str, row: int) -> str:
    """``$B14`` seen from row index 12 becomes ``$B{1}``: the reference as a row offset."""
    return _RELATIVE_ROW.sub(lambda m: f"${m.group(1)}{{{int(m.group(2)) - 1 - row}}}", formula)


def coalesce_validations(
    items: list[tuple[Placed, dict[str, Any]]],
) -> list[tuple[list[Placed], dict[str, Any]]]:
    """Merge identical validations into one rule over several ranges.

    A formula with row-relative references (``$B13``) joins others only in the same column and
    at the same row offset, since Excel reads it relative to the rule's first cell. Fewer
    rules make smaller files that Excel, WPS and LibreOffice open faster.
    """
    groups: dict[Any, tuple[list[Placed], dict[str, Any]]] = {}
    base_keys: dict[int, Any] = {}
    for cell, options in items:
        base = base_keys.get(id(options))
        if base is None:
            base = base_keys[id(options)] = tuple(
                sorted((k, str(v)) for k, v in options.items() if k != "source")
            )
        source = str(options.get("source", ""))
        relative = "$" in source and _RELATIVE_ROW.search(source) is not None
        if relative:
            source = _row_offsets(source, cell.row)
        key = (base, source, cell.col if relative else None)
        if key in groups:
            groups[key][0].append(cell)
        else:
            groups[key] = ([cell], options)
    return list(groups.values())


@functools.lru_cache(maxsize=8192)
def _text_height(text: str, span: float, size: float) -> float:
    return text_height(text, span, size)


def _write_value(ws: Any, row: int, col: int, res: Resolved, fmt: Any) -> None:
    value = res.value
    if res.formula is not None:
        ws.write_formula(row, col, res.formula, fmt, value)
    elif res.url is not None:
        ws.write_url(row, col, res.url, fmt, display_text(value))
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (Decimal, int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        # Always a string: a target such as "=100.00(%)" must never become a formula.
        ws.write_string(row, col, str(value), fmt)


def _page_setup(
    ws: Any, spec: SheetSpec, orientation: str, plan: PagePlan, repeat: tuple[int, int] | None
) -> None:
    ws.set_paper(9)  # A4
    if orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    # a fixed scale, not "fit to page": Excel ignores manual breaks under fit to page
    ws.set_print_scale(plan.scale)
    if plan.breaks:
        ws.set_h_pagebreaks(list(plan.breaks))
    ws.center_horizontally()
    ws.set_margins(**MARGINS_INCH)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if spec.freeze:
        ws.freeze_panes(*spec.freeze)
    if spec.autofilter:
        ws.autofilter(*spec.autofilter)


# ----------------------------------------------------------------------------------------
# the workbook


class DocumentWriter:
    def __init__(self, templates: TemplateSet, options: WriteOptions | None = None):
        self.templates = templates
        self.options = options or WriteOptions()
        self._shapes = _ShapeCache()

    def write(self, doc: Document, output: Path) -> None:
        """Write ``doc`` to ``output`` atomically (temporary file in the same folder, then rename)."""
        with atomic_output(output) as temporary:
            workbook = xlsxwriter.Workbook(
                str(temporary),
                {
                    "strings_to_formulas": False,
                    "strings_to_numbers": False,
                    "strings_to_urls": False,
                    # assemble the zip in memory, not through one temporary file per part
                    "in_memory": True,
                },
            )
            self.build(workbook, doc)
            try:
                workbook.close()
            except xlsxwriter.exceptions.FileCreateError as exc:
                raise OutputError(f"{output}：错误：写入失败（{exc}）") from None

    # -- building ----------------------------------------------------------------------------
    def build(self, workbook: xlsxwriter.Workbook, doc: Document) -> None:
        layout = doc.layout
        formats = Formats(workbook, self.templates.styles)
        lists = _Lists()
        for title, items in layout.lists.items():
            lists.add(list_name(title), title, items)
        root_items = doc.framework.children(())
        lists.add(LEVEL_ROOT_NAME, doc.framework.levels[0], root_items)
        for path in doc.framework.parent_paths():
            children = doc.framework.children(path)
            if children:
                lists.add(level_list_name(path), "/".join(path), children)

        sheet_names = project_sheet_names([p.name for p in doc.projects])
        title = doc.title or f"{doc.values.get('unit') or ''}{doc.year}年度{layout.name}"

        workbook.set_properties(
            {
                "title": title,
                "subject": layout.name,
                "keywords": f"perfxl;layout={layout.id};version={layout.version};framework={doc.framework.id}",
                "comments": f"由 perfxl {__version__} 生成；表样 {layout.id} {layout.version}",
            }
        )
        workbook.set_custom_property("perfxl_layout", layout.id)
        workbook.set_custom_property("perfxl_layout_version", layout.version)
        workbook.set_custom_property("perfxl_framework", doc.framework.id)
        # the rest of what the hidden sheet says, so that a reader need not parse that sheet
        # (it still reads it for the sheet names when project sheets are missing)
        workbook.set_custom_property("perfxl_year", str(doc.year))
        workbook.set_custom_property("perfxl_money_unit", doc.money_unit)
        workbook.set_custom_property("perfxl_sheets", str(len(sheet_names)))
        for name, value in doc.properties.items():
            workbook.set_custom_property(f"perfxl_{name}", value)
        profile = doc.profile or layout.extra.get("profile")
        if profile and layout.roles.execution is not None:
            workbook.set_custom_property("perfxl_profile", str(profile))
        record = _record_of(doc)
        if record is not None:
            workbook.set_custom_property("perfxl_carried", fingerprint(record.to_json()))
            workbook.set_custom_property("perfxl_carried_from", record.origin)

        if self.options.guide:
            self._write_guide(workbook, formats, doc)
        if self.options.cover:
            self._write_cover(workbook, formats, doc, title, sheet_names)
        for project, sheet_name in zip(doc.projects, sheet_names):
            self.write_project_sheet(workbook, formats, doc, project, sheet_name)
        self._write_meta(workbook, doc, lists, sheet_names)
        if self.options.cover or self.options.guide:
            workbook.worksheets()[0].activate()

    def render(
        self, template_name: str, context: dict[str, Any], shape: IndicatorShape | None = None
    ) -> SheetSpec:
        return render(self.templates, template_name, context, shape)

    def project_spec(self, doc: Document, project: Project) -> SheetSpec:
        """The placed sheet description of one project, as the layout stage renders it."""
        return project_spec(self.templates, doc, project, self.options.merge_levels)

    def write_project_sheet(
        self,
        workbook: xlsxwriter.Workbook,
        formats: Formats,
        doc: Document,
        project: Project,
        sheet_name: str,
    ) -> None:
        layout = doc.layout
        ws = workbook.add_worksheet(sheet_name)
        spec = self.project_spec(doc, project)
        work = self._shapes.work(spec, doc)
        resolved = _resolve_project_cells(work.plans, doc, project, self.options.text_room)
        if not self.options.validations:
            resolved = [
                Resolved(r.value, r.style, None, r.url, r.formula, r.room) for r in resolved
            ]
        _write_cells(ws, spec, resolved, formats, layout.orientation, work.validations)
        if self.options.protect:
            ws.protect("", PROTECTION)

    def _write_cover(
        self,
        workbook: xlsxwriter.Workbook,
        formats: Formats,
        doc: Document,
        title: str,
        sheet_names: list[str],
    ) -> None:
        ws = workbook.add_worksheet(COVER_SHEET)
        spec = self.render(
            "common/cover.yaml.j2",
            {
                "doc": doc,
                "layout": doc.layout,
                "title": title,
                "projects": doc.projects,
                "columns": doc.layout.cover_columns,
            },
            IndicatorShape(projects=len(doc.projects)),
        )
        resolved = _resolve_cover_cells(spec, doc, sheet_names)
        _write_cells(ws, spec, resolved, formats, "landscape")

    def _write_guide(self, workbook: xlsxwriter.Workbook, formats: Formats, doc: Document) -> None:
        ws = workbook.add_worksheet(GUIDE_SHEET)
        spec = self.render(
            "common/guide.yaml.j2", {"doc": doc, "layout": doc.layout, "framework": doc.framework}
        )
        _write_cells(ws, spec, _resolve_cover_cells(spec, doc, []), formats, "portrait")
        ws.protect("", PROTECTION)

    def _write_meta(
        self, workbook: xlsxwriter.Workbook, doc: Document, lists: _Lists, sheet_names: list[str]
    ) -> None:
        ws = workbook.add_worksheet(META_SHEET)
        meta = [
            ("perfxl", __version__),
            ("layout", doc.layout.id),
            ("layout_version", doc.layout.version),
            ("framework", doc.framework.id),
            ("year", str(doc.year)),
            ("money_unit", doc.money_unit),
        ]
        profile = doc.profile or doc.layout.extra.get("profile")
        if profile and doc.layout.roles.execution is not None:
            meta.append(("profile", str(profile)))
        for sheet_name, project in zip(sheet_names, doc.projects):
            meta.append(("sheet", sheet_name, project.name))  # type: ignore[arg-type]
        record = _record_of(doc)
        if record is not None:  # what this stage carries (perfxl/carry/record.py)
            text = record.to_json()
            meta.append(("carried_sha", fingerprint(text)))
            for start in range(0, len(text), CHUNK):
                meta.append(("carried", text[start : start + CHUNK]))
        for r, row in enumerate(meta):
            for c, value in enumerate(row):
                ws.write_string(r, c, value)
        first_col = 4
        for offset, (name, title, items) in enumerate(lists.columns):
            col = first_col + offset
            ws.write_string(0, col, title)
            for r, item in enumerate(items, start=1):
                ws.write_string(r, col, item)
            letter = xl_col_to_name(col)
            last = max(len(items), 1) + 1
            workbook.define_name(name, f"='{META_SHEET}'!${letter}$2:${letter}${last}")
        ws.hide()


@dataclass(frozen=True)
class _CellPlan:
    """What a placed cell shows, minus the value: fixed per sheet shape, so it is computed
    once per (shape, layout) and reused for every project of that shape."""

    kind: str  # text | formula | field | ind
    key: str = ""
    index: int | None = None  # indicator number
    part: int | None = None  # column of a money_row field
    style: str | None = None  # set by the template; else chosen from the field type
    field: FieldSpec | None = None
    validation: dict[str, Any] | None = None
    text: str = ""
    formula: str = ""
    value_of: str | None = None
    value: Any = None


def _plan_project_cells(spec: SheetSpec, doc: Document) -> list[_CellPlan]:
    layout: Layout = doc.layout
    columns = layout.indicators
    level_keys = {c.key for c in columns.level_columns}
    grid: dict[tuple[int, int], Placed] = {}  # positions covered by level cells
    column_of: dict[str, int] = {}
    for cell in spec.cells:
        if cell.kind == "ind" and cell.data["col"] in level_keys:
            column_of.setdefault(str(cell.data["col"]), cell.col)
            for r in range(cell.row, cell.last_row + 1):
                grid[(r, cell.col)] = cell

    plans = []
    for cell in spec.cells:
        data = cell.data
        if cell.kind == "text":
            plans.append(
                _CellPlan("text", style=cell.style or "cell", text=str(data.get("text") or ""))
            )
        elif cell.kind == "formula":
            plans.append(
                _CellPlan(
                    "formula",
                    style=cell.style or "formula",
                    formula=_expand_formula(str(data["formula"]), spec, cell),
                    value_of=str(data["value_of"]) if "value_of" in data else None,
                    value=data.get("value"),
                    index=data["ind"] if isinstance(data.get("ind"), int) else None,
                )
            )
        elif cell.kind == "field":
            key = str(data["field"])
            fspec = layout.field(key)
            plans.append(
                _CellPlan(
                    "field",
                    key=key,
                    part=int(data["part"]) if "part" in data else None,
                    style=cell.style,
                    field=fspec,
                    validation=_field_validation(fspec, doc.money_unit) if fspec else None,
                )
            )
        else:  # ind
            key = str(data["col"])
            col_spec = columns.column(key)
            index = data.get("ind")
            validation: dict[str, Any] | None = None
            if col_spec is not None and col_spec.type == "level":
                refs = []
                for parent in columns.level_columns[: (col_spec.level or 1) - 1]:
                    parent_cell = grid.get((cell.row, column_of.get(parent.key, -1)))
                    if parent_cell is None:
                        break
                    same_row = parent_cell.row == cell.row
                    refs.append(
                        xl_rowcol_to_cell(
                            parent_cell.row, parent_cell.col, row_abs=not same_row, col_abs=True
                        )
                    )
                validation = _level_validation(col_spec, tuple(refs), doc.framework.name)
            elif col_spec is not None and col_spec.list:
                validation = _list_validation(col_spec)
            elif col_spec is not None and col_spec.type in ("money", "number"):
                validation = _field_validation(col_spec, doc.money_unit)
            elif key == "target":
                validation = TARGET_PROMPT
            plans.append(
                _CellPlan(
                    "ind",
                    key=key,
                    index=index if isinstance(index, int) else None,
                    style=cell.style,
                    field=col_spec,
                    validation=validation,
                )
            )
    return plans


@dataclass
class _ShapeWork:
    """What the writer derives from one placed sheet, the same for every project of a
    document that renders to it (same layout, same indicator-table shape)."""

    pinned: tuple[Any, ...]  # the spec, layout and framework whose ids key this entry
    plans: list[_CellPlan]
    # ids of the sheet's validation dicts (held by ``plans``) -> their coalesced ranges
    validations: dict[tuple[int, ...], list[Any]] = field(default_factory=dict)


class _ShapeCache:
    """The writer's only cache of per-sheet work, owned by one DocumentWriter.

    Placed sheets (``SheetSpec``) are shared and never modified, so the work derived from
    them lives here rather than on them. An entry keeps its spec, layout and framework alive,
    so the ids that key it cannot be reused by other objects while it exists.

    Measured with ``benchmarks/bench_generate.py`` (the 11-project sample, 173 validations
    per workbook; best of 5, two runs each, a noisy 2-core machine), render+write per
    workbook against raw XlsxWriter replaying the same calls in the same run: without this
    cache 74-80 ms, 1.42-1.52x raw; with it 69-73 ms, 1.09-1.18x raw (the same as when these
    plans were stored on the SheetSpec). Planning the cells and coalescing the validations
    of every sheet again is that difference, so the cache stays.
    """

    _MAX = 512  # sheets; a long-lived writer sees few distinct shapes, so clearing is rare

    def __init__(self) -> None:
        self._entries: dict[tuple[int, int, int, str], _ShapeWork] = {}

    def work(self, spec: SheetSpec, doc: Document) -> _ShapeWork:
        key = (id(spec), id(doc.layout), id(doc.framework), doc.money_unit)
        work = self._entries.get(key)
        if work is None:
            if len(self._entries) >= self._MAX:
                self._entries.clear()
            work = _ShapeWork((spec, doc.layout, doc.framework), _plan_project_cells(spec, doc))
            self._entries[key] = work
        return work


@functools.lru_cache(maxsize=256)
def _list_validation(spec: FieldSpec) -> dict[str, Any]:
    return {
        "validate": "list",
        "source": "=" + list_name(spec.list or ""),
        "error_type": "warning",
        "error_title": f"{spec.label}不在列表中"[:32],
        "error_message": f"填写的{spec.label}不在常用选项中，请确认是否正确。",
    }


def _record_of(doc: Document) -> Any:
    """What the workbook records as carried: the record of ``perfxl next``, or for a form whose
    indicator list must stay as given (the monitoring form), the definition's own list."""
    if doc.record is not None:
        return doc.record
    if doc.layout.roles.monitor is None:
        return None
    from perfxl.carry.record import CarriedIndicator, CarriedProject, Record, value_text

    levels = [c.key for c in doc.layout.indicators.level_columns]
    return Record(
        stage="项目定义",
        layout="",
        source=Path(doc.path).name,
        source_sha256="",
        projects=tuple(
            CarriedProject(
                name=p.name,
                fields={},
                labels={},
                indicators=tuple(
                    CarriedIndicator(
                        tuple(value_text(i.values.get(k)) for k in levels),
                        value_text(i.values.get("name")),
                        value_text(i.values.get("target")),
                    )
                    for i in p.indicators
                    if value_text(i.values.get("name"))
                ),
            )
            for p in doc.projects
        ),
    )


def _locked(style: str) -> str:
    return style if style.endswith(LOCKED_SUFFIX) else style + LOCKED_SUFFIX


def _resolve_project_cells(
    plans: list[_CellPlan], doc: Document, project: Project, text_room: int = 0
) -> list[Resolved]:
    goal, goal_room, other_room = doc.layout.roles.goal, "中" * text_room, "中" * (text_room // 2)
    carried = doc.carried
    values = project.values
    indicators = project.indicators
    computed: dict[str, Any] | None = None
    out: list[Resolved] = []
    for plan in plans:
        kind = plan.kind
        if kind == "text":
            out.append(Resolved(plan.text, plan.style or "cell"))
        elif kind == "formula":
            # the cached result: perfxl's own computation of what the formula gives
            value = plan.value
            if plan.value_of is not None:
                if computed is None:
                    computed = {
                        **scoring.shown_scores(project, doc.layout.roles.execution),
                        **monitoring.project_lights(project, doc.layout.roles.monitor),
                    }
                key = plan.value_of
                if plan.index is not None:
                    key = f"{key}:{plan.index}"
                value = computed.get(key)
            out.append(Resolved(value, plan.style or "formula", formula=plan.formula))
        elif kind == "field":
            value = values.get(plan.key) if plan.field else doc.values.get(plan.key)
            if plan.part is not None:  # one column of a money_row field
                value = value[plan.part] if value and plan.part < len(value) else None
            style = plan.style or _field_style(plan.field, value)
            if carried and value is not None:
                key = plan.key if plan.part is None else f"{plan.key}#{plan.part}"
                if key in carried:
                    style = _locked(style)
            resolved = Resolved(value, style, plan.validation)
            if text_room and plan.field is not None and plan.field.type == "longtext":
                resolved.room = goal_room if plan.key == goal else other_room
            out.append(resolved)
        else:
            index = plan.index
            value = (
                indicators[index].values.get(plan.key)
                if index is not None and index < len(indicators)
                else None
            )
            derive = plan.field.derive if plan.field is not None else None
            if value is None and derive and index is not None and index < len(indicators):
                target = indicators[index].values.get("target")
                value = monitoring.DERIVED[derive](target) if derive in monitoring.DERIVED else None
            style = plan.style or _field_style(plan.field, value)
            if carried and value not in (None, "") and f"ind:{plan.key}" in carried:
                style = _locked(style)
            out.append(Resolved(value, style, plan.validation))
    return out


_FORMULA_REF = re.compile(r"\{([A-Za-z_][\w.]*)(?::([\w.]+))?\}")


def _expand_formula(formula: str, spec: SheetSpec, at: Placed | None = None) -> str:
    """Replace ``{id}`` by the A1 reference of the cell with that ``id``, ``{ind:col}`` by
    the range of indicator column ``col`` (filled and blank rows) and ``{row:col}`` by the
    cell of indicator column ``col`` in the formula's own row, so a layout can write
    formulas without knowing where rows will land."""
    ids: dict[str, Placed] = {}
    columns: dict[str, list[Placed]] = {}
    for cell in spec.cells:
        if "id" in cell.data:
            ids[str(cell.data["id"])] = cell
        if cell.kind == "ind":
            columns.setdefault(str(cell.data["col"]), []).append(cell)

    def replace(match: re.Match[str]) -> str:
        name, col = match.group(1), match.group(2)
        if name == "row" and col is not None and at is not None:
            same = [c for c in columns.get(col, ()) if c.row <= at.row <= c.last_row]
            if not same:
                raise TemplateError(f"公式引用的指标列「{col}」不在公式所在的行：{formula}")
            return xl_rowcol_to_cell(at.row, same[0].col)
        if name == "ind" and col is not None:
            cells = columns.get(col)
            if not cells:
                raise TemplateError(f"公式引用的指标列「{col}」不存在：{formula}")
            first, last = min(c.row for c in cells), max(c.last_row for c in cells)
            return (
                f"{xl_rowcol_to_cell(first, cells[0].col)}:{xl_rowcol_to_cell(last, cells[0].col)}"
            )
        if name not in ids:
            raise TemplateError(f"公式引用的单元格 id「{name}」不存在：{formula}")
        target = ids[name]
        return xl_rowcol_to_cell(target.row, target.col)

    return _FORMULA_REF.sub(replace, formula)


def _resolve_cover_cells(spec: SheetSpec, doc: Document, sheet_names: list[str]) -> list[Resolved]:
    out: list[Resolved] = []
    field_rows: dict[str, list[int]] = {}
    for cell in spec.cells:
        data = cell.data
        if cell.kind == "proj":
            index = int(data["proj"])
            key = str(data["field"])
            value = doc.projects[index].values.get(key)
            fspec = doc.layout.field(key)
            field_rows.setdefault(key, []).append(cell.row)
            if data.get("link"):
                url = f"internal:'{sheet_names[index]}'!A1"
                out.append(Resolved(value, cell.style or "link", url=url))
            else:
                style = (
                    _field_style(fspec, value)
                    if fspec and fspec.type in ("money", "date", "number")
                    else "cell"
                )
                out.append(Resolved(value, cell.style or style))
        elif cell.kind == "total":
            key = str(data["total"])
            values = [p.values.get(key) for p in doc.projects]
            total = sum((v for v in values if isinstance(v, Decimal)), Decimal(0))
            rows = field_rows.get(key) or [cell.row]
            letter = xl_col_to_name(cell.col)
            formula = f"=SUM({letter}{min(rows) + 1}:{letter}{max(rows) + 1})"
            out.append(Resolved(total, cell.style or "total", formula=formula))
        else:
            out.append(Resolved(str(data.get("text") or ""), cell.style or "cell"))
    return out
