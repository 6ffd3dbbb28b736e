"""``blank``: a roster of departments → one blank form workbook per department (or project).

The roster is YAML, CSV or XLSX. Each workbook has the header fields prefilled (主管部门, 实施单位,
project names and amounts where given), empty indicator rows with every dropdown, and a
填报说明 sheet. File names are safe on Windows, nothing is overwritten unless asked, and a
manifest lists every file written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from perfxl.core.atomic import atomic_write
from perfxl.core.errors import PerfxlError
from perfxl.core.parallel import parallel_map
from perfxl.define.model import MONEY_UNITS, Document, Project
from perfxl.define.roster import Roster, RosterUnit
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter, WriteOptions

# Windows forbids these in file names, and these base names whatever the extension.
_FILENAME_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


# Characters of free text (项目总目标, 年度总体目标, 项目概况…) each such row of a blank has room
# for, so that a goal of this length typed in prints whole.
BLANK_TEXT_ROOM = 300


@dataclass
class BlankOptions:
    layout: str | None = None
    year: int | None = None
    framework: str | None = None
    money_unit: str | None = None
    blank_rows: int | None = None
    per_project: bool = False
    sheets: int = 1
    overwrite: bool = False
    templates: tuple[Path, ...] = ()
    form: Path | None = None  # a province's own blank workbook, copied for each unit


class PlannedFile(Protocol):
    """What the manifest lists of each file: who it is for and where it went."""

    unit: RosterUnit
    projects: list[tuple[str, Decimal | None]]
    output: Path


@dataclass
class BlankFile:
    unit: RosterUnit
    projects: list[tuple[str, Decimal | None]]
    output: Path
    document: Document


# Linux allows 255 bytes in a file name: 200 for the stem leaves room for "(12)" and ".xlsx"
# whatever the characters (a Chinese one is 3 bytes in UTF-8, some are 4).
_STEM_BYTES = 200


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name that Windows, macOS and Linux all accept; Chinese characters are kept, a
    long name is cut to ``limit`` characters (the workbook keeps it whole)."""
    text = _FILENAME_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    text = re.sub(r"\s+", " ", text)[:limit]
    while len(text.encode("utf-8")) > _STEM_BYTES:
        text = text[:-1]
    text = text.rstrip(". ") or "未命名"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


# ----------------------------------------------------------------------------------------
# planning and writing


def plan_blank(roster: Roster, options: BlankOptions, out_dir: Path) -> list[BlankFile]:
    """Build every blank document and decide its file name; write nothing."""
    settings = dict(roster.settings)
    for key in ("layout", "year", "framework", "money_unit", "blank_rows"):
        value = getattr(options, key)
        if value is not None:
            settings[key] = value
    ts = template_set(options.templates)
    layout_id = settings.get("layout")
    if not layout_id:
        raise PerfxlError(f"{roster.path}：错误：没有指定表样（名单中写 layout:，或用 --layout）")
    layout = ts.layout(str(layout_id))
    framework = ts.framework(str(settings.get("framework") or layout.framework))
    year = roster_year(roster, settings)
    money_unit = str(settings.get("money_unit") or layout.money_unit)
    if money_unit not in MONEY_UNITS:
        raise PerfxlError(
            f"{roster.path}：错误：金额单位「{money_unit}」不支持（只能是 元 或 万元）"
        )
    blank_rows = _blank_rows(roster, settings.get("blank_rows"), max(layout.blank_rows, 8))
    amount_field = (layout.extra.get("blank") or {}).get("amount_field")

    files: list[BlankFile] = []
    for unit, projects, name in unit_files(roster, options.per_project):
        doc = _blank_document(
            roster,
            layout,
            framework,
            year,
            money_unit,
            blank_rows,
            unit,
            projects,
            options.sheets,
            amount_field,
            settings.get("title"),
        )
        files.append(BlankFile(unit, projects, out_dir / f"{name}.xlsx", doc))
    return files


def roster_year(roster: Roster, settings: dict[str, Any]) -> int:
    """The year the forms are for (the roster's ``year:`` or ``--year``), checked."""
    year_text = str(settings.get("year") or "")
    if not re.fullmatch(r"\d{4}", year_text) or not 2000 <= int(year_text) <= 2100:
        raise PerfxlError(
            f"{roster.path}：错误：年度「{year_text}」无效（名单中写 year: 2025，或用 --year）"
        )
    return int(year_text)


def unit_files(
    roster: Roster, per_project: bool
) -> list[tuple[RosterUnit, list[tuple[str, Decimal | None]], str]]:
    """Each file to write: the unit, its projects, and a file name (without suffix) that is
    safe on Windows and unique in the folder whatever the case."""
    out = []
    taken: set[str] = set()
    for unit in roster.units:
        groups = [[p] for p in unit.projects] if per_project and unit.projects else [unit.projects]
        for projects in groups:
            stem = unit.unit if not per_project or not projects else f"{unit.unit}_{projects[0][0]}"
            name = safe_filename(stem)
            candidate, n = name, 2
            while candidate.lower() in taken:
                candidate = f"{name}({n})"
                n += 1
            taken.add(candidate.lower())
            out.append((unit, projects, candidate))
    return out


