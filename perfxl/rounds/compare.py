"""``compare``: this year's forms against last year's — what was copied, lowered or dropped.

Both sides are files or folders of any layouts (last year's 申报 or 自评 against this year's
申报, a form read by the vocabulary against a layout's). Each file is read as ``check`` reads
it (over all cores; an unreadable file is listed, never stops the rest) and reduced to its
projects: unit, name, goal text, the project's money in 元, and the indicators with their
targets and, on a 自评, the 实际完成值 — each with its cell.

Projects are paired by unit and name: first **exact** — equal after :func:`status.normalise`
with four-digit years taken out (``2024年征地养老费`` pairs ``2025年征地养老费``) — then
**similar**: within the same unit, the most alike remaining names by difflib ratio ≥ 0.8,
best pair first (C008 lists each). The rest are unpaired (C009 last year's, C010 this year's).

Goal texts are compared after the same normalisation with every year and every punctuation
mark taken out: equal as typed (spaces aside) is C001, equal after that or a difflib ratio ≥
``text_similarity`` (default 0.9) is C002. Indicators are paired by their 三级 name
(normalised). A target is compared with last year's only when both are numbers with the same
unit and both say which way is better: ``≥``/``>`` higher, ``≤``/``<`` lower (not under 成本,
where a bigger budget may lawfully raise a ceiling), ``=`` only for percentages (higher).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from perfxl.core.catalogue import finding
from perfxl.core.parallel import parallel_map
from perfxl.results import (
    CompareFinding,
    CompareResult,
    NotUsed,
    PairedProject,
    Side,
    UnpairedProject,
)
from perfxl.rounds.status import normalise, similarity

DEFAULT_MONEY_SHARE = Decimal("0.2")
DEFAULT_TEXT_SIMILARITY = 0.9
NAME_SIMILARITY = 0.8
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)\s*年?度?")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_HIGHER, _LOWER = ("≥", ">"), ("≤", "<")
_WAN = Decimal(10000)


# ----------------------------------------------------------------------------------------
# reading one side (in worker processes: plain picklable data)


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    target: str
    target_cell: str
    actual: str = ""
    actual_cell: str = ""


@dataclass
class Project:
    file: str
    sheet: str
    unit: str
    department: str
    name: str
    name_cell: str
    layout: str
    goal: str = ""
    goal_cell: str = ""
    goal_label: str = ""
    money: Decimal | None = None  # 元
    money_cell: str = ""
    indicators: list[Indicator] = field(default_factory=list)

    def where(self, cell: str = "") -> str:
        """``文件 工作表!单元格`` as the messages show a place on the other side."""
        place = f"{self.sheet}!{cell}" if cell else self.sheet
        return f"{Path(self.file).name} {place}"


@dataclass
class FileRead:
    path: str
    readable: bool
    reason: str = ""
    layout: str | None = None
    year: int | None = None
    projects: list[Project] = field(default_factory=list)
    skipped: bool = False  # perfxl's own output (an annotated copy, a summary…): not a form


def read_side_file(path: Path, templates: tuple[Path, ...], framework: str | None) -> FileRead:
    """One file's projects as compare needs them; unreadable: the reason as check gives it."""
    from perfxl.checks.run import RunOptions, check_file
    from perfxl.layout.templates import template_set
    from perfxl.read.convert import typed_project
    from perfxl.read.locate import OwnOutput, read_workbook
    from perfxl.read.props import OUTPUT_KINDS

    try:
        rb = read_workbook(path, template_set(templates), framework_id=framework, skip_outputs=True)
    except OwnOutput as exc:
        kind = OUTPUT_KINDS[exc.kind]
        return FileRead(
            str(path),
            True,
            f"「{path.name}」是 perfxl 写出的{kind}，不是交回的表，未对比",
            skipped=True,
        )
    except Exception:  # any failure: the check says why, in its words (R codes), as it does
        report = check_file(path, RunOptions(templates=templates, want_projects=False))
        return FileRead(str(path), False, report.reason() or "无法读取")
    layout = rb.layout
    money_key, money_column = _money_field(layout)
    goal_key = layout.roles.goal
    scale = _WAN if rb.money_unit == "万元" else Decimal(1)
    level_keys = [c.key for c in layout.indicators.level_columns]
    out = FileRead(str(path), True, layout=layout.id, year=rb.year)
    for rp in rb.projects:
        typed = typed_project(rp, layout, [], rb.money_unit)
        values, cells = typed.values, typed.cells

        def text(key: str | None, values: dict[str, Any] = values) -> str:
            value = values.get(key) if key else None
            return str(value).strip() if value is not None else ""

        def ref(key: str | None, cells: dict[str, Any] = cells) -> str:
            cell = cells.get(key) if key else None
            return cell.ref if cell is not None else ""

        project = Project(
            str(path),
            rp.sheet,
            text("unit") or text("department") or path.stem,
            text("department"),
            typed.name,
            ref("name"),
            layout.id,
        )
        if goal_key:
            project.goal, project.goal_cell = text(goal_key), ref(goal_key)
            spec = layout.field(goal_key)
            project.goal_label = spec.label if spec else "绩效目标"
        if money_key:
            value = values.get(money_key)
            cell_key = money_key
            if isinstance(value, tuple):
                value = value[money_column] if money_column < len(value) else None
                cell_key = f"{money_key}#{money_column}"
            if isinstance(value, Decimal):
                project.money = value * scale
                project.money_cell = ref(cell_key)
        for ind in typed.indicators:
            name = str(ind.values.get("name") or "").strip()
            if not name:
                continue
            levels = [str(ind.values.get(k) or "") for k in level_keys] + ["", ""]
            target_cell = ind.cells.get("target")
            actual_cell = ind.cells.get("actual")
            project.indicators.append(
                Indicator(
                    levels[0],
                    levels[1],
                    name,
                    str(ind.values.get("target") or "").strip(),
                    target_cell.ref if target_cell else "",
                    str(ind.values.get("actual") or "").strip(),
                    actual_cell.ref if actual_cell else "",
                )
            )
        out.projects.append(project)
    return out


