"""``perfxl next``: a 申报 → 批复 → 监控 → 自评 chain made from the real Minhang 2024 declaration
(sample_data/), where every carried value arrives, carried cells are locked and the cells to
fill are open, and a target changed in a returned workbook is reported (K010–K015)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.api import next_stage
from perfxl.checks.run import RunOptions, check_file
from perfxl.core.errors import PerfxlError
from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.read.convert import typed_project
from perfxl.read.locate import read_workbook
from perfxl.write.workbook import DocumentWriter

from .conftest import DECLARATION_SAMPLE

LEVEL_LOSS = {
    ("成本指标", "经济成本指标"),
    ("成本指标", "社会成本指标"),
    ("成本指标", "生态环境成本指标"),
}


def _read(path: Path):
    rb = read_workbook(path)
    return rb, {
        t.name: t for t in (typed_project(rp, rb.layout, [], rb.money_unit) for rp in rb.projects)
    }


def _codes(path: Path) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in check_file(path, RunOptions()).findings:
        found.setdefault(f.code, []).append(f)
    return found


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    base = tmp_path_factory.mktemp("chain")
    declaration = base / "闵行申报.xlsx"
    doc = load_document(DECLARATION_SAMPLE)
    DocumentWriter(template_set()).write(doc, declaration)
    approval = next_stage("approval", declaration, base / "批复")
    monitor = next_stage("monitor", [f.output for f in approval.files], base / "监控", month=6)
    self_eval = next_stage("self-eval", [f.output for f in monitor.files], base / "自评")
    also = next_stage("self-eval", declaration, base / "由申报自评")
    for result in (approval, monitor, self_eval, also):
        assert result.ok, result.to_dict()
    return (
        doc,
        declaration,
        Path(approval.written[0]),
        Path(monitor.written[0]),
        Path(self_eval.written[0]),
        Path(also.written[0]),
    )


def _indicators(typed, level_keys):
    return [
        (
            tuple(ind.values.get(k) or "" for k in level_keys),
            ind.values.get("name"),
            ind.values.get("target"),
        )
        for ind in typed.indicators
        if ind.values.get("name")
    ]


def test_every_carried_value_arrives_at_every_stage(chain):
    doc, _decl, approval, monitor, self_eval, from_declaration = chain
    expected = {p.name: p for p in doc.projects}
    for path, layout_id in (
        (approval, "approval"),
        (monitor, "monitor"),
        (self_eval, "self-eval"),
        (from_declaration, "self-eval"),
    ):
        rb, typed = _read(path)
        assert rb.layout.id == layout_id and rb.year == 2024
        assert set(typed) == set(expected), path.name
        for name, project in expected.items():
            got = typed[name]
            for key in ("department", "unit", "annual_goal"):
                assert got.values.get(key) == project.values.get(key), (path.name, name, key)
            total = project.values["funds.annual_total"]
            if layout_id == "approval":  # 元 → 万元
                assert got.values["funds.amount"] == pytest.approx(total / 10000)
            else:
                initial = got.values["funds.total"][0]
                factor = 10000 if rb.money_unit == "万元" else 1
                assert Decimal(str(initial)) * factor == pytest.approx(total), (path.name, name)
            wanted = [(i.values["name"], i.values["target"]) for i in project.indicators]
            level_keys = [c.key for c in rb.layout.indicators.level_columns]
            written = _indicators(got, level_keys)
            assert [(n, t) for _, n, t in written] == wanted, (path.name, name)
            if layout_id != "approval":  # the national framework again: the same levels
                original = [(i.values["level1"], i.values["level2"]) for i in project.indicators]
                for (levels, _, _), (l1, l2) in zip(written, original):
                    if path != from_declaration and (l1, l2) in LEVEL_LOSS:
                        assert levels == (l1, ""), "Shandong's 成本指标 has no sub-kind"
                    else:
                        assert levels == (l1, l2), (path.name, name)
    rb, typed = _read(monitor)
    assert {t.values["month"] for t in typed.values()} == {Decimal(6)}


def test_carried_cells_are_locked_and_the_cells_to_fill_are_open(chain):
    _doc, _decl, approval, monitor, self_eval, _ = chain
    for path, locked_headers, open_headers in (
        (approval, ("四级指标", "指标值"), ()),
        (monitor, ("三级指标", "年度指标值"), ("1-6月执行情况", "全年预计完成情况", "原因说明")),
        (self_eval, ("三级指标", "年度指标值"), ("实际完成值", "分值", "得分")),
    ):
        ws = openpyxl.load_workbook(path).worksheets[1]
        assert ws.protection.sheet and not ws.protection.password
        header = next(r for r in ws.iter_rows() if any(c.value in locked_headers for c in r))
        first = header[0].row + 1
        columns = {c.value: c.column for c in header}
        for title in locked_headers:
            assert ws.cell(first, columns[title]).protection.locked, (path.name, title)
        for title in open_headers:
            assert not ws.cell(first, columns[title]).protection.locked, (path.name, title)
    ws = openpyxl.load_workbook(approval).worksheets[1]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    amount = ws.cell(cells["项目资金申请（万元）"].row, cells["项目资金申请（万元）"].column + 1)
    assert amount.protection.locked  # the requested amount is carried
    kind = ws.cell(cells["项目类型"].row, cells["项目类型"].column + 1)
    assert not kind.protection.locked  # what the finance office fills stays open


def test_the_chain_reports_nothing_carried_as_changed(chain):
    for path in chain[2:]:
        codes = set(_codes(path))
        assert not codes & {"K010", "K011", "K012", "K013", "K014", "K015"}, (path.name, codes)


def test_a_changed_target_a_dropped_and_an_added_indicator_are_reported(chain, tmp_path):
    _doc, _decl, _approval, monitor, _self_eval, _ = chain
    changed = tmp_path / "改过的监控表.xlsx"
    shutil.copy(monitor, changed)
    wb = openpyxl.load_workbook(changed)
    ws = wb.worksheets[1]
    header = next(r for r in ws.iter_rows() if r[0].value == "一级指标")
    first = header[0].row + 1
    old_target = ws.cell(first, 4).value
    ws.cell(first, 4).value = "≥1.00(件)"  # lowered, by unprotecting the sheet
    dropped = ws.cell(first + 1, 3).value
    ws.cell(first + 1, 3).value = "自己加的指标"
    goal = next(c for row in ws.iter_rows() for c in row if c.value == "年度总体目标")
    ws.cell(goal.row, goal.column + 2).value = "改写的年度总体目标"
    wb.save(changed)
    found = _codes(changed)
    (k010,) = found["K010"]
    assert k010.cell == f"D{first}" and f"中是「{old_target}」" in k010.message
    assert "批复表" in k010.message and "闵行申报-批复表.xlsx" in k010.message
    assert dropped in found["K011"][0].message
    assert "自己加的指标" in found["K012"][0].message
    assert "年度总体目标" in found["K014"][0].message


def test_a_deleted_project_and_a_tampered_record_are_reported(chain, tmp_path):
    monitor = chain[3]
    path = tmp_path / "少了项目.xlsx"
    wb = openpyxl.load_workbook(monitor)
    name = wb.worksheets[2].title
    del wb[name]
    wb.save(path)
    assert name in _codes(path)["K013"][0].message
    tampered = tmp_path / "改了记录.xlsx"
    wb = openpyxl.load_workbook(monitor)
    meta = wb["_perfxl"]
    for row in meta.iter_rows():
        if row[0].value == "carried":
            row[1].value = row[1].value.replace("≥", "≤", 1)
    wb.save(tampered)
    assert "K015" in _codes(tampered)


def test_a_wrong_stage_a_bad_file_and_an_output_onto_an_input(tmp_path, chain):
    _doc, declaration, _approval, _m, self_eval, _ = chain
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(self_eval, folder / "自评.xlsx")
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    shutil.copy(declaration, folder / "a.xlsx")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # into the folder of its inputs: refused for every input (the next run would read them)
    inside = next_stage("approval", folder, folder)
    assert len(inside.files) == 3 and not inside.written
    assert all("输入文件夹" in (f.error or "") for f in inside.files)
    result = next_stage("approval", folder, tmp_path / "out")
    by_name = {Path(f.source).name: f for f in result.files}
    assert len(result.files) == 3 and not result.ok
    assert "这是财政项目支出绩效自评表，不能生成批复表" in (by_name["自评.xlsx"].error or "")
    assert "坏.xlsx" in (by_name["坏.xlsx"].error or "")
    assert by_name["a.xlsx"].written and Path(by_name["a.xlsx"].output).name == "a-批复表.xlsx"
    # an output that is another input, given as files: refused, that input untouched
    shutil.copy(declaration, tmp_path / "b.xlsx")
    shutil.copy(declaration, tmp_path / "b-批复表.xlsx")
    onto = next_stage("approval", [tmp_path / "b.xlsx", tmp_path / "b-批复表.xlsx"], tmp_path)
    assert "输入文件" in (onto.files[0].error or "") and onto.files[1].written
    assert (tmp_path / "b-批复表.xlsx").read_bytes() == declaration.read_bytes()
    for name, data in before.items():
        assert (folder / name).read_bytes() == data, name  # no input is ever written
    again = next_stage("approval", folder / "a.xlsx", tmp_path / "out")
    assert "文件已存在" in (again.files[0].error or "")
    with pytest.raises(PerfxlError, match="阶段「budget」未知"):
        next_stage("budget", declaration, tmp_path / "x")


def test_next_from_yaml_and_the_command_line(tmp_path, run_cli):
    code, out, _err = run_cli(
        "next", "monitor", str(DECLARATION_SAMPLE), "-o", str(tmp_path), "--month", "9"
    )
    assert code == 0 and "运行监控表.xlsx" in out
    (made,) = tmp_path.glob("*.xlsx")
    rb, typed = _read(made)
    assert {t.values["month"] for t in typed.values()} == {Decimal(9)}
    code, out, _err = run_cli(
        "next", "approval", str(made), "-o", str(tmp_path / "b"), "--format", "json"
    )
    assert code == 2 and '"written": false' in out and "不能生成批复表" in out
