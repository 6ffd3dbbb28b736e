"""Generated collection rounds and year pairs for the status and compare tests and benchmarks.

Everything here is plainly synthetic: units are named 「示例…」 from two short word lists,
amounts and indicators are made up. A return is the declaration form a unit would send back,
written by perfxl's own writer with the identity ``blank`` puts into the form it sends.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from perfxl.define.model import Document, load_document_text
from perfxl.define.roster import RosterUnit
from perfxl.layout.templates import template_set
from perfxl.write.blank import unit_properties
from perfxl.write.workbook import DocumentWriter

DISTRICTS = ("东湖", "西山", "南岭", "北塘", "青松", "白沙", "金桥", "玉泉", "石门", "丰乐")
KINDS = (
    "社会保障服务中心",
    "就业促进中心",
    "档案馆",
    "卫生监督所",
    "图书馆",
    "文化馆",
    "农业技术推广站",
    "水利工程管理所",
    "城市管理执法队",
    "老年服务中心",
)
# the indicators of every generated project: (一级, 二级, 三级, target)
INDICATORS = (
    ("产出指标", "数量指标", "服务完成次数", "≥100.00(次)"),
    ("产出指标", "质量指标", "服务达标率", "≥95.00(%)"),
    ("产出指标", "时效指标", "按时完成率", "=100.00(%)"),
    ("成本指标", "经济成本指标", "项目成本控制数", "≤120000.00(元)"),
    ("效益指标", "社会效益指标", "服务覆盖率", "≥90.00(%)"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90.00(%)"),
)
BAD_RATE = "=23000.00(人)"  # a 率 indicator given a count: I012, an error


def roster_units(n: int) -> list[RosterUnit]:
    """``n`` synthetic units (at most 100), each with a department, contact and phone; every
    third has a 单位编码 of the office's own."""
    units = []
    for i in range(n):
        district, kind = DISTRICTS[i // len(KINDS) % len(DISTRICTS)], KINDS[i % len(KINDS)]
        name = f"示例{district}区{kind}"
        if i >= len(DISTRICTS) * len(KINDS):
            name = f"示例{district}区第{i // 100 + 1}{kind}{i:04d}"
        units.append(
            RosterUnit(
                f"示例{district}区主管局",
                name,
                code=f"DW{i:04d}" if i % 3 == 0 else "",
                contact=f"联系人{i:02d}",
                phone=f"0000-{i:07d}",
            )
        )
    return units


def roster_csv(units: Sequence[RosterUnit], path: Path) -> Path:
    lines = ["主管部门,实施单位,单位编码,联系人,电话"]
    lines += [f"{u.department},{u.unit},{u.code},{u.contact},{u.phone}" for u in units]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def project_yaml(
    unit: str,
    department: str,
    project: str,
    *,
    year: int = 2025,
    amount: str = "120000.00",
    goal: str | None = None,
    indicators: Sequence[tuple[str, str, str, str]] = INDICATORS,
) -> str:
    goal = goal or f"{year}年完成{project}的各项工作，服务对象满意度达到90%。"
    rows = "\n".join(f'      - [{a}, {b}, {c}, "{d}"]' for a, b, c, d in indicators)
    return (
        textwrap.dedent(
            f"""\
        layout: declaration
        year: {year}
        department: {department}
        unit: {unit}
        money_unit: 元
        projects:
          - name: {project}
            nature: 经常性项目
            category: 特定目标类
            start: {year}-01-01
            end: {year}-12-31
            funds: {{annual_total: {amount}, annual_appropriation: {amount}, annual_carryover: 0, annual_other: 0}}
            annual_goal: {goal}
            indicators:
        """
        )
        + rows
        + "\n"
    )


@dataclass
class Return:
    """How one returned file differs from a clean form."""

    bad: tuple[int, ...] = ()  # indicators (by index) given BAD_RATE: one I012 error each
    stale_goal: bool = False  # the goal names last year: a T001 warning
    unit_name: str | None = None  # the 实施单位 typed in the form (default: the roster's)
    identity: bool = True  # carries the identity blank writes (False: a form from elsewhere)
    mtime: float | None = None


def unit_form(unit: RosterUnit, spec: Return, year: int = 2025) -> Document:
    indicators = [
        (a, b, c, BAD_RATE if i in spec.bad else d) for i, (a, b, c, d) in enumerate(INDICATORS)
    ]
    goal = (
        f"{year - 1 if spec.stale_goal else year}年完成本单位日常运行工作，服务对象满意度达到90%。"
    )
    text = project_yaml(
        spec.unit_name or unit.unit,
        unit.department,
        f"{unit.unit}日常运行项目",
        year=year,
        goal=goal,
        indicators=indicators,
    )
    doc = load_document_text(text, f"{unit.unit}.yaml")
    if spec.identity:
        doc.properties = unit_properties(unit, [])
    return doc


def write_return(unit: RosterUnit, spec: Return, path: Path) -> Path:
    DocumentWriter(template_set()).write(unit_form(unit, spec), path)
    if spec.mtime is not None:
        os.utime(path, (spec.mtime, spec.mtime))
    return path


# ----------------------------------------------------------------------------------------
# a last-year / this-year pair


def self_eval_yaml(
    unit: str,
    department: str,
    project: str,
    *,
    year: int,
    budget_wan: str,
    goal: str,
    indicators: Sequence[tuple[str, str, str, str, str]],  # + 实际完成值
) -> str:
    weight = Decimal(90) / len(indicators)
    rows = "\n".join(
        f'      - {{level1: {a}, level2: {b}, name: {c}, target: "{d}", actual: "{e}", '
        f"weight: {weight:.2f}, score: {weight:.2f}}}"
        for a, b, c, d, e in indicators
    )
    return textwrap.dedent(
        f"""\
        layout: self-eval
        year: {year}
        department: {department}
        unit: {unit}
        money_unit: 万元
        projects:
          - name: {project}
            funds:
              total: [{budget_wan}, {budget_wan}, {budget_wan}]
              appropriation: [{budget_wan}, {budget_wan}, {budget_wan}]
              carryover: [0, 0, 0]
              other: [0, 0, 0]
            execution_weight: 10
            annual_goal: {goal}
            actual_result: 已完成年度目标。
            indicators:
        """
    ) + rows + "\n"


def _raised(indicators: Sequence[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """The same indicators with every ≥ target a step higher: a changed, stricter set."""
    out = []
    for a, b, c, d in indicators:
        if d.startswith("≥") and d.endswith("(%)"):
            d = f"≥{min(Decimal(d[1:-3]) + 2, Decimal(100)):.2f}(%)"
        elif d.startswith("≥"):
            number, unit = d[1:].split("(")
            d = f"≥{Decimal(number) + 20:.2f}({unit}"
        out.append((a, b, c, d))
    return out


# each planted change: the project's short name → what this year's form does to it
PLANTED = {
    "copied-goal": "C001",  # goal copied word for word
    "near-goal": "C002",  # goal with the year and one word changed
    "same-indicators": "C003",  # every indicator and target as last year
    "lower-target": "C004",  # 服务达标率 ≥95 → ≥90
    "below-actual": "C005",  # last year's 自评 did 98 %, this year's target ≥96
    "money-up": "C006",  # money +50 %, indicators as last year (also C003)
    "dropped": "C007",  # 服务覆盖率 left out
    "renamed": "C008",  # 日常运行项目 → 日常运转项目
    "ended": "C009",  # last year only
    "new": "C010",  # this year only
    "clean": "",  # rewritten goal, raised targets: nothing to say
}


def write_year_pair(base: Path, units: Sequence[RosterUnit] | None = None) -> tuple[Path, Path]:
    """Last year's (2024) and this year's (2025) forms, one unit per planted change, one
    file per unit and year. Returns (last folder, this folder)."""
    units = list(units or roster_units(len(PLANTED)))
    last_dir, this_dir = base / "2024", base / "2025"
    last_dir.mkdir(parents=True, exist_ok=True)
    this_dir.mkdir(parents=True, exist_ok=True)
    writer = DocumentWriter(template_set())
    for unit, case in zip(units, PLANTED):
        name = f"{unit.unit}日常运行项目"
        last_goal = f"2024年完成{unit.unit}的日常运行工作，保障服务正常开展，服务对象满意度达到90%。"
        this_goal = f"2025年在巩固上年成果的基础上扩大{unit.unit}的服务范围，服务对象满意度达到92%。"
        last_inds = list(INDICATORS)
        this_inds = _raised(INDICATORS)
        last_amount, this_amount = "100000.00", "105000.00"
        this_name = name
        if case == "copied-goal":
            this_goal = last_goal
        elif case == "near-goal":
            this_goal = last_goal.replace("2024年", "2025年").replace("保障服务", "确保服务")
        elif case == "same-indicators":
            this_inds = list(INDICATORS)
        elif case == "lower-target":
            this_inds[1] = (*INDICATORS[1][:3], "≥90.00(%)")
        elif case == "money-up":
            this_inds, this_amount = list(INDICATORS), "150000.00"
        elif case == "dropped":
            this_inds = [ind for ind in this_inds if ind[2] != "服务覆盖率"]
        elif case == "renamed":
            this_name = f"{unit.unit}日常运转项目"
        if case == "below-actual":
            actual = {"服务达标率": "98.00(%)"}
            this_inds[1] = (*INDICATORS[1][:3], "≥96.00(%)")
            text = self_eval_yaml(
                unit.unit,
                unit.department,
                name,
                year=2024,
                budget_wan="10.00",
                goal=last_goal,
                indicators=[(*ind, actual.get(ind[2], ind[3].lstrip("≥≤="))) for ind in INDICATORS],
            )
        else:
            text = project_yaml(
                unit.unit, unit.department, name, year=2024, amount=last_amount, goal=last_goal,
                indicators=last_inds,
            )
        if case != "new":
            writer.write(load_document_text(text, f"{case}-2024.yaml"), last_dir / f"{unit.unit}.xlsx")
        if case != "ended":
            doc = load_document_text(
                project_yaml(
                    unit.unit, unit.department, this_name, year=2025, amount=this_amount,
                    goal=this_goal, indicators=this_inds,
                ),
                f"{case}-2025.yaml",
            )
            writer.write(doc, this_dir / f"{unit.unit}.xlsx")
    return last_dir, this_dir
