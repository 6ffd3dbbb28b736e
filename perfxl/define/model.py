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

from perfxl.core.catalogue import RULES
from perfxl.core.errors import ERROR, DefinitionError, Diagnostic, Location
from perfxl.define.yamlsrc import (
    STR_TAG,
    YMap,
    YNode,
    YScalar,
    YSeq,
    parse_yaml_text,
    problem_at,
    read_text_file,
)
from perfxl.layout.frameworks import Framework, squash
from perfxl.layout.sheetnames import FORBIDDEN, MAX_SHEET_NAME, project_sheet_names
from perfxl.layout.templates import FieldSpec, Layout, _field_from_data, template_set

# Characters Excel forbids in sheet names: a project's sheet tab has them full-width.
SHEET_FORBIDDEN = set(FORBIDDEN)
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
    # more custom document properties to write, as perfxl_<name> (blank: the unit's identity)
    properties: dict[str, str] = field(default_factory=dict)
    # what a later stage carries from the one it was made from (perfxl/carry): the field keys
    # (``key#part`` for a money-row column, ``ind:<column>`` for indicator columns) whose
    # cells are locked when filled, and the record written into the workbook
    carried: frozenset[str] = frozenset()
    record: Any = None
    profile: str | None = None  # the scoring profile chosen at generation (--profile)


@dataclass
class LoadOptions:
    templates: tuple[Path, ...] = ()
    lenient_levels: bool = False  # unknown 一级/二级 → warning instead of error
    blank_rows: int | None = None
    layout: str | None = None  # used when the file names none
    month: int | None = None  # the monitoring form's month N, for every project (--month)
    profile: str | None = None  # the scoring profile (templates/profiles), for self-evaluations


# ----------------------------------------------------------------------------------------
# scalar conversion

_DATE_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_PARTIAL = re.compile(r"^\d{4}\s*年?(\s*[-/.年]\s*\d{1,2}\s*月?)?$")
_MONEY_CLEAN = re.compile(r"[,，\s]")


_INVALID: Any = object()  # a value that was given but could not be read (already reported)


class ValueProblem(Exception):
    """A value that cannot be read as its type: a catalogue code and the fields of its
    message, completed by whoever knows where the value stands (the loader, the reader).
    ``value`` is what is kept when the problem is only a warning."""

    def __init__(self, code: str, value: Any = None, **fields: object):
        super().__init__(code)
        self.code = code
        self.fields = fields
        self.value = value

    @property
    def severity(self) -> str:
        return RULES[self.code].severity

    @property
    def message(self) -> str:
        """What is wrong, said of the value alone («「一百万」不是数字»), for a caller that
        names the place itself: the catalogue's message without its «where的label» opening."""
        template = RULES[self.code].message
        _, _, said = template.partition("{where}的{label}")
        return (said or template).format(value=self.value, **self.fields)


def parse_date(text: str) -> dt.date:
    """Parse the date spellings seen on forms; raise ValueProblem with a Chinese message."""
    s = text.strip()
    m = _DATE_FULL.match(s)
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValueProblem("D034", value=text) from None
    if _DATE_PARTIAL.match(s):
        raise ValueProblem("D035", value=text)
    raise ValueProblem("D036", value=text)


def parse_decimal(text: str) -> Decimal:
    s = _MONEY_CLEAN.sub("", text)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueProblem("D037", value=text) from None
    if not value.is_finite():
        raise ValueProblem("D037", value=text)
    if value and value.adjusted() >= MAX_AMOUNT_DIGITS:  # adjusted(): no context, no Overflow
        # Excel keeps 15 significant digits and no spreadsheet number reaches 1e308: a value
        # like 1e400 cannot be written, and none this large is money
        raise ValueProblem("D046", value=text, limit="1,000,000,000,000,000")
    return value


