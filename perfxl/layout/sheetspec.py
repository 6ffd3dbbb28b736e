"""The sheet description a layout template renders, and its placement on a grid.

A rendered description is plain data::

    columns: [{width: 9}, …]
    print: {orientation: portrait, repeat_rows: 2}
    rows:
      - height: 34            # optional fixed height; min_height keeps at least this much
        cells:
          - {text: 项目名称, style: label}
          - {field: name, colspan: 2}
          - {ind: 0, col: level1, rowspan: 3}

Cells are placed like an HTML table: each row starts at column 0 and skips positions already
covered by a rowspan from above. The result is a list of :class:`Placed` cells with absolute
coordinates, which both the writer and (later) the reader use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from perfxl.core.errors import TemplateError

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class Placed:
    row: int
    col: int
    rowspan: int
    colspan: int
    kind: str  # "text" | "field" | "ind" | "proj" | "total" | "formula"
    data: dict[str, Any]
    style: str | None
    last_row: int = field(init=False)
    last_col: int = field(init=False)

    def __post_init__(self) -> None:
        self.last_row = self.row + self.rowspan - 1
        self.last_col = self.col + self.colspan - 1


@dataclass
class SheetSpec:
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    cells: list[Placed]
    print: dict[str, Any] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class IndicatorShape:
    """How a project's indicator table expands: per filled row, the vertical span of each
    level column (0 = covered by the merge above), then the number of empty rows."""

    spans: tuple[tuple[tuple[str, int], ...], ...] = ()
    blank: int = 0
    projects: int = 0  # rows of a ``- projects:`` block (the cover's project list)

    @property
    def total(self) -> int:
        return len(self.spans) + self.blank


_PARSED: dict[str, Any] = {}
_PLACED: dict[tuple[str, IndicatorShape], SheetSpec] = {}
_CACHE_MAX = 512


def parse_description(text: str, origin: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{origin}：错误：模板渲染出的表格描述不是有效的 YAML：{exc}") from None


def clear_caches() -> None:
    _PARSED.clear()
    _PLACED.clear()


def spec_from_text(text: str, origin: str, shape: IndicatorShape | None = None) -> SheetSpec:
    """Parse and place a rendered description, memoised.

    Layouts bind values by key rather than printing them, so every project of a layout renders
    to the same text: the YAML is parsed once, and placement is redone only for a new
    indicator-table shape. A SheetSpec is never modified after placement, so sharing is safe.
    """
    shape = shape or IndicatorShape()
    key = (text, shape)
    spec = _PLACED.get(key)
    if spec is None:
        data = _PARSED.get(text)
        if data is None:
            data = parse_description(text, origin)
            if len(_PARSED) >= _CACHE_MAX:
                _PARSED.clear()
            _PARSED[text] = data
        spec = place(data, origin, shape)
        if len(_PLACED) >= _CACHE_MAX:
            _PLACED.clear()
        _PLACED[key] = spec
    return spec


def _expand_indicator_rows(pattern: dict[str, Any], shape: IndicatorShape) -> list[dict[str, Any]]:
    """``- indicators: {cells: […]}`` → one row per indicator plus the empty rows.

    Level columns of consecutive indicators that share their levels are merged vertically
    (the spans come from the shape); every other cell is repeated as written.
    """
    cells = pattern.get("cells") or []
    extra = {k: v for k, v in pattern.items() if k != "cells"}
    rows: list[dict[str, Any]] = []
    for index, spans in enumerate(shape.spans):
        span_of = dict(spans)
        row_cells = []
        for cell in cells:
            col = cell.get("col")
            if col in span_of:
                if span_of[col] == 0:
                    continue
                row_cells.append({**cell, "ind": index, "rowspan": span_of[col]})
            else:
                row_cells.append({**cell, "ind": index})
        rows.append({**extra, "cells": row_cells})
    for _ in range(shape.blank):
        rows.append({**extra, "cells": [{**cell, "ind": "blank"} for cell in cells]})
    return rows


def _number(value: Any, shape: IndicatorShape, default: int = 1) -> int:
    """A number, or ``{indicators: k}`` = k + the indicator table's rows, or
    ``{projects: k}`` = k + the number of projects (for spans and autofilter ranges)."""
    if isinstance(value, dict):
        if "indicators" in value:
            return int(value["indicators"]) + shape.total
        if "projects" in value:
            return int(value["projects"]) + shape.projects
        raise TemplateError(f"无法理解的数值：{value!r}")
    return default if value is None else int(value)


def _expand_project_rows(pattern: dict[str, Any], shape: IndicatorShape) -> list[dict[str, Any]]:
    """``- projects: {cells: […]}`` → one row per project; cells get ``proj: index`` and
    ``{number}`` in a text cell becomes the 1-based row number."""
    cells = pattern.get("cells") or []
    extra = {k: v for k, v in pattern.items() if k != "cells"}
    rows = []
    for index in range(shape.projects):
        row_cells = []
        for cell in cells:
            if "text" in cell:
                row_cells.append(
                    {**cell, "text": str(cell["text"]).replace("{number}", str(index + 1))}
                )
            else:
                row_cells.append({**cell, "proj": index})
        rows.append({**extra, "cells": row_cells})
    return rows


def place(data: Any, origin: str, shape: IndicatorShape | None = None) -> SheetSpec:
    shape = shape or IndicatorShape()
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise TemplateError(f"{origin}：错误：表格描述必须含 rows 列表")
    source_rows: list[dict[str, Any]] = []
    for row in data["rows"]:
        row = row or {}
        if "indicators" in row:
            source_rows.extend(_expand_indicator_rows(row["indicators"] or {}, shape))
        elif "projects" in row:
            source_rows.extend(_expand_project_rows(row["projects"] or {}, shape))
        else:
            source_rows.append(row)
    columns = list(data.get("columns") or [])
    cells: list[Placed] = []
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(source_rows):
        c = 0
        for cell in row.get("cells") or []:
            while (r, c) in occupied:
                c += 1
            rowspan = _number(cell.get("rowspan"), shape)
            colspan = _number(cell.get("colspan"), shape)
            kind = _kind(cell, origin, r)
            if kind == "text" and "{projects}" in str(cell["text"]):
                cell = {
                    **cell,
                    "text": str(cell["text"]).replace("{projects}", str(shape.projects)),
                }
            placed = Placed(r, c, rowspan, colspan, kind, cell, cell.get("style"))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    if (rr, cc) in occupied:
                        raise TemplateError(
                            f"{origin}：错误：第 {r + 1} 行的单元格与上方合并区域重叠"
                        )
                    occupied.add((rr, cc))
            cells.append(placed)
            c += colspan
    width = max((p.last_col + 1 for p in cells), default=0)
    while len(columns) < width:
        columns.append({"width": 10})
    freeze = tuple(_number(v, shape) for v in data["freeze"]) if data.get("freeze") else None
    autofilter = (
        tuple(_number(v, shape) for v in data["autofilter"]) if data.get("autofilter") else None
    )
    return SheetSpec(
        columns=columns,
        rows=source_rows,
        cells=cells,
        print=dict(data.get("print") or {}),
        freeze=freeze,  # type: ignore[arg-type]
        autofilter=autofilter,  # type: ignore[arg-type]
    )


def _kind(cell: Any, origin: str, r: int) -> str:
    if not isinstance(cell, dict):
        raise TemplateError(f"{origin}：错误：第 {r + 1} 行的单元格必须是映射")
    for kind in ("formula", "proj", "total", "ind", "field"):
        if kind in cell:
            return kind
    if "text" in cell:
        return "text"
    raise TemplateError(f"{origin}：错误：第 {r + 1} 行的单元格缺少 text/field/ind：{cell!r}")
