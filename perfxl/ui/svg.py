"""Inline SVG charts for the page: drawn here, no chart library, no script, no network.

The same three charts as the summary workbook's 图表 sheet (perfxl/merging/charts.py): bars
of money per unit, stacked bars of errors and warnings per unit, and the share of
quantitative indicators. Every text is escaped; sizes are in user units so the browser
scales the chart to the column it sits in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 720
LABEL_W = 250
BAR_H = 22
GAP = 8
TOP = 34
BLUE, LIGHT, GREY, RED, YELLOW = "#2f6eba", "#8db3e2", "#bbbbbb", "#c0392b", "#e0a800"


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _frame(title: str, height: int, body: list[str], label: str) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="20" class="chart-title">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")


def bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[float]]],
    legend: Sequence[str],
    colors: Sequence[str] = (BLUE, YELLOW),
) -> Markup:
    """Horizontal bars, one row per label; several values per row are stacked."""
    if not rows:
        return _frame(title, 60, ['<text x="0" y="50">（没有数据）</text>'], title)
    top_value = max((sum(v) for _, v in rows), default=0) or 1
    plot_w = WIDTH - LABEL_W - 90
    height = TOP + len(rows) * (BAR_H + GAP) + (28 if len(legend) > 1 else 8)
    body: list[str] = []
    for i, (label, values) in enumerate(rows):
        y = TOP + i * (BAR_H + GAP)
        body.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
        x = float(LABEL_W)
        for j, value in enumerate(values):
            w = plot_w * value / top_value
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" '
                    f'fill="{colors[j % len(colors)]}"><title>{escape(label)}：'
                    f"{escape(legend[j] if j < len(legend) else '')} {_number(value)}</title></rect>"
                )
            x += w
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR_H * 0.7:.1f}" class="chart-value">'
            f"{escape(' / '.join(_number(v) for v in values))}</text>"
        )
    if len(legend) > 1:
        y = height - 12
        for j, name in enumerate(legend):
            x = LABEL_W + j * 110
            body.append(
                f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colors[j % len(colors)]}"/>'
                f'<text x="{x + 18}" y="{y}">{escape(name)}</text>'
            )
    return _frame(title, height, body, title)


def share(
    title: str, parts: Sequence[tuple[str, int]], colors: Sequence[str] = (BLUE, LIGHT, GREY)
) -> Markup:
    """A ring of the parts' shares, with a legend of counts and percentages."""
    total = sum(v for _, v in parts)
    if not total:
        return _frame(title, 60, ['<text x="0" y="50">（没有数据）</text>'], title)
    cx, cy, r = 110, 130, 80
    body: list[str] = []
    angle = -math.pi / 2
    for j, (_name, value) in enumerate(parts):
        if not value:
            continue
        sweep = 2 * math.pi * value / total
        color = colors[j % len(colors)]
        if value == total:
            body.append(
                f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{color}" stroke-width="40"/>'
            )
        else:
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            body.append(
                f'<path d="M {x1:.2f} {y1:.2f} A {r} {r} 0 {large} 1 {x2:.2f} {y2:.2f}" '
                f'fill="none" stroke="{color}" stroke-width="40"/>'
            )
        angle += sweep
    main = parts[0][1] / total
    body.append(
        f'<text x="{cx}" y="{cy + 8}" text-anchor="middle" class="chart-big">{main:.0%}</text>'
    )
    for j, (name, value) in enumerate(parts):
        y = 80 + j * 30
        body.append(
            f'<rect x="260" y="{y - 12}" width="14" height="14" fill="{colors[j % len(colors)]}"/>'
            f'<text x="282" y="{y}">{escape(name)}：{value} 个（{value / total:.1%}）</text>'
        )
    return _frame(title, 240, body, title)
