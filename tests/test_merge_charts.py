"""The summary's 图表 sheet: native charts over the same figures the result returns."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfxl import api
from perfxl.merging.charts import CHART_SHEET

from .libreoffice import convert, pdf_page_count, pdf_text


@pytest.fixture
def summary(sample_books, tmp_path):
    folder = next(iter(sample_books.values()))[1].parent
    out = tmp_path / "汇总.xlsx"
    return api.merge(folder, out, workers=1), out


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))


def test_figures_agree_with_the_per_unit_sheet(summary):
    result, out = summary
    figures = result.figures
    assert figures is not None and figures.group_label == "主管部门"
    wb = openpyxl.load_workbook(out, data_only=True)
    units = [r for r in wb["按单位"].iter_rows(min_row=2, values_only=True) if r[0] != "合计"]
    head = [c.value for c in wb["按单位"][1]]
    amount, errors, warnings = (
        head.index("项目金额（元）"),
        head.index("错误"),
        head.index("警告"),
    )
    assert [(g.name, g.projects, g.amount, g.errors, g.warnings) for g in figures.groups] == [
        (r[0], r[1], r[amount], r[errors], r[warnings]) for r in units
    ]
    assert sum(figures.indicator_kinds.values()) == result.indicators == 334
    kinds = [r[11] for r in wb["指标"].iter_rows(min_row=2, values_only=True)]
    assert figures.indicator_kinds["quantitative"] == kinds.count("定量")
    assert figures.indicator_kinds["qualitative"] == kinds.count("定性")
    data = result.to_dict()
    assert data["groups"][0]["name"] == figures.groups[0].name
    assert data["indicator_kinds"] == figures.indicator_kinds
    # the chart sheet's own tables hold the same numbers the charts read
    sheet = [r for r in wb[CHART_SHEET].iter_rows(values_only=True)]
    assert sheet[0][:2] == ("主管部门", "项目金额（元）")
    assert [r[1] for r in sheet[1 : 1 + len(figures.groups)]] == [g.amount for g in figures.groups]
    assert len(chart_parts(out)) == 3


def test_nothing_merged_gives_a_sheet_without_charts(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "通知.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    result = api.merge(tmp_path / "in", tmp_path / "汇总.xlsx", workers=1)
    assert result.figures is not None and result.figures.groups == ()
    wb = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    assert CHART_SHEET in wb.sheetnames
    assert chart_parts(tmp_path / "汇总.xlsx") == []


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_draws_the_charts(summary, tmp_path):
    result, out = summary
    profile = tmp_path / "profile"
    (pdf,) = convert([out], "pdf", tmp_path / "pdf", profile)
    (resaved,) = convert([out], "xlsx", tmp_path / "xlsx", profile)
    # LibreOffice keeps all three charts, on the 图表 sheet, reading the sheet's own ranges
    parts = chart_parts(resaved)
    assert len(parts) == 3
    with zipfile.ZipFile(resaved) as zf:
        refs = " ".join(zf.read(p).decode("utf-8") for p in parts)
    assert refs.count(f"{CHART_SHEET}!$B$2:$B${1 + len(result.figures.groups)}") >= 1
    assert f"{CHART_SHEET}!$C$2" in refs and f"{CHART_SHEET}!$D$2" in refs
    # the chart sheet prints on one page, titles and unit names drawn as text
    text = pdf_text(pdf)
    if text is not None:
        last = text.split("\f")[pdf_page_count(pdf) - 1]
        for title in (
            "各主管部门的项目金额（元）",
            "各主管部门的问题数",
            "定量指标与定性指标的占比",
        ):
            assert title in last.replace(" ", "")
        assert "枣庄市人力资源和社会保障保障局" in last.replace(" ", "")
