"""The monitoring form (layout ``monitor``): its columns, the month N, the lights computed by
formulas (checked in LibreOffice, recalculated, against perfxl's Python arithmetic), the
monitoring rules K001–K008 and K016, and merge's count of red and yellow lights.

All data here is synthetic (no published monitoring form was found to copy): each case is
made to land on one light, including the boundaries 60 %, 80 % and 120 %.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
import pytest

from perfxl.checks.run import RunOptions, check_file
from perfxl.core import monitoring
from perfxl.define.model import LoadOptions, load_document, load_document_text
from perfxl.layout.templates import template_set
from perfxl.read.convert import typed_project
from perfxl.read.locate import read_workbook
from perfxl.write.workbook import DocumentWriter

from .conftest import SAMPLES
from .libreoffice import convert, require_soffice

SYNTHETIC = SAMPLES / "synthetic" / "monitor-2025.yaml"

# (target, progress typed by the unit, light at month 7, light at month 3)
CASES = [
    ("≥12000.00(件)", "3000", "红", "绿"),  # 3000 / 7000 = 43 %; at month 3: 3000 / 3000
    ("≥12000.00(件)", "4200", "黄", "蓝"),  # 4200 / 7000 = 60 % exactly: yellow
    ("≥12000.00(件)", "5600", "绿", "蓝"),  # 80 % exactly: green
    ("≥12000.00(件)", "8400", "蓝", "蓝"),  # 120 % exactly: blue
    ("≥12000.00(件)", "5,599", "黄", "蓝"),  # a thousands separator is read
    ("=8400.00(人次)", "4000", "绿", "蓝"),  # "=" with a positive target is positive
    ("≥99.00(%)", "99.5%", "绿", "绿"),  # a rate is not prorated by month
    ("≥90.00(%)", "70", "黄", "黄"),
    ("≥90.00(%)", "50", "红", "红"),
    ("≤50.00(元)", "42", "绿", "绿"),  # reverse: within the target
    ("≤50.00(元)", "50.5", "红", "红"),
    ("=0(起)", "1", "红", "红"),  # "= 0" is reverse
    ("=0(起)", "0", "绿", "绿"),
    ("按时", "达到", "绿", "绿"),
    ("按时", "部分达到", "黄", "黄"),
    ("按时", "未达到", "红", "红"),
    ("按时", "", "", ""),  # nothing typed yet: no light
    ("≥12000.00(件)", "约三千", "", ""),  # not a number: no light
]
# (adjusted budget, executed, light at month 7, at month 3)
BUDGETS = [
    ("100", "50", "绿", "绿"),  # 50 % / 58.33 % = 85.7 %
    ("80", "35", "黄", "绿"),  # 43.75 % / 58.33 % = 75 %
    ("20", "5", "红", "绿"),  # 25 % / 58.33 % = 42.9 %; at month 3: 25 % / 25 % = 100 %
    ("0", "0", "", ""),  # no budget: no light
]


def _definition(month: int, with_progress: bool = True) -> str:
    rows = []
    for i, (target, progress, _, _) in enumerate(CASES):
        typed = f', progress: "{progress}"' if with_progress and progress else ""
        rows.append(
            f'      - {{level1: 产出指标, level2: 数量指标, name: 合成指标{i + 1:02d}, target: "{target}"{typed}}}'
        )
    funds = []
    for key, (adjusted, executed, _, _) in zip(
        ("total", "appropriation", "carryover", "other"), BUDGETS
    ):
        shown = executed if with_progress else ""
        funds.append(f"      {key}: [{adjusted}, 0, {adjusted}, {shown or 'null'}, {adjusted}]")
    return textwrap.dedent(
        """\
        layout: monitor
        year: 2025
        month: {month}
        department: 合成主管部门
        unit: 合成实施单位
        projects:
          - name: 合成监控项目
            annual_goal: 合成的年度总体目标。
            funds:
        {funds}
            indicators:
        {rows}
        """
    ).format(month=month, funds="\n".join(funds), rows="\n".join(rows))


def _write(tmp_path: Path, text: str, name: str, month: int | None = None) -> Path:
    doc = load_document_text(text, name, LoadOptions(month=month))
    out = tmp_path / f"{name}.xlsx"
    DocumentWriter(template_set()).write(doc, out)
    return out


def _typed(path: Path):
    rb = read_workbook(path)
    (rp,) = rb.projects
    return rb, typed_project(rp, rb.layout, [], rb.money_unit)


def _shown_lights(path: Path) -> tuple[list[str], list[str]]:
    """The lights as the workbook shows them: the indicator column and each budget row's cell."""
    rb, typed = _typed(path)
    indicator = [str(ind.values.get("light") or "") for ind in typed.indicators]
    sheet = openpyxl.load_workbook(path, data_only=True)[rb.projects[0].sheet]
    budget = []
    for row in sheet.iter_rows():
        label = str(row[1].value or "")
        if label in ("年度资金总额", "其中：财政拨款", "上年结转", "其他资金"):
            budget.append(str(row[15].value or ""))
    return indicator, budget


