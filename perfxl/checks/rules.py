"""Checks on a read workbook: every rule of ``rules.py`` applied, findings returned as data.

``check_workbook`` never raises for bad user data. Each finding names the sheet and cell,
quotes the offending value in a Chinese message (where → what is wrong) and carries a hint
(how to fix it). The rules follow the domain notes: money invariants, the framework's
levels, quantified targets, the self-evaluation arithmetic, and the error classes seen in
real forms (E1–E13).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from perfxl.checks.targets import QUANTITATIVE, Target, parse_target
from perfxl.core import scoring
from perfxl.core.catalogue import finding
from perfxl.core.findings import Finding
from perfxl.layout.frameworks import Framework, squash
from perfxl.layout.roles import Anchor, SumGroup
from perfxl.layout.templates import FieldSpec, Layout
from perfxl.read.convert import TypedIndicator, TypedProject, text_of, typed_project
from perfxl.read.locate import Cell, ReadProject, ReadWorkbook, SheetFormulas, norm_label

TOLERANCE = Decimal("0.01")
MAX_NAME = 100
VAGUE_WORDS = {
    "高",
    "低",
    "较高",
    "较低",
    "好",
    "较好",
    "良好",
    "一般",
    "符合要求",
    "符合发展要求",
    "是",
    "否",
    "优",
    "良",
    "有",
    "无",
}
RATE_SUFFIXES = ("率", "比例", "比率", "占比", "覆盖面")
COUNT_HINTS = (
    "数量",
    "人数",
    "次数",
    "件数",
    "户数",
    "个数",
    "份数",
    "场次",
    "册数",
    "本数",
    "天数",
)
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})\s*年")
# "满意度达到95%": a percentage, the verb before it, and the words it is said of (at most the
# 12 Chinese characters before the verb). Found from the number backwards: one pattern that
# tried every start of the subject cost more than all other text checks together.
_PERCENT_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_PERCENT_VERBS = ("达到", "达", "不低于", "不少于", "为")
# the subject of a stated percentage: the Chinese characters just before it (at most 12),
# matched on the reversed text so that only its end is looked at
_SUBJECT_REVERSED = re.compile(r"[\u4e00-\u9fff]{2,12}")


@dataclass
class ProjectReport:
    name: str
    sheet: str
    fields: dict[str, Any]
    indicators: list[dict[str, Any]]


@dataclass
class CheckResult:
    projects: list[ProjectReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    typed: list[TypedProject] = field(default_factory=list)


class _Out:
    def __init__(self, findings: list[Finding], sheet: str, project: str):
        self.findings, self.sheet, self.project = findings, sheet, project

    def add(self, code: str, cell: Cell | str | None, **fields: Any) -> None:
        ref = cell.ref if isinstance(cell, Cell) else (cell or "")
        self.findings.append(
            finding(code, sheet=self.sheet, cell=ref, project=self.project, **fields)
        )


def scoring_profile(rb: ReadWorkbook, forced: str | None = None) -> scoring.Profile:
    """The scoring profile a self-evaluation is checked by: ``forced`` (--profile), else the
    one it was generated with, else its layout's, else the national default."""
    from perfxl.layout.templates import template_set

    chosen = (
        forced
        or rb.info.properties.get("profile")
        or rb.meta.get("profile")
        or rb.layout.extra.get("profile")
    )
    if not chosen:
        return scoring.NATIONAL
    templates = template_set()
    if chosen not in templates.profile_ids() and not forced:
        return scoring.NATIONAL
    profile: scoring.Profile = templates.profile(str(chosen))
    return profile


def check_workbook(
    rb: ReadWorkbook, reports: bool = True, profile: scoring.Profile | None = None
) -> CheckResult:
    """Apply every rule; with ``reports`` also build the extracted data of the JSON report.
    ``profile`` is the scoring profile of a self-evaluation (default: :func:`scoring_profile`)."""
    result = CheckResult()
    result.findings.extend(rb.notes)
    layout, framework = rb.layout, rb.framework
    if rb.identified_by == "labels":
        result.findings.append(finding("S007", workbook=rb.path.name, layout=layout.name))
    elif rb.family is not None:
        result.findings.extend(_family_findings(rb))
    elif rb.meta.get("layout_version") and rb.meta["layout_version"] != layout.version:
        found = rb.meta["layout_version"]
        result.findings.append(
            finding("S001", workbook=rb.path.name, found=found, expected=layout.version)
        )
    if not rb.projects:
        result.findings.append(finding("S006", workbook=rb.path.name, layout=layout.name))
    expected = [s for s in rb.meta.get("sheets", "").split("\n") if s]
    read_sheets = {p.sheet for p in rb.projects}
    if rb.identified_by == "meta" and expected and len(read_sheets) < len(expected):
        missing = [s for s in expected if s not in read_sheets]
        if len(rb.projects) < len(expected):
            result.findings.append(
                finding(
                    "S008",
                    expected=len(expected),
                    found=len(rb.projects),
                    missing="、".join(missing[:5]),
                )
            )
    for rp in rb.projects:
        findings: list[Finding] = []
        typed = typed_project(rp, layout, findings, rb.money_unit)
        out = _Out(findings, rp.sheet, typed.name)
        _structure(rp, layout, out)
        if rp.table_found and layout.indicators.required and not _any_indicator(typed):
            out.add("S012", None, label=layout.indicators.label)
        formulas = rb.cell_formulas
        _fields(typed, layout, rb, out, formulas)
        _money(typed, layout, out)
        _indicators(typed, layout, framework, out, formulas)
        _texts(typed, layout, rb, out)
        if layout.indicators.column("score") is not None:
            if profile is None:
                profile = scoring_profile(rb)
            _self_evaluation(typed, rp, layout, rb.formulas, out, profile)
        if layout.roles.monitor is not None:
            _monitoring(typed, rp, layout, rb.formulas, out)
        result.findings.extend(findings)
        result.typed.append(typed)
        if reports:
            result.projects.append(_report(typed, layout))
    _cross_form(rb, result)
    if rb.meta.get("carried") or rb.meta.get("carried_sha"):
        from perfxl.carry.record import carried_findings

        result.findings.extend(carried_findings(rb.meta, result.typed))
    return result


