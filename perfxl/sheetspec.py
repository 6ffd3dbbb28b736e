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

from .errors import TemplateError

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
    kind: str  # "text" | "field" | "ind" | "proj" | "total"
    data: dict[str, Any]
    style: str | None

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass
class SheetSpec:
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    cells: list[Placed]
    print: dict[str, Any] = field(default_factory=dict)
    freeze: tuple[int, int] | None = None
    autofilter: tuple[int, int, int, int] | None = None

    @property
    def n_rows(self) -> int:
        return len(self.rows)


_PARSE_CACHE: dict[str, Any] = {}
_PARSE_CACHE_MAX = 512


def parse_description(text: str, origin: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{origin}：错误：模板渲染出的表格描述不是有效的 YAML：{exc}") from None


def spec_from_text(text: str, origin: str) -> SheetSpec:
    """Parse and place a rendered description; identical renderings are done once.

    Forms of one shape (every blank form of a roster, projects whose indicator groups have
    the same sizes) render to identical text, so the result is memoised on the text itself.
    A SheetSpec is never modified after placement, so sharing it is safe.
    """
    cached = _PARSE_CACHE.get(text)
    if cached is None:
        cached = place(parse_description(text, origin), origin)
        if len(_PARSE_CACHE) >= _PARSE_CACHE_MAX:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[text] = cached
    return cached


def place(data: Any, origin: str) -> SheetSpec:
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise TemplateError(f"{origin}：错误：表格描述必须含 rows 列表")
    columns = list(data.get("columns") or [])
    rows: list[dict[str, Any]] = []
    cells: list[Placed] = []
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(data["rows"]):
        row = row or {}
        rows.append(row)
        c = 0
        for cell in row.get("cells") or []:
            while (r, c) in occupied:
                c += 1
            rowspan = int(cell.get("rowspan", 1) or 1)
            colspan = int(cell.get("colspan", 1) or 1)
            kind = _kind(cell, origin, r)
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
    freeze = tuple(data["freeze"]) if data.get("freeze") else None
    autofilter = tuple(data["autofilter"]) if data.get("autofilter") else None
    return SheetSpec(
        columns=columns,
        rows=rows,
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
