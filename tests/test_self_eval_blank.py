"""The blank 自评表 shows no score and no grade before anything is entered, and its 分数 for
budget execution comes from the layout; once a unit enters money and scores, LibreOffice's
own recalculation of the form's formulas agrees with perfxl's arithmetic."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

import perfxl
from perfxl.core import scoring
from perfxl.layout.templates import template_set
from perfxl.write.blank import BlankOptions, Roster, RosterUnit, plan_blank, write_blank

from .helpers import calamine_values
from .libreoffice import convert, type_into


def _blank_self_eval(tmp_path):
    roster = Roster(
        tmp_path / "名单.yaml",
        {"layout": "self-eval", "year": 2025},
        [RosterUnit("测试主管部门", "测试单位", [("项目一", None)])],
    )
    (planned,) = plan_blank(roster, BlankOptions(), tmp_path / "blank")
    (tmp_path / "blank").mkdir()
    assert write_blank([planned], BlankOptions()) == [None]
    return planned


def _row_of(ws, label):
    return next(r for r in ws.iter_rows() if any(c.value == label for c in r))


def test_blank_self_eval_formulas_show_nothing_and_the_weight_is_the_layouts(tmp_path):
    planned = _blank_self_eval(tmp_path)
    weight = template_set().layout("self-eval").field("execution_weight").default
    values = openpyxl.load_workbook(planned.output, data_only=True)["项目一"]
    formulas = openpyxl.load_workbook(planned.output)["项目一"]
    money = _row_of(formulas, "年度资金总额")
    assert values.cell(money[0].row, 7).value == weight == 10
    for row_label in ("年度资金总额", "总分", "评分等级"):
        row = _row_of(formulas, row_label)
        cells = [c for c in row if isinstance(c.value, str) and c.value.startswith("=")]
        assert cells, row_label
        for cell in cells:
            assert values[cell.coordinate].value in (None, ""), (row_label, cell.coordinate)
    grade = _row_of(formulas, "评分等级")
    assert all(values[c.coordinate].value != "差" for c in grade)


def test_shown_scores_are_empty_until_entered():
    layout = template_set().layout("self-eval")

    class Project:
        values: dict = {"execution_weight": Decimal(10)}
        indicators: list = []

    shown = scoring.shown_scores(Project(), layout.roles.execution)
    assert shown["execution_rate"] == shown["execution_score"] == ""
    assert shown["total"] == shown["grade"] == shown["weight_total"] == ""
    assert shown["execution_weight"] == Decimal(10)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_recalculates_the_blank_and_the_entered_form_as_perfxl(tmp_path):
    planned = _blank_self_eval(tmp_path)
    # LibreOffice recalculating the blank on load: still nothing shown, the weight is there
    (recalculated,) = convert([planned.output], "xlsx", tmp_path / "recalc", tmp_path / "p1")
    rows = calamine_values(recalculated)["项目一"]
    money = next(r for r in rows if "年度资金总额" in r)
    assert money[6] == 10.0 and money[7] == "" and money[8] == ""
    total = next(r for r in rows if "总分" in r)
    grade = next(r for r in rows if "评分等级" in r)
    assert total[6] == total[7] == "" and grade[6] == ""

    # a unit enters the money and two scored indicators
    ws = openpyxl.load_workbook(planned.output)["项目一"]
    money_row = _row_of(ws, "年度资金总额")[0].row
    first = _row_of(ws, "偏差原因分析及改进措施")[0].row + 1
    sheet = "项目一"
    edits = [
        (sheet, f"D{money_row}", "100"),
        (sheet, f"E{money_row}", "100"),
        (sheet, f"F{money_row}", "95"),
        (sheet, f"A{first}", "产出指标"),
        (sheet, f"B{first}", "数量指标"),
        (sheet, f"C{first}", "发放数量"),
        (sheet, f"E{first}", "=12000.00(件)"),
        (sheet, f"F{first}", "=12000.00(件)"),
        (sheet, f"G{first}", "50"),
        (sheet, f"H{first}", "50"),
        (sheet, f"A{first + 1}", "满意度指标"),
        (sheet, f"B{first + 1}", "服务对象满意度指标"),
        (sheet, f"C{first + 1}", "服务对象满意度"),
        (sheet, f"E{first + 1}", "≥90.00(%)"),
        (sheet, f"F{first + 1}", "85.00(%)"),
        (sheet, f"G{first + 1}", "40"),
        (sheet, f"H{first + 1}", "37.78"),
        (sheet, f"I{first + 1}", "部分服务对象对办理时限不满意，下一年度简化流程。"),
    ]
    typed = tmp_path / "typed.xlsx"
    type_into([(planned.output, typed, edits)], tmp_path / "p2", tmp_path)
    rows = calamine_values(typed)["项目一"]
    money = next(r for r in rows if "年度资金总额" in r)
    total = next(r for r in rows if "总分" in r)
    grade = next(r for r in rows if "评分等级" in r)
    # LibreOffice's results: 95 %, 9.5 points, 100 points given, 97.28 in all, 优
    assert (money[7], money[8]) == (95.0, 9.5)
    assert (total[6], total[7], grade[6]) == (100.0, 97.28, "优")
    (report,) = perfxl.check(typed, workers=1).files
    codes = {f.code for f in report.findings}
    assert not codes & {"E001", "E002", "E006", "E007"}, report.findings