# ----------------------------------------------------------------------------------------


def _structure(rp: ReadProject, layout: Layout, out: _Out) -> None:
    for label in rp.missing_labels:
        out.add("S002", None, label=label)
    if not rp.table_found:
        columns = "、".join(c.label for c in layout.indicators.columns)
        out.add("S003", None, label=layout.indicators.label, columns=columns)
    # values typed to the right of the form
    seen = 0
    for r, row in enumerate(rp.sheet_rows):
        for c in range(rp.form_width, len(row)):
            value = row[c]
            if value is not None and str(value).strip() and seen < 5:
                out.add("S005", Cell(value, r, c), value=_short(value))
                seen += 1


def _any_indicator(p: TypedProject) -> bool:
    return any(ind.values.get("name") or ind.values.get("target") for ind in p.indicators)


def _short(value: Any, n: int = 30) -> str:
    text = str(value)
    return text if len(text) <= n else text[:n] + "…"


_TEXT_TYPES = frozenset(("text", "longtext", "choice", "level"))
_VALUE_COLUMNS = frozenset(("target", "actual"))


def _typed_as_formula(
    label: str, cell: Cell | None, formulas: SheetFormulas | None, out: _Out
) -> bool:
    """An empty text cell that holds a formula or an error value (T004, T005): what was
    typed into a General cell starting with "=", whose result (an error) reads as empty.
    True when reported."""
    if cell is None or formulas is None or cell.value not in (None, ""):
        return False
    found = formulas.at(out.sheet, cell.row, cell.col)
    if found is None:
        return False
    if found.formula:
        out.add("T004", cell, label=label, formula=found.formula, shown=found.shown or "")
    else:
        out.add("T005", cell, label=label, shown=found.shown or "")
    return True


def _fields(
    p: TypedProject,
    layout: Layout,
    rb: ReadWorkbook,
    out: _Out,
    formulas: SheetFormulas,
) -> None:
    for spec in layout.fields:
        if spec.key in layout.roles.reported:
            continue
        value = p.values.get(spec.key)
        cell = p.cells.get(spec.key) or p.cells.get(f"{spec.key}#1")
        # a required text field that reads as empty may hold a formula (asked only then)
        if (
            spec.required
            and spec.type in _TEXT_TYPES
            and _typed_as_formula(spec.label, cell, formulas, out)
        ):
            continue
        unconverted = value is None and cell is not None and text_of(cell.value) is not None
        if (
            spec.required
            and not unconverted  # something is there that could not be read: reported already
            and (
                value is None
                or value == ""
                or (isinstance(value, tuple) and all(v is None for v in value))
            )
        ):
            if cell is not None or spec.key in p.values or spec.type != "money_row":
                out.add("F001", cell, label=spec.label)
        if spec.type == "choice" and isinstance(value, str) and spec.list:
            allowed = layout.lists.get(spec.list) or []
            if allowed and value not in allowed:
                out.add("F008", cell, label=spec.label, value=value, choices="、".join(allowed))
        if (
            spec.type == "date"
            and isinstance(value, dt.date)
            and rb.year
            and not _year_ok(value, rb.year, spec.key, layout)
        ):
            out.add("F004", cell, label=spec.label, date=value.isoformat(), year=rb.year)
    roles = layout.roles
    start = p.values.get(roles.start) if roles.start else None
    end = p.values.get(roles.end) if roles.end else None
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        cell = p.cells.get(roles.start or "")
        out.add("F003", cell, start=start.isoformat(), end=end.isoformat())


def _year_ok(value: dt.date, year: int, key: str, layout: Layout) -> bool:
    """A planned start lies within five years before the form's year; a completion, not
    before it. Other dates may be any year."""
    if key == layout.roles.start:
        return value.year <= year and value.year >= year - 5
    if key == layout.roles.end:
        return value.year >= year
    return True


def _sum_if_off(total: Decimal | None, parts: list[Decimal | None]) -> Decimal | None:
    """The sum of the given parts when it differs from ``total`` by more than the tolerance;
    None when it agrees, or when there is nothing to compare."""
    given = [x for x in parts if x is not None]
    if total is None or not given:
        return None
    s = sum(given, Decimal(0))
    return s if abs(s - total) > TOLERANCE else None


