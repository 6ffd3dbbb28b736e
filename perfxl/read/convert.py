"""Typed values from what the reader found, and project YAML that ``generate`` accepts.

Cells hold what people typed: numbers as text, dates as text or Excel serial numbers, "1500"
read as 1500.0. Each field is converted by its type in the layout; every conversion that had
to guess is reported (F006/F007) and every value that could not be converted is an error
(F002/F005), with the cell it came from.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from perfxl.core.catalogue import finding
from perfxl.core.findings import Finding
from perfxl.define.model import MAX_AMOUNT_DIGITS, ValueProblem, parse_date, parse_decimal
from perfxl.layout.templates import FieldSpec, Layout, TemplateSet
from perfxl.read.locate import Cell, ReadProject, ReadWorkbook, excel_serial_to_date
from perfxl.read.money import in_unit, parse_money


@dataclass
class TypedIndicator:
    values: dict[str, Any]
    cells: dict[str, Cell]
    filled_down: set[str]
    row: int


@dataclass
class TypedProject:
    sheet: str
    values: dict[str, Any]
    cells: dict[str, Cell]
    indicators: list[TypedIndicator] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.values.get("name") or self.sheet)


def text_of(value: Any) -> str | None:
    """A cell value as the text a person typed: 1500.0 → "1500", 0.95 → "0.95"."""
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


_CONVERTED = frozenset(("money", "money_row", "number", "date"))  # other types are text


def convert_cell(
    spec: FieldSpec,
    cell: Cell,
    where: str,
    findings: list[Finding],
    sheet: str,
    project: str,
    money_unit: str | None = None,
) -> Any:
    """The typed value of one cell, reporting every guess and every failure. ``money_unit``
    is the form's: an amount typed with another unit (``250万`` in a form in 元) is converted
    to it and reported (M004)."""
    value = cell.value
    if value is None:
        return None
    if spec.type not in _CONVERTED:
        return text_of(value)

    def report(code: str, **fields: Any) -> None:
        findings.append(
            finding(code, sheet=sheet, cell=cell.ref, project=project, label=where, **fields)
        )

    if spec.type in ("money", "money_row", "number"):
        if isinstance(value, bool):
            value = text_of(value)
        if isinstance(value, float) and not math.isfinite(value):
            report("M015", value=_not_finite(value))
            return None
        if isinstance(value, (int, float)):
            number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
            if _out_of_range(number):
                shown = f"{value:g}" if isinstance(value, float) else _short(str(value))
                report("M016", value=shown, limit=_LIMIT_TEXT)
                return None
            return number
        try:
            number = parse_decimal(str(value))
        except ValueProblem as problem:
            if problem.code == "D046":
                report("M016", value=_short(str(value)), limit=_LIMIT_TEXT)
                return None
            if _names_no_number(str(value)):
                report("M015", value=_short(str(value)))
                return None
            money = parse_money(value) if spec.type != "number" else None
            if money is not None and _out_of_range(money.amount):
                report("M016", value=_short(str(value)), limit=_LIMIT_TEXT)
                return None
            if money is None:
                report("F005", value=value)
                return None
            if money.unit and money_unit and money.unit != money_unit:
                report("M004", unit=money.unit, expected=money_unit)
                return in_unit(money, money_unit)
            report("F006", value=value)
            return money.amount
        report("F006", value=value)
        return number
    # spec.type == "date"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20000 < float(value) < 80000:
        report("F007", value=text_of(value), stored_as="日期序号")
        return excel_serial_to_date(float(value))
    try:
        date = parse_date(str(value))
    except ValueProblem:
        report("F002", value=value)
        return text_of(value)
    report("F007", value=value, stored_as="文本")
    return date


_LIMIT_TEXT = "1,000,000,000,000,000"


def _out_of_range(number: Decimal) -> bool:
    return bool(number) and number.adjusted() >= MAX_AMOUNT_DIGITS


def _not_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN（不是数）"
    return "负无穷大" if value < 0 else "无穷大（或超出 Excel 能表示的范围的数）"


def _names_no_number(text: str) -> bool:
    """NaN, Inf, Infinity as typed or exported (Decimal reads them; they are no amount)."""
    try:
        return not Decimal(text.strip()).is_finite()
    except ArithmeticError:
        return False


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


def typed_project(
    rp: ReadProject, layout: Layout, findings: list[Finding], money_unit: str | None = None
) -> TypedProject:
    values: dict[str, Any] = {}
    cells: dict[str, Cell] = {}
    project_name = text_of(rp.value("name")) or rp.sheet
    for spec in layout.fields:
        if spec.type == "money_row":
            parts = [rp.fields.get(f"{spec.key}#{i}") for i in range(len(spec.parts) or 3)]
            if all(cell is None or cell.value is None for cell in parts):
                continue
            row: list[Any] = []
            for i, cell in enumerate(parts):
                if cell is None:
                    row.append(None)
                    continue
                cells[f"{spec.key}#{i}"] = cell
                row.append(
                    convert_cell(
                        spec, cell, f"{spec.label}", findings, rp.sheet, project_name, money_unit
                    )
                )
            values[spec.key] = tuple(row)
            continue
        cell = rp.fields.get(spec.key)
        if cell is None:
            continue
        cells[spec.key] = cell
        values[spec.key] = convert_cell(
            spec, cell, spec.label, findings, rp.sheet, project_name, money_unit
        )
    # values read by the form's other cells (execution_weight default, etc.)
    for spec in layout.fields:
        if spec.key not in values and spec.default is not None and spec.key in rp.fields:
            values[spec.key] = Decimal(str(spec.default))
    project = TypedProject(rp.sheet, values, cells)
    columns = [(c.key, c, c.type in ("money", "number")) for c in layout.indicators.columns]
    append = project.indicators.append
    for ind in rp.indicators:
        typed: dict[str, Any] = {}
        ind_cells = ind.cells
        for key, column, numeric in columns:
            cell = ind_cells.get(key)
            if cell is None:
                continue
            typed[key] = (
                convert_cell(column, cell, column.label, findings, rp.sheet, project_name)
                if numeric
                else text_of(cell.value)
            )
        # the read indicator's cells and fill-down marks are shared, not copied: neither
        # side changes them
        append(TypedIndicator(typed, ind_cells, ind.filled_down, ind.row))
    return project


# ----------------------------------------------------------------------------------------
# YAML for perfxl generate


class _Flow(list):
    """A list dumped on one line: an indicator row, a money row."""


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    """A plain number as the user would type it: ``250`` or ``14.50``. Tagging ``250`` a
    float would print ``!!float '250'``, which nobody wants to read or copy."""
    if not value.is_finite():
        return dumper.represent_str(str(value))
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(_Flow, _flow)


def _strip_trailing_none(items: list[Any]) -> list[Any]:
    while items and items[-1] is None:
        items.pop()
    return items


def definition(rb: ReadWorkbook, projects: list[TypedProject]) -> dict[str, Any]:
    """The project definition (as perfxl generate reads it) of a read workbook."""
    layout = rb.layout
    out: dict[str, Any] = {"layout": layout.id, "framework": rb.framework.id}
    if rb.year is not None:
        out["year"] = rb.year
    out["money_unit"] = rb.money_unit or layout.money_unit
    doc_fields = [f["key"] for f in layout.extra.get("document_fields") or []]
    for key in doc_fields:
        for project in projects:
            if project.values.get(key) is not None:
                out[key] = project.values[key]
                break
    out_projects = []
    for project in projects:
        item: dict[str, Any] = {}
        groups: dict[str, dict[str, Any]] = {}
        for spec in layout.fields:
            if spec.key in doc_fields or spec.key not in project.values:
                continue
            value = project.values[spec.key]
            if value is None or value == "":
                continue
            if spec.type == "money_row":
                value = _Flow(list(value))
            if "." in spec.key:
                group, member = spec.key.split(".", 1)
                groups.setdefault(group, {})[member] = value
                if group not in item:
                    item[group] = groups[group]
            else:
                item[spec.key] = value
        columns = layout.indicators.columns
        item["indicators"] = [
            _Flow(_strip_trailing_none([ind.values.get(c.key) for c in columns]))
            for ind in project.indicators
        ]
        out_projects.append(item)
    out["projects"] = out_projects
    return out


# family keys that a layout of ours names otherwise: the single amount of a form is the
# year's total (declaration), the amount applied for (approval) or the year's budget
_NEAREST_KEYS = {"funds.total": ("funds.annual_total", "funds.amount", "funds.current_year")}
# a layout's money row (年初预算数 | 全年预算数 | 全年执行数) from the family's money table
_ROW_LINES = {"total": "total", "appropriation": "fiscal", "carryover": "carryover", "other": "other"}
_ROW_COLUMNS = ("budget", "adjusted", "executed")


def _fits(spec: FieldSpec, value: Any, layout: Layout) -> bool:
    """Whether a value read by the vocabulary is one the layout's field takes as it is."""
    if spec.type in ("text", "longtext"):
        return isinstance(value, str)
    if spec.type in ("money", "number"):
        return isinstance(value, Decimal)
    if spec.type == "date":
        return isinstance(value, dt.date)
    if spec.type == "choice":
        return value in (layout.lists.get(spec.list or "") or ())
    return False


