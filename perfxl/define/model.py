"""The project definition: YAML → checked, typed :class:`Document`.

Keys may be written in English (``name:``) or as printed on the form (``项目名称:``). Every
problem is collected with its file, line and column; loading fails with a
:class:`DefinitionError` that lists all errors at once, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from perfxl.core.errors import ERROR, INFO, WARNING, DefinitionError, Diagnostic, Location
from perfxl.define.yamlsrc import (
    STR_TAG,
    YMap,
    YNode,
    YScalar,
    YSeq,
    parse_yaml_text,
    read_text_file,
)
from perfxl.layout.frameworks import Framework, squash
from perfxl.layout.templates import FieldSpec, Layout, TemplateSet, _field_from_data, template_set

# Characters Excel forbids in sheet names; project names become sheet names.
SHEET_FORBIDDEN = set("/\\?*[]:")
MONEY_UNITS = ("元", "万元")

# Document-level keys every layout understands, with their Chinese spellings.
DOC_KEYS: dict[str, tuple[str, ...]] = {
    "layout": ("表样",),
    "framework": ("指标体系",),
    "year": ("年度",),
    "title": ("标题", "封面标题"),
    "money_unit": ("金额单位", "资金单位"),
    "blank_rows": ("空白指标行数",),
    "projects": ("项目", "项目列表"),
}
INDICATOR_KEYS = ("indicators", "绩效指标", "指标")


@dataclass
class Indicator:
    values: dict[str, Any]
    loc: Location | None = None
    typed_levels: dict[str, str] = field(default_factory=dict)  # as written, before aliases

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Project:
    values: dict[str, Any]
    indicators: list[Indicator]
    loc: Location | None = None

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    def get(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Document:
    path: str
    layout: Layout
    framework: Framework
    year: int
    money_unit: str
    title: str | None
    projects: list[Project]
    values: dict[str, Any] = field(default_factory=dict)  # document-level fields
    blank_rows: int = 5
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class LoadOptions:
    templates: tuple[Path, ...] = ()
    lenient_levels: bool = False  # unknown 一级/二级 → warning instead of error
    blank_rows: int | None = None
    layout: str | None = None  # used when the file names none


# ----------------------------------------------------------------------------------------
# scalar conversion

_DATE_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_PARTIAL = re.compile(r"^\d{4}\s*年?(\s*[-/.年]\s*\d{1,2}\s*月?)?$")
_MONEY_CLEAN = re.compile(r"[,，\s]")


_INVALID: Any = object()  # a value that was given but could not be read (already reported)


class ValueProblem(Exception):
    def __init__(self, severity: str, message: str, hint: str = "", value: Any = None):
        super().__init__(message)
        self.severity = severity
        self.message = message
        self.hint = hint
        self.value = value


def parse_date(text: str) -> dt.date:
    """Parse the date spellings seen on forms; raise ValueProblem with a Chinese message."""
    s = text.strip()
    m = _DATE_FULL.match(s)
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueProblem(
                ERROR, f"「{text}」不是有效日期", "月份应在 1–12 之间，日期不能超过当月天数"
            ) from None
    if _DATE_PARTIAL.match(s):
        raise ValueProblem(
            WARNING,
            f"「{text}」不是完整日期，已按文字写入",
            "请写成 2024-12-31 这样的年-月-日格式",
            value=text,
        )
    raise ValueProblem(ERROR, f"「{text}」不是日期", "请写成 2024-01-01 这样的年-月-日格式")


def parse_decimal(text: str) -> Decimal:
    s = _MONEY_CLEAN.sub("", text)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueProblem(
            ERROR,
            f"「{text}」不是数字",
            "金额只写数字，如 1094910000.00；单位由 money_unit 统一给出",
        ) from None
    if not value.is_finite():
        raise ValueProblem(ERROR, f"「{text}」不是数字", "请填写有限的数字")
    return value


ROW_PARTS = ("initial", "full_year", "executed")


def convert_money_row(spec: FieldSpec, node: YNode) -> tuple[Decimal | None, ...]:
    """A row of the self-evaluation money grid: [年初预算数, 全年预算数, 全年执行数].

    Written as a list, or as a mapping keyed by the column labels (or initial/full_year/executed).
    """
    parts = spec.parts or ROW_PARTS
    cells: list[YNode | None] = [None] * len(parts)
    if isinstance(node, YSeq):
        if len(node.items) > len(parts):
            raise ValueProblem(
                ERROR,
                f"应有 {len(parts)} 个数，却写了 {len(node.items)} 个",
                f"顺序：{'、'.join(parts)}",
            )
        for i, item in enumerate(node.items):
            cells[i] = item
    elif isinstance(node, YMap):
        for key, value in node.items:
            name = squash(key.text)
            for i, (label, english) in enumerate(zip(parts, ROW_PARTS)):
                if name in (squash(label), english):
                    cells[i] = value
                    break
            else:
                raise ValueProblem(
                    ERROR, f"中有未知的键「{key.text}」", f"可用的键：{'、'.join(parts)}"
                )
    elif isinstance(node, YScalar) and node.is_null:
        return (None,) * len(parts)
    else:
        raise ValueProblem(
            ERROR, "应写成列表 [年初预算数, 全年预算数, 全年执行数]", "例如 [7.80, 1.55, 1.55]"
        )
    out: list[Decimal | None] = []
    for cell in cells:
        if cell is None or (isinstance(cell, YScalar) and (cell.is_null or not cell.text.strip())):
            out.append(None)
        elif isinstance(cell, YScalar):
            out.append(parse_decimal(cell.text))
        else:
            raise ValueProblem(ERROR, "中的每一项应是数字", "")
    return tuple(out)


def convert_scalar(spec: FieldSpec, node: YNode) -> Any:
    """Turn one YAML node into the typed value of ``spec``; raise ValueProblem on bad data."""
    if spec.type == "money_row":
        return convert_money_row(spec, node)
    if not isinstance(node, YScalar):
        raise ValueProblem(ERROR, "应为单个值，却写成了列表或映射", "请检查缩进")
    if node.is_null:
        return None
    text = node.text
    if spec.type in ("money", "number"):
        if text.strip() == "":
            return None
        value = parse_decimal(text)
        if spec.type == "money" and value < 0:
            raise ValueProblem(WARNING, f"金额「{text}」为负数", "请确认是否填错", value=value)
        return value
    if spec.type == "date":
        if text.strip() == "":
            return None
        return parse_date(text)
    return text


# ----------------------------------------------------------------------------------------
# loading


class _Collector:
    def __init__(self, path: str):
        self.path = path
        self.items: list[Diagnostic] = []

    def add(self, severity: str, message: str, loc: Location | None, hint: str = "") -> None:
        self.items.append(Diagnostic(severity, message, loc or Location(self.path), hint))

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"是不是「{close[0]}」？" if close else ""


def _scalar_text(node: YNode | None) -> str | None:
    if isinstance(node, YScalar) and not node.is_null:
        return node.text.strip()
    return None


def _lookup(ymap: YMap, names: tuple[str, ...]) -> tuple[YScalar, YNode] | None:
    wanted = {squash(n) for n in names}
    for key, value in ymap.items:
        if squash(key.text) in wanted:
            return key, value
    return None


def load_document(path: Path, options: LoadOptions | None = None) -> Document:
    """Read a project definition file; raise DefinitionError listing every error found."""
    return load_document_text(read_text_file(path), str(path), options)


def load_document_text(text: str, path: str, options: LoadOptions | None = None) -> Document:
    options = options or LoadOptions()
    out = _Collector(path)
    root = parse_yaml_text(text, path)
    if not isinstance(root, YMap):
        diag = Diagnostic(
            ERROR,
            "文件内容应是「键: 值」形式的项目定义",
            getattr(root, "loc", None) or Location(path),
            "参考 sample_data/ 中的示例文件",
        )
        raise DefinitionError(diag.format(), [diag])

    templates = template_set(options.templates)

    # layout first: it decides which other keys exist
    layout_entry = _lookup(root, ("layout", *DOC_KEYS["layout"]))
    layout_id = _scalar_text(layout_entry[1]) if layout_entry else options.layout
    if not layout_id:
        out.add(
            ERROR,
            "缺少表样 layout",
            root.loc,
            "例如 layout: declaration；可用的表样见 perfxl layouts",
        )
        raise DefinitionError(_fmt(out), out.items)
    if layout_id not in templates.layout_ids():
        loc = layout_entry[1].loc if layout_entry else root.loc
        out.add(
            ERROR,
            f"表样「{layout_id}」不存在",
            loc,
            f"可用的表样：{'、'.join(templates.layout_ids())}。{_suggest(layout_id, templates.layout_ids())}",
        )
        raise DefinitionError(_fmt(out), out.items)
    layout = templates.layout(layout_id)

    fw_entry = _lookup(root, ("framework", *DOC_KEYS["framework"]))
    fw_id = (_scalar_text(fw_entry[1]) if fw_entry else None) or layout.framework
    if fw_id not in templates.framework_ids():
        out.add(
            ERROR,
            f"指标体系「{fw_id}」不存在",
            fw_entry[1].loc if fw_entry else root.loc,
            f"可用的指标体系：{'、'.join(templates.framework_ids())}。{_suggest(fw_id, templates.framework_ids())}",
        )
        raise DefinitionError(_fmt(out), out.items)
    framework = templates.framework(fw_id)

    doc_fields = _document_fields(layout)
    known_top = {k: (k, *names) for k, names in DOC_KEYS.items()}
    for spec in doc_fields:
        known_top[spec.key] = spec.names and (spec.key, *spec.names)

    doc_values: dict[str, Any] = {}
    seen_top: set[str] = set()
    for key_node, value_node in root.items:
        key = _match_key(key_node.text, known_top)
        if key is None:
            choices = [n for names in known_top.values() for n in names]
            out.add(
                ERROR,
                f"未知的键「{key_node.text}」",
                key_node.loc,
                f"文件顶层可用的键：{'、'.join(known_top)}。{_suggest(key_node.text, choices)}",
            )
            continue
        if key in seen_top:
            out.add(ERROR, f"键「{key_node.text}」与前面的同义键重复", key_node.loc, "请只保留一个")
            continue
        seen_top.add(key)
        if key in ("layout", "framework", "projects"):
            continue
        if key == "year":
            doc_values["year"] = _year(value_node, out)
        elif key == "money_unit":
            unit = _scalar_text(value_node)
            if unit not in MONEY_UNITS:
                out.add(
                    ERROR, f"金额单位「{unit}」不支持", value_node.loc, "只能是「元」或「万元」"
                )
            else:
                doc_values["money_unit"] = unit
        elif key == "blank_rows":
            doc_values["blank_rows"] = _small_int(value_node, out, "空白指标行数", 0, 200)
        elif key == "title":
            doc_values["title"] = (
                _scalar_text(value_node) if isinstance(value_node, YScalar) else None
            )
        else:
            spec = next(s for s in doc_fields if s.key == key)
            _convert_into(spec, value_node, doc_values, out, subject="文件顶层")

    if "year" not in seen_top:
        out.add(ERROR, "缺少年度 year", root.loc, "例如 year: 2024")

    projects_entry = _lookup(root, ("projects", *DOC_KEYS["projects"]))
    projects: list[Project] = []
    if projects_entry is None:
        out.add(
            ERROR,
            "缺少项目列表 projects",
            root.loc,
            "每个项目写成 projects: 下以「- name: 项目名称」开头的一项",
        )
    elif not isinstance(projects_entry[1], YSeq) or not projects_entry[1].items:
        out.add(ERROR, "projects 应是非空列表", projects_entry[1].loc, "每个项目以「- 」开头")
    else:
        for item in projects_entry[1].items:
            project = _load_project(item, layout, framework, doc_values, options, out)
            if project is not None:
                projects.append(project)
        _check_project_names(projects, out)

    if out.has_errors:
        raise DefinitionError(_fmt(out), out.items)

    blank_rows = options.blank_rows
    if blank_rows is None:
        blank_rows = doc_values.get("blank_rows", layout.blank_rows)
    return Document(
        path=path,
        layout=layout,
        framework=framework,
        year=int(doc_values["year"]),
        money_unit=doc_values.get("money_unit", layout.money_unit),
        title=doc_values.get("title"),
        projects=projects,
        values={
            k: v
            for k, v in doc_values.items()
            if k not in ("year", "money_unit", "title", "blank_rows")
        },
        blank_rows=int(blank_rows),
        diagnostics=out.items,
    )


def _fmt(out: _Collector) -> str:
    return "\n".join(d.format() for d in out.items if d.severity == ERROR)


def _document_fields(layout: Layout) -> list[FieldSpec]:
    """Fields that may stand at the top of the file: inheritable project fields plus the
    layout's own document fields (e.g. 申报单位 of the 批复表)."""
    fields = [f for f in layout.fields if f.inherit]
    for data in layout.extra.get("document_fields") or []:
        fields.append(_field_from_data(data, layout.origin))
    return fields


