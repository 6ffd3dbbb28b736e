"""Loading project definitions: the sample, Chinese keys, and every class of bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from perfxl.core.errors import ERROR, INFO, WARNING, DefinitionError
from perfxl.define.model import LoadOptions, load_document

from .conftest import DECLARATION_SAMPLE, MINIMAL


def errors_of(path, options=None) -> list:
    with pytest.raises(DefinitionError) as info:
        load_document(path, options)
    return [d for d in info.value.diagnostics if d.severity == ERROR]


def test_sample_loads_every_project_and_amount():
    doc = load_document(DECLARATION_SAMPLE)
    assert doc.layout.id == "declaration"
    assert doc.framework.id == "national-2021"
    assert doc.year == 2024 and doc.money_unit == "元"
    assert len(doc.projects) == 11
    assert sum(len(p.indicators) for p in doc.projects) == 101
    first = doc.projects[0]
    assert first.name == "征地养老费支出"
    assert first.get("funds.annual_total") == Decimal("1094910000.00")
    assert first.get("start") == dt.date(2024, 1, 1)
    # inherited from the top of the file
    assert first.get("unit") == "上海市闵行区社会保障服务中心"
    # a project may override an inherited field
    assert doc.projects[-1].get("department") == "闵行区人力资源和社会保障局 (汇总)"
    assert first.indicators[0].values == {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "征地养老资金应发实发率",
        "target": "=23000.00(人)",
    }


def test_chinese_keys_are_accepted(write_yaml):
    path = write_yaml(
        """
        表样: declaration
        年度: 2024
        主管部门: 测试局
        实施单位: 测试中心
        项目:
          - 项目名称: 中文键项目
            计划开始日期: 2024-01-01
            计划完成日期: 2024年12月31日
            项目资金: {年度资金申请总额: "1,000.50", 当年财政拨款: 1000.50}
            年度总体目标: 目标
            绩效指标:
              - {一级指标: 产出, 二级指标: 数量, 三级指标: 件数, 指标值: "=1(件)"}
        """
    )
    doc = load_document(path)
    project = doc.projects[0]
    assert project.name == "中文键项目"
    assert project.get("end") == dt.date(2024, 12, 31)
    assert project.get("funds.annual_total") == Decimal("1000.50")
    ind = project.indicators[0]
    # aliases are written with their canonical names, and said so
    assert ind.values["level1"] == "产出指标" and ind.values["level2"] == "数量指标"
    infos = [d for d in doc.diagnostics if d.severity == INFO]
    assert any("「产出」已按规范名称写成「产出指标」" in d.message for d in infos)


def test_values_keep_their_raw_text(write_yaml):
    path = write_yaml(
        MINIMAL.replace("name: 测试项目", "name: 2024").replace("完成测试工作。", "0.10")
    )
    project = load_document(path).projects[0]
    assert project.name == "2024"
    assert project.get("annual_goal") == "0.10"


def test_malformed_yaml_names_line_and_column(write_yaml):
    path = write_yaml("layout: declaration\nyear: 2024\nprojects:\n  - name: a\n   bad: [1, 2\n")
    errors = errors_of(path)
    assert len(errors) == 1
    assert errors[0].location.path == str(path)
    assert errors[0].location.line is not None and errors[0].location.line >= 4
    assert "YAML 格式错误" in errors[0].message


def test_tab_indentation_is_explained(write_yaml):
    path = write_yaml("layout: declaration\nyear: 2024\nprojects:\n\t- name: a\n")
    (error,) = errors_of(path)
    assert "制表符" in error.message
    assert error.location.line == 4


def test_unknown_layout(write_yaml):
    path = write_yaml(MINIMAL.replace("layout: declaration", "layout: declaraton"))
    (error,) = errors_of(path)
    assert "表样「declaraton」不存在" in error.message
    assert "declaration" in error.hint
    assert error.location.line == 1


def test_unknown_framework(write_yaml):
    path = write_yaml(MINIMAL.replace("year: 2024", "framework: national-2030\nyear: 2024"))
    (error,) = errors_of(path)
    assert "指标体系「national-2030」不存在" in error.message
    assert error.location.line == 2


def test_unknown_level1_and_level2_under_wrong_level1(write_yaml):
    path = write_yaml(
        MINIMAL.replace("[产出指标, 数量指标,", "[产出指数, 数量指标,").replace(
            "[满意度指标, 服务对象满意度指标,", "[满意度指标, 数量指标,"
        )
    )
    errors = errors_of(path)
    assert len(errors) == 2
    assert "一级指标「产出指数」不在指标体系 national-2021" in errors[0].message
    assert errors[0].location.line == 15 and errors[0].location.column == 10
    assert "二级指标「数量指标」不属于「满意度指标」" in errors[1].message
    assert [e.code for e in errors] == ["D028", "D029"]
    assert "服务对象满意度指标" in errors[1].hint


def test_lenient_downgrades_level_errors_to_warnings(write_yaml):
    path = write_yaml(MINIMAL.replace("[满意度指标, 服务对象满意度指标,", "[满意度指标, 数量指标,"))
    doc = load_document(path, LoadOptions(lenient_levels=True))
    warnings = [d for d in doc.diagnostics if d.severity == WARNING]
    assert len(warnings) == 1 and "已按原文写入" in warnings[0].hint
    assert doc.projects[0].indicators[1].values["level2"] == "数量指标"


def test_missing_required_keys(write_yaml):
    path = write_yaml(
        """
        layout: declaration
        projects:
          - name: 缺项目
            indicators: []
        """
    )
    messages = [e.message for e in errors_of(path)]
    assert "缺少年度 year" in messages
    for label in (
        "主管部门",
        "实施单位",
        "计划开始日期",
        "计划完成日期",
        "年度资金申请总额",
        "年度总体目标",
    ):
        assert any(f"缺少必填项「{label}」" in m for m in messages), label


def test_missing_projects(write_yaml):
    path = write_yaml("layout: declaration\nyear: 2024\n")
    (error,) = errors_of(path)
    assert "缺少项目列表 projects" in error.message


def test_invalid_date_is_an_error_with_location(write_yaml):
    path = write_yaml(MINIMAL.replace("start: 2024-01-01", "start: 2024-13-01"))
    (error,) = errors_of(path)
    assert "计划开始日期「2024-13-01」不是有效日期" in error.message
    assert (error.location.line, error.location.column) == (10, 12)


def test_partial_date_is_a_warning_and_kept_as_text(write_yaml):
    path = write_yaml(MINIMAL.replace("end: 2024-12-31", "end: '2024'"))
    doc = load_document(path)
    assert doc.projects[0].get("end") == "2024"
    assert any(d.severity == WARNING and "不是完整日期" in d.message for d in doc.diagnostics)


def test_start_after_end(write_yaml):
    path = write_yaml(MINIMAL.replace("start: 2024-01-01", "start: 2025-01-01"))
    (error,) = errors_of(path)
    assert "晚于完成日期" in error.message


def test_money_must_be_a_number(write_yaml):
    path = write_yaml(MINIMAL.replace("annual_total: 1000.00", "annual_total: 一千元"))
    (error,) = errors_of(path)
    assert "年度资金申请总额「一千元」不是数字" in error.message


def test_year_must_be_a_year(write_yaml):
    path = write_yaml(MINIMAL.replace("year: 2024", "year: 二〇二四"))
    (error,) = errors_of(path)
    assert "年度「二〇二四」无效" in error.message


def test_duplicate_project_names(write_yaml):
    text = MINIMAL + MINIMAL[MINIMAL.index("  - name: 测试项目") :]
    path = write_yaml(text)
    (error,) = errors_of(path)
    assert "项目名称「测试项目」重复（第一次出现在第 7 行）" in error.message
    assert error.location.line > 7


@pytest.mark.parametrize("char", list("/\\?*[]:"))
def test_project_name_with_sheet_forbidden_character(write_yaml, char):
    """Accepted verbatim; a note says which sheet tab it gets (full-width character)."""
    path = write_yaml(MINIMAL.replace("name: 测试项目", f"name: '测试{char}项目'"))
    doc = load_document(path)
    assert doc.projects[0].name == f"测试{char}项目"
    (note,) = [d for d in doc.diagnostics if d.code == "D032"]
    assert note.severity == "info" and "Excel 工作表名不允许的字符" in note.message
    assert (
        "工作表名写成「测试" + char.translate(str.maketrans("/\\?*[]:", "／＼？＊［］："))
        in note.message
    )


def test_duplicate_keys(write_yaml):
    path = write_yaml(
        MINIMAL.replace(
            "    category: 特定目标类\n", "    category: 特定目标类\n    category: 其他运转类\n"
        )
    )
    (error,) = errors_of(path)
    assert "键「category」重复出现" in error.message
    assert error.location.line == 10


def test_unknown_key_suggests_the_right_one(write_yaml):
    path = write_yaml(MINIMAL.replace("annual_goal:", "anual_goal:"))
    error, missing = errors_of(path)
    assert "缺少必填项「年度总体目标」" in missing.message
    assert "未知的键「anual_goal」" in error.message
    assert "annual_goal" in error.hint


def test_indicator_with_too_many_values(write_yaml):
    path = write_yaml(MINIMAL.replace('"=10.00(件)"]', '"=10.00(件)", 多余]'))
    (error,) = errors_of(path)
    assert "多于表格的 4 列" in error.message


def test_all_errors_are_reported_at_once(write_yaml):
    path = write_yaml(
        MINIMAL.replace("start: 2024-01-01", "start: 2024-02-30").replace(
            "annual_total: 1000.00", "annual_total: x"
        )
    )
    assert len(errors_of(path)) == 2


def test_gbk_file_is_explained(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(MINIMAL.encode("gb18030"))
    with pytest.raises(DefinitionError) as info:
        load_document(path)
    assert "GBK" in str(info.value) and "UTF-8" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(DefinitionError) as info:
        load_document(tmp_path / "nope.yaml")
    assert "文件不存在" in str(info.value)


def _alias_bomb(levels: int = 9) -> str:
    lines = ["layout: declaration", "year: 2024", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"projects: [{{name: t, indicators: *a{levels}}}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text, code",
    [
        ("layout: declaration\nyear: 2024\nprojects: &p [*p]\n", "D045"),
        ("layout: declaration\nyear: 2024\nprojects: " + "[" * 600 + "]" * 600 + "\n", "D043"),
        ("layout: declaration\nyear: 2024\nprojects: " + "[" * 5000 + "]" * 5000 + "\n", "D043"),
        (_alias_bomb(), "D044"),
    ],
    ids=["alias-of-itself", "600-nested", "5000-nested", "nine-level-alias-bomb"],
)
def test_hostile_yaml_is_refused_before_anything_is_built(write_yaml, text, code):
    path = write_yaml(text)
    with pytest.raises(DefinitionError) as info:
        load_document(path)
    [problem] = info.value.diagnostics
    assert problem.code == code and problem.severity == ERROR
    assert problem.file == str(path) and problem.line is not None


def test_an_amount_no_spreadsheet_can_hold_is_refused(write_yaml):
    assert "annual_total: 1000.00," in MINIMAL
    text = MINIMAL.replace("annual_total: 1000.00,", "annual_total: 1e400,")
    with pytest.raises(DefinitionError) as info:
        load_document(write_yaml(text))
    [too_large] = [d for d in info.value.diagnostics if d.severity == ERROR]
    assert too_large.code == "D046" and "1e400" in too_large.message