def _money(p: TypedProject, layout: Layout, out: _Out) -> None:
    for key, value in p.values.items():
        spec = layout.field(key)
        if isinstance(value, Decimal) and value < 0 and spec is not None and spec.type == "money":
            out.add("M008", p.cells.get(key), label=spec.label, value=value)
    for group in layout.roles.sums:
        if _is_row(layout, group.total):
            _money_rows_sum(p, layout, group, out)
        else:
            _money_sum(p, layout, group, out)
    annual, whole = layout.roles.sum_group("annual"), layout.roles.sum_group("project")
    if annual is not None and whole is not None and not _is_row(layout, whole.total):
        a, t = _decimal(p, annual.total), _decimal(p, whole.total)
        if a is not None and t is not None and a > t + TOLERANCE:
            out.add(
                "M003",
                p.cells.get(annual.total),
                annual_label=_label(layout, annual.total),
                annual=f"{a:,.2f}",
                project_label=_label(layout, whole.total),
                project_total=f"{t:,.2f}",
            )
    execution = layout.roles.execution
    if execution is not None:
        row = p.values.get(execution.total)
        if isinstance(row, tuple):
            budget, spent = _at(row, execution.budget), _at(row, execution.executed)
            if budget is not None and spent is not None and spent > budget + TOLERANCE:
                parts = _spec(layout, execution.total).parts
                out.add(
                    "M006",
                    p.cells.get(f"{execution.total}#{execution.executed}"),
                    executed_label=_at(parts, execution.executed) or "执行数",
                    executed=spent,
                    budget_label=_at(parts, execution.budget) or "预算数",
                    budget=budget,
                )


# which finding a sum group gives, by what it adds up (roles.sums[].of)
_SUM_CODES = {"annual": "M001", "project": "M002", "": "M009"}


def _money_sum(p: TypedProject, layout: Layout, group: SumGroup, out: _Out) -> None:
    total = _decimal(p, group.total)
    s = _sum_if_off(total, [_decimal(p, key) for key in group.parts])
    if s is not None and total is not None:
        out.add(
            _SUM_CODES[group.of],
            p.cells.get(group.total),
            total_label=_label(layout, group.total),
            total=f"{total:,.2f}",
            parts_label="、".join(_label(layout, key) for key in group.parts),
            sum=f"{s:,.2f}",
            difference=f"{total - s:,.2f}",
        )


def _money_rows_sum(p: TypedProject, layout: Layout, group: SumGroup, out: _Out) -> None:
    """A grid of money rows (the 自评表's): the total row equals its parts, column by column."""
    total_row = p.values.get(group.total)
    if not isinstance(total_row, tuple):
        return
    rows = [p.values.get(key) for key in group.parts]
    for i, name in enumerate(_spec(layout, group.total).parts or ()):
        column = [_at(row, i) for row in rows if isinstance(row, tuple)]
        whole = _at(total_row, i)
        s = _sum_if_off(whole, column)
        if s is not None:
            out.add(
                "M005",
                p.cells.get(f"{group.total}#{i}"),
                total_label=_label(layout, group.total),
                part_label=name,
                total=whole,
                sum=s,
            )


def _decimal(p: TypedProject, key: str) -> Decimal | None:
    value = p.values.get(key)
    return value if isinstance(value, Decimal) else None


def _at(values: tuple[Any, ...], i: int) -> Any:
    return values[i] if 0 <= i < len(values) else None


def _spec(layout: Layout, key: str) -> FieldSpec:
    spec = layout.field(key)
    assert spec is not None, key  # roles name only fields of the layout (checked on loading)
    return spec


def _label(layout: Layout, key: str) -> str:
    return _spec(layout, key).label


def _is_row(layout: Layout, key: str) -> bool:
    return _spec(layout, key).type == "money_row"