# The same bound as --blank-rows and a definition's 空白指标行数: a form has a few dozen
# indicators, and each blank row is a row of dropdowns in every project sheet.
MAX_BLANK_ROWS = 200


def _blank_rows(roster: Roster, value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_BLANK_ROWS:
        raise PerfxlError(
            f"{roster.path}：错误：空白指标行数 blank_rows「{text[:20]}」无效"
            f"（应是 0 到 {MAX_BLANK_ROWS} 之间的整数）"
        )
    return int(text)


def _blank_document(
    roster,
    layout,
    framework,
    year,
    money_unit,
    blank_rows,
    unit,
    projects,
    sheets,
    amount_field,
    title,
) -> Document:
    common = {
        k: v
        for k, v in (("department", unit.department or None), ("unit", unit.unit))
        if layout.field(k)
    }
    items = projects or [("", None)] * max(1, sheets)
    doc_projects = []
    for name, amount in items:
        # a field's default from the layout (the 自评表's 分数 for budget execution)
        values: dict[str, Any] = {
            spec.key: Decimal(str(spec.default))
            for spec in layout.fields
            if spec.default is not None
        }
        values.update(common)
        values["name"] = name or None
        if amount_field:
            if layout.field(amount_field) and layout.field(amount_field).type == "money_row":
                parts = len(layout.field(amount_field).parts) or 3  # type: ignore[union-attr]
                row = (amount, amount, None) if parts == 3 else (amount, *([None] * (parts - 1)))
                values[amount_field] = row if amount is not None else None
            else:
                values[amount_field] = amount
        doc_projects.append(Project(values=values, indicators=[]))
    return Document(
        path=str(roster.path),
        layout=layout,
        framework=framework,
        year=year,
        money_unit=money_unit,
        title=title or f"{unit.unit}{year}年度{layout.name}",
        projects=doc_projects,
        values={"department": unit.department or None, "unit": unit.unit, "applicant": unit.unit},
        blank_rows=blank_rows,
        properties=unit_properties(unit, [name for name, _ in projects]),
    )


def unit_properties(unit: RosterUnit, projects: list[str]) -> dict[str, str]:
    """Who a blank form was sent to, written into it as custom document properties: a unit
    may retype its name in the form, these stay. ``form`` tells apart the files of one unit
    (``--per-project``) so that ``status`` takes only a resubmission of the same file as
    replacing the earlier one."""
    out = {"unit_key": unit.key, "unit": unit.unit, "department": unit.department}
    out["form"] = "\n".join(projects)
    return {name: _property_text(value) for name, value in out.items()}


PROPERTY_MAX = 255  # Excel's limit for a custom property's text (XlsxWriter drops a longer one)


def _property_text(value: str) -> str:
    """A property's text within Excel's limit; a longer one (a 300-character unit name) keeps
    its start and a digest of the whole, so that it still tells forms apart."""
    if len(value) <= PROPERTY_MAX:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]
    return f"{value[: PROPERTY_MAX - 14]}…#{digest}"


def _write_one(item: tuple[Document, Path, tuple[Path, ...], WriteOptions]) -> str | None:
    doc, output, templates, write_options = item
    try:
        DocumentWriter(template_set(templates), write_options).write(doc, output)
    except PerfxlError as exc:
        return exc.format()
    return None


def write_blank(
    files: list[BlankFile],
    options: BlankOptions,
    workers: int = 1,
    on_done: Callable[[str | None], None] | None = None,
) -> list[str | None]:
    """Write every planned file; returns an error message (or None) per file, in order."""
    existing = [f.output for f in files if f.output.exists()]
    if existing and not options.overwrite:
        shown = "、".join(p.name for p in existing[:5]) + ("等" if len(existing) > 5 else "")
        raise PerfxlError(
            f"错误：输出文件夹中已有 {len(existing)} 个同名文件（{shown}），未写入任何文件（要覆盖请加 --overwrite）"
        )
    items = []
    for f in files:
        write_options = WriteOptions(
            cover=len(f.document.projects) > 1, guide=True, text_room=BLANK_TEXT_ROOM
        )
        items.append((f.document, f.output, options.templates, write_options))
    return parallel_map(_write_one, items, workers, on_done, on_crash=_crashed)


def _crashed(
    item: tuple[Document, Path, tuple[Path, ...], WriteOptions], exc: BaseException
) -> str:
    return f"{item[1]}：错误：写入时进程意外终止（{type(exc).__name__}），未生成"


def write_manifest(
    files: Sequence[PlannedFile], results: list[str | None], out_dir: Path
) -> Path:
    """清单.csv (UTF-8 with BOM so Excel opens it), written atomically."""
    path = out_dir / "清单.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["序号", "主管部门", "实施单位", "项目", "文件", "状态"])
    for i, (f, error) in enumerate(zip(files, results), start=1):
        projects = "、".join(name for name, _ in f.projects)
        writer.writerow(
            [i, f.unit.department, f.unit.unit, projects, f.output.name, error or "已生成"]
        )
    return atomic_write(path, buffer.getvalue(), encoding="utf-8-sig")