def _python_lights(path: Path) -> tuple[list[str], list[str]]:
    """perfxl's own arithmetic on the values read back from the same workbook."""
    rb, typed = _typed(path)
    computed = monitoring.project_lights(typed, rb.layout.roles.monitor)
    indicator = [computed[f"ind_light:{i}"] for i in range(len(typed.indicators))]
    budget = [computed[f"light:{k}"] for k in rb.layout.roles.monitor.rows]
    return indicator, budget


def test_the_form_has_the_monitoring_columns_and_the_month_in_its_headers(tmp_path):
    out = _write(tmp_path, _definition(7), "m7")
    wb = openpyxl.load_workbook(out)
    ws = wb["合成监控项目"]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for header in (
        "年初预算", "调整预算数", "调整后预算数", "1-7月", "执行数", "执行率(%)", "全年预计执行数",
        "年度指标值", "1-7月执行情况", "全年预计完成情况", "经费保障", "制度保障", "人员保障",
        "硬件条件保障", "其他", "原因说明", "完成目标可能性", "备注", "监控月份",
    ):  # fmt: skip
        assert header in texts, header
    assert ws.column_dimensions["F"].hidden  # 目标数值, for the formulas only
    header_row = next(r for r in ws.iter_rows() if r[0].value == "一级指标")[0].row
    first = header_row + 1
    # targets are carried (locked, text); what the unit types is text, so "=…" stays text
    assert ws[f"D{first}"].number_format == "@" and ws[f"D{first}"].protection.locked
    for col in ("G", "H", "O", "Q"):
        assert ws[f"{col}{first}"].number_format == "@", col
        assert not ws[f"{col}{first}"].protection.locked, col
    assert ws.protection.sheet and not ws.protection.password
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "L_完成目标可能性" in lists and "L_勾选" in lists
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert {r.formula[0] for r in rules} == {'"红"', '"黄"', '"绿"', '"蓝"'}
    assert str(ws[f"I{first}"].value).startswith("=IF(")  # the light is a formula

    out3 = _write(tmp_path, _definition(7), "m3", month=3)  # --month wins over the YAML
    texts3 = {
        str(c.value)
        for row in openpyxl.load_workbook(out3)["合成监控项目"].iter_rows()
        for c in row
    }
    assert "1-3月执行情况" in texts3 and "1-7月执行情况" not in texts3


def test_cached_lights_are_perfxls_arithmetic_and_match_the_cases(tmp_path):
    for month, column in ((7, 2), (3, 3)):
        out = _write(tmp_path, _definition(month), f"cached{month}")
        indicator, budget = _shown_lights(out)
        assert indicator == [case[column] for case in CASES]
        assert budget == [case[column] for case in BUDGETS]
        assert (indicator, budget) == _python_lights(out)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_lights_recalculated_in_libreoffice_equal_the_python_computation(tmp_path):
    """Forms generated empty, then typed into (openpyxl drops every cached value), then
    recalculated by LibreOffice: its lights are those of the cases and of perfxl's Python."""
    require_soffice()
    books = []
    for month in (7, 3):
        out = _write(tmp_path, _definition(month, with_progress=False), f"typed{month}")
        wb = openpyxl.load_workbook(out)
        ws = wb["合成监控项目"]
        header_row = next(r for r in ws.iter_rows() if r[0].value == "一级指标")[0].row
        for i, (_, progress, _, _) in enumerate(CASES):
            if progress:
                ws[f"G{header_row + 1 + i}"] = progress  # as text, like a Text-formatted cell
        for row in ws.iter_rows():
            label = str(row[1].value or "")
            rows = ("年度资金总额", "其中：财政拨款", "上年结转", "其他资金")
            if label in rows:
                ws.cell(row[0].row, 10).value = float(BUDGETS[rows.index(label)][1])
        wb.save(out)
        books.append(out)
    resaved = convert(books, "xlsx", tmp_path / "lo", tmp_path / "profile")
    for path, column in zip(resaved, (2, 3)):
        indicator, budget = _shown_lights(path)
        assert indicator == [case[column] for case in CASES], path.name
        assert budget == [case[column] for case in BUDGETS], path.name
        assert (indicator, budget) == _python_lights(path), path.name
        report = check_file(path, RunOptions())
        assert "K006" not in {f.code for f in report.findings}