def _indicators(
    p: TypedProject,
    layout: Layout,
    fw: Framework,
    out: _Out,
    formulas: SheetFormulas | None = None,
) -> None:
    level_cols = layout.indicators.level_columns
    # the columns where values starting with "=" are written (指标值, 实际完成值)
    value_columns = [c for c in layout.indicators.columns if c.key in _VALUE_COLUMNS]
    used_level1: set[str] = set()
    names: dict[str, Cell | None] = {}
    qualitative = 0
    groups_with_names: dict[tuple[str, ...], int] = {}
    level_keys = [col.key for col in level_cols]
    clean = fw.clean_paths
    for ind in p.indicators:
        # most rows repeat level values already seen: their path is looked up, not resolved
        typed_levels = tuple([ind.values.get(k) for k in level_keys])
        known = clean.get(typed_levels)
        path: tuple[str, ...] = () if known is None else known
        ok = True
        remarks = len(out.findings)
        aliased = False  # whether I003 applies depends on the row's fill-down: not remembered
        for depth, col in enumerate(level_cols if known is None else ()):
            typed = ind.values.get(col.key)
            cell = ind.cells.get(col.key)
            if not typed:
                if ind.values.get("name"):
                    out.add("I020", cell, name=ind.values.get("name"), label=col.label)
                ok = False
                break
            match = fw.resolve(depth, typed, path)
            canonical = match.canonical
            if canonical is None or not fw.allows(path, canonical):
                known_elsewhere = squash(typed) in fw.all_names(depth) or (
                    match.canonical in fw.all_names(depth)
                )
                if path and known_elsewhere:
                    out.add(
                        "I002",
                        cell,
                        label=col.label,
                        value=typed,
                        parent=path[-1],
                        choices="、".join(fw.children(path)),
                    )
                else:
                    out.add(
                        "I001",
                        cell,
                        label=col.label,
                        value=typed,
                        framework=fw.name,
                        choices="、".join(fw.children(path)),
                    )
                ok = False
                break
            if match.alias_used and squash(typed) != match.canonical:
                aliased = True
                if col.key not in ind.filled_down:
                    out.add("I003", cell, label=col.label, value=typed, canonical=match.canonical)
            path = (*path, canonical)
        if known is None and ok and not aliased and len(out.findings) == remarks:
            if len(clean) > 10_000:  # level values are people's text: keep it bounded
                clean.clear()
            clean[typed_levels] = path
        if path:
            used_level1.add(path[0])
        name = ind.values.get("name")
        name_cell = ind.cells.get("name")
        if ok:
            groups_with_names[path] = groups_with_names.get(path, 0) + (1 if name else 0)
        if not name:
            if any(ind.values.get(k) for k in ("target",)):
                out.add(
                    "I021",
                    name_cell,
                    path="/".join(path) or "指标",
                    target=ind.values.get("target"),
                )
            continue
        if name in names:
            first = names[name]
            out.add("I006", name_cell, name=name, first=first.ref if first else "")
        else:
            names[name] = name_cell
        if len(name) > MAX_NAME:
            out.add("I007", name_cell, length=len(name), limit=MAX_NAME)
        broken = False
        for column in value_columns:
            label = f"指标「{name}」的{column.label}"
            if _typed_as_formula(label, ind.cells.get(column.key), formulas, out):
                broken = broken or column.key == "target"
        if broken:
            continue
        target_text = ind.values.get("target")
        target_cell = ind.cells.get("target")
        target_text = _rate_typed_as_number(name, target_cell, ind, target_text, out)
        if not target_text:
            out.add("I008", target_cell, name=name)
            continue
        target = parse_target(target_text, ind.values.get("measure_unit"))
        if target.kind != QUANTITATIVE:
            qualitative += 1
        _target_rules(name, path, target, target_cell, fw, out)
        _placement_rules(name, path, target, name_cell, out)
    for level1 in fw.required:
        if level1 not in used_level1 and p.indicators:
            out.add("I004", None, level1=level1, framework=fw.name)
    for level1 in fw.recommended:
        if level1 not in used_level1 and p.indicators:
            out.add("I019", None, level1=level1, framework=fw.name)
    for path, count in groups_with_names.items():
        if count == 0:
            out.add("I005", None, path="/".join(path))
    total = len([i for i in p.indicators if i.values.get("name")])
    if total >= 4 and qualitative / total > 0.5:
        out.add("I018", None, total=total, qualitative=qualitative)


_RATE_ENDINGS = (*RATE_SUFFIXES, "满意度", "知晓度", "知晓率")


def _rate_typed_as_number(
    name: str, cell: Cell | None, ind: TypedIndicator, text: Any, out: _Out
) -> Any:
    """A rate's target that is a number from 0 to 1 with no unit beside it: ``100%`` or
    ``95%`` typed into a General cell, stored as 1 or 0.95. It is read as the percentage it
    was (T006), in the indicator's values too, so reports and extracted YAML show 100%."""
    value = cell.value if cell is not None else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return text
    if not _is_rate(name) or ind.values.get("measure_unit") or not 0 <= value <= 1:
        return text
    number = (Decimal(repr(float(value))) * 100).normalize()
    percent = f"{format(number, 'f')}%"
    out.add(
        "T006",
        cell,
        name=name,
        value=text,
        percent=percent,
        percent_value=format(number.quantize(Decimal("0.01")), "f"),
    )
    ind.values["target"] = percent
    return percent


def _is_rate(name: str) -> bool:
    return name.endswith(_RATE_ENDINGS)


def _is_count(name: str) -> bool:
    return any(h in name for h in COUNT_HINTS) or name.endswith(("数", "人次"))


def _target_rules(
    name: str, path: tuple[str, ...], t: Target, cell: Cell | None, fw: Framework, out: _Out
) -> None:
    raw = t.raw
    if t.kind != QUANTITATIVE:
        if any(level in fw.quantified for level in path):
            out.add("I009", cell, level=path[-1], name=name, raw=raw)
        if raw.strip() in VAGUE_WORDS:
            out.add("I017", cell, name=name, raw=raw)
        if _is_rate(name) and not name.endswith("度"):
            out.add("I012", cell, name=name, ending=name[-1], raw=raw)
        elif "满意度" in name:
            out.add("I014", cell, name=name, raw=raw)
        return
    if t.op is None and not t.unit_from_column:
        out.add("I010", cell, name=name, raw=raw)
    if t.unit is None:
        out.add("I011", cell, name=name, raw=raw)
    if t.op_written and t.op_written != t.op:
        out.add("I015", cell, raw=raw, written=t.op_written, suggested=t.op)
    elif t.unit == "%" and "百分比" in raw:
        out.add("I015", cell, raw=raw, written="百分比", suggested="%")
    is_percent = t.unit == "%"
    if "满意度" in name:
        if not is_percent or (t.value is not None and t.value < 80):
            out.add("I014", cell, name=name, raw=raw)
    elif _is_rate(name) and not is_percent and t.unit is not None:
        out.add("I012", cell, name=name, ending=name[-1], raw=raw)
    elif is_percent and _is_count(name) and not _is_rate(name):
        out.add("I013", cell, name=name, raw=raw)


