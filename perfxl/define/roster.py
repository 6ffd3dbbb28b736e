"""Rosters: the list of units a finance office sends forms to (YAML, CSV or XLSX).

``blank`` writes one form per unit of a roster; ``status`` joins the same roster with the
returned forms. Columns (or YAML keys) 主管部门 and 实施单位, optionally 项目名称 and 金额 (one
row per project), 单位编码 (a code of the office's own that stays when a unit renames
itself), 联系人 and 电话 (for the 催报名单).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfxl.core.errors import PerfxlError
from perfxl.define.model import ValueProblem, parse_decimal
from perfxl.define.yamlsrc import YMap, YScalar, YSeq, parse_yaml_text, read_text_file
from perfxl.layout.frameworks import squash

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
    "code": ("单位编码", "code", "单位代码", "编码"),
    "contact": ("联系人", "contact", "填报人"),
    "phone": ("电话", "phone", "联系电话", "手机"),
}
# one value per unit (the rest of a row describes a project)
UNIT_COLUMNS = ("code", "contact", "phone")
SETTING_NAMES: dict[str, tuple[str, ...]] = {
    "layout": ("layout", "表样"),
    "year": ("year", "年度"),
    "framework": ("framework", "指标体系"),
    "money_unit": ("money_unit", "金额单位"),
    "blank_rows": ("blank_rows", "空白指标行数"),
    "title": ("title", "标题"),
    "units": ("departments", "units", "单位", "单位列表", "部门"),
}


@dataclass
class RosterUnit:
    department: str
    unit: str
    projects: list[tuple[str, Decimal | None]] = field(default_factory=list)
    where: str = ""
    code: str = ""  # the office's own unit code (单位编码), when the roster has one
    contact: str = ""
    phone: str = ""

    @property
    def key(self) -> str:
        """The identity ``blank`` writes into the unit's forms (custom property
        ``perfxl_unit_key``) and ``status`` matches returns by: the roster's 单位编码, else a
        digest of 主管部门 and 实施单位 as the roster spelled them when the forms were sent —
        so a unit that renames itself in its form is still recognised."""
        if self.code:
            return self.code
        digest = hashlib.sha256(f"{self.department}\x00{self.unit}".encode()).hexdigest()
        return f"u-{digest[:12]}"


@dataclass
class Roster:
    path: Path
    settings: dict[str, Any]
    units: list[RosterUnit]


# csv's own bound on one field (131,072 characters): no roster cell comes near it, so a field
# that passes it is a wrong file or a quote left open, said as such
CSV_FIELD_LIMIT = csv.field_size_limit()


def load_roster(path: Path) -> Roster:
    """The roster at ``path``; PerfxlError (naming the file and what is wrong) when it cannot
    be read or is not a roster."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise PerfxlError(f"{path}：错误：文件不存在")
    if path.is_dir():
        raise PerfxlError(
            f"{path}：错误：无法读取名单：这是一个文件夹，不是名单文件"
            "（请指定一个 .yaml、.csv 或 .xlsx 文件）"
        )
    if suffix in (".yaml", ".yml"):
        return _roster_from_yaml(path)
    if suffix in (".csv", ".txt"):
        return _roster_from_rows(path, _csv_rows(path))
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _roster_from_rows(path, _sheet_rows(path))
    raise PerfxlError(f"{path}：错误：名单应是 .yaml、.csv 或 .xlsx 文件")


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PerfxlError(f"{path}：错误：无法读取名单：{exc.strerror or exc}") from None
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
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return [row for row in reader]
    except csv.Error:
        raise PerfxlError(
            f"{path}：第 {reader.line_num} 行：错误：有一格超过 {CSV_FIELD_LIMIT} 个字符，"
            "或引号没有配对，不像名单（请检查是否选错了文件，或用 Excel 打开后另存为 CSV）"
        ) from None


def _sheet_rows(path: Path) -> list[list[str]]:
    import python_calamine

    from perfxl.read.guard import IntakeError, inspect_workbook

    try:  # a hostile roster workbook is refused as a returned form would be
        inspect_workbook(path)
    except IntakeError as exc:
        raise PerfxlError(f"{path}：错误：无法读取名单：{exc}") from None
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
            f"（可用的列名：{'、'.join(COLUMN_NAMES['unit'])}；"
            "另可有 主管部门、项目名称、金额、单位编码、联系人、电话）"
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
        for key in UNIT_COLUMNS:
            if not getattr(entry, key):
                setattr(entry, key, get(key))
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
                    f"{key_node.loc}：错误：未知的键「{key_node.text}」"
                    "（可用：department、unit、projects、code、contact、phone）"
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
        for key in UNIT_COLUMNS:
            node = values.get(key)
            if isinstance(node, YScalar) and not node.is_null:
                setattr(entry, key, node.text.strip())
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
