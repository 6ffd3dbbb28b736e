"""``blank``: a roster of departments → one blank form workbook per department (or project).

The roster is YAML, CSV or XLSX. Each workbook has the header fields prefilled (主管部门, 实施单位,
project names and amounts where given), empty indicator rows with every dropdown, and a
填报说明 sheet. File names are safe on Windows, nothing is overwritten unless asked, and a
manifest lists every file written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfxl.core.atomic import atomic_write
from perfxl.core.errors import PerfxlError
from perfxl.core.parallel import parallel_map
from perfxl.define.model import MONEY_UNITS, Document, Project, ValueProblem, parse_decimal
from perfxl.define.yamlsrc import YMap, YScalar, YSeq, parse_yaml_text, read_text_file
from perfxl.layout.frameworks import squash
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter, WriteOptions

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "department": ("主管部门", "department", "主管单位"),
    "unit": ("实施单位", "unit", "申报单位", "申报单位名称", "预算执行单位", "单位", "单位名称"),
    "project": ("项目名称", "project", "name", "项目"),
    "amount": (
        "金额",
        "amount",
        "资金",
        "项目资金",
        "预算金额",
        "年度资金申请总额",
        "项目资金申请",
    ),
}
SETTING_NAMES: dict[str, tuple[str, ...]] = {
    "layout": ("layout", "表样"),
    "year": ("year", "年度"),
    "framework": ("framework", "指标体系"),
    "money_unit": ("money_unit", "金额单位"),
    "blank_rows": ("blank_rows", "空白指标行数"),
    "title": ("title", "标题"),
    "units": ("departments", "units", "单位", "单位列表", "部门"),
}

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


@dataclass
class RosterUnit:
    department: str
    unit: str
    projects: list[tuple[str, Decimal | None]] = field(default_factory=list)
    where: str = ""


@dataclass
class Roster:
    path: Path
    settings: dict[str, Any]
    units: list[RosterUnit]


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


@dataclass
class BlankFile:
    unit: RosterUnit
    projects: list[tuple[str, Decimal | None]]
    output: Path
    document: Document


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name that Windows, macOS and Linux all accept; Chinese characters are kept."""
    text = _FILENAME_FORBIDDEN.sub("_", name).strip().rstrip(". ")
    text = re.sub(r"\s+", " ", text)[:limit].rstrip(". ") or "未命名"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


# ----------------------------------------------------------------------------------------
# reading rosters


def load_roster(path: Path) -> Roster:
    suffix = path.suffix.lower()
    if not path.exists():
        raise PerfxlError(f"{path}：错误：文件不存在")
    if suffix in (".yaml", ".yml"):
        return _roster_from_yaml(path)
    if suffix in (".csv", ".txt"):
        return _roster_from_rows(path, _csv_rows(path))
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _roster_from_rows(path, _sheet_rows(path))
    raise PerfxlError(f"{path}：错误：名单应是 .yaml、.csv 或 .xlsx 文件")


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PerfxlError(f"{path}：错误：无法识别文件编码（请另存为 UTF-8 的 CSV）")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _sheet_rows(path: Path) -> list[list[str]]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for bad files
        raise PerfxlError(f"{path}：错误：无法读取名单工作簿（{exc}）") from None
    return [["" if v is None else _cell_text(v) for v in row] for row in rows]


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _roster_from_rows(path: Path, rows: list[list[str]]) -> Roster:
    header_index = next((i for i, row in enumerate(rows) if any(str(c).strip() for c in row)), None)
    if header_index is None:
        raise PerfxlError(f"{path}：错误：名单是空的")
    header = [squash(str(c)) for c in rows[header_index]]
    columns: dict[str, int] = {}
    for key, names in COLUMN_NAMES.items():
        for i, cell in enumerate(header):
            if cell in {squash(n) for n in names}:
                columns.setdefault(key, i)
    if "unit" not in columns:
        raise PerfxlError(
            f"{path}：错误：第 {header_index + 1} 行（表头）中找不到「实施单位」列"
            f"（可用的列名：{'、'.join(COLUMN_NAMES['unit'])}；另可有 主管部门、项目名称、金额）"
        )
    units: dict[tuple[str, str], RosterUnit] = {}
    errors: list[str] = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def get(key: str, row: list[str] = row) -> str:
            i = columns.get(key)
            return str(row[i]).strip() if i is not None and i < len(row) else ""

        unit = get("unit")
        if not unit:
            if any(str(c).strip() for c in row):
                errors.append(f"{path}：第 {number} 行：错误：实施单位为空")
            continue
        unit_key = (get("department"), unit)
        entry = units.setdefault(
            unit_key, RosterUnit(unit_key[0], unit, [], f"{path.name} 第 {number} 行")
        )
        project = get("project")
        if project:
            amount_text = get("amount")
            try:
                amount = parse_decimal(amount_text) if amount_text else None
            except ValueProblem as problem:
                errors.append(f"{path}：第 {number} 行：错误：金额{problem.message}")
                continue
            entry.projects.append((project, amount))
    if errors:
        raise PerfxlError("\n".join(errors))
    if not units:
        raise PerfxlError(f"{path}：错误：名单中没有任何单位")
    return Roster(path, {}, list(units.values()))