def _placement_rules(
    name: str, path: tuple[str, ...], t: Target, cell: Cell | None, out: _Out
) -> None:
    """Heuristics for an indicator filed under the wrong 二级 (domain error class E1)."""
    if len(path) < 2:
        return
    level2 = path[-1]
    if "满意" in name and "满意" not in level2:
        out.add("I016", cell, name=name, reason="是满意度指标", level2=level2)
    elif (
        "满意" in level2
        and "满意" not in name
        and ("机制" in name or "制度" in name or "长效" in name)
    ):
        out.add("I016", cell, name=name, reason="不是满意度指标", level2=level2)
    elif ("长效" in name or "机制" in name) and ("生态" in level2 or "环境" in level2):
        out.add("I016", cell, name=name, reason="属于可持续影响类指标", level2=level2)
    elif (
        "时效" in level2
        and t.kind != QUANTITATIVE
        and "及时" not in name
        and "时" not in t.raw
        and "前" not in t.raw
        and "及时" not in t.raw
    ):
        reason = f"的指标值「{t.raw}」与时效无关"
        out.add("I016", cell, name=name, reason=reason, level2=level2)


def _texts(p: TypedProject, layout: Layout, rb: ReadWorkbook, out: _Out) -> None:
    for spec in layout.fields:
        if spec.type != "longtext":
            continue
        text = p.values.get(spec.key)
        if not isinstance(text, str) or not text:
            continue
        cell = p.cells.get(spec.key)
        if rb.year and spec.key in layout.roles.goal_texts:
            for year in sorted({int(y) for y in _YEAR_IN_TEXT.findall(text)}):
                if year != rb.year and year > rb.year - 10:
                    out.add("T001", cell, label=spec.label, year=year, form_year=rb.year)
        repeated = _repeated_run(text)
        if repeated:
            out.add("T002", cell, label=spec.label, text=repeated)
        if spec.key == layout.roles.goal:
            _goal_vs_indicators(text, spec.label, p, cell, out)


# a run of 3–12 Chinese characters immediately repeated: "政策宣传政策宣传"
_REPEATED = re.compile(r"([\u4e00-\u9fff]{3,12})\1")
# a phrase cut in two and pasted again: "全覆盖。覆盖。"
_REPEATED_TAIL = re.compile(r"([\u4e00-\u9fff]{2,})。\1。")


_WHITESPACE = re.compile(r"\s+")


def _repeated_run(text: str) -> str | None:
    compact = _WHITESPACE.sub("", text)
    m = _REPEATED.search(compact)
    if m and len(set(m.group(1))) > 1:
        return m.group(1)
    # the tail pattern backtracks over every run of characters; it needs two "。"
    if compact.count("。") >= 2:
        m = _REPEATED_TAIL.search(compact)
        if m and len(set(m.group(1))) > 1:
            return m.group(1)
    return None


def _goal_vs_indicators(
    text: str, label: str, p: TypedProject, cell: Cell | None, out: _Out
) -> None:
    """A satisfaction rate stated in the goal text that no satisfaction indicator targets."""
    if "满意度" not in text:
        return
    stated = []
    for m in _PERCENT_NUMBER.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()].rstrip()
        for verb in _PERCENT_VERBS:
            if before.endswith(verb):
                before = before[: -len(verb)]
                break
        if before.endswith("\n"):  # as "$" did: the end, or before a final line break
            before = before[:-1]
        found = _SUBJECT_REVERSED.match(before[:-13:-1])
        subject = found.group()[::-1] if found else ""
        if "满意度" in subject:
            stated.append((subject, Decimal(m.group(1))))
    if not stated:
        return
    related = []
    for ind in p.indicators:
        name, raw = ind.values.get("name"), ind.values.get("target")
        if name and raw and "满意度" in name:
            t = parse_target(raw)
            if t.kind == QUANTITATIVE and t.unit == "%" and t.value is not None:
                related.append((name, t))
    for subject, number in stated:
        if related and all(t.value != number for _, t in related):
            name, t = related[0]
            out.add(
                "T003",
                cell,
                label=label,
                subject=subject,
                number=number,
                name=name,
                target=t.raw,
            )


