"""The rebuilt corpus is honest test data: sourced, openable, and EXPECTED holds only published text.

No perfxl code is used: these checks judge the corpus itself, before any reader is measured
against it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from python_calamine import CalamineWorkbook

from tests.corpus import FORMS

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"

FIELD_KEYS = {
    "name",
    "parent_name",
    "code",
    "department",
    "unit",
    "manager",
    "phone",
    "project_type",
    "category",
    "nature",
    "period",
    "start",
    "end",
    "overview",
    "purpose",
    "annual_goal",
    "overall_goal",
    "actual_result",
    "remarks",
    "conclusion",
    "problems",
    "improvements",
    "review",
    "total_score",
    "grade",
}
MONEY_LINES = {
    "total",
    "fiscal",
    "carryover",
    "other",
    "special_account",
    "unit_funds",
    "superior",
    "central",
    "provincial",
}
MONEY_COLUMNS = {
    "amount",
    "budget",
    "adjusted",
    "executed",
    "forecast",
    "rate",
    "weight",
    "score",
    "reason",
}
INDICATOR_KEYS = {
    "level1",
    "level2",
    "level3",
    "level4",
    "name",
    "target",
    "nature",
    "value",
    "measure_unit",
    "standard",
    "direction",
    "weight",
    "actual",
    "score",
    "deviation",
    "mid_target",
    "level1_weight",
}
# Indicator keys whose value is one cell of the indicator's own row.
ROW_CELL_KEYS = INDICATOR_KEYS - {
    "level1",
    "level2",
    "level3",
    "level4",
    "name",
    "target",
    "level1_weight",
}
FRAMEWORKS = {"national-2015", "national-2021", "shanghai-2020", "shandong-2021", "evaluation"}
TOP_KEYS = {"money_unit", "framework", "projects", "not_indicators"}
PROJECT_KEYS = {"fields", "money", "indicators", "unmapped"}

MODULES = sorted(FORMS.items())
IDS = [name for name, _ in MODULES]
# A number as a money cell may print it: 3,309,840.00 / 250万 / 20万元 / 854万(…).
_LEADING_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?(?=$|万|元|\()")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _cells(form) -> list[str]:
    return [_text(value) for row in form.rows for value in row if value is not None]


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _LEADING_NUMBER.match(str(value))
    if not match:
        return None
    try:
        return Decimal(match.group().replace(",", ""))
    except InvalidOperation:
        return None


def _is_published_money(expected: str, form) -> bool:
    cells = [value for row in form.rows for value in row if value is not None]
    if expected in (_text(value) for value in cells):
        return True
    wanted = _number(expected)
    return wanted is not None and any(_number(value) == wanted for value in cells)


def _is_published_text(expected: str, form) -> bool:
    """Exact cell text, the same number, or part of a label:value cell such as 预算单位:某局."""
    cells = _cells(form)
    if expected in cells or any(expected in cell for cell in cells):
        return True
    wanted = _number(expected)
    return wanted is not None and any(
        _number(value) == wanted for row in form.rows for value in row if value is not None
    )


def _rows_with(form, text: str) -> list[list[str]]:
    return [[_text(value) for value in row] for row in form.rows if text in map(_text, row)]


def _joins_adjacent_cells(target: str, row: list[str]) -> bool:
    """A target is one cell, or 指标性质|指标值|度量单位 written together."""
    for start in range(len(row)):
        for width in (1, 2, 3):
            if "".join(row[start : start + width]) == target:
                return True
    return False


def _projects(module):
    return module.EXPECTED["projects"]


def _indicators(module):
    return [item for project in _projects(module) for item in project["indicators"]]


def test_every_module_file_is_listed():
    on_disk = {path.stem for path in CORPUS_DIR.glob("*.py") if not path.stem.startswith("_")}
    assert on_disk == set(FORMS)


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_docstring_names_the_source_url(name, module):
    doc = module.__doc__ or ""
    urls = re.findall(r"^Source: (\S+)$", doc, flags=re.MULTILINE)
    assert len(urls) == 1, f"{name}: one 'Source: <URL>' line expected"
    assert re.match(r"https?://[^/\s]+\.[a-z]+/", urls[0]), urls[0]
    assert "Rebuilt the way the unit's own Excel looks" in doc


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_form_saves_and_both_readers_see_the_grid(name, module, tmp_path):
    form = module.FORM
    path = form.save(tmp_path / f"{name}.xlsx")

    sheet = openpyxl.load_workbook(path)[form.sheet]
    assert sorted(str(span) for span in sheet.merged_cells.ranges) == sorted(form.merges)
    for r, row in enumerate(form.rows, start=1):
        for c, value in enumerate(row, start=1):
            assert sheet.cell(row=r, column=c).value == value, (name, r, c)

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(form.sheet).to_python()
    assert len(grid) == len(form.rows)
    for r, row in enumerate(form.rows):
        for c, value in enumerate(row):
            # calamine trims columns that hold no value at all (the empty 13th header cell).
            seen = grid[r][c] if c < len(grid[r]) else ""
            if value is None:
                assert seen == "", (name, r + 1, c + 1)
            elif isinstance(value, str):
                assert seen == value, (name, r + 1, c + 1)
            else:
                assert float(seen) == float(value), (name, r + 1, c + 1)


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_merges_are_inside_the_grid_do_not_overlap_and_cover_only_empty_cells(name, module):
    form = module.FORM
    covered: dict[tuple[int, int], str] = {}
    for span in form.merges:
        min_col, min_row, max_col, max_row = range_boundaries(span)
        assert (min_col, min_row) != (max_col, max_row), f"{name}: {span} is a single cell"
        assert max_row <= len(form.rows) and max_col <= form.width, f"{name}: {span} outside"
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                assert (r, c) not in covered, f"{name}: {span} overlaps {covered.get((r, c))}"
                covered[(r, c)] = span
                if (r, c) != (min_row, min_col):
                    row = form.rows[r - 1]
                    assert c > len(row) or row[c - 1] is None, f"{name}: {span} hides a value"


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_expected_uses_only_canonical_keys(name, module):
    expected = module.EXPECTED
    assert set(expected) <= TOP_KEYS and {"money_unit", "framework", "projects"} <= set(expected)
    assert expected["framework"] in FRAMEWORKS
    assert expected["projects"], f"{name}: no project"
    for project in expected["projects"]:
        assert set(project) <= PROJECT_KEYS
        assert set(project["fields"]) <= FIELD_KEYS, set(project["fields"]) - FIELD_KEYS
        assert "name" in project["fields"]
        for line, columns in project["money"].items():
            assert line in MONEY_LINES, line
            assert columns and set(columns) <= MONEY_COLUMNS, (line, columns)
        for indicator in project["indicators"]:
            assert set(indicator) <= INDICATOR_KEYS, set(indicator) - INDICATOR_KEYS
            assert {"level1", "name"} <= set(indicator)
            assert all(isinstance(v, str) and v for v in indicator.values()), indicator
        for label in project.get("unmapped", {}):
            assert label == label.strip().rstrip(":").replace(" ", ""), label
    all_values = [
        value
        for project in expected["projects"]
        for value in [*project["fields"].values(), *project.get("unmapped", {}).values()]
        + [v for columns in project["money"].values() for v in columns.values()]
    ]
    assert all(isinstance(value, str) for value in all_values), name


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_expected_fields_and_money_are_published_text(name, module):
    form = module.FORM
    unit = module.EXPECTED["money_unit"]
    assert unit is None or any(unit in cell for cell in _cells(form)), unit
    for project in _projects(module):
        for key, value in [*project["fields"].items(), *project.get("unmapped", {}).items()]:
            assert _is_published_text(value, form), f"{name}: {key}={value!r} not in the grid"
        for label in project.get("unmapped", {}):
            assert any(label in cell.replace(" ", "") for cell in _cells(form)), label
        for line, columns in project["money"].items():
            for column, value in columns.items():
                assert _is_published_money(value, form), f"{name}: money {line}.{column}={value!r}"


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_expected_indicators_are_published_text(name, module):
    form = module.FORM
    cells = _cells(form)
    indicators = _indicators(module)
    assert indicators, f"{name}: no indicator asserted"
    for item in indicators:
        rows = _rows_with(form, item["name"])
        assert rows, f"{name}: indicator name {item['name']!r} is not a cell of the grid"
        for level in ("level1", "level2", "level3", "level4"):
            if level in item:
                assert any(item[level] in cell for cell in cells), f"{name}: {item[level]!r}"
        if "level1_weight" in item:
            assert any(
                item["level1"] in cell and f"({item['level1_weight']}分)" in cell for cell in cells
            ), f"{name}: {item['level1']}({item['level1_weight']}分)"
        if "target" in item:
            assert any(_joins_adjacent_cells(item["target"], row) for row in rows), (
                f"{name}: target {item['target']!r} of {item['name']!r} not in its row"
            )
        for key in ROW_CELL_KEYS & set(item):
            assert any(item[key] in row for row in rows), (
                f"{name}: {key}={item[key]!r} of {item['name']!r} not in its row"
            )


@pytest.mark.parametrize(("name", "module"), MODULES, ids=IDS)
def test_not_indicators_are_cells_and_never_expected_indicators(name, module):
    cells = _cells(module.FORM)
    names = {item["name"] for item in _indicators(module)}
    for label in module.EXPECTED.get("not_indicators", []):
        assert label in cells, f"{name}: {label!r} not in the grid"
        assert label not in names
