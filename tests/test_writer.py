"""The generated workbook: structure, formatting, protection, dropdowns, print setup."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.write.workbook import DocumentWriter, WriteOptions, safe_sheet_names

from .conftest import DECLARATION_SAMPLE
from .helpers import validation_at


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    out = tmp_path_factory.mktemp("wb") / "sample.xlsx"
    doc = load_document(DECLARATION_SAMPLE)
    DocumentWriter(template_set()).write(doc, out)
    return out, openpyxl.load_workbook(out)


def find(ws, text: str):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not on sheet {ws.title}")


def merge_of(ws, cell) -> str | None:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng.coord
    return None


def test_sheets_cover_projects_and_hidden_lists(sample_book):
    _, wb = sample_book
    assert wb.sheetnames[0] == "封面"
    assert wb.sheetnames[-1] == "_perfxl"
    assert wb["_perfxl"].sheet_state == "hidden"
    assert len(wb.sheetnames) == 13
    assert wb.sheetnames[1] == "征地养老费支出"
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_cover_lists_projects_with_links_and_totals(sample_book):
    _, wb = sample_book
    ws = wb["封面"]
    assert ws["A1"].value == "上海市闵行区社会保障服务中心2024年度项目绩效目标汇总表"
    name_cell = find(ws, "征地养老费支出")
    assert name_cell.hyperlink is not None and "征地养老费支出" in name_cell.hyperlink.location
    total_label = find(ws, "合计")
    total = ws.cell(row=total_label.row, column=6)
    assert isinstance(total.value, str) and total.value.startswith("=SUM(")
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref is not None


def test_form_labels_fields_and_merges(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    title = find(ws, "财政项目支出绩效目标申报表")
    assert merge_of(ws, title) == "A1:F1"
    assert title.font.b and title.font.sz == 18 and title.font.name == "黑体"
    assert find(ws, "(2024年度)").row == 2
    label = find(ws, "项目名称")
    assert label.font.name == "宋体" and label.font.b
    assert ws.cell(row=label.row, column=label.column + 1).value == "征地养老费支出"
    assert merge_of(ws, find(ws, "项目资金（元）")) == "A6:A9"
    assert find(ws, "上海市闵行区人力资源和社会保障局(汇总)").border.left.style == "thin"


def test_money_is_a_number_and_dates_are_dates(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    label = find(ws, "年度资金申请总额")
    money = ws.cell(row=label.row, column=6)
    assert money.value == 1094910000
    assert money.number_format == "#,##0.00"
    start = ws.cell(row=find(ws, "计划开始日期").row, column=2)
    assert start.value == dt.datetime(2024, 1, 1)
    assert start.is_date and start.number_format == "yyyy-mm-dd"


def test_targets_are_text_never_formulas(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    cell = find(ws, "=23000.00(人)")
    assert cell.data_type == "s"
    assert find(ws, "≥85.00(%)").data_type == "s"


def test_labels_locked_inputs_unlocked_and_rows_insertable(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    assert ws.protection.sheet is True
    assert ws.protection.insertRows is False  # False = not protected = allowed
    assert ws.protection.deleteColumns is True
    assert find(ws, "项目名称").protection.locked is True
    assert find(ws, "征地养老费支出").protection.locked is False
    assert find(ws, "=100.00(%)").protection.locked is False


def test_dropdowns_levels_depend_on_the_row(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    level1 = find(ws, "产出指标")
    dv, formula = validation_at(ws, level1.coordinate)
    assert dv.type == "list" and formula == "IND_L1"
    level2 = find(ws, "数量指标")
    assert validation_at(ws, level2.coordinate)[1] == f'INDIRECT("IND_"&$B{level1.row})'
    # a second row of the same merged 一级 group refers to the group's cell
    quality = find(ws, "质量指标")
    assert validation_at(ws, quality.coordinate)[1] == f'INDIRECT("IND_"&$B${level1.row})'
    # blank rows at the end carry the same dropdowns, relative to their own row
    last = ws.max_row
    assert validation_at(ws, f"B{last}")[1] == "IND_L1"
    assert validation_at(ws, f"C{last}")[1] == f'INDIRECT("IND_"&$B{last})'
    assert validation_at(ws, f"C{last - 1}")[1] == f'INDIRECT("IND_"&$B{last - 1})'
    nature, formula = validation_at(ws, ws.cell(row=find(ws, "项目性质").row, column=4).coordinate)
    assert formula == "L_项目性质"
    assert nature.promptTitle == "项目性质" and "下拉列表" in nature.prompt
    assert nature.errorTitle
    target, _ = validation_at(ws, f"F{last}")
    assert "≥90.00(%)" in target.prompt


def test_money_and_date_validation(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    money = ws.cell(row=find(ws, "年度资金申请总额").row, column=6)
    assert validation_at(ws, money.coordinate)[0].type == "decimal"
    start = ws.cell(row=find(ws, "计划开始日期").row, column=2)
    assert validation_at(ws, start.coordinate)[0].type == "date"


def test_defined_names_resolve_to_framework_lists(sample_book):
    _, wb = sample_book
    lists = wb["_perfxl"]

    def values(name: str) -> list[str]:
        dest = list(wb.defined_names[name].destinations)
        ((sheet, ref),) = dest
        assert sheet == "_perfxl"
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        return [lists.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]

    assert values("IND_L1") == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert values("IND_产出指标") == ["数量指标", "质量指标", "时效指标"]
    assert values("IND_满意度指标") == ["服务对象满意度指标"]
    assert values("L_项目性质") == ["经常性项目", "一次性项目"]
    # no literal list anywhere: every list validation goes through a name
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list":
                assert not dv.formula1.startswith('"')


def test_print_setup(sample_book):
    path, wb = sample_book
    ws = wb["征地养老费支出"]
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == "portrait"
    # a fixed scale rather than "fit to page", under which Excel ignores manual breaks
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert 50 <= (ws.page_setup.scale or 100) <= 100
    # the indicator table's header repeats on every page (the row of 一级指标 …)
    first, last = (int(p.strip("$")) for p in ws.print_title_rows.split(":"))
    assert first == last and ws.cell(first, 2).value == "一级指标"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert wb["封面"].page_setup.orientation == "landscape"


def test_layout_identity_is_embedded(sample_book):
    path, wb = sample_book
    meta = {
        row[0]: row[1]
        for row in wb["_perfxl"].iter_rows(min_col=1, max_col=2, values_only=True)
        if row[0]
    }
    assert meta["layout"] == "declaration"
    assert meta["layout_version"] == "1.0"
    assert meta["framework"] == "national-2021"
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml").decode("utf-8")
    assert "perfxl_layout" in custom and "declaration" in custom


def test_widths_and_heights_fit_cjk_text(sample_book):
    _, wb = sample_book
    ws = wb["征地养老费支出"]
    goal = find(
        ws,
        next(c.value for c in ws["D"] if isinstance(c.value, str) and c.value.startswith("落实市")),
    )
    # a long goal in a merged cell gets a row tall enough for several lines
    assert ws.row_dimensions[goal.row].height >= 60
    # a money column is wide enough for 1,094,910,000.00
    assert ws.column_dimensions["F"].width >= len("1,094,910,000.00")


def test_empty_indicator_rows_are_configurable(tmp_path, minimal_yaml):
    doc = load_document(minimal_yaml)
    for rows in (0, 7):
        doc.blank_rows = rows
        out = tmp_path / f"b{rows}.xlsx"
        DocumentWriter(template_set()).write(doc, out)
        ws = openpyxl.load_workbook(out)["测试项目"]
        header = find(ws, "一级指标")
        assert ws.max_row == header.row + 2 + rows


def test_no_merge_levels_writes_every_row(tmp_path):
    doc = load_document(DECLARATION_SAMPLE)
    out = tmp_path / "flat.xlsx"
    DocumentWriter(template_set(), WriteOptions(merge_levels=False)).write(doc, out)
    ws = openpyxl.load_workbook(out)["征地养老费支出"]
    header = find(ws, "一级指标")
    level1 = [ws.cell(row=r, column=2).value for r in range(header.row + 1, header.row + 10)]
    assert level1 == ["产出指标"] * 3 + ["效益指标"] * 5 + ["满意度指标"]


def test_sheet_names_are_unique_legal_and_short():
    names = safe_sheet_names(["甲" * 40, "甲" * 40, "封面", "a/b", "A"], {"封面", "_perfxl"})
    assert len(set(n.lower() for n in names)) == 5
    assert all(len(n) <= 31 for n in names)
    assert names[2] != "封面" and "/" not in names[3]


def test_output_is_atomic_and_keeps_no_temporary(tmp_path, minimal_yaml, monkeypatch):
    doc = load_document(minimal_yaml)
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"old")

    def boom(self, workbook, doc):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(DocumentWriter, "build", boom)
    with pytest.raises(RuntimeError):
        DocumentWriter(template_set()).write(doc, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == ["x.xlsx"]