def _self_evaluation(
    p: TypedProject,
    rp: ReadProject,
    layout: Layout,
    formulas: dict[str, Anchor],
    out: _Out,
    profile: scoring.Profile = scoring.NATIONAL,
) -> None:
    computed = scoring.project_scores(p, layout.roles.execution, profile.execution_points)
    weights = [ind.values.get("weight") for ind in p.indicators if ind.values.get("name")]
    weight_sum = sum((w for w in weights if isinstance(w, Decimal)), Decimal(0))
    where = {"profile": profile.name, "execution": profile.execution_points}
    if weights and abs(weight_sum - profile.indicator_points) > TOLERANCE:
        out.add("E004", None, total=weight_sum, expected=profile.indicator_points, **where)
    execution = layout.roles.execution
    if execution is not None:
        weight = p.values.get(execution.weight)
        if isinstance(weight, Decimal) and abs(weight - profile.execution_points) > TOLERANCE:
            out.add("E011", p.cells.get(execution.weight), weight=weight, **where)
        rate = computed.get("execution_rate")
        full_year = p.values.get(execution.total)
        reasons = [ind.values.get("deviation") for ind in p.indicators]
        if (
            profile.reason_below is not None
            and isinstance(full_year, tuple)
            and execution.budget < len(full_year)
            and full_year[execution.budget]
            and isinstance(rate, Decimal)
            and rate < profile.reason_below
            and not any(str(r or "").strip() for r in reasons)
        ):
            cell = p.cells.get(f"{execution.total}#{execution.executed}")
            out.add("E012", cell, rate=rate, below=profile.reason_below, profile=profile.name)
    for ind in p.indicators:
        name = ind.values.get("name")
        weight, score = ind.values.get("weight"), ind.values.get("score")
        if not name or not isinstance(weight, Decimal) or not isinstance(score, Decimal):
            continue
        score_cell = ind.cells.get("score")
        if score > weight + TOLERANCE:
            out.add("E003", score_cell, name=name, score=score, weight=weight)
            continue
        reason = ind.values.get("deviation")
        if score < weight - TOLERANCE and not reason:
            out.add("E005", score_cell, name=name, score=score, weight=weight)
        expected = _formula_score(ind, weight, profile)
        if expected is not None:
            if score < expected - TOLERANCE and reason:
                out.add(
                    "E008",
                    score_cell,
                    name=name,
                    score=score,
                    expected=expected,
                    reason=_short(reason, 20),
                )
            elif score > expected + TOLERANCE:
                out.add("E009", score_cell, name=name, score=score, expected=expected)
        _qualitative_band(ind, weight, score, out, profile)
    if layout.roles.execution is not None:
        _compare_formula_cells(rp, layout.roles.execution.cells, formulas, computed, out)


def _formula_score(
    ind: TypedIndicator, weight: Decimal, profile: scoring.Profile = scoring.NATIONAL
) -> Decimal | None:
    target = parse_target(ind.values.get("target"))
    actual = parse_target(ind.values.get("actual"))
    if (
        target.kind != QUANTITATIVE
        or actual.kind != QUANTITATIVE
        or target.value is None
        or actual.value is None
    ):
        return None
    t, a = target.value, actual.value
    op = target.op or "="
    if op in ("≥", ">") or (op == "=" and t > 0):
        if a >= t:
            return weight
        return scoring.round2(a / t * weight) if t else None
    if op == "=" and t == 0:
        return weight if a <= 0 else Decimal("0.00")
    if op in ("≤", "<"):
        if a <= t:
            return weight
        return profile.reverse_score(t, a, weight)
    return None


def _qualitative_band(
    ind: TypedIndicator,
    weight: Decimal,
    score: Decimal,
    out: _Out,
    profile: scoring.Profile = scoring.NATIONAL,
) -> None:
    actual = str(ind.values.get("actual") or "")
    if not actual or parse_target(actual).kind == QUANTITATIVE or weight <= 0:
        return
    share = score / weight * 100
    high, low = profile.qualitative_bands
    if "未达成" in actual:
        ok, band = share < low, f"{low:g}% 以下"
    elif "部分" in actual:
        ok, band = low <= share < high, f"{low:g}%–{high:g}%"
    elif "达成" in actual:
        ok, band = share >= high, f"{high:g}%–100%"
    else:
        return
    if not ok:
        out.add(
            "E010",
            ind.cells.get("score"),
            name=ind.values.get("name"),
            actual=actual,
            band=band,
            score=score,
            weight=weight,
            high=f"{high:g}",
            low=f"{low:g}",
            profile=profile.name,
        )


def _monitoring(
    p: TypedProject, rp: ReadProject, layout: Layout, formulas: dict[str, Anchor], out: _Out
) -> None:
    """The monitoring rules (field notes §2.1): a reason for every red or yellow light, an
    explanation for every ticked reason, a forecast unless the target is sure to be met;
    and the lights as returned against perfxl's own arithmetic."""
    from perfxl.core import monitoring

    role = layout.roles.monitor
    assert role is not None
    computed = monitoring.project_lights(p, role)
    month = computed["month"]
    reason = p.values.get(role.reason) if role.reason else None
    reason_spec = layout.field(role.reason) if role.reason else None
    reason_label = reason_spec.label if reason_spec is not None else ""
    for key in role.rows:
        row = p.values.get(key)
        if not isinstance(row, tuple):
            continue
        spec = layout.field(key)
        label = spec.label if spec else key

        def col(i: int, row: tuple[Any, ...] = row) -> Any:
            return row[i] if i < len(row) else None

        light = computed[f"light:{key}"]
        cell = p.cells.get(f"{key}#{role.executed}")
        if light in (monitoring.RED, monitoring.YELLOW) and role.reason and not reason:
            out.add(
                "K001",
                p.cells.get(role.reason) or cell,
                row=label,
                light=light,
                executed=col(role.executed),
                adjusted=col(role.adjusted),
                month=month,
                label=reason_label,
            )
        initial, adjustment, adjusted = col(role.initial), col(role.adjustment), col(role.adjusted)
        if all(isinstance(v, Decimal) for v in (initial, adjustment, adjusted)):
            if abs(initial + adjustment - adjusted) > TOLERANCE:
                out.add(
                    "K007",
                    p.cells.get(f"{key}#{role.adjusted}"),
                    row=label,
                    adjusted=adjusted,
                    initial=initial,
                    adjustment=adjustment,
                    expected=initial + adjustment,
                )
        anchor = formulas.get(role.cells.get(key, ""))
        shown = _formula_cell(rp, anchor) if anchor is not None else None
        if shown is not None and _light_differs(shown.value, light):
            out.add(
                "K006", shown, what=f"{label}的预算执行灯", value=shown.value or "", expected=light
            )
    columns = role.columns
    for i, ind in enumerate(p.indicators):
        name = ind.values.get("name")
        if not name:
            continue
        light = computed[f"ind_light:{i}"]
        shown_value = ind.values.get(columns.light)
        light_cell = ind.cells.get(columns.light)
        if light_cell is not None and _light_differs(shown_value, light):
            out.add(
                "K006",
                light_cell,
                what=f"指标「{name}」的指标灯",
                value=shown_value or "",
                expected=light,
            )
        ticked = []
        for key in columns.reasons:
            value = ind.values.get(key)
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            spec = layout.indicators.column(key)
            label = spec.label if spec else key
            ticked.append(label)
            if text not in ("√", "✓", "✔"):
                out.add("K005", ind.cells.get(key), name=name, label=label, value=_short(text))
        progress = ind.values.get(columns.progress)
        if light in (monitoring.RED, monitoring.YELLOW) and not ticked:
            out.add(
                "K002",
                ind.cells.get(columns.reasons[0]) or light_cell,
                name=name,
                light=light,
                progress=progress,
                target=ind.values.get(columns.target) or "",
            )
        if ticked and not str(ind.values.get(columns.explanation) or "").strip():
            out.add(
                "K003", ind.cells.get(columns.explanation), name=name, reasons="、".join(ticked)
            )
        possibility = str(ind.values.get(columns.possibility) or "").strip()
        forecast = str(ind.values.get(columns.forecast) or "").strip()
        if possibility and possibility != "确定能" and not forecast:
            out.add("K004", ind.cells.get(columns.forecast), name=name, possibility=possibility)
        if not possibility and str(progress or "").strip():
            out.add("K008", ind.cells.get(columns.possibility), name=name)


