"""The family reader on real published forms of 14 units from 8 provinces (tests/corpus/).

Each form is saved as the unit's own Excel would hold it and read back through
python-calamine, as `perfxl check` reads it; every project, header value, money line and
indicator row that the published form holds must come back, and nothing else.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import python_calamine

from perfxl.layout.detect import detect_framework
from perfxl.layout.templates import builtin_templates_dir, template_set
from perfxl.read.convert import text_of
from perfxl.read.family import FamilySheet, load_vocabulary, read_family_sheet, vocabulary_from_data
from perfxl.read.money import in_unit, parse_money

from .corpus import FORMS

AMOUNT_COLUMNS = {"amount", "budget", "adjusted", "executed", "forecast"}


def vocab():
    return load_vocabulary((builtin_templates_dir(),))


def read_form(module: Any, tmp_path: Path) -> FamilySheet:
    path = module.FORM.save(tmp_path / "form.xlsx")
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    return read_family_sheet(
        sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges, "Sheet1", vocab()
    )


def same_text(got: Any, want: str) -> bool:
    """A cell equals the published text; numbers compare as numbers (284500.0 = "284500.00")."""
    text = text_of(got)
    if text == want:
        return True
    a, b = parse_money(got), parse_money(want)
    return a is not None and b is not None and a.amount == b.amount and a.unit == b.unit


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_project_and_header_value_is_read(name, tmp_path):
    module = FORMS[name]
    sheet = read_form(module, tmp_path)
    expected = module.EXPECTED["projects"]
    assert len(sheet.projects) == len(expected)
    for project, want in zip(sheet.projects, expected):
        got = {key: text_of(cell.value) for key, cell in project.fields.items()}
        for key, value in want.get("fields", {}).items():
            assert got.get(key) == value, f"{key}: {got.get(key)!r}"
        unmapped = dict(project.unmapped)
        for label, value in want.get("unmapped", {}).items():
            assert label in unmapped, f"{label} not kept: {sorted(unmapped)}"
            assert same_text(unmapped[label].value, value)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_money_is_read_in_the_forms_unit(name, tmp_path):
    module = FORMS[name]
    sheet = read_form(module, tmp_path)
    unit = module.EXPECTED.get("money_unit")
    for project, want in zip(sheet.projects, module.EXPECTED["projects"]):
        if unit and want.get("money"):
            assert project.money_unit == unit
        for line, columns in want.get("money", {}).items():
            for column, value in columns.items():
                cell = project.money.get(line, {}).get(column)
                assert cell is not None, f"{line}.{column} not read"
                if column in AMOUNT_COLUMNS:
                    money = parse_money(cell.value)
                    assert money is not None
                    assert in_unit(money, project.money_unit or "元") == Decimal(value)
                else:
                    assert text_of(cell.value) == value


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_indicator_row_and_no_other_row(name, tmp_path):
    module = FORMS[name]
    sheet = read_form(module, tmp_path)
    for project, want in zip(sheet.projects, module.EXPECTED["projects"]):
        rows = want.get("indicators", [])
        assert len(project.indicators) == len(rows)
        for indicator, expected in zip(project.indicators, rows):
            got = {k: text_of(c.value) for k, c in indicator.cells.items()}
            got.update({f"{k}_weight": text_of(w) for k, w in indicator.level_weights.items()})
            for key, value in expected.items():
                assert got.get(key) == value, f"row {indicator.row + 1} {key}: {got.get(key)!r}"
        names = {text_of(i.value("name")) for i in project.indicators}
        for closing in module.EXPECTED.get("not_indicators", []):
            assert closing not in names


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_framework_is_detected_from_the_level_names(name, tmp_path):
    module = FORMS[name]
    sheet = read_form(module, tmp_path)
    templates = template_set(())
    frameworks = [templates.framework(i) for i in templates.framework_ids()]
    paths = [
        tuple(ind.value(k) for k in project.level_keys)
        for project in sheet.projects
        for ind in project.indicators
    ]
    found = detect_framework(paths, frameworks, sheet.year)
    assert found is not None and found.framework == module.EXPECTED["framework"]
    assert found.reason.startswith("一级指标为")


def test_a_list_sheet_has_several_projects_and_a_department_line(tmp_path):
    sheet = read_form(FORMS["sichuan_jingyan_2023_qingdan"], tmp_path)
    assert sheet.list_sheet
    assert [p.value("name") for p in sheet.projects] == ["村组干部报酬", "基层组织活动经费"]
    assert [len(p.indicators) for p in sheet.projects] == [8, 5]
    [total] = sheet.department_totals
    assert total.label.value == "820-马踏镇部门" and total.amount is not None
    assert parse_money(total.amount.value).amount == Decimal("8827620.53")  # type: ignore[union-attr]
    # the department line is no project, and names the department of those below it
    assert all(p.value("department") == "820-马踏镇部门" for p in sheet.projects)


def test_split_targets_are_joined_and_keep_their_parts(tmp_path):
    sheet = read_form(FORMS["yunnan_yongde_2022_ziping"], tmp_path)
    first = sheet.projects[0].indicators[0]
    assert text_of(first.value("target")) == "≧735人次"
    assert (first.value("nature"), text_of(first.value("value")), first.value("measure_unit")) == (
        "≧",
        "735",
        "人次",
    )


def test_points_in_level_cells_are_the_levels_weight(tmp_path):
    sheet = read_form(FORMS["sichuan_zhongjiang_2022_ziping"], tmp_path)
    weights = {
        (ind.value("level1"), ind.level_weights.get("level1"))
        for ind in sheet.projects[0].indicators
    }
    assert weights == {
        ("产出指标", Decimal(70)),
        ("效益指标", Decimal(20)),
        ("满意度指标", Decimal(10)),
    }


@pytest.mark.parametrize(
    "typed, amount, unit",
    [
        ("250万", "250", "万元"),
        ("150万元", "150", "万元"),
        ("1,094,910,000.00元", "1094910000.00", "元"),
        ("8,827,620.53", "8827620.53", None),
        ("854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)", "854", "万元"),
        (387664.62, "387664.62", None),
        (10, "10", None),
    ],
)
def test_money_as_people_type_it(typed, amount, unit):
    money = parse_money(typed)
    assert money is not None and money.amount == Decimal(amount) and money.unit == unit


@pytest.mark.parametrize(
    "typed", ["≤1125万元", "约250万", "二百万", "", None, float("nan"), "250万美元"]
)
def test_what_is_not_an_amount(typed):
    assert parse_money(typed) is None


def test_amounts_convert_to_the_forms_unit():
    assert in_unit(parse_money("250万"), "元") == Decimal(2500000)  # type: ignore[arg-type]
    assert in_unit(parse_money("1,500,000元"), "万元") == Decimal(150)  # type: ignore[arg-type]


def test_a_new_synonym_is_a_line_of_yaml():
    rows = [
        ["项目名称", "档案数字化"],
        ["承办处室", "办公室"],
        ["一级指标", "二级指标", "三级指标"],
    ]
    data: dict[str, Any] = {
        "fields": {"name": ["项目名称"]},
        "indicator_columns": {
            "level1": ["一级指标"],
            "level2": ["二级指标"],
            "level3": ["三级指标"],
        },
    }
    before = read_family_sheet(rows, [], "S", vocabulary_from_data(data, "test")).projects[0]
    assert before.value("unit") is None and dict(before.unmapped)["承办处室"].value == "办公室"
    data["fields"]["unit"] = ["承办处室"]
    after = read_family_sheet(rows, [], "S", vocabulary_from_data(data, "test")).projects[0]
    assert after.value("unit") == "办公室" and after.unmapped == []


def test_what_the_vocabulary_does_not_know_is_kept_as_pairs(tmp_path):
    sheet = read_form(FORMS["gansu_jiayuguan_2023_mubiao"], tmp_path)
    unmapped = dict(sheet.projects[0].unmapped)
    assert text_of(unmapped["项目完成H期"].value) == "2023-12-31"
    assert text_of(unmapped["组织实施单位"].value) == "甘肃省文物局"


def test_a_dash_where_a_column_does_not_apply_is_no_value(tmp_path):
    sheet = read_form(FORMS["sichuan_qingshen_2023_ziping"], tmp_path)
    money = sheet.projects[0].money
    assert "weight" in money["total"] and "weight" not in money["fiscal"]
    assert "other" not in money or not money["other"]