MAX_AMOUNT_DIGITS = 15  # |amount| < 10**15
MAX_AMOUNT = Decimal(10) ** MAX_AMOUNT_DIGITS


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
                "D040", expected=len(parts), count=len(node.items), parts="、".join(parts)
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
                    "D010", key=key.text, choices="、".join(parts), suggestion="", in_label=True
                )
    elif isinstance(node, YScalar) and node.is_null:
        return (None,) * len(parts)
    else:
        raise ValueProblem("D041", parts=", ".join(parts))
    out: list[Decimal | None] = []
    for cell in cells:
        if cell is None or (isinstance(cell, YScalar) and (cell.is_null or not cell.text.strip())):
            out.append(None)
        elif isinstance(cell, YScalar):
            out.append(parse_decimal(cell.text))
        else:
            raise ValueProblem("D042")
    return tuple(out)


def convert_scalar(spec: FieldSpec, node: YNode) -> Any:
    """Turn one YAML node into the typed value of ``spec``; raise ValueProblem on bad data."""
    if spec.type == "money_row":
        return convert_money_row(spec, node)
    if not isinstance(node, YScalar):
        raise ValueProblem("D039")
    if node.is_null:
        return None
    text = node.text
    if spec.type in ("money", "number"):
        if text.strip() == "":
            return None
        value = parse_decimal(text)
        if spec.type == "money" and value < 0:
            raise ValueProblem("D038", value=value, text=text)
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

    def add(self, code: str, loc: Location | None, **fields: Any) -> None:
        self.items.append(problem_at(code, loc or Location(self.path), **fields))

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
        diag = problem_at("D006", getattr(root, "loc", None) or Location(path))
        raise DefinitionError(diag.format(), [diag])

    templates = template_set(options.templates)

    # layout first: it decides which other keys exist
    layout_entry = _lookup(root, ("layout", *DOC_KEYS["layout"]))
    layout_id = _scalar_text(layout_entry[1]) if layout_entry else options.layout
    if not layout_id:
        out.add("D007", root.loc)
        raise DefinitionError(_fmt(out), out.items)
    if layout_id not in templates.layout_ids():
        loc = layout_entry[1].loc if layout_entry else root.loc
        out.add(
            "D008",
            loc,
            layout=layout_id,
            choices="、".join(templates.layout_ids()),
            suggestion=_suggest(layout_id, templates.layout_ids()),
        )
        raise DefinitionError(_fmt(out), out.items)
    layout = templates.layout(layout_id)

    fw_entry = _lookup(root, ("framework", *DOC_KEYS["framework"]))
    fw_id = (_scalar_text(fw_entry[1]) if fw_entry else None) or layout.framework
    if fw_id not in templates.framework_ids():
        out.add(
            "D009",
            fw_entry[1].loc if fw_entry else root.loc,
            framework=fw_id,
            choices="、".join(templates.framework_ids()),
            suggestion=_suggest(fw_id, templates.framework_ids()),
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
            _unknown_key(out, key_node, "文件顶层", known_top)
            continue
        if key in seen_top:
            out.add("D011", key_node.loc, key=key_node.text)
            continue
        seen_top.add(key)
        if key in ("layout", "framework", "projects"):
            continue
        if key == "year":
            doc_values["year"] = _year(value_node, out)
        elif key == "money_unit":
            unit = _scalar_text(value_node)
            if unit not in MONEY_UNITS:
                out.add("D012", value_node.loc, unit=unit)
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
        out.add("D013", root.loc)

    projects_entry = _lookup(root, ("projects", *DOC_KEYS["projects"]))
    projects: list[Project] = []
    if projects_entry is None:
        out.add("D016", root.loc)
    elif not isinstance(projects_entry[1], YSeq) or not projects_entry[1].items:
        out.add("D017", projects_entry[1].loc)
    else:
        for item in projects_entry[1].items:
            project = _load_project(item, layout, framework, doc_values, options, out)
            if project is not None:
                projects.append(project)
        _check_project_names(projects, out)
        _check_month(projects, layout, options, out)

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
        profile=options.profile,
    )


