"""Forms people can type into: what a unit types into a blank form is what perfxl reads back.

Typed into a General cell, the recommended ``=12000.00(件)`` becomes a broken formula and
``100%`` the number 1 (Excel, WPS and LibreOffice alike). Every target and free-text input
cell of every layout is therefore Text-formatted. The LibreOffice test enters text into
generated blanks (``tests/uno_typing.py``), saves them, and checks the saved values.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

import perfxl
from perfxl.layout.templates import template_set
from perfxl.write.blank import BlankFile, BlankOptions, Roster, RosterUnit, plan_blank, write_blank
from perfxl.write.workbook import DocumentWriter

from .helpers import calamine_values
from .libreoffice import type_into

TEXT_TYPES = ("text", "longtext", "choice", "level")

# Two indicator rows per layout: a count with the recommended =12000.00(件), and a rate
# written as people write it, 100%. The level names are each layout's framework's.
ROWS = {
    "declaration": (("产出指标", "数量指标"), ("满意度指标", "服务对象满意度指标")),
    "self-eval": (("产出指标", "数量指标"), ("满意度指标", "服务对象满意度指标")),
    "target-2020": (("产出目标", "数量"), ("效果目标", "满意度")),
    "approval": (
        ("产出", "项目产出", "数量指标"),
        ("效果", "项目效益", "社会公众或服务对象满意度"),
    ),
}
COUNT_TARGET, RATE_TARGET = "=12000.00(件)", "100%"


def _blank(layout_id: str, out: Path) -> BlankFile:
    roster = Roster(
        out / "名单.yaml",
        {"layout": layout_id, "year": 2025},
        [RosterUnit("测试主管部门", f"测试单位{layout_id}", [("项目一", Decimal(100))])],
    )
    (planned,) = plan_blank(roster, BlankOptions(), out)
    assert write_blank([planned], BlankOptions()) == [None]
    return planned


def _input_cells(planned: BlankFile) -> tuple[str, list[tuple[str, str, object]]]:
    """The project sheet's name and its text input cells: (A1, what, FieldSpec)."""
    doc = planned.document
    layout = doc.layout
    spec = DocumentWriter(template_set()).project_spec(doc, doc.projects[0])
    cells = []
    for cell in spec.cells:
        if cell.kind == "field":
            fspec = layout.field(str(cell.data["field"]))
            what = f"field:{cell.data['field']}"
        elif cell.kind == "ind":
            fspec = layout.indicators.column(str(cell.data["col"]))
            what = f"ind:{cell.data['col']}:{cell.row}"
        else:
            continue
        if fspec is not None and fspec.type in TEXT_TYPES:
            cells.append((xl_rowcol_to_cell(cell.row, cell.col), what, fspec))
    sheet = "项目一"
    return sheet, cells


@pytest.mark.parametrize("layout_id", sorted(ROWS))
def test_every_text_input_cell_is_text_formatted(tmp_path, layout_id):
    planned = _blank(layout_id, tmp_path)
    sheet, cells = _input_cells(planned)
    ws = openpyxl.load_workbook(planned.output)[sheet]
    assert cells
    for ref, what, _ in cells:
        assert ws[ref].number_format == "@", (layout_id, ref, what)
        assert ws[ref].protection.locked is False, (layout_id, ref, what)


def _edits(layout_id: str, planned: BlankFile) -> tuple[list[tuple[str, ...]], dict[str, str]]:
    """What a unit types: both indicator rows, and text starting with "=" into every free-text
    field still empty (General would make each a formula). Returns the edits and, per typed
    field, the text expected back."""
    sheet, cells = _input_cells(planned)
    doc = planned.document
    prefilled = {k for k, v in doc.projects[0].values.items() if v}
    rows: dict[int, dict[str, str]] = {}
    edits: list[tuple[str, ...]] = []
    fields: dict[str, str] = {}
    for ref, what, fspec in cells:
        if what.startswith("ind:"):
            _, col, row = what.split(":")
            rows.setdefault(int(row), {})[col] = ref
        elif fspec.key not in prefilled and fspec.type in ("text", "longtext"):
            text = f"=第一期（{fspec.label}）"
            edits.append((sheet, ref, text))
            fields[fspec.key] = text
    first, second = sorted(rows)[:2]
    level_keys = [c.key for c in doc.layout.indicators.level_columns]
    for row, (path, name, target) in zip(
        (first, second),
        (
            (ROWS[layout_id][0], "发放数量", COUNT_TARGET),
            (ROWS[layout_id][1], "服务对象满意度", RATE_TARGET),
        ),
    ):
        refs = rows[row]
        for key, level in zip(level_keys, path):
            edits.append((sheet, refs[key], level))
        edits.append((sheet, refs["name"], name))
        edits.append((sheet, refs["target"], target))
    return edits, fields


@pytest.mark.libreoffice
@pytest.mark.slow
def test_typed_targets_and_texts_read_back_as_typed(tmp_path):
    jobs, expected = [], {}
    for layout_id in sorted(ROWS):
        planned = _blank(layout_id, tmp_path / layout_id)
        edits, fields = _edits(layout_id, planned)
        typed = tmp_path / "typed" / f"{layout_id}.xlsx"
        typed.parent.mkdir(exist_ok=True)
        jobs.append((planned.output, typed, edits))
        expected[layout_id] = (typed, fields)
    # the same typing into General cells, as in a form from before this change
    (_, _, declaration_edits) = jobs[sorted(ROWS).index("declaration")]
    general = tmp_path / "typed" / "declaration-general.xlsx"
    jobs.append(
        (
            jobs[sorted(ROWS).index("declaration")][0],
            general,
            [(*e, "general") for e in declaration_edits],
        )
    )
    type_into(jobs, tmp_path / "profile", tmp_path)

    for layout_id, (typed, fields) in expected.items():
        values = calamine_values(typed)["项目一"]
        flat = [v for row in values for v in row]
        assert COUNT_TARGET in flat and RATE_TARGET in flat, layout_id
        (report,) = perfxl.check(typed, workers=1).files
        (project,) = report.projects
        targets = {i["name"]: i["target"] for i in project["indicators"]}
        assert targets == {"发放数量": COUNT_TARGET, "服务对象满意度": RATE_TARGET}, layout_id
        for key, text in fields.items():
            assert project["fields"][key] == text, (layout_id, key)
        # the only remark on the typed targets: 100% carries no comparison sign (I010)
        on_targets = [
            f
            for f in report.findings
            if f.code.startswith(("I", "T")) and f.code not in ("I004", "I019", "I018")
        ]
        assert {f.code for f in on_targets} <= {"I010"}, (layout_id, on_targets)
        assert all("100%" in f.message for f in on_targets), layout_id

    # in General cells the same typing is lost: a formula error and the number 1
    values = calamine_values(general)["项目一"]
    flat = [v for row in values for v in row]
    assert COUNT_TARGET not in flat and RATE_TARGET not in flat
    assert 1.0 in flat
