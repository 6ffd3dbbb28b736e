"""Checking forms of other provinces: read by the family vocabulary, checked by the same rules.

The corpus (tests/corpus/) holds 14 real published forms from 8 provinces. None matches a
layout of ours; each must be read (never R008), say how it was read (S009), keep what the
vocabulary does not know (S010), and give no finding that the published form does not
deserve. The true errors the published forms contain must be found.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfxl.checks.run import RunOptions, check_file
from perfxl.layout.templates import builtin_templates_dir

from .corpus import FORMS

# Structural findings no published form deserves: they would mean the reader lost its way.
STRUCTURAL = {"R008", "S002", "S003", "S005", "S006", "S011"}


def codes(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in report.findings:
        out.setdefault(f.code, []).append(f)
    return out


@pytest.fixture(scope="module")
def corpus_reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return {
        name: check_file(module.FORM.save(folder / f"{name}.xlsx"), RunOptions())
        for name, module in FORMS.items()
    }


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_published_form_is_read_by_the_vocabulary(name, corpus_reports):
    report = corpus_reports[name]
    found = codes(report)
    assert report.readable, [f.message for f in report.findings]
    assert report.layout == "family"
    [s009] = found["S009"]
    assert "指标体系按" in s009.message
    assert not STRUCTURAL & found.keys(), {
        c: found[c][0].message for c in STRUCTURAL & found.keys()
    }
    projects = FORMS[name].EXPECTED["projects"]
    assert f"{len(projects)} 个项目" in s009.message


@pytest.mark.parametrize("name", sorted(FORMS))
def test_labels_the_vocabulary_does_not_know_are_listed(name, corpus_reports):
    listed = {f.message for f in codes(corpus_reports[name]).get("S010", [])}
    for project in FORMS[name].EXPECTED["projects"]:
        for label in project.get("unmapped", {}):
            assert any(f"「{label}」" in m for m in listed), label


def test_the_errors_the_published_forms_hold_are_found(corpus_reports):
    # 池州: the 年度资金总额 line reads 0 / 0 / 0 above a 财政拨款 line of 90 / 89.974 / 89.974
    chizhou = codes(corpus_reports["anhui_chizhou_2022_ziping"])
    assert len(chizhou["M009"]) == 3
    # 永德: scores 7 and 9 out of 10 with no reason given
    assert len(codes(corpus_reports["yunnan_yongde_2022_ziping"])["E005"]) == 2
    # 井研: the department line's 8,827,620.53 is more than the two projects shown
    [m007] = codes(corpus_reports["sichuan_jingyan_2023_qingdan"])["M007"]
    assert "8,827,620.53" in m007.message and "3,969,840.00" in m007.message
    # 岳阳县: 854万 typed twice into one cell is no amount
    [f005] = codes(corpus_reports["hunan_yueyangxian_2022_shenbao"])["F005"]
    assert "854万854万" in f005.message


def test_no_money_finding_on_forms_whose_money_is_right(corpus_reports):
    clean = set(FORMS) - {"anhui_chizhou_2022_ziping", "sichuan_jingyan_2023_qingdan"}
    for name in clean:
        found = codes(corpus_reports[name])
        money = {c for c in found if c.startswith("M")}
        assert not money, (name, [found[c][0].message for c in money])


def test_the_framework_follows_the_form(corpus_reports):
    for name, report in corpus_reports.items():
        [s009] = codes(report)["S009"]
        expected = {"national-2015": "2015版", "national-2021": "2021版"}[
            FORMS[name].EXPECTED["framework"]
        ]
        assert expected in s009.message, (name, s009.message)


def test_json_report_holds_the_projects_read(corpus_reports, tmp_path):
    module = FORMS["sichuan_jingyan_2023_qingdan"]
    report = check_file(module.FORM.save(tmp_path / "list.xlsx"), RunOptions(want_projects=True))
    data = report.as_dict()
    names = [p["fields"]["name"] for p in data["projects"]]
    assert names == ["村组干部报酬", "基层组织活动经费"]
    first = data["projects"][0]
    assert first["fields"]["funds.total"] == "3309840.00"
    assert first["indicators"][0]["target"] == "≥95%"


def test_money_typed_with_another_unit_is_converted_and_reported(sample_books, tmp_path):
    """In a form in 元, 年度资金申请总额 typed as 「3.5万」 is 35000 元, and M004 says so."""
    _doc, source = sample_books["minhang-2024-declaration"]
    path = tmp_path / "unit.xlsx"
    shutil.copyfile(source, path)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    target = None
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "年度资金申请总额":
                end = cell.column
                for merged in ws.merged_cells.ranges:
                    if cell.coordinate in merged:
                        end = merged.max_col
                target = ws.cell(row=cell.row, column=end + 1)
    assert target is not None
    target.value = "3.5万"
    wb.save(path)
    report = check_file(path, RunOptions(want_projects=True))
    [m004] = codes(report)["M004"]
    assert m004.cell == target.coordinate and "万元" in m004.message
    project = next(p for p in report.as_dict()["projects"] if p["sheet"] == ws.title)
    assert Decimal(project["fields"]["funds.annual_total"]) == Decimal(35000)


def test_a_new_layout_does_not_change_how_other_forms_are_read(tmp_path, sample_books):
    """Adding a layout must never make a form that was read correctly before be misread:
    the whole corpus and every sample is read again with one more layout in the search
    path, and gives the same layout, projects and findings."""
    folders = tmp_path / "forms"
    folders.mkdir()
    paths = [m.FORM.save(folders / f"{n}.xlsx") for n, m in FORMS.items()]
    paths += [p for _d, p in sample_books.values()]
    before = {p: check_file(p, RunOptions(want_projects=True)).as_dict() for p in paths}
    extra = tmp_path / "templates" / "layouts" / "extra"
    shutil.copytree(builtin_templates_dir() / "layouts" / "approval", extra)
    text = (extra / "layout.yaml").read_text(encoding="utf-8")
    (extra / "layout.yaml").write_text(
        text.replace("id: approval", "id: extra").replace(
            "name: 项目支出绩效目标批复表", "name: 另一种批复表"
        ),
        encoding="utf-8",
    )
    options = RunOptions(templates=(tmp_path / "templates",), want_projects=True)
    for path in paths:
        after = check_file(path, options).as_dict()
        assert after["layout"] == before[path]["layout"], path.name
        assert after["projects"] == before[path]["projects"], path.name
        assert [f["code"] for f in after["findings"]] == [
            f["code"] for f in before[path]["findings"]
        ], path.name


def _relabel(path: Path, old: str, new: str) -> list[str]:
    """Every label cell ``old`` of the project sheets renamed ``new``; the sheets renamed."""
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == old and type(cell).__name__ != "MergedCell":
                    cell.value = new
                    sheets.append(ws.title)
    wb.save(path)
    return sheets


def test_a_label_written_as_its_alias_is_read(sample_books, tmp_path):
    """实施单位 lists 申报单位 among its aliases in layout.yaml: a form that prints the
    alias reads the same, with no S002 or F001."""
    _doc, source = sample_books["minhang-2024-declaration"]
    path = tmp_path / "alias.xlsx"
    shutil.copyfile(source, path)
    before = check_file(source, RunOptions(want_projects=True)).as_dict()
    assert _relabel(path, "实施单位", "申报单位")
    after = check_file(path, RunOptions(want_projects=True)).as_dict()
    assert not {"S002", "F001"} & {f["code"] for f in after["findings"]}
    assert [p["fields"]["unit"] for p in after["projects"]] == [
        p["fields"]["unit"] for p in before["projects"]
    ]


def test_s002_names_the_label_that_is_missing(sample_books, tmp_path):
    """In the 自评表's money grid the row label is found and the column header is not: S002
    names the header, not the row."""
    _doc, source = sample_books["jiading-2024-self-eval"]
    path = tmp_path / "header.xlsx"
    shutil.copyfile(source, path)
    assert _relabel(path, "全年执行数", "执行")
    report = check_file(path, RunOptions())
    missing = {f.message for f in report.findings if f.code == "S002"}
    assert missing and all("「全年执行数」" in m for m in missing), missing


def test_r008_names_what_was_found_and_the_closest_layout(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "档案数字化"])
    ws.append(["主管部门", "某某局"])
    ws.append(["备忘", "这里没有指标表"])
    path = tmp_path / "notes.xlsx"
    wb.save(path)
    report = check_file(path, RunOptions())
    [r008] = [f for f in report.findings if f.code == "R008"]
    assert "「项目名称、主管部门」" in r008.message
    assert "最接近的表样是" in r008.message and "相符" in r008.message


def test_framework_option_overrides_the_detected_one(run_cli, tmp_path):
    path = FORMS["anhui_jinzhai_2021_shenbao"].FORM.save(tmp_path / "jinzhai.xlsx")
    code, out, _err = run_cli("check", str(path), "--format", "json")
    detected = {f["code"]: f for f in _findings(out)}
    assert "2015版" in detected["S009"]["message"]
    code, out, _err = run_cli(
        "check", str(path), "--format", "json", "--framework", "national-2021"
    )
    forced = {f["code"]: f for f in _findings(out)}
    assert "按指定的指标体系" in forced["S009"]["message"]
    # under the 2021 framework 成本指标 is a 一级: the form's 成本指标 under 产出 is misplaced
    assert "I001" in forced and "I001" not in detected


def test_an_unknown_framework_is_a_wrong_call(run_cli, tmp_path):
    path = FORMS["anhui_jinzhai_2021_shenbao"].FORM.save(tmp_path / "jinzhai.xlsx")
    code, _out, err = run_cli("check", str(path), "--framework", "national-2030")
    assert code == 2 and "指标体系「national-2030」不存在" in err and "Traceback" not in err


def _findings(out: str) -> list[dict]:
    import json

    return [f for file in json.loads(out)["files"] for f in file["findings"]]


def test_forms_of_other_provinces_merge_with_their_amounts(tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    for name, module in FORMS.items():
        module.FORM.save(folder / f"{name}.xlsx")
    import perfxl

    result = perfxl.merge([folder], tmp_path / "汇总.xlsx", workers=1)
    assert result.files == len(FORMS) and not result.not_merged
    assert result.projects == sum(len(m.EXPECTED["projects"]) for m in FORMS.values())
    wb = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    rows = list(wb["项目"].iter_rows(min_row=2, values_only=True))
    amounts = {Path(r[1]).stem: r[8] for r in rows}
    # 1125 万元 (a header pair), 251.89 万元 (a money table's 调整后预算数), 387664.62 元
    assert amounts["anhui_jinzhai_2021_shenbao"] == 11250000
    assert amounts["sichuan_qingshen_2023_ziping"] == 2518900
    assert amounts["yunnan_yongde_2022_ziping"] == 387664.62


def test_the_text_report_names_how_a_form_was_read_in_chinese(run_cli, tmp_path, sample_books):
    path = FORMS["hunan_nanyue_2018_shenbao"].FORM.save(tmp_path / "nanyue.xlsx")
    _doc, ours = sample_books["minhang-2024-declaration"]
    _code, out, _err = run_cli("check", str(path), str(ours))
    assert "（其他地区的表，按通用词表读取）" in out
    assert "（财政项目支出绩效目标申报表）" in out and "（family）" not in out


def test_dongguan_levels_and_tolerance_are_no_errors(corpus_reports):
    """Dongguan's 2019 批复表 prints its own 二级 names (预算(或投资规模)控制指标, 社会、经济、生态效益
    指标) and a tolerance target (±3%以内) for a 误差率: none of them is an error of the form."""
    found = codes(corpus_reports["guangdong_dongguan_2019_pifu"])
    assert "I001" not in found and "I012" not in found
    aliases = {f.cell: f.message for f in found["I003"]}
    assert "「成本指标」" in aliases["F11"] and "「社会效益指标」" in aliases["F12"]


def test_the_reason_column_of_a_money_table_is_kept(tmp_path):
    """青神's money table has a 原因 column: its text reaches the report, as every other
    money cell does (it was read, then dropped on the way to the checks)."""
    path = FORMS["sichuan_qingshen_2023_ziping"].FORM.save(tmp_path / "qingshen.xlsx")
    report = check_file(path, RunOptions(want_projects=True))
    reason = report.as_dict()["projects"][0]["fields"]["funds.total.reason"]
    assert reason.startswith("1.预算执行率=预算执行数/调整后预算数")
