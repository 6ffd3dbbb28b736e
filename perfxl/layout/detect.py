"""Which indicator framework a form uses, from the 一级/二级 names it actually shows.

A form does not say which framework it follows; its level names do. 成本指标 as a 一级 is the
2021 national framework, 成本指标 under 产出指标 the 2015 one, 产出目标/效果目标 Shanghai's 2020
四目标, 决策/过程/产出/效益 the evaluation framework. Each framework scores one point for every
indicator whose 一级 it knows and one more when the 二级 belongs under that 一级; the best
score wins, and the reason says what decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from perfxl.layout.frameworks import Framework, squash

# When two frameworks explain a form equally well, the one listed first is taken (the
# national 2021 framework is the one in force); before 2021 the 2015 one was.
PREFERENCE = ("national-2021", "national-2015", "shanghai-2020", "shandong-2021", "evaluation")


@dataclass(frozen=True)
class Detection:
    framework: str
    score: float  # share of the level cells the framework explains, 0–1
    reason: str  # in Chinese, for the report


def detect_framework(
    paths: Iterable[Sequence[str | None]],
    frameworks: Sequence[Framework],
    year: int | None = None,
    depth: int | None = None,
) -> Detection | None:
    """The framework that explains the level names of ``paths`` best (each path: the typed
    一级, 二级[, 三级] of one indicator), or None when there are no level names at all."""
    counts: Counter[tuple[str, ...]] = Counter(
        tuple(squash(str(p)) if p else "" for p in path) for path in paths
    )
    rows = {row: n for row, n in counts.items() if any(row)}
    if not rows:
        return None
    order = list(PREFERENCE)
    if year is not None and year < 2021:
        order.remove("national-2015")
        order.insert(0, "national-2015")
    ranked: list[tuple[float, int, Framework]] = []
    for fw in frameworks:
        if depth is not None and fw.depth != depth:
            continue
        points = sum(_points(fw, row) * n for row, n in rows.items())
        possible = sum(min(len([p for p in row if p]), fw.depth) * n for row, n in rows.items())
        rank = order.index(fw.id) if fw.id in order else len(order)
        ranked.append((points / (possible or 1), -rank, fw))
    if not ranked:
        return None
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    score, _, best = ranked[0]
    names = sorted({row[0] for row in rows if row and row[0]})
    reason = f"一级指标为「{'、'.join(names[:6])}」，与「{best.name}」相符的比例为 {score:.0%}"
    if len(ranked) > 1 and ranked[1][0] == score:
        reason += f"（与「{ranked[1][2].name}」同样相符，按通行顺序取前者）"
    return Detection(best.id, round(score, 4), reason)


def _points(fw: Framework, row: tuple[str, ...]) -> int:
    """One point per level of the row that resolves under the levels above it."""
    points = 0
    path: tuple[str, ...] = ()
    for level, typed in enumerate(row[: fw.depth]):
        if not typed:
            break
        match = fw.resolve(level, typed, path)
        if match.canonical is None or not fw.allows(path, match.canonical):
            break
        points += 1
        path = (*path, match.canonical)
    return points
