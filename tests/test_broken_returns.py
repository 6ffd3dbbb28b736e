"""Returns that already went wrong: a target typed into a General cell as ``=12000.00(件)``
(now a formula or an error value) or as ``100%`` (now the number 1)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

import perfxl

from .libreoffice import type_into

SHEET = "征地养老费支出"


def _targets(ws):
    header = next(r for r in ws.iter_rows() if any(c.value == "一级指标" for c in r))
    name_col = next(c.column for c in header if c.value == "三级指标")
    target_col = next(c.column for c in header if c.value == "年度(/项目)指标值")
    rows = []
    for r in range(header[0].row + 1, ws.max_row + 1):
        name = ws.cell(r, name_col).value
        if name:
            rows.append((name, ws.cell(r, target_col)))
    return rows


def _check(path):
    (report,) = perfxl.check(path, workers=1).files
    return report


def _on(report, code):
    return [f for f in report.findings if f.code == code and f.sheet == SHEET]


def test_formula_and_error_value_in_target_cells(sample_books, tmp_path):
    _, path = sample_books["minhang-2024-declaration"]
    copy = tmp_path / "公式.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    (first, cell1), (second, cell2), *_ = _targets(wb[SHEET])
    cell1.value = "=12000.00*(件)"  # a formula, as Excel would make of the typed text
    cell2.value = "#NAME?"  # an error value saved without its formula
    wb.save(copy)
    report = _check(copy)
    (formula,) = _on(report, "T004")
    assert formula.cell == cell1.coordinate and "「=12000.00*(件)」" in formula.message
    assert first in formula.message and "文本格式" in formula.hint and "'" in formula.hint
    (error,) = _on(report, "T005")
    assert error.cell == cell2.coordinate and "#NAME?" in error.message
    assert second in error.message
    # no second complaint about the same cells ("没有指标值", "缺少比较符号")
    same = {cell1.coordinate, cell2.coordinate}
    assert not [
        f for f in report.findings if f.sheet == SHEET and f.cell in same and f.code[0] == "I"
    ]


def test_rate_target_stored_as_a_number_is_read_as_a_percentage(sample_books, tmp_path):
    _, path = sample_books["minhang-2024-declaration"]
    copy = tmp_path / "数字.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    rates = [(n, c) for n, c in _targets(wb[SHEET]) if n.endswith(("率", "满意度"))]
    counts = [(n, c) for n, c in _targets(wb[SHEET]) if not n.endswith(("率", "满意度"))]
    assert len(rates) >= 2 and counts
    (rate1, c1), (rate2, c2) = rates[:2]
    c1.value, c2.value = 1, 0.95
    count_name, c3 = counts[0]
    c3.value = 1  # a count of 1 is a count, not 100 %
    wb.save(copy)
    report = _check(copy)
    found = {f.cell: f for f in _on(report, "T006")}
    assert set(found) == {c1.coordinate, c2.coordinate}
    assert "按 100% 读取" in found[c1.coordinate].message
    assert "按 95% 读取" in found[c2.coordinate].message
    (project,) = [p for p in report.projects if p["sheet"] == SHEET]
    targets = {i["name"]: i["target"] for i in project["indicators"]}
    assert targets[rate1] == "100%" and targets[rate2] == "95%"
    assert targets[count_name] == "1"
    assert all(f.code != "I012" for f in report.findings if f.sheet == SHEET and f.cell in found)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_typed_into_general_cells_in_libreoffice(sample_books, tmp_path):
    """What a unit's LibreOffice makes of targets typed into General cells, recognised."""
    _, path = sample_books["minhang-2024-declaration"]
    ws = openpyxl.load_workbook(path)[SHEET]
    targets = _targets(ws)
    (count, cell1), *_ = [(n, c) for n, c in targets if not n.endswith(("率", "满意度"))]
    (rate, cell2), *_ = [(n, c) for n, c in targets if n.endswith(("率", "满意度"))]
    typed = tmp_path / "typed.xlsx"
    edits = [
        (SHEET, cell1.coordinate, "=12000.00(件)", "general"),
        (SHEET, cell2.coordinate, "95%", "general"),
    ]
    type_into([(path, typed, edits)], tmp_path / "profile", tmp_path)
    report = _check(typed)
    (formula,) = _on(report, "T004")
    assert formula.cell == cell1.coordinate and count in formula.message
    assert "=12000" in formula.message and "(件)" in formula.message
    (number,) = _on(report, "T006")
    assert number.cell == cell2.coordinate and "按 95% 读取" in number.message
    (project,) = [p for p in report.projects if p["sheet"] == SHEET]
    assert {i["name"]: i["target"] for i in project["indicators"]}[rate] == "95%"
