"""A form read by the family reader, in the shape every check reads: a layout and its projects.

The family reader returns what it found under canonical keys (``templates/family/
vocabulary.yaml``). Here those keys become a layout of their own — ``family`` — with a field
for every canonical header field and money cell, the indicator columns the form has, and the
roles the checks read (the money sums, the goal, the dates), so that a form from any province
is checked by the same rules as one of ours, without a line of Python per province.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from perfxl.layout.detect import Detection, detect_framework
from perfxl.layout.frameworks import Framework
from perfxl.layout.templates import Layout, TemplateSet, layout_from_data
from perfxl.read.family import FamilyProject, FamilySheet, Vocabulary
from perfxl.read.locate import Cell, ReadIndicator, ReadProject

FAMILY_LAYOUT = "family"
LEVEL_KEYS = ("level1", "level2", "level3", "level4")
# the money lines that add up to the total, whichever of them a form has
SUM_PARTS = ("fiscal", "carryover", "other", "special_account", "unit_funds")
MONEY_COLUMNS = (
    "amount", "budget", "adjusted", "executed", "forecast", "rate", "weight", "score", "reason",
)  # fmt: skip


def money_key(line: str, column: str) -> str:
    """The field key of one money cell: ``funds.total`` (a single amount) or
    ``funds.total.budget`` (a column of a money table)."""
    return f"funds.{line}" if column == "amount" else f"funds.{line}.{column}"


@dataclass
class FamilyRead:
    """Everything the family reader made of one workbook."""

    layout: Layout
    framework: Framework
    detection: Detection | None
    projects: list[ReadProject]
    sheets: list[FamilySheet]
    family_projects: list[FamilyProject] = field(default_factory=list)
    money_unit: str | None = None
    year: int | None = None
    # for a copy of a province's blank form (blank --form), the labels of that form it no
    # longer shows (read/family.py: missing_labels); None for any other workbook
    missing_form_labels: list[str] | None = None


def read_family(
    sheets: Sequence[FamilySheet],
    templates: TemplateSet,
    vocab: Vocabulary,
    year: int | None,
    framework_id: str | None = None,
) -> FamilyRead:
    """The layout, framework and projects of a workbook whose sheets the family reader read;
    the framework is the one its level names show, or ``framework_id`` when given."""
    family = [p for s in sheets for p in s.projects]
    depth = max((len(p.level_keys) for p in family), default=2) or 2
    frameworks = [templates.framework(i) for i in templates.framework_ids()]
    paths = [tuple(ind.value(k) for k in p.level_keys) for p in family for ind in p.indicators]
    year = year or next((s.year for s in sheets if s.year), None)
    detection = detect_framework(paths, frameworks, year, depth=depth) or detect_framework(
        paths, frameworks, year
    )
    if framework_id is not None:
        framework = templates.framework(framework_id)
        detection = Detection(framework_id, 1.0, "按指定的指标体系（--framework）")
    else:
        framework = templates.framework(detection.framework if detection else "national-2021")
    units = [p.money_unit for p in family if p.money_unit]
    money_unit = units[0] if units else None
    present = tuple(
        sorted({k for p in family for ind in p.indicators for k in ind.cells} - set(LEVEL_KEYS))
    )
    layout = family_layout(vocab, framework.depth, framework.id, money_unit or "元", present)
    projects = [to_read_project(p, layout) for p in family]
    return FamilyRead(
        layout, framework, detection, projects, list(sheets), family, money_unit, year
    )


def to_read_project(project: FamilyProject, layout: Layout) -> ReadProject:
    fields: dict[str, Cell] = dict(project.fields)
    for line, columns in project.money.items():
        for column, cell in columns.items():
            key = money_key(line, column)
            if layout.field(key) is not None:
                fields[key] = cell
    depth = len([c for c in layout.indicators.level_columns])
    indicators = []
    for ind in project.indicators:
        cells = dict(ind.cells)
        # a form with fewer levels than the framework leaves the lower ones empty
        for key in LEVEL_KEYS[depth:]:
            cells.pop(key, None)
        indicators.append(ReadIndicator(cells, set(ind.filled_down), ind.row))
    return ReadProject(
        sheet=project.sheet,
        fields=fields,
        indicators=indicators,
        missing_labels=[],
        table_found=project.table_found,
        sheet_rows=[],
        form_width=0,
    )


def summary_layout(templates: TemplateSet) -> Layout:
    """The family layout with every column, for a summary that merges forms read by the
    vocabulary with others: the fields and amounts it lists are those of any such form."""
    from perfxl.read.family import load_vocabulary

    vocab = load_vocabulary(templates.dirs)
    return family_layout(vocab, 2, "national-2021", "元", tuple(vocab.labels.get("indicator", {})))


@functools.lru_cache(maxsize=32)
def family_layout(
    vocab: Vocabulary,
    depth: int,
    framework_id: str,
    money_unit: str,
    present: tuple[str, ...] = ("name", "target"),
) -> Layout:
    """The layout of forms read by vocabulary: every canonical field, the money cells, the
    indicator columns the form has (``present``, with 指标名称 and 指标值 always: a form
    without them lacks what every form needs) under ``depth`` levels, and the roles the
    checks read. Only a form with a 得分 column is checked as a self-evaluation."""
    labels = vocab.labels
    field_types = vocab.types.get("field", {})
    fields: list[dict[str, Any]] = [
        {
            "key": key,
            "label": label,
            "type": field_types.get(key, "text"),
            "required": key == "name",
        }
        for key, label in labels.get("field", {}).items()
    ]
    column_types = vocab.types.get("money_column", {})
    column_labels = labels.get("money_column", {})
    for line, line_label in {
        **labels.get("money_field", {}),
        **labels.get("money_line", {}),
    }.items():
        for column in MONEY_COLUMNS:
            suffix = "" if column == "amount" else f"（{column_labels.get(column, column)}）"
            fields.append(
                {
                    "key": money_key(line, column),
                    "label": f"{line_label}{suffix}",
                    "type": column_types.get(column, "text"),
                }
            )
    indicator_types = vocab.types.get("indicator", {})
    indicator_labels = labels.get("indicator", {})
    columns: list[dict[str, Any]] = [
        {"key": key, "label": indicator_labels.get(key, key), "type": "level", "level": i + 1}
        for i, key in enumerate(LEVEL_KEYS[:depth])
    ]
    wanted = set(present) | {"name", "target"}
    for key, label in {**indicator_labels, "value": "指标值（数值）"}.items():
        if key in LEVEL_KEYS or key not in wanted:
            continue
        columns.append(
            {
                "key": key,
                "label": label,
                "type": indicator_types.get(key, "text"),
                "required": key in ("name", "target"),
            }
        )
    keys = {f["key"] for f in fields}
    sums = [
        {
            "total": money_key("total", column),
            "parts": [money_key(p, column) for p in SUM_PARTS if money_key(p, column) in keys],
            **({"of": "annual"} if column == "amount" else {}),
        }
        for column in ("amount", "budget", "adjusted", "executed")
    ]
    data = {
        "id": FAMILY_LAYOUT,
        "version": "1.0",
        "name": "按栏目名称读取的表格（通用）",
        "title": "项目支出绩效目标表",
        "framework": framework_id,
        "money_unit": money_unit,
        "fields": fields,
        "indicators": {"label": "绩效指标", "required": True, "columns": columns},
        # the amount a summary shows for each project, the first of these the form has
        # (merging/summary.py): its single amount, else the full-year budget of its table
        "summary_amount": [
            money_key("total", column) for column in ("amount", "adjusted", "budget")
        ],
        "roles": {
            "start": "start",
            "end": "end",
            "sums": sums,
            "goal_texts": ["annual_goal", "overall_goal"],
            "goal": "annual_goal",
        },
    }
    return layout_from_data(data, "templates/family/vocabulary.yaml", "")
