"""Mid-year monitoring (运行监控) arithmetic, the same as the light formulas of the 监控表.

Field notes §2.1 (the configuration of the provincial monitoring systems):

* budget light: 序时进度 = (1–N月执行数 ÷ 调整后预算数) ÷ (N/12); below 60 % 红, 60–80 % 黄,
  80 % and above 绿; no light while the adjusted budget is not positive or nothing is entered;
* indicator light: the benchmark is 年度指标值 × N/12 for a positive quantity (正向), the
  target itself for a rate (正向（比率）, a target in %: a satisfaction rate does not grow by
  month); progress below 60 % of it 红, 60–80 % 黄, 80–120 % 绿, 120 % and above 蓝; a
  reverse indicator (≤, or = 0) is 绿 while progress stays within the target, else 红;
  a qualitative one is 绿 for 达到, 黄 for 部分达到, 红 for 未达到.

Ratios are rounded half-up to four decimals before they are compared, in Python and in the
formulas alike, so both give the same light at the boundaries.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from perfxl.checks.targets import QUANTITATIVE, is_percent, parse_target

RED, YELLOW, GREEN, BLUE = "红", "黄", "绿", "蓝"
LIGHTS = (RED, YELLOW, GREEN, BLUE)
POSITIVE, RATE, REVERSE, QUALITATIVE = "正向", "正向（比率）", "反向", "定性"
DIRECTIONS = (POSITIVE, RATE, REVERSE, QUALITATIVE)
_FOUR = Decimal("0.0001")
# what Excel's VALUE reads after the formula has dropped "%" and ","
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    return (a / b).quantize(_FOUR, rounding=ROUND_HALF_UP)


def month_of(value: Any, default: int = 7) -> int:
    number = _dec(value)
    if number is None or number != number.to_integral_value() or not 1 <= number <= 12:
        return default
    return int(number)


def direction(target: Any) -> str:
    """指标方向 of a 年度指标值: 正向, 正向（比率）, 反向 or 定性 ("" when there is none)."""
    if target is None or not str(target).strip():
        return ""
    t = parse_target(target)
    if t.kind != QUANTITATIVE or t.value is None:
        return QUALITATIVE
    if t.op in ("≤", "<") or (t.op == "=" and t.value == 0):
        return REVERSE
    return RATE if is_percent(t) else POSITIVE


def target_value(target: Any) -> Decimal | None:
    """The number of a quantitative 年度指标值 (None for a qualitative one)."""
    if target is None or not str(target).strip():
        return None
    t = parse_target(target)
    return t.value if t.kind == QUANTITATIVE else None


DERIVED = {"direction": direction, "target_value": target_value}


def progress_number(text: Any) -> Decimal | None:
    """What the formula's VALUE(SUBSTITUTE(SUBSTITUTE(TRIM(x),"%",""),",","")) gives."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float, Decimal)):
        return _dec(text)
    cleaned = str(text).strip().replace("%", "").replace(",", "")
    return Decimal(cleaned) if _NUMBER.match(cleaned) else None


def budget_light(adjusted: Any, executed: Any, month: Any) -> str:
    budget, spent = _dec(adjusted), _dec(executed)
    if budget is None or budget <= 0 or spent is None:
        return ""
    progress = _ratio(spent / budget, Decimal(month_of(month)) / 12)
    if progress < Decimal("0.6"):
        return RED
    if progress < Decimal("0.8"):
        return YELLOW
    return GREEN


def indicator_light(kind: Any, target: Any, progress: Any, month: Any) -> str:
    """The light of an indicator row from its 指标方向, 目标数值 and 1–N月执行情况."""
    kind = str(kind or "").strip()
    text = "" if progress is None else str(progress).strip()
    if not kind or not text:
        return ""
    if kind == QUALITATIVE:
        if "未达" in text:
            return RED
        if "部分" in text:
            return YELLOW
        return GREEN if "达" in text else ""
    value = progress_number(progress)
    if value is None:
        return ""
    t = _dec(target) or Decimal(0)
    if kind == REVERSE:
        return GREEN if value <= t else RED
    expected = t * Decimal(month_of(month)) / 12 if kind == POSITIVE else t
    if expected <= 0:
        return GREEN
    share = _ratio(value, expected)
    if share < Decimal("0.6"):
        return RED
    if share < Decimal("0.8"):
        return YELLOW
    return GREEN if share < Decimal("1.2") else BLUE


def execution_rate(adjusted: Any, executed: Any) -> Decimal:
    """执行率 (%) = 1–N月执行数 ÷ 调整后预算数 × 100; 0 without a positive budget."""
    budget, spent = _dec(adjusted), _dec(executed) or Decimal(0)
    if budget is None or budget <= 0:
        return Decimal("0.00")
    return (spent / budget * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def indicator_values(ind_values: dict[str, Any], columns: Any) -> tuple[str, Any]:
    """An indicator's 指标方向 and 目标数值: as written, else derived from its target."""
    target = ind_values.get(columns.target)
    kind = ind_values.get(columns.direction) or direction(target)
    number = ind_values.get(columns.target_value)
    if number is None or number == "":
        number = target_value(target)
    return str(kind or ""), number


def project_lights(project: Any, monitor: Any) -> dict[str, Any]:
    """Every value the 监控表's formulas show for a project (``monitor`` is the layout's
    monitor role, :class:`perfxl.layout.roles.Monitor`): ``rate:<row>`` and ``light:<row>``
    per money row, ``ind_light:<i>`` per indicator."""
    if monitor is None:
        return {}
    month = month_of(project.values.get(monitor.month))
    out: dict[str, Any] = {"month": month}
    for key in monitor.rows:
        row = project.values.get(key)
        row = row if isinstance(row, tuple) else ()

        def col(i: int, row: tuple[Any, ...] = row) -> Any:
            return row[i] if i < len(row) else None

        adjusted, executed = col(monitor.adjusted), col(monitor.executed)
        out[f"rate:{key}"] = execution_rate(adjusted, executed)
        out[f"light:{key}"] = budget_light(adjusted, executed, month)
    columns = monitor.columns
    for i, ind in enumerate(project.indicators):
        kind, number = indicator_values(ind.values, columns)
        out[f"ind_light:{i}"] = indicator_light(
            kind, number, ind.values.get(columns.progress), month
        )
    return out
