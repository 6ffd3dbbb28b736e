"""``layout init``: a starting layout from a province's blank form (tests/blanks/), so that
generate makes that form from YAML and the generated form reads back with the same fields."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import perfxl
from perfxl.checks.run import RunOptions, check_file

from .blanks import BLANKS

DEFINITION = """\
layout: jiaxian
year: 2025
projects:
  - name: 校舍维修（示例）
    department: 示例教育局
    unit: 示例第一中学
    manager: 某某
    funds: {total: 120, fiscal: 100, unit_funds: 20}
    overview: 维修三栋校舍（示例）
    overall_goal: 完成全部校舍维修（示例）
    annual_goal: 年内完成三栋校舍维修（示例）
    indicators:
      - [产出指标, 数量指标, 维修校舍数, =3个]
      - [产出指标, 质量指标, 验收合格率, ≥95%]
      - [效益指标, 社会效益指标, 安全隐患消除率, =100%]
      - [满意度指标, 服务对象满意度指标, 师生满意度, ≥90%]
"""


@pytest.fixture(scope="module")
def jiaxian(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init")
    form = BLANKS["shaanxi_jiaxian_2016_shenbao"].FORM.save(folder / "佳县空白表.xlsx")
    templates = folder / "模板"
    result = perfxl.layout_init(form, templates / "layouts" / "jiaxian")
    return form, templates, result


def test_the_layout_has_the_fields_blank_form_fills(jiaxian, tmp_path):
    form, _templates, result = jiaxian
    assert result.layout == "jiaxian" and len(result.written) == 2
    layout = yaml.safe_load(Path(result.written[0]).read_text(encoding="utf-8"))
    assert layout["id"] == "jiaxian" and layout["money_unit"] == "万元"
    labels = {f["label"]: f["key"] for f in layout["fields"]}
    assert labels["项目名称"] == "name" and labels["项目实施单位"] == "unit"
    assert labels["主管部门"] == "department" and labels["年度目标"] == "annual_goal"
    # the labels blank --form types next to are fields here too: the same label matching
    roster = tmp_path / "名单.yaml"
    roster.write_text(
        "year: 2025\ndepartments:\n  - {department: 示例局, unit: 示例单位}\n", encoding="utf-8"
    )
    copies = perfxl.blank(roster, tmp_path / "副本", form=form)
    assert set(copies.form_fields) <= set(result.fields)
    keys = [c["key"] for c in layout["indicators"]["columns"]]
    assert keys == ["level1", "level2", "name", "target", "remark"]
    assert result.to_dict()["columns"] == ["一级指标", "二级指标", "指标内容", "指标值", "备注"]


def test_generate_makes_the_form_and_it_reads_back_with_the_same_fields(jiaxian, tmp_path):
    _form, templates, _result = jiaxian
    loaded = perfxl.load(DEFINITION, templates=[templates])
    assert loaded.ok, loaded.error
    out = tmp_path / "佳县.xlsx"
    assert perfxl.generate(loaded, out, templates=[templates]).ok
    report = check_file(out, RunOptions(templates=(templates,), want_projects=True))
    assert report.layout == "jiaxian"
    assert not {"S002", "S003", "S005"} & {f.code for f in report.findings}
    [project] = report.as_dict()["projects"]
    want = yaml.safe_load(DEFINITION)["projects"][0]
    for key, value in want.items():
        if key == "indicators":
            continue
        if key == "funds":
            for member, amount in value.items():
                assert Decimal(project["fields"][f"funds.{member}"]) == amount, member
        else:
            assert project["fields"][key] == value, key
    assert [[i["level1"], i["level2"], i["name"], i["target"]] for i in project["indicators"]] == [
        row for row in want["indicators"]
    ]


def test_a_form_whose_table_fits_no_framework_is_refused_in_chinese(tmp_path, run_cli):
    """大庆's table has one controlled level (二级指标 over 三级指标): no framework has one."""
    form = BLANKS["heilongjiang_daqing_shenbao"].FORM.save(tmp_path / "大庆.xlsx")
    code, _out, err = run_cli(
        "layout", "init", str(form), "-o", str(tmp_path / "layouts" / "daqing")
    )
    assert code == 2 and "层级" in err and "Traceback" not in err
    assert not (tmp_path / "layouts" / "daqing" / "layout.yaml").exists()


def test_the_folder_name_is_the_layout_id_and_must_be_one(jiaxian, tmp_path, run_cli):
    form, _templates, _result = jiaxian
    code, _out, err = run_cli("layout", "init", str(form), "-o", str(tmp_path / "佳县"))
    assert code == 2 and "表样 id" in err
    code, out, _err = run_cli("layout", "init", str(form), "-o", str(tmp_path / "jx"))
    assert code == 0 and "已写出表样「jx」" in out