def _check_month(
    projects: list[Project], layout: Layout, options: LoadOptions, out: _Collector
) -> None:
    """The monitoring form's month N: --month for every project, else as written (1–12)."""
    monitor = layout.roles.monitor
    if monitor is None:
        return
    for project in projects:
        if options.month is not None:
            project.values[monitor.month] = Decimal(options.month)
            continue
        value = project.values.get(monitor.month)
        if value is None:
            project.values[monitor.month] = Decimal(7)
        elif not (
            isinstance(value, Decimal) and value == value.to_integral_value() and 1 <= value <= 12
        ):
            out.add("K016", project.loc, name=project.name, value=value)
        else:
            project.values[monitor.month] = Decimal(int(value))


def _fmt(out: _Collector) -> str:
    return "\n".join(d.format() for d in out.items if d.severity == ERROR)


def _document_fields(layout: Layout) -> list[FieldSpec]:
    """Fields that may stand at the top of the file: inheritable project fields plus the
    layout's own document fields (e.g. 申报单位 of the 批复表)."""
    fields = [f for f in layout.fields if f.inherit]
    for data in layout.extra.get("document_fields") or []:
        fields.append(_field_from_data(data, layout.origin))
    return fields


def _unknown_key(
    out: _Collector,
    key_node: Any,
    where: str,
    table: dict[str, Any],
    shown: list[str] | None = None,
) -> None:
    """D010 for a key that is none of ``table``'s, with the closest one it may have meant;
    ``shown`` lists the allowed keys in the order the message gives them (default: table's)."""
    choices = [n for names in table.values() for n in names]
    out.add(
        "D010",
        key_node.loc,
        where=where,
        key=key_node.text,
        choices="、".join(shown if shown is not None else table),
        suggestion=_suggest(key_node.text, choices),
    )


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
    out.add("D014", node.loc, value=text)
    return None


def _small_int(node: YNode, out: _Collector, what: str, low: int, high: int) -> int | None:
    text = _scalar_text(node)
    if text is not None and text.isdigit() and low <= int(text) <= high:
        return int(text)
    out.add("D015", node.loc, what=what, value=text, low=low, high=high)
    return None


def _convert_into(
    spec: FieldSpec, node: YNode, target: dict[str, Any], out: _Collector, subject: str
) -> None:
    try:
        target[spec.key] = convert_scalar(spec, node)
    except ValueProblem as problem:
        fields: dict[str, object] = {"value": problem.value, **problem.fields}
        if fields.pop("in_label", False):  # a key inside the value: «项目的年度资金总额中»
            fields["where"] = f"{subject}的{spec.label}中"
        else:
            fields.update(where=subject, label=spec.label)
        if "text" in fields:  # the value as written, where the kept value is converted
            fields["value"] = fields.pop("text")
        out.add(problem.code, node.loc, **fields)
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
    plain[EXTRA_KEY] = (EXTRA_KEY, "其他栏目")
    return plain, grouped


# A project's ``extra:`` block: label → value pairs a form of another province holds that
# the layout has no field for (perfxl extract writes them). Kept in the definition, not
# written into the workbook.
EXTRA_KEY = "extra"


def _load_project(
    node: YNode,
    layout: Layout,
    framework: Framework,
    doc_values: dict[str, Any],
    options: LoadOptions,
    out: _Collector,
) -> Project | None:
    if not isinstance(node, YMap):
        out.add("D018", node.loc)
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
            # indicators listed last, after the fields
            shown = [k for k in plain if k != "indicators"] + ["indicators"]
            _unknown_key(out, key_node, f"{subject}中", plain, shown)
            continue
        if key == EXTRA_KEY:
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
                "D020",
                node.loc,
                where=subject,
                label=spec.label,
                key=spec.key,
                inheritable="、".join(f.key for f in layout.fields if f.inherit) or "主管部门等",
            )
        if values.get(spec.key) is _INVALID:
            values[spec.key] = None
        elif spec.key not in values and spec.default is not None:
            default = spec.default
            execution = layout.roles.execution
            if options.profile and execution is not None and spec.key == execution.weight:
                # the execution's points of the chosen scoring profile (10, or 20 in Hubei)
                default = template_set(options.templates).profile(options.profile).execution_points
            values[spec.key] = convert_scalar(spec, YScalar(str(default), STR_TAG, True, node.loc))
    if layout.indicators.required and not indicators:
        out.add("D021", node.loc, where=subject)
    _check_dates(values, layout, out, subject, node.loc)
    return Project(values=values, indicators=indicators, loc=node.loc)


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
        out.add("D019", node.loc, where=subject, group=group)
        return
    for key_node, value_node in node.items:
        member = _match_key(key_node.text, members)
        if member is None:
            _unknown_key(out, key_node, f"{subject}的「{group}」中", members)
            continue
        spec = layout.field(f"{group}.{member}")
        assert spec is not None
        _convert_into(spec, value_node, values, out, subject)