def _roster_from_yaml(path: Path) -> Roster:
    root = parse_yaml_text(read_text_file(path), str(path))
    if not isinstance(root, YMap):
        raise PerfxlError(f"{path}：错误：名单应是「键: 值」形式，含 departments 列表")
    settings: dict[str, Any] = {}
    units_node = None
    for key_node, value in root.items:
        name = squash(key_node.text)
        key = next(
            (k for k, names in SETTING_NAMES.items() if name in {squash(n) for n in names}), None
        )
        if key is None:
            raise PerfxlError(
                f"{key_node.loc}：错误：名单中有未知的键「{key_node.text}」（可用：{'、'.join(SETTING_NAMES)}）"
            )
        if key == "units":
            units_node = value
        elif isinstance(value, YScalar) and not value.is_null:
            settings[key] = value.text.strip()
    if not isinstance(units_node, YSeq) or not units_node.items:
        raise PerfxlError(
            f"{root.loc}：错误：名单缺少 departments 列表（每项写 department: 和 unit:）"
        )
    units: list[RosterUnit] = []
    for item in units_node.items:
        if not isinstance(item, YMap):
            raise PerfxlError(f"{item.loc}：错误：每个单位应写成 {{department: …, unit: …}}")
        values: dict[str, Any] = {}
        for key_node, value in item.items:
            name = squash(key_node.text)
            key = next(
                (
                    k
                    for k, names in {
                        **COLUMN_NAMES,
                        "projects": ("projects", "项目", "项目列表"),
                    }.items()
                    if name in {squash(n) for n in names}
                ),
                None,
            )
            if key is None:
                raise PerfxlError(
                    f"{key_node.loc}：错误：未知的键「{key_node.text}」（可用：department、unit、projects）"
                )
            values[key] = value
        unit_node = values.get("unit")
        if not isinstance(unit_node, YScalar) or unit_node.is_null or not unit_node.text.strip():
            raise PerfxlError(f"{item.loc}：错误：缺少实施单位 unit")
        dept_node = values.get("department")
        department = (
            dept_node.text.strip()
            if isinstance(dept_node, YScalar) and not dept_node.is_null
            else ""
        )
        entry = RosterUnit(
            department, unit_node.text.strip(), [], f"{path.name} 第 {item.loc.line} 行"
        )
        projects = values.get("projects") or values.get("project")
        if isinstance(projects, YSeq):
            for p in projects.items:
                entry.projects.append(_yaml_project(p))
        elif isinstance(projects, YScalar) and not projects.is_null:
            entry.projects.append((projects.text.strip(), None))
        units.append(entry)
    return Roster(path, settings, units)


def _yaml_project(node: Any) -> tuple[str, Decimal | None]:
    if isinstance(node, YScalar):
        return node.text.strip(), None
    if isinstance(node, YMap):
        name = amount = None
        for key_node, value in node.items:
            key = squash(key_node.text)
            if key in {squash(n) for n in COLUMN_NAMES["project"]} and isinstance(value, YScalar):
                name = value.text.strip()
            elif key in {squash(n) for n in COLUMN_NAMES["amount"]} and isinstance(value, YScalar):
                try:
                    amount = None if value.is_null else parse_decimal(value.text)
                except ValueProblem as problem:
                    raise PerfxlError(f"{value.loc}：错误：金额{problem.message}") from None
        if name:
            return name, amount
    raise PerfxlError(f"{node.loc}：错误：项目应写成名称，或 {{name: 名称, amount: 金额}}")


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
    year_text = str(settings.get("year") or "")
    if not re.fullmatch(r"\d{4}", year_text) or not 2000 <= int(year_text) <= 2100:
        raise PerfxlError(
            f"{roster.path}：错误：年度「{year_text}」无效（名单中写 year: 2025，或用 --year）"
        )
    money_unit = str(settings.get("money_unit") or layout.money_unit)
    if money_unit not in MONEY_UNITS:
        raise PerfxlError(
            f"{roster.path}：错误：金额单位「{money_unit}」不支持（只能是 元 或 万元）"
        )
    blank_rows = int(settings.get("blank_rows") or max(layout.blank_rows, 8))
    amount_field = (layout.extra.get("blank") or {}).get("amount_field")

    files: list[BlankFile] = []
    taken: set[str] = set()
    for unit in roster.units:
        groups = (
            [[p] for p in unit.projects]
            if options.per_project and unit.projects
            else [unit.projects]
        )
        for projects in groups:
            stem = (
                unit.unit
                if not options.per_project or not projects
                else f"{unit.unit}_{projects[0][0]}"
            )
            name = safe_filename(stem)
            candidate, n = name, 2
            while candidate.lower() in taken:
                candidate = f"{name}({n})"
                n += 1
            taken.add(candidate.lower())
            doc = _blank_document(
                roster,
                layout,
                framework,
                int(year_text),
                money_unit,
                blank_rows,
                unit,
                projects,
                options.sheets,
                amount_field,
                settings.get("title"),
            )
            files.append(BlankFile(unit, projects, out_dir / f"{candidate}.xlsx", doc))
    return files


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
        values: dict[str, Any] = dict(common)
        values["name"] = name or None
        if amount_field:
            if layout.field(amount_field) and layout.field(amount_field).type == "money_row":
                values[amount_field] = (amount, amount, None) if amount is not None else None
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
    )


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
        write_options = WriteOptions(cover=len(f.document.projects) > 1, guide=True)
        items.append((f.document, f.output, options.templates, write_options))
    return parallel_map(_write_one, items, workers, on_done, on_crash=_crashed)


def _crashed(
    item: tuple[Document, Path, tuple[Path, ...], WriteOptions], exc: BaseException
) -> str:
    return f"{item[1]}：错误：写入时进程意外终止（{type(exc).__name__}），未生成"


def write_manifest(files: list[BlankFile], results: list[str | None], out_dir: Path) -> Path:
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
