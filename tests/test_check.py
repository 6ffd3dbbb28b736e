"""Reading returned workbooks back and checking them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from perfxl.checks.run import RunOptions, check_file
from perfxl.define.model import load_document, load_document_text
from perfxl.layout.templates import template_set
from perfxl.read.locate import read_workbook
from perfxl.write.workbook import DocumentWriter

from .conftest import SAMPLES


@pytest.fixture
def generated(sample_books):
    return sample_books


def copy_of(generated, stem: str, tmp_path: Path) -> tuple:
    doc, path = generated[stem]
    target = tmp_path / path.name
    shutil.copyfile(path, target)
    return doc, target


def codes(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in report.findings:
        out.setdefault(f.code, []).append(f)
    return out


def same_data(doc, other) -> None:
    """The projects of two loaded definitions hold the same values and indicators."""
    assert [p.name for p in doc.projects] == [p.name for p in other.projects]
    for a, b in zip(doc.projects, other.projects):
        for key, value in a.values.items():
            if value in (None, "") or key.startswith("reported."):
                continue
            assert b.values.get(key) == value, (a.name, key, value, b.values.get(key))
        assert [_filled(i.values) for i in a.indicators] == [
            _filled(i.values) for i in b.indicators
        ], a.name


def _filled(values: dict) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


# ----------------------------------------------------------------------------------------
# extract: the round trip YAML → workbook → YAML


@pytest.mark.parametrize(
    "stem",
    [
        "minhang-2024-declaration",
        "putuo-2020-target",
        "shanghai-2020-target",
        "zaozhuang-2021-approval",
        "jiading-2024-self-eval",
    ],
)
def test_extract_gives_back_the_definition(generated, stem, tmp_path):
    doc, path = generated[stem]
    report = check_file(path, RunOptions(want_definition=True))
    assert report.readable and report.layout == doc.layout.id
    back = load_document_text(report.definition_yaml, "extracted.yaml")
    same_data(doc, back)
    # and generate turns it into the same workbook content again
    again = tmp_path / "again.xlsx"
    DocumentWriter(template_set()).write(back, again)
    report2 = check_file(again, RunOptions(want_definition=True))
    assert report2.definition_yaml.split("\n", 1)[1] == report.definition_yaml.split("\n", 1)[1]


def test_extract_cli_yaml_and_json(run_cli, generated, tmp_path):
    _, path = generated["putuo-2020-target"]
    code, out, err = run_cli("extract", str(path), "-o", str(tmp_path / "p.yaml"))
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "p.yaml").read_text(encoding="utf-8"))
    assert data["layout"] == "target-2020" and len(data["projects"]) == 3
    code, out, err = run_cli("extract", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["files"][0]["projects"][0]["indicators"][0]["parsed"] == {
        "kind": "quantitative",
        "op": ">",
        "value": "90",
        "unit": "%",
    }


# ----------------------------------------------------------------------------------------
# reading what people did to the form


def test_reads_after_rows_inserted_merges_broken_and_labels_changed(generated, tmp_path):
    doc, path = copy_of(generated, "minhang-2024-declaration", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["征地养老费支出"]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    ws.insert_rows(1, 2)  # rows above the form (openpyxl shifts values, not merges: merges gone)
    ws["A1"] = "填报说明：请按要求填写"
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "项目名称":
                cell.value = " 项目名称 *："
            if cell.value == "实施单位":
                cell.value = "实施\n单位"
    # a value typed into the cell a merge used to cover (主管部门 spans B:C)
    dept = next(c for row in ws.iter_rows() for c in row if c.value == "主管部门")
    ws.cell(row=dept.row, column=2).value = None
    ws.cell(row=dept.row, column=3).value = "上海市闵行区人力资源和社会保障局(汇总)"
    # numbers as text, dates as text and as a serial number
    total = next(c for row in ws.iter_rows() for c in row if c.value == "年度资金申请总额")
    ws.cell(row=total.row, column=6).value = "1,094,910,000.00"
    start = next(c for row in ws.iter_rows() for c in row if c.value == "计划开始日期")
    ws.cell(row=start.row, column=2).value = "2024/1/1"
    ws.cell(row=start.row, column=5).value = 45657  # 2024-12-31 as an Excel serial
    # sheets renamed, reordered, one added
    ws.title = "第一个项目"
    wb.move_sheet("第一个项目", offset=3)
    wb.create_sheet("备注").append(["这是我们自己加的说明"])
    wb.save(path)

    rb = read_workbook(path)
    project = next(p for p in rb.projects if p.sheet == "第一个项目")
    assert project.value("name") == "征地养老费支出"
    assert project.value("department") == "上海市闵行区人力资源和社会保障局(汇总)"
    report = check_file(path, RunOptions(want_definition=True))
    found = codes(report)
    assert "F006" in found and "F007" in found
    back = load_document_text(report.definition_yaml, "x.yaml")
    first = next(p for p in back.projects if p.name == "征地养老费支出")
    assert first.values["funds.annual_total"] == Decimal("1094910000")
    assert first.values["start"] == dt.date(2024, 1, 1) and first.values["end"] == dt.date(
        2024, 12, 31
    )
    assert [_filled(i.values) for i in first.indicators] == [
        _filled(i.values) for i in doc.projects[0].indicators
    ]
    assert len(back.projects) == 11


def test_labels_people_changed_are_still_found(generated, tmp_path):
    """The reader indexes only texts that can be labels: a label with spaces, line breaks,
    asterisks or colons typed around and inside it is found all the same, and the sheet
    reads exactly as before."""
    import re

    from perfxl.read.locate import KnownLabels, norm_label

    known = KnownLabels.of(template_set())
    # every character the comparison ignores, typed before a label, leaves it a label
    ignored = [ch for ch in map(chr, range(0x110000)) if norm_label(ch) == ""]
    assert {" ", "\u3000", "*", "＊", ":", "：", "\n"} <= set(ignored)
    for ch in ignored:
        assert known.key_of(f"{ch}项目名称{ch}") == norm_label("项目名称"), repr(ch)
    _, path = copy_of(generated, "minhang-2024-declaration", tmp_path)
    before = read_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.sub(r"\s", "", cell.value) in known.labels:
                cell.value = f" ＊{cell.value[:2]}\n{cell.value[2:]} ：　"
                changed += 1
    wb.save(path)
    assert changed > 10
    after = read_workbook(path)
    assert after.projects[0].sheet == before.projects[0].sheet == ws.title
    for read_before, read_after in zip(before.projects, after.projects):
        assert read_after.missing_labels == read_before.missing_labels == []
        assert read_after.fields == read_before.fields
        assert [i.cells for i in read_after.indicators] == [i.cells for i in read_before.indicators]
    assert len(after.projects) == len(before.projects)


def test_hidden_sheet_facts_come_from_the_document_properties(generated, tmp_path):
    """perfxl writes what its hidden sheet says into custom document properties too; the
    reader takes them from there, and reads the hidden sheet when they are gone or when
    project sheets are missing (only the sheet has their names)."""
    import zipfile

    import python_calamine

    from perfxl.layout.render import META_SHEET
    from perfxl.read.guard import inspect_workbook

    def hidden_sheet(path: Path) -> dict[str, str]:
        """What the hidden sheet says, read here on its own: key, value rows; one row per
        project sheet."""
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name(META_SHEET).to_python()
        said = {str(r[0]): str(r[1]) for r in rows if len(r) >= 2 and r[0] and r[0] != "sheet"}
        said["sheets"] = "\n".join(str(r[1]) for r in rows if r and r[0] == "sheet")
        return said

    for stem, (_, path) in generated.items():
        info = inspect_workbook(path)
        in_sheet = hidden_sheet(path)
        rb = read_workbook(path)
        assert rb.identified_by == "meta", stem
        for key in ("layout", "layout_version", "framework", "year", "money_unit"):
            assert rb.meta[key] == in_sheet[key] == info.properties[key], (stem, key)
        assert rb.meta["sheet_count"] == str(len(in_sheet["sheets"].split("\n")))
    # the properties dropped (an application that does not keep them): the hidden sheet
    _, path = copy_of(generated, "minhang-2024-declaration", tmp_path)
    bare = tmp_path / "无属性.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "docProps/custom.xml":
                dst.writestr(item, src.read(item))
    without = read_workbook(bare)
    assert without.identified_by == "meta" and without.year == read_workbook(path).year
    assert "sheet_count" not in without.meta and without.meta["sheets"]
    # a project sheet deleted: named in S008 from the hidden sheet
    wb = openpyxl.load_workbook(path)
    deleted = wb.worksheets[2].title
    del wb[deleted]
    wb.save(path)
    assert read_workbook(path).info.properties["sheets"] == "11"
    (s008,) = codes(check_file(path, RunOptions()))["S008"]
    assert deleted in s008.message and "下发的 11 张项目表只找到 10 张" in s008.message
    assert s008.severity == "warning"


def test_alias_reported_again_after_a_filled_down_row():
    """A row whose aliased 一级 was filled down raises no I003; a later row that types the
    alias again must still raise it (the remembered clean paths once skipped it)."""
    from perfxl.checks.rules import _indicators, _Out
    from perfxl.read.convert import TypedIndicator, TypedProject

    templates = template_set()
    layout = templates.layout("declaration")
    framework = templates.framework("national-2021")
    level1, level2 = (c.key for c in layout.indicators.level_columns)

    def row(name: str, filled: set[str], r: int) -> TypedIndicator:
        values = {level1: "产出", level2: "数量指标", "name": name, "target": "≥90%"}
        return TypedIndicator(values, {}, filled, r)

    project = TypedProject(
        "s", {"name": "p"}, {}, [row("a", set(), 1), row("b", {level1}, 2), row("c", set(), 3)]
    )
    for _ in range(2):  # the second time with what the first remembered
        out = _Out([], "s", "p")
        _indicators(project, layout, framework, out)
        assert [f.code for f in out.findings].count("I003") == 2


def test_inserted_and_deleted_indicator_rows(generated, tmp_path):
    _, path = copy_of(generated, "putuo-2020-target", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    header = next(c for row in ws.iter_rows() for c in row if c.value == "一级目标")
    ws.delete_rows(header.row + 3, 1)  # drop the third indicator
    last = header.row + 16  # the first empty row after the 15 remaining indicators
    for col, value in zip("ABCD", ["产出目标", "数量", "新增的指标", "=10(次)"]):
        ws[f"{col}{last}"] = value
    wb.save(path)
    rb = read_workbook(path)
    names = [i.value("name") for i in rb.projects[0].indicators]
    assert "预算编制规范性" not in names and "新增的指标" in names
    assert len(names) == 16


def test_level_cells_left_blank_are_filled_down(tmp_path, write_yaml):
    path = write_yaml(
        """
        layout: target-2020
        year: 2020
        unit: 单位
        projects:
          - name: 项目
            category: 新增项目
            start: 2020-01-01
            end: 2020-12-31
            overview: 概况
            basis: 依据
            necessity: 必要性
            measures: 措施
            plan: 计划
            funds: {current_year: 1}
            indicators:
              - [产出目标, 数量, 甲, "=1(次)"]
              - [产出目标, 数量, 乙, "=2(次)"]
              - [产出目标, 质量, 丙, "=100%"]
        """
    )
    out = tmp_path / "f.xlsx"
    DocumentWriter(template_set()).write(load_document(path), out)
    rb = read_workbook(out)
    inds = rb.projects[0].indicators
    assert [(i.value("level1"), i.value("level2")) for i in inds] == [("产出目标", "数量")] * 2 + [
        ("产出目标", "质量")
    ]
    assert "level1" in inds[1].filled_down and "level2" in inds[1].filled_down


def test_form_without_layout_id_is_read_by_labels(generated, tmp_path):
    doc, path = copy_of(generated, "zaozhuang-2021-approval", tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["_perfxl"]
    wb.save(path)
    report = check_file(path, RunOptions(want_definition=True))
    assert report.readable and report.layout == "approval"
    assert "S007" in codes(report)
    same_data(doc, load_document_text(report.definition_yaml, "x.yaml"))


def test_dropdowns_pasted_away_are_reported(generated, tmp_path):
    _, path = copy_of(generated, "putuo-2020-target", tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[1].data_validations.dataValidation = []
    wb.save(path)
    found = codes(check_file(path, RunOptions()))
    assert [f.sheet for f in found["S004"]] == [wb.worksheets[1].title]


def test_values_typed_outside_the_form(generated, tmp_path):
    _, path = copy_of(generated, "putuo-2020-target", tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[1]["H5"] = "这里写了备注"
    wb.save(path)
    (f,) = codes(check_file(path, RunOptions()))["S005"]
    assert f.cell == "H5" and "这里写了备注" in f.message


# ----------------------------------------------------------------------------------------
# the error classes of real forms (domain notes §5.3, E1–E13)


def test_error_classes_of_the_declaration_seed(generated):
    found = codes(check_file(generated["minhang-2024-declaration"][1], RunOptions()))
    # E1: 被调查者满意度 under 社会效益指标; 长效管理机制建立 under 满意度
    e1 = [f.message for f in found["I016"]]
    assert any("被调查者满意度" in m for m in e1) and any("长效管理机制建立" in m for m in e1)
    # E2: a rate with a head count
    assert any("=23000.00(人)" in f.message and f.cell == "F13" for f in found["I012"])
    # E4: "100%" without a comparison symbol
    assert any("「100%」没有比较符号" in f.message for f in found["I010"])
    # E5: goal text says 满意度达100% but the indicator is ≥90%
    assert any("邮寄对象满意度" in f.message for f in found["T003"])
    # E6: a 2023 figure in the 2024 form
    assert any("2023年" in f.message for f in found["T001"])
    # E7: four projects without 成本指标 (recommended, not required, under national-2021: I019)
    assert len([f for f in found["I019"] if "成本指标" in f.message]) == 4
    assert all(f.severity == "warning" for f in found["I019"])
    # E8: text pasted twice
    assert any("政策宣传" in f.message for f in found["T002"])
    # E13: mostly qualitative targets
    assert "I018" in found


def test_error_classes_of_the_2020_seeds(generated):
    found = codes(check_file(generated["shanghai-2020-target"][1], RunOptions()))
    assert any("养老金发放及时率" in f.message for f in found["I012"])  # E2: a rate with 及时
    assert any("库房上架数量" in f.message for f in found["I013"])  # E2: a quantity as a percentage
    assert any("「高」" in f.message or "「低」" in f.message for f in found["I017"])  # E3: vague
    assert any(">=95%" in f.message for f in found["I015"])  # E12: ASCII operator
    found = codes(check_file(generated["putuo-2020-target"][1], RunOptions()))
    assert any("「≥4」没有计量单位" in f.message for f in found["I011"])  # E4


def test_error_classes_of_the_self_evaluation_seed(generated):
    found = codes(check_file(generated["jiading-2024-self-eval"][1], RunOptions()))
    # E11: 7 of 8 where the formula gives 7.97, with a reason: a manual deduction, a warning
    (e008,) = found["E008"]
    assert "7.97" in e008.message and e008.severity == "warning"
    assert any("(百分比)" in f.message for f in found["I015"])  # E12
    assert any("长效管理机制健全性" in f.message for f in found["I016"])  # E1: under 生态效益指标
    assert not any(f.severity == "error" for f in found.get("E001", []) + found.get("E006", []))


def test_e9_incomplete_header_and_e10_totals(tmp_path, write_yaml, generated):
    text = (SAMPLES / "minhang-2024-declaration.yaml").read_text(encoding="utf-8")
    path = write_yaml(text.replace("end: 2024-12-31", "end: '2024'", 1))
    out = tmp_path / "e9.xlsx"
    DocumentWriter(template_set()).write(load_document(path), out)
    found = codes(check_file(out, RunOptions()))
    assert any("「2024」不是完整的有效日期" in f.message for f in found["F002"])  # E9
    doc, path = copy_of(generated, "minhang-2024-declaration", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["外省市差旅费"]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "年度资金申请总额")
    ws.cell(row=label.row, column=6).value = 310000
    wb.save(path)
    (m001,) = codes(check_file(path, RunOptions()))["M001"]  # E10
    assert (
        m001.sheet == "外省市差旅费"
        and "310,000.00" in m001.message
        and "300,000.00" in m001.message
    )


def test_e7_missing_mandatory_level1_is_an_error(tmp_path, write_yaml):
    text = (SAMPLES / "jiading-2024-self-eval.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["projects"] = data["projects"][:1]
    data["projects"][0]["indicators"] = [
        i for i in data["projects"][0]["indicators"] if i["level1"] != "满意度指标"
    ]
    path = write_yaml(yaml.safe_dump(data, allow_unicode=True))
    out = tmp_path / "e7.xlsx"
    DocumentWriter(template_set()).write(load_document(path), out)
    found = codes(check_file(out, RunOptions()))
    assert any(f.severity == "error" and "满意度指标" in f.message for f in found["I004"])
    assert "E004" in found  # the weights no longer add up to 90


def test_self_evaluation_scores(generated, tmp_path):
    _, path = copy_of(generated, "jiading-2024-self-eval", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["其他社会保障类"]
    header = next(c for row in ws.iter_rows() for c in row if c.value == "分值")
    first = header.row + 1
    ws.cell(row=first, column=8).value = 12  # 得分 above 分值 (10)
    ws.cell(row=first + 1, column=8).value = 6  # below, and no reason given
    total_row = next(r for r in ws.iter_rows() if r[0].value == "总分")
    total_row[7].value = 95  # a typed total instead of the formula
    grade_row = next(r for r in ws.iter_rows() if r[0].value == "评分等级")
    grade_row[6].value = "良"
    wb.save(path)
    found = codes(check_file(path, RunOptions()))
    assert found["E003"][0].cell == f"H{first}"
    assert found["E005"][0].cell == f"H{first + 1}"
    assert "E006" in found and "E007" in found


def test_stale_level2_after_level1_changed(generated, tmp_path):
    _, path = copy_of(generated, "putuo-2020-target", tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "投入与管理")
    cell.value = "产出目标"  # 二级 still says 投入管理
    wb.save(path)
    found = codes(check_file(path, RunOptions()))
    assert any("「投入管理」不属于「产出目标」" in f.message for f in found["I002"])


# ----------------------------------------------------------------------------------------
# output


def test_json_contract_and_exit_codes(run_cli, generated):
    code, out, err = run_cli(
        "check", str(generated["jiading-2024-self-eval"][1]), "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"files", "summary"}
    (f,) = data["files"]
    assert set(f) == {"path", "layout", "ok", "projects", "findings"}
    project = f["projects"][0]
    assert set(project) == {"name", "sheet", "fields", "indicators"}
    ind = project["indicators"][0]
    assert {"level1", "level2", "name", "target", "parsed", "cell"} <= set(ind)
    assert set(ind["parsed"]) == {"kind", "op", "value", "unit"}
    assert set(f["findings"][0]) == {"code", "severity", "sheet", "cell", "message", "hint"}
    assert data["summary"] == {
        "files": 1,
        "errors": 0,
        "warnings": sum(1 for x in f["findings"] if x["severity"] == "warning"),
    }
    code, out, err = run_cli("check", str(generated["minhang-2024-declaration"][1]), "-q")
    assert code == 1 and "I012" in out and "征地养老费支出!F13" in out


def test_annotated_copy(run_cli, generated, tmp_path):
    _, path = copy_of(generated, "minhang-2024-declaration", tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, err = run_cli("check", str(path), "--annotate", str(tmp_path / "标注"), "-q")
    assert code == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the original is untouched
    copy = tmp_path / "标注" / "minhang-2024-declaration（检查结果）.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[0] == "检查结果"
    ws = wb["征地养老费支出"]
    assert "I012" in ws["F13"].comment.text and ws["F13"].fill.fgColor.rgb.endswith("FFC7CE")
    results = wb["检查结果"]
    links = [c.hyperlink.location for row in results.iter_rows() for c in row if c.hyperlink]
    assert "'征地养老费支出'!F13" in links
    # formatting and dropdowns survive in the copy
    assert ws.data_validations.dataValidation and ws.merged_cells.ranges
    assert ws["A1"].font.name == "黑体"


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("empty.xlsx", b"", "R002"),
        ("letter.xlsx", b"%PDF-1.4 not a workbook", "R003"),
        ("broken.xlsx", None, "R004"),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 512
            + "EncryptedPackage".encode("utf-16-le"),
            "R005",
        ),
    ],
)
def test_bad_files_are_reported_and_the_batch_goes_on(
    run_cli, generated, tmp_path, name, content, code
):
    bad = tmp_path / name
    good = generated["putuo-2020-target"][1]
    bad.write_bytes(content if content is not None else good.read_bytes()[:3000])
    exit_code, out, err = run_cli("check", str(bad), str(good), "--format", "json")
    assert exit_code == 2
    data = json.loads(out)
    assert [f["path"] for f in data["files"]] == [str(bad), str(good)]
    assert data["files"][0]["findings"][0]["code"] == code
    assert data["files"][1]["projects"]  # the good file was still checked
    assert "Traceback" not in err


def test_billion_laughs_and_zip_bomb(tmp_path, generated):
    import zipfile

    good = generated["putuo-2020-target"][1]
    laughs = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(laughs, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(
                    b"?>", b'?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>', 1
                )
            dst.writestr(item, data)
    assert check_file(laughs, RunOptions()).findings[0].code == "R007"
    bomb = tmp_path / "bomb.xlsx"
    with (
        zipfile.ZipFile(good) as src,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
        with dst.open("xl/media/big.bin", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(160):
                fh.write(chunk)
    assert check_file(bomb, RunOptions()).findings[0].code == "R006"


def test_folder_input_finds_workbooks_recursively(run_cli, generated, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copyfile(generated["putuo-2020-target"][1], tmp_path / "a" / "b" / "x.xlsx")
    (tmp_path / "a" / "~$x.xlsx").write_bytes(b"lock file of an open workbook")
    code, out, err = run_cli("check", str(tmp_path / "a"), "--format", "json")
    data = json.loads(out)
    assert [Path(f["path"]).name for f in data["files"]] == ["x.xlsx"]


def test_xlsm_is_read_and_its_macros_are_not_kept(generated, tmp_path):
    import zipfile

    _, path = generated["putuo-2020-target"]
    xlsm = tmp_path / "宏.xlsm"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro project")
    report = check_file(xlsm, RunOptions(annotate_dir=tmp_path / "out"))
    assert report.readable and report.layout == "target-2020"
    with zipfile.ZipFile(report.annotated) as zf:
        assert not any("vbaProject" in name for name in zf.namelist())
    assert report.annotated.endswith(".xlsx")


def test_check_leaves_the_collector_alone_and_forms_no_cycles(generated, tmp_path):
    """A check neither switches the garbage collector on nor off, and what it builds is freed
    by reference counting alone (no cycles for the collector to find)."""
    import gc

    good = generated["putuo-2020-target"][1]
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    assert gc.isenabled()
    for path in (good, broken):
        check_file(path, RunOptions())
        assert gc.isenabled()
    gc.disable()
    try:
        check_file(good, RunOptions())
        assert not gc.isenabled()  # a caller that switched it off keeps it off
    finally:
        gc.enable()
    gc.collect()
    gc.disable()
    try:
        check_file(good, RunOptions(want_definition=True))
        assert gc.collect() == 0
    finally:
        gc.enable()
