"""Self-evaluation (自评) arithmetic, the same as the formulas written into the 自评表.

预算执行率 = 全年执行数 / 全年预算数 × 100; its score = min(1, 执行率) × 分数 (the profile's
execution points: 10 nationally, 20 in Hubei); 总分 = that score + the indicators' 得分;
评分等级 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (domain notes §3.2–3.5). Every result is rounded
half-up to two decimals, as Excel's ROUND. What differs by region (the points, the qualitative
bands, the reverse-indicator formula, when a low rate needs a reason) is a :class:`Profile`,
read from templates/profiles/<id>.yaml (docs/profiles.md).
The form's formulas show nothing (an empty text) until what they depend on is entered —
a blank form must not show 0 points and 「差」 — and :func:`shown_scores` says the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
REVERSE_RULES = ("linear", "ratio")
DEFAULT_PROFILE = "national"


@dataclass(frozen=True)
class Profile:
    """A region's scoring rules (templates/profiles/<id>.yaml, docs/profiles.md)."""

    id: str
    name: str
    execution_points: Decimal = Decimal(10)  # the 预算执行率's points
    qualitative_bands: tuple[Decimal, Decimal] = (Decimal(80), Decimal(60))  # % of the weight
    reverse: str = "linear"  # linear: (1 − (a − t)/t)·w; ratio: t/a·w
    reason_below: Decimal | None = Decimal(90)  # 执行率 (%) below which a reason is required
    origin: str = ""

    @property
    def indicator_points(self) -> Decimal:
        """What the indicators' 分值 add up to: 100 less the execution's points."""
        return Decimal(100) - self.execution_points

    def reverse_score(self, target: Decimal, actual: Decimal, weight: Decimal) -> Decimal:
        """The score of a reverse indicator (≤ target) that was exceeded (actual > target)."""
        if target <= 0:
            return Decimal("0.00")
        if self.reverse == "ratio":
            return round2(target / actual * weight)
        if actual < 2 * target:
            return round2((1 - (actual - target) / target) * weight)
        return Decimal("0.00")


NATIONAL = Profile("national", "全国通用")


def profile_from_data(data: Any, origin: str) -> Profile:
    """A profile from its YAML; ValueError with a Chinese message naming what is wrong."""
    if not isinstance(data, dict) or not data.get("id"):
        raise ValueError(f"{origin}：错误：计分规则必须是含 id 的映射")

    def number(key: str, default: Any, value: Any = None) -> Decimal:
        value = data.get(key, default) if value is None else value
        try:
            result = Decimal(str(value))
        except ArithmeticError:
            raise ValueError(f"{origin}：错误：{key} 应是数字，不是「{value}」") from None
        if not result.is_finite() or not 0 <= result <= 100:
            raise ValueError(f"{origin}：错误：{key} 应在 0–100 之间，不是「{value}」")
        return result

    bands = data.get("qualitative_bands", [80, 60])
    if not isinstance(bands, list) or len(bands) != 2:
        raise ValueError(f"{origin}：错误：qualitative_bands 应是两个百分数，如 [80, 60]")
    high, low = (number("qualitative_bands", None, b) for b in bands)
    if not low < high:
        raise ValueError(f"{origin}：错误：qualitative_bands 的第二个数应小于第一个")
    reverse = str(data.get("reverse", "linear"))
    if reverse not in REVERSE_RULES:
        raise ValueError(
            f"{origin}：错误：reverse 只能是 {'、'.join(REVERSE_RULES)}，不是「{reverse}」"
        )
    below = data.get("reason_below", 90)
    return Profile(
        id=str(data["id"]),
        name=str(data.get("name", data["id"])),
        execution_points=number("execution_points", 10),
        qualitative_bands=(high, low),
        reverse=reverse,
        reason_below=None if below is None else number("reason_below", below),
        origin=origin,
    )


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def execution_rate(full_year: Any, executed: Any) -> Decimal:
    """执行率 (%) from 全年预算数 and 全年执行数; 0 when there is no budget."""
    budget, spent = _dec(full_year), _dec(executed)
    if not budget or spent is None:
        return Decimal("0.00")
    return round2(spent / budget * 100)


def execution_score(weight: Any, full_year: Any, executed: Any) -> Decimal:
    """The budget-execution score: linear in the rate, capped at the weight."""
    w, budget, spent = _dec(weight), _dec(full_year), _dec(executed)
    if not w or not budget or spent is None:
        return Decimal("0.00")
    return round2(min(Decimal(1), spent / budget) * w)


def total_score(exec_score: Any, scores: Iterable[Any]) -> Decimal:
    total = _dec(exec_score) or Decimal(0)
    for score in scores:
        value = _dec(score)
        if value is not None:
            total += value
    return round2(total)


def grade(total: Any) -> str:
    value = _dec(total) or Decimal(0)
    for bound, name in GRADES:
        if value >= bound:
            return name
    return "差"


def project_scores(
    project: Any, execution: Any, weight_default: Decimal | None = None
) -> dict[str, Any]:
    """Everything the 自评表's formulas show, computed from a self-evaluation project.

    ``execution`` is the layout's execution role (:class:`perfxl.layout.roles.Execution`):
    which money rows hold the budget and the execution, in which columns, and which field
    the execution's points. A layout without one has no such formulas: nothing to compute.
    Each money row's 执行率 is under ``rate:<its field key>``.
    """
    if execution is None:
        return {}
    budget, executed = execution.budget, execution.executed

    def row(key: str) -> tuple[Any, ...]:
        value = project.values.get(key)
        return value if isinstance(value, tuple) else ()

    def column(values: tuple[Any, ...], i: int) -> Any:
        return values[i] if i < len(values) else None

    total_row = row(execution.total)
    weight = project.values.get(execution.weight)
    weight = (
        (weight_default if weight_default is not None else Decimal(10))
        if weight is None
        else weight
    )
    full_year, spent = column(total_row, budget), column(total_row, executed)
    exec_score = execution_score(weight, full_year, spent)
    scores = [ind.values.get("score") for ind in project.indicators]
    weights = [ind.values.get("weight") for ind in project.indicators]
    total = total_score(exec_score, scores)
    rates = {
        f"rate:{key}": execution_rate(column(row(key), budget), column(row(key), executed))
        for key in execution.rows
    }
    return {
        **rates,
        "execution_weight": weight,
        "execution_rate": execution_rate(full_year, spent),
        "execution_score": exec_score,
        "weight_total": total_score(weight, weights),
        "total": total,
        "grade": grade(total),
    }


def shown_scores(project: Any, execution: Any) -> dict[str, Any]:
    """What the 自评表's formula cells display: :func:`project_scores`, with an empty text
    where a formula shows nothing yet — a rate and its score without a positive 全年预算数,
    the weight total before any indicator's 分值, the total and the grade before any 得分."""
    computed = project_scores(project, execution)
    if not computed:
        return computed

    def has_budget(key: str) -> bool:
        row = project.values.get(key)
        value = (
            row[execution.budget]
            if isinstance(row, tuple) and execution.budget < len(row)
            else None
        )
        budget = _dec(value)
        return budget is not None and budget > 0

    def entered(column: str) -> bool:
        return any(_dec(ind.values.get(column)) is not None for ind in project.indicators)

    shown = dict(computed)
    for key in execution.rows:
        if not has_budget(key):
            shown[f"rate:{key}"] = ""
    if not has_budget(execution.total):
        shown["execution_rate"] = shown["execution_score"] = ""
    if not entered("weight"):
        shown["weight_total"] = ""
    if not entered("score"):
        shown["total"] = shown["grade"] = ""
    return shown
