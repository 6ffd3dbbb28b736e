"""A real spreadsheet application opens what perfxl writes.

LibreOffice headless converts every generated workbook to PDF and re-saves it as .xlsx; the
re-saved file must hold every value of the definition, no error values (Err:, #NAME?, #REF!),
and keep the print setup. CI installs LibreOffice, so these tests run there (a missing
soffice fails under CI instead of skipping).
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from perfxl.define.model import load_document
from perfxl.layout.templates import template_set
from perfxl.write.blank import BlankOptions, Roster, RosterUnit, plan_blank, write_blank
from perfxl.write.workbook import DocumentWriter

from .conftest import SAMPLES
from .helpers import (
    calamine_values,
    error_cells,
    expected_numbers,
    expected_strings,
    numbers_in,
    strings_in,
)
from .libreoffice import convert, pdf_page_count, pdf_text, require_soffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    require_soffice()
    base = tmp_path_factory.mktemp("lo")
    docs, books = [], []
    for source in sorted(SAMPLES.glob("*.yaml")):
        doc = load_document(source)
        out = base / "gen" / f"{source.stem}.xlsx"
        DocumentWriter(template_set()).write(doc, out)
        docs.append(doc)
        books.append(out)
    assert len(books) == 5, "every sample must generate"
    # blank forms of every layout, as perfxl blank writes them (guide, cover, two projects)
    for layout_id in template_set().layout_ids():
        roster = Roster(
            base / "r.yaml",
            {"layout": layout_id, "year": 2025},
            [
                RosterUnit(
                    "测试主管部门",
                    f"测试单位{layout_id}",
                    [("项目一", Decimal(100)), ("项目二", None)],
                )
            ],
        )
        (planned,) = plan_blank(roster, BlankOptions(), base / "blank")
        (base / "blank").mkdir(exist_ok=True)
        assert write_blank([planned], BlankOptions()) == [None]
        docs.append(planned.document)
        books.append(planned.output)
    profile = base / "profile"
    pdfs = convert(books, "pdf", base / "pdf", profile)
    resaved = convert(books, "xlsx", base / "xlsx", profile)
    return list(zip(docs, books, pdfs, resaved))


def test_libreoffice_resave_keeps_every_value(converted):
    for doc, _book, _pdf, resaved in converted:
        sheets = calamine_values(resaved)
        assert not error_cells(sheets), resaved.name
        missing = expected_strings(doc) - strings_in(sheets)
        assert not missing, (resaved.name, sorted(missing)[:5])
        numbers = numbers_in(sheets)
        for amount in expected_numbers(doc):
            assert float(amount) in numbers


def test_libreoffice_recalculates_cover_totals(converted):
    checked = 0
    for doc, _book, _pdf, resaved in converted:
        total_fields = [c["field"] for c in doc.layout.cover_columns if c["total"]]
        if not total_fields:
            continue
        ws = openpyxl.load_workbook(resaved, data_only=True)["封面"]
        row = next(r for r in ws.iter_rows() if r[0].value == "合计")
        totals = [c.value for c in row if isinstance(c.value, (int, float))]
        for value, key in zip(totals, total_fields):
            expected = sum(float(p.values.get(key) or 0) for p in doc.projects)
            assert abs(value - expected) < 0.005, (resaved.name, key)
            checked += 1
    assert checked


def test_libreoffice_keeps_print_setup_and_dropdowns(converted):
    for _doc, _book, _pdf, resaved in converted:
        wb = openpyxl.load_workbook(resaved)
        ws = next(w for w in wb.worksheets if w.title not in ("封面", "填报说明", "_perfxl"))
        assert ws.page_setup.paperSize == 9
        assert ws.print_title_rows  # the indicator header, repeated on every page
        formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
        assert "IND_L1" in formulas
        assert any(f and f.startswith("INDIRECT(") for f in formulas)
        assert "IND_L1" in wb.defined_names


def page_titles(doc) -> list[str]:
    cover_title = doc.title or f"{doc.values.get('unit') or ''}{doc.year}年度{doc.layout.name}"
    return [cover_title, doc.layout.title, f"{doc.layout.name}填报说明"]


def test_pdf_pages_are_one_page_wide_and_show_the_text(converted):
    for doc, book, pdf, _resaved in converted:
        text = pdf_text(pdf)
        pages = pdf_page_count(pdf)
        if doc.layout.id == "declaration":
            # these forms fit one page wide and tall: one page per visible sheet
            visible = [
                ws for ws in openpyxl.load_workbook(book).worksheets if ws.sheet_state == "visible"
            ]
            assert pages == len(visible), pdf.name
        if text is None:
            continue
        page_texts = ["".join(t.split()) for t in text.split("\f") if t.strip()]
        assert len(page_texts) == pages
        titles = ["".join(t.split()) for t in page_titles(doc)]
        # a page starts with the title or, continuing a project, with the indicator header
        # that repeats on every page; a sheet split across pages horizontally would leave
        # pages with half of either or none (tests/test_print.py checks every page closely)
        for number, page in enumerate(page_texts, start=1):
            assert any(title in page for title in titles) or "一级" in page, (pdf.name, number)
        whole = "".join(page_texts)
        for project in doc.projects:
            assert project.name.replace(" ", "") in whole


def test_libreoffice_recalculates_the_self_evaluation_like_the_seed(converted, tmp_path):
    """LibreOffice recomputes the 自评表 formulas: the seed's own totals and grades come out."""
    # first prove the conversion really recalculates: a formula with a wrong cached value
    probe = tmp_path / "probe.xlsx"
    wb = xlsxwriter.Workbook(str(probe))
    wb.add_worksheet().write_formula(0, 0, "=2*3", None, 999)
    wb.close()
    (again,) = convert([probe], "xlsx", tmp_path / "out", tmp_path / "profile")
    assert openpyxl.load_workbook(again, data_only=True).active["A1"].value == 6

    (resaved,) = [
        r for doc, _b, _p, r in converted if doc.layout.id == "self-eval" and "jiading" in r.name
    ]
    wb = openpyxl.load_workbook(resaved, data_only=True)
    totals, grades = [], []
    for name in ("其他社会保障类", "其他专项工作经费", "信息化项目建设", "养老事业类"):
        ws = wb[name]
        total_row = next(r for r in ws.iter_rows() if r[0].value == "总分")
        grade_row = next(r for r in ws.iter_rows() if r[0].value == "评分等级")
        totals.append(round(total_row[7].value, 2))
        grades.append(grade_row[6].value)
        assert total_row[6].value == 100
    assert totals == [100.00, 99.92, 99.45, 99.00]
    assert grades == ["优"] * 4


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_forms_resaved_by_libreoffice_read_back_to_the_same_data(converted, tmp_path, fmt):
    """A filled form re-saved by LibreOffice (as people do with WPS/LibreOffice) reads back
    to the same data, whatever the format it was saved in."""
    from perfxl.checks.run import RunOptions, check_file
    from perfxl.define.model import load_document_text

    chosen = [
        (doc, book)
        for doc, book, _pdf, _r in converted
        if doc.path.endswith(("declaration.yaml", "self-eval.yaml", "approval.yaml"))
    ]
    assert len(chosen) == 3
    resaved = convert([book for _, book in chosen], fmt, tmp_path / fmt, tmp_path / "profile")
    for (doc, _book), path in zip(chosen, resaved):
        report = check_file(path, RunOptions(want_definition=True))
        assert report.readable, report.findings
        assert report.layout == doc.layout.id
        back = load_document_text(report.definition_yaml, "back.yaml")
        assert [p.name for p in back.projects] == [p.name for p in doc.projects]
        for a, b in zip(doc.projects, back.projects):
            for key, value in a.values.items():
                if value not in (None, "") and not key.startswith("reported."):
                    assert b.values.get(key) == value, (path.name, a.name, key)
            filled = [
                {k: v for k, v in i.values.items() if v not in (None, "")} for i in a.indicators
            ]
            assert [
                {k: v for k, v in i.values.items() if v not in (None, "")} for i in b.indicators
            ] == filled


def test_libreoffice_opens_the_merged_summary(converted, tmp_path):
    from perfxl.merging.summary import MergeOptions, merge

    books = [book for _doc, book, _pdf, _r in converted]
    out = tmp_path / "汇总.xlsx"
    result = merge(books, out, MergeOptions(title="测试汇总"))
    assert result.not_merged == []
    (pdf,) = convert([out], "pdf", tmp_path / "pdf", tmp_path / "profile")
    (resaved,) = convert([out], "xlsx", tmp_path / "xlsx", tmp_path / "profile")
    sheets = calamine_values(resaved)
    assert not error_cells(sheets)
    assert "测试汇总" in strings_in(sheets)
    assert pdf_page_count(pdf) >= 5