def _check_dates(
    values: dict[str, Any], layout: Layout, out: _Collector, subject: str, loc: Location | None
) -> None:
    roles = layout.roles
    start = values.get(roles.start) if roles.start else None
    end = values.get(roles.end) if roles.end else None
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        out.add("D022", loc, where=subject, start=start, end=end)


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
        out.add("D023", node.loc, where=subject)
        return []
    columns = layout.indicators.columns
    col_table = _column_table(layout)
    result: list[Indicator] = []
    for number, item in enumerate(node.items, start=1):
        where = f"{subject}第 {number} 条指标"
        raw: dict[str, YNode] = {}
        labels = "、".join(c.label for c in columns)
        if isinstance(item, YSeq):
            if len(item.items) > len(columns):
                out.add(
                    "D025",
                    item.loc,
                    where=where,
                    count=len(item.items),
                    columns=len(columns),
                    labels=labels,
                )
                continue
            raw = {c.key: v for c, v in zip(columns, item.items)}
        elif isinstance(item, YMap):
            for key_node, value_node in item.items:
                key = _match_key(key_node.text, col_table)
                if key is None:
                    _unknown_key(out, key_node, f"{where}中", col_table)
                    continue
                raw[key] = value_node
        else:
            out.add("D024", item.loc, where=where)
            continue
        ind = Indicator(values={}, loc=item.loc)
        for col in columns:
            if col.key not in raw:
                if col.required or col.type == "level":
                    out.add("D026", item.loc, where=where, label=col.label, labels=labels)
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
            out.add("D027", loc, where=where, label=col.label)
            return
        match = framework.resolve(position, typed, path)
        choices = "、".join(framework.children(path))
        named = {"where": where, "label": col.label, "value": typed, "choices": choices}
        misplaced = match.canonical is not None and match.canonical not in framework.children(path)
        if match.canonical is None or misplaced:
            known_elsewhere = misplaced or squash(typed) in framework.all_names(position)
            under = f"「{path[-1]}」下" if path else ""
            if options.lenient_levels:
                out.add("D030", loc, framework=framework.id, under=under, **named)
            elif known_elsewhere and path:
                out.add("D029", loc, parent=path[-1], **named)
            else:
                out.add("D028", loc, framework=framework.id, under=under, **named)
            return
        if match.alias_used and squash(typed) != match.canonical:
            out.add("D031", loc, canonical=match.canonical, **named)
        ind.values[col.key] = match.canonical
        path = (*path, match.canonical)


def _check_project_names(projects: list[Project], out: _Collector) -> None:
    """Any name is taken verbatim; where its sheet tab must differ, a note says what it is."""
    seen: dict[str, Project] = {}
    tabs = project_sheet_names([p.name for p in projects])
    for project, tab in zip(projects, tabs):
        name = project.name
        bad = sorted(set(name) & SHEET_FORBIDDEN)
        if bad:
            out.add("D032", project.loc, name=name, chars=" ".join(bad), tab=tab)
        elif len(name) > MAX_SHEET_NAME:
            out.add("O007", project.loc, name=name, length=len(name), tab=tab)
        if name in seen:
            first = seen[name].loc
            out.add(
                "D033",
                project.loc,
                name=name,
                first_line=first.line if first and first.line else "?",
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
