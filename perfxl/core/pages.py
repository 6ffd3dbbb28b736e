"""Where the printed pages of a sheet end: the print scale and the manual row breaks.

A form printed by the spreadsheet's own pagination loses its shape: a merged 一级/二级 group is
cut in two at the bottom of a page, and the last page holds one lonely row. So the writer
decides the pages itself, from the row heights it has just set and the A4 printable area:

- **scale**: the largest whole percentage at which every column fits one page wide;
- **breaks**: a page ends where the fewest merged groups are cut (between 一级 groups first,
  then between 二级 groups, inside a group only if it is taller than a page), never just
  after a row that only labels the rows below it, and every page holds at least
  :data:`MIN_ROWS` rows of its own;
- printing a few percent smaller (at most 10 %) is preferred to one page more, and a last
  page that would still hold too few rows takes some from the page before.

Excel ignores manual breaks when "fit to page" is on, so the scale is written as a fixed
percentage. Column widths are measured as the widest of the renderers we know: Excel with
Calibri (7 pixels a character) and LibreOffice, which measures the default font's digit and,
where Calibri is missing, draws columns about a third wider (DejaVu Sans, 7 points a
character). Row heights are the writer's own and the same everywhere. LibreOffice's page body
is a little shorter than the margins alone leave (measured: 736–740 of 748 points portrait,
492–496 of 502 landscape), hence :data:`SAFETY`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

A4_POINTS = (595.3, 841.9)  # width, height, portrait
MARGINS_INCH = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.7}
SAFETY = (10.0, 16.0)  # points kept free across and down the page
MIN_ROWS = 3  # rows of its own on every page but the only one
MAX_SHRINK = 0.9  # print at most this much smaller to save a page with too few rows

# What a break before a row costs: the planner takes the cheapest break that fills the page
# best. A break inside a merged label block or just after a heading is a last resort.
FREE = 0
IN_LEVEL1 = 1  # between two 二级 groups of one 一级 group
IN_LEVEL2 = 2  # inside a 二级 group
AVOID = 3  # inside another merged block, or right after a row that labels the next


@dataclass(frozen=True)
class PagePlan:
    scale: int  # percent
    breaks: tuple[int, ...]  # 0-based rows that start a new page
    capacity: float  # points of sheet rows one page holds at ``scale``

    def pages(self, rows: int) -> list[range]:
        starts = [0, *self.breaks]
        ends = [*self.breaks, rows]
        return [range(a, b) for a, b in zip(starts, ends)]


def column_points(width: float) -> float:
    """Printed width of a column ``width`` characters wide, in the widest renderer known."""
    excel = (math.floor(width * 7 + 0.5) + 5) * 0.75
    libreoffice = (width + 5 / 7) * 7.0
    return max(excel, libreoffice)


def body_size(orientation: str) -> tuple[float, float]:
    """Points across and down the printable body of an A4 page."""
    width, height = A4_POINTS
    if orientation == "landscape":
        width, height = height, width
    across = width - 72 * (MARGINS_INCH["left"] + MARGINS_INCH["right"]) - SAFETY[0]
    down = height - 72 * (MARGINS_INCH["top"] + MARGINS_INCH["bottom"]) - SAFETY[1]
    return across, down


def width_scale(widths: Sequence[float], orientation: str) -> int:
    across, _ = body_size(orientation)
    total = sum(column_points(w) for w in widths) or 1.0
    return max(10, min(100, math.floor(100 * across / total)))


def plan_pages(
    widths: Sequence[float],
    heights: Sequence[float],
    orientation: str,
    costs: Sequence[int] | None = None,
    repeat: tuple[int, int] | None = None,
) -> PagePlan:
    """The scale and breaks for a sheet of these column widths and row heights (points).

    ``costs[b]`` is what a break before row ``b`` costs (``FREE`` … ``AVOID``; index 0 is
    unused); ``repeat`` the first and last rows printed again at the top of every page after
    they first appear.
    """
    n = len(heights)
    costs = list(costs) if costs is not None else [FREE] * n
    groups = _groups(costs)
    scale = width_scale(widths, orientation)
    plan = _paginate(heights, costs, groups, repeat, scale, orientation)
    if plan.breaks:
        # a few percent smaller is better than a page more (and than a last page of one row)
        total = sum(heights)
        for smaller in range(scale - 1, max(10, math.ceil(scale * MAX_SHRINK)) - 1, -1):
            if total > len(plan.breaks) * _capacity(smaller, orientation):
                continue  # cannot fit on a page fewer even without repeated headers
            tighter = _paginate(heights, costs, groups, repeat, smaller, orientation)
            if len(tighter.breaks) < len(plan.breaks) and _fair(tighter, n):
                plan = tighter
                break
    if plan.breaks and n - plan.breaks[-1] < MIN_ROWS:
        plan = _lift_last_break(plan, heights, costs, repeat)
    return plan


def _fair(plan: PagePlan, n: int) -> bool:
    return not plan.breaks or all(len(p) >= MIN_ROWS for p in plan.pages(n))


def _capacity(scale: int, orientation: str) -> float:
    return body_size(orientation)[1] * 100 / scale


def _room(
    start: int, capacity: float, heights: Sequence[float], repeat: tuple[int, int] | None
) -> float:
    if repeat is not None and repeat[0] < start:
        return capacity - sum(heights[repeat[0] : repeat[1] + 1])
    return capacity


def _paginate(
    heights: Sequence[float],
    costs: Sequence[int],
    groups: list[list[tuple[int, int]]],
    repeat: tuple[int, int] | None,
    scale: int,
    orientation: str,
) -> PagePlan:
    n = len(heights)
    capacity = _capacity(scale, orientation)
    costs = _effective_costs(heights, costs, groups, _room(n, capacity, heights, repeat))
    breaks: list[int] = []
    start = 0
    while True:
        room = _room(start, capacity, heights, repeat)
        end, used = start, 0.0
        while end < n and (end == start or used + heights[end] <= room):
            used += heights[end]
            end += 1
        if end >= n:
            break
        # a break before row b, start < b <= end: rows start..b-1 fill this page
        candidates = range(start + 1, end + 1)
        full = [b for b in candidates if b - start >= MIN_ROWS] or list(candidates)
        best = min(full, key=lambda b: (costs[b], -b))
        breaks.append(best)
        start = best
    return PagePlan(scale, tuple(breaks), capacity)


def _groups(costs: Sequence[int]) -> list[list[tuple[int, int]]]:
    """For each break position, the rows (first, end) of the group it would cut at each
    depth 1 … its cost: the run of positions around it that cost at least that much."""
    n = len(costs)
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for b in range(1, n):
        for depth in range(1, costs[b] + 1):
            first = b - 1
            while first > 0 and costs[first] >= depth:
                first -= 1
            last = b + 1
            while last < n and costs[last] >= depth:
                last += 1
            out[b].append((first, last))
    return out


def _effective_costs(
    heights: Sequence[float],
    costs: Sequence[int],
    groups: list[list[tuple[int, int]]],
    room: float,
) -> list[int]:
    """Cutting a group that is taller than a whole page cannot be helped: such a cut costs
    what a cut of the enclosing group costs. (Else the planner would leave most of a page
    empty to start a 一级 group on a fresh page that it then has to cut anyway.)"""
    top = [0.0]
    for h in heights:
        top.append(top[-1] + h)
    out = list(costs)
    for b, extents in enumerate(groups):
        for first, last in extents:
            if top[last] - top[first] > room:
                out[b] -= 1  # the group at this depth does not fit a page anyway
            else:
                break
    return out


def _lift_last_break(
    plan: PagePlan,
    heights: Sequence[float],
    costs: Sequence[int],
    repeat: tuple[int, int] | None,
) -> PagePlan:
    """Move the last break up so that the last page holds at least MIN_ROWS rows, where the
    page before keeps as many and the last page still fits."""
    n = len(heights)
    breaks = list(plan.breaks)
    before = breaks[-2] if len(breaks) > 1 else 0
    options = []
    tail = sum(heights[n - MIN_ROWS + 1 :])
    for b in range(n - MIN_ROWS, before + MIN_ROWS - 1, -1):
        tail += heights[b]
        if tail > _room(b, plan.capacity, heights, repeat):
            break
        options.append(b)
    if not options:
        return plan
    breaks[-1] = min(options, key=lambda b: (costs[b], -b))
    return PagePlan(plan.scale, tuple(breaks), plan.capacity)