def _match_key(text: str, known: dict[str, tuple[str, ...]]) -> str | None:
    return _key_index(known).get(squash(text).rstrip(":：*＊"))


_KEY_INDEXES: dict[int, tuple[dict[str, tuple[str, ...]], dict[str, str]]] = {}


def _key_index(known: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Squashed spelling → key, built once per key table."""
    entry = _KEY_INDEXES.get(id(known))
    if entry is None or entry[0] is not known:
        index: dict[str, str] = {}
        for key, names in known.items():
            for name in names:
                index.setdefault(squash(name), key)
        entry = _KEY_INDEXES[id(known)] = (known, index)
    return entry[1]


def _year(node: YNode, out: _Collector) -> int | None:
    text = _scalar_text(node)
    if text and re.fullmatch(r"\d{4}", text.rstrip("年")):
        year = int(text.rstrip("年"))
        if 2000 <= year <= 2100:
            return year
    out.add(ERROR, f"年度「{text}」无效", node.loc, "应是 4 位年份，如 2024")
    return None


def _small_int(node: YNode, out: _Collector, what: str, low: int, high: int) -> int | None:
    text = _scalar_text(node)
    if text is not None and text.isdigit() and low <= int(text) <= high:
        return int(text)
    out.add(ERROR, f"{what}「{text}」无效", node.loc, f"应是 {low} 到 {high} 之间的整数")
    return None


def _convert_into(
    spec: FieldSpec, node: YNode, target: dict[str, Any], out: _Collector, subject: str
) -> None:
    try:
        target[spec.key] = convert_scalar(spec, node)
    except ValueProblem as problem:
        out.add(
            problem.severity, f"{subject}的{spec.label}{problem.message}", node.loc, problem.hint
        )
        target[spec.key] = problem.value if problem.severity != ERROR else _INVALID


@functools.lru_cache(maxsize=64)
def _project_key_table(
    layout: Layout,
) -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, tuple[str, ...]]]]:
    """Top-level project keys (plain fields and group names) and, per group, its members."""
    plain: dict[str, tuple[str, ...]] = {}
    grouped: dict[str, dict[str, tuple[str, ...]]] = {}
    for spec in layout.fields:
        if "." in spec.key:
            group, member = spec.key.split(".", 1)
            grouped.setdefault(group, {})[member] = (member, *spec.names)
        else:
            plain[spec.key] = (spec.key, *spec.names)
    for group, meta in layout.groups.items():
        meta = meta or {}
        names = [group, meta.get("label"), *(meta.get("aliases") or ())]
        plain[group] = tuple(str(n) for n in names if n)
    plain["indicators"] = (*INDICATOR_KEYS, layout.indicators.label)
    return plain, grouped


def _load_project(
    node: YNode,
    layout: Layout,
    framework: Framework,
    doc_values: dict[str, Any],
    options: LoadOptions,
    out: _Collector,
) -> Project | None:
    if not isinstance(node, YMap):
        out.add(
            ERROR,
            "每个项目应是「键: 值」映射",
            node.loc,
            "项目以「- name: 项目名称」开头，下面各键缩进对齐",
        )
        return None
    plain, grouped = _project_key_table(layout)
    name_entry = _lookup(node, plain["name"])
    name_text = _scalar_text(name_entry[1]) if name_entry else None
    subject = f"项目「{name_text}」" if name_text else "项目"
    values: dict[str, Any] = {}
    indicators: list[Indicator] = []
    for key_node, value_node in node.items:
        key = _match_key(key_node.text, plain)
        if key is None:
            choices = [n for names in plain.values() for n in names]
            out.add(
                ERROR,
                f"{subject}中有未知的键「{key_node.text}」",
                key_node.loc,
                f"{_suggest(key_node.text, choices)}每个键的含义见 docs/yaml-format.md",
            )
            continue
        if key == "indicators":
            indicators = _load_indicators(value_node, layout, framework, options, out, subject)
        elif key in grouped:
            _load_group(key, value_node, grouped[key], layout, values, out, subject)
        else:
            spec = layout.field(key)
            assert spec is not None
            _convert_into(spec, value_node, values, out, subject)

    for spec in layout.fields:
        if spec.key not in values and spec.inherit and spec.key in doc_values:
            values[spec.key] = doc_values[spec.key]
        if spec.required and values.get(spec.key) in (None, ""):
            out.add(
                ERROR,
                f"{subject}缺少必填项「{spec.label}」（{spec.key}）",
                node.loc,
                _required_hint(spec),
            )
        if values.get(spec.key) is _INVALID:
            values[spec.key] = None
        elif spec.key not in values and spec.default is not None:
            values[spec.key] = convert_scalar(
                spec, YScalar(str(spec.default), STR_TAG, True, node.loc)
            )
    if layout.indicators.required and not indicators:
        out.add(WARNING, f"{subject}没有绩效指标", node.loc, "请在 indicators: 下逐条填写指标")
    _check_dates(values, out, subject, node.loc)
    return Project(values=values, indicators=indicators, loc=node.loc)


def _required_hint(spec: FieldSpec) -> str:
    if spec.inherit:
        return f"可在项目中写 {spec.key}:，或在文件顶层为所有项目统一写一次"
    return f"请在项目中写 {spec.key}: …"


def _load_group(
    group: str,
    node: YNode,
    members: dict[str, tuple[str, ...]],
    layout: Layout,
    values: dict[str, Any],
    out: _Collector,
    subject: str,
) -> None:
    if not isinstance(node, YMap):
        out.add(ERROR, f"{subject}的「{group}」应是映射", node.loc, f"写成 {group}: {{键: 值, …}}")
        return
    for key_node, value_node in node.items:
        member = _match_key(key_node.text, members)
        if member is None:
            choices = [n for names in members.values() for n in names]
            out.add(
                ERROR,
                f"{subject}的「{group}」中有未知的键「{key_node.text}」",
                key_node.loc,
                f"可用的键：{'、'.join(members)}。{_suggest(key_node.text, choices)}",
            )
            continue
        spec = layout.field(f"{group}.{member}")
        assert spec is not None
        _convert_into(spec, value_node, values, out, subject)


def _check_dates(
    values: dict[str, Any], out: _Collector, subject: str, loc: Location | None
) -> None:
    start, end = values.get("start"), values.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        out.add(
            ERROR, f"{subject}的开始日期 {start} 晚于完成日期 {end}", loc, "请检查两个日期是否写反"
        )


@functools.lru_cache(maxsize=64)
def _column_table(layout: Layout) -> dict[str, tuple[str, ...]]:
    return {c.key: (c.key, *c.names) for c in layout.indicators.columns}


def _load_indicators(
    node: YNode,
    layout: Layout,
    framework: Framework,
    options: LoadOptions,
    out: _Collector,
    subject: str,
) -> list[Indicator]:
    if not isinstance(node, YSeq):
        out.add(ERROR, f"{subject}的绩效指标应是列表", node.loc, "每条指标以「- 」开头")
        return []
    columns = layout.indicators.columns
    col_table = _column_table(layout)
    result: list[Indicator] = []
    for number, item in enumerate(node.items, start=1):
        where = f"{subject}第 {number} 条指标"
        raw: dict[str, YNode] = {}
        if isinstance(item, YSeq):
            if len(item.items) > len(columns):
                labels = "、".join(c.label for c in columns)
                out.add(
                    ERROR,
                    f"{where}有 {len(item.items)} 个值，多于表格的 {len(columns)} 列",
                    item.loc,
                    f"列的顺序：{labels}",
                )
                continue
            raw = {c.key: v for c, v in zip(columns, item.items)}
        elif isinstance(item, YMap):
            for key_node, value_node in item.items:
                key = _match_key(key_node.text, col_table)
                if key is None:
                    choices = [n for names in col_table.values() for n in names]
                    out.add(
                        ERROR,
                        f"{where}中有未知的键「{key_node.text}」",
                        key_node.loc,
                        f"可用的键：{'、'.join(col_table)}。{_suggest(key_node.text, choices)}",
                    )
                    continue
                raw[key] = value_node
        else:
            out.add(
                ERROR,
                f"{where}应写成列表 [一级, 二级, …] 或映射",
                item.loc,
                "参考 docs/yaml-format.md",
            )
            continue
        ind = Indicator(values={}, loc=item.loc)
        for col in columns:
            if col.key not in raw:
                if col.required or col.type == "level":
                    out.add(ERROR, f"{where}缺少「{col.label}」", item.loc, "")
                continue
            if col.type == "level":
                text = _scalar_text(raw[col.key])
                ind.values[col.key] = text
                if text:
                    ind.typed_levels[col.key] = text
            else:
                _convert_into(col, raw[col.key], ind.values, out, where)
                if ind.values.get(col.key) is _INVALID:
                    ind.values[col.key] = None
        _resolve_levels(ind, layout, framework, options, out, where, raw)
        result.append(ind)
    return result


def _resolve_levels(
    ind: Indicator,
    layout: Layout,
    framework: Framework,
    options: LoadOptions,
    out: _Collector,
    where: str,
    raw: dict[str, YNode],
) -> None:
    path: tuple[str, ...] = ()
    for position, col in enumerate(layout.indicators.level_columns):
        typed = ind.values.get(col.key)
        loc = raw[col.key].loc if col.key in raw else ind.loc
        if not typed:
            out.add(ERROR, f"{where}的「{col.label}」为空", loc, "请从指标体系中选择")
            return
        match = framework.resolve(position, typed, path)
        if match.canonical is None:
            allowed = framework.children(path)
            under = f"「{path[-1]}」下" if path else ""
            severity = WARNING if options.lenient_levels else ERROR
            known_elsewhere = squash(typed) in framework.all_names(position)
            what = "不属于" if known_elsewhere else "不在"
            out.add(
                severity,
                f"{where}的{col.label}「{typed}」{what}指标体系 {framework.id} {under}的{col.label}中",
                loc,
                f"可选：{'、'.join(allowed)}" + ("；已按原文写入" if severity == WARNING else ""),
            )
            return
        if match.canonical not in framework.children(path):
            severity = WARNING if options.lenient_levels else ERROR
            out.add(
                severity,
                f"{where}的{col.label}「{typed}」（即「{match.canonical}」）不属于「{path[-1]}」",
                loc,
                f"「{path[-1]}」下可选：{'、'.join(framework.children(path))}",
            )
            return
        if match.alias_used and squash(typed) != match.canonical:
            out.add(
                INFO, f"{where}的{col.label}「{typed}」已按规范名称写成「{match.canonical}」", loc
            )
        ind.values[col.key] = match.canonical
        path = (*path, match.canonical)


def _check_project_names(projects: list[Project], out: _Collector) -> None:
    seen: dict[str, Project] = {}
    for project in projects:
        name = project.name
        bad = sorted(set(name) & SHEET_FORBIDDEN)
        if bad:
            out.add(
                ERROR,
                f"项目名称「{name}」含有 Excel 工作表名不允许的字符 {' '.join(bad)}",
                project.loc,
                "请改用全角字符，如「／」「：」「（」",
            )
        if name in seen:
            first = seen[name].loc
            out.add(
                ERROR,
                f"项目名称「{name}」重复（第一次出现在第 {first.line if first else '?'} 行）",
                project.loc,
                "每个项目名称在一个文件中只能出现一次；同名项目请加上区分，如「（二期）」",
            )
        else:
            seen[name] = project


def indicator_rows(
    project: Project, layout: Layout, merge_levels: bool = True
) -> list[dict[str, Any]]:
    """Rows for the indicator table, with the vertical spans of merged level cells.

    Consecutive indicators that share their level path are merged, level by level, as on the
    printed forms: the 一级 cell spans its whole group, the 二级 cell its subgroup.
    """
    level_keys = [c.key for c in layout.indicators.level_columns]
    rows: list[dict[str, Any]] = [{"index": i, "span": {}} for i in range(len(project.indicators))]
    for depth, key in enumerate(level_keys):
        prefix_keys = level_keys[: depth + 1]
        i = 0
        while i < len(rows):
            j = i + 1
            if merge_levels:
                head = [project.indicators[i].get(k) for k in prefix_keys]
                while j < len(rows) and [project.indicators[j].get(k) for k in prefix_keys] == head:
                    j += 1
            rows[i]["span"][key] = j - i
            for k in range(i + 1, j):
                rows[k]["span"][key] = 0
            i = j
    return rows


def load_many(
    paths: list[Path], options: LoadOptions
) -> tuple[list[Document], list[DefinitionError]]:
    docs: list[Document] = []
    errors: list[DefinitionError] = []
    for path in paths:
        try:
            docs.append(load_document(path, options))
        except DefinitionError as exc:
            errors.append(exc)
    return docs, errors


def default_template_set(options: LoadOptions) -> TemplateSet:
    return template_set(options.templates)
