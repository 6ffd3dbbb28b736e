"""``perfxl next STAGE``: the next stage's workbook of each returned workbook (or definition).

申报 → 批复 (projects, indicators, requested amounts; what the finance office approves is left
to it); 申报 or 批复 → 运行监控; 申报, 批复 or 监控 → 自评 (targets and 年初预算 carried; 实际完成值,
分值 and 得分 left to fill). Carried cells are locked (sheet protection without a password),
the cells to fill stay open, and the workbook records what it carried (record.py) so that
``check`` reports a target or an indicator that differs from the stage it came from.

Indicator levels are carried between frameworks by their lowest category (数量指标, 社会效益…):
the path of the target framework whose last level is that category (through its aliases),
e.g. 产出指标/数量指标 of national-2021 ↔ 产出/项目产出/数量指标 of shandong-2021.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from perfxl.carry.record import CarriedIndicator, CarriedProject, Record, value_text
from perfxl.core.errors import PerfxlError
from perfxl.define.model import Document, Indicator, LoadOptions, Project, load_document
from perfxl.layout.frameworks import Framework
from perfxl.layout.templates import Layout, TemplateSet

# stage -> (target layout, the layouts it may be made from)
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "approval": ("approval", ("declaration",)),
    "monitor": ("monitor", ("declaration", "approval")),
    "self-eval": ("self-eval", ("declaration", "approval", "monitor")),
}
STAGE_NAMES = {"approval": "批复表", "monitor": "运行监控表", "self-eval": "自评表"}
YAML_SUFFIXES = (".yaml", ".yml")
COMMON = ("name", "department", "unit", "annual_goal")  # the same key in every layout
ROWS = ("total", "appropriation", "carryover", "other")  # the money rows of 监控表 and 自评表


@dataclass
class Source:
    """A previous stage's forms, as typed values by field key, from a workbook or a YAML."""

    path: Path
    layout: Layout
    framework: Framework
    year: int
    money_unit: str
    projects: list[tuple[dict[str, Any], list[dict[str, Any]]]]
    sha256: str
    values: dict[str, Any] = field(default_factory=dict)


