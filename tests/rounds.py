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
    return textwrap.dedent(
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
    ) + rows + "\n"


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
    goal = f"{year - 1 if spec.stale_goal else year}年完成本单位日常运行工作，服务对象满意度达到90%。"
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
