"""perfxl blank: rosters in YAML, CSV and XLSX; safe names; no silent overwrite; manifest."""

from __future__ import annotations

import csv
import textwrap

import openpyxl
import pytest
import xlsxwriter

from perfxl.core.errors import PerfxlError
from perfxl.define.roster import load_roster
from perfxl.write.blank import BlankOptions, plan_blank, safe_filename

from .helpers import validation_at

ROSTER_YAML = """
layout: declaration
year: 2025
blank_rows: 6
departments:
  - department: 上海市闵行区人力资源和社会保障局
    unit: 上海市闵行区社会保障服务中心
    projects:
      - 外省市差旅费
      - {name: 征地养老费支出, amount: 1094910000}
  - {department: 上海市闵行区民政局, unit: 上海市闵行区救助管理站}
"""


@pytest.fixture
def roster_yaml(tmp_path):
    path = tmp_path / "名单.yaml"
    path.write_text(textwrap.dedent(ROSTER_YAML), encoding="utf-8")
    return path


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_yaml_roster_to_prefilled_blank_forms(run_cli, roster_yaml, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = run_cli("blank", str(roster_yaml), "-o", str(out))
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["上海市闵行区救助管理站.xlsx", "上海市闵行区社会保障服务中心.xlsx", "清单.csv"]
    wb = openpyxl.load_workbook(out / "上海市闵行区社会保障服务中心.xlsx")
    assert wb.sheetnames == ["填报说明", "封面", "外省市差旅费", "征地养老费支出", "_perfxl"]
    ws = wb["征地养老费支出"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "上海市闵行区人力资源和社会保障局" in values and "上海市闵行区社会保障服务中心" in values
    assert 1094910000 in values
    header = next(c for row in ws.iter_rows() for c in row if c.value == "一级指标")
    assert ws.max_row == header.row + 6  # six empty indicator rows, nothing else
    _, formula = validation_at(ws, f"B{ws.max_row}")
    assert formula == "IND_L1"
    _, formula = validation_at(ws, f"C{ws.max_row}")
    assert formula == f'INDIRECT("IND_"&$B{ws.max_row})'
    # a unit without projects gets one blank project sheet, no cover
    wb2 = openpyxl.load_workbook(out / "上海市闵行区救助管理站.xlsx")
    assert wb2.sheetnames == ["填报说明", "项目", "_perfxl"]
    assert rows_of(out / "清单.csv")[1][:5] == [
        "1",
        "上海市闵行区人力资源和社会保障局",
        "上海市闵行区社会保障服务中心",
        "外省市差旅费、征地养老费支出",
        "上海市闵行区社会保障服务中心.xlsx",
    ]


def test_guide_sheet_explains_fields_and_targets(roster_yaml, tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("blank", str(roster_yaml), "-o", str(out))[0] == 0
    ws = openpyxl.load_workbook(out / "上海市闵行区救助管理站.xlsx")["填报说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for needle in (
        "年度总体目标",
        "≥90.00(%)",
        "=12000.00(份)",
        "及时",
        "产出指标",
        "数量指标、质量指标、时效指标",
        "插入",
    ):
        assert needle in text, needle
    assert ws.protection.sheet


def test_csv_roster_gbk_and_per_project(tmp_path, run_cli):
    path = tmp_path / "名单.csv"
    path.write_bytes(
        "主管部门,实施单位,项目名称,金额\n区人社局,区社保中心,项目甲,100\n区人社局,区社保中心,项目乙,\n区民政局,区救助站,,\n".encode(
            "gbk"
        )
    )
    out = tmp_path / "out"
    code, _, err = run_cli(
        "blank",
        str(path),
        "--layout",
        "target-2020",
        "--year",
        "2021",
        "--per-project",
        "-o",
        str(out),
    )
    assert code == 0, err
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "区救助站.xlsx",
        "区社保中心_项目乙.xlsx",
        "区社保中心_项目甲.xlsx",
    ]
    ws = openpyxl.load_workbook(out / "区社保中心_项目甲.xlsx")["项目甲"]
    assert "(2021年度)" in [c.value for c in ws["A"]]
    assert 100 in [c.value for row in ws.iter_rows() for c in row]


def test_xlsx_roster(tmp_path, run_cli):
    path = tmp_path / "名单.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, row in enumerate(
        [
            ["序号", "主管部门", "预算执行单位"],
            [1, "市人社局", "市社保中心"],
            [2, "市人社局", "市就业中心"],
        ]
    ):
        ws.write_row(r, 0, row)
    wb.close()
    out = tmp_path / "out"
    code, _, err = run_cli(
        "blank", str(path), "--layout", "approval", "--year", "2022", "-o", str(out)
    )
    assert code == 0, err
    book = openpyxl.load_workbook(out / "市就业中心.xlsx")
    values = [c.value for row in book["项目"].iter_rows() for c in row if c.value]
    assert "市人社局" in values and "市就业中心" in values and "项目支出绩效目标批复表" in values


def test_self_eval_blank_form_has_working_formulas(tmp_path, run_cli):
    path = tmp_path / "r.yaml"
    path.write_text(
        "layout: self-eval\nyear: 2024\ndepartments:\n  - {department: 局, unit: 中心, projects: [{name: 甲, amount: 20}]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_cli("blank", str(path), "-o", str(out))[0] == 0
    ws = openpyxl.load_workbook(out / "中心.xlsx")["甲"]
    formulas = [
        c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert any("ROUND(" in f for f in formulas) and any('"优"' in f for f in formulas)


def test_existing_files_are_never_overwritten_silently(roster_yaml, tmp_path, run_cli):
    out = tmp_path / "out"
    assert run_cli("blank", str(roster_yaml), "-o", str(out))[0] == 0
    target = out / "上海市闵行区救助管理站.xlsx"
    target.write_bytes(b"filled in by the department")
    code, _, err = run_cli("blank", str(roster_yaml), "-o", str(out))
    assert code == 2 and "--overwrite" in err
    assert target.read_bytes() == b"filled in by the department"
    code, _, err = run_cli("blank", str(roster_yaml), "-o", str(out), "--overwrite")
    assert code == 0, err
    assert openpyxl.load_workbook(target).sheetnames[0] == "填报说明"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("上海市闵行区社会保障服务中心", "上海市闵行区社会保障服务中心"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON", "_CON"),
        ("com1.txt", "_com1.txt"),
        ("名称. ", "名称"),
        ("", "未命名"),
        ("x" * 200, "x" * 80),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_duplicate_units_get_distinct_files(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("主管部门,实施单位\n甲局,中心\n乙局,中心\n", encoding="utf-8")
    files = plan_blank(load_roster(path), BlankOptions(layout="declaration", year=2025), tmp_path)
    assert [f.output.name for f in files] == ["中心.xlsx", "中心(2).xlsx"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("单位名称,金额\n", "名单中没有任何单位"),
        ("主管部门,项目名称\n甲,乙\n", "找不到「实施单位」列"),
        ("实施单位,项目名称,金额\n中心,项目,一百万\n", "金额「一百万」不是数字"),
    ],
)
def test_bad_csv_rosters(tmp_path, content, message, run_cli):
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run_cli(
        "blank", str(path), "--layout", "declaration", "--year", "2025", "-o", str(tmp_path / "o")
    )
    assert code == 2 and message in err and "Traceback" not in err


def test_roster_needs_layout_and_year(tmp_path, run_cli):
    path = tmp_path / "r.csv"
    path.write_text("实施单位\n中心\n", encoding="utf-8")
    code, _, err = run_cli("blank", str(path), "-o", str(tmp_path / "o"))
    assert code == 2 and "没有指定表样" in err
    code, _, err = run_cli("blank", str(path), "--layout", "declaration", "-o", str(tmp_path / "o"))
    assert code == 2 and "年度" in err


def test_unknown_roster_format(tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(b"x")
    with pytest.raises(PerfxlError, match="名单应是"):
        load_roster(path)


@pytest.mark.parametrize("layout", ["declaration", "target-2020", "approval", "self-eval", "monitor"])
def test_a_blank_without_indicator_rows_keeps_one_row_to_type_into(tmp_path, run_cli, layout):
    """``--blank-rows 0`` for a project without indicators: the 自评表's total formulas used
    to refer to an indicator column with no cells and the blank was not written at all."""
    path = tmp_path / "r.yaml"
    path.write_text(
        f"layout: {layout}\nyear: 2024\ndepartments:\n  - {{department: 局, unit: 中心}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _, err = run_cli("blank", str(path), "-o", str(out), "--blank-rows", "0", "-q")
    assert code == 0, err
    ws = openpyxl.load_workbook(out / "中心.xlsx")["项目"]
    header = next(
        c for row in ws.iter_rows() for c in row if c.value in ("一级指标", "一级", "一级目标")
    )
    below = [ws.cell(header.row + 1, c).value for c in range(1, ws.max_column + 1)]
    assert header.row < ws.max_row and below[header.column - 1] in (None, "")


def test_an_approval_blank_in_yuan_reads_its_own_money_label(tmp_path, run_cli):
    """The 批复表 prints 「项目资金申请（元）」 when the roster says 元; reading a return used
    to look only for the （万元） label and reported S002 on the form perfxl itself made."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "layout: approval\nyear: 2024\nmoney_unit: 元\n"
        "departments:\n  - {department: 局, unit: 中心, projects: [{name: 甲, amount: 20}]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_cli("blank", str(path), "-o", str(out), "-q")[0] == 0
    code, stdout, _ = run_cli("check", str(out / "中心.xlsx"), "--format", "json")
    import json

    findings = json.loads(stdout)["files"][0]["findings"]
    assert findings, "a blank has empty required fields"
    assert not [f for f in findings if f["code"] == "S002" or "项目资金申请" in f["message"]]