def _light_differs(shown: Any, expected: str) -> bool:
    """Whether a light as returned differs from perfxl's; an empty cell is a formula whose
    result the saving program did not store (nothing to compare), not a wrong light."""
    text = "" if shown is None else str(shown).strip()
    return bool(text) and text != expected


# a formula cell (by its role) -> the finding when its value differs, and the computed result
_FORMULA_CHECKS = (("rate", "E001", "execution_rate"), ("score", "E002", "execution_score"))


def _compare_formula_cells(
    rp: ReadProject,
    cells: dict[str, str],
    formulas: dict[str, Anchor],
    computed: dict[str, Any],
    out: _Out,
) -> None:
    """The formula cells as returned (values computed by Excel/WPS/LibreOffice, or cached),
    found by the ids the layout declares for them, against perfxl's own arithmetic."""

    def cell_of(role: str) -> Cell | None:
        anchor = formulas.get(cells.get(role, ""))
        return _formula_cell(rp, anchor) if anchor is not None else None

    for role, code, result in _FORMULA_CHECKS:
        cell = cell_of(role)
        if cell is not None and _is_number(cell.value):
            if abs(Decimal(repr(float(cell.value))) - computed[result]) > TOLERANCE:
                out.add(code, cell, value=cell.value, expected=computed[result])
    total = computed["total"]
    cell = cell_of("total")
    if cell is not None and _is_number(cell.value):
        written = Decimal(repr(float(cell.value)))
        if abs(written - computed["total"]) > TOLERANCE:
            out.add("E006", cell, value=cell.value, expected=computed["total"])
        total = written  # the grade follows the total as written
    cell = cell_of("grade")
    if cell is not None and isinstance(cell.value, str) and cell.value.strip():
        grade = cell.value.strip()
        if grade != scoring.grade(total):
            out.add("E007", cell, grade=grade, total=total, expected=scoring.grade(total))


