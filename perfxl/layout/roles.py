"""What a layout's fields mean to the checks: the roles declared under ``roles:`` in layout.yaml.

The checks and the self-evaluation arithmetic never read a field by its key; they ask the
layout which field is a total and which are its parts, which text is the goal, which money
row holds the budget and the execution, and which formula cells (by their ``id`` in
sheet.yaml.j2) show the results. A new layout is checked without Python by declaring these
(docs/layouts.md). Keys here are field keys of the same layout; a role naming an unknown
field is the layout author's error, reported in Chinese when the layout is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from perfxl.core.errors import TemplateError

# what a sum group adds up: decides its finding (M001 annual, M002 project, M009 any other;
# a group of money rows is compared column by column, M005)
SUM_KINDS = ("annual", "project", "")
FORMULA_CELLS = ("rate", "score", "total", "grade")


@dataclass(frozen=True)
class SumGroup:
    total: str
    parts: tuple[str, ...]
    of: str = ""  # "annual" | "project" | "" (see SUM_KINDS)


@dataclass(frozen=True)
class Execution:
    """The self-evaluation's budget execution: a money row per source of funds."""

    total: str  # the money row of all funds (年度资金总额)
    rows: tuple[str, ...]  # every money row whose 执行率 the form shows, the total first
    budget: int  # column of a money row holding the full-year budget (全年预算数)
    executed: int  # column holding the full-year execution (全年执行数)
    weight: str  # the number field holding the execution's points (分数)
    cells: dict[str, str] = field(default_factory=dict)  # rate/score/total/grade -> cell id


@dataclass(frozen=True)
class MonitorColumns:
    """The monitoring form's indicator columns, by their keys."""

    target: str  # 年度指标值 (carried from the approval)
    direction: str  # 指标方向 (derived from the target)
    target_value: str  # 目标数值 (derived from the target)
    progress: str  # 1–N月执行情况
    forecast: str  # 全年预计完成情况
    light: str  # the indicator light (a formula)
    reasons: tuple[str, ...]  # the 偏差原因 tick columns
    explanation: str  # 原因说明
    possibility: str  # 完成目标可能性


@dataclass(frozen=True)
class Monitor:
    """The mid-year monitoring form: its month, its money rows and its indicator columns."""

    month: str  # the number field holding the month N (1–12)
    rows: tuple[str, ...]  # money rows, one per 资金来源, the total first
    initial: int  # column of a money row holding 年初预算
    adjustment: int  # column holding 调整预算数
    adjusted: int  # column holding 调整后预算数
    executed: int  # column holding 1–N月执行数
    reason: str | None  # the text explaining a budget light that is red or yellow
    cells: dict[str, str]  # money row key -> id of its budget-light formula cell
    columns: MonitorColumns


MONITOR_COLUMNS = (
    "target",
    "direction",
    "target_value",
    "progress",
    "forecast",
    "light",
    "reasons",
    "explanation",
    "possibility",
)


@dataclass(frozen=True)
class Roles:
    start: str | None = None  # the planned start date (F003, F004)
    end: str | None = None  # the planned completion date
    sums: tuple[SumGroup, ...] = ()
    goal_texts: tuple[str, ...] = ()  # texts whose years must be the form's (T001)
    goal: str | None = None  # the goal text compared with the indicators (T003)
    amount: str | None = None  # each project's amount, summed across the form (M007)
    stated_total: str | None = None  # a document field stating that sum (M007)
    execution: Execution | None = None
    monitor: Monitor | None = None
    # fields that only copy what the original form printed (its computed results): read and
    # kept for comparison, never required nor merged
    reported: tuple[str, ...] = ()

    def sum_group(self, of: str) -> SumGroup | None:
        return next((g for g in self.sums if g.of == of), None)