def _codes(path: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in check_file(path, RunOptions()).findings:
        found.setdefault(f.code, []).append(f)
    return found


def test_the_synthetic_sample_passes_and_its_lights_are_those_planned(tmp_path):
    out = tmp_path / "sample.xlsx"
    DocumentWriter(template_set()).write(load_document(SYNTHETIC), out)
    assert _codes(out) == {}
    indicator, budget = _shown_lights(out)
    assert indicator == ["红", "蓝", "绿", "黄", "绿", "黄", "绿"]
    assert budget == ["绿", "绿", "红", ""]


def test_monitoring_rules(tmp_path):
    text = SYNTHETIC.read_text(encoding="utf-8")
    # K001: the 上年结转 row is red and the analysis is removed
    no_analysis = text.replace(
        "    deviation_analysis: 上半年系统升级，窗口业务量低于序时进度。\n", ""
    )
    (k001,) = _codes(_write(tmp_path, no_analysis, "k001"))["K001"]
    assert "上年结转的预算执行灯是红灯" in k001.message
    # K002: a red indicator without a ticked reason; K003: ticked without explanation
    untick = text.replace(', reason_hardware: "√", explanation: 系统升级停办两周', "")
    found = _codes(_write(tmp_path, untick, "k002"))
    assert "办理社会保险业务件数" in found["K002"][0].message and "红灯" in found["K002"][0].message
    no_explanation = text.replace(", explanation: 两个月延迟一天", "")
    (k003,) = _codes(_write(tmp_path, no_explanation, "k003"))["K003"]
    assert "人员保障" in k003.message
    # K004: 有可能 without a forecast; K008: no possibility chosen
    no_forecast = text.replace(', forecast: "88%"', "")
    (k004,) = _codes(_write(tmp_path, no_forecast, "k004"))["K004"]
    assert "有可能" in k004.message
    no_possibility = text.replace('progress: "95", possibility: 确定能', 'progress: "95"')
    assert "K008" in _codes(_write(tmp_path, no_possibility, "k008"))
    # K005: a tick that is not √
    other_tick = text.replace('reason_staff: "√"', "reason_staff: 是")
    assert "K005" in _codes(_write(tmp_path, other_tick, "k005"))
    # K007: adjusted budget not initial + adjustment
    bad_sum = text.replace("total: [120.00, -20.00, 100.00", "total: [120.00, -10.00, 100.00")
    assert "K007" in _codes(_write(tmp_path, bad_sum, "k007"))
    # K016: a month that is not 1–12, reported where the project is
    with pytest.raises(Exception) as info:
        load_document_text(text.replace("month: 7", "month: 13"), "bad.yaml")
    assert "K016" in str(getattr(info.value, "diagnostics", "")) or "监控月份「13」" in str(
        info.value
    )


def test_an_overwritten_light_is_reported(tmp_path):
    out = _write(tmp_path, SYNTHETIC.read_text(encoding="utf-8"), "tamper")
    wb = openpyxl.load_workbook(out)
    ws = wb["示例社会保险经办服务项目"]
    header_row = next(r for r in ws.iter_rows() if r[0].value == "一级指标")[0].row
    ws[f"I{header_row + 1}"] = "绿"  # the red light typed over
    wb.save(out)
    (k006,) = _codes(out)["K006"]
    assert "显示「绿」，按规则应为「红」" in k006.message


def test_merge_counts_red_and_yellow_lights_per_unit(tmp_path):
    from perfxl.api import merge

    # two projects of one unit (the same project twice would be one return, merged once)
    second = _definition(3).replace("name: 合成监控项目", "name: 合成监控项目二")
    books = [_write(tmp_path, _definition(7), "a"), _write(tmp_path, second, "b")]
    result = merge(books, tmp_path / "汇总.xlsx")
    assert result.ok
    wb = openpyxl.load_workbook(tmp_path / "汇总.xlsx", data_only=True)
    rows = list(wb["按单位"].iter_rows(values_only=True))
    head = list(rows[0])
    unit = dict(zip(head, rows[1]))
    month7 = [c[2] for c in CASES]
    month3 = [c[3] for c in CASES]
    assert unit["指标红灯"] == month7.count("红") + month3.count("红")
    assert unit["指标黄灯"] == month7.count("黄") + month3.count("黄")
    assert unit["预算执行红灯"] == 0 and unit["预算执行黄灯"] == 0  # 年度资金总额 is green in both