def _is_number(value: Any) -> bool:
    """A finite number (a formula cell may cache NaN or an infinity: no score to compare)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _formula_cell(rp: ReadProject, anchor: Anchor) -> Cell | None:
    """The cell ``anchor.offset`` columns right of the field or label it is anchored to."""
    if anchor.key:
        key = anchor.key if anchor.part is None else f"{anchor.key}#{anchor.part}"
        base = rp.fields.get(key)
        if base is None:
            return None
        r, c = base.row, base.col + anchor.offset
    else:
        found = _label_position(rp.sheet_rows, anchor.label, anchor.nth)
        if found is None:
            return None
        r, c = found[0], found[1] + anchor.offset
    rows = rp.sheet_rows
    value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
    return Cell(value, r, c)


def _label_position(rows: list[list[Any]], label: str, nth: int) -> tuple[int, int] | None:
    seen = 0
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and norm_label(value) == label:
                if seen == nth:
                    return r, c
                seen += 1
    return None


def _form_identity(rb: ReadWorkbook) -> list[Finding]:
    """A copy of a province's blank form made by ``blank --form`` records that form's labels
    and fingerprint: they are all still there (S016), or some are not (S017)."""
    fingerprint = rb.info.properties.get("form_fingerprint")
    missing = getattr(rb.family, "missing_form_labels", None)
    if not fingerprint or missing is None:
        return []
    form = rb.info.properties.get("form_name", "")
    if not missing:
        return [finding("S016", form=form, fingerprint=fingerprint)]
    shown = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
    return [finding("S017", form=form, fingerprint=fingerprint, missing=shown)]


def _family_findings(rb: ReadWorkbook) -> list[Finding]:
    """What the family reader did with a form of another province: what it mapped and by
    which framework it is checked (S009), every label it kept unchecked (S010), tables it
    could not place (S011), and a list sheet's department line against its projects (M007)."""
    family = rb.family
    detection = family.detection
    out = [
        finding(
            "S009",
            workbook=rb.path.name,
            projects=len(rb.projects),
            fields=sum(len(p.fields) for p in rb.projects),
            indicators=sum(len(p.indicators) for p in rb.projects),
            framework=rb.framework.name,
            reason=detection.reason if detection else "表上没有一级指标名称，按通行体系",
        )
    ]
    for project in family.family_projects:
        name = str(project.value("name") or project.sheet)
        for label, cell in project.unmapped:
            out.append(
                finding(
                    "S010",
                    sheet=project.sheet,
                    cell=cell.ref,
                    project=name,
                    label=label,
                    value=_short(cell.value),
                )
            )
    for sheet in family.sheets:
        for row in sheet.orphan_tables:
            out.append(finding("S011", sheet=sheet.name, cell=f"A{row + 1}", row=row + 1))
        for row, label in sheet.long_term_tables:
            out.append(
                finding("S015", sheet=sheet.name, cell=f"A{row + 1}", row=row + 1, label=label)
            )
        for total in sheet.department_totals:
            stated = _money_value(total.amount.value) if total.amount else None
            amounts = [
                _money_value(p.money.get("total", {}).get("amount", Cell(None, 0, 0)).value)
                for p in sheet.projects
            ]
            known = [a for a in amounts if a is not None]
            if stated is None or not known:
                continue
            s = sum(known, Decimal(0))
            if abs(s - stated) > TOLERANCE:
                assert total.amount is not None
                out.append(
                    finding(
                        "M007",
                        sheet=sheet.name,
                        cell=total.amount.ref,
                        amount_label="预算数",
                        sum=f"{s:,.2f}",
                        stated_label=f"部门合计行「{_short(total.label.value)}」",
                        stated=f"{stated:,.2f}",
                    )
                )
    out.extend(_form_identity(rb))
    return out


def _money_value(value: Any) -> Decimal | None:
    from perfxl.read.money import parse_money

    money = parse_money(value)
    return money.amount if money is not None else None


def _cross_form(rb: ReadWorkbook, result: CheckResult) -> None:
    roles = rb.layout.roles
    if roles.stated_total is None or roles.amount is None:
        return
    stated = None
    for typed in result.typed:
        value = typed.values.get(roles.stated_total)
        if isinstance(value, Decimal):
            stated = value
    amounts = [t.values.get(roles.amount) for t in result.typed]
    if stated is not None and amounts:
        total = sum((a for a in amounts if isinstance(a, Decimal)), Decimal(0))
        if abs(total - stated) > TOLERANCE:
            result.findings.append(
                finding(
                    "M007",
                    amount_label=_label(rb.layout, roles.amount),
                    sum=total,
                    stated_label=_stated_label(rb.layout, roles.stated_total),
                    stated=stated,
                )
            )


# ----------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def _report(p: TypedProject, layout: Layout) -> ProjectReport:
    fields = {k: _json_value(v) for k, v in p.values.items()}
    indicators = []
    level_keys = [c.key for c in layout.indicators.level_columns]
    for ind in p.indicators:
        if not ind.values.get("name") and not ind.values.get("target"):
            continue
        item: dict[str, Any] = {}
        for i, key in enumerate(level_keys, start=1):
            item[f"level{i}"] = ind.values.get(key)
        item["name"] = ind.values.get("name")
        item["target"] = ind.values.get("target")
        item["parsed"] = parse_target(
            ind.values.get("target"), ind.values.get("measure_unit")
        ).as_dict()
        for column in layout.indicators.columns:
            if column.key not in item and column.key not in level_keys:
                item[column.key] = _json_value(ind.values.get(column.key))
        name_cell = ind.cells.get("name")
        item["cell"] = name_cell.ref if name_cell else ""
        indicators.append(item)
    if layout.roles.monitor is not None:
        fields[LIGHTS_FIELD] = _light_counts(p, layout)
    return ProjectReport(p.name, p.sheet, fields, indicators)


LIGHTS_FIELD = "monitor_lights"  # in a monitoring form's report: its lights, counted


def _light_counts(p: TypedProject, layout: Layout) -> dict[str, Any]:
    """A monitoring form's lights as perfxl computes them: the 年度资金总额 row's budget
    light and how many indicators show each colour (merge counts red and yellow per unit)."""
    from perfxl.core import monitoring

    role = layout.roles.monitor
    assert role is not None
    computed = monitoring.project_lights(p, role)
    lights = [
        computed[f"ind_light:{i}"] for i, ind in enumerate(p.indicators) if ind.values.get("name")
    ]
    return {
        "budget": computed.get(f"light:{role.rows[0]}", ""),
        **{colour: lights.count(colour) for colour in monitoring.LIGHTS},
    }


def _stated_label(layout: Layout, key: str) -> str:
    """The label of a document-level field (written once for the whole form)."""
    for data in layout.extra.get("document_fields") or []:
        if data.get("key") == key:
            return str(data.get("label", key))
    return _label(layout, key)