def _money_field(layout: Any) -> tuple[str | None, int]:
    """The field holding a project's money for this year, and for a money row its column:
    the layout's declared amount, its annual total, its execution budget (自评: 全年预算数),
    else the first money column its cover sums (the current year's when it has one)."""
    roles = layout.roles
    if roles.amount:
        return roles.amount, 0
    annual = roles.sum_group("annual")
    if annual:
        return annual.total, 0
    if roles.execution:
        return roles.execution.total, roles.execution.budget
    columns = [
        c.get("field")
        for c in ((layout.extra.get("cover") or {}).get("columns") or [])
        if isinstance(c, dict) and c.get("total")
    ]
    for key in columns:
        if key and ("current" in key or "annual" in key):
            return key, 0
    if columns and columns[0]:
        return columns[0], 0
    if roles.sums:
        return roles.sums[0].total, 0
    return None, 0


def _crashed(path: Path, exc: BaseException) -> FileRead:
    return FileRead(
        str(path), False, f"「{path.name}」无法读取：读取时进程意外终止（{type(exc).__name__}）"
    )


def read_side(
    paths: Sequence[Path],
    templates: tuple[Path, ...],
    framework: str | None,
    workers: int,
    on_done: Callable[[FileRead], None] | None = None,
) -> list[FileRead]:
    return parallel_map(
        partial(read_side_file, templates=templates, framework=framework),
        list(paths),
        workers,
        on_done,
        on_crash=_crashed,
    )


# ----------------------------------------------------------------------------------------
# pairing


def project_key(name: str) -> str:
    return normalise(_YEAR.sub("", name))


def goal_key(text: str) -> str:
    return _PUNCT.sub("", _YEAR.sub("", normalise(text)))


def _unit_key(project: Project) -> str:
    return normalise(project.unit)