def roles_from_data(data: Any, origin: str, known: Callable[[str], str | None]) -> Roles:
    """Parse ``roles:``; ``known(key)`` gives a field's type, None when the layout has none."""
    if data is None:
        return Roles()
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}：错误：roles 必须是一个映射")
    allowed = {
        "start",
        "end",
        "sums",
        "goal_texts",
        "goal",
        "amount",
        "stated_total",
        "execution",
        "monitor",
        "reported",
    }
    for key in data:
        if key not in allowed:
            raise TemplateError(
                f"{origin}：错误：roles 中的「{key}」未知（可用：{'、'.join(sorted(allowed))}）"
            )

    def field_key(value: Any, where: str, types: Iterable[str] = ()) -> str:
        key = str(value)
        ftype = known(key)
        if ftype is None:
            raise TemplateError(f"{origin}：错误：roles.{where} 指向的字段「{key}」不存在")
        wanted = tuple(types)
        if wanted and ftype not in wanted:
            raise TemplateError(
                f"{origin}：错误：roles.{where} 的字段「{key}」类型是 {ftype}，应是 {'/'.join(wanted)}"
            )
        return key

    def optional(name: str, types: Iterable[str]) -> str | None:
        return field_key(data[name], name, types) if data.get(name) is not None else None

    def key_list(value: Any, where: str, types: Iterable[str]) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise TemplateError(f"{origin}：错误：roles.{where} 必须是非空的字段列表")
        return tuple(field_key(v, where, types) for v in value)

    sums = []
    for i, group in enumerate(data.get("sums") or []):
        where = f"sums[{i + 1}]"
        if not isinstance(group, dict) or "total" not in group or "parts" not in group:
            raise TemplateError(f"{origin}：错误：roles.{where} 必须含 total 和 parts")
        of = str(group.get("of") or "")
        if of not in SUM_KINDS:
            raise TemplateError(
                f"{origin}：错误：roles.{where}.of「{of}」未知（可用：annual、project）"
            )
        total = field_key(group["total"], f"{where}.total", ("money", "money_row"))
        parts = key_list(group["parts"], f"{where}.parts", (str(known(total)),))
        sums.append(SumGroup(total, parts, of))
    return Roles(
        start=optional("start", ("date",)),
        end=optional("end", ("date",)),
        sums=tuple(sums),
        goal_texts=key_list(data["goal_texts"], "goal_texts", ("longtext", "text"))
        if data.get("goal_texts")
        else (),
        goal=optional("goal", ("longtext", "text")),
        amount=optional("amount", ("money",)),
        stated_total=optional("stated_total", ("money",)),
        execution=_execution(data.get("execution"), origin, field_key, key_list),
        reported=key_list(data["reported"], "reported", ()) if data.get("reported") else (),
        monitor=_monitor(data.get("monitor"), origin, field_key, key_list),
    )


def _monitor(data: Any, origin: str, field_key: Any, key_list: Any) -> Monitor | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}：错误：roles.monitor 必须是一个映射")
    for key in ("month", "rows", "initial", "adjustment", "adjusted", "executed", "columns"):
        if key not in data:
            raise TemplateError(f"{origin}：错误：roles.monitor 缺少「{key}」")
    rows = key_list(data["rows"], "monitor.rows", ("money_row",))
    try:
        initial, adjustment, adjusted, executed = (
            int(data[k]) for k in ("initial", "adjustment", "adjusted", "executed")
        )
    except (TypeError, ValueError):
        raise TemplateError(
            f"{origin}：错误：roles.monitor 的 initial、adjustment、adjusted、executed 是金额行的列号（从 0 起）"
        ) from None
    cols = data["columns"]
    if not isinstance(cols, dict) or any(k not in cols for k in MONITOR_COLUMNS):
        raise TemplateError(
            f"{origin}：错误：roles.monitor.columns 必须含 {'、'.join(MONITOR_COLUMNS)}（指标表的列键）"
        )
    reasons = cols["reasons"]
    if not isinstance(reasons, list) or not reasons:
        raise TemplateError(f"{origin}：错误：roles.monitor.columns.reasons 必须是非空的列键列表")
    cells = data.get("cells") or {}
    if not isinstance(cells, dict) or any(str(k) not in rows for k in cells):
        raise TemplateError(
            f"{origin}：错误：roles.monitor.cells 的键是 rows 中的金额行，值是预算执行灯公式单元格的 id"
        )
    return Monitor(
        month=field_key(data["month"], "monitor.month", ("number",)),
        rows=rows,
        initial=initial,
        adjustment=adjustment,
        adjusted=adjusted,
        executed=executed,
        reason=field_key(data["reason"], "monitor.reason", ("longtext", "text"))
        if data.get("reason")
        else None,
        cells={str(k): str(v) for k, v in cells.items()},
        columns=MonitorColumns(
            **{k: str(cols[k]) for k in MONITOR_COLUMNS if k != "reasons"},
            reasons=tuple(str(r) for r in reasons),
        ),
    )


