"""Printed forms, checked from LibreOffice's PDF: every page holding indicator rows shows the
indicator table's header, no merged 一级/二级 group is cut by a page break, and no page of a
project holds fewer than three table rows (unless it is the project's only page).

Rows per page are counted from the cell borders LibreOffice draws (tests/libreoffice.py). The
workbooks are every sample, blanks of every layout (with no, the default and many empty
indicator rows), the 批复表 sample with ``--blank-rows 0`` and a plainly synthetic project
whose 一级 and 二级 groups are taller than a page.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import perfxl
from perfxl.core.pages import MIN_ROWS, PagePlan, plan_pages
from perfxl.define.model import LoadOptions, load_document, load_document_text
from perfxl.layout.templates import template_set
from perfxl.write.blank import BlankOptions, Roster, RosterUnit, plan_blank, write_blank
from perfxl.write.workbook import DocumentWriter

from .conftest import SAMPLES
from .libreoffice import convert, pdf_pages, require_soffice

NOT_PROJECTS = {"封面", "填报说明"}

SYNTHETIC = """\
layout: declaration
year: 2025
projects:
  - name: 合成测试项目（分页）
    department: 合成测试主管部门
    unit: 合成测试单位
    nature: 经常性项目
    category: 特定目标类
    start: 2025-01-01
    end: 2025-12-31
    funds: {{annual_total: 1000.00, annual_appropriation: 1000.00}}
    annual_goal: 合成的年度总体目标，只用于测试分页。
    indicators:
{rows}
"""


def synthetic_yaml() -> str:
    """A made-up project: a 二级 group of 40 rows (taller than a page) under a 一级 group of 52."""
    rows = []
    for i in range(40):
        rows.append(f"      - [产出指标, 数量指标, 合成数量指标{i:02d}, '=10.00(件)']")
    for i in range(12):
        rows.append(f"      - [产出指标, 质量指标, 合成质量指标{i:02d}, '≥90.00(%)']")
    for i in range(8):
        rows.append(f"      - [效益指标, 社会效益指标, 合成效益指标{i:02d}, 有效]")
    rows.append("      - [成本指标, 经济成本指标, 合成成本指标, '≤1000.00(元)']")
    rows.append("      - [满意度指标, 服务对象满意度指标, 合成满意度, '≥90.00(%)']")
    return SYNTHETIC.format(rows="\n".join(rows))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    require_soffice()
    base = tmp_path_factory.mktemp("print")
    books: list[Path] = []
    writer = DocumentWriter(template_set())
    for source in sorted(SAMPLES.glob("*.yaml")):
        out = base / "gen" / f"{source.stem}.xlsx"
        writer.write(load_document(source), out)
        books.append(out)
    approval = next(SAMPLES.glob("*approval*.yaml"))
    out = base / "gen" / "approval-blank-rows-0.xlsx"
    writer.write(load_document(approval, LoadOptions(blank_rows=0)), out)
    books.append(out)
    out = base / "gen" / "synthetic-tall-groups.xlsx"
    writer.write(load_document_text(synthetic_yaml(), "synthetic.yaml"), out)
    books.append(out)
    for layout_id in template_set().layout_ids():
        # a 自评表 blank needs one indicator row: its total formulas sum the indicator
        # columns, and with none main fails (公式引用的指标列「weight」不存在), a bug of its own
        for rows in (1 if layout_id == "self-eval" else 0, None, 40):
            roster = Roster(
                base / "r.yaml",
                {"layout": layout_id, "year": 2025},
                [
                    RosterUnit(
                        "测试主管部门", f"测试单位{layout_id}-{rows}", [("项目一", Decimal(100))]
                    )
                ],
            )
            folder = base / "blank" / f"{layout_id}-{rows}"
            folder.mkdir(parents=True)
            options = BlankOptions(blank_rows=rows)
            (planned,) = plan_blank(roster, options, folder)
            assert write_blank([planned], options) == [None]
            books.append(planned.output)
    pdfs = convert(books, "pdf", base / "pdf", base / "profile")
    return list(zip(books, pdfs))


def _sheets(book: Path):
    """(sheet, breaks as 1-based last rows of a page, repeated rows) of each visible sheet."""
    wb = openpyxl.load_workbook(book)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        breaks = sorted(b.id for b in ws.row_breaks.brk)
        titles = ws.print_title_rows  # "$12:$13"
        repeat = None
        if titles:
            first, last = (int(p.strip("$")) for p in titles.split(":"))
            repeat = (first, last)
        out.append((ws, breaks, repeat))
    return out


def _pages_by_sheet(book: Path, pdf: Path):
    pages = pdf_pages(pdf)
    sheets = _sheets(book)
    planned = sum(len(b) + 1 for _ws, b, _r in sheets)
    # LibreOffice broke the pages exactly where perfxl did: no page added by its own
    # pagination (a page too full) and none split across (a sheet wider than the page)
    assert len(pages) == planned, (book.name, len(pages), planned)
    at = 0
    for ws, breaks, repeat in sheets:
        yield ws, breaks, repeat, pages[at : at + len(breaks) + 1]
        at += len(breaks) + 1


def _header_text(ws, repeat) -> str:
    """A text of the repeated rows to look for on every page: the indicator header's 一级
    column where it has one (the 运行监控表 repeats its two-row header, 一级 in neither row's
    first text), else the first text of the repeated rows."""
    rows = [ws[r] for r in range(repeat[0], repeat[1] + 1)]
    texts = [str(c.value) for row in reversed(rows) for c in row if c.value]
    return next((t for t in texts if t.startswith("一级")), texts[-1])


def test_every_page_with_indicator_rows_shows_the_header(printed):
    checked = 0
    for book, pdf in printed:
        for ws, breaks, repeat, pages in _pages_by_sheet(book, pdf):
            if ws.title in NOT_PROJECTS:
                continue
            assert repeat is not None, (book.name, ws.title)
            header = _header_text(ws, repeat)
            starts = [1, *(b + 1 for b in breaks)]
            for number, (page, _first_row) in enumerate(zip(pages, starts)):
                last_row = (breaks + [ws.max_row])[number]
                if last_row > repeat[1]:  # the page holds rows below the header
                    assert header in page.squeezed, (book.name, ws.title, number + 1)
                    checked += 1
                elif last_row < repeat[0]:  # the page ends before the header
                    assert header not in page.squeezed, (book.name, ws.title, number + 1)
    assert checked > 60


def test_no_page_of_a_project_holds_fewer_than_three_rows(printed):
    multi = 0
    for book, pdf in printed:
        for ws, breaks, repeat, pages in _pages_by_sheet(book, pdf):
            if len(pages) == 1:
                continue
            multi += 1
            for number, page in enumerate(pages):
                repeated = 0
                if repeat and number and breaks[number - 1] >= repeat[1]:
                    repeated = repeat[1] - repeat[0] + 1
                own = page.rows - repeated
                assert own >= MIN_ROWS, (book.name, ws.title, number + 1, own)
    assert multi >= 20


def test_the_approval_sample_without_blank_rows_leaves_no_spill_page(printed):
    book, pdf = next(p for p in printed if p[0].name == "approval-blank-rows-0.xlsx")
    for ws, _breaks, repeat, pages in _pages_by_sheet(book, pdf):
        if ws.title in NOT_PROJECTS:
            continue
        assert all(p.rows - 2 * bool(i) >= MIN_ROWS for i, p in enumerate(pages)), ws.title
        # 其他说明 is never alone: the page that holds it also holds indicator rows
        last = pages[-1].squeezed
        assert "其他说明" in last and _header_text(ws, repeat) in last


def test_no_merged_group_is_cut_by_a_page_break(printed):
    cut_allowed = 0
    for book, _pdf in printed:
        for ws, breaks, repeat in _sheets(book):
            for merged in ws.merged_cells.ranges:
                if repeat and merged.min_row <= repeat[1] < merged.max_row:
                    continue  # a label beside the whole indicator table (申报表「绩效指标」)
                for b in breaks:
                    assert not (merged.min_row <= b < merged.max_row), (
                        book.name,
                        ws.title,
                        str(merged),
                        b,
                    )
            cut_allowed += bool(breaks)
    assert cut_allowed


def test_a_group_taller_than_a_page_is_named_on_every_page(printed, tmp_path):
    book, pdf = next(p for p in printed if p[0].name == "synthetic-tall-groups.xlsx")
    ((_cover, *_), (ws, breaks, repeat, pages)) = list(_pages_by_sheet(book, pdf))
    assert len(pages) >= 3
    for page in pages[1:]:
        assert "产出指标" in page.squeezed or "效益指标" in page.squeezed
        assert "数量指标" in page.squeezed or "质量指标" in page.squeezed or "效益" in page.squeezed
    # the 二级 group of 40 rows is cut only because it is taller than a page, and each part
    # is merged on its own page; the form still reads back as written
    report = perfxl.check([book])
    assert not [f for f in report.findings if f.severity == "error"], report.findings[:3]
    extracted = perfxl.extract(book, tmp_path / "back.yaml")
    text = (tmp_path / "back.yaml").read_text(encoding="utf-8")
    assert extracted and text.count("合成数量指标") == 40


# --------------------------------------------------------------------------------------
# the planner itself, without LibreOffice


def test_plan_breaks_between_level1_groups_and_keeps_three_rows_on_the_last_page():
    heights = [20.0] * 80
    costs = [0] * 80
    for b in range(1, 80):
        costs[b] = 0 if b % 10 == 0 else 1  # 一级 groups of ten rows
    plan = plan_pages([60.0], heights, "portrait", costs)
    assert plan.breaks and all(b % 10 == 0 for b in plan.breaks)
    assert all(len(p) >= MIN_ROWS for p in plan.pages(80))


def test_plan_prints_smaller_rather_than_a_last_page_of_one_row():
    capacity = plan_pages([60.0], [20.0], "portrait").capacity
    rows = int(capacity // 20) + 1  # one row more than a page
    plan = plan_pages([60.0], [20.0] * rows, "portrait")
    assert plan.breaks == () and plan.scale < 100
    assert isinstance(plan, PagePlan)


# --------------------------------------------------------------------------------------
# the annotated copy's 检查结果 sheet and the summary's 汇总 sheet


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Annotated copies of every generated sample and the merged summary of them, in PDF."""
    require_soffice()
    base = tmp_path_factory.mktemp("reports")
    writer = DocumentWriter(template_set())
    books = []
    for source in sorted(SAMPLES.glob("*.yaml")):
        books.append(base / "gen" / f"{source.stem}.xlsx")
        writer.write(load_document(source), books[-1])
    report = perfxl.check(books, annotate=base / "annotated")
    copies = sorted((base / "annotated").glob("*.xlsx"))
    assert len(copies) == len(books)
    summary = base / "汇总.xlsx"
    merged = perfxl.merge(books, summary)
    pdfs = convert([*copies, summary], "pdf", base / "pdf", base / "profile")
    return report, list(zip(copies, pdfs[:-1])), (merged, summary, pdfs[-1])