def _alike(a: str, b: str) -> float:
    """difflib's ratio, or 0 when its cheap upper bounds already fall below the threshold
    (most pairs of a large batch are far apart; the full ratio is the costly part)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < NAME_SIMILARITY or matcher.quick_ratio() < NAME_SIMILARITY:
        return 0.0
    return matcher.ratio()


def pair_projects(
    last: Sequence[Project], this: Sequence[Project]
) -> tuple[list[tuple[Project, Project, str, float]], list[Project], list[Project]]:
    """(last, this, "exact" | "similar", ratio) pairs, then the unpaired of each side."""
    pairs: list[tuple[Project, Project, str, float]] = []
    by_key: dict[tuple[str, str], list[Project]] = {}
    for p in last:
        by_key.setdefault((_unit_key(p), project_key(p.name)), []).append(p)
    rest_this: list[Project] = []
    for p in this:
        found = by_key.get((_unit_key(p), project_key(p.name)))
        if found:
            pairs.append((found.pop(0), p, "exact", 1.0))
        else:
            rest_this.append(p)
    rest_last = [p for group in by_key.values() for p in group]
    candidates: list[tuple[float, int, int]] = []
    same_unit: dict[tuple[str, str], bool] = {}
    for i, t in enumerate(rest_this):
        for j, lp in enumerate(rest_last):
            units = (_unit_key(t), _unit_key(lp))
            if units not in same_unit:
                same_unit[units] = units[0] == units[1] or _alike(*units) >= NAME_SIMILARITY
            if not same_unit[units]:
                continue
            ratio = _alike(project_key(t.name), project_key(lp.name))
            if ratio >= NAME_SIMILARITY:
                candidates.append((ratio, i, j))
    used_this: set[int] = set()
    used_last: set[int] = set()
    for ratio, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i in used_this or j in used_last:
            continue
        used_this.add(i)
        used_last.add(j)
        pairs.append((rest_last[j], rest_this[i], "similar", round(ratio, 3)))
    unpaired_last = [p for j, p in enumerate(rest_last) if j not in used_last]
    unpaired_this = [p for i, p in enumerate(rest_this) if i not in used_this]
    order = {id(p): n for n, p in enumerate(this)}
    pairs.sort(key=lambda pair: order[id(pair[1])])
    return pairs, unpaired_last, unpaired_this


# ----------------------------------------------------------------------------------------
# the findings of one pair


@dataclass
class CompareOptions:
    money_share: Decimal = DEFAULT_MONEY_SHARE
    text_similarity: float = DEFAULT_TEXT_SIMILARITY


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.1')).normalize():f}%"


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,f}"


def _indicator_key(ind: Indicator) -> str:
    return normalise(ind.name)


def _direction(target: Any, level1: str, level2: str) -> str | None:
    """Which way is better for a parsed target: "up", "down", or None (not comparable)."""
    if target.kind != "quantitative" or target.value is None:
        return None
    if target.op in _HIGHER:
        return "up"
    if target.op in _LOWER:
        return None if "成本" in level1 or "成本" in level2 else "down"
    if target.op == "=" and target.unit == "%":
        return "up"
    return None


def _laxer(now: Any, before_value: Decimal, direction: str) -> bool:
    return now.value < before_value if direction == "up" else now.value > before_value


def compare_pair(
    last: Project, this: Project, how: str, ratio: float, options: CompareOptions
) -> list[CompareFinding]:
    from perfxl.checks.targets import parse_target

    out: list[CompareFinding] = []

    def add(code: str, this_cell: str, last_cell: str, **fields: Any) -> None:
        f = finding(
            code,
            sheet=this.sheet,
            cell=this_cell,
            project=this.name,
            last=last.where(last_cell),
            **fields,
        )
        out.append(
            CompareFinding(
                f,
                this.unit,
                Side(this.file, this.sheet, this_cell),
                Side(last.file, last.sheet, last_cell),
            )
        )

    if how == "similar":
        add(
            "C008",
            this.name_cell,
            last.name_cell,
            name=this.name,
            last_name=last.name,
            ratio=f"{ratio:.2f}",
        )
    # goal text
    if this.goal and last.goal:
        if re.sub(r"\s+", "", this.goal) == re.sub(r"\s+", "", last.goal):
            add("C001", this.goal_cell, last.goal_cell, label=this.goal_label)
        else:
            a, b = goal_key(this.goal), goal_key(last.goal)
            value = 1.0 if a == b else similarity(a, b)
            if value >= options.text_similarity:
                add(
                    "C002",
                    this.goal_cell,
                    last.goal_cell,
                    label=this.goal_label,
                    ratio=f"{value:.2f}",
                )
    # indicators
    last_by: dict[str, Indicator] = {}
    for ind in last.indicators:
        last_by.setdefault(_indicator_key(ind), ind)
    this_by: dict[str, Indicator] = {}
    for ind in this.indicators:
        this_by.setdefault(_indicator_key(ind), ind)
    same_names = bool(this_by) and set(this_by) == set(last_by)
    same_targets = same_names and all(
        normalise(this_by[k].target) == normalise(last_by[k].target) for k in this_by
    )
    first_this = this.indicators[0].target_cell if this.indicators else ""
    first_last = last.indicators[0].target_cell if last.indicators else ""
    if same_targets:
        add("C003", first_this, first_last, count=len(this_by))
    for key, ind in this_by.items():
        before = last_by.get(key)
        if before is None:
            continue
        now = parse_target(ind.target)
        direction = _direction(now, ind.level1, ind.level2)
        if direction is None:
            continue
        was = parse_target(before.target)
        if _direction(was, before.level1, before.level2) == direction and was.unit == now.unit:
            assert was.value is not None
            if _laxer(now, was.value, direction):
                add(
                    "C004",
                    ind.target_cell,
                    before.target_cell,
                    name=ind.name,
                    target=ind.target,
                    last_target=before.target,
                )
        if before.actual:
            done = parse_target(before.actual)
            if (
                done.kind == "quantitative"
                and done.value is not None
                and (done.unit == now.unit or done.unit is None)
                and _laxer(now, done.value, direction)
            ):
                add(
                    "C005",
                    ind.target_cell,
                    before.actual_cell or before.target_cell,
                    name=ind.name,
                    target=ind.target,
                    actual=before.actual,
                )
    for key, before in last_by.items():
        if key not in this_by:
            add(
                "C007",
                first_this or this.name_cell,
                before.target_cell,
                name=before.name,
                last_target=before.target,
            )
    # money up, indicators not
    if (
        same_targets
        and this.money is not None
        and last.money is not None
        and last.money > 0
        and this.money > last.money * (1 + options.money_share)
    ):
        share = (this.money - last.money) / last.money
        add(
            "C006",
            this.money_cell,
            last.money_cell,
            money=_money(this.money),
            last_money=_money(last.money),
            share=_percent(share),
            limit=_percent(options.money_share),
        )
    return out


def _unpaired_finding(project: Project, side: str) -> CompareFinding:
    if side == "last":
        f = finding(
            "C009",
            sheet=project.sheet,
            cell=project.name_cell,
            last_name=project.name,
            last=project.where(project.name_cell),
        )
        return CompareFinding(
            f, project.unit, None, Side(project.file, project.sheet, project.name_cell)
        )
    f = finding(
        "C010", sheet=project.sheet, cell=project.name_cell, project=project.name, name=project.name
    )
    return CompareFinding(
        f, project.unit, Side(project.file, project.sheet, project.name_cell), None
    )


def build_comparison(
    last_files: Sequence[FileRead],
    this_files: Sequence[FileRead],
    options: CompareOptions,
) -> CompareResult:
    last = [p for f in last_files for p in f.projects]
    this = [p for f in this_files for p in f.projects]
    pairs, unpaired_last, unpaired_this = pair_projects(last, this)
    findings: list[CompareFinding] = []
    paired: list[PairedProject] = []
    for before, now, how, ratio in pairs:
        found = compare_pair(before, now, how, ratio, options)
        findings.extend(found)
        paired.append(
            PairedProject(
                now.unit,
                now.name,
                before.name,
                how,
                ratio,
                Side(now.file, now.sheet, now.name_cell),
                Side(before.file, before.sheet, before.name_cell),
                tuple(sorted({f.finding.code for f in found})),
            )
        )
    unpaired = [
        UnpairedProject("last", p.unit, p.name, Side(p.file, p.sheet, p.name_cell))
        for p in unpaired_last
    ] + [
        UnpairedProject("this", p.unit, p.name, Side(p.file, p.sheet, p.name_cell))
        for p in unpaired_this
    ]
    findings.extend(_unpaired_finding(p, "last") for p in unpaired_last)
    findings.extend(_unpaired_finding(p, "this") for p in unpaired_this)
    not_used = tuple(
        NotUsed(f.path, f.reason) for f in (*last_files, *this_files) if not f.readable
    )
    skipped = tuple(NotUsed(f.path, f.reason) for f in (*last_files, *this_files) if f.skipped)
    return CompareResult(
        tuple(paired),
        tuple(unpaired),
        tuple(findings),
        not_used,
        skipped=skipped,
        last_files=len(last_files),
        this_files=len(this_files),
        money_share=float(options.money_share),
        text_similarity=options.text_similarity,
    )


# ----------------------------------------------------------------------------------------
# output


def compare_tables(result: CompareResult) -> list:
    from perfxl.core.findings import SEVERITY_LABEL
    from perfxl.rounds.tables import Table

    s = result.summary
    issues = Table(
        "对比结果",
        [
            "序号",
            "代码",
            "严重程度",
            "实施单位",
            "项目",
            "本年文件",
            "本年位置",
            "上年文件",
            "上年位置",
            "问题",
            "怎么改",
        ],
        note=(
            f"配对 {s['pairs']} 个项目（其中按名称相近 {s['similar']} 个），上年未配对 "
            f"{s['unpaired_last']} 个、本年未配对 {s['unpaired_this']} 个；问题 {s['findings']} 条；"
            f"资金增幅阈值 {_percent(Decimal(str(result.money_share)))}，目标文字相似度阈值 "
            f"{result.text_similarity:.2f}"
        ),
    )
    for n, item in enumerate(result.findings, start=1):
        f = item.finding
        issues.rows.append(
            [
                n,
                f.code,
                SEVERITY_LABEL[f.severity],
                item.unit,
                f.project or "",
                Path(item.this.file).name if item.this else "",
                item.this.place if item.this else "",
                Path(item.last.file).name if item.last else "",
                item.last.place if item.last else "",
                f.message,
                f.hint,
            ]
        )
        issues.marks.append("warn" if f.severity == "warning" else "")
    pairs = Table(
        "项目配对",
        [
            "序号",
            "实施单位",
            "本年项目",
            "上年项目",
            "配对方式",
            "相似度",
            "本年文件",
            "上年文件",
            "问题代码",
        ],
    )
    for n, p in enumerate(result.pairs, start=1):
        pairs.rows.append(
            [
                n,
                p.unit,
                p.name,
                p.last_name,
                "名称相同" if p.match == "exact" else "名称相近",
                p.similarity,
                Path(p.this.file).name,
                Path(p.last.file).name,
                "、".join(p.codes),
            ]
        )
        pairs.marks.append("warn" if p.match == "similar" else "")
    unpaired = Table("未配对", ["序号", "年度", "实施单位", "项目", "文件", "工作表"])
    for n, u in enumerate(result.unpaired, start=1):
        unpaired.rows.append(
            [n, "上年" if u.side == "last" else "本年", u.unit, u.name, u.where.file, u.where.sheet]
        )
    unread = Table("无法读取", ["序号", "文件", "原因"])
    for n, unused in enumerate((*result.not_used, *result.skipped), start=1):
        unread.rows.append([n, unused.path, unused.reason])
    return [issues, pairs, unpaired, unread]


def compare_text(result: CompareResult) -> str:
    s = result.summary
    lines = [
        f"配对 {s['pairs']} 个项目（按名称相近 {s['similar']} 个），上年未配对 {s['unpaired_last']} 个，"
        f"本年未配对 {s['unpaired_this']} 个；警告 {s['warnings']} 条，提示 {s['infos']} 条。"
    ]
    for item in result.findings:
        lines.append(f"  {item.finding.code} {item.finding.format()}")
    for unused in result.not_used:
        lines.append(f"无法读取：{unused.path}：{unused.reason}")
    for unused in result.skipped:
        lines.append(f"未对比：{unused.reason}")
    for path in result.written:
        lines.append(f"已写出 {path}")
    return "\n".join(lines)
