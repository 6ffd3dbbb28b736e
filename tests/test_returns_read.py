"""Returned forms read as units fill them: a project without indicators does not pass, and a
label typed into one cell with its value (项目类别：特定目标类) is read as the value."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl

import perfxl
from perfxl.write.blank import BlankOptions, Roster, RosterUnit, plan_blank, write_blank


def _codes(report, code):
    return [f for f in report.findings if f.code == code]


def test_project_without_indicator_rows_is_an_error(tmp_path):
    roster = Roster(
        tmp_path / "名单.yaml",
        {"layout": "declaration", "year": 2025},
        [RosterUnit("测试主管部门", "测试单位", [("项目一", Decimal(100)), ("项目二", None)])],
    )
    (planned,) = plan_blank(roster, BlankOptions(), tmp_path)
    assert write_blank([planned], BlankOptions()) == [None]
    (report,) = perfxl.check(planned.output, workers=1).files
    missing = _codes(report, "S012")
    assert [f.sheet for f in missing] == ["项目一", "项目二"]
    assert all(f.severity == "error" and "绩效指标" in f.message for f in missing)
    assert not report.ok


def test_project_whose_indicator_rows_were_emptied_is_an_error(sample_books, tmp_path):
    _, path = sample_books["minhang-2024-declaration"]
    copy = tmp_path / "空指标.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["征地养老费支出"]
    header = next(r for r in ws.iter_rows() if any(c.value == "一级指标" for c in r))[0].row
    for row in ws.iter_rows(min_row=header + 1):
        for cell in row:
            if type(cell).__name__ != "MergedCell" and cell.column > 1:
                cell.value = None
    wb.save(copy)
    (report,) = perfxl.check(copy, workers=1).files
    assert [f.sheet for f in _codes(report, "S012")] == ["征地养老费支出"]
    with_rows = [p for p in report.projects if p["sheet"] != "征地养老费支出"]
    assert with_rows and all(p["indicators"] for p in with_rows)


def _declaration_copy(sample_books, tmp_path, edit):
    _, path = sample_books["minhang-2024-declaration"]
    copy = tmp_path / "一格.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["征地养老费支出"]
    label = next(c for r in ws.iter_rows() for c in r if c.value == "项目类别")
    edit(ws, label)
    wb.save(copy)
    (report,) = perfxl.check(copy, workers=1).files
    (project,) = [p for p in report.projects if p["sheet"] == "征地养老费支出"]
    return report, project


def test_label_and_value_typed_into_the_label_cell(sample_books, tmp_path):
    def edit(ws, label):
        label.value = "项目类别：其他运转类"
        ws.cell(label.row, label.column + 1).value = None

    report, project = _declaration_copy(sample_books, tmp_path, edit)
    assert project["fields"]["category"] == "其他运转类"
    assert not [f for f in report.findings if f.sheet == "征地养老费支出" and f.code == "S002"]


def test_label_and_value_typed_into_the_value_cell(sample_books, tmp_path):
    def edit(ws, label):
        ws.cell(label.row, label.column + 1).value = "项目类别：其他运转类"

    report, project = _declaration_copy(sample_books, tmp_path, edit)
    assert project["fields"]["category"] == "其他运转类"
    assert not [f for f in report.findings if f.code == "F008" and f.sheet == "征地养老费支出"]


def test_several_labels_with_values_in_one_cell(sample_books, tmp_path):
    def edit(ws, label):
        nature = next(c for r in ws.iter_rows() for c in r if c.value == "项目性质")
        nature.value = "项目性质：一次性项目 项目类别：其他运转类"
        ws.cell(nature.row, nature.column + 1).value = None
        label.value = None
        ws.cell(label.row, label.column + 1).value = None

    report, project = _declaration_copy(sample_books, tmp_path, edit)
    assert project["fields"]["nature"] == "一次性项目"
    assert project["fields"]["category"] == "其他运转类"