def test_the_result_sheet_prints_one_page_wide_without_overlapping_rows(reports):
    report, copies, _summary = reports
    by_copy = {Path(f.annotated or "").name: f for f in report.files}
    for copy, pdf in copies:
        checked = by_copy[copy.name]
        ws = openpyxl.load_workbook(copy)["检查结果"]
        assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$3:$3"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        pages = [p for p in pdf_pages(pdf) if "怎么改" in p.squeezed]
        assert pages, copy.name
        assert "检查结果：" in pages[0].squeezed
        for page in pages:
            # both ends of the header on every page: nothing printed on a second page across
            assert "序号" in page.squeezed and "怎么改" in page.squeezed
            assert not page.crossings(), (copy.name, page.crossings()[:3])
        # every finding printed in a row of its own (one header row per page)
        assert sum(p.rows - 1 for p in pages) == len(checked.findings), copy.name


def test_the_summary_prints_a_readable_table_with_chinese_layout_names(reports):
    _report, _copies, (merged, summary, pdf) = reports
    wb = openpyxl.load_workbook(summary)
    cover = wb["汇总"]
    assert cover.page_setup.paperSize == 9 and cover.page_setup.orientation == "landscape"
    assert cover.sheet_properties.pageSetUpPr.fitToPage and cover.print_title_rows
    for name in ("按单位", "项目", "指标"):  # for screen and export: not squeezed onto a page
        ws = wb[name]
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        assert ws.print_title_rows == "$1:$1"
    pages = [p for p in pdf_pages(pdf) if "指标数错误警告备注" in p.squeezed]  # the header
    assert len(pages) >= 2  # 29 projects: the header must repeat
    text = "".join(p.squeezed for p in pages)
    for page in pages:
        assert "序号" in page.squeezed and "备注" in page.squeezed
        assert not page.crossings()
    layout_ids = template_set().layout_ids()
    assert not [i for i in layout_ids if i in text]
    merged_layouts = {load_document(s).layout.id for s in SAMPLES.glob("*.yaml")}
    assert len(merged_layouts) >= 4
    for layout_id in merged_layouts:
        assert template_set().layout(layout_id).name in text
    groups = {r[0] for r in wb["按单位"].iter_rows(min_row=2, values_only=True) if r[0] != "合计"}
    # the counts (label and value in a row each, and the gap below them), then per page a
    # header, and the projects, a subtotal per group and the grand total
    counts = [r for r in cover.iter_rows(min_row=2, values_only=True) if r[2] is not None]
    counts = counts[: next(i for i, r in enumerate(counts) if r[0] == "序号")]
    rows = sum(p.rows for p in pages)
    assert rows == len(counts) + 1 + len(pages) + merged.projects + len(groups) + 1
    cells = [c for row in wb["项目"].iter_rows(min_row=2, values_only=True) for c in row]
    assert not [i for i in layout_ids if i in cells]
