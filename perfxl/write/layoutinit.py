"""``layout init``: a starting layout (layout.yaml + sheet.yaml.j2) from a province's blank form.

The blank workbook is read as ``blank --form`` reads it (``read/family.py``: the vocabulary
finds its field labels, their value cells and its indicator table). Every cell of its sheet
becomes a cell of the sheet description, row by row and with its merges: a label is fixed
text, a value cell is the field the label names, the indicator table's header is text and
its first data row the pattern of every indicator row. The title's year becomes the
document's year. The result is a plain starting point: ``generate`` makes the form from
YAML with it, and the form reads back with the same fields; widths, styles and wording are
for the office to adjust.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import yaml

from perfxl.core.atomic import atomic_write
from perfxl.core.errors import PerfxlError
from perfxl.layout.templates import template_set
from perfxl.read.family import FormSlots, load_vocabulary
from perfxl.results import LayoutInitResult

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_YEAR = re.compile(r"((?:19|20)\d{2})")
_EMPTY_YEAR = re.compile(r"^([（(])\s*(?:20\s*)?\s*(年度?)\s*([)）])$")
_LEVEL_KEYS = ("level1", "level2", "level3", "level4")
_FRAMEWORK_OF_DEPTH = {2: "national-2021", 3: "shandong-2021"}
_MONEY_TYPES = {"money_field", "money_line"}


def _q(text: str) -> str:
    """A YAML-safe quoted text for the sheet description (the Jinja filter ``q`` does the
    same for values filled in at render time)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _text_cell(text: str) -> str:
    """A fixed text; a year in a title becomes the document's year."""
    m = _EMPTY_YEAR.match(text)
    if m:
        return f'{{{{ ("{m.group(1)}" ~ year ~ "{m.group(2)}{m.group(3)}") | q }}}}'
    if _YEAR.search(text) and len(text) <= 60:
        parts = _YEAR.split(text)
        pieces = [(_q(p) if i % 2 == 0 else "year") for i, p in enumerate(parts) if p or i % 2]
        return "{{ (" + " ~ ".join(pieces) + ") | q }}"
    return _q(text)


def init_layout(
    form_path: Path, out_dir: Path, templates: tuple[Path, ...] = ()
) -> LayoutInitResult:
    """Write ``out_dir/layout.yaml`` and ``out_dir/sheet.yaml.j2`` for the blank form; the
    layout id is the folder's name (put the folder under ``<templates>/layouts/``)."""
    from perfxl.write.blankform import load_form

    layout_id = out_dir.name
    if not _SAFE_ID.match(layout_id):
        raise PerfxlError(
            f"{out_dir}：错误：表样文件夹名「{layout_id}」将作为表样 id，只能用英文字母、数字、- 和 _"
            f"（如 模板/layouts/sichuan-2024）"
        )
    form = load_form(form_path, templates)
    sheet = next(s for s in form.slots if s.tables)
    rows, merges = _sheet_grid(form, sheet.sheet)
    data, description, fields, columns = _describe(form_path, sheet, rows, merges, form.money_unit)
    written = (
        atomic_write(out_dir / "layout.yaml", layout_yaml(data, layout_id, form_path.name)),
        atomic_write(out_dir / "sheet.yaml.j2", description),
    )
    return LayoutInitResult(
        str(form_path), layout_id, tuple(str(p) for p in written), fields, columns
    )


def _sheet_grid(form: Any, name: str) -> tuple[list[list[Any]], list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(form.data))
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    return rows, list(getattr(sheet, "merged_cell_ranges", None) or [])


