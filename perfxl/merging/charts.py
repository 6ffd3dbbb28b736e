"""The 图表 sheet of the summary: the round at a glance, as native Excel charts.

Three charts, the same the local page draws (perfxl/ui): money per unit, findings (errors and
warnings) per unit, and the share of quantitative indicators. Each chart reads a small table
written on the 图表 sheet itself, so the charts stay right when someone sorts or filters the
big tables, and Excel, WPS and LibreOffice all draw them (they are ordinary chart parts, no
macro, no add-in).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHART_SHEET = "图表"
KIND_LABELS = {"quantitative": "定量", "qualitative": "定性", "other": "未能判断"}


@dataclass(frozen=True)
class GroupFigures:
    """One unit (or department) of the summary: what its charts and totals show."""

    name: str
    projects: int
    amount: float  # the projects' headline amount (项目金额), in the summary's money unit
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "projects": self.projects,
            "amount": self.amount,
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class SummaryFigures:
    """The figures behind the charts: per group, and the indicators by kind."""

    group_label: str
    money_unit: str
    groups: tuple[GroupFigures, ...] = ()
    indicator_kinds: dict[str, int] = field(default_factory=dict)  # keys of KIND_LABELS

    @property
    def amount(self) -> float:
        return sum(g.amount for g in self.groups)

    @property
    def quantitative_share(self) -> float | None:
        total = sum(self.indicator_kinds.values())
        return self.indicator_kinds.get("quantitative", 0) / total if total else None


def write_chart_sheet(workbook: Any, figures: SummaryFigures, fmt: dict[str, Any]) -> None:
    """Add the 图表 sheet to an XlsxWriter workbook: the tables the charts read, then the
    charts beside them. A summary with nothing merged gets the sheet with a sentence."""
    ws = workbook.add_worksheet(CHART_SHEET)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 4, 14)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)
    unit = figures.money_unit
    ws.write_row(
        0, 0, [figures.group_label, f"项目金额（{unit}）", "错误", "警告", "项目数"], fmt["head"]
    )
    for r, g in enumerate(figures.groups, start=1):
        ws.write_string(r, 0, g.name, fmt["cell"])
        ws.write_number(r, 1, g.amount, fmt["money"])
        ws.write_number(r, 2, g.errors, fmt["cell"])
        ws.write_number(r, 3, g.warnings, fmt["cell"])
        ws.write_number(r, 4, g.projects, fmt["cell"])
    last = len(figures.groups)
    kinds_row = last + 2
    ws.write_row(kinds_row, 0, ["指标类型", "指标数"], fmt["head"])
    kinds = [(KIND_LABELS[k], figures.indicator_kinds.get(k, 0)) for k in KIND_LABELS]
    for i, (label, count) in enumerate(kinds, start=1):
        ws.write_string(kinds_row + i, 0, label, fmt["cell"])
        ws.write_number(kinds_row + i, 1, count, fmt["cell"])
    if not figures.groups:
        ws.write_string(kinds_row + len(kinds) + 2, 0, "没有合并的项目，没有图表。", fmt["cell"])
        return
    height = max(288, 24 * last + 96)
    money = workbook.add_chart({"type": "bar"})
    money.add_series(
        {
            "name": f"项目金额（{unit}）",
            "categories": [CHART_SHEET, 1, 0, last, 0],
            "values": [CHART_SHEET, 1, 1, last, 1],
            "fill": {"color": "#2F6EBA"},
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    _style(money, f"各{figures.group_label}的项目金额（{unit}）", reverse=True)
    ws.insert_chart(0, 6, money, {"x_scale": 1.4, "y_size": height, "object_position": 3})

    findings = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for col, color in ((2, "#C0392B"), (3, "#E0A800")):
        findings.add_series(
            {
                "name": [CHART_SHEET, 0, col],
                "categories": [CHART_SHEET, 1, 0, last, 0],
                "values": [CHART_SHEET, 1, col, last, col],
                "fill": {"color": color},
            }
        )
    _style(findings, f"各{figures.group_label}的问题数（错误、警告）", reverse=True)
    anchor = height // 20 + 2  # below the first chart (rows are 20 pixels high)
    ws.insert_chart(anchor, 6, findings, {"x_scale": 1.4, "y_size": height, "object_position": 3})

    share = workbook.add_chart({"type": "pie"})
    share.add_series(
        {
            "name": "指标类型",
            "categories": [CHART_SHEET, kinds_row + 1, 0, kinds_row + len(kinds), 0],
            "values": [CHART_SHEET, kinds_row + 1, 1, kinds_row + len(kinds), 1],
            "data_labels": {"percentage": True, "category": True},
            "points": [{"fill": {"color": c}} for c in ("#2F6EBA", "#8DB3E2", "#BBBBBB")],
        }
    )
    share.set_title({"name": "定量指标与定性指标的占比"})
    share.set_legend({"position": "bottom"})
    ws.insert_chart(kinds_row + len(kinds) + 2, 0, share, {"object_position": 3})


def _style(chart: Any, title: str, reverse: bool) -> None:
    chart.set_title({"name": title})
    chart.set_legend({"position": "bottom"})
    # bars are drawn bottom-up; reversed, the first unit of the table is the top bar
    chart.set_y_axis({"reverse": reverse})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