def _in_layout(layout: Layout, values: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """The layout's field values that a form's values give as they are, and the family keys
    used for them."""
    out: dict[str, Any] = {}
    used: set[str] = set()
    for key, value in values.items():
        if value is None or value == "":
            continue
        for candidate in _NEAREST_KEYS.get(key, (key,)):
            spec = layout.field(candidate)
            if spec is not None and spec.type != "money_row" and candidate not in out:
                if _fits(spec, value, layout):
                    out[candidate] = value
                    used.add(key)
                break
    for spec in layout.fields:
        if spec.type != "money_row" or not spec.key.startswith("funds."):
            continue
        line = _ROW_LINES.get(spec.key[len("funds.") :])
        keys = [f"funds.{line}.{column}" for column in _ROW_COLUMNS]
        row = [values.get(k) for k in keys]
        if line is not None and any(isinstance(v, Decimal) for v in row):
            out[spec.key] = [v if isinstance(v, Decimal) else None for v in row]
            used.update(k for k, v in zip(keys, row) if isinstance(v, Decimal))
    return out, used


def nearest_definition(
    rb: ReadWorkbook, projects: list[TypedProject], templates: TemplateSet
) -> tuple[dict[str, Any], list[str]]:
    """The definition of a form read by the vocabulary, in the layout of ours that fits it:
    among the layouts with as many levels as the framework, one whose required fields the
    form fills, with the most values taken as they are (else the one missing the fewest).
    What the layout has no field for goes to each project's ``extra:`` block (label →
    value), so nothing read is dropped. Also returned: the required fields no project could
    fill (``layout 字段（项目）``), for the YAML to say what is still to be written."""
    fw = rb.framework
    labels = {spec.key: spec.label for spec in rb.layout.fields}
    column_labels = {c.key: c.label for c in rb.layout.indicators.columns}

    def fit(layout: Layout) -> tuple[int, int]:
        missing = taken = 0
        keys = {c.key for c in layout.indicators.columns}
        for p in projects:
            mapped, _used = _in_layout(layout, p.values)
            missing += sum(1 for f in layout.fields if f.required and f.key not in mapped)
            taken += len(mapped) + sum(
                1 for i in p.indicators for k, v in i.values.items() if v and k in keys
            )
        return -missing, taken

    candidates = [
        templates.layout(i)
        for i in templates.layout_ids()
        if len(templates.layout(i).indicators.level_columns) == fw.depth
    ]
    if not candidates:
        return definition(rb, projects), []
    layout = max(candidates, key=fit)  # ties: the first listed
    out: dict[str, Any] = {"layout": layout.id, "framework": fw.id}
    if rb.year is not None:
        out["year"] = rb.year
    unit = rb.money_unit or layout.money_unit
    out["money_unit"] = unit if unit in ("元", "万元") else layout.money_unit
    level_keys = [c.key for c in layout.indicators.level_columns]
    missing: list[str] = []
    out_projects = []
    for project in projects:
        mapped, used = _in_layout(layout, project.values)
        item: dict[str, Any] = {}
        for spec in layout.fields:
            if spec.key not in mapped:
                if spec.required:
                    missing.append(f"{spec.label}（{project.name}）")
                continue
            value = _Flow(mapped[spec.key]) if spec.type == "money_row" else mapped[spec.key]
            if "." in spec.key:
                group, member = spec.key.split(".", 1)
                item.setdefault(group, {})[member] = value
            else:
                item[spec.key] = value
        extra: dict[str, Any] = {}
        for key, value in project.values.items():
            if key not in used and value not in (None, ""):
                extra[labels.get(key, key)] = value if isinstance(value, str) else text_of(value)
        rows = []
        for n, ind in enumerate(project.indicators, start=1):
            values = dict(ind.values)
            path: tuple[str, ...] = ()
            for level, key in enumerate(level_keys):
                typed = values.get(key)
                if isinstance(typed, str):
                    values[key] = fw.resolve(level, typed, path).canonical or typed
                    path = (*path, values[key])
            rows.append(
                _Flow(_strip_trailing_none([values.get(c.key) for c in layout.indicators.columns]))
            )
            for key, value in ind.values.items():
                if value not in (None, "") and layout.indicators.column(key) is None:
                    label = column_labels.get(key, key)
                    extra[f"{label}（第 {n} 条指标）"] = text_of(value)
        item["indicators"] = rows
        if extra:
            item["extra"] = extra
        out_projects.append(item)
    out["projects"] = out_projects
    return out, missing


def to_yaml(
    data: dict[str, Any], source: str = "", nearest: bool = False, missing: list[str] | None = None
) -> str:
    header = f"# 由 perfxl extract 从「{source}」读出\n" if source else ""
    if nearest:
        header += (
            "# 这份表不符合任何表样，按通用词表读取；下面按栏目最相符的表样写出，\n"
            "# 表样没有的栏目放在各项目的 extra: 中（generate 不写入工作簿）\n"
        )
    if missing:
        header += f"# 原表没有、表样必填的栏目（generate 前请补写）：{'、'.join(missing)}\n"
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