def _describe(
    path: Path, sheet: FormSlots, rows: list[list[Any]], merges: list[Any], money_unit: str | None
) -> tuple[dict[str, Any], str, tuple[str, ...], tuple[str, ...]]:
    assert sheet.main is not None
    first, data_row, columns, end = sheet.spans[sheet.main]
    skipped = {
        r for i, span in enumerate(sheet.spans) if i != sheet.main for r in range(span[0], span[3])
    }
    width = max([len(r) for r in rows] + [c2 + 1 for (_r1, _c1), (_r2, c2) in merges] + [1])
    span_of = {(r1, c1): (r2, c2) for (r1, c1), (r2, c2) in merges}
    covered = {
        (r, c)
        for (r1, c1), (r2, c2) in merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }

    def text(r: int, c: int) -> str | None:
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(value).strip()

    # fields: the slots of the block above, below and beside the chosen table
    field_at: dict[tuple[int, int], str] = {}
    fields: list[dict[str, Any]] = []
    keys: set[str] = set()
    for slot in sheet.slots:
        if slot.label_row in skipped:
            continue
        base = slot.key if slot.kind == "field" else f"funds.{slot.key}"
        key, n = base, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        keys.add(key)
        field_at[(slot.row, slot.col)] = key
        label = re.sub(r"[:：\s]+$", "", slot.label)
        kind = "money" if slot.kind in _MONEY_TYPES else _field_type(slot.key)
        fields.append(
            {
                "key": key,
                "label": label,
                "type": kind,
                **({"required": True} if key == "name" else {}),
            }
        )
    if not any(f["key"] == "name" for f in fields):
        raise PerfxlError(
            f"{path}：错误：空白表中找不到「项目名称」栏目及其右边（或下面）的空格，无法作为表样"
        )

    # indicator columns, as the header names them, left to right
    header_text = {}
    for c in range(width):
        for r in range(data_row - 1, first - 1, -1):
            t = text(r, c) if (r, c) not in covered else None
            if t:
                header_text[c] = t
                break
    by_col = {c: key for key, c in columns.items() if not key.startswith("~")}
    if "name" not in by_col.values():
        # no 指标名称 column: the deepest level holds the indicator's name (as the reader reads it)
        deepest = max((c for c, k in by_col.items() if k in _LEVEL_KEYS), default=None)
        if deepest is not None:
            by_col[deepest] = "name"
    ind_columns: list[dict[str, Any]] = []
    data_cells: list[str] = []
    level = 0
    c = 0
    extra_n = 0
    while c < width:
        if (data_row, c) in covered:
            c += 1
            continue
        end_c = span_of.get((data_row, c), (data_row, c))[1]
        found = by_col.get(c)
        if found is None:
            extra_n += 1
            found = f"column{extra_n}"
        key = found
        label = header_text.get(c, key)
        if key in _LEVEL_KEYS:
            level += 1
            key = _LEVEL_KEYS[level - 1]  # numbered from the first level the form prints
            ind_columns.append({"key": key, "label": label, "type": "level", "level": level})
        else:
            spec: dict[str, Any] = {"key": key, "label": label, "type": "text"}
            if key in ("name", "target"):
                spec["required"] = True
            ind_columns.append(spec)
        colspan = end_c - c + 1
        data_cells.append(f"{{col: {key}" + (f", colspan: {colspan}" if colspan > 1 else "") + "}")
        c = end_c + 1
    if level == 0 or not any(col["key"] == "name" for col in ind_columns):
        raise PerfxlError(f"{path}：错误：空白表的指标表没有层级列或指标名称列，无法作为表样")
    framework = _FRAMEWORK_OF_DEPTH.get(level)
    if framework is None:
        raise PerfxlError(
            f"{path}：错误：指标表有 {level} 级受控的层级，没有同样层级数的指标体系"
            "（可在 templates/frameworks/ 中加一个，见 docs/frameworks.md）"
        )

    # the sheet description, row by row
    lines = [
        f"{{#- 由 perfxl layout init 从「{path.name}」生成的起点：按需要调整列宽、样式和文字。 -#}}",
        "columns:",
        *(["  - {width: 14}"] * width),
        "print:",
        "  orientation: portrait",
        "rows:",
    ]
    for r in range(len(rows)):
        if r in skipped or data_row <= r < end:
            if r == data_row:
                lines += [
                    "  - indicators:",
                    "      cells:",
                    *(f"        - {cell}" for cell in data_cells),
                ]
            continue
        cells = []
        for c in range(width):
            if (r, c) in covered:
                continue
            r2, c2 = span_of.get((r, c), (r, c))
            attrs = ""
            if c2 > c:
                attrs += f", colspan: {c2 - c + 1}"
            if r2 > r:
                if first <= r < data_row and r2 >= data_row:
                    attrs += f", rowspan: {{indicators: {data_row - r}}}"
                elif r < first and r2 >= data_row:
                    attrs += f", rowspan: {{indicators: {data_row - r}}}"
                else:
                    attrs += f", rowspan: {min(r2, (first - 1) if r < first else r2) - r + 1}"
            if (r, c) in field_at:
                cells.append(f"{{field: {field_at[(r, c)]}{attrs}}}")
            else:
                t = text(r, c)
                style = "header" if first <= r < data_row else "label"
                cells.append(f"{{text: {_text_cell(t) if t else _q('')}{attrs}, style: {style}}}")
        lines.append("  - cells:" if cells else "  - cells: []")
        lines += [f"      - {cell}" for cell in cells]
    description = "\n".join(lines) + "\n"

    title = (
        next((text(r, 0) for r in range(min(3, len(rows))) if text(r, 0)), path.stem) or path.stem
    )
    title = _YEAR.sub("", title)
    groups = {"funds": {"label": "项目资金"}} if any("." in f["key"] for f in fields) else {}
    data = {
        "id": None,
        "version": "1.0",
        "name": title,
        "title": title,
        "framework": framework,
        "money_unit": money_unit if money_unit in ("元", "万元") else "元",
        "fields": fields,
        **({"groups": groups} if groups else {}),
        "indicators": {"label": "绩效指标", "required": True, "columns": ind_columns},
        "roles": _roles(fields),
    }
    return (
        data,
        description,
        tuple(f["label"] for f in fields),
        tuple(c["label"] for c in ind_columns),
    )


def _field_type(key: str) -> str:
    vocab = load_vocabulary(template_set().dirs)
    kind = vocab.types.get("field", {}).get(key, "text")
    return kind if kind in ("text", "longtext", "date", "number") else "text"


def _roles(fields: list[dict[str, Any]]) -> dict[str, Any]:
    keys = {f["key"]: f["type"] for f in fields}
    roles: dict[str, Any] = {}
    if keys.get("start") == "date" and keys.get("end") == "date":
        roles.update({"start": "start", "end": "end"})
    goals = [k for k in ("overall_goal", "annual_goal") if k in keys]
    if goals:
        roles["goal_texts"] = goals
    if "annual_goal" in keys:
        roles["goal"] = "annual_goal"
    return roles


def layout_yaml(data: dict[str, Any], layout_id: str, source: str) -> str:
    data = {**data, "id": layout_id}
    header = (
        f"# 由 perfxl layout init 从「{source}」生成的表样起点；写法见 docs/layouts.md。\n"
        "# fields 的 key 是 YAML 中的键；label 是表上印的文字。\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)