def read_source(path: Path, templates: TemplateSet) -> Source:
    """Read a returned workbook or a project definition; PerfxlError (a Chinese message naming
    the file) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PerfxlError(f"{path}：错误：无法读取（{exc.strerror or exc}）") from None
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in YAML_SUFFIXES:
        doc = load_document(path, LoadOptions(templates=tuple(templates.dirs[:-1])))
        projects = [(dict(p.values), [dict(i.values) for i in p.indicators]) for p in doc.projects]
        return Source(
            path, doc.layout, doc.framework, doc.year, doc.money_unit, projects, sha, doc.values
        )
    from perfxl.read.convert import typed_project
    from perfxl.read.guard import IntakeError
    from perfxl.read.locate import read_workbook

    try:
        rb = read_workbook(path, templates)
    except (IntakeError, PerfxlError) as exc:
        raise PerfxlError(f"{path}：错误：{exc}") from None
    if rb.family is not None or rb.identified_by == "vocabulary":
        raise PerfxlError(
            f"{path}：错误：这张表不是 perfxl 的表样（按通用词表读出），不能生成下一阶段的表；"
            "请先用 perfxl extract 导出 YAML、核对后再用它生成"
        )
    if rb.year is None:
        raise PerfxlError(f"{path}：错误：读不出年度，无法生成下一阶段的表")
    typed = [typed_project(rp, rb.layout, [], rb.money_unit) for rp in rb.projects]
    projects = [(dict(t.values), [dict(i.values) for i in t.indicators]) for t in typed]
    if not projects:
        raise PerfxlError(f"{path}：错误：工作簿中没有项目表")
    return Source(
        path, rb.layout, rb.framework, rb.year, rb.money_unit or rb.layout.money_unit, projects, sha
    )


def map_levels(levels: tuple[str, ...], source: Framework, target: Framework) -> tuple[str, ...]:
    """An indicator's levels in the target framework, found by its lowest category that the
    target knows (at any depth; the deeper levels are then left empty)."""
    filled = [x for x in levels if x]
    if not filled:
        return ("",) * target.depth
    if source.id == target.id and len(levels) == target.depth:
        return levels
    top = target.resolve(0, filled[0], ()).canonical
    for category in reversed(filled):
        for depth in range(target.depth, 0, -1):
            parents = [p for p in [(), *target.parent_paths()] if len(p) == depth - 1]
            candidates = []
            for parent in parents:
                match = target.resolve(depth - 1, category, parent)
                if match.canonical is not None and match.canonical in target.children(parent):
                    candidates.append((*parent, match.canonical))
            if len(candidates) > 1:  # one category under two branches: the one whose top matches
                candidates = [c for c in candidates if c[0] == top] or candidates
            if candidates:
                found = candidates[0]
                return (*found, *([""] * (target.depth - len(found))))
    return tuple((*filled, *([""] * target.depth))[: target.depth])


def _initial(source: Source, values: dict[str, Any], row: str) -> Decimal | None:
    """年初预算 of a money row (total, appropriation, carryover, other) in the source."""
    layout = source.layout.id
    if layout == "declaration":
        key = {"total": "funds.annual_total"}.get(row, f"funds.annual_{row}")
        value = values.get(key)
    elif layout == "approval":
        value = values.get("funds.amount") if row == "total" else None
    else:  # monitor, self-eval: column 0 of the money row
        money = values.get(f"funds.{row}")
        value = money[0] if isinstance(money, tuple) and money else None
    return value if isinstance(value, Decimal) else None


def _adjusted(source: Source, values: dict[str, Any], row: str) -> Decimal | None:
    if source.layout.roles.monitor is None:
        return None
    money = values.get(f"funds.{row}")
    i = source.layout.roles.monitor.adjusted
    value = money[i] if isinstance(money, tuple) and i < len(money) else None
    return value if isinstance(value, Decimal) else None


def next_document(
    source: Source, stage: str, templates: TemplateSet, month: int | None = None
) -> Document:
    """The next stage's document of ``source``, its carried keys and its record."""
    target_id, allowed = STAGES[stage]
    if source.layout.id not in allowed:
        names = "、".join(templates.layout(a).name for a in allowed)
        raise PerfxlError(
            f"{source.path}：错误：这是{source.layout.name}，不能生成{STAGE_NAMES[stage]}"
            f"（{STAGE_NAMES[stage]}可以由{names}生成）"
        )
    layout = templates.layout(target_id)
    framework = templates.framework(layout.framework)
    source_levels = [c.key for c in source.layout.indicators.level_columns]
    target_levels = [c.key for c in layout.indicators.level_columns]
    carried_keys: set[str] = set()
    projects: list[Project] = []
    record_projects: list[CarriedProject] = []
    for values, indicators in source.projects:
        out: dict[str, Any] = {}
        for key in COMMON:
            if layout.field(key) is not None and values.get(key) not in (None, ""):
                out[key] = values[key]
                carried_keys.add(key)
        if target_id == "approval":
            amount = _initial(source, values, "total")
            if amount is not None:
                out["funds.amount"] = amount
                carried_keys.add("funds.amount")
            for key in ("start", "end"):
                if values.get(key) is not None:
                    out[key] = values[key]
                    carried_keys.add(key)
        else:
            width = len(layout.field("funds.total").parts)  # type: ignore[union-attr]
            for row in ROWS:
                initial = _initial(source, values, row)
                cells: list[Decimal | None] = [None] * width
                cells[0] = initial
                if target_id == "self-eval":
                    cells[1] = _adjusted(source, values, row)  # prefilled, still open
                if initial is not None:
                    carried_keys.add(f"funds.{row}#0")
                if any(c is not None for c in cells):
                    out[f"funds.{row}"] = tuple(cells)
            if target_id == "monitor":
                out["month"] = Decimal(month or 7)
            if target_id == "self-eval":
                out["execution_weight"] = Decimal(10)
        inds: list[Indicator] = []
        carried_inds: list[CarriedIndicator] = []
        for ind in indicators:
            name = value_text(ind.get("name"))
            if not name:
                continue
            levels = map_levels(
                tuple(value_text(ind.get(k)) for k in source_levels), source.framework, framework
            )
            item: dict[str, Any] = dict(zip(target_levels, levels))
            item["name"] = name
            target = ind.get("target")
            if target is not None:
                item["target"] = value_text(target)
            if target_id == "approval" and ind.get("measure_unit"):
                item["measure_unit"] = ind["measure_unit"]
            inds.append(Indicator(values=item))
            carried_inds.append(CarriedIndicator(levels, name, value_text(target)))
        if inds:
            carried_keys.update(f"ind:{k}" for k in (*target_levels, "name", "target"))
        project = Project(values=out, indicators=inds)
        projects.append(project)
        fields = {
            k: value_text(_part(out, k)) for k in sorted(carried_keys) if not k.startswith("ind:")
        }
        fields = {k: v for k, v in fields.items() if v}
        record_projects.append(
            CarriedProject(
                name=project.name,
                fields=fields,
                labels={k: _label(layout, k) for k in fields},
                indicators=tuple(carried_inds),
            )
        )
    record = Record(
        stage=source.layout.name,
        layout=source.layout.id,
        source=source.path.name,
        source_sha256=source.sha256,
        projects=tuple(record_projects),
    )
    doc = Document(
        path=str(source.path),
        layout=layout,
        framework=framework,
        year=source.year,
        money_unit=source.money_unit if target_id != "approval" else layout.money_unit,
        title=None,
        projects=projects,
        values={},
        blank_rows=0,
    )
    if doc.money_unit != source.money_unit:
        _convert_money(doc, source.money_unit)
        for p, carried in zip(doc.projects, record_projects):
            carried.fields.update(
                {k: value_text(_part(p.values, k)) for k in carried.fields if k.startswith("funds")}
            )
    doc.carried = frozenset(carried_keys)
    doc.record = record
    return doc