def _execution(data: Any, origin: str, field_key: Any, key_list: Any) -> Execution | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TemplateError(f"{origin}：错误：roles.execution 必须是一个映射")
    for key in ("total", "budget", "executed", "weight"):
        if key not in data:
            raise TemplateError(f"{origin}：错误：roles.execution 缺少「{key}」")
    cells = data.get("cells") or {}
    if not isinstance(cells, dict) or any(k not in FORMULA_CELLS for k in cells):
        raise TemplateError(
            f"{origin}：错误：roles.execution.cells 只能含 {'、'.join(FORMULA_CELLS)}，值是单元格的 id"
        )
    total = field_key(data["total"], "execution.total", ("money_row",))
    rows = key_list(data.get("rows") or [total], "execution.rows", ("money_row",))
    try:
        budget, executed = int(data["budget"]), int(data["executed"])
    except (TypeError, ValueError):
        raise TemplateError(
            f"{origin}：错误：roles.execution 的 budget 和 executed 是金额行的列号（从 0 起）"
        ) from None
    return Execution(
        total=total,
        rows=rows if rows[0] == total else (total, *rows),
        budget=budget,
        executed=executed,
        weight=field_key(data["weight"], "execution.weight", ("number",)),
        cells={str(k): str(v) for k, v in cells.items()},
    )


# ----------------------------------------------------------------------------------------
# formula cells by id, as placed in the layout's sheet description


@dataclass(frozen=True)
class Anchor:
    """Where a formula cell stands, relative to something the reader finds in any returned
    sheet: a field of the same row (``key`` and ``part``), else the row's label (``label``,
    its ``nth`` occurrence); ``offset`` columns to the right of it."""

    offset: int
    key: str = ""
    part: int | None = None
    label: str = ""
    nth: int = 0


def formula_anchors(cells: Iterable[Any], norm: Callable[[Any], str]) -> dict[str, Anchor]:
    """Anchors of every formula cell with an ``id`` among placed cells (sheetspec.Placed)."""
    placed = sorted(cells, key=lambda c: (c.row, c.col))
    seen: dict[str, int] = {}
    nth: dict[int, int] = {}
    for cell in placed:
        if cell.kind == "text" and norm(cell.data.get("text")):
            text = norm(cell.data["text"])
            nth[id(cell)] = seen.get(text, 0)
            seen[text] = seen.get(text, 0) + 1
    anchors: dict[str, Anchor] = {}
    for cell in placed:
        if cell.kind != "formula" or not cell.data.get("id"):
            continue
        left = [c for c in placed if c.row == cell.row and c.col < cell.col]
        fields = [c for c in left if c.kind == "field"]
        labels = [c for c in left if c.kind == "text" and norm(c.data.get("text"))]
        if fields:
            near = fields[-1]
            part = near.data.get("part")
            anchors[str(cell.data["id"])] = Anchor(
                cell.col - near.col,
                key=str(near.data["field"]),
                part=int(part) if part is not None else None,
            )
        elif labels:
            near = labels[-1]
            anchors[str(cell.data["id"])] = Anchor(
                cell.col - near.col, label=norm(near.data["text"]), nth=nth[id(near)]
            )
    return anchors


def require_cells(roles: Roles, anchors: dict[str, Anchor], origin: str) -> None:
    """Every formula cell id the roles name is a formula cell of the sheet description."""
    if roles.monitor is not None:
        for row, cell_id in roles.monitor.cells.items():
            if cell_id not in anchors:
                raise TemplateError(
                    f"{origin}：错误：roles.monitor.cells.{row} 指向的公式单元格 id「{cell_id}」"
                    f"在 sheet.yaml.j2 中不存在（可用：{'、'.join(anchors) or '无'}）"
                )
    if roles.execution is None:
        return
    for role, cell_id in roles.execution.cells.items():
        if cell_id not in anchors:
            raise TemplateError(
                f"{origin}：错误：roles.execution.cells.{role} 指向的公式单元格 id「{cell_id}」"
                f"在 sheet.yaml.j2 中不存在（可用：{'、'.join(anchors) or '无'}）"
            )
