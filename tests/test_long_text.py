"""Long text prints whole: a blank gives its free-text rows room for a 300-character goal, and
the annotated copy grows the rows of text that grew beyond its row.

The LibreOffice test prints both to PDF and finds, with ``pdftotext -bbox``, the last words
of the long text above the label of the row below it: text cut off at the bottom of its row
would be drawn (clipped) further down the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest

import perfxl
from perfxl.core.textwidth import text_height
from perfxl.report.annotate import annotated_name
from perfxl.write.blank import (
    BLANK_TEXT_ROOM,
    BlankOptions,
    Roster,
    RosterUnit,
    plan_blank,
    write_blank,
)

from .libreoffice import convert, type_into

# Synthetic goal text of exactly BLANK_TEXT_ROOM characters, ending in a marker.
_SENTENCE = "测试用目标文字按月足额发放生活费并完成年度核对工作。"
END = "。ENDOFGOAL"  # one word for pdftotext, whatever the line breaks


def long_goal(length: int) -> str:
    body = (_SENTENCE * (length // len(_SENTENCE) + 1))[: length - len(END)]
    return body + END


def _blank(tmp_path, layout_id="declaration"):
    roster = Roster(
        tmp_path / "名单.yaml",
        {"layout": layout_id, "year": 2025},
        [RosterUnit("测试主管部门", "测试单位", [("项目一", Decimal(100))])],
    )
    (planned,) = plan_blank(roster, BlankOptions(), tmp_path / "blank")
    (tmp_path / "blank").mkdir(exist_ok=True)
    assert write_blank([planned], BlankOptions()) == [None]
    return planned


def _goal_cell(ws, header="年度总体目标"):
    label = next(c for r in ws.iter_rows() for c in r if c.value == header)
    return ws.cell(label.row + 1, label.column)


def _span_of(ws, cell):
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng
    raise AssertionError(cell.coordinate)


def _width(ws, rng):
    widths = {}
    for dim in ws.column_dimensions.values():  # a dimension may stand for several columns
        for c in range(dim.min, dim.max + 1):
            widths[c] = dim.width
    return sum(widths[c] for c in range(rng.min_col, rng.max_col + 1))


@pytest.mark.parametrize("layout_id", ["declaration", "target-2020", "approval", "self-eval"])
def test_blank_goal_rows_have_room_for_300_characters(tmp_path, layout_id):
    planned = _blank(tmp_path, layout_id)
    layout = planned.document.layout
    goal_label = layout.field(layout.roles.goal).label
    header = {"target-2020": "总目标及阶段性目标", "approval": "项目绩效年度目标"}
    ws = openpyxl.load_workbook(planned.output)["项目一"]
    label = next(
        c for r in ws.iter_rows() for c in r if c.value == header.get(layout_id, goal_label)
    )
    # the goal is right of its label (target-2020) or below it (the others)
    cell = ws.cell(label.row, label.column + 1) if layout_id == "target-2020" else None
    cell = cell or ws.cell(label.row + 1, label.column)
    rng = _span_of(ws, cell)
    have = sum(ws.row_dimensions[r].height for r in range(rng.min_row, rng.max_row + 1))
    need = text_height("中" * BLANK_TEXT_ROOM, _width(ws, rng), 11)
    assert have >= need - 0.5, (layout_id, have, need)


def test_annotated_copy_grows_the_row_of_text_that_grew(sample_books, tmp_path):
    _, path = sample_books["minhang-2024-declaration"]
    copy = tmp_path / "长目标.xlsx"
    shutil.copy(path, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["征地养老费支出"]
    cell = _goal_cell(ws)
    before = {r: d.height for r, d in ws.row_dimensions.items()}
    cell.value = long_goal(600)
    wb.save(copy)
    report = perfxl.check(copy, annotate=tmp_path / "批注", workers=1)
    (checked,) = report.files
    annotated = openpyxl.load_workbook(checked.annotated)["征地养老费支出"]
    rng = _span_of(annotated, annotated[cell.coordinate])
    have = sum(annotated.row_dimensions[r].height for r in range(rng.min_row, rng.max_row + 1))
    assert have >= text_height(cell.value, _width(annotated, rng), 11) - 0.5
    assert have > sum(before[r] for r in range(rng.min_row, rng.max_row + 1))
    # rows whose text did not grow keep their heights
    for r, h in before.items():
        if not rng.min_row <= r <= rng.max_row and h:
            assert annotated.row_dimensions[r].height == h, r


def _words(pdf):
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = html.split("<page ")[1:]
    out = []
    for number, page in enumerate(pages, start=1):
        for m in re.finditer(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)">([^<]*)</word>', page):
            out.append((number, float(m.group(1)), float(m.group(2)), m.group(3)))
    return out


def _printed_whole(pdf, next_label):
    """The end marker is printed above the label of the row below the text (when that
    label is on the same page: a text cut off at its row's bottom is drawn clipped below)."""
    words = _words(pdf)
    ends = [(p, y) for p, _, y, w in words if "ENDOFGOAL" in w]
    assert len(ends) == 1, ends
    page, end = ends[0]
    below = [y for p, y, _, w in words if p == page and w == next_label]
    return all(end < y for y in below)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_long_goal_prints_whole_in_blank_and_annotated_copy(sample_books, tmp_path):
    planned = _blank(tmp_path)
    ws = openpyxl.load_workbook(planned.output)["项目一"]
    goal = long_goal(BLANK_TEXT_ROOM)
    typed = tmp_path / "typed.xlsx"
    type_into(
        [(planned.output, typed, [("项目一", _goal_cell(ws).coordinate, goal)])],
        tmp_path / "p1",
        tmp_path,
    )
    # a returned form whose goal grew beyond its row, and its annotated copy
    _, path = sample_books["minhang-2024-declaration"]
    grown = tmp_path / "grown.xlsx"
    shutil.copy(path, grown)
    wb = openpyxl.load_workbook(grown)
    for sheet in list(wb.worksheets):  # one project sheet keeps the PDF short
        if sheet.sheet_state == "visible" and sheet.title != "征地养老费支出":
            wb.remove(sheet)
    _goal_cell(wb["征地养老费支出"]).value = long_goal(600)
    wb.save(grown)
    (checked,) = perfxl.check(grown, annotate=tmp_path / "批注", workers=1).files
    annotated = tmp_path / "批注" / annotated_name(grown)
    assert checked.annotated == str(annotated)
    pdfs = convert([typed, grown, annotated], "pdf", tmp_path / "pdf", tmp_path / "p2")
    assert _printed_whole(pdfs[0], "一级指标")
    assert not _printed_whole(pdfs[1], "一级指标")  # as returned, the grown goal is cut off
    assert _printed_whole(pdfs[2], "一级指标")