def _part(values: dict[str, Any], key: str) -> Any:
    base, _, part = key.partition("#")
    value = values.get(base)
    if part:
        i = int(part)
        return value[i] if isinstance(value, tuple) and i < len(value) else None
    return value


def _label(layout: Layout, key: str) -> str:
    base, _, part = key.partition("#")
    spec = layout.field(base)
    if spec is None:
        return key
    if part and spec.parts:
        return f"{spec.label}·{spec.parts[int(part)]}"
    return spec.label


def _convert_money(doc: Document, source_unit: str) -> None:
    """Amounts carried into a form of another money unit (申报 in 元 → 批复 in 万元)."""
    factor = (
        Decimal(10000) if (source_unit, doc.money_unit) == ("万元", "元") else Decimal("0.0001")
    )
    for project in doc.projects:
        for key, value in list(project.values.items()):
            spec = doc.layout.field(key)
            if spec is None or spec.type not in ("money", "money_row"):
                continue
            if isinstance(value, tuple):
                project.values[key] = tuple(v * factor if v is not None else None for v in value)
            elif isinstance(value, Decimal):
                project.values[key] = value * factor


def output_name(source: Path, stage: str, attempt: int = 0) -> str:
    """«source-批复表.xlsx»; «source-批复表(2).xlsx» … when two inputs would share it."""
    suffix = f"({attempt + 1})" if attempt else ""
    return f"{source.stem}-{STAGE_NAMES[stage]}{suffix}.xlsx"


def next_one(
    path: Path,
    stage: str,
    output: Path,
    templates: TemplateSet,
    month: int | None,
    overwrite: bool,
) -> tuple[str, str, int, str | None]:
    """(source, output, projects, error) of one input: its next-stage workbook written to
    ``output`` (already claimed against the inputs by the caller's OutputPlan)."""
    from perfxl.write.workbook import DocumentWriter

    try:
        if output.exists() and not overwrite:
            raise PerfxlError(f"{output}：错误：文件已存在（加 --overwrite 覆盖）")
        source = read_source(path, templates)
        doc = next_document(source, stage, templates, month)
        DocumentWriter(templates).write(doc, output)
    except PerfxlError as exc:
        return str(path), str(output), 0, str(exc)
    except Exception as exc:  # a damaged file must not stop the others
        return str(path), str(output), 0, f"{path}：错误：无法处理（{type(exc).__name__}: {exc}）"
    return str(path), str(output), len(doc.projects), None


def expand_sources(items: list[Path]) -> list[Path]:
    """Files as given; folders contribute their workbooks and definitions, in a stable order."""
    from perfxl.checks.run import WORKBOOK_SUFFIXES

    out: list[Path] = []
    for item in items:
        if item.is_dir():
            out.extend(
                sorted(
                    p
                    for p in item.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in (*WORKBOOK_SUFFIXES, *YAML_SUFFIXES)
                    and not p.name.startswith(("~$", ".~lock"))
                )
            )
        else:
            out.append(item)
    return out
