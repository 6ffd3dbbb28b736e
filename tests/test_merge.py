"""perfxl merge: totals, provenance, nothing lost, duplicates, safety."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.merging import summary as merge_module
from perfxl.merging.summary import MergeOptions, expand_inputs, merge
from perfxl.write.workbook import DocumentWriter

from .helpers import calamine_values, error_cells


@pytest.fixture
def returned(sample_books):
    """The workbooks generated from every sample, as if returned by five offices."""
    folder = next(iter(sample_books.values()))[1].parent
    return folder, {stem: doc for stem, (doc, _path) in sample_books.items()}


def sheet_rows(path: Path, name: str) -> list[list]:
    ws = openpyxl.load_workbook(path, data_only=True)[name]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def column(rows: list[list], header: str) -> list:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


def to_yuan(value: Decimal, unit: str) -> Decimal:
    return value * 10000 if unit == "万元" else value


def test_totals_equal_the_sums_of_the_yaml(returned, tmp_path):
    folder, docs = returned
    out = tmp_path / "汇总.xlsx"
    result = merge(expand_inputs([str(folder)]), out, MergeOptions(title="测试汇总"))
    assert (result.files, result.merged_files, result.not_merged) == (5, 5, [])
    assert result.projects == sum(len(d.projects) for d in docs.values()) == 29
    assert result.indicators == sum(len(p.indicators) for d in docs.values() for p in d.projects)
    rows = sheet_rows(out, "项目")
    # 年度资金申请总额 of the declaration sample, in 元
    expected = sum(
        p.values["funds.annual_total"] for p in docs["minhang-2024-declaration"].projects
    )
    got = sum(v for v in column(rows, "年度资金申请总额（元）") if v is not None)
    assert Decimal(str(got)) == expected
    # the approval sample is in 万元 and converted; its source unit is kept
    approval = [r for r in rows[1:] if r[3] == "项目支出绩效目标批复表"]
    assert {r[rows[0].index("原金额单位")] for r in approval} == {"万元"}
    assert sum(r[rows[0].index("项目资金申请（元）")] for r in approval) == 50 * 10000
    # the headline amount across all layouts
    layouts = {p: d for p, d in docs.items()}
    total = Decimal(0)
    for doc in layouts.values():
        key = doc.layout.extra["blank"]["amount_field"]
        for project in doc.projects:
            value = project.values.get(key)
            value = value[1] if isinstance(value, tuple) else value
            total += to_yuan(value or Decimal(0), doc.money_unit)
    cover = {}
    for r in sheet_rows(out, "汇总"):
        filled = [v for v in r if v not in (None, "")]
        if len(filled) == 2:  # the counts: a label and its value
            cover[filled[0]] = filled[1]
    assert Decimal(str(cover["项目金额合计（元）"])) == total
    assert cover["合并的项目"] == 29 and cover["未合并（见「未合并」工作表）"] == 0
    # provenance: every indicator row names its file, sheet and cell
    ind = sheet_rows(out, "指标")
    assert len(ind) - 1 == result.indicators
    first = ind[1]
    assert first[1].endswith(".xlsx") and first[2] and first[3]
    # per-unit summary sums the same money
    units = sheet_rows(out, "按单位")
    total_row = next(r for r in units if r[0] == "合计")
    assert total_row[1] == 29


def test_money_unit_of_the_summary(returned, tmp_path):
    folder, docs = returned
    out = tmp_path / "wan.xlsx"
    merge(
        expand_inputs([str(folder / "minhang-2024-declaration.xlsx")]),
        out,
        MergeOptions(money_unit="万元"),
    )
    rows = sheet_rows(out, "项目")
    assert column(rows, "年度资金申请总额（万元）")[0] == pytest.approx(109491.0)


def test_unreadable_and_foreign_files_are_listed_and_the_rest_merged(run_cli, returned, tmp_path):
    folder, _ = returned
    inputs = tmp_path / "in"
    shutil.copytree(folder, inputs)
    (inputs / "损坏.xlsx").write_bytes((folder / "putuo-2020-target.xlsx").read_bytes()[:2000])
    (inputs / "通知.xlsx").write_bytes(b"%PDF-1.4")
    other = openpyxl.Workbook()
    other.active.append(["姓名", "电话"])
    other.save(inputs / "通讯录.xlsx")
    out = tmp_path / "汇总.xlsx"
    code, stdout, err = run_cli("merge", str(inputs), "-o", str(out), "-q")
    assert code == 1
    rejected = sheet_rows(out, "未合并")
    names = {Path(r[1]).name: r[4] for r in rejected[1:]}
    assert set(names) == {"损坏.xlsx", "通知.xlsx", "通讯录.xlsx"}
    assert "R003" in names["通知.xlsx"] and "R008" in names["通讯录.xlsx"]
    assert len(sheet_rows(out, "项目")) - 1 == 29
    assert "未合并" in err


def test_duplicates_under_each_policy(returned, tmp_path):
    folder, _ = returned
    a = tmp_path / "a.xlsx"
    b = tmp_path / "b.xlsx"
    shutil.copyfile(folder / "putuo-2020-target.xlsx", a)
    shutil.copyfile(folder / "putuo-2020-target.xlsx", b)
    os.utime(a, (time.time() - 3600, time.time() - 3600))  # b is newer
    keep = merge([a, b], tmp_path / "keep.xlsx", MergeOptions(duplicates="keep"))
    assert keep.projects == 6 and keep.not_merged == []
    notes = column(sheet_rows(tmp_path / "keep.xlsx", "项目"), "备注")
    assert all(n and n.startswith("重复") for n in notes)
    newer = merge([a, b], tmp_path / "newer.xlsx", MergeOptions(duplicates="newer"))
    assert newer.projects == 3 and len(newer.not_merged) == 3
    assert all(where.startswith(str(a)) for where, _ in newer.not_merged)
    assert {
        Path(p).name for p in column(sheet_rows(tmp_path / "newer.xlsx", "项目"), "来源文件")
    } == {"b.xlsx"}
    with pytest.raises(merge_module.PerfxlError, match="重复"):
        merge([a, b], tmp_path / "stop.xlsx", MergeOptions(duplicates="stop"))
    assert not (tmp_path / "stop.xlsx").exists()


def test_strict_leaves_out_projects_with_errors(returned, tmp_path):
    folder, _ = returned
    result = merge(
        [folder / "minhang-2024-declaration.xlsx"], tmp_path / "s.xlsx", MergeOptions(strict=True)
    )
    assert result.not_merged and all("--strict" in reason for _, reason in result.not_merged)
    assert result.projects + len(result.not_merged) == 11


def test_formula_looking_text_stays_text(tmp_path, write_yaml):
    path = write_yaml(
        """
        layout: declaration
        year: 2024
        department: "=HYPERLINK(\\"http://example.invalid\\",\\"x\\")"
        unit: "+1 中心"
        projects:
          - name: "@项目"
            start: 2024-01-01
            end: 2024-12-31
            funds: {annual_total: 1}
            annual_goal: 目标
            indicators:
              - [产出指标, 数量指标, "-1", "=1+1"]
        """
    )
    book = tmp_path / "in.xlsx"
    DocumentWriter(template_set()).write(load_document(path), book)
    out = tmp_path / "汇总.xlsx"
    merge([book], out, MergeOptions(csv_dir=tmp_path / "csv", sqlite_path=tmp_path / "m.sqlite"))
    wb = openpyxl.load_workbook(out)
    cells = {
        c.value: c.data_type
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    for text in ('=HYPERLINK("http://example.invalid","x")', "+1 中心", "@项目", "-1", "=1+1"):
        assert cells[text] == "s", text
    with open(tmp_path / "csv" / "指标.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][7] == "'-1" and rows[1][8] == "'=1+1"
    db = sqlite3.connect(tmp_path / "m.sqlite")
    assert db.execute("SELECT name FROM projects").fetchone()[0] == "@项目"
    db.close()


def test_same_inputs_same_summary_and_inputs_untouched(returned, tmp_path):
    folder, _ = returned
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.xlsx")}
    paths = expand_inputs([str(folder / "*.xlsx")])
    merge(list(reversed(paths)), tmp_path / "one.xlsx", MergeOptions(), workers=2)
    merge(paths, tmp_path / "two.xlsx", MergeOptions(), workers=1)
    merge(paths, tmp_path / "two.xlsx", MergeOptions(), workers=1)  # a re-run replaces it
    assert calamine_values(tmp_path / "one.xlsx") == calamine_values(tmp_path / "two.xlsx")
    assert {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.xlsx")
    } == before


def test_an_interrupted_merge_leaves_no_output(returned, tmp_path, monkeypatch):
    folder, _ = returned

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(merge_module, "write_summary", boom)
    out = tmp_path / "汇总.xlsx"
    with pytest.raises(KeyboardInterrupt):
        merge([folder / "putuo-2020-target.xlsx"], out, MergeOptions())
    assert list(tmp_path.iterdir()) == []


def test_bad_calls(returned, tmp_path, run_cli):
    folder, _ = returned
    code, _, err = run_cli("merge", str(tmp_path / "none*.xlsx"), "-o", str(tmp_path / "o.xlsx"))
    assert code == 2 and "没有找到任何工作簿" in err
    # a named file that does not exist is an input like any other: listed as not merged
    code, _, err = run_cli(
        "merge", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "o.xlsx"), "-q"
    )
    assert code == 1 and "R001" in err
    code, _, err = run_cli("merge", str(folder), "-o", str(tmp_path / "o.csv"), "-q")
    assert code == 2 and ".xlsx" in err
    code, _, err = run_cli(
        "merge", str(folder), "-o", str(tmp_path / "o.xlsx"), "--duplicates", "maybe", "-q"
    )
    assert code == 2 and "重复处理方式" in err


def test_summary_has_no_error_values_and_is_formatted(returned, tmp_path):
    folder, _ = returned
    out = tmp_path / "汇总.xlsx"
    merge(expand_inputs([str(folder)]), out, MergeOptions())
    assert not error_cells(calamine_values(out))
    wb = openpyxl.load_workbook(out)
    ws = wb["项目"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    money = ws.cell(row=2, column=[c.value for c in ws[1]].index("项目金额（元）") + 1)
    assert money.number_format == "#,##0.00"


def test_forms_option_binds_every_projects_form(returned, tmp_path):
    folder, docs = returned
    out = tmp_path / "汇总.xlsx"
    result = merge(expand_inputs([str(folder)]), out, MergeOptions(forms=True))
    wb = openpyxl.load_workbook(out)
    forms = wb.sheetnames[wb.sheetnames.index("图表") + 1 :]
    assert len(forms) == result.projects == 29
    sheets = calamine_values(out)
    for doc in docs.values():
        for project in doc.projects:
            sheet = next(name for name in forms if name.startswith(project.name[:28]))
            values = {v for row in sheets[sheet] for v in row}
            assert project.name in values
            assert all(ind.values["name"] in values for ind in project.indicators)
    assert not error_cells(sheets)
    assert not wb[
        forms[0]
    ].data_validations.dataValidation  # a printable copy: no dangling dropdowns


def test_project_csv_has_a_column_per_field_with_chinese_headers(returned, tmp_path):
    folder, docs = returned
    merge(expand_inputs([str(folder)]), tmp_path / "汇总.xlsx", MergeOptions(csv_dir=tmp_path))
    raw = (tmp_path / "项目.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel on Windows needs to read UTF-8
    with open(tmp_path / "项目.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    assert len(head) == len(set(head)) > 20
    # every header is Chinese; no JSON column, no English keys
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in head), head
    assert not [c for r in rows[1:] for c in r if c.startswith(("{", "["))]
    assert {"项目名称", "主管部门", "实施单位", "年度资金申请总额（元）"} <= set(head)
    assert len(rows) - 1 == sum(len(d.projects) for d in docs.values())
    by_name = {r[head.index("项目名称")]: dict(zip(head, r)) for r in rows[1:]}
    doc = docs["minhang-2024-declaration"]
    for project in doc.projects:
        row = by_name[project.name]
        assert row["表样"] == doc.layout.name
        assert row["年度资金申请总额（元）"] == f"{project.values['funds.annual_total']:.2f}"
        if project.values.get("annual_goal"):  # long texts too, each in its own column
            assert project.values["annual_goal"] in row.values()
    # 万元 forms are converted to the summary's unit, and say what they were in
    approval = docs["zaozhuang-2021-approval"]
    for project in approval.projects:
        row = by_name[project.name]
        assert row["原金额单位"] == "万元"
        assert row["项目资金申请（元）"] == f"{project.values['funds.amount'] * 10000:.2f}"
